//! [`Timeout`]: a future with a deadline.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use pin_project_lite::pin_project;

use crate::error::Elapsed;
use crate::handle::TimerHandle;
use crate::sleep::Sleep;

/// Runs `future` for at most `duration` on the [current](TimerHandle::current) timer;
/// see [`Timeout`].
///
/// ```
/// use std::future::pending;
/// use std::time::Duration;
/// use wakewire_reactor_timer::timeout;
///
/// let result = futures_executor::block_on(timeout(Duration::from_millis(1), pending::<()>()));
/// assert!(result.is_err());
/// ```
pub fn timeout<F: Future>(duration: Duration, future: F) -> Timeout<F> {
    TimerHandle::current().timeout(duration, future)
}

/// Runs `future` until at most `deadline` on the [current](TimerHandle::current) timer;
/// see [`Timeout`].
pub fn timeout_at<F: Future>(deadline: Instant, future: F) -> Timeout<F> {
    TimerHandle::current().timeout_at(deadline, future)
}

pin_project! {
    /// A future that gives up on its inner future at a deadline.
    ///
    /// Output `Ok(value)` if the inner future finished first (it is polled first, so a
    /// future that is ready at the deadline still wins), `Err(Elapsed)` if the deadline
    /// came first, or if the timer shut down ([`Elapsed::is_shutdown`]): the deadline can
    /// then no longer be kept, and resolving beats hanging. Deadlines follow [`Sleep`]'s
    /// rules (`Duration::ZERO` expires on the first poll unless the future is ready;
    /// `Duration::MAX` never expires).
    ///
    /// # Wakeups
    ///
    /// The inner future registers the context's waker with its own sources; the deadline
    /// stores it in the timer as [`Sleep`] does. Either wakes the task.
    ///
    /// # Cancel safety
    ///
    /// Dropping a `Timeout` drops the inner future and cancels the deadline.
    ///
    /// # Panics
    ///
    /// Polling again after it returned `Ready` panics: the inner future is finished.
    #[must_use = "futures do nothing unless you poll them"]
    pub struct Timeout<F> {
        #[pin]
        future: F,
        deadline: Sleep,
        done: bool,
    }
}

impl<F> Timeout<F> {
    pub(crate) fn new(future: F, deadline: Sleep) -> Self {
        Timeout {
            future,
            deadline,
            done: false,
        }
    }

    /// The deadline, or `None` if it is too far away to ever come.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline.deadline()
    }

    /// The inner future.
    pub fn get_ref(&self) -> &F {
        &self.future
    }

    /// The inner future, pinned.
    pub fn get_pin_mut(self: Pin<&mut Self>) -> Pin<&mut F> {
        self.project().future
    }

    /// Gives the inner future back, dropping the deadline.
    pub fn into_inner(self) -> F {
        self.future
    }
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        assert!(!*this.done, "`Timeout` polled after it completed");
        let result = if let Poll::Ready(value) = this.future.poll(cx) {
            Ok(value)
        } else {
            match this.deadline.poll_checked(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Ok(())) => Err(Elapsed::new(false)),
                Poll::Ready(Err(err)) => Err(err.into()),
            }
        };
        *this.done = true;
        Poll::Ready(result)
    }
}

impl<F> fmt::Debug for Timeout<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Timeout")
            .field("deadline", &self.deadline)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}
