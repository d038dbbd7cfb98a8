//! [`TimerState`]: what one timer's leaf futures and its driver share.
//!
//! One mutex guards the [`Wheel`], whose entries hold the waker of each waiting future.
//! Futures lock it to register, re-register (latest waker wins), reset and cancel; the
//! driver locks it to fire due entries, taking their wakers out, and wakes them **after**
//! unlocking, in batches. Wakers are foreign code, so none is woken *or dropped* under the
//! lock: a replaced or cancelled waker may be a task's last, whose drop frees the task and
//! its other sleeps, which come back to this lock. An entry is only ever removed by the
//! future that owns its key, so a key stays valid for exactly as long as its future holds it.
//!
//! The driver publishes the tick it sleeps toward in `sleeping_until`, under the same
//! lock. A registration only unparks the driver when its deadline is earlier than that:
//! a driver that is running (`RUNNING`) or already sleeping toward an earlier tick is
//! left alone, so most inserts cost no syscall.

use std::fmt;
use std::sync::{Arc, PoisonError};
use std::task::{Poll, Waker};
use std::time::{Duration, Instant};

use wakewire_core::panic::drop_payload;
use wakewire_core::park::AnyUnpark;
use wakewire_core::waker::wake_all;
use wakewire_core::Unpark;

use crate::clock::Clock;
use crate::error::TimerError;
use crate::sync::{Mutex, MutexGuard};
use crate::wheel::{self, TimerKey, Wheel, NEVER};

/// `sleeping_until` while the driver is turning: it will look at the wheel again before
/// it sleeps, so no registration needs to wake it.
const RUNNING: u64 = 0;

/// How many wakers are taken out under one lock before they are woken.
const WAKE_BATCH: usize = 32;

/// The name the timer gives itself while it wakes (see
/// [`wake_source`](wakewire_core::waker::wake_source)).
const WAKE_SOURCE: &str = "timer";

/// One timer: its schedule of deadlines, its clock, and how to wake its driver.
pub(crate) struct TimerState {
    schedule: Mutex<Schedule>,
    clock: Clock,
    /// Tick 0 of the wheel.
    start: Instant,
    /// Wakes whatever drives this timer.
    unpark: AnyUnpark,
}

/// The part of a timer's state its lock guards.
struct Schedule {
    wheel: Wheel<Option<Waker>>,
    sleeping_until: u64,
    shutdown: bool,
}

impl TimerState {
    pub(crate) fn new(clock: Clock, unpark: AnyUnpark) -> Arc<TimerState> {
        let timer = Arc::new(TimerState {
            schedule: Mutex::new(Schedule {
                wheel: Wheel::new(),
                sleeping_until: RUNNING,
                shutdown: false,
            }),
            start: clock.now(),
            clock,
            unpark,
        });
        if let Some(manual) = timer.clock.as_manual() {
            manual.attach(Arc::downgrade(&timer));
        }
        timer
    }

    fn lock(&self) -> MutexGuard<'_, Schedule> {
        // No waker runs or drops under the lock and nothing else panics while it is held,
        // so a poisoned lock still guards a consistent wheel.
        self.schedule.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn clock(&self) -> &Clock {
        &self.clock
    }

    pub(crate) fn unpark_driver(&self) {
        self.unpark.unpark();
    }

    /// The wheel tick of a deadline (`None` meaning never).
    pub(crate) fn deadline_tick(&self, deadline: Option<Instant>) -> u64 {
        match deadline {
            None => NEVER,
            Some(deadline) => wheel::deadline_tick(deadline.saturating_duration_since(self.start)),
        }
    }

    /// The tick to schedule `deadline` at: its own tick, or the current tick if it has
    /// passed (so it fires on the next turn even within the current millisecond).
    pub(crate) fn due_tick(&self, deadline: Option<Instant>) -> u64 {
        let now = self.clock.now();
        match deadline {
            Some(deadline) if deadline <= now => {
                wheel::elapsed_tick(now.saturating_duration_since(self.start))
            }
            _ => self.deadline_tick(deadline),
        }
    }

    /// The wheel tick of the clock's current time.
    pub(crate) fn now_tick(&self) -> u64 {
        wheel::elapsed_tick(self.clock.now().saturating_duration_since(self.start))
    }

    /// The instant at which `tick` begins (`None` if it cannot be represented).
    pub(crate) fn tick_instant(&self, tick: u64) -> Option<Instant> {
        self.start.checked_add(Duration::from_millis(tick))
    }

    /// Inserts an entry for a first poll; the caller's waker is stored in it.
    pub(crate) fn register(&self, tick: u64, waker: &Waker) -> Result<TimerKey, TimerError> {
        // Cloned before locking: the critical section stays a slab insert and two links.
        let waker = waker.clone();
        let mut schedule = self.lock();
        if schedule.shutdown {
            return Err(TimerError::Shutdown);
        }
        let key = schedule.wheel.insert(tick, Some(waker));
        let wake_driver = schedule.schedule_earlier(tick);
        drop(schedule);
        if wake_driver {
            self.unpark_driver();
        }
        Ok(key)
    }

