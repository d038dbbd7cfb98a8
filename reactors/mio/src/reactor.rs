//! [`Reactor`]: owns the selector and turns its events into wakeups.

use std::cell::Cell;
use std::fmt;
use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::Waker;
use std::time::Duration;

use mio::Registry;

use crate::handle::Handle;
use crate::park::ReactorPark;
use crate::registrations::{Registrations, WAKE_TOKEN};
use crate::selector::{Event, MioSelector, Selector};

/// A socket reactor: a [`Selector`] (epoll through mio) plus the table of registrations.
///
/// Poll → Wait → Wake: leaf futures register their source and their task's waker here
/// (**wait**); each [`turn`](Self::turn) collects the events the selector reports, marks
/// the matching registrations ready and **wakes** their tasks, which the executor then
/// **polls** again.
///
/// Someone has to turn the reactor. Either
/// - nobody in particular: [`Handle::global`] starts one reactor on its own thread on first
///   use, which every I/O type uses by default; or
/// - an executor, while it is idle: [`park`](Self::park) turns this reactor into a
///   [`Park`](wakewire_core::Park), e.g. `LocalExecutor::with_park(reactor.park())`; or
/// - your own loop calling [`turn`](Self::turn).
///
/// Sources register through a [`Handle`]; any number of reactors can coexist.
///
/// # Dropping the reactor
///
/// Every registration is closed: each pending leaf future is woken and resolves with a
/// [`ReactorShutdown`](crate::ReactorShutdown) error, later operations fail the same way,
/// and new registrations on its handles are refused.
///
/// ```
/// use wakewire_reactor_mio::Reactor;
///
/// let mut reactor = Reactor::new()?;
/// let handle = reactor.handle();
/// assert_eq!(handle.metrics().registrations, 0);
/// reactor.turn(Some(std::time::Duration::ZERO))?; // nothing registered: returns at once
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct Reactor {
    shared: Arc<Shared>,
    selector: Box<dyn Selector>,
    events: Vec<Event>,
    wakers: Vec<Waker>,
}

/// Test-visible counters of a reactor; see [`Handle::metrics`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ReactorMetrics {
    /// Live registrations (sources not yet dropped or deregistered).
    pub registrations: usize,
    /// Completed turns (selector calls that returned events or timed out).
    pub turns: u64,
    /// Events delivered to a live registration.
    pub events: u64,
    /// Events dropped because their token's registration is gone (or was replaced by a
    /// newer one at the same slab index): the fd-reuse defence at work.
    pub stale_events: u64,
    /// Selector calls that returned `Interrupted` (retried on the next turn).
    pub interrupted: u64,
    /// Wakers woken.
    pub wakes: u64,
    /// Wakers that panicked when woken (the reactor carried on).
    pub waker_panics: u64,
}

thread_local! {
    /// The address of the reactor whose turn is running wakers on this thread (0: none).
    static WAKING: Cell<usize> = const { Cell::new(0) };
}

/// What handles, registrations and parks share with the reactor.
pub(crate) struct Shared {
    pub(crate) registry: Registry,
    waker: mio::Waker,
    registrations: Mutex<Registrations>,
    turns: AtomicU64,
    events: AtomicU64,
    stale_events: AtomicU64,
    interrupted: AtomicU64,
    wakes: AtomicU64,
    waker_panics: AtomicU64,
}

impl Shared {
    pub(crate) fn registrations(&self) -> MutexGuard<'_, Registrations> {
        // Nothing panics while this lock is held (wakers run after it is released).
        self.registrations
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Makes a blocked [`Reactor::turn`] return.
    pub(crate) fn unpark(&self) {
        // A waker run by this reactor's own turn (an executor parked in it, woken by the
        // events it dispatches) needs no eventfd write: the turn returns right after.
        if WAKING.get() == self as *const Shared as usize {
            return;
        }
        // Fails only if the eventfd counter is saturated, which means a wakeup is already
        // pending: nothing is lost by ignoring it.
        let _ = self.waker.wake();
    }

    pub(crate) fn metrics(&self) -> ReactorMetrics {
        ReactorMetrics {
            registrations: self.registrations().len(),
            turns: self.turns.load(Ordering::Relaxed),
            events: self.events.load(Ordering::Relaxed),
            stale_events: self.stale_events.load(Ordering::Relaxed),
            interrupted: self.interrupted.load(Ordering::Relaxed),
            wakes: self.wakes.load(Ordering::Relaxed),
            waker_panics: self.waker_panics.load(Ordering::Relaxed),
        }
    }

