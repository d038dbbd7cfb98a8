//! [`TimerThread`]: a timer driven by its own thread, and the global default timer.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::thread::{self, JoinHandle};

use wakewire_core::{Park, ThreadParker, ThreadUnparker, Unpark};

use crate::clock::Clock;
use crate::handle::TimerHandle;
use crate::park::TimerPark;

/// A timer with its own driver thread, so its futures work under any executor.
///
/// The thread parks until the next deadline, fires what is due, and parks again; a new
/// timer with an earlier deadline than the one it sleeps toward wakes it (later ones
/// don't). Several timers can coexist, each with its own thread and clock. The free
/// functions ([`sleep`](crate::sleep), …) use a global `TimerThread` on the real clock, started
/// on first use and never stopped.
///
/// ```
/// use std::time::Duration;
/// use wakewire_reactor_timer::{ManualClock, TimerThread};
///
/// let clock = ManualClock::new();
/// let timer = TimerThread::with_clock(clock.clone());
/// let sleep = timer.handle().sleep(Duration::from_secs(10));
/// let waiter = std::thread::spawn(move || wakewire_core::block_on(sleep));
/// clock.advance(Duration::from_secs(10)); // the driver thread fires it
/// waiter.join().unwrap();
/// ```
///
/// # Dropping
///
/// Dropping the `TimerThread` stops and joins its thread; every pending future of this timer is
/// woken and resolves with [`TimerError::Shutdown`](crate::TimerError::Shutdown) (a plain
/// [`Sleep`](crate::Sleep) completes early).
pub struct TimerThread {
    handle: TimerHandle,
    stop: Arc<AtomicBool>,
    unpark: ThreadUnparker,
    thread: Option<JoinHandle<()>>,
}

impl TimerThread {
    /// Starts a timer on the real clock.
    ///
    /// # Panics
    ///
    /// Panics if the driver thread cannot be spawned.
    pub fn new() -> TimerThread {
        TimerThread::with_clock(Clock::real())
    }

    /// Starts a timer on `clock`. A [`ManualClock`](crate::ManualClock) wakes the thread
    /// when advanced; it does not auto-advance here.
    ///
    /// # Panics
    ///
    /// Panics if the driver thread cannot be spawned.
    pub fn with_clock(clock: impl Into<Clock>) -> TimerThread {
        let park = TimerPark::with_clock(ThreadParker::new(), clock).without_auto_advance();
        let handle = park.handle();
        let unpark = park.unparker();
        let stop = Arc::new(AtomicBool::new(false));
        let thread = thread::Builder::new()
            .name("wakewire-timer".into())
            .spawn({
                let stop = Arc::clone(&stop);
                move || drive(park, &stop)
            })
            .unwrap_or_else(|err| panic!("wakewire timer: cannot spawn the driver thread: {err}"));
        TimerThread {
            handle,
            stop,
            unpark,
            thread: Some(thread),
        }
    }

    /// A handle that makes this timer's futures.
    pub fn handle(&self) -> TimerHandle {
        self.handle.clone()
    }
}

impl Default for TimerThread {
    fn default() -> Self {
        TimerThread::new()
    }
}

/// The driver thread: turn until told to stop, then drop the park (shutting down).
fn drive(mut park: TimerPark<ThreadParker>, stop: &AtomicBool) {
    while !stop.load(Ordering::Acquire) {
        // Nothing ends this loop early: the park disposes of a waker's panic itself (the
        // timer's policy for drivers) and the thread parker never fails.
        let _ = park.park();
    }
}

impl Drop for TimerThread {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        self.unpark.unpark();
        if let Some(thread) = self.thread.take() {
            // A waker run by the driver could drop the last `TimerThread`: never join ourselves.
            if thread.thread().id() != thread::current().id() {
                let _ = thread.join();
            }
        }
    }
}

impl fmt::Debug for TimerThread {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TimerThread")
            .field("handle", &self.handle)
            .finish_non_exhaustive()
    }
}

/// The global timer behind the free functions, started on first use.
pub(crate) fn default_timer() -> &'static TimerThread {
    static DEFAULT: OnceLock<TimerThread> = OnceLock::new();
    DEFAULT.get_or_init(TimerThread::new)
}
