//! [`SharedPark`]: one park (a reactor, a timer) driven by whichever of several threads
//! is idle.

use std::fmt;
use std::io;
use std::sync::{Arc, TryLockError};
use std::time::Duration;

use crate::park::{Park, ThreadParker, ThreadUnparker, Unpark};
use crate::sync::{AtomicUsize, Mutex, MutexGuard, Ordering};

/// One [`Park`] shared by several threads.
///
/// A reactor's park can only block one thread at a time: it owns the selector. An
/// executor with several worker threads that wants its idle time to drive one reactor
/// gives each worker a [`SharedParkWorker`]. A worker with nothing to do tries to take the
/// shared park; if it gets it, it blocks in it (turning the reactor); if another worker
/// already holds it, it sleeps on its own thread parker. Any worker that is busy turns the
/// shared park without blocking when it is free (`park_timeout(Duration::ZERO)`).
///
/// ```text
///   worker 0 idle ── try_lock ──► holds the driver ── park() ──► TimerPark ──► epoll_wait
///   worker 1 idle ── try_lock fails ──────────────────────────► its own thread parker
///   unpark(worker i) ── set NOTIFIED; was i DRIVING ? the driver's Unpark
///                                                   : i's thread parker
/// ```
///
/// # No lost wakeup
///
/// Each worker has one state word with two bits, `DRIVING` and `NOTIFIED`, changed only by
/// read-modify-writes, so the operations on it are totally ordered. A worker about to
/// block in the shared park sets `DRIVING` and learns whether `NOTIFIED` was already set
/// (then it does not block); an unparker sets `NOTIFIED` and learns whether `DRIVING` was
/// set (then it unparks the shared park, whose contract keeps an early unpark for the next
/// `park`). A worker the unparker did not see driving is asleep on its thread parker,
/// about to look at `NOTIFIED`, or awake: unparking its thread parker (which keeps an
/// early token) covers all three. `loom_shared_park` explores the interleavings.
///
/// # Starvation
///
/// While the worker that held the driver runs tasks and the others sleep on their thread
/// parkers, nobody blocks in the driver: its events wait until a worker parks again or a
/// busy worker's zero-timeout turn. This is the same trade tokio's multi-thread runtime
/// makes; an executor that calls `park_timeout(Duration::ZERO)` every few dozen polls (as
/// Wakewire's pool does) bounds the delay by its poll lengths.
///
/// ```
/// use std::time::Duration;
/// use wakewire_core::park::SharedPark;
/// use wakewire_core::{Park, ThreadParker, Unpark};
///
/// // Two threads share one (here trivial) park; either may end up driving it.
/// let shared = SharedPark::new(ThreadParker::new());
/// let (mut a, mut b) = (shared.worker(), shared.worker());
/// let wake_b = b.unparker();
/// let t = std::thread::spawn(move || b.park().unwrap());
/// wake_b.unpark(); // reaches `b` whether it holds the shared park or its own parker
/// t.join().unwrap();
/// a.park_timeout(Duration::ZERO).unwrap(); // never blocks
/// ```
pub struct SharedPark<P: Park> {
    shared: Arc<Shared<P>>,
}

struct Shared<P: Park> {
    /// Held by the worker currently blocked in (or turning) the shared park.
    driver: Mutex<P>,
    driver_unpark: P::Unpark,
}

impl<P: Park> SharedPark<P> {
    /// Shares `park` among the workers made by [`worker`](Self::worker).
    pub fn new(park: P) -> Self {
        let driver_unpark = park.unparker();
        SharedPark {
            shared: Arc::new(Shared {
                driver: Mutex::new(park),
                driver_unpark,
            }),
        }
    }

    /// A park for one more thread: it drives the shared park when it can, else sleeps on
    /// a thread parker of its own.
    pub fn worker(&self) -> SharedParkWorker<P> {
        let thread = ThreadParker::new();
        SharedParkWorker {
            shared: Arc::clone(&self.shared),
            state: Arc::new(WorkerState {
                bits: AtomicUsize::new(0),
                thread: thread.unparker(),
            }),
            thread,
        }
    }
}