    /// Polls a registered entry: removes it when it fired or the timer shut down,
    /// otherwise stores `waker` (unless the stored one `will_wake` the same task). A waker
    /// replaced or removed here is dropped after unlocking.
    pub(crate) fn poll_entry(&self, key: TimerKey, waker: &Waker) -> Poll<Result<(), TimerError>> {
        let mut schedule = self.lock();
        let result = if schedule.wheel.is_fired(key) {
            Ok(())
        } else if schedule.shutdown {
            Err(TimerError::Shutdown)
        } else {
            let stored = schedule.wheel.get_mut(key);
            let replaced = match stored {
                Some(old) if old.will_wake(waker) => None,
                _ => stored.replace(waker.clone()),
            };
            drop(schedule);
            drop(replaced);
            return Poll::Pending;
        };
        let old_waker = schedule.wheel.remove(key);
        drop(schedule);
        drop(old_waker);
        Poll::Ready(result)
    }

    /// Moves a registered entry to `tick`, re-arming it if it had fired.
    pub(crate) fn reset(&self, key: TimerKey, tick: u64) {
        let mut schedule = self.lock();
        if schedule.shutdown {
            return;
        }
        schedule.wheel.reset(key, tick);
        let wake_driver = schedule.schedule_earlier(tick);
        drop(schedule);
        if wake_driver {
            self.unpark_driver();
        }
    }

    /// Removes a registered entry (its future was dropped or completed another way).
    pub(crate) fn cancel(&self, key: TimerKey) {
        let waker = self.lock().wheel.remove(key);
        // The waker is dropped outside the lock: dropping a task's last waker may run
        // arbitrary code.
        drop(waker);
    }

    /// Fires every entry due at `now_tick` and wakes their wakers, outside the lock.
    /// Marks the driver as running. Returns how many entries fired.
    ///
    /// The driver has nobody to report a waker's panic to: every waker is still woken,
    /// and the panic is disposed of (core's `wake_all` policy for drivers).
    pub(crate) fn fire_due(&self, now_tick: u64, batch: &mut Vec<Waker>) -> usize {
        let mut fired = 0;
        loop {
            let mut schedule = self.lock();
            schedule.sleeping_until = RUNNING;
            while batch.len() < WAKE_BATCH {
                let Some(key) = schedule.wheel.poll(now_tick) else {
                    break;
                };
                fired += 1;
                if let Some(waker) = schedule.wheel.get_mut(key).take() {
                    batch.push(waker);
                }
            }
            let more = batch.len() == WAKE_BATCH;
            drop(schedule);
            wake_batch(batch);
            if !more {
                return fired;
            }
        }
    }

    /// Records that the driver is about to sleep and returns the tick it should wake at
    /// (`None`: only an unpark can wake it).
    pub(crate) fn prepare_park(&self) -> Option<u64> {
        let mut schedule = self.lock();
        let next = schedule.wheel.next_deadline();
        schedule.sleeping_until = next.unwrap_or(NEVER);
        next
    }

    /// Stops the timer: every pending entry's waker is woken, and every future of this
    /// timer resolves with [`TimerError::Shutdown`] from now on.
    pub(crate) fn shutdown(&self) {
        let mut batch = Vec::new();
        {
            let mut schedule = self.lock();
            schedule.shutdown = true;
            batch.extend(schedule.wheel.values_mut().filter_map(Option::take));
        }
        // Shutdown runs in a destructor: a panicking waker must not turn into an abort
        // there, so its panic is disposed of (the other wakers still ran).
        wake_batch(&mut batch);
    }

    pub(crate) fn is_shutdown(&self) -> bool {
        self.lock().shutdown
    }

    /// Entries currently held by the wheel.
    pub(crate) fn live_timers(&self) -> usize {
        self.lock().wheel.len()
    }
}

impl Schedule {
    /// Whether a new deadline at `tick` is earlier than the one the driver sleeps toward;
    /// if so, records it so that later earlier-than-that inserts still wake the driver once.
    fn schedule_earlier(&mut self, tick: u64) -> bool {
        if tick < self.sleeping_until {
            self.sleeping_until = tick;
            true
        } else {
            false
        }
    }
}

/// Wakes every waker of `batch` (emptying it, keeping its allocation), even if some
/// panic; a panic is disposed of, since the timer's callers are drivers.
fn wake_batch(batch: &mut Vec<Waker>) {
    if let Some(payload) = wake_all(WAKE_SOURCE, batch.drain(..)) {
        drop_payload(payload);
    }
}

impl fmt::Debug for TimerState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let schedule = self.lock();
        f.debug_struct("TimerState")
            .field("clock", &self.clock)
            .field("wheel", &schedule.wheel)
            .field("shutdown", &schedule.shutdown)
            .finish()
    }
}
