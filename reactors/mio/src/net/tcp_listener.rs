//! [`TcpListener`]: accepts TCP connections.

use std::fmt;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use crate::handle::Handle;
use crate::net::TcpStream;
use crate::source::Async;

/// A listening TCP socket.
///
/// ```
/// use futures_util::StreamExt;
/// use wakewire_reactor_mio::{TcpListener, TcpStream};
///
/// futures_executor::block_on(async {
///     let listener = TcpListener::bind("127.0.0.1:0".parse().unwrap())?;
///     let _client = TcpStream::connect(listener.local_addr()?).await?;
///     let accepted = listener.incoming().next().await.unwrap()?;
///     assert_eq!(accepted.local_addr()?, listener.local_addr()?);
///     Ok::<(), std::io::Error>(())
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// # Errors
///
/// `accept` returns every error other than `WouldBlock`/`Interrupted` to the caller —
/// notably `EMFILE`/`ENFILE` when the process is out of file descriptors. The pending
/// connection stays queued, so the next `accept` retries it at once: back off (close
/// something, sleep) before calling again. The reactor itself never retries in a loop.
pub struct TcpListener {
    inner: Async<mio::net::TcpListener>,
}

impl TcpListener {
    /// Binds to `addr` (port 0 picks a free port) on the [global](Handle::global) reactor.
    ///
    /// # Errors
    ///
    /// The address is in use, not local, or registering failed.
    pub fn bind(addr: SocketAddr) -> io::Result<TcpListener> {
        TcpListener::bind_with(addr, &Handle::global()?)
    }

    /// Binds to `addr` on the reactor of `handle`.
    ///
    /// # Errors
    ///
    /// As [`bind`](Self::bind).
    pub fn bind_with(addr: SocketAddr, handle: &Handle) -> io::Result<TcpListener> {
        Ok(TcpListener {
            inner: Async::with_handle(mio::net::TcpListener::bind(addr)?, handle)?,
        })
    }

    /// Registers a bound standard-library listener (made non-blocking here).
    ///
    /// # Errors
    ///
    /// Setting non-blocking mode or registering failed.
    pub fn from_std_with(listener: std::net::TcpListener, handle: &Handle) -> io::Result<Self> {
        listener.set_nonblocking(true)?;
        Ok(TcpListener {
            inner: Async::with_handle(mio::net::TcpListener::from_std(listener), handle)?,
        })
    }

    /// The address the listener is bound to.
    ///
    /// # Errors
    ///
    /// The system call's error.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.get_ref().local_addr()
    }

    /// Waits for a connection; the stream is registered with this listener's reactor.
    pub fn accept(&self) -> Accept<'_> {
        Accept { listener: self }
    }

    /// The poll form of [`accept`](Self::accept).
    ///
    /// # Wakeups
    ///
    /// Stores the waker of the latest poll; woken by the next incoming connection.
    ///
    /// # Errors
    ///
    /// See the [type docs](Self).
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(TcpStream, SocketAddr)>> {
        match self.inner.poll_read_with(cx, |listener| listener.accept()) {
            Poll::Ready(Ok((stream, addr))) => Poll::Ready(
                TcpStream::from_mio(stream, self.inner.registration().handle())
                    .map(|stream| (stream, addr)),
            ),
            Poll::Ready(Err(err)) => Poll::Ready(Err(err)),
            Poll::Pending => Poll::Pending,
        }
    }

    /// The incoming connections as a `Stream` that never ends (errors are items).
    pub fn incoming(&self) -> Incoming<'_> {
        Incoming { listener: self }
    }
}

impl fmt::Debug for TcpListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("TcpListener")
            .field(self.inner.get_ref())
            .finish()
    }
}

/// The future of [`TcpListener::accept`].
///
/// # Wakeups
///
/// Stores the waker of its latest poll in the listener's read slot; woken by the next
/// incoming connection, or with an error when the reactor is dropped.
///
/// # Cancel safety
///
/// Cancel safe: a connection is only taken from the queue in the poll that returns it.
#[must_use = "futures do nothing unless you poll them"]
#[derive(Debug)]
pub struct Accept<'a> {
    listener: &'a TcpListener,
}

impl Future for Accept<'_> {
    type Output = io::Result<(TcpStream, SocketAddr)>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.listener.poll_accept(cx)
    }
}

/// The stream of [`TcpListener::incoming`].
///
/// # Wakeups
///
/// As [`Accept`].
#[must_use = "streams do nothing unless you poll them"]
#[derive(Debug)]
pub struct Incoming<'a> {
    listener: &'a TcpListener,
}

impl Stream for Incoming<'_> {
    type Item = io::Result<TcpStream>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.listener
            .poll_accept(cx)
            .map(|result| Some(result.map(|(stream, _)| stream)))
    }
}
