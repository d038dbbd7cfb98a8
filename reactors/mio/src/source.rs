//! [`Async`]: any `mio::event::Source` (or raw fd, through [`FdSource`](crate::FdSource)) as
//! leaf futures. Its I/O trait impls are in `source_io`.

use std::fmt;
use std::future::poll_fn;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::task::{Context, Poll};

use mio::event::Source;
use mio::Interest;

use crate::handle::Handle;
use crate::io_state::{ReadyEvent, Waiter};
use crate::readiness::Direction;
use crate::registration::Registration;

/// A non-blocking source registered with a reactor: the generic leaf behind every I/O type
/// of this crate, and the way to use any other `mio::event::Source` or raw fd
/// (like tokio's `AsyncFd`).
///
/// The source must already be in non-blocking mode. `Async<T>` implements `AsyncRead` /
/// `AsyncWrite` when `T` (or `&T`) implements `Read` / `Write`.
///
/// ```
/// use std::io::{Read, Write};
/// use std::os::unix::net::UnixStream;
/// use wakewire_core::block_on;
/// use wakewire_reactor_mio::{Async, FdSource};
///
/// let (a, mut b) = UnixStream::pair()?;
/// a.set_nonblocking(true)?;
/// let a = Async::new(FdSource::new(a))?;
/// b.write_all(b"hi")?;
/// let mut buf = [0; 2];
/// let n = block_on(a.read_with(|fd| fd.get_ref().read(&mut buf)))?; // waits for READABLE
/// assert_eq!(&buf[..n], b"hi");
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// # Wakeups
///
/// The futures ([`readable`](Self::readable), [`read_with`](Self::read_with), ...) each
/// wait in their own place of the direction's queue: any number of tasks can wait on one
/// source, and the next event of the direction wakes all of them. The `poll_*` functions
/// and the `futures-io` impls keep one waker per direction, the latest caller's. All are
/// woken with an error when the reactor is dropped.
///
/// # Dropping
///
/// Deregisters the source from the reactor, then drops (closes) it.
pub struct Async<T: Source> {
    registration: Registration,
    io: Option<T>,
}

impl<T: Source> Async<T> {
    /// Registers `io` for reading and writing with the [current](Handle::current) reactor.
    ///
    /// # Errors
    ///
    /// As [`Handle::register`]; also if there is no current reactor and the global one
    /// could not be started.
    pub fn new(io: T) -> io::Result<Async<T>> {
        Async::with_handle(io, &Handle::current()?)
    }

    /// Registers `io` for reading and writing with the reactor of `handle`.
    ///
    /// # Errors
    ///
    /// As [`Handle::register`].
    pub fn with_handle(io: T, handle: &Handle) -> io::Result<Async<T>> {
        Async::with_interest(io, handle, Interest::READABLE | Interest::WRITABLE)
    }

    /// Registers `io` for `interest` with the reactor of `handle`.
    ///
    /// # Errors
    ///
    /// As [`Handle::register`]: registering a file descriptor twice gives `AlreadyExists`.
    pub fn with_interest(mut io: T, handle: &Handle, interest: Interest) -> io::Result<Async<T>> {
        let registration = handle.register(&mut io, interest)?;
        Ok(Async {
            registration,
            io: Some(io),
        })
    }

    /// The source.
    pub fn get_ref(&self) -> &T {
        self.io.as_ref().expect("source is present until drop")
    }

    /// The source, mutably.
    pub fn get_mut(&mut self) -> &mut T {
        self.io.as_mut().expect("source is present until drop")
    }

    /// The registration (token, readiness).
    pub fn registration(&self) -> &Registration {
        &self.registration
    }

    /// Deregisters the source and returns it. A deregistration error is ignored: closing
    /// the descriptor removes it from epoll anyway.
    pub fn into_inner(mut self) -> T {
        let mut io = self.io.take().expect("source is present until drop");
        let _ = self.registration.deregister(&mut io);
        io
    }

    /// Readiness for `direction`; `Pending` with the waker stored otherwise.
    ///
    /// Pass the event to [`Registration::clear_readiness`] when the operation you then
    /// tried returned `WouldBlock`, or use [`poll_read_with`](Self::poll_read_with).
    ///
    /// # Wakeups
    ///
    /// One waker per direction: the latest call's replaces the previous caller's (see
    /// [`Registration::poll_ready`]).
    ///
    /// # Errors
    ///
    /// As [`Registration::poll_ready`].
    pub fn poll_ready(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
    ) -> Poll<io::Result<ReadyEvent>> {
        self.registration.poll_ready(cx, direction)
    }

    /// Waits until the source is readable.
    ///
    /// # Wakeups
    ///
    /// Waits in its own place of the read queue (see [`Registration::ready`]): any number
    /// of tasks may wait at once.
    ///
    /// # Errors
    ///
    /// As [`Registration::poll_ready`].
    pub async fn readable(&self) -> io::Result<ReadyEvent> {
        self.registration.ready(Direction::Read).await
    }

    /// Waits until the source is writable.
    ///
    /// # Wakeups
    ///
    /// As [`readable`](Self::readable), in the write queue.
    ///
    /// # Errors
    ///
    /// As [`Registration::poll_ready`].
    pub async fn writable(&self) -> io::Result<ReadyEvent> {
        self.registration.ready(Direction::Write).await
    }

