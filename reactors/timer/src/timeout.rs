//! Timeouts on this timer: core's [`Timeout`](wakewire_core::timer::Timeout) and
//! [`Elapsed`], with a [`Sleep`] of this timer as the deadline.

use std::future::Future;
use std::time::{Duration, Instant};

pub use wakewire_core::timer::Elapsed;

use crate::handle::TimerHandle;
use crate::sleep::Sleep;

/// A future that gives up on its inner future at a deadline of this timer: core's
/// [`Timeout`](wakewire_core::timer::Timeout), the one every Wakewire timer shares,
/// with a [`Sleep`] as its deadline.
///
/// Output `Ok(value)` if the inner future finished first (it is polled first, so a future
/// that is ready at the deadline still wins), `Err(`[`Elapsed`]`)` if the deadline came
/// first. Deadlines follow [`Sleep`]'s rules: `Duration::ZERO` expires on the first poll
/// unless the future is ready; `Duration::MAX` never expires.
///
/// # Shutdown
///
/// If the timer's driver is dropped, the deadline can no longer be kept, and resolving
/// beats hanging: the `Timeout` returns `Err(Elapsed)` too (its `Sleep` completes early).
/// Tell the two apart with [`TimerHandle::is_shutdown`], or race the future against
/// [`Sleep::checked`] yourself to get [`TimerError::Shutdown`](crate::TimerError::Shutdown).
///
/// # Wakeups
///
/// The inner future registers the context's waker with its own sources; the deadline
/// stores it in the timer as [`Sleep`] does. Either wakes the task.
///
/// # Cancel safety
///
/// Dropping a `Timeout` drops the inner future and cancels the deadline.
pub type Timeout<F> = wakewire_core::timer::Timeout<F, Sleep>;

/// Runs `future` for at most `duration` on the [current](TimerHandle::current) timer;
/// see [`Timeout`].
///
/// ```
/// use std::future::pending;
/// use std::time::Duration;
/// use wakewire_reactor_timer::timeout;
///
/// let result = wakewire_core::block_on(timeout(Duration::from_millis(1), pending::<()>()));
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
