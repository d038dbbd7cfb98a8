//! The text of a caught panic.

use std::any::Any;

/// The message of a panic payload (`panic!` with a literal gives a `&str`, with arguments a
/// `String`), or a placeholder saying it was something else.
///
/// ```
/// let payload = std::panic::catch_unwind(|| panic!("disk {} on fire", 3)).unwrap_err();
/// assert_eq!(wakewire_test_util::panic_text(&*payload), "disk 3 on fire");
/// ```
pub fn panic_text(payload: &(dyn Any + Send)) -> String {
    wakewire_core::panic::payload_message(payload)
        .map(str::to_owned)
        .unwrap_or_else(|| "(a panic whose payload is not a string)".to_owned())
}
