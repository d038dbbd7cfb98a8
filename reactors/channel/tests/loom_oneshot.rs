//! Loom models of the waker-slot protocol as the oneshot uses it (register, then
//! check, racing a send or a drop on another thread), and of a panicking waker in the slot.
//!
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 CARGO_TARGET_DIR=target/loom \
//!  cargo test -p wakewire-reactor-channel --release --test loom_oneshot`
#![cfg(loom)]

use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::Once;
use std::task::{Context, Poll, Wake, Waker};

use loom::sync::atomic::{AtomicBool, Ordering};
use loom::sync::Arc;
use loom::thread;
use wakewire_core::waker::WakerSlot;
use wakewire_reactor_channel::{oneshot, RecvError};

/// Sets a flag when woken (loom-visible).
struct FlagWaker(AtomicBool);

impl Wake for FlagWaker {
    fn wake(self: std::sync::Arc<Self>) {
        self.wake_by_ref();
    }
    fn wake_by_ref(self: &std::sync::Arc<Self>) {
        self.0.store(true, Ordering::SeqCst);
    }
}

struct PanickyWaker;

impl Wake for PanickyWaker {
    fn wake(self: std::sync::Arc<Self>) {
        panic!("this waker panics on purpose");
    }
}

/// Keeps the expected panics of these models out of the output.
fn quiet_expected_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !info.to_string().contains("on purpose") {
                default(info);
            }
        }));
    });
}

fn poll<F: Future + Unpin>(future: &mut F, waker: &Waker) -> Poll<F::Output> {
    Pin::new(future).poll(&mut Context::from_waker(waker))
}

/// A send on another thread races the receiver's register-then-check: either the poll
/// sees the value, or the waker it stored is woken.
#[test]
fn loom_waker_slot_register_wake() {
    loom::model(|| {
        let (tx, mut rx) = oneshot::channel();
        let sender = thread::spawn(move || tx.send(7u32).unwrap());
        let flag = std::sync::Arc::new(FlagWaker(AtomicBool::new(false)));
        let waker = Waker::from(flag.clone());
        match poll(&mut rx, &waker) {
            Poll::Ready(value) => assert_eq!(value, Ok(7)),
            Poll::Pending => {
                sender.join().unwrap();
                assert!(flag.0.load(Ordering::SeqCst), "the stored waker was woken");
                assert_eq!(poll(&mut rx, &waker), Poll::Ready(Ok(7)));
                return;
            }
        }
        sender.join().unwrap();
    });
}

/// Dropping the sender races the receiver's poll: it ends with `RecvError`, never hangs.
#[test]
fn loom_waker_slot_register_wake_sender_drop() {
    loom::model(|| {
        let (tx, mut rx) = oneshot::channel::<u32>();
        let dropper = thread::spawn(move || drop(tx));
        let flag = std::sync::Arc::new(FlagWaker(AtomicBool::new(false)));
        let waker = Waker::from(flag.clone());
        if poll(&mut rx, &waker).is_pending() {
            dropper.join().unwrap();
            assert!(flag.0.load(Ordering::SeqCst));
        } else {
            dropper.join().unwrap();
        }
        assert_eq!(poll(&mut rx, &waker), Poll::Ready(Err(RecvError)));
    });
}

/// A panicking waker in the slot: the wake panics on another thread, the slot stays
/// usable, and a waker registered afterwards is woken by a later wake.
#[test]
fn loom_waker_slot_register_wake_panicking_waker() {
    quiet_expected_panics();
    loom::model(|| {
        let slot = Arc::new(WakerSlot::new());
        slot.register(&Waker::from(std::sync::Arc::new(PanickyWaker)));
        let waking = slot.clone();
        let panicked =
            thread::spawn(move || panic::catch_unwind(AssertUnwindSafe(|| waking.wake())).is_err())
                .join()
                .unwrap();
        assert!(panicked);

        let flag = std::sync::Arc::new(FlagWaker(AtomicBool::new(false)));
        slot.register(&Waker::from(flag.clone()));
        let waking = slot.clone();
        let waker_thread = thread::spawn(move || assert!(waking.wake()));
        waker_thread.join().unwrap();
        assert!(flag.0.load(Ordering::SeqCst));
    });
}

/// The oneshot with a panicking receiver waker: the send's panic reaches the sender, the
/// value is delivered anyway and the receiver gets it.
#[test]
fn loom_waker_slot_register_wake_panicking_receiver() {
    quiet_expected_panics();
    loom::model(|| {
        let (tx, mut rx) = oneshot::channel();
        let bad = Waker::from(std::sync::Arc::new(PanickyWaker));
        let first = poll(&mut rx, &bad);
        let sender = thread::spawn(move || {
            let _ = panic::catch_unwind(AssertUnwindSafe(|| tx.send(3u8)));
        });
        if let Poll::Ready(value) = first {
            assert_eq!(value, Ok(3));
            sender.join().unwrap();
            return;
        }
        sender.join().unwrap();
        let flag = std::sync::Arc::new(FlagWaker(AtomicBool::new(false)));
        assert_eq!(poll(&mut rx, &Waker::from(flag)), Poll::Ready(Ok(3)));
    });
}
