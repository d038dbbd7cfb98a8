//! `WakerSlot`: the latest waker wins, and a panicking waker leaves the slot usable.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::task::{Wake, Waker};

use wakewire_core::waker::{counting_waker, WakerSlot};

#[test]
fn the_latest_registered_waker_is_the_one_woken() {
    let slot = WakerSlot::new();
    let (a, a_count) = counting_waker();
    let (b, b_count) = counting_waker();
    slot.register(&a);
    assert_eq!(
        a_count.live_references(),
        3,
        "counter, `a`, and the slot's clone"
    );
    slot.register(&b);
    assert_eq!(a_count.live_references(), 2, "the stale clone was released");
    assert!(slot.wake());
    assert_eq!((a_count.wakes(), b_count.wakes()), (0, 1));
}

#[test]
fn re_registering_the_same_waker_does_not_clone() {
    let slot = WakerSlot::new();
    let (a, count) = counting_waker();
    slot.register(&a);
    let refs = count.live_references();
    for _ in 0..10 {
        slot.register(&a);
    }
    assert_eq!(count.live_references(), refs);
    assert!(slot.take().is_some());
    assert!(!slot.wake(), "take emptied the slot");
}

#[test]
fn a_panicking_waker_leaves_the_slot_usable() {
    struct Bomb;
    impl Wake for Bomb {
        fn wake(self: Arc<Self>) {
            panic!("waker panics");
        }
    }
    let slot = WakerSlot::new();
    slot.register(&Waker::from(Arc::new(Bomb)));
    assert!(catch_unwind(AssertUnwindSafe(|| slot.wake())).is_err());
    let (good, count) = counting_waker();
    slot.register(&good);
    assert!(slot.wake());
    assert_eq!(count.wakes(), 1);
}
