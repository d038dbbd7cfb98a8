//! Where a timer reads the time: the real monotonic clock, or a [`ManualClock`] for tests.

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::{Duration, Instant};

use crate::inner::Inner;

/// The time source of a timer: [`Clock::real`] (the default) or a [`ManualClock`].
///
/// ```
/// use std::time::Duration;
/// use wakewire_reactor_timer::{Clock, ManualClock};
///
/// let manual = ManualClock::new();
/// let clock = Clock::from(manual.clone());
/// let before = clock.now();
/// manual.advance(Duration::from_secs(3600)); // an hour passes at once
/// assert_eq!(clock.now() - before, Duration::from_secs(3600));
/// ```
#[derive(Clone, Debug, Default)]
pub struct Clock {
    manual: Option<ManualClock>,
}

impl Clock {
    /// The system's monotonic clock ([`Instant::now`]).
    pub fn real() -> Self {
        Clock { manual: None }
    }

    /// The current time.
    pub fn now(&self) -> Instant {
        match &self.manual {
            None => Instant::now(),
            Some(manual) => manual.now(),
        }
    }

    /// The manual clock behind this clock, if it is one.
    pub fn as_manual(&self) -> Option<&ManualClock> {
        self.manual.as_ref()
    }
}

impl From<ManualClock> for Clock {
    fn from(manual: ManualClock) -> Self {
        Clock {
            manual: Some(manual),
        }
    }
}

/// A clock that only moves when told to, for deterministic tests of timer code.
///
/// Clones share one time. [`advance`](Self::advance) moves it and wakes the drivers of
/// every timer built on it, so due timers fire on their driver's next turn. With
/// [auto-advance](Self::set_auto_advance) on, a [`TimerPark`](crate::TimerPark) that is
/// asked to park with nothing to do jumps the clock to the next deadline instead of
/// blocking (like tokio's paused time): a test of code that sleeps an hour finishes at once.
/// A timer driven by its own thread ([`Timer`](crate::Timer)) never auto-advances: it cannot
/// know when the tasks are idle. Nor can the park see work that another thread is about
/// to hand over (a channel message, a socket event): tests whose tasks wait on other
/// threads should advance by hand.
///
/// The clock counts `u64` nanoseconds, so it stops at [`limit`](Self::limit), about 584
/// years after it was made. A timer whose deadline lies beyond never fires on it (like a
/// `Duration::MAX` sleep on any clock), and auto-advance does not chase it: an idle
/// `TimerPark` whose only timers are out of reach parks like one with no timer at all,
/// until something unparks it. It never spins, and never moves the clock past the limit.
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
/// let timer = park.handle();
/// let ex = LocalExecutor::with_park(park);
/// let start = clock.now();
/// ex.block_on(timer.sleep(Duration::from_secs(3600)));
/// assert_eq!(clock.now() - start, Duration::from_secs(3600)); // no real hour passed
/// ```
#[derive(Clone)]
pub struct ManualClock {
    shared: Arc<ManualShared>,
}

struct ManualShared {
    base: Instant,
    /// Nanoseconds since `base`; saturates (584 years) instead of wrapping.
    offset_nanos: AtomicU64,
    auto_advance: AtomicBool,
    /// The timers built on this clock, so `advance` can wake their drivers.
    timers: Mutex<Vec<Weak<Inner>>>,
}

impl ManualClock {
    /// A clock standing at the current real time, auto-advance off.
    pub fn new() -> Self {
        ManualClock {
            shared: Arc::new(ManualShared {
                base: Instant::now(),
                offset_nanos: AtomicU64::new(0),
                auto_advance: AtomicBool::new(false),
                timers: Mutex::new(Vec::new()),
            }),
        }
    }

    /// The clock's current time.
    pub fn now(&self) -> Instant {
        let offset = Duration::from_nanos(self.shared.offset_nanos.load(Ordering::Acquire));
        // 584 years past a real `Instant` fits on every supported platform; if one ever
        // could not hold it, stand still rather than panic.
        self.shared
            .base
            .checked_add(offset)
            .unwrap_or(self.shared.base)
    }

    /// The latest time this clock can show: it counts `u64` nanoseconds from its creation,
    /// so it stops about 584 years on ([`advance`](Self::advance) saturates here). A
    /// deadline beyond it never comes on this clock; see the [type docs](Self).
    pub fn limit(&self) -> Instant {
        // As in `now`: a platform whose `Instant` cannot hold it stands still at `base`.
        self.shared
            .base
            .checked_add(Duration::from_nanos(u64::MAX))
            .unwrap_or(self.shared.base)
    }

    /// Moves the clock forward by `by` (saturating after 584 years) and wakes the
    /// drivers of its timers.
    pub fn advance(&self, by: Duration) {
        let by = u64::try_from(by.as_nanos()).unwrap_or(u64::MAX);
        // `fetch_update` with a closure that always returns `Some` cannot fail.
        let _ =
            self.shared
                .offset_nanos
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |offset| {
                    Some(offset.saturating_add(by))
                });
        self.wake_drivers();
    }

    /// Moves the clock forward to `instant`; does nothing if the clock is already past it.
    pub fn advance_to(&self, instant: Instant) {
        let now = self.now();
        if instant > now {
            self.advance(instant - now);
        }
    }

    /// Turns auto-advance on or off (off by default); see the [type docs](Self).
    pub fn set_auto_advance(&self, on: bool) {
        self.shared.auto_advance.store(on, Ordering::Release);
    }

    /// Whether auto-advance is on.
    pub fn auto_advance(&self) -> bool {
        self.shared.auto_advance.load(Ordering::Acquire)
    }

    pub(crate) fn attach(&self, timer: Weak<Inner>) {
        let mut timers = self.timers();
        timers.retain(|timer| timer.strong_count() > 0);
        timers.push(timer);
    }

    fn timers(&self) -> std::sync::MutexGuard<'_, Vec<Weak<Inner>>> {
        // Nothing panics while this lock is held.
        self.shared
            .timers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn wake_drivers(&self) {
        let live: Vec<Arc<Inner>> = self.timers().iter().filter_map(Weak::upgrade).collect();
        for timer in live {
            timer.unpark_driver();
        }
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        ManualClock::new()
    }
}

impl fmt::Debug for ManualClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ManualClock")
            .field(
                "elapsed",
                &Duration::from_nanos(self.shared.offset_nanos.load(Ordering::Acquire)),
            )
            .field("auto_advance", &self.auto_advance())
            .finish()
    }
}
