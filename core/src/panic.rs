//! Panic payloads caught by executors and reactors: their message, and disposing of them
//! without a second unwind.
//!
//! A payload is a `Box<dyn Any + Send>` whose `Drop` is user code: `panic_any(value)` with a
//! value that panics when dropped gives a payload that panics again when the executor
//! throws it away. If that second panic unwinds out of a destructor, or out of
//! `async-task`, the process aborts. [`drop_payload`] contains it.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// The message of a panic payload, when it is a string: `panic!("literal")` gives a
/// `&'static str`, `panic!("{formatted}")` a `String`.
///
/// ```
/// use std::panic::catch_unwind;
/// use wakewire_core::panic::payload_message;
///
/// let payload = catch_unwind(|| panic!("disk {} on fire", 3)).unwrap_err();
/// assert_eq!(payload_message(&*payload), Some("disk 3 on fire"));
/// ```
pub fn payload_message(payload: &(dyn Any + Send)) -> Option<&str> {
    payload
        .downcast_ref::<&'static str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
}

/// How many payloads in a chain (each one the panic of dropping the one before) are
/// dropped before the rest is leaked.
const MAX_CHAIN: usize = 4;

/// Drops a caught panic payload, catching any panic its `Drop` raises, and that panic's
/// payload in turn. A chain of payloads that keep panicking when dropped is leaked after a
/// few links rather than looping or aborting; an ordinary payload (a `&str` or `String`)
/// is simply dropped.
///
/// ```
/// use std::panic::{catch_unwind, panic_any};
/// use wakewire_core::panic::drop_payload;
///
/// struct Grenade;
/// impl Drop for Grenade {
///     fn drop(&mut self) {
///         panic!("dropped a grenade");
///     }
/// }
///
/// let payload = catch_unwind(|| panic_any(Grenade)).unwrap_err();
/// drop_payload(payload); // no second unwind escapes
/// ```
pub fn drop_payload(payload: Box<dyn Any + Send>) {
    let mut payload = payload;
    for _ in 0..MAX_CHAIN {
        match catch_unwind(AssertUnwindSafe(move || drop(payload))) {
            Ok(()) => return,
            Err(again) => payload = again,
        }
    }
    std::mem::forget(payload);
}
