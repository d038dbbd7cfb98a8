//! [`Async`]: any `mio::event::Source` (or raw fd, through [`FdSource`](crate::FdSource)) as
//! leaf futures. Its I/O trait impls are in `source_io`.

use std::fmt;
use std::future::poll_fn;
use std::io;
use std::task::{Context, Poll};

use mio::event::Source;
use mio::Interest;

use crate::handle::Handle;
use crate::readiness::Direction;
use crate::registration::Registration;
use crate::scheduled_io::ReadyEvent;

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
/// use futures_executor::block_on;
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
/// Each direction (read, write) keeps the waker of its latest poll; the reactor wakes it
/// on the next event of that direction, or with an error when the reactor is dropped.
///
/// # Dropping
///
/// Deregisters the source from the reactor, then drops (closes) it.
pub struct Async<T: Source> {
    registration: Registration,
    io: Option<T>,
}

impl<T: Source> Async<T> {
    /// Registers `io` for reading and writing with the [global](Handle::global) reactor.
    ///
    /// # Errors
    ///
    /// As [`Handle::register`]; also if the global reactor could not be started.
    pub fn new(io: T) -> io::Result<Async<T>> {
        Async::with_handle(io, &Handle::global()?)
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
    /// # Errors
    ///
    /// As [`Registration::poll_ready`].
    pub async fn readable(&self) -> io::Result<ReadyEvent> {
        poll_fn(|cx| self.poll_ready(cx, Direction::Read)).await
    }

    /// Waits until the source is writable.
    ///
    /// # Errors
    ///
    /// As [`Registration::poll_ready`].
    pub async fn writable(&self) -> io::Result<ReadyEvent> {
        poll_fn(|cx| self.poll_ready(cx, Direction::Write)).await
    }

    /// Runs the read-side operation `op` until it does not return `WouldBlock`.
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
    /// # Errors
    ///
    /// As [`poll_read_with`](Self::poll_read_with).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe if `op` is: nothing happens between its calls.
    pub async fn read_with<R>(&self, mut op: impl FnMut(&T) -> io::Result<R>) -> io::Result<R> {
        poll_fn(|cx| self.poll_read_with(cx, &mut op)).await
    }

    /// Waits for write readiness and runs `op` until it does not return `WouldBlock`.
    ///
    /// # Errors
    ///
    /// As [`poll_read_with`](Self::poll_read_with).
    pub async fn write_with<R>(&self, mut op: impl FnMut(&T) -> io::Result<R>) -> io::Result<R> {
        poll_fn(|cx| self.poll_write_with(cx, &mut op)).await
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
