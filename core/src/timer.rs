//! The [`Timer`] trait: one way to wait for a time, whoever's timer it is, and a
//! [`timeout`] written once against it.
//!
//! A timer is a reactor whose events are deadlines. Its leaf future completes at an
//! [`Instant`]; everything else (sleeping for a duration, timeouts) is built on that. Code
//! generic over `Timer` runs on Wakewire's timer wheel, on tokio's timer and on async-io's
//! through their adapters, unchanged:
//!
//! ```
//! # #![allow(dead_code)]
//! use std::time::Duration;
//! use wakewire_core::timer::{timeout, Elapsed, Timer};
//!
//! /// Waits for `work`, but no longer than a second, on whatever timer the caller uses.
//! async fn at_most_a_second<T: Timer, F: std::future::Future>(
//!     timer: &T,
//!     work: F,
//! ) -> Result<F::Output, Elapsed> {
//!     timeout(timer, Duration::from_secs(1), work).await
//! }
//! ```

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use pin_project_lite::pin_project;

use crate::spawn::BoxFuture;

/// A source of deadline futures.
///
/// # Bad input
///
/// Implementations must accept any `Instant`: one in the past completes at the first poll
/// (or the next turn of the timer); one too far away to represent never completes, and
/// never panics or overflows. [`sleep`](Self::sleep) saturates for the same reason:
/// `sleep(Duration::MAX)` waits "forever" (see [`far_deadline`]).
pub trait Timer {
    /// The leaf future of this timer.
    type Sleep: Future<Output = ()>;

    /// A future that completes at `deadline`.
    fn sleep_until(&self, deadline: Instant) -> Self::Sleep;

    /// The current time on this timer's clock (a timer on a manual clock overrides this).
    fn now(&self) -> Instant {
        Instant::now()
    }

    /// A future that completes `duration` from [`now`](Self::now). A duration too large to
    /// add to the clock gives a deadline that never comes.
    fn sleep(&self, duration: Duration) -> Self::Sleep {
        self.sleep_until(far_deadline(self.now(), duration))
    }
}

/// `now + duration`, or, when that cannot be represented, a deadline about a century away:
/// no timer fires it, and no arithmetic on it overflows.
pub fn far_deadline(now: Instant, duration: Duration) -> Instant {
    const CENTURY: Duration = Duration::from_secs(100 * 365 * 24 * 60 * 60);
    now.checked_add(duration)
        .or_else(|| now.checked_add(CENTURY.min(duration)))
        .unwrap_or(now)
}

impl<T: Timer + ?Sized> Timer for &T {
    type Sleep = T::Sleep;

    fn sleep_until(&self, deadline: Instant) -> T::Sleep {
        (**self).sleep_until(deadline)
    }

    fn now(&self) -> Instant {
        (**self).now()
    }

    fn sleep(&self, duration: Duration) -> T::Sleep {
        (**self).sleep(duration)
    }
}

impl<T: Timer + ?Sized> Timer for Arc<T> {
    type Sleep = T::Sleep;

    fn sleep_until(&self, deadline: Instant) -> T::Sleep {
        (**self).sleep_until(deadline)
    }

    fn now(&self) -> Instant {
        (**self).now()
    }

    fn sleep(&self, duration: Duration) -> T::Sleep {
        (**self).sleep(duration)
    }
}

/// The object-safe form of [`Timer`]: boxed sleeps. Every `Timer` whose sleeps are
/// `Send + 'static` implements it, and `dyn DynTimer` is itself a [`Timer`] (through
/// [`DynTimerRef`]), so timers of different kinds can sit in one table.
pub trait DynTimer {
    /// [`Timer::sleep_until`], boxed.
    fn sleep_until_dyn(&self, deadline: Instant) -> BoxFuture<()>;
    /// [`Timer::now`].
    fn now_dyn(&self) -> Instant;
}

