//! `WakerSlot` drops a replaced waker only after releasing its lock.
//!
//! When the slot holds the last reference to a task of a foreign executor, dropping the
//! waker frees the task, and the leaf future the task owned deregisters from the same slot
//! in its `Drop`. Done under the slot's lock, that re-locks a held `std::sync::Mutex` and
//! the thread deadlocks. The test fails after a few seconds instead of hanging.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::task::{Wake, Waker};
use std::thread;
use std::time::Duration;

use wakewire_core::waker::{counting_waker, WakerSlot};

/// A waker that runs `hook` once its last clone is dropped.
fn reenters_on_drop(hook: impl FnOnce() + Send + 'static) -> Waker {
    struct OnDrop(Mutex<Option<Box<dyn FnOnce() + Send>>>);
    impl Wake for OnDrop {
        fn wake(self: Arc<Self>) {}
    }
    impl Drop for OnDrop {
        fn drop(&mut self) {
            let hook = self.0.lock().unwrap().take();
            if let Some(hook) = hook {
                hook();
            }
        }
    }
    Waker::from(Arc::new(OnDrop(Mutex::new(Some(Box::new(hook))))))
}

/// Runs `body` on its own thread; fails if it has not finished within `limit`.
fn finishes_within(limit: Duration, body: impl FnOnce() + Send + 'static) {
    let (done, finished) = mpsc::channel();
    let runner = thread::spawn(move || {
        body();
        let _ = done.send(());
    });
    match finished.recv_timeout(limit) {
        Ok(()) => runner.join().unwrap(),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            std::panic::resume_unwind(runner.join().unwrap_err())
        }
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("WakerSlot::register still running after {limit:?} (deadlocked?)")
        }
    }
}

#[test]
fn a_replaced_waker_whose_drop_reenters_the_slot() {
    finishes_within(Duration::from_secs(5), || {
        let slot = Arc::new(WakerSlot::new());
        let taken = Arc::new(AtomicBool::new(false));
        let (b, b_count) = counting_waker();
        let a = reenters_on_drop({
            let slot = Arc::clone(&slot);
            let taken = Arc::clone(&taken);
            // What a freed task's leaf future does in its `Drop`: deregister.
            move || taken.store(slot.take().is_some(), Ordering::SeqCst)
        });
        slot.register(&a);
        drop(a); // the slot holds the last reference now
        slot.register(&b); // replaces `a`, whose drop takes `b` back out
        assert!(
            taken.load(Ordering::SeqCst),
            "the old waker was dropped after `b` was stored, outside the lock"
        );
        assert!(!slot.wake(), "the hook emptied the slot");
        slot.register(&b);
        assert!(slot.wake(), "the slot is still usable");
        assert_eq!(b_count.wakes(), 1);
    });
}
