//! [`Selector`]: the seam between the reactor and the operating system's event queue.
//!
//! The reactor never calls `mio::Poll` directly. It asks a `Selector` for events, so a test
//! can put a fake one underneath that injects `EINTR`, spurious or duplicate events, or
//! events for tokens that were deregistered, and check that the reactor survives them.

use std::fmt;
use std::io;
use std::time::Duration;

use mio::{Events, Poll, Registry, Token};

use crate::readiness::Readiness;

/// One readiness event: which registration it is for, and what it is ready for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    /// The token the source was registered with (see
    /// [`Registration::token`](crate::Registration::token)).
    pub token: Token,
    /// What the source is ready for.
    pub readiness: Readiness,
}

/// A source of readiness events, usually a [`MioSelector`].
///
/// Implementations must register sources through [`registry`](Selector::registry) (the
/// reactor adds and removes its sources there) and report their events from
/// [`select`](Selector::select).
pub trait Selector: Send + 'static {
    /// The registry sources are added to; events for them come out of `select`.
    fn registry(&self) -> &Registry;

    /// Waits until at least one event is available or `timeout` elapses (`None`: no
    /// limit), and appends the events to `events`. Returning with no event is allowed.
    ///
    /// # Errors
    ///
    /// The error of the underlying wait. `Interrupted` is treated by the reactor as an
    /// empty turn; any other error is returned from [`Reactor::turn`](crate::Reactor::turn).
    fn select(&mut self, events: &mut Vec<Event>, timeout: Option<Duration>) -> io::Result<()>;
}

/// The real [`Selector`]: a `mio::Poll` (epoll on Linux) and its event buffer.
pub struct MioSelector {
    poll: Poll,
    events: Events,
}

impl MioSelector {
    /// Opens a new event queue.
    ///
    /// # Errors
    ///
    /// The system could not create one (for example, no file descriptor left: `EMFILE`).
    pub fn new() -> io::Result<Self> {
        Ok(MioSelector {
            poll: Poll::new()?,
            events: Events::with_capacity(1024),
        })
    }
}

impl fmt::Debug for MioSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MioSelector").finish_non_exhaustive()
    }
}

impl Selector for MioSelector {
    fn registry(&self) -> &Registry {
        self.poll.registry()
    }

    fn select(&mut self, events: &mut Vec<Event>, timeout: Option<Duration>) -> io::Result<()> {
        self.poll.poll(&mut self.events, timeout)?;
        events.extend(self.events.iter().map(|event| Event {
            token: event.token(),
            readiness: Readiness::from_mio(event),
        }));
        Ok(())
    }
}