impl<T> DynTimer for T
where
    T: Timer + ?Sized,
    T::Sleep: Send + 'static,
{
    fn sleep_until_dyn(&self, deadline: Instant) -> BoxFuture<()> {
        Box::pin(self.sleep_until(deadline))
    }

    fn now_dyn(&self) -> Instant {
        self.now()
    }
}

/// A `&dyn DynTimer` as a [`Timer`].
#[derive(Clone, Copy)]
pub struct DynTimerRef<'a>(pub &'a (dyn DynTimer + Send + Sync));

impl Timer for DynTimerRef<'_> {
    type Sleep = BoxFuture<()>;

    fn sleep_until(&self, deadline: Instant) -> BoxFuture<()> {
        self.0.sleep_until_dyn(deadline)
    }

    fn now(&self) -> Instant {
        self.0.now_dyn()
    }
}

impl fmt::Debug for DynTimerRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DynTimerRef").finish_non_exhaustive()
    }
}

/// Runs `future` for at most `duration` on `timer`.
///
/// Returns the future's output, or [`Elapsed`] if the deadline came first (the future is
/// then dropped with the `Timeout`). The future is polled before the deadline is looked
/// at, so a future that is ready at once wins even against `Duration::ZERO`.
pub fn timeout<T, F>(timer: &T, duration: Duration, future: F) -> Timeout<F, T::Sleep>
where
    T: Timer + ?Sized,
    F: Future,
{
    Timeout {
        future,
        sleep: timer.sleep(duration),
    }
}

/// Runs `future` until at most `deadline` on `timer`; see [`timeout`].
pub fn timeout_at<T, F>(timer: &T, deadline: Instant, future: F) -> Timeout<F, T::Sleep>
where
    T: Timer + ?Sized,
    F: Future,
{
    Timeout {
        future,
        sleep: timer.sleep_until(deadline),
    }
}

pin_project! {
    /// The future returned by [`timeout`] and [`timeout_at`].
    ///
    /// # Wakeups
    ///
    /// Each poll polls the inner future, then the timer's sleep: both store the task's
    /// waker, and either waking it gets the `Timeout` polled again.
    ///
    /// # Cooperative budget
    ///
    /// When the inner future spends the last of the task's
    /// [budget](crate::coop) in a poll, the deadline is polled outside the budget: a
    /// future that is always ready (and so refused by the budget on every poll) still
    /// times out.
    ///
    /// # Cancel safety
    ///
    /// As cancel-safe as the inner future: dropping the `Timeout` drops it.
    #[derive(Debug)]
    #[must_use = "futures do nothing unless you poll them"]
    pub struct Timeout<F, S> {
        #[pin]
        future: F,
        #[pin]
        sleep: S,
    }
}

impl<F, S> Timeout<F, S> {
    /// The inner future.
    pub fn get_ref(&self) -> &F {
        &self.future
    }

    /// Gives the inner future back, abandoning the deadline.
    pub fn into_inner(self) -> F {
        self.future
    }
}

impl<F: Future, S: Future<Output = ()>> Future for Timeout<F, S> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let had_budget = crate::coop::has_budget_remaining();
        if let Poll::Ready(output) = this.future.poll(cx) {
            return Poll::Ready(Ok(output));
        }
        // The inner future spent the rest of the cooperative budget: look at the deadline
        // outside it, or a future that spends the budget on every poll would never time
        // out (its deadline would be refused on every poll).
        let deadline = if had_budget && !crate::coop::has_budget_remaining() {
            crate::coop::with_unconstrained(|| this.sleep.poll(cx))
        } else {
            this.sleep.poll(cx)
        };
        match deadline {
            Poll::Ready(()) => Poll::Ready(Err(Elapsed::new())),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// The deadline of a [`timeout`] passed before its future completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed {
    _private: (),
}

impl Elapsed {
    /// The error a timeout returns when its deadline comes first (for timer adapters that
    /// build their own timeouts).
    pub fn new() -> Self {
        Elapsed { _private: () }
    }
}

impl Default for Elapsed {
    fn default() -> Self {
        Elapsed::new()
    }
}

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the deadline passed before the future completed")
    }
}

impl Error for Elapsed {}
