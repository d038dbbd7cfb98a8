//! Loom model of `WakerSlot`'s register-then-check protocol.
//!
//! Run with `RUSTFLAGS="--cfg loom" cargo test -p wakewire-core --release --test loom_waker_slot`.
#![cfg(loom)]

use loom::sync::atomic::{AtomicBool, Ordering};
use loom::sync::Arc;
use loom::thread;
use std::task::Waker;

use wakewire_core::waker::{counting_waker, WakerSlot};

/// An event source sets a flag and wakes; a waiter registers, then checks. In every
/// interleaving the waiter either sees the flag or its (latest) waker is woken.
#[test]
fn loom_waker_slot_register_wake() {
    loom::model(|| {
        let slot = Arc::new(WakerSlot::new());
        let ready = Arc::new(AtomicBool::new(false));
        let source = {
            let (slot, ready) = (slot.clone(), ready.clone());
            thread::spawn(move || {
                ready.store(true, Ordering::Release);
                slot.wake();
            })
        };
        let (stale, _) = counting_waker();
        let (latest, latest_count) = counting_waker();
        slot.register(&stale);
        slot.register(&latest);
        let saw_ready = ready.load(Ordering::Acquire);
        source.join().unwrap();
        assert!(saw_ready || latest_count.wakes() == 1, "lost wakeup");
        let _: Option<Waker> = slot.take();
    });
}
