//! [`SharedPark`]: one park (a reactor, a timer) driven by whichever of several threads
//! is idle.

use std::fmt;
use std::io;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::{Arc, PoisonError};
use std::time::Duration;

use crate::park::{Park, ParkContext, ThreadParker, ThreadUnparker, Unpark};
use crate::sync::{AtomicUsize, Mutex, MutexGuard, Ordering};

/// One [`Park`] shared by several threads.
///
/// A reactor's park can only block one thread at a time: it owns the selector. An
/// executor with several worker threads that wants its idle time to drive one reactor
/// gives each worker a [`SharedParkWorker`]. A worker with nothing to do tries to take the
/// shared park (the *driver*); if it gets it, it blocks in it (turning the reactor); if
/// another worker already holds it, it sleeps on its own thread parker as a *waiter*. Any
/// worker that is busy turns the driver without blocking when it is free
/// (`park_timeout(Duration::ZERO)`).
///
/// ```text
///   worker 0 idle ── take the driver ──► park() ──► TimerPark ──► epoll_wait
///   worker 1 idle ── driver taken ──► waiter: its own thread parker
///   worker 0 returns to run tasks ── releases the driver ── hands it over: unparks worker 1,
///                                                           which takes it and blocks in it
///   unpark(worker i) ── set NOTIFIED; was i DRIVING ? the driver's Unpark
///                                                   : i's thread parker
/// ```
///
/// # The driver is never left unattended while a worker is idle
///
/// Whoever releases the driver — a worker returning from a blocking park to run tasks, or
/// a busy worker after its zero-timeout turn — hands it over: if a waiter is sleeping on
/// its thread parker, one of them is unparked, takes the driver and blocks in it. So the
/// reactor's events (timers, sockets) are handled as soon as they happen whenever any
/// worker is idle, not at the next turn of a busy one. The driver's state is one atomic
/// word (`HELD` and a count of waiters) changed only by read-modify-writes, so a release
/// either sees a waiter that registered before it (and wakes one) or the waiter's attempt
/// to take the driver comes after the release (and succeeds). When the driver's park
/// panics (a waker it fired panicked), the panic is caught, the worker's bits are cleared
/// and the driver released as on a normal return, and the panic is then resumed to the
/// caller: it never leaves the driver held or a worker marked as driving.
///
/// # No lost wakeup
///
/// Each worker has one state word with two bits, `DRIVING` and `NOTIFIED`, changed only by
/// read-modify-writes, so the operations on it are totally ordered. A worker about to
/// block in the driver sets `DRIVING` and learns whether `NOTIFIED` was already set (then
/// it does not block); an unparker sets `NOTIFIED` and learns whether `DRIVING` was set
/// (then it unparks the driver, whose contract keeps an early unpark for the next `park`).
/// A worker the unparker did not see driving is asleep on its thread parker, about to look
/// at `NOTIFIED`, or awake: unparking its thread parker (which keeps an early token)
/// covers all three. `tests/loom_shared_park.rs` explores the interleavings.
///
/// ```
/// use std::time::Duration;
/// use wakewire_core::{Park, SharedPark, ThreadParker, Unpark};
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
    shared: Arc<Driver<P>>,
}

/// The shared park and who may use it.
struct Driver<P: Park> {
    /// The park itself. Only the thread that set `HELD` in `state` locks it, so the lock
    /// is never contended; it is there to hand `&mut P` across threads safely.
    park: Mutex<P>,
    unpark: P::Unpark,
    context: ParkContext,
    /// `HELD | waiters * WAITER`; see "The driver is never left unattended".
    state: AtomicUsize,
    /// The workers counted in `state`'s waiters, to pick one to hand the driver to.
    waiters: Mutex<Vec<Arc<WorkerState>>>,
}

/// The driver is taken (a worker blocks in it or turns it).
const HELD: usize = 1;
/// One worker sleeping on its thread parker that would take the driver if it were free.
const WAITER: usize = 2;

impl<P: Park> SharedPark<P> {
    /// Shares `park` among the workers made by [`worker`](Self::worker).
    pub fn new(park: P) -> Self {
        SharedPark {
            shared: Arc::new(Driver {
                unpark: park.unparker(),
                context: park.context(),
                park: Mutex::new(park),
                state: AtomicUsize::new(0),
                waiters: Mutex::new(Vec::new()),
            }),
        }
    }

    /// The shared park's [context](Park::context): what every worker installs, and what a
    /// thread that is not a worker (one blocked on a future of the same runtime) may enter
    /// to see the same reactors as current.
    pub fn context(&self) -> ParkContext {
        self.shared.context.clone()
    }

    /// How many workers are asleep on their own thread parkers, waiting for the driver to
    /// be released (for tests and diagnostics; a snapshot).
    pub fn waiting(&self) -> usize {
        self.shared.state.load(Ordering::Acquire) / WAITER
    }

    /// Whether a worker holds the driver (blocks in it or turns it) right now (a snapshot).
    pub fn is_driven(&self) -> bool {
        self.shared.state.load(Ordering::Acquire) & HELD != 0
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

/// The worker is (about to be) blocked in the driver.
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
    shared: Arc<Driver<P>>,
    state: Arc<WorkerState>,
    thread: ThreadParker,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while the park was held (a waker fired by the park panicked) leaves its
    // layers in their own consistent state; the waiter list is edited by pushes and
    // removals that cannot panic halfway.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<P: Park> Driver<P> {
    /// Takes the driver if it is free.
    fn try_take(&self) -> Option<Held<'_, P>> {
        let mut state = self.state.load(Ordering::Relaxed);
        loop {
            if state & HELD != 0 {
                return None;
            }
            match self.state.compare_exchange_weak(
                state,
                state | HELD,
                Ordering::AcqRel,
                Ordering::Relaxed,
            ) {
                Ok(_) => {
                    return Some(Held {
                        park: Some(lock(&self.park)),
                        driver: self,
                    })
                }
                Err(actual) => state = actual,
            }
        }
    }