    /// Runs the read-side operation `op` until it does not return `WouldBlock`.
    ///
    /// # Wakeups
    ///
    /// As [`poll_ready`](Self::poll_ready): one waker per direction. Tasks that share a
    /// direction use [`read_with`](Self::read_with).
    ///
    /// # Errors
    ///
    /// The error `op` returned (other than `WouldBlock`/`Interrupted`), or the
    /// registration's ([`ReactorShutdown`](crate::ReactorShutdown)).
    pub fn poll_read_with<R>(
        &self,
        cx: &mut Context<'_>,
        mut op: impl FnMut(&T) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        let io = self.get_ref();
        self.registration.poll_io(cx, Direction::Read, || op(io))
    }

    /// Runs the write-side operation `op` until it does not return `WouldBlock`.
    ///
    /// # Wakeups
    ///
    /// As [`poll_read_with`](Self::poll_read_with), in the write direction.
    ///
    /// # Errors
    ///
    /// As [`poll_read_with`](Self::poll_read_with).
    pub fn poll_write_with<R>(
        &self,
        cx: &mut Context<'_>,
        mut op: impl FnMut(&T) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        let io = self.get_ref();
        self.registration.poll_io(cx, Direction::Write, || op(io))
    }

    /// [`poll_read_with`](Self::poll_read_with) for operations that need `&mut T`.
    ///
    /// # Wakeups
    ///
    /// As [`poll_read_with`](Self::poll_read_with).
    ///
    /// # Errors
    ///
    /// As [`poll_read_with`](Self::poll_read_with).
    pub fn poll_read_with_mut<R>(
        &mut self,
        cx: &mut Context<'_>,
        mut op: impl FnMut(&mut T) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        let io = self.io.as_mut().expect("source is present until drop");
        self.registration.poll_io(cx, Direction::Read, || op(io))
    }

    /// [`poll_write_with`](Self::poll_write_with) for operations that need `&mut T`.
    ///
    /// # Wakeups
    ///
    /// As [`poll_write_with`](Self::poll_write_with).
    ///
    /// # Errors
    ///
    /// As [`poll_read_with`](Self::poll_read_with).
    pub fn poll_write_with_mut<R>(
        &mut self,
        cx: &mut Context<'_>,
        mut op: impl FnMut(&mut T) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        let io = self.io.as_mut().expect("source is present until drop");
        self.registration.poll_io(cx, Direction::Write, || op(io))
    }

    /// Waits for read readiness and runs `op` until it does not return `WouldBlock`.
    ///
    /// # Wakeups
    ///
    /// Waits in its own place of the read queue, as [`readable`](Self::readable): any
    /// number of tasks may run operations on one source at once.
    ///
    /// # Errors
    ///
    /// As [`poll_read_with`](Self::poll_read_with).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe if `op` is: nothing happens between its calls.
    pub async fn read_with<R>(&self, op: impl FnMut(&T) -> io::Result<R>) -> io::Result<R> {
        self.queued_io(Direction::Read, op).await
    }

    /// Waits for write readiness and runs `op` until it does not return `WouldBlock`.
    ///
    /// # Wakeups
    ///
    /// As [`read_with`](Self::read_with), in the write queue.
    ///
    /// # Errors
    ///
    /// As [`poll_read_with`](Self::poll_read_with).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe if `op` is.
    pub async fn write_with<R>(&self, op: impl FnMut(&T) -> io::Result<R>) -> io::Result<R> {
        self.queued_io(Direction::Write, op).await
    }

    async fn queued_io<R>(
        &self,
        direction: Direction,
        mut op: impl FnMut(&T) -> io::Result<R>,
    ) -> io::Result<R> {
        let mut waiter = self.waiter(direction);
        poll_fn(|cx| self.poll_queued(cx, &mut waiter, &mut op)).await
    }

    /// A place in the queue of `direction`, for [`poll_queued`](Self::poll_queued).
    pub(crate) fn waiter(&self, direction: Direction) -> Waiter<'_> {
        self.registration.waiter(direction)
    }

    /// Runs `op` whenever the direction of `waiter` is ready, until it does not return
    /// `WouldBlock`, waiting through `waiter`'s place in the queue.
    pub(crate) fn poll_queued<R>(
        &self,
        cx: &mut Context<'_>,
        waiter: &mut Waiter<'_>,
        mut op: impl FnMut(&T) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        let io = self.get_ref();
        self.registration.poll_io_queued(cx, waiter, || op(io))
    }
}

// The source is never pinned: `Async` only hands out `&T`/`&mut T` between polls.
impl<T: Source> Unpin for Async<T> {}

impl<T: Source> Drop for Async<T> {
    fn drop(&mut self) {
        if let Some(mut io) = self.io.take() {
            let _ = self.registration.deregister(&mut io);
        }
    }
}

impl<T: Source + fmt::Debug> fmt::Debug for Async<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Async")
            .field("io", &self.io)
            .field("registration", &self.registration)
            .finish()
    }
}

impl<T: Source + AsFd> AsFd for Async<T> {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.get_ref().as_fd()
    }
}

impl<T: Source + AsRawFd> AsRawFd for Async<T> {
    fn as_raw_fd(&self) -> RawFd {
        self.get_ref().as_raw_fd()
    }
}
