//! [`TimerPark`]: the timer as a [`Park`] layer, driven by an executor's idle thread.

use std::fmt;
use std::io;
use std::sync::Arc;
use std::task::Waker;
use std::time::{Duration, Instant};

use wakewire_core::{Park, Unpark};

use crate::clock::{Clock, ManualClock};
use crate::handle::TimerHandle;
use crate::inner::Inner;

/// A timer driven by whoever parks it: a [`Park`] that fires due timers on every turn and
/// parks the inner park no longer than until the next deadline.
///
/// Give it to an executor that waits in a [`Park`] (for example
/// `LocalExecutor::with_park`) and the executor's idle thread drives the timer: no timer
/// thread, no thread hop. Parks stack: the inner park can be a thread parker or another
/// reactor's park (sockets), so one thread drives them all. Its [`Unpark`] is the inner
/// park's, so whatever wakes the inner layer wakes this one.
///
/// ```
/// use std::time::Duration;
/// use wakewire_core::{BlockOn, ThreadParker};
/// use wakewire_executor_local::LocalExecutor;
/// use wakewire_reactor_timer::TimerPark;
///
/// let park = TimerPark::new(ThreadParker::new());
/// let timer = park.handle();
/// let ex = LocalExecutor::with_park(park);
/// ex.block_on(timer.sleep(Duration::from_millis(2)));
/// ```
///
/// # One turn
///
/// 1. Fire every entry due now; if any fired, turn the inner park without blocking and
///    return (their tasks are runnable).
/// 2. Otherwise note the next deadline (a registration with an earlier one unparks us) and
///    park the inner park until then, or less if the caller asked for a timeout.
///    With a [`ManualClock`] with auto-advance on, a `park()` without timeout instead turns
///    the inner park without blocking and moves the clock to the next deadline — if the
///    clock can show it: a deadline past [`ManualClock::limit`] (about 584 years on) never
///    comes, so with only such timers left the inner park is parked untimed, as if there
///    were none (the clock may have moved toward them, never past its limit).
/// 3. Fire every entry due after waking.
///
/// # Dropping
///
/// Dropping the park shuts the timer down: every pending future of this timer is woken
/// and resolves with [`TimerError::Shutdown`](crate::TimerError::Shutdown) (a plain
/// [`Sleep`](crate::Sleep) completes early).
pub struct TimerPark<P: Park> {
    park: P,
    inner: Arc<Inner>,
    /// Wakers taken out of the wheel, reused across turns so firing allocates nothing.
    batch: Vec<Waker>,
    /// Off for the timer thread, which cannot know when tasks are idle.
    may_auto_advance: bool,
}

impl<P: Park> TimerPark<P> {
    /// A new timer on the real clock, parking `park` while it waits.
    pub fn new(park: P) -> Self {
        TimerPark::with_clock(park, Clock::real())
    }

    /// A new timer on `clock` (for example a [`ManualClock`]), parking `park`.
    pub fn with_clock(park: P, clock: impl Into<Clock>) -> Self {
        let unpark = park.unparker();
        TimerPark {
            inner: Inner::new(clock.into(), Box::new(move || unpark.unpark())),
            park,
            batch: Vec::new(),
            may_auto_advance: true,
        }
    }

    pub(crate) fn without_auto_advance(mut self) -> Self {
        self.may_auto_advance = false;
        self
    }

    /// A handle that makes this timer's futures.
    pub fn handle(&self) -> TimerHandle {
        TimerHandle::from_inner(Arc::clone(&self.inner))
    }

    /// The inner park.
    pub fn get_ref(&self) -> &P {
        &self.park
    }

    /// The inner park, mutably.
    pub fn get_mut(&mut self) -> &mut P {
        &mut self.park
    }

    /// Fires every timer due now, without touching the inner park. Returns how many fired.
    ///
    /// # Panics
    ///
    /// Resumes the panic of a waker that panicked (after the other wakers ran).
    pub fn turn(&mut self) -> usize {
        let now = self.inner.now_tick();
        self.inner.fire_due(now, &mut self.batch)
    }

