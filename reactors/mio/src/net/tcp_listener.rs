//! [`TcpListener`]: accepts TCP connections.

use std::fmt;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use crate::handle::Handle;
use crate::io_state::Waiter;
use crate::net::delegate::delegate_as_fd;
use crate::net::tcp_stream::TcpStream;
use crate::readiness::Direction;
use crate::source::Async;

/// A listening TCP socket.
///
/// ```
/// use futures_util::StreamExt;
/// use wakewire_reactor_mio::{TcpListener, TcpStream};
///
/// wakewire_core::block_on(async {
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
///
/// # Wakeups
///
/// Every [`accept`](Self::accept) future and [`incoming`](Self::incoming) stream waits in
/// its own place of the listener's queue, and an incoming connection wakes all of them:
/// any number of tasks can accept on one listener, and each connection reaches one of
/// them. [`poll_accept`](Self::poll_accept) keeps one waker, the latest caller's.
pub struct TcpListener {
    inner: Async<mio::net::TcpListener>,
}

impl TcpListener {
    /// Binds to `addr` (port 0 picks a free port) on the [current](Handle::current)
    /// reactor.
    ///
    /// # Errors
    ///
    /// The address is in use, not local, or registering failed.
    pub fn bind(addr: SocketAddr) -> io::Result<TcpListener> {
        TcpListener::bind_with(addr, &Handle::current()?)
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

    /// Registers a bound standard-library listener (made non-blocking here) with the
    /// [current](Handle::current) reactor.
    ///
    /// # Errors
    ///
    /// Setting non-blocking mode or registering failed.
    pub fn from_std(listener: std::net::TcpListener) -> io::Result<Self> {
        TcpListener::from_std_with(listener, &Handle::current()?)
    }

    /// As [`from_std`](Self::from_std), with the reactor of `handle`.
    ///
    /// # Errors
    ///
    /// As [`from_std`](Self::from_std).
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
    ///
    /// # Wakeups
    ///
    /// See [`Accept`]: any number of tasks may wait at once.
    ///
    /// # Errors
    ///
    /// The future resolves to the errors of the [type docs](Self), and to a registration
    /// error of the accepted stream.
    pub fn accept(&self) -> Accept<'_> {
        Accept {
            listener: self,
            waiter: self.inner.waiter(Direction::Read),
        }
    }

    /// The poll form of [`accept`](Self::accept).
    ///
    /// # Wakeups
    ///
    /// Stores the waker of the latest call, replacing the previous caller's: for one
    /// accepting task. Tasks that share the listener use [`accept`](Self::accept).
    ///
    /// # Errors
    ///
    /// See the [type docs](Self).
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(TcpStream, SocketAddr)>> {
        self.inner
            .poll_read_with(cx, |listener| listener.accept())
            .map(|accepted| self.register(accepted))
    }

    /// The incoming connections as a `futures_core::Stream` that never ends (errors are
    /// items, as for [`accept`](Self::accept)): `while let Some(conn) =
    /// incoming.next().await` with `futures_util::StreamExt`, or any stream combinator.
    /// The example at the top of this type uses it.
    ///
    /// # Wakeups
    ///
    /// See [`Incoming`].
    pub fn incoming(&self) -> Incoming<'_> {
        Incoming {
            listener: self,
            waiter: self.inner.waiter(Direction::Read),
        }
    }

    fn poll_accept_queued(
        &self,
        cx: &mut Context<'_>,
        waiter: &mut Waiter<'_>,
    ) -> Poll<io::Result<(TcpStream, SocketAddr)>> {
        self.inner
            .poll_queued(cx, waiter, |listener| listener.accept())
            .map(|accepted| self.register(accepted))
    }

    /// Registers an accepted stream with this listener's reactor.
    fn register(
        &self,
        accepted: io::Result<(mio::net::TcpStream, SocketAddr)>,
    ) -> io::Result<(TcpStream, SocketAddr)> {
        let (stream, addr) = accepted?;
        let stream = TcpStream::from_mio(stream, self.inner.registration().handle())?;
        Ok((stream, addr))
    }
}

delegate_as_fd!(TcpListener, inner);

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
/// Waits in its own place of the listener's queue; woken by the next incoming connection
/// (with every other waiting acceptor), or with an error when the reactor is dropped.
/// Dropping it leaves the queue.
///
/// # Cancel safety
///
/// Cancel safe: a connection is only taken from the backlog in the poll that returns it.
#[must_use = "futures do nothing unless you poll them"]
#[derive(Debug)]
pub struct Accept<'a> {
    listener: &'a TcpListener,
    waiter: Waiter<'a>,
}

impl Future for Accept<'_> {
    type Output = io::Result<(TcpStream, SocketAddr)>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        this.listener.poll_accept_queued(cx, &mut this.waiter)
    }
}

/// The stream of [`TcpListener::incoming`].
///
/// # Wakeups
///
/// As [`Accept`]: one place in the listener's queue, kept across items.
#[must_use = "streams do nothing unless you poll them"]
#[derive(Debug)]
pub struct Incoming<'a> {
    listener: &'a TcpListener,
    waiter: Waiter<'a>,
}

impl Stream for Incoming<'_> {
    type Item = io::Result<TcpStream>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        this.listener
            .poll_accept_queued(cx, &mut this.waiter)
            .map(|result| Some(result.map(|(stream, _)| stream)))
    }
}
