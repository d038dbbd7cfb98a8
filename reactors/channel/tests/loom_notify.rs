//! Notify under loom: a `notify_one` racing the first poll of `notified()` is never lost
//! (it is either the stored permit or a wakeup), and a chosen waiter that is dropped
//! passes the notification on.
//!
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 CARGO_TARGET_DIR=target/loom \
//!  cargo test -p wakewire-reactor-channel --release --test loom_notify`
#![cfg(loom)]

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Wake, Waker};

use loom::sync::atomic::{AtomicBool, Ordering};
use loom::sync::Arc;
use loom::thread;
use wakewire_reactor_channel::Notify;

struct FlagWaker(AtomicBool);

impl Wake for FlagWaker {
    fn wake(self: std::sync::Arc<Self>) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[test]
fn loom_notify_one_is_never_lost() {
    loom::model(|| {
        let notify = Arc::new(Notify::new());
        let notifier = {
            let notify = notify.clone();
            thread::spawn(move || notify.notify_one())
        };
        let flag = std::sync::Arc::new(FlagWaker(AtomicBool::new(false)));
        let waker = Waker::from(flag.clone());
        let mut notified = pin!(notify.notified());
        let first = notified.as_mut().poll(&mut Context::from_waker(&waker));
        notifier.join().unwrap();
        if first.is_pending() {
            assert!(
                flag.0.load(Ordering::SeqCst),
                "woken, since no permit was used"
            );
            let again = notified.as_mut().poll(&mut Context::from_waker(&waker));
            assert_eq!(again, Poll::Ready(()));
        }
    });
}

#[test]
fn loom_notify_dropped_chosen_waiter_passes_it_on() {
    loom::model(|| {
        let notify = Arc::new(Notify::new());
        let quitter = {
            let notify = notify.clone();
            thread::spawn(move || {
                let mut notified = pin!(notify.notified());
                notified
                    .as_mut()
                    .poll(&mut Context::from_waker(Waker::noop()))
                    .is_ready()
                // Dropped here; if pending, maybe after being chosen by notify_one.
            })
        };
        let notifier = {
            let notify = notify.clone();
            thread::spawn(move || notify.notify_one())
        };
        let quitter_consumed_it = quitter.join().unwrap();
        notifier.join().unwrap();
        // Unless the quitter's own poll used it, the one notification is still there for
        // the next waiter, as the permit.
        let mut notified = pin!(notify.notified());
        let ready = notified
            .as_mut()
            .poll(&mut Context::from_waker(Waker::noop()));
        if quitter_consumed_it {
            assert_eq!(ready, Poll::Pending, "one notify_one, one completion");
        } else {
            assert_eq!(ready, Poll::Ready(()));
        }
    });
}
