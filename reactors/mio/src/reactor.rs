//! [`Reactor`]: owns the selector and turns its events into wakeups.

use std::fmt;
use std::io;
use std::sync::Arc;
use std::task::Waker;
use std::time::Duration;

use crate::handle::Handle;
use crate::metrics::Counters;
use crate::reactor_state::ReactorState;
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
///   use, which the I/O types use when no other reactor is [current](Handle::current); or
/// - an executor, while it is idle: [`park`](Self::park) turns this reactor into a
///   [`Park`](wakewire_core::Park) (for an executor built over a park, or
///   `wakewire_core::block_on::Blocker::with_park`), which also makes it the current
///   reactor of the threads parking in it; or
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
    state: Arc<ReactorState>,
    selector: Box<dyn Selector>,
    events: Vec<Event>,
    wakers: Vec<Waker>,
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
        Ok(Reactor {
            state: Arc::new(ReactorState::new(selector.registry())?),
            selector: Box::new(selector),
            events: Vec::with_capacity(1024),
            wakers: Vec::with_capacity(1024),
        })
    }

    /// A handle for registering sources with this reactor (cheap to clone, `Send + Sync`).
    pub fn handle(&self) -> Handle {
        Handle::from_state(Arc::clone(&self.state))
    }

    /// Waits for events (at most `timeout`; `None` waits until one arrives or the reactor
    /// is unparked), then marks their registrations ready and wakes the waiting tasks.
    /// Returns how many events reached a live registration.
    ///
    /// An `Interrupted` selector call (a signal) counts as an empty turn. A waker that
    /// panics is caught, dropped and counted in
    /// [`ReactorMetrics::waker_panics`](crate::ReactorMetrics::waker_panics); the other
    /// wakers of the turn still run.
    ///
    /// # Errors
    ///
    /// Any other error of the selector; the reactor stays usable.
    pub fn turn(&mut self, timeout: Option<Duration>) -> io::Result<usize> {
        self.events.clear();
        if let Err(err) = self.selector.select(&mut self.events, timeout) {
            if err.kind() == io::ErrorKind::Interrupted {
                Counters::add(&self.state.counters.interrupted, 1);
                return Ok(0);
            }
            return Err(err);
        }
        Counters::add(&self.state.counters.turns, 1);
        let delivered = self.state.dispatch(&self.events, &mut self.wakers);
        self.state.wake_in_turn(&mut self.wakers);
        Ok(delivered)
    }
}

impl Drop for Reactor {
    fn drop(&mut self) {
        let closed = {
            let mut tokens = self.state.tokens();
            tokens.closed = true;
            tokens.drain()
        };
        // Outside the table's lock: every waiter wakes and sees `ReactorShutdown`.
        let mut wakers = Vec::new();
        for io in &closed {
            io.shutdown(&mut wakers);
        }
        self.state.wake(&mut wakers);
    }
}

impl fmt::Debug for Reactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reactor")
            .field("metrics", &self.state.metrics())
            .finish_non_exhaustive()
    }
}
