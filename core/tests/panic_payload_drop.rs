//! `drop_payload`: a caught panic whose payload panics again when dropped is contained,
//! every link of a short chain is dropped, nothing escapes to abort the process.

use std::panic::{catch_unwind, panic_any};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use wakewire_core::panic::drop_payload;

/// Panics with another `Relay` (one fewer to go) when dropped, until `left` is 0.
struct Relay {
    left: usize,
    drops: Arc<AtomicUsize>,
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.drops.fetch_add(1, Ordering::SeqCst);
        if self.left > 0 {
            panic_any(Relay {
                left: self.left - 1,
                drops: self.drops.clone(),
            });
        }
    }
}

#[test]
fn a_payload_that_panics_when_dropped_is_contained() {
    let drops = Arc::new(AtomicUsize::new(0));
    let payload = catch_unwind(|| {
        panic_any(Relay {
            left: 2,
            drops: drops.clone(),
        })
    })
    .unwrap_err();
    drop_payload(payload);
    assert_eq!(
        drops.load(Ordering::SeqCst),
        3,
        "the payload and both re-panics"
    );
}

#[test]
fn an_ordinary_payload_is_dropped() {
    let payload = catch_unwind(|| panic!("plain")).unwrap_err();
    drop_payload(payload);
}
