//! [`Registration`]: one source's entry in a reactor, and the readiness loop of every leaf.

use std::fmt;
use std::future::poll_fn;
use std::io;
use std::sync::Arc;
use std::task::{Context, Poll};

use mio::event::Source;
use mio::{Interest, Token};
use wakewire_core::coop;

use crate::error::{not_registered, shutdown_error};
use crate::handle::Handle;
use crate::io_state::{IoState, ReadyEvent, Waiter};
use crate::readiness::{Direction, Readiness};

impl Handle {
    /// Registers `source` for `interest`; its events reach the returned [`Registration`].
    ///
    /// Most code never calls this: the I/O types and [`Async`](crate::Async) do.
    ///
    /// # Errors
    ///
    /// - `AlreadyExists` if the same file descriptor is already registered with this
    ///   reactor (the first registration keeps working);
    /// - [`ReactorShutdown`](crate::ReactorShutdown) if the reactor was dropped;
    /// - any other error of `epoll_ctl`.
    pub fn register<S: Source + ?Sized>(
        &self,
        source: &mut S,
        interest: Interest,
    ) -> io::Result<Registration> {
        Registration::new(self.clone(), source, interest)
    }
}

/// A source registered with a reactor: its token, readiness and waiters.
///
/// Dropping a `Registration` removes it from the reactor's table (events still queued for
/// its token are dropped as stale). The source itself must be deregistered with
/// [`deregister`](Self::deregister) before it is closed; the I/O types of this crate do
/// both when dropped.
///
/// # Wakeups
///
/// Each direction (read, write) has two kinds of waiters, both woken by the next event
/// of that direction, by [`deregister`](Self::deregister) and by the reactor's drop:
/// - one **poll waker**, stored by [`poll_ready`](Self::poll_ready) and
///   [`poll_io`](Self::poll_io): the latest call's waker replaces the previous one, so
///   only one task at a time may wait through them;
/// - any number of **waiting futures** ([`ready`](Self::ready) and the async methods of
///   the I/O types), each with its own entry, in arrival order.
pub struct Registration {
    handle: Handle,
    io: Arc<IoState>,
    token: Token,
    registered: bool,
}

impl Registration {
    fn new<S: Source + ?Sized>(
        handle: Handle,
        source: &mut S,
        interest: Interest,
    ) -> io::Result<Registration> {
        let io = Arc::new(IoState::new());
        let state = handle.state();
        let token = {
            let mut tokens = state.tokens();
            if tokens.closed {
                return Err(shutdown_error());
            }
            // In the table before epoll knows the token, so its first event finds it.
            match tokens.insert(Arc::clone(&io)) {
                Some((_, token)) => token,
                None => return Err(io::Error::other("too many registrations in one reactor")),
            }
        };
        if let Err(err) = state.registry.register(source, token, interest) {
            state.tokens().remove(token);
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
    pub fn readiness(&self) -> Readiness {
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
    /// Stores the waker of the latest call in the direction's one poll slot, replacing
    /// the previous caller's: for one waiting task per direction. Tasks that share a
    /// direction use [`ready`](Self::ready) instead.
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

    /// Waits until `direction` is ready.
    ///
    /// # Wakeups
    ///
    /// The future has its own place in the direction's queue, woken by the next event
    /// with every other waiter: any number of tasks can wait at once. Dropping it leaves
    /// the queue.
    ///
    /// # Errors
    ///
    /// As [`poll_ready`](Self::poll_ready).
    pub async fn ready(&self, direction: Direction) -> io::Result<ReadyEvent> {
        let mut waiter = Waiter::new(&self.io, direction);
        poll_fn(|cx| waiter.poll_ready(cx)).await
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
    /// As [`poll_ready`](Self::poll_ready): one poll waker per direction. Under a Wakewire
    /// executor's [cooperative budget](wakewire_core::coop), once the task's budget is
    /// spent it returns `Pending` without running `op` (the readiness is kept) and wakes
    /// the task at once; every I/O leaf of this crate goes through here.
    ///
    /// # Errors
    ///
    /// The error of `op`, or of [`poll_ready`](Self::poll_ready).
    pub fn poll_io<R>(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
        op: impl FnMut() -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        coop::budgeted(cx, |cx| {
            self.run(|| self.io.poll_ready(cx, direction), op, |_| false)
        })
    }

    /// [`poll_io`](Self::poll_io) for a future that may share the direction with others:
    /// it waits through `waiter`, its own place in the direction's queue.
    pub(crate) fn poll_io_queued<R>(
        &self,
        cx: &mut Context<'_>,
        waiter: &mut Waiter<'_>,
        op: impl FnMut() -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        coop::budgeted(cx, |cx| self.run(|| waiter.poll_ready(cx), op, |_| false))
    }

    /// A place in the queue of `direction`, for [`poll_io_queued`](Self::poll_io_queued).
    pub(crate) fn waiter(&self, direction: Direction) -> Waiter<'_> {
        Waiter::new(&self.io, direction)
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
        op: impl FnMut() -> io::Result<usize>,
    ) -> Poll<io::Result<usize>> {
        coop::budgeted(cx, |cx| {
            self.run(
                || self.io.poll_ready(cx, direction),
                op,
                |&n| n > 0 && n < len,
            )
        })
    }

    /// The readiness loop: wait with `ready`, run `op`; on `WouldBlock` clear and wait
    /// again, on `Interrupted` retry; a result that `is_short` also clears the edges.
    fn run<R>(
        &self,
        mut ready: impl FnMut() -> Poll<io::Result<ReadyEvent>>,
        mut op: impl FnMut() -> io::Result<R>,
        is_short: impl Fn(&R) -> bool,
    ) -> Poll<io::Result<R>> {
        loop {
            let event = match ready() {
                Poll::Ready(Ok(event)) => event,
                Poll::Ready(Err(err)) => return Poll::Ready(Err(err)),
                Poll::Pending => return Poll::Pending,
            };
            match op() {
                Ok(value) => {
                    if is_short(&value) {
                        self.io.clear_edges(event);
                    }
                    return Poll::Ready(Ok(value));
                }
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                    self.io.clear_readiness(event);
                }
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => return Poll::Ready(Err(err)),
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
            .state()
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
        self.handle.state().registry.deregister(source)?;
        self.remove();
        let mut wakers = Vec::new();
        self.io.deregistered(&mut wakers);
        self.handle.state().wake(&mut wakers);
        Ok(())
    }

    fn remove(&mut self) {
        if std::mem::take(&mut self.registered) {
            let removed = self.handle.state().tokens().remove(self.token);
            drop(removed); // after unlocking
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
