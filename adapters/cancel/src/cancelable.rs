//! [`Cancelable`] and its [`CancelHandle`]: stop a future from outside, without touching
//! the executor or the reactor it waits on.

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;
use wakewire_core::waker::WakerSlot;

use crate::sync::{Arc, AtomicBool, Ordering};

/// What a [`Cancelable`] and its handles share: the flag, and the task's latest waker.
struct Shared {
    canceled: AtomicBool,
    waker: WakerSlot,
}

pin_project! {
    /// A future that can be stopped from outside through its [`CancelHandle`]s.
    ///
    /// [`CancelHandle::cancel`] sets a flag and wakes the task through the waker this
    /// future stored at its last poll. At its next poll the future sees the flag, drops the
    /// inner future in place (its resources go: a socket is closed, a timer entry removed)
    /// and returns `Err(Canceled)`, so whatever awaits it goes on. The executor and the
    /// reactors involved know nothing about it.
    ///
    /// ```
    /// use wakewire_adapter_cancel::{Cancelable, Canceled};
    ///
    /// let (work, handle) = Cancelable::new(std::future::pending::<u32>());
    /// handle.cancel();
    /// assert_eq!(wakewire_core::block_on(work), Err(Canceled));
    /// ```
    ///
    /// If the inner future completes before it sees the flag, its output is returned
    /// (`Ok`) and the cancel has no effect.
    ///
    /// # Wakeups
    ///
    /// Each poll stores the task's waker (replacing an older one, unless it
    /// [`will_wake`](std::task::Waker::will_wake) the same task) *before* it looks at the
    /// flag, and `cancel` sets the flag *before* it wakes the stored waker: a cancel is
    /// seen by the poll in progress or wakes the task for the next one, never lost. The
    /// waker is woken once per `cancel` that finds it, and released when the future
    /// completes.
    ///
    /// # Panics
    ///
    /// Polling it again after it returned `Ready` panics.
    #[must_use = "futures do nothing unless you poll them"]
    pub struct Cancelable<F> {
        #[pin]
        future: Option<F>,
        shared: Arc<Shared>,
    }
}

/// Stops a [`Cancelable`] from any thread; cheap to clone.
#[derive(Clone)]
pub struct CancelHandle {
    shared: Arc<Shared>,
}

/// The error of a [`Cancelable`] that was canceled before it completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Canceled;

impl fmt::Display for Canceled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the future was canceled before it completed")
    }
}

impl Error for Canceled {}

impl<F> Cancelable<F> {
    /// Wraps `future`; returns it with a handle that cancels it.
    pub fn new(future: F) -> (Cancelable<F>, CancelHandle) {
        let shared = Arc::new(Shared {
            canceled: AtomicBool::new(false),
            waker: WakerSlot::new(),
        });
        let handle = CancelHandle {
            shared: Arc::clone(&shared),
        };
        (
            Cancelable {
                future: Some(future),
                shared,
            },
            handle,
        )
    }

    /// Another handle to this future.
    pub fn handle(&self) -> CancelHandle {
        CancelHandle {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<F: Future> Future for Cancelable<F> {
    type Output = Result<F::Output, Canceled>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        assert!(
            this.future.is_some(),
            "Cancelable polled after it completed"
        );
        // Register, then check: a cancel after the check finds this waker.
        this.shared.waker.register(cx.waker());
        // Acquire pairs with the Release in `cancel`.
        if this.shared.canceled.load(Ordering::Acquire) {
            // Dropped in place, here, before anyone hears of the cancellation.
            this.future.set(None);
            drop(this.shared.waker.take());
            return Poll::Ready(Err(Canceled));
        }
        let future = this
            .future
            .as_mut()
            .as_pin_mut()
            .expect("checked above: the future is still here");
        match future.poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(output) => {
                this.future.set(None);
                // Nothing left to wake: release the task's waker now, not when the last
                // handle goes.
                drop(this.shared.waker.take());
                Poll::Ready(Ok(output))
            }
        }
    }
}

impl CancelHandle {
    /// Asks the future to stop: sets its flag and wakes its task. Returns `true` if this
    /// call set the flag, `false` if it was already set.
    ///
    /// Safe from any thread, any number of times, before or after the future completed,
    /// and from inside the future's own `Drop`. The waker runs on the calling thread.
    pub fn cancel(&self) -> bool {
        // Release: whatever the canceller did before is visible to the poll that sees it.
        let first = !self.shared.canceled.swap(true, Ordering::AcqRel);
        self.shared.waker.wake();
        first
    }

    /// Whether [`cancel`](Self::cancel) was called (the future may still have completed
    /// first).
    pub fn is_canceled(&self) -> bool {
        self.shared.canceled.load(Ordering::Acquire)
    }
}

impl fmt::Debug for CancelHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CancelHandle")
            .field("canceled", &self.is_canceled())
            .finish()
    }
}

impl<F> fmt::Debug for Cancelable<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cancelable")
            .field("canceled", &self.shared.canceled.load(Ordering::Relaxed))
            .field("done", &self.future.is_none())
            .finish()
    }
}
