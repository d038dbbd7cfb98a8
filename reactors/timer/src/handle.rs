//! [`TimerHandle`]: makes the leaf futures of one timer; and which timer is "current".

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::clock::Clock;
use crate::inner::Inner;
use crate::interval::Interval;
use crate::sleep::Sleep;
use crate::thread::default_timer;
use crate::timeout::Timeout;

thread_local! {
    static CURRENT: RefCell<Option<TimerHandle>> = const { RefCell::new(None) };
}

/// A cheap, cloneable, `Send + Sync` handle to one timer: it makes that timer's
/// [`Sleep`], [`Interval`] and [`Timeout`] futures.
///
/// Get one from a driver ([`Timer::handle`](crate::Timer::handle),
/// [`TimerPark::handle`](crate::TimerPark::handle)) or [`TimerHandle::current`]. The free
/// functions ([`sleep`](crate::sleep), …) use `current()`. A handle does not keep its
/// driver alive: once the driver is dropped, the handle's futures resolve with
/// [`TimerError::Shutdown`](crate::TimerError::Shutdown).
#[derive(Clone)]
pub struct TimerHandle {
    inner: Arc<Inner>,
}

impl TimerHandle {
    pub(crate) fn from_inner(inner: Arc<Inner>) -> Self {
        TimerHandle { inner }
    }

    pub(crate) fn inner(&self) -> &Arc<Inner> {
        &self.inner
    }

    /// The timer the free functions use on this thread: the one installed with
    /// [`set_default`](Self::set_default), else the global default timer (a real-clock
    /// timer on its own thread, started on first use).
    ///
    /// # Panics
    ///
    /// Panics on the first use of the global timer if its thread cannot be spawned.
    pub fn current() -> TimerHandle {
        CURRENT
            .with(|current| current.borrow().clone())
            .unwrap_or_else(|| default_timer().handle())
    }

    /// Makes this timer the current one for this thread until the guard is dropped
    /// (guards nest; dropping one restores the timer that was current before it).
    ///
    /// ```
    /// use std::time::Duration;
    /// use wakewire_core::{BlockOn, ThreadParker};
    /// use wakewire_executor_local::LocalExecutor;
    /// use wakewire_reactor_timer::{sleep, ManualClock, TimerPark};
    ///
    /// let clock = ManualClock::new();
    /// clock.set_auto_advance(true);
    /// let park = TimerPark::with_clock(ThreadParker::new(), clock.clone());
    /// let _guard = park.handle().set_default(); // `sleep` below uses this timer
    /// let ex = LocalExecutor::with_park(park);
    /// let start = clock.now();
    /// ex.block_on(async { sleep(Duration::from_secs(60)).await });
    /// assert_eq!(clock.now() - start, Duration::from_secs(60));
    /// ```
    pub fn set_default(&self) -> DefaultGuard {
        let previous = CURRENT.with(|current| current.replace(Some(self.clone())));
        DefaultGuard {
            previous,
            _not_send: PhantomData,
        }
    }

    /// The timer's clock.
    pub fn clock(&self) -> &Clock {
        self.inner.clock()
    }

    /// The current time on the timer's clock.
    pub fn now(&self) -> Instant {
        self.inner.clock().now()
    }

    /// A future that completes `duration` from now; see [`Sleep`].
    pub fn sleep(&self, duration: Duration) -> Sleep {
        let deadline = self.now().checked_add(duration);
        if duration.is_zero() {
            Sleep::new(self.clone(), deadline)
        } else {
            // The deadline is known to be ahead: the first poll need not read the clock.
            Sleep::new_in_future(self.clone(), deadline)
        }
    }

    /// A future that completes at `deadline`; see [`Sleep`].
    pub fn sleep_until(&self, deadline: Instant) -> Sleep {
        Sleep::new(self.clone(), Some(deadline))
    }

    /// A stream of ticks every `period`, the first one at once; see [`Interval`].
    pub fn interval(&self, period: Duration) -> Interval {
        Interval::new(self.clone(), self.now(), period)
    }

    /// A stream of ticks every `period`, the first one at `start`; see [`Interval`].
    pub fn interval_at(&self, start: Instant, period: Duration) -> Interval {
        Interval::new(self.clone(), start, period)
    }

    /// Runs `future` for at most `duration`; see [`Timeout`].
    pub fn timeout<F: Future>(&self, duration: Duration, future: F) -> Timeout<F> {
        Timeout::new(future, self.sleep(duration))
    }

    /// Runs `future` until at most `deadline`; see [`Timeout`].
    pub fn timeout_at<F: Future>(&self, deadline: Instant, future: F) -> Timeout<F> {
        Timeout::new(future, self.sleep_until(deadline))
    }

    /// Whether the timer's driver was dropped.
    pub fn is_shutdown(&self) -> bool {
        self.inner.is_shutdown()
    }

    /// How many timer entries the wheel holds: futures that were polled and have neither
    /// completed nor been dropped. Tests use it to check that nothing leaks.
    pub fn live_timers(&self) -> usize {
        self.inner.live_timers()
    }
}

impl fmt::Debug for TimerHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

/// Restores the previously current timer when dropped; see
/// [`TimerHandle::set_default`].
#[must_use = "the timer stops being the default when the guard is dropped"]
pub struct DefaultGuard {
    previous: Option<TimerHandle>,
    /// The guard restores a thread-local: it must drop on the thread that made it.
    _not_send: PhantomData<*const ()>,
}

impl Drop for DefaultGuard {
    fn drop(&mut self) {
        let previous = self.previous.take();
        // During thread teardown the thread-local may already be gone; nothing to restore.
        let _ = CURRENT.try_with(|current| current.replace(previous));
    }
}

impl fmt::Debug for DefaultGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DefaultGuard").finish_non_exhaustive()
    }
}