    /// Lists `worker` as a waiter (before it tries to take the driver, so a release that
    /// the attempt does not see wakes it).
    fn add_waiter(&self, worker: &Arc<WorkerState>) {
        lock(&self.waiters).push(Arc::clone(worker));
        self.state.fetch_add(WAITER, Ordering::AcqRel);
    }

    /// Unlists `worker` if it is still listed (a release may have picked it already).
    fn remove_waiter(&self, worker: &Arc<WorkerState>) {
        let mut waiters = lock(&self.waiters);
        if let Some(at) = waiters.iter().position(|w| Arc::ptr_eq(w, worker)) {
            waiters.swap_remove(at);
            self.state.fetch_sub(WAITER, Ordering::AcqRel);
        }
    }

    /// Frees the driver and, if a worker is waiting for it, wakes one to take it over.
    fn release(&self) {
        let previous = self.state.fetch_and(!HELD, Ordering::AcqRel);
        if previous >= WAITER {
            let next = {
                let mut waiters = lock(&self.waiters);
                let next = waiters.pop();
                if next.is_some() {
                    self.state.fetch_sub(WAITER, Ordering::AcqRel);
                }
                next
            };
            if let Some(next) = next {
                next.thread.unpark();
            }
        }
    }
}

/// The driver, taken; released (and handed over) when dropped, also on unwind.
struct Held<'a, P: Park> {
    /// Dropped before the release, so the next holder's lock never waits.
    park: Option<MutexGuard<'a, P>>,
    driver: &'a Driver<P>,
}

impl<P: Park> Held<'_, P> {
    fn park(&mut self) -> &mut P {
        self.park.as_mut().expect("held until dropped")
    }
}

impl<P: Park> Drop for Held<'_, P> {
    fn drop(&mut self) {
        drop(self.park.take());
        self.driver.release();
    }
}

/// Clears a worker's `DRIVING` and `NOTIFIED` bits when it stops blocking in the driver,
/// also when the driver's park unwinds.
struct Driving<'a>(&'a WorkerState);

impl Drop for Driving<'_> {
    fn drop(&mut self) {
        // Awake: whatever the caller looks at next covers any unpark until now.
        self.0
            .bits
            .fetch_and(!(DRIVING | NOTIFIED), Ordering::AcqRel);
    }
}

/// Unlists a waiter when it wakes, also on unwind.
struct Waiting<'a, P: Park> {
    driver: &'a Driver<P>,
    worker: &'a Arc<WorkerState>,
}

impl<P: Park> Drop for Waiting<'_, P> {
    fn drop(&mut self) {
        self.driver.remove_waiter(self.worker);
    }
}

impl<P: Park> SharedParkWorker<P> {
    fn wait(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        if timeout == Some(Duration::ZERO) {
            // A busy thread's turn: drive the shared park if it is free, never block. The
            // release hands the driver to a waiter, if any.
            return match self.shared.try_take() {
                Some(mut held) => {
                    let turn = catch_unwind(AssertUnwindSafe(|| {
                        held.park().park_timeout(Duration::ZERO)
                    }));
                    drop(held);
                    turn.unwrap_or_else(|payload| resume_unwind(payload))
                }
                None => Ok(()),
            };
        }
        let state = &self.state;
        loop {
            if state.bits.fetch_and(!NOTIFIED, Ordering::AcqRel) & NOTIFIED != 0 {
                return Ok(());
            }
            let waiting = Waiting {
                driver: &self.shared,
                worker: &self.state,
            };
            self.shared.add_waiter(&self.state);
            if let Some(mut held) = self.shared.try_take() {
                drop(waiting);
                // Dropped before `held`: clears this worker's bits, then the driver is
                // released and handed over.
                let _driving = Driving(state);
                if state.bits.fetch_or(DRIVING, Ordering::AcqRel) & NOTIFIED != 0 {
                    return Ok(()); // unparked since we looked: do not block
                }
                // A panic (a waker fired by the park) is caught so the guards run as on a
                // normal return (no poisoned lock), then resumed to the caller.
                let parked = catch_unwind(AssertUnwindSafe(|| match timeout {
                    None => held.park().park(),
                    Some(timeout) => held.park().park_timeout(timeout),
                }));
                drop(_driving);
                drop(held);
                return parked.unwrap_or_else(|payload| resume_unwind(payload));
            }
            let result = match timeout {
                None => self.thread.park(),
                Some(timeout) => self.thread.park_timeout(timeout),
            };
            drop(waiting);
            if timeout.is_some() {
                // A timed park may return early; the caller looks again either way.
                state.bits.fetch_and(!NOTIFIED, Ordering::AcqRel);
                return result;
            }
            // Unparked for our own work (NOTIFIED, checked at the top), or handed the
            // driver by a worker that released it: try to take it.
            result?;
        }
    }
}

impl<P: Park> Park for SharedParkWorker<P> {
    type Unpark = SharedParkUnpark<P::Unpark>;

    fn unparker(&self) -> Self::Unpark {
        SharedParkUnpark {
            state: Arc::clone(&self.state),
            driver: self.shared.unpark.clone(),
        }
    }

    fn park(&mut self) -> io::Result<()> {
        self.wait(None)
    }

    fn park_timeout(&mut self, timeout: Duration) -> io::Result<()> {
        self.wait(Some(timeout))
    }

    /// The shared park's context: every worker installs the same reactors.
    fn context(&self) -> ParkContext {
        self.shared.context.clone()
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
