//! Wakers that misbehave or observe.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Wake, Waker};

use wakewire_core::waker::{counting_waker, WakeCounter};

/// A waker whose `wake` and `wake_by_ref` panic, and the count of attempts to wake it: for
/// checking that one bad waker spoils nothing.
///
/// ```
/// use std::sync::atomic::Ordering;
/// use wakewire_test_util::panicking_waker;
///
/// let (waker, attempts) = panicking_waker();
/// assert!(std::panic::catch_unwind(|| waker.wake_by_ref()).is_err());
/// assert_eq!(attempts.load(Ordering::SeqCst), 1);
/// ```
pub fn panicking_waker() -> (Waker, Arc<AtomicUsize>) {
    struct Panicky(Arc<AtomicUsize>);
    impl Wake for Panicky {
        fn wake(self: Arc<Self>) {
            self.wake_by_ref();
        }
        fn wake_by_ref(self: &Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
            panic!("this waker panics on purpose");
        }
    }
    let attempts = Arc::new(AtomicUsize::new(0));
    (
        Waker::from(Arc::new(Panicky(Arc::clone(&attempts)))),
        attempts,
    )
}

/// A waker that runs `hook` when its last clone is dropped, and counts its wakes.
///
/// It stands for the last waker of a foreign executor's task: dropping it frees the task,
/// and with it whatever the task owned (another future of the same reactor), whose `Drop`
/// calls back into the reactor that dropped the waker.
pub fn reenters_on_drop(hook: impl FnOnce() + Send + 'static) -> (Waker, WakeCounter) {
    struct OnDrop {
        hook: Mutex<Option<Box<dyn FnOnce() + Send>>>,
        counter: Waker,
    }
    impl Wake for OnDrop {
        fn wake(self: Arc<Self>) {
            self.counter.wake_by_ref();
        }
        fn wake_by_ref(self: &Arc<Self>) {
            self.counter.wake_by_ref();
        }
    }
    impl Drop for OnDrop {
        fn drop(&mut self) {
            let hook = self.hook.lock().unwrap_or_else(|e| e.into_inner()).take();
            if let Some(hook) = hook {
                hook();
            }
        }
    }
    let (counter, wakes) = counting_waker();
    let waker = Waker::from(Arc::new(OnDrop {
        hook: Mutex::new(Some(Box::new(hook))),
        counter,
    }));
    (waker, wakes)
}

/// What a [`forwarding_counter`] waker saw.
#[derive(Debug, Clone)]
pub struct ForwardingCounter {
    wakes: Arc<AtomicUsize>,
    alive: Arc<()>,
}

impl ForwardingCounter {
    /// How many times the waker (any clone) was woken.
    pub fn wakes(&self) -> usize {
        self.wakes.load(Ordering::SeqCst)
    }

    /// Whether some clone of the waker is still alive (a reactor still holds it).
    pub fn is_held(&self) -> bool {
        // One reference is ours; any other is a clone of the waker.
        Arc::strong_count(&self.alive) > 1
    }
}

/// A waker that counts its wakes and passes each on to `target`, and what it saw.
///
/// Poll a leaf with it first and with the task's own waker later: if the leaf's reactor
/// wrongly wakes this stale waker, the task is still woken (no hang), and the count shows
/// the mistake.
pub fn forwarding_counter(target: Waker) -> (Waker, ForwardingCounter) {
    struct Forward {
        target: Waker,
        wakes: Arc<AtomicUsize>,
        _alive: Arc<()>,
    }
    impl Wake for Forward {
        fn wake(self: Arc<Self>) {
            self.wake_by_ref();
        }
        fn wake_by_ref(self: &Arc<Self>) {
            self.wakes.fetch_add(1, Ordering::SeqCst);
            self.target.wake_by_ref();
        }
    }
    let seen = ForwardingCounter {
        wakes: Arc::new(AtomicUsize::new(0)),
        alive: Arc::new(()),
    };
    let waker = Waker::from(Arc::new(Forward {
        target,
        wakes: Arc::clone(&seen.wakes),
        _alive: Arc::clone(&seen.alive),
    }));
    (waker, seen)
}
