//! [`Interval`]: a stream of ticks at a fixed period.

use std::future::poll_fn;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures_core::Stream;

use crate::error::TimerError;
use crate::handle::TimerHandle;
use crate::sleep::Sleep;

/// The shortest period: one tick of the timer.
const MIN_PERIOD: Duration = Duration::from_millis(1);

/// Ticks every `period` on the [current](TimerHandle::current) timer, the first tick at
/// once; see [`Interval`].
pub fn interval(period: Duration) -> Interval {
    TimerHandle::current().interval(period)
}

/// Ticks every `period` on the [current](TimerHandle::current) timer, the first tick at
/// `start`; see [`Interval`].
pub fn interval_at(start: Instant, period: Duration) -> Interval {
    TimerHandle::current().interval_at(start, period)
}

/// What an [`Interval`] does when ticks were missed (its consumer was late by more than
/// a period).
///
/// With period 10 ms, ticks scheduled at 0, 10, 20, … and a consumer that comes back at
/// 35 ms after the tick at 0:
///
/// | behaviour | ticks returned from 35 ms on (scheduled instants) |
/// | --- | --- |
/// | `Burst` | 10, 20, 30 at once, then 40, 50, … |
/// | `Delay` | 10 at once, then 45, 55, … (the schedule moves) |
/// | `Skip`  | 10 at once, then 40, 50, … (missed ticks are dropped) |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissedTickBehavior {
    /// Fire the missed ticks back to back until the schedule is caught up (the default,
    /// as in tokio).
    #[default]
    Burst,
    /// Restart the schedule one period after the late tick.
    Delay,
    /// Keep the schedule, dropping the ticks that were missed.
    Skip,
}

/// A stream of ticks at a fixed period; each item is the instant the tick was scheduled for.
///
/// Made by [`interval`], [`interval_at`] or a [`TimerHandle`]. A period shorter than the
/// timer's 1 ms tick (including zero) is raised to 1 ms; a period too long to ever come
/// (`Duration::MAX`) gives the first tick and then none.
///
/// ```
/// use std::time::Duration;
/// use wakewire_core::{BlockOn, ThreadParker};
/// use wakewire_executor_local::LocalExecutor;
/// use wakewire_reactor_timer::{ManualClock, TimerPark};
///
/// let clock = ManualClock::new();
/// clock.set_auto_advance(true);
/// let park = TimerPark::with_clock(ThreadParker::new(), clock.clone());
/// let mut ticks = park.handle().interval(Duration::from_millis(10));
/// let start = clock.now();
/// let ex = LocalExecutor::with_park(park);
/// ex.block_on(async {
///     for n in 0..3 {
///         let at = ticks.tick().await.unwrap();
///         assert_eq!(at - start, Duration::from_millis(10 * n));
///     }
/// });
/// ```
///
/// # Wakeups
///
/// As [`Sleep`]: the waker of the latest poll is woken at the next tick.
///
/// # Cancel safety
///
/// [`tick`](Self::tick) is cancel safe: dropping it before it completes loses no tick.
#[must_use = "streams do nothing unless you poll them"]
#[derive(Debug)]
pub struct Interval {
    sleep: Sleep,
    period: Duration,
    missed: MissedTickBehavior,
    /// Set once the timer shut down: the stream has ended.
    ended: bool,
}

impl Interval {
    pub(crate) fn new(timer: TimerHandle, start: Instant, period: Duration) -> Self {
        Interval {
            sleep: Sleep::new(timer, Some(start)),
            period: period.max(MIN_PERIOD),
            missed: MissedTickBehavior::default(),
            ended: false,
        }
    }

    /// The period between ticks.
    pub fn period(&self) -> Duration {
        self.period
    }

    /// The missed-tick behaviour (default [`Burst`](MissedTickBehavior::Burst)).
    pub fn missed_tick_behavior(&self) -> MissedTickBehavior {
        self.missed
    }

    /// Sets the missed-tick behaviour.
    pub fn set_missed_tick_behavior(&mut self, behavior: MissedTickBehavior) {
        self.missed = behavior;
    }

    /// Restarts the schedule: the next tick is one period from now.
    pub fn reset(&mut self) {
        let now = self.sleep_timer_now();
        self.sleep.reset_to(now.checked_add(self.period));
    }

    /// Waits for the next tick and returns the instant it was scheduled for.
    ///
    /// # Errors
    ///
    /// [`TimerError::Shutdown`] if the timer's driver was dropped.
    pub async fn tick(&mut self) -> Result<Instant, TimerError> {
        poll_fn(|cx| self.poll_tick(cx)).await
    }

    /// Polls for the next tick; see [`tick`](Self::tick).
    ///
    /// # Errors
    ///
    /// [`TimerError::Shutdown`] if the timer's driver was dropped.
    pub fn poll_tick(&mut self, cx: &mut Context<'_>) -> Poll<Result<Instant, TimerError>> {
        if let Err(err) = std::task::ready!(self.sleep.poll_checked(cx)) {
            self.ended = true;
            return Poll::Ready(Err(err));
        }
        // A sleep with no deadline never completes, so there is one here.
        let Some(scheduled) = self.sleep.deadline() else {
            return Poll::Pending;
        };
        let next = self.next_after(scheduled);
        self.sleep.reset_to(next);
        Poll::Ready(Ok(scheduled))
    }

    /// The tick after `scheduled`, following the missed-tick behaviour; `None` if it
    /// would overflow the clock (it never comes).
    fn next_after(&self, scheduled: Instant) -> Option<Instant> {
        let on_time = scheduled.checked_add(self.period)?;
        let now = self.sleep_timer_now();
        if now < on_time {
            return Some(on_time);
        }
        match self.missed {
            MissedTickBehavior::Burst => Some(on_time),
            MissedTickBehavior::Delay => now.checked_add(self.period),
            MissedTickBehavior::Skip => {
                // The first tick of the original schedule that is still ahead of `now`.
                let late = (now - scheduled).as_nanos();
                let periods = late / self.period.as_nanos() + 1;
                let ahead = self.period.as_nanos().checked_mul(periods)?;
                let ahead = Duration::new(
                    u64::try_from(ahead / 1_000_000_000).ok()?,
                    (ahead % 1_000_000_000) as u32,
                );
                scheduled.checked_add(ahead)
            }
        }
    }

    fn sleep_timer_now(&self) -> Instant {
        self.sleep.timer_now()
    }
}

impl Stream for Interval {
    type Item = Instant;

    /// Yields each tick; ends (`None`) once the timer has shut down.
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Instant>> {
        if self.ended {
            return Poll::Ready(None);
        }
        self.poll_tick(cx).map(Result::ok)
    }
}