    /// Marks every registration ready for its events and collects the wakers to wake.
    fn dispatch(&self, events: &[Event], wakers: &mut Vec<Waker>) -> usize {
        let (mut delivered, mut stale) = (0, 0);
        {
            let registrations = self.registrations();
            for event in events.iter().filter(|event| event.token != WAKE_TOKEN) {
                match registrations.lookup(event.token) {
                    Some(io) => {
                        io.set_readiness(event.readiness);
                        io.take_wakers(event.readiness, wakers);
                        delivered += 1;
                    }
                    None => stale += 1,
                }
            }
        }
        self.events.fetch_add(delivered as u64, Ordering::Relaxed);
        if stale > 0 {
            self.stale_events.fetch_add(stale, Ordering::Relaxed);
        }
        delivered
    }
}

impl Reactor {
    /// Creates a reactor over a new epoll instance.
    ///
    /// # Errors
    ///
    /// The system refused an epoll or eventfd descriptor (for example `EMFILE`).
    pub fn new() -> io::Result<Reactor> {
        Reactor::with_selector(MioSelector::new()?)
    }

    /// Creates a reactor over any [`Selector`] (a fake one in fault-injection tests).
    ///
    /// # Errors
    ///
    /// Cloning the selector's registry or creating the reactor's wake eventfd failed.
    pub fn with_selector<S: Selector>(selector: S) -> io::Result<Reactor> {
        let shared = Shared {
            registry: selector.registry().try_clone()?,
            waker: mio::Waker::new(selector.registry(), WAKE_TOKEN)?,
            registrations: Mutex::default(),
            turns: AtomicU64::new(0),
            events: AtomicU64::new(0),
            stale_events: AtomicU64::new(0),
            interrupted: AtomicU64::new(0),
            wakes: AtomicU64::new(0),
            waker_panics: AtomicU64::new(0),
        };
        Ok(Reactor {
            shared: Arc::new(shared),
            selector: Box::new(selector),
            events: Vec::with_capacity(1024),
            wakers: Vec::with_capacity(1024),
        })
    }

    /// A handle for registering sources with this reactor (cheap to clone, `Send + Sync`).
    pub fn handle(&self) -> Handle {
        Handle::from_shared(Arc::clone(&self.shared))
    }

    /// Turns this reactor into a [`Park`](wakewire_core::Park) for an executor to drive.
    pub fn park(self) -> ReactorPark {
        ReactorPark::new(self)
    }

    /// Waits for events (at most `timeout`; `None` waits until one arrives or the reactor
    /// is unparked), then marks their registrations ready and wakes the waiting tasks.
    /// Returns how many events reached a live registration.
    ///
    /// An `Interrupted` selector call (a signal) counts as an empty turn. A waker that
    /// panics is caught and counted in [`ReactorMetrics::waker_panics`]; the other wakers
    /// of the turn still run.
    ///
    /// # Errors
    ///
    /// Any other error of the selector; the reactor stays usable.
    pub fn turn(&mut self, timeout: Option<Duration>) -> io::Result<usize> {
        self.events.clear();
        if let Err(err) = self.selector.select(&mut self.events, timeout) {
            if err.kind() == io::ErrorKind::Interrupted {
                self.shared.interrupted.fetch_add(1, Ordering::Relaxed);
                return Ok(0);
            }
            return Err(err);
        }
        self.shared.turns.fetch_add(1, Ordering::Relaxed);
        let delivered = self.shared.dispatch(&self.events, &mut self.wakers);
        let woken = self.wakers.len() as u64;
        let mut panics = 0;
        let previous = WAKING.replace(Arc::as_ptr(&self.shared) as usize);
        for waker in self.wakers.drain(..) {
            if catch_unwind(AssertUnwindSafe(|| waker.wake())).is_err() {
                panics += 1;
            }
        }
        WAKING.set(previous);
        self.shared.wakes.fetch_add(woken, Ordering::Relaxed);
        if panics > 0 {
            self.shared
                .waker_panics
                .fetch_add(panics, Ordering::Relaxed);
        }
        Ok(delivered)
    }
}

impl Drop for Reactor {
    fn drop(&mut self) {
        let closed = {
            let mut registrations = self.shared.registrations();
            registrations.closed = true;
            registrations.drain()
        };
        // Outside the lock: shutting a registration down wakes its tasks.
        for io in closed {
            let _ = catch_unwind(AssertUnwindSafe(|| io.shutdown()));
        }
    }
}

impl fmt::Debug for Reactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reactor")
            .field("metrics", &self.shared.metrics())
            .finish_non_exhaustive()
    }
}