impl<P: Park> Clone for SharedPark<P> {
    fn clone(&self) -> Self {
        SharedPark {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<P: Park> fmt::Debug for SharedPark<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedPark").finish_non_exhaustive()
    }
}

/// The worker is (about to be) blocked in the shared park.
const DRIVING: usize = 0b01;
/// An unpark arrived that the worker has not yet returned for.
const NOTIFIED: usize = 0b10;

/// What an unparker needs to know about one worker.
struct WorkerState {
    /// `DRIVING | NOTIFIED` bits; see "No lost wakeup" on [`SharedPark`].
    bits: AtomicUsize,
    thread: ThreadUnparker,
}

/// One thread's view of a [`SharedPark`]: a [`Park`] for that thread.
pub struct SharedParkWorker<P: Park> {
    shared: Arc<Shared<P>>,
    state: Arc<WorkerState>,
    thread: ThreadParker,
}

impl<P: Park> Shared<P> {
    /// The shared park, unless another thread holds it. A park that panicked in another
    /// thread (poisoning the lock) is still usable: its layers keep their own state.
    fn try_drive(&self) -> Option<MutexGuard<'_, P>> {
        match self.driver.try_lock() {
            Ok(driver) => Some(driver),
            Err(TryLockError::Poisoned(poisoned)) => Some(poisoned.into_inner()),
            Err(TryLockError::WouldBlock) => None,
        }
    }
}

impl<P: Park> SharedParkWorker<P> {
    fn wait(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        let state = &self.state;
        if timeout == Some(Duration::ZERO) {
            // A busy thread's turn: drive the shared park if it is free, never block.
            return match self.shared.try_drive() {
                Some(mut driver) => driver.park_timeout(Duration::ZERO),
                None => Ok(()),
            };
        }
        if state.bits.fetch_and(!NOTIFIED, Ordering::AcqRel) & NOTIFIED != 0 {
            return Ok(());
        }
        match self.shared.try_drive() {
            Some(mut driver) => {
                let result = if state.bits.fetch_or(DRIVING, Ordering::AcqRel) & NOTIFIED != 0 {
                    Ok(()) // unparked since we looked: do not block
                } else {
                    match timeout {
                        None => driver.park(),
                        Some(timeout) => driver.park_timeout(timeout),
                    }
                };
                // Awake: whatever the caller looks at next covers any unpark until now.
                state
                    .bits
                    .fetch_and(!(DRIVING | NOTIFIED), Ordering::AcqRel);
                result
            }
            None => {
                let result = match timeout {
                    None => self.thread.park(),
                    Some(timeout) => self.thread.park_timeout(timeout),
                };
                state.bits.fetch_and(!NOTIFIED, Ordering::AcqRel);
                result
            }
        }
    }
}

impl<P: Park> Park for SharedParkWorker<P> {
    type Unpark = SharedParkUnpark<P::Unpark>;

    fn unparker(&self) -> Self::Unpark {
        SharedParkUnpark {
            state: Arc::clone(&self.state),
            driver: self.shared.driver_unpark.clone(),
        }
    }

    fn park(&mut self) -> io::Result<()> {
        self.wait(None)
    }

    fn park_timeout(&mut self, timeout: Duration) -> io::Result<()> {
        self.wait(Some(timeout))
    }
}

impl<P: Park> fmt::Debug for SharedParkWorker<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedParkWorker")
            .field(
                "driving",
                &(self.state.bits.load(Ordering::Relaxed) & DRIVING != 0),
            )
            .finish_non_exhaustive()
    }
}

/// Wakes one [`SharedParkWorker`], whether it sleeps in the shared park or on its own
/// thread parker.
pub struct SharedParkUnpark<U> {
    state: Arc<WorkerState>,
    driver: U,
}

impl<U: Clone> Clone for SharedParkUnpark<U> {
    fn clone(&self) -> Self {
        SharedParkUnpark {
            state: Arc::clone(&self.state),
            driver: self.driver.clone(),
        }
    }
}

impl<U: Unpark> Unpark for SharedParkUnpark<U> {
    fn unpark(&self) {
        if self.state.bits.fetch_or(NOTIFIED, Ordering::AcqRel) & DRIVING != 0 {
            self.driver.unpark();
        } else {
            // Asleep on its thread parker, or about to look at `notified`, or awake:
            // unparking the thread parker covers all three.
            self.state.thread.unpark();
        }
    }
}

impl<U> fmt::Debug for SharedParkUnpark<U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedParkUnpark").finish_non_exhaustive()
    }
}