    fn park_for(&mut self, limit: Option<Duration>) -> io::Result<()> {
        // (1) Due timers first: their tasks are runnable, so do not block.
        if self.turn() > 0 || limit == Some(Duration::ZERO) {
            return self.park.park_timeout(Duration::ZERO);
        }
        // (2) Block until the next deadline.
        let next = self.inner.prepare_park();
        if next.is_some_and(|tick| tick <= self.inner.now_tick()) {
            // Registered as due since (1), by another thread: turn instead of blocking
            // (on a manual clock nothing else would end the park).
            let result = self.park.park_timeout(Duration::ZERO);
            self.turn();
            return result;
        }
        let manual = self.inner.clock().as_manual().cloned();
        let result = match manual {
            Some(manual) => {
                // A deadline past the clock's limit never comes: auto-advance must not
                // chase it (it would spin forever), so it counts as no deadline at all.
                let reachable = self.reachable(&manual, next);
                if limit.is_none()
                    && reachable.is_some()
                    && self.may_auto_advance
                    && manual.auto_advance()
                {
                    let result = self.park.park_timeout(Duration::ZERO);
                    self.auto_advance(&manual, reachable);
                    result
                } else {
                    // Manual time does not pass while we block: only an unpark (or
                    // `ManualClock::advance`, which unparks) ends this. With no deadline
                    // in reach the layer below parks untimed, so it may auto-advance its
                    // own clock.
                    park_at_most(&mut self.park, limit)
                }
            }
            None => {
                let until_next = next
                    .and_then(|tick| self.inner.tick_instant(tick))
                    .map(|at| at.saturating_duration_since(Instant::now()));
                let timeout = match (limit, until_next) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                park_at_most(&mut self.park, timeout)
            }
        };
        // (3) Whatever came due while we were parked.
        self.turn();
        result
    }

    /// When wheel tick `next` begins, if `clock` can show that time.
    fn reachable(&self, clock: &ManualClock, next: Option<u64>) -> Option<Instant> {
        next.and_then(|tick| self.inner.tick_instant(tick))
            .filter(|&at| at <= clock.limit())
    }

    /// Moves the manual clock deadline by deadline (cascades of far timers included)
    /// until a timer fires, none is left, or the next one is beyond the clock's limit.
    /// Each step moves the clock forward and none passes the limit, so this ends.
    fn auto_advance(&mut self, clock: &ManualClock, mut next: Option<Instant>) {
        while let Some(at) = next {
            clock.advance_to(at);
            if self.turn() > 0 {
                return;
            }
            next = self.reachable(clock, self.inner.prepare_park());
        }
    }
}

fn park_at_most<P: Park>(park: &mut P, timeout: Option<Duration>) -> io::Result<()> {
    match timeout {
        None => park.park(),
        Some(timeout) => park.park_timeout(timeout),
    }
}

impl<P: Park> Park for TimerPark<P> {
    type Unpark = P::Unpark;

    fn unparker(&self) -> P::Unpark {
        self.park.unparker()
    }

    /// Fires due timers, then parks the inner park until the next deadline (or an unpark).
    ///
    /// # Errors
    ///
    /// The inner park's error.
    ///
    /// # Panics
    ///
    /// Resumes the panic of a waker that panicked while being woken.
    fn park(&mut self) -> io::Result<()> {
        self.park_for(None)
    }

    /// As [`park`](Self::park), blocking at most `timeout`; `Duration::ZERO` never blocks.
    ///
    /// # Errors
    ///
    /// The inner park's error.
    fn park_timeout(&mut self, timeout: Duration) -> io::Result<()> {
        self.park_for(Some(timeout))
    }
}

impl<P: Park> Drop for TimerPark<P> {
    fn drop(&mut self) {
        self.inner.shutdown();
    }
}

impl<P: Park + fmt::Debug> fmt::Debug for TimerPark<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TimerPark")
            .field("timer", &self.inner)
            .field("park", &self.park)
            .finish_non_exhaustive()
    }
}
