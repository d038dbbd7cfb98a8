//! [`Timer`]: a timer driven by its own thread, and the global default timer.

use std::fmt;
use std::panic::{self, AssertUnwindSafe};
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
/// functions ([`sleep`](crate::sleep), …) use a global `Timer` on the real clock, started
/// on first use and never stopped.
///
/// ```
/// use std::time::Duration;
/// use wakewire_reactor_timer::{ManualClock, Timer};
///
/// let clock = ManualClock::new();
/// let timer = Timer::with_clock(clock.clone());
/// let sleep = timer.handle().sleep(Duration::from_secs(10));
/// let waiter = std::thread::spawn(move || futures_executor::block_on(sleep));
/// clock.advance(Duration::from_secs(10)); // the driver thread fires it
/// waiter.join().unwrap();
/// ```
///
/// # Dropping
///
/// Dropping the `Timer` stops and joins its thread; every pending future of this timer is
/// woken and resolves with [`TimerError::Shutdown`](crate::TimerError::Shutdown) (a plain
/// [`Sleep`](crate::Sleep) completes early).
pub struct Timer {
    handle: TimerHandle,
    stop: Arc<AtomicBool>,
    unpark: ThreadUnparker,
    thread: Option<JoinHandle<()>>,
}

impl Timer {
    /// Starts a timer on the real clock.
    ///
    /// # Panics
    ///
    /// Panics if the driver thread cannot be spawned.
    pub fn new() -> Timer {
        Timer::with_clock(Clock::real())
    }

    /// Starts a timer on `clock`. A [`ManualClock`](crate::ManualClock) wakes the thread
    /// when advanced; it does not auto-advance here.
    ///
    /// # Panics
    ///
    /// Panics if the driver thread cannot be spawned.
    pub fn with_clock(clock: impl Into<Clock>) -> Timer {
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
        Timer {
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

impl Default for Timer {
    fn default() -> Self {
        Timer::new()
    }
}

/// The driver thread: turn until told to stop, then drop the park (shutting down).
fn drive(mut park: TimerPark<ThreadParker>, stop: &AtomicBool) {
    while !stop.load(Ordering::Acquire) {
        // A panicking waker must not kill the timer: the other wakers of its batch were
        // woken already and the timer stays consistent, so the panic is dropped. The
        // thread parker itself never fails.
        let _ = panic::catch_unwind(AssertUnwindSafe(|| park.park()));
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        self.unpark.unpark();
        if let Some(thread) = self.thread.take() {
            // A waker run by the driver could drop the last `Timer`: never join ourselves.
            if thread.thread().id() != thread::current().id() {
                let _ = thread.join();
            }
        }
    }
}

impl fmt::Debug for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Timer")
            .field("handle", &self.handle)
            .finish_non_exhaustive()
    }
}

/// The global timer behind the free functions, started on first use.
pub(crate) fn default_timer() -> &'static Timer {
    static DEFAULT: OnceLock<Timer> = OnceLock::new();
    DEFAULT.get_or_init(Timer::new)
}
