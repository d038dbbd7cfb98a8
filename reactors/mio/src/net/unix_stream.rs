//! [`UnixStream`] and [`UnixListener`]: stream sockets in the file system namespace.

use std::fmt;
use std::io;
use std::net::Shutdown;
use std::os::unix::net::SocketAddr;
use std::path::Path;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use crate::handle::Handle;
use crate::io_state::Waiter;
use crate::net::delegate::{delegate_as_fd, delegate_async_io};
use crate::readiness::Direction;
use crate::registration::Registration;
use crate::source::Async;

/// A connected Unix-domain stream socket; `AsyncRead`/`AsyncWrite` as
/// [`TcpStream`](crate::TcpStream), with the same errors and wakeups.
///
/// ```
/// use futures_util::io::{AsyncReadExt, AsyncWriteExt};
/// use wakewire_reactor_mio::UnixStream;
///
/// wakewire_core::block_on(async {
///     let (mut a, mut b) = UnixStream::pair()?;
///     a.write_all(b"hi").await?;
///     let mut buf = [0; 2];
///     b.read_exact(&mut buf).await?;
///     assert_eq!(&buf, b"hi");
///     Ok::<(), std::io::Error>(())
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct UnixStream {
    inner: Async<mio::net::UnixStream>,
}

impl UnixStream {
    /// Connects to the socket at `path` using the [current](Handle::current) reactor.
    ///
    /// # Errors
    ///
    /// No socket there (`NotFound`), refused, or registering failed.
    pub async fn connect<P: AsRef<Path>>(path: P) -> io::Result<UnixStream> {
        UnixStream::connect_with(path, &Handle::current()?).await
    }

    /// Connects to the socket at `path` using the reactor of `handle`.
    ///
    /// # Wakeups
    ///
    /// Waits for the connection in its own place of the new socket's write queue.
    ///
    /// # Errors
    ///
    /// As [`connect`](Self::connect).
    pub async fn connect_with<P: AsRef<Path>>(path: P, handle: &Handle) -> io::Result<UnixStream> {
        let stream = UnixStream::from_mio(mio::net::UnixStream::connect(path)?, handle)?;
        stream.inner.writable().await?;
        match stream.inner.get_ref().take_error()? {
            Some(err) => Err(err),
            None => Ok(stream),
        }
    }

    /// A connected pair of sockets on the [current](Handle::current) reactor.
    ///
    /// # Errors
    ///
    /// `socketpair` or registering failed.
    pub fn pair() -> io::Result<(UnixStream, UnixStream)> {
        UnixStream::pair_with(&Handle::current()?)
    }

    /// A connected pair of sockets on the reactor of `handle`.
    ///
    /// # Errors
    ///
    /// As [`pair`](Self::pair).
    pub fn pair_with(handle: &Handle) -> io::Result<(UnixStream, UnixStream)> {
        let (a, b) = mio::net::UnixStream::pair()?;
        Ok((
            UnixStream::from_mio(a, handle)?,
            UnixStream::from_mio(b, handle)?,
        ))
    }

    fn from_mio(stream: mio::net::UnixStream, handle: &Handle) -> io::Result<UnixStream> {
        Ok(UnixStream {
            inner: Async::with_handle(stream, handle)?,
        })
    }

    /// The local address.
    ///
    /// # Errors
    ///
    /// The system call's error.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.get_ref().local_addr()
    }

    /// The peer's address.
    ///
    /// # Errors
    ///
    /// The system call's error.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.inner.get_ref().peer_addr()
    }

    /// Shuts down the read, write or both directions.
    ///
    /// # Errors
    ///
    /// The system call's error.
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.inner.get_ref().shutdown(how)
    }

    /// The registration of this socket (token, readiness), for tests and diagnostics.
    pub fn registration(&self) -> &Registration {
        self.inner.registration()
    }
}

delegate_async_io!(UnixStream);
delegate_as_fd!(UnixStream, inner);

impl fmt::Debug for UnixStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("UnixStream")
            .field(self.inner.get_ref())
            .finish()
    }
}

/// A listening Unix-domain stream socket. Accept errors and wakeups behave as for
/// [`TcpListener`](crate::TcpListener): any number of tasks may [`accept`](Self::accept)
/// at once.
#[derive(Debug)]
pub struct UnixListener {
    inner: Async<mio::net::UnixListener>,
}

