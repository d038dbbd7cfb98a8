//! Loom models of the oneshot's lock-free protocol (one state word; the value and each
//! side's waker handed over through it), run over the real code: every interleaving of a
//! send, a sender drop, a close or a receiver drop against polls that change their waker.
//! Loom's `UnsafeCell` fails a model if two threads ever touch a cell at once or without
//! a happens-before edge between them, so these also check who owns which cell.
//!
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 CARGO_TARGET_DIR=target/loom \
//!  cargo test -p wakewire-reactor-channel --release --test loom_oneshot`
#![cfg(loom)]

use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::Once;
use std::task::{Context, Poll, Wake, Waker};

use loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use loom::sync::Arc;
use loom::thread;
use wakewire_core::waker::WakerSlot;
use wakewire_reactor_channel::{oneshot, RecvError, SendError, TryRecvError};

/// Sets a flag when woken (loom-visible).
struct FlagWaker(AtomicBool);

impl FlagWaker {
    fn new() -> (std::sync::Arc<FlagWaker>, Waker) {
        let flag = std::sync::Arc::new(FlagWaker(AtomicBool::new(false)));
        let waker = Waker::from(flag.clone());
        (flag, waker)
    }

    fn woken(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

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

/// A value that counts its drops: each one sent must be dropped exactly once, wherever
/// it ends up (received, handed back by a failed send, or dropped by the channel).
struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
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

/// A send races two polls with different wakers: the value is received exactly once, and
/// whenever the receiver is left pending, its *latest* waker is woken.
#[test]
fn loom_oneshot_send_vs_poll_with_waker_change() {
    loom::model(|| {
        let drops = Arc::new(AtomicUsize::new(0));
        let (tx, mut rx) = oneshot::channel();
        let value = Counted(drops.clone());
        let sender = thread::spawn(move || assert!(tx.send(value).is_ok()));
        let (_first, first_waker) = FlagWaker::new();
        let (second, second_waker) = FlagWaker::new();
        let mut received = None;
        for waker in [&first_waker, &second_waker] {
            if let Poll::Ready(result) = poll(&mut rx, waker) {
                received = Some(result.expect("the sender sends"));
                break;
            }
        }
        sender.join().unwrap();
        if received.is_none() {
            assert!(second.woken(), "the latest waker was woken");
            match poll(&mut rx, &second_waker) {
                Poll::Ready(result) => received = Some(result.expect("the sender sends")),
                Poll::Pending => panic!("woken, yet the value is not there"),
            }
        }
        assert_eq!(drops.load(Ordering::SeqCst), 0);
        drop(received);
        drop(rx);
        assert_eq!(drops.load(Ordering::SeqCst), 1, "the value is dropped once");
    });
}

/// A send races a receiver that polls, changes its waker, then goes away: the value is
/// dropped exactly once, either by the channel or handed back to the sender.
#[test]
fn loom_oneshot_send_vs_receiver_drop() {
    loom::model(|| {
        let drops = Arc::new(AtomicUsize::new(0));
        let (tx, mut rx) = oneshot::channel();
        let value = Counted(drops.clone());
        let sender = thread::spawn(move || match tx.send(value) {
            Ok(()) => true,
            Err(SendError(back)) => {
                drop(back);
                false
            }
        });
        let (_first, first_waker) = FlagWaker::new();
        let (_second, second_waker) = FlagWaker::new();
        let mut received = false;
        for waker in [&first_waker, &second_waker] {
            if let Poll::Ready(result) = poll(&mut rx, waker) {
                assert!(result.is_ok());
                received = true;
                break;
            }
        }
        drop(rx);
        let delivered = sender.join().unwrap();
        assert!(
            delivered || !received,
            "a value handed back was never received"
        );
        assert_eq!(drops.load(Ordering::SeqCst), 1, "the value is dropped once");
    });
}

/// Dropping the sender races the receiver's polls: it ends with `RecvError` — seen by a
/// poll, or after a wake of the latest waker — never a hang.
#[test]
fn loom_oneshot_sender_drop_vs_poll_with_waker_change() {
    loom::model(|| {
        let (tx, mut rx) = oneshot::channel::<u32>();
        let dropper = thread::spawn(move || drop(tx));
        let (_first, first_waker) = FlagWaker::new();
        let (second, second_waker) = FlagWaker::new();
        let pending =
            poll(&mut rx, &first_waker).is_pending() && poll(&mut rx, &second_waker).is_pending();
        dropper.join().unwrap();
        if pending {
            assert!(second.woken(), "the latest waker was woken");
        }
        assert_eq!(poll(&mut rx, &second_waker), Poll::Ready(Err(RecvError)));
    });
}

/// `close` races a send: either the send came first (it succeeds and the value is still
/// received after the close) or the close did (the send hands the value back and nothing
/// is received). Never both, never neither.
#[test]
fn loom_oneshot_close_vs_send() {
    loom::model(|| {
        let drops = Arc::new(AtomicUsize::new(0));
        let (tx, mut rx) = oneshot::channel();
        let value = Counted(drops.clone());
        let sender = thread::spawn(move || match tx.send(value) {
            Ok(()) => true,
            Err(SendError(back)) => {
                drop(back);
                false
            }
        });
        rx.close();
        let before_join = rx.try_recv();
        let delivered = sender.join().unwrap();
        let received = match before_join {
            Ok(value) => Some(value),
            Err(TryRecvError::Closed) => None,
            Err(TryRecvError::Empty) => panic!("a closed receiver is never empty"),
        };
        assert_eq!(delivered, received.is_some(), "sent exactly when received");
        drop(received);
        drop(rx);
        assert_eq!(drops.load(Ordering::SeqCst), 1, "the value is dropped once");
    });
}

/// The sender waits in `closed()` (changing its waker) while the receiver goes away: the
/// latest waker is woken, and `closed()` completes.
#[test]
fn loom_oneshot_poll_closed_vs_receiver_drop() {
    loom::model(|| {
        let (mut tx, rx) = oneshot::channel::<u32>();
        let dropper = thread::spawn(move || drop(rx));
        let (_first, first_waker) = FlagWaker::new();
        let (second, second_waker) = FlagWaker::new();
        let pending = tx
            .poll_closed(&mut Context::from_waker(&first_waker))
            .is_pending()
            && tx
                .poll_closed(&mut Context::from_waker(&second_waker))
                .is_pending();
        dropper.join().unwrap();
        if pending {
            assert!(second.woken(), "the latest waker was woken");
        }
        assert!(tx
            .poll_closed(&mut Context::from_waker(&second_waker))
            .is_ready());
        assert!(tx.is_closed());
    });
}

/// The sender waits in `closed()` and then sends, while the receiver waits for the value
/// and then closes: every waker left behind is woken or dropped, and the value ends up
/// exactly once on one side.
#[test]
fn loom_oneshot_both_waiting_send_vs_close() {
    loom::model(|| {
        let drops = Arc::new(AtomicUsize::new(0));
        let (mut tx, mut rx) = oneshot::channel();
        let value = Counted(drops.clone());
        let sender = thread::spawn(move || {
            let (_flag, waker) = FlagWaker::new();
            if tx.poll_closed(&mut Context::from_waker(&waker)).is_ready() {
                return false; // the receiver closed: do not even send
            }
            tx.send(value).is_ok()
        });
        let (_flag, waker) = FlagWaker::new();
        let first = poll(&mut rx, &waker);
        rx.close();
        let second = rx.try_recv();
        let delivered = sender.join().unwrap();
        let received = match (first, second) {
            (Poll::Ready(Ok(value)), Err(TryRecvError::Closed)) => Some(value),
            (Poll::Pending, Ok(value)) => Some(value),
            (Poll::Pending, Err(TryRecvError::Closed)) => None,
            _ => panic!("impossible outcome"),
        };
        assert_eq!(delivered, received.is_some(), "sent exactly when received");
        drop(received);
        drop(rx);
        assert_eq!(drops.load(Ordering::SeqCst), 1, "the value is dropped once");
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

        let (flag, waker) = FlagWaker::new();
        slot.register(&waker);
        let waking = slot.clone();
        let waker_thread = thread::spawn(move || assert!(waking.wake()));
        waker_thread.join().unwrap();
        assert!(flag.woken());
    });
}

/// The oneshot with a panicking receiver waker: the send's panic reaches the sender, the
/// value is delivered anyway and the receiver gets it.
#[test]
fn loom_oneshot_panicking_receiver_waker() {
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
        let (_flag, waker) = FlagWaker::new();
        assert_eq!(poll(&mut rx, &waker), Poll::Ready(Ok(3)));
    });
}
