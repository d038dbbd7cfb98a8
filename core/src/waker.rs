//! Wakers and the places they wait: [`WakerSlot`] (one waiter), [`wake_all`] (waking a
//! batch, the one policy for panicking wakers), a no-op waker and a counting waker.
//!
//! ```
//! use wakewire_core::waker::counting_waker;
//!
//! let (waker, counter) = counting_waker();
//! waker.wake_by_ref();
//! waker.clone().wake();
//! assert_eq!(counter.wakes(), 2);
//! ```

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Wake, Waker};

pub use crate::wake_all::{wake_all, wake_source, with_wake_source};
pub use crate::waker_slot::WakerSlot;

/// A waker that does nothing when woken, for polling a future by hand.
pub fn noop_waker() -> Waker {
    Waker::noop().clone()
}

/// Counts how often its wakers were woken; see [`counting_waker`].
#[derive(Debug, Clone)]
pub struct WakeCounter {
    inner: Arc<CountingWake>,
}

#[derive(Debug)]
struct CountingWake {
    wakes: AtomicUsize,
}

impl Wake for CountingWake {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
    }
}

impl WakeCounter {
    /// How many times any clone of the waker has been woken.
    pub fn wakes(&self) -> usize {
        self.inner.wakes.load(Ordering::SeqCst)
    }

    /// How many wakers (and counters) share this count: a waker that is never dropped
    /// by a reactor shows up here.
    pub fn live_references(&self) -> usize {
        Arc::strong_count(&self.inner)
    }
}

/// A waker that counts its wakeups, and the counter to read them from.
pub fn counting_waker() -> (Waker, WakeCounter) {
    let inner = Arc::new(CountingWake {
        wakes: AtomicUsize::new(0),
    });
    (Waker::from(inner.clone()), WakeCounter { inner })
}

/// [`counting_waker`] for loom models: the count is one of loom's atomics, so a model sees
/// every wake as an event of its own (std's atomics are invisible to loom: a model could
/// neither order a wake against its other events nor notice a racy count). Only under
/// `RUSTFLAGS="--cfg loom"`, and only inside `loom::model`.
#[cfg(loom)]
pub fn loom_counting_waker() -> (Waker, LoomWakeCounter) {
    let inner = Arc::new(LoomCountingWake {
        wakes: loom::sync::atomic::AtomicUsize::new(0),
    });
    (Waker::from(inner.clone()), LoomWakeCounter { inner })
}

/// The counter of a [`loom_counting_waker`].
#[cfg(loom)]
#[derive(Debug, Clone)]
pub struct LoomWakeCounter {
    inner: Arc<LoomCountingWake>,
}

#[cfg(loom)]
#[derive(Debug)]
struct LoomCountingWake {
    wakes: loom::sync::atomic::AtomicUsize,
}

#[cfg(loom)]
impl Wake for LoomCountingWake {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
    }
}

#[cfg(loom)]
impl LoomWakeCounter {
    /// How many times any clone of the waker has been woken.
    pub fn wakes(&self) -> usize {
        self.inner.wakes.load(Ordering::SeqCst)
    }
}