impl UnixListener {
    /// Binds to `path` (which must not exist) on the [current](Handle::current) reactor.
    ///
    /// # Errors
    ///
    /// The path exists or is not writable, or registering failed.
    pub fn bind<P: AsRef<Path>>(path: P) -> io::Result<UnixListener> {
        UnixListener::bind_with(path, &Handle::current()?)
    }

    /// Binds to `path` on the reactor of `handle`.
    ///
    /// # Errors
    ///
    /// As [`bind`](Self::bind).
    pub fn bind_with<P: AsRef<Path>>(path: P, handle: &Handle) -> io::Result<UnixListener> {
        Ok(UnixListener {
            inner: Async::with_handle(mio::net::UnixListener::bind(path)?, handle)?,
        })
    }

    /// The bound address.
    ///
    /// # Errors
    ///
    /// The system call's error.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.get_ref().local_addr()
    }

    /// Waits for a connection.
    ///
    /// # Wakeups
    ///
    /// Waits in its own place of the listener's queue, woken by the next incoming
    /// connection with every other waiting acceptor.
    ///
    /// # Errors
    ///
    /// As [`TcpListener::accept`](crate::TcpListener::accept), including `EMFILE`.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    pub async fn accept(&self) -> io::Result<(UnixStream, SocketAddr)> {
        let accepted = self.inner.read_with(|listener| listener.accept()).await;
        self.register(accepted)
    }

    /// The poll form of [`accept`](Self::accept).
    ///
    /// # Wakeups
    ///
    /// Stores the waker of the latest call, replacing the previous caller's: for one
    /// accepting task.
    ///
    /// # Errors
    ///
    /// As [`accept`](Self::accept).
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(UnixStream, SocketAddr)>> {
        self.inner
            .poll_read_with(cx, |listener| listener.accept())
            .map(|accepted| self.register(accepted))
    }

    /// The incoming connections as a `futures_core::Stream` that never ends (errors are
    /// items, as for [`accept`](Self::accept)).
    ///
    /// ```
    /// use futures_util::StreamExt;
    /// use wakewire_reactor_mio::{UnixListener, UnixStream};
    ///
    /// let dir = std::env::temp_dir().join(format!("wakewire-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// let path = dir.join("incoming.sock");
    /// let _ = std::fs::remove_file(&path);
    /// wakewire_core::block_on(async {
    ///     let listener = UnixListener::bind(&path)?;
    ///     let _client = UnixStream::connect(&path).await?;
    ///     let accepted = listener.incoming().next().await.unwrap()?;
    ///     assert!(accepted.peer_addr()?.is_unnamed());
    ///     Ok::<(), std::io::Error>(())
    /// })?;
    /// std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    ///
    /// # Wakeups
    ///
    /// See [`UnixIncoming`].
    pub fn incoming(&self) -> UnixIncoming<'_> {
        UnixIncoming {
            listener: self,
            waiter: self.inner.waiter(Direction::Read),
        }
    }

    /// Registers an accepted stream with this listener's reactor.
    fn register(
        &self,
        accepted: io::Result<(mio::net::UnixStream, SocketAddr)>,
    ) -> io::Result<(UnixStream, SocketAddr)> {
        let (stream, addr) = accepted?;
        let stream = UnixStream::from_mio(stream, self.inner.registration().handle())?;
        Ok((stream, addr))
    }
}

delegate_as_fd!(UnixListener, inner);

/// The stream of [`UnixListener::incoming`]: accepted connections, errors as items.
///
/// # Wakeups
///
/// As [`UnixListener::accept`]: one place in the listener's queue, kept across items, so
/// any number of tasks may accept at once. Dropping the stream leaves the queue.
///
/// # Cancel safety
///
/// Cancel safe: a connection is only taken from the backlog in the poll that returns it.
#[must_use = "streams do nothing unless you poll them"]
#[derive(Debug)]
pub struct UnixIncoming<'a> {
    listener: &'a UnixListener,
    waiter: Waiter<'a>,
}

impl Stream for UnixIncoming<'_> {
    type Item = io::Result<UnixStream>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let listener = this.listener;
        listener
            .inner
            .poll_queued(cx, &mut this.waiter, |listener| listener.accept())
            .map(|accepted| Some(listener.register(accepted).map(|(stream, _)| stream)))
    }
}
