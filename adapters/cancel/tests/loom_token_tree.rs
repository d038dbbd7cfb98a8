//! Loom models of the token tree: a parent's cancel racing a child's last drop, and a
//! `cancelled()` waiter racing the cancel of an ancestor. Each node is locked on its own
//! (never two at once), so no interleaving deadlocks; loom's leak check shows the
//! parent/child references never form a cycle that outlives the tokens. Dropping the
//! waiter's check of the flag under the node's lock makes the second model fail: a cancel
//! between the unlocked check and the waker's insertion takes the waiters without it.
//!
//! Run with:
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 CARGO_TARGET_DIR=target/loom
//!  cargo test --release -p wakewire-adapter-cancel --test loom_token_tree`
#![cfg(loom)]

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Wake, Waker};

use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::thread;
use wakewire_adapter_cancel::CancellationToken;

struct Counter(AtomicUsize);

impl Wake for Counter {
    fn wake(self: std::sync::Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn parent_cancel_races_the_last_drop_of_a_child() {
    loom::model(|| {
        let root = CancellationToken::new();
        let child = root.child_token();
        let grandchild = child.child_token();
        let canceller = {
            let root = root.clone();
            thread::spawn(move || root.cancel())
        };
        let dropper = thread::spawn(move || {
            drop(child);
            grandchild.is_cancelled()
        });
        canceller.join().unwrap();
        let _ = dropper.join().unwrap();
        assert!(root.is_cancelled());
        assert_eq!(root.attached_children(), 0);
    });
}

#[test]
fn a_waiter_on_a_grandchild_is_woken_by_the_roots_cancel() {
    loom::model(|| {
        let root = CancellationToken::new();
        let grandchild = root.child_token().child_token();
        let canceller = thread::spawn(move || root.cancel());
        let counter = std::sync::Arc::new(Counter(AtomicUsize::new(0)));
        let waker = Waker::from(counter.clone());
        let mut waiting = pin!(grandchild.cancelled());
        let first = waiting.as_mut().poll(&mut Context::from_waker(&waker));
        canceller.join().unwrap();
        if first.is_pending() {
            assert_eq!(
                counter.0.load(Ordering::SeqCst),
                1,
                "the cancel returned without waking the waiter"
            );
            assert_eq!(
                waiting.as_mut().poll(&mut Context::from_waker(&waker)),
                Poll::Ready(())
            );
        }
    });
}
