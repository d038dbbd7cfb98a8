//! [`Registration`]: one source's entry in a reactor, and the readiness loop of every leaf.

use std::fmt;
use std::io;
use std::sync::Arc;
use std::task::{Context, Poll};

use mio::event::Source;
use mio::{Interest, Token};

use crate::error::{not_registered, shutdown_error};
use crate::handle::Handle;
use crate::readiness::Direction;
use crate::scheduled_io::{ReadyEvent, ScheduledIo};

/// A source registered with a reactor: its token, readiness and per-direction wakers.
///
/// Dropping a `Registration` removes it from the reactor's table (events still queued for
/// its token are dropped as stale). The source itself must be deregistered with
/// [`deregister`](Self::deregister) before it is closed; the I/O types of this crate do
/// both when dropped.
pub struct Registration {
    handle: Handle,
    io: Arc<ScheduledIo>,
    token: Token,
    registered: bool,
}

impl Registration {
    pub(crate) fn new<S: Source + ?Sized>(
        handle: Handle,
        source: &mut S,
        interest: Interest,
    ) -> io::Result<Registration> {
        let io = Arc::new(ScheduledIo::new());
        let shared = handle.shared();
        let token = {
            let mut registrations = shared.registrations();
            if registrations.closed {
                return Err(shutdown_error());
            }
            // In the table before epoll knows the token, so its first event finds it.
            match registrations.insert(Arc::clone(&io)) {
                Some((_, token)) => token,
                None => return Err(io::Error::other("too many registrations in one reactor")),
            }
        };
        if let Err(err) = shared.registry.register(source, token, interest) {
            shared.registrations().remove(token);
            return Err(err);
        }
        Ok(Registration {
            handle,
            io,
            token,
            registered: true,
        })
    }

    /// The token this registration's events carry.
    pub fn token(&self) -> Token {
        self.token
    }

    /// The readiness flags currently set (for tests and diagnostics).
    pub fn readiness(&self) -> crate::Readiness {
        self.io.readiness()
    }

    /// The reactor this registration belongs to.
    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    /// Readiness of `direction`, or `Pending` with the context's waker stored.
    ///
    /// # Wakeups
    ///
    /// The waker of the latest call (per direction) is stored and woken by the next event
    /// for that direction, or when the reactor shuts down or the source is deregistered.
    ///
    /// # Errors
    ///
    /// [`ReactorShutdown`](crate::ReactorShutdown) after the reactor was dropped;
    /// `NotFound` after [`deregister`](Self::deregister).
    pub fn poll_ready(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
    ) -> Poll<io::Result<ReadyEvent>> {
        self.io.poll_ready(cx, direction)
    }

    /// Forgets the readiness in `event` after an operation returned `WouldBlock` (unless a
    /// newer event arrived meanwhile): the next [`poll_ready`](Self::poll_ready) of that
    /// direction returns `Pending` until a new event.
    ///
    /// Every flag of `event` is cleared, the closed ones included: a direction that is
    /// really closed never blocks, so `WouldBlock` means the error event that set them has
    /// been consumed. Call it only after `WouldBlock`, or EOF may be forgotten.
    pub fn clear_readiness(&self, event: ReadyEvent) {
        self.io.clear_readiness(event);
    }

    /// Runs `op` whenever `direction` is ready, until it stops returning `WouldBlock`.
    ///
    /// `WouldBlock` clears the readiness it was run on (closed flags included, see
    /// [`clear_readiness`](Self::clear_readiness)) and waits for the next event, so an
    /// error event yields its error once and then `Pending`, never a busy loop;
    /// `Interrupted` is retried at once; anything else is returned.
    ///
    /// # Wakeups
    ///
    /// As [`poll_ready`](Self::poll_ready).
    ///
    /// # Errors
    ///
    /// The error of `op`, or of [`poll_ready`](Self::poll_ready).
    pub fn poll_io<R>(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
        mut op: impl FnMut() -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        loop {
            let event = match self.io.poll_ready(cx, direction) {
                Poll::Ready(Ok(event)) => event,
                Poll::Ready(Err(err)) => return Poll::Ready(Err(err)),
                Poll::Pending => return Poll::Pending,
            };
            match op() {
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                    self.io.clear_readiness(event);
                }
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                result => return Poll::Ready(result),
            }
        }
    }

    /// [`poll_io`](Self::poll_io) for byte-stream sockets, whose reads and writes are
    /// partial only when the kernel buffer ran dry (or full): a transfer of fewer than
    /// `len` bytes also clears the edge readiness, saving the system call that would only
    /// return `WouldBlock` (closed flags stay: EOF may come next). The tick keeps that
    /// clear from erasing a newer event.
    pub(crate) fn poll_stream_io(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
        len: usize,
        mut op: impl FnMut() -> io::Result<usize>,
    ) -> Poll<io::Result<usize>> {
        loop {
            let event = match self.io.poll_ready(cx, direction) {
                Poll::Ready(Ok(event)) => event,
                Poll::Ready(Err(err)) => return Poll::Ready(Err(err)),
                Poll::Pending => return Poll::Pending,
            };
            match op() {
                Ok(n) if n > 0 && n < len => {
                    self.io.clear_edges(event);
                    return Poll::Ready(Ok(n));
                }
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                    self.io.clear_readiness(event);
                }
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                result => return Poll::Ready(result),
            }
        }
    }

    /// Changes the interest of `source`, which must be the registered source.
    ///
    /// # Errors
    ///
    /// `NotFound` if this registration was deregistered, or if `source` is not registered
    /// with the reactor (epoll's `ENOENT`).
    pub fn reregister<S: Source + ?Sized>(
        &mut self,
        source: &mut S,
        interest: Interest,
    ) -> io::Result<()> {
        if !self.registered {
            return Err(not_registered("reregister"));
        }
        self.handle
            .shared()
            .registry
            .reregister(source, self.token, interest)
    }

    /// Removes `source` from the reactor. Waiting futures wake with a `NotFound` error.
    ///
    /// # Errors
    ///
    /// `NotFound` if this registration was already deregistered, or if `source` is not
    /// registered with the reactor (then nothing changes).
    pub fn deregister<S: Source + ?Sized>(&mut self, source: &mut S) -> io::Result<()> {
        if !self.registered {
            return Err(not_registered("deregister"));
        }
        self.handle.shared().registry.deregister(source)?;
        self.remove();
        self.io.deregistered();
        Ok(())
    }

    fn remove(&mut self) {
        if std::mem::take(&mut self.registered) {
            self.handle.shared().registrations().remove(self.token);
        }
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.remove();
    }
}

impl fmt::Debug for Registration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registration")
            .field("token", &self.token)
            .field("registered", &self.registered)
            .field("readiness", &self.io.readiness())
            .finish()
    }
}
