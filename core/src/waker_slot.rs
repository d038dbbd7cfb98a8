//! [`WakerSlot`]: where a leaf future leaves its waker for the event source to call.

use std::fmt;
use std::sync::PoisonError;
use std::task::Waker;

use crate::sync::{Mutex, MutexGuard};

/// Holds the most recently registered waker of one waiter.
///
/// Every reactor needs this cell: the leaf future [`register`](Self::register)s the waker
/// of each poll, the event source [`wake`](Self::wake)s it. The rules that keep it correct:
///
/// - **The latest waker wins.** A future can move between tasks (or executors) between
///   polls; waking a stale waker would strand the new task. `register` replaces the stored
///   waker unless [`Waker::will_wake`] says it is the same, so a stable task pays no clone.
/// - **Register, then check.** A leaf future registers *before* it checks its condition,
///   and the event source sets the condition *before* it wakes. Then every event is seen
///   either by the check or through the waker: no wakeup is lost (a `wake` with nothing
///   stored is a no-op, exactly like `futures`' `AtomicWaker`).
/// - **Wakers run, and are dropped, outside the lock.** A waker that panics (or re-enters
///   the slot, from `wake` or from `Drop`) leaves the slot usable, and the panic reaches
///   the caller of `wake`.
///
/// A mutex is enough here: it is uncontended in the common case and a loom model
/// (`tests/loom_waker_slot.rs`) checks the protocol.
///
/// ```
/// use wakewire_core::waker::{counting_waker, WakerSlot};
///
/// let slot = WakerSlot::new();
/// let (waker, counter) = counting_waker();
/// slot.register(&waker);
/// assert!(slot.wake());
/// assert_eq!(counter.wakes(), 1);
/// assert!(!slot.wake()); // the waker was used up: register again before waiting again
/// assert_eq!(counter.wakes(), 1);
/// ```
pub struct WakerSlot {
    waker: Mutex<Option<Waker>>,
}

impl WakerSlot {
    /// An empty slot.
    pub fn new() -> Self {
        WakerSlot {
            waker: Mutex::new(None),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Option<Waker>> {
        // Nothing panics while the lock is held (wakers run after it is released, and a
        // waker's `clone` cannot leave the slot half-written), so a poisoned slot is still
        // consistent: recover rather than propagate.
        self.waker.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Stores `waker` as the one to wake, replacing an older one unless it `will_wake`.
    pub fn register(&self, waker: &Waker) {
        let replaced = {
            let mut stored = self.lock();
            match &mut *stored {
                Some(old) if old.will_wake(waker) => return,
                slot => slot.replace(waker.clone()),
            }
        };
        // Dropped after unlocking: it may be the last reference into a foreign executor,
        // whose drop path may come back to this slot.
        drop(replaced);
    }

    /// Wakes the stored waker, if any, and empties the slot. Returns whether a waker ran.
    ///
    /// # Panics
    ///
    /// Propagates a panic of the waker itself; the slot stays usable.
    pub fn wake(&self) -> bool {
        // Taken out first: the waker runs after the lock is released.
        let waker = self.lock().take();
        match waker {
            Some(waker) => {
                waker.wake();
                true
            }
            None => false,
        }
    }

    /// Removes the stored waker without waking it (the waiter went away).
    pub fn take(&self) -> Option<Waker> {
        self.lock().take()
    }
}

impl Default for WakerSlot {
    fn default() -> Self {
        WakerSlot::new()
    }
}

impl fmt::Debug for WakerSlot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WakerSlot")
            .field("registered", &self.lock().is_some())
            .finish()
    }
}
