//! [`UnixStream`] and [`UnixListener`]: stream sockets in the file system namespace.

use std::fmt;
use std::future::poll_fn;
use std::io;
use std::net::Shutdown;
use std::path::Path;
use std::task::{Context, Poll};

use std::os::unix::net::SocketAddr;

use crate::handle::Handle;
use crate::net::delegate_async_io;
use crate::readiness::Direction;
use crate::source::Async;

/// A connected Unix-domain stream socket; `AsyncRead`/`AsyncWrite` as
/// [`TcpStream`](crate::TcpStream), with the same errors and wakeups.
///
/// ```
/// use futures_util::io::{AsyncReadExt, AsyncWriteExt};
/// use wakewire_reactor_mio::UnixStream;
///
/// futures_executor::block_on(async {
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
    /// Connects to the socket at `path` (global reactor).
    ///
    /// # Errors
    ///
    /// No socket there (`NotFound`), refused, or registering failed.
    pub async fn connect<P: AsRef<Path>>(path: P) -> io::Result<UnixStream> {
        UnixStream::connect_with(path, &Handle::global()?).await
    }

    /// Connects to the socket at `path` using the reactor of `handle`.
    ///
    /// # Errors
    ///
    /// As [`connect`](Self::connect).
    pub async fn connect_with<P: AsRef<Path>>(path: P, handle: &Handle) -> io::Result<UnixStream> {
        let stream = UnixStream::from_mio(mio::net::UnixStream::connect(path)?, handle)?;
        poll_fn(|cx| stream.inner.poll_ready(cx, Direction::Write)).await?;
        match stream.inner.get_ref().take_error()? {
            Some(err) => Err(err),
            None => Ok(stream),
        }
    }

    /// A connected pair of sockets (global reactor).
    ///
    /// # Errors
    ///
    /// `socketpair` or registering failed.
    pub fn pair() -> io::Result<(UnixStream, UnixStream)> {
        UnixStream::pair_with(&Handle::global()?)
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
    pub fn registration(&self) -> &crate::Registration {
        self.inner.registration()
    }
}

delegate_async_io!(UnixStream);

impl fmt::Debug for UnixStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("UnixStream")
            .field(self.inner.get_ref())
            .finish()
    }
}

/// A listening Unix-domain stream socket. Accept errors behave as for
/// [`TcpListener`](crate::TcpListener).
#[derive(Debug)]
pub struct UnixListener {
    inner: Async<mio::net::UnixListener>,
}

impl UnixListener {
    /// Binds to `path` (which must not exist) on the global reactor.
    ///
    /// # Errors
    ///
    /// The path exists or is not writable, or registering failed.
    pub fn bind<P: AsRef<Path>>(path: P) -> io::Result<UnixListener> {
        UnixListener::bind_with(path, &Handle::global()?)
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
    /// # Errors
    ///
    /// As [`TcpListener::accept`](crate::TcpListener::accept), including `EMFILE`.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    pub async fn accept(&self) -> io::Result<(UnixStream, SocketAddr)> {
        poll_fn(|cx| self.poll_accept(cx)).await
    }

    /// The poll form of [`accept`](Self::accept).
    ///
    /// # Errors
    ///
    /// As [`accept`](Self::accept).
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(UnixStream, SocketAddr)>> {
        let handle = self.inner.registration().handle();
        self.inner
            .poll_read_with(cx, |listener| listener.accept())
            .map(|result| {
                let (stream, addr) = result?;
                Ok((UnixStream::from_mio(stream, handle)?, addr))
            })
    }
}
