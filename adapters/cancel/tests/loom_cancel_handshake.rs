//! Loom model of `Cancelable`'s handshake: `cancel()` on another thread races the poller,
//! which changes its waker between polls and whose inner future completes on its third
//! poll. Whatever the interleaving: once `cancel()` has returned, either the future has
//! already completed, or the waker of its *latest* poll has been woken (so the task is
//! polled again) and that poll returns `Err(Canceled)`; the inner future is dropped once.
//!
//! Run with:
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 CARGO_TARGET_DIR=target/loom
//!  cargo test --release -p wakewire-adapter-cancel --test loom_cancel_handshake`
//!
//! Checking the flag *before* storing the waker (instead of after) makes this model fail:
//! a cancel between the check and the store wakes the previous poll's waker, and the
//! latest one is never woken.
#![cfg(loom)]

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Wake, Waker};

use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::sync::Arc;
use loom::thread;
use wakewire_adapter_cancel::{Cancelable, Canceled};

/// A waker that counts its wakes in a loom atomic.
struct Counter(AtomicUsize);

impl Wake for Counter {
    fn wake(self: std::sync::Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn counter() -> (std::sync::Arc<Counter>, Waker) {
    let counter = std::sync::Arc::new(Counter(AtomicUsize::new(0)));
    (counter.clone(), Waker::from(counter))
}

/// Pending twice, ready on the third poll; counts its drops.
struct ThirdPoll {
    polls: usize,
    drops: Arc<AtomicUsize>,
}

impl Future for ThirdPoll {
    type Output = u8;

    fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<u8> {
        self.polls += 1;
        if self.polls == 3 {
            Poll::Ready(7)
        } else {
            Poll::Pending
        }
    }
}

impl Drop for ThirdPoll {
    fn drop(&mut self) {
        self.drops.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn cancel_races_polls_with_a_waker_change() {
    loom::model(|| {
        let drops = Arc::new(AtomicUsize::new(0));
        let (future, handle) = Cancelable::new(ThirdPoll {
            polls: 0,
            drops: drops.clone(),
        });
        let mut future = Box::pin(future);

        let canceller = thread::spawn(move || {
            handle.cancel();
        });

        let (first, first_waker) = counter();
        let (second, second_waker) = counter();
        let mut result = future.as_mut().poll(&mut Context::from_waker(&first_waker));
        let mut latest = &first;
        if result.is_pending() {
            result = future
                .as_mut()
                .poll(&mut Context::from_waker(&second_waker));
            latest = &second;
        }
        canceller.join().unwrap();

        match result {
            Poll::Ready(outcome) => assert_eq!(outcome, Err(Canceled)),
            Poll::Pending => {
                assert!(
                    latest.0.load(Ordering::SeqCst) >= 1,
                    "cancel returned, the future is pending, and its latest waker was never woken"
                );
                let (_, third_waker) = counter();
                assert_eq!(
                    future.as_mut().poll(&mut Context::from_waker(&third_waker)),
                    Poll::Ready(Err(Canceled))
                );
            }
        }
        assert_eq!(drops.load(Ordering::SeqCst), 1, "dropped in place, once");
    });
}

#[test]
fn cancel_races_completion() {
    loom::model(|| {
        let drops = Arc::new(AtomicUsize::new(0));
        let (future, handle) = Cancelable::new(ThirdPoll {
            polls: 2,
            drops: drops.clone(),
        });
        let mut future = Box::pin(future);
        let canceller = thread::spawn(move || handle.cancel());
        let (_, waker) = counter();
        let outcome = future.as_mut().poll(&mut Context::from_waker(&waker));
        canceller.join().unwrap();
        // Completion and cancel race: either answer is allowed, never both, never neither.
        match outcome {
            Poll::Ready(Ok(7)) | Poll::Ready(Err(Canceled)) => {}
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(drops.load(Ordering::SeqCst), 1);
    });
}
