//! The simplest executor: run one future to completion on the current thread.
//!
//! [`block_on`] polls the future, parks the thread while it is `Pending`, and polls again
//! when its waker is woken — the whole Poll → Wait → Wake loop with a queue of one. It
//! spawns nothing. [`Blocker`] is the same loop waiting in any [`Park`], so an idle
//! `block_on` can drive a reactor (a timer wheel, epoll) on its own thread.
//!
//! [`WakeFlag`] is the waker of such a "main" future, shared with Wakewire's executors:
//! a flag saying the future was woken, and an [`Unpark`] to call the first time it is set.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use crate::enter::enter;
use crate::park::{Park, ParkContext, ThreadParker, Unpark};
use crate::spawn::BlockOn;

/// Runs `future` to completion on the current thread, parking it while the future waits.
///
/// ```
/// let answer = wakewire_core::block_on(async { 6 * 7 });
/// assert_eq!(answer, 42);
/// ```
///
/// # Panics
///
/// Panics, with [`EnterError`](crate::enter::EnterError)'s message, when the thread is
/// already running an executor (a `block_on` inside a task or inside another `block_on`).
pub fn block_on<F: Future>(future: F) -> F::Output {
    Blocker::new().block_on(future)
}

/// A reusable [`block_on`] that waits in a [`Park`] of your choice.
///
/// With a reactor's park, the thread blocked on the future turns that reactor while it
/// waits, and the park's [context](Park::context) is current during the call, so the
/// reactor's free constructors use it.
///
/// ```
/// use wakewire_core::block_on::Blocker;
/// use wakewire_core::{BlockOn, ThreadParker};
///
/// let blocker = Blocker::with_park(ThreadParker::new());
/// assert_eq!(blocker.block_on(async { 1 }), 1);
/// assert_eq!(blocker.block_on(async { 2 }), 2);
/// ```
pub struct Blocker<P: Park = ThreadParker> {
    park: RefCell<P>,
    context: ParkContext,
}

impl Blocker<ThreadParker> {
    /// A blocker that parks the thread on a [`ThreadParker`].
    pub fn new() -> Self {
        Blocker::with_park(ThreadParker::new())
    }
}

impl Default for Blocker<ThreadParker> {
    fn default() -> Self {
        Blocker::new()
    }
}

impl<P: Park> Blocker<P> {
    /// A blocker that waits in `park`.
    pub fn with_park(park: P) -> Self {
        Blocker {
            context: park.context(),
            park: RefCell::new(park),
        }
    }

    /// The park, for example to turn its reactor by hand.
    pub fn park(&self) -> std::cell::RefMut<'_, P> {
        self.park.borrow_mut()
    }
}

impl<P: Park> BlockOn for Blocker<P> {
    /// # Panics
    ///
    /// Panics when the thread is already running an executor, and if the park fails (its
    /// reactor broke, so nothing could wake the future).
    fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _enter = enter().unwrap_or_else(|error| panic!("block_on: {error}"));
        let _context = self.context.enter();
        let mut park = self.park.borrow_mut();
        let flag = WakeFlag::new(park.unparker());
        let waker = Waker::from(Arc::clone(&flag));
        let mut cx = Context::from_waker(&waker);
        let mut future = pin!(future);
        loop {
            if flag.take() {
                if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
                    return output;
                }
            }
            if let Err(error) = park.park() {
                panic!("block_on: parking failed, nothing could wake this thread: {error}");
            }
        }
    }
}

impl<P: Park> fmt::Debug for Blocker<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Blocker").finish_non_exhaustive()
    }
}

/// The waker of a future that is not a task (the one given to `block_on`): a flag, and
/// an [`Unpark`] called when the flag goes from clear to set.
///
/// The owner [`take`](Self::take)s the flag before each poll and skips the poll when it was
/// clear (the park returned spuriously, or for another reason). A wake while the flag is
/// already set does nothing more: the owner has not looked yet, and will.
///
/// ```
/// use std::sync::Arc;
/// use std::task::Waker;
/// use wakewire_core::block_on::WakeFlag;
/// use wakewire_core::{Park, ThreadParker};
///
/// let parker = ThreadParker::new();
/// let flag = WakeFlag::new(parker.unparker());
/// assert!(flag.take()); // set at first, so the first poll happens
/// let waker = Waker::from(Arc::clone(&flag));
/// waker.wake_by_ref();
/// waker.wake_by_ref(); // merged with the first
/// assert!(flag.take());
/// assert!(!flag.take());
/// ```
pub struct WakeFlag<U> {
    woken: AtomicBool,
    unpark: U,
}

impl<U: Unpark> WakeFlag<U> {
    /// A flag that starts set (the future has not been polled yet).
    pub fn new(unpark: U) -> Arc<Self> {
        Arc::new(WakeFlag {
            woken: AtomicBool::new(true),
            unpark,
        })
    }

    /// Clears the flag; returns whether it was set (the future should be polled).
    pub fn take(&self) -> bool {
        // Acquire pairs with the Release in `wake_by_ref`: whatever the waker's thread did
        // before waking is visible to the poll that follows.
        self.woken.swap(false, Ordering::Acquire)
    }
}

impl<U: Unpark> Wake for WakeFlag<U> {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if !self.woken.swap(true, Ordering::Release) {
            self.unpark.unpark();
        }
    }
}

impl<U> fmt::Debug for WakeFlag<U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WakeFlag")
            .field("woken", &self.woken.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}
