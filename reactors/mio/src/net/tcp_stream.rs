//! [`TcpStream`]: a connected TCP socket.

use std::fmt;
use std::io;
use std::net::{Shutdown, SocketAddr, ToSocketAddrs};
use std::task::{Context, Poll};

use crate::handle::Handle;
use crate::net::delegate::{delegate_as_fd, delegate_async_io};
use crate::registration::Registration;
use crate::source::Async;

/// A TCP connection, readable and writable through `futures_io::AsyncRead`/`AsyncWrite`
/// (also on `&TcpStream`, so one task can read while another writes).
///
/// `poll_close` shuts the write direction down (the peer reads EOF); `poll_flush` does
/// nothing (the kernel owns the send buffer). For `AsyncBufRead` (`lines()`,
/// `read_until`), wrap the stream in [`BufReader`](crate::io::BufReader); see [`io`](crate::io).
///
/// ```
/// use futures_util::io::{AsyncReadExt, AsyncWriteExt};
/// use wakewire_reactor_mio::{TcpListener, TcpStream};
///
/// wakewire_core::block_on(async {
///     let listener = TcpListener::bind("127.0.0.1:0".parse().unwrap())?;
///     let mut client = TcpStream::connect(listener.local_addr()?).await?;
///     let (mut server, _) = listener.accept().await?;
///     client.write_all(b"hello").await?;
///     let mut buf = [0; 5];
///     server.read_exact(&mut buf).await?;
///     assert_eq!(&buf, b"hello");
///     Ok::<(), std::io::Error>(())
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// # Wakeups
///
/// `AsyncRead`/`AsyncWrite` are `poll_*` functions with nowhere to keep a waiter of their
/// own: reads store the waker of their latest poll in the read direction's one poll slot,
/// writes in the write direction's; each is woken by the next event of its direction, and
/// with an error when the reactor is dropped. So one task may read while another writes,
/// but a second task reading through `&TcpStream` concurrently replaces the first one's
/// waker (the latest poll wins): give each direction a single owner
/// ([`into_split`](Self::into_split)). [`peek`](Self::peek) is a future with its own place
/// in the read queue, and shares the direction with any number of other peeks.
///
/// # Errors
///
/// End of stream is `Ok(0)`, on every read after it. A write that accepts no byte is
/// `WriteZero`. A reset connection is `ConnectionReset`, writing to a closed one
/// `BrokenPipe`. `WouldBlock` and `Interrupted` never surface.
pub struct TcpStream {
    pub(crate) inner: Async<mio::net::TcpStream>,
}

impl TcpStream {
    /// Connects to `addr` (tried in order if it resolves to several), using the
    /// [current](Handle::current) reactor (looked up when the future is first polled).
    ///
    /// Name resolution, if `addr` is a host name, blocks the calling thread.
    ///
    /// # Errors
    ///
    /// The error of the last address tried (`ConnectionRefused`, ...).
    pub async fn connect<A: ToSocketAddrs>(addr: A) -> io::Result<TcpStream> {
        TcpStream::connect_with(addr, &Handle::current()?).await
    }

    /// Connects to `addr` using the reactor of `handle`.
    ///
    /// # Wakeups
    ///
    /// Waits for the connection in its own place of the new socket's write queue.
    ///
    /// # Errors
    ///
    /// As [`connect`](Self::connect).
    pub async fn connect_with<A: ToSocketAddrs>(addr: A, handle: &Handle) -> io::Result<TcpStream> {
        let mut last = io::Error::new(io::ErrorKind::InvalidInput, "no address to connect to");
        for addr in addr.to_socket_addrs()? {
            match connect_one(addr, handle).await {
                Ok(stream) => return Ok(stream),
                Err(err) => last = err,
            }
        }
        Err(last)
    }

    /// Registers a connected standard-library stream (made non-blocking here) with the
    /// [current](Handle::current) reactor.
    ///
    /// # Errors
    ///
    /// Setting non-blocking mode or registering failed.
    pub fn from_std(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        TcpStream::from_std_with(stream, &Handle::current()?)
    }

    /// As [`from_std`](Self::from_std), with the reactor of `handle`.
    ///
    /// # Errors
    ///
    /// As [`from_std`](Self::from_std).
    pub fn from_std_with(stream: std::net::TcpStream, handle: &Handle) -> io::Result<TcpStream> {
        stream.set_nonblocking(true)?;
        TcpStream::from_mio(mio::net::TcpStream::from_std(stream), handle)
    }

    pub(crate) fn from_mio(stream: mio::net::TcpStream, handle: &Handle) -> io::Result<TcpStream> {
        Ok(TcpStream {
            inner: Async::with_handle(stream, handle)?,
        })
    }

    /// The remote address.
    ///
    /// # Errors
    ///
    /// `NotConnected` if the connection is gone.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.inner.get_ref().peer_addr()
    }

    /// The local address.
    ///
    /// # Errors
    ///
    /// The system call's error.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.get_ref().local_addr()
    }

    /// Sets `TCP_NODELAY` (disables Nagle's algorithm when `true`).
    ///
    /// # Errors
    ///
    /// The system call's error.
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.inner.get_ref().set_nodelay(nodelay)
    }

    /// Whether `TCP_NODELAY` is set.
    ///
    /// # Errors
    ///
    /// The system call's error.
    pub fn nodelay(&self) -> io::Result<bool> {
        self.inner.get_ref().nodelay()
    }

    /// Shuts down the read, write or both directions.
    ///
    /// # Errors
    ///
    /// The system call's error (`NotConnected` if the peer is gone).
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.inner.get_ref().shutdown(how)
    }

    /// Reads without consuming: the next read returns the same bytes.
    ///
    /// # Wakeups
    ///
    /// Waits in its own place of the read queue: any number of tasks may peek at once.
    ///
    /// # Errors
    ///
    /// As a read.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: no data is consumed.
    pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read_with(|stream| stream.peek(buf)).await
    }

    /// The poll form of [`peek`](Self::peek).
    ///
    /// # Wakeups
    ///
    /// Shares the read direction's one poll slot with the `AsyncRead` impls: the latest
    /// caller's waker is the one stored.
    ///
    /// # Errors
    ///
    /// As a read.
    pub fn poll_peek(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.inner.poll_read_with(cx, |stream| stream.peek(buf))
    }

    /// The registration of this socket (token, readiness), for tests and diagnostics.
    pub fn registration(&self) -> &Registration {
        self.inner.registration()
    }
}

async fn connect_one(addr: SocketAddr, handle: &Handle) -> io::Result<TcpStream> {
    let stream = TcpStream::from_mio(mio::net::TcpStream::connect(addr)?, handle)?;
    // A non-blocking connect reports completion as writability; `take_error` says whether
    // it failed, `peer_addr` whether it is really done (mio's documented protocol).
    loop {
        let event = stream.inner.writable().await?;
        if let Some(err) = stream.inner.get_ref().take_error()? {
            return Err(err);
        }
        match stream.inner.get_ref().peer_addr() {
            Ok(_) => return Ok(stream),
            Err(err) if err.kind() == io::ErrorKind::NotConnected => {
                stream.inner.registration().clear_readiness(event);
            }
            Err(err) => return Err(err),
        }
    }
}

delegate_async_io!(TcpStream);
delegate_as_fd!(TcpStream, inner);

impl fmt::Debug for TcpStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("TcpStream")
            .field(self.inner.get_ref())
            .finish()
    }
}
