//! [`UdpSocket`]: datagrams over UDP.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::task::{Context, Poll};

use crate::handle::Handle;
use crate::net::delegate::delegate_as_fd;
use crate::source::Async;

/// A UDP socket. All methods take `&self`: share it (in an `Arc`) between tasks that send
/// and receive at the same time.
///
/// ```
/// use wakewire_reactor_mio::UdpSocket;
///
/// wakewire_core::block_on(async {
///     let a = UdpSocket::bind("127.0.0.1:0".parse().unwrap())?;
///     let b = UdpSocket::bind("127.0.0.1:0".parse().unwrap())?;
///     a.connect(b.local_addr()?)?;
///     a.send(b"ping").await?;
///     let mut buf = [0; 16];
///     let (n, from) = b.recv_from(&mut buf).await?;
///     assert_eq!((&buf[..n], from), (&b"ping"[..], a.local_addr()?));
///     Ok::<(), std::io::Error>(())
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// # Wakeups
///
/// Each receive future ([`recv`](Self::recv), [`recv_from`](Self::recv_from),
/// [`peek_from`](Self::peek_from)) waits in its own place of the read queue, each send
/// future in the write queue; the next event of a direction wakes all of its waiters, so
/// any number of tasks can receive (or send) at once, and each datagram reaches one of
/// them. The `poll_*` functions keep one waker per direction instead: the latest caller's.
///
/// # Cancel safety
///
/// Every future is cancel safe: a datagram is only taken or sent in the poll that
/// returns `Ready`.
pub struct UdpSocket {
    inner: Async<mio::net::UdpSocket>,
}

impl UdpSocket {
    /// Binds to `addr` on the [current](Handle::current) reactor.
    ///
    /// # Errors
    ///
    /// The address is unavailable, or registering failed.
    pub fn bind(addr: SocketAddr) -> io::Result<UdpSocket> {
        UdpSocket::bind_with(addr, &Handle::current()?)
    }

    /// Binds to `addr` on the reactor of `handle`.
    ///
    /// # Errors
    ///
    /// As [`bind`](Self::bind).
    pub fn bind_with(addr: SocketAddr, handle: &Handle) -> io::Result<UdpSocket> {
        Ok(UdpSocket {
            inner: Async::with_handle(mio::net::UdpSocket::bind(addr)?, handle)?,
        })
    }

    /// Sets the default destination for [`send`](Self::send) and the only source
    /// [`recv`](Self::recv) accepts.
    ///
    /// # Errors
    ///
    /// The system call's error.
    pub fn connect(&self, addr: SocketAddr) -> io::Result<()> {
        self.inner.get_ref().connect(addr)
    }

    /// The local address.
    ///
    /// # Errors
    ///
    /// The system call's error.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.get_ref().local_addr()
    }

    /// The connected peer's address.
    ///
    /// # Errors
    ///
    /// `NotConnected` if [`connect`](Self::connect) was not called.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.inner.get_ref().peer_addr()
    }

    /// Sends `buf` to the connected peer.
    ///
    /// # Wakeups
    ///
    /// Waits in its own place of the write queue (see the [type docs](Self)).
    ///
    /// # Errors
    ///
    /// Not connected, message too large, or `ConnectionRefused` reported for an earlier
    /// datagram.
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write_with(|socket| socket.send(buf)).await
    }

    /// The poll form of [`send`](Self::send).
    ///
    /// # Wakeups
    ///
    /// One waker per direction: the latest `poll_*` call's replaces the previous
    /// caller's. Tasks that share the socket use the async methods.
    ///
    /// # Errors
    ///
    /// As [`send`](Self::send).
    pub fn poll_send(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.inner.poll_write_with(cx, |socket| socket.send(buf))
    }

    /// Receives one datagram from the connected peer.
    ///
    /// # Wakeups
    ///
    /// Waits in its own place of the read queue (see the [type docs](Self)).
    ///
    /// # Errors
    ///
    /// Not connected, or `ConnectionRefused` reported for an earlier datagram.
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read_with(|socket| socket.recv(buf)).await
    }

    /// The poll form of [`recv`](Self::recv).
    ///
    /// # Wakeups
    ///
    /// One waker per direction: the latest `poll_*` call's replaces the previous
    /// caller's. Tasks that share the socket use the async methods.
    ///
    /// # Errors
    ///
    /// As [`recv`](Self::recv).
    pub fn poll_recv(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.inner.poll_read_with(cx, |socket| socket.recv(buf))
    }

    /// Sends `buf` to `target`.
    ///
    /// # Wakeups
    ///
    /// Waits in its own place of the write queue (see the [type docs](Self)).
    ///
    /// # Errors
    ///
    /// Unreachable target or message too large.
    pub async fn send_to(&self, buf: &[u8], target: SocketAddr) -> io::Result<usize> {
        self.inner
            .write_with(|socket| socket.send_to(buf, target))
            .await
    }

    /// The poll form of [`send_to`](Self::send_to).
    ///
    /// # Wakeups
    ///
    /// One waker per direction: the latest `poll_*` call's replaces the previous
    /// caller's. Tasks that share the socket use the async methods.
    ///
    /// # Errors
    ///
    /// As [`send_to`](Self::send_to).
    pub fn poll_send_to(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
        target: SocketAddr,
    ) -> Poll<io::Result<usize>> {
        self.inner
            .poll_write_with(cx, |socket| socket.send_to(buf, target))
    }

    /// Receives one datagram and its sender's address.
    ///
    /// # Wakeups
    ///
    /// Waits in its own place of the read queue (see the [type docs](Self)).
    ///
    /// # Errors
    ///
    /// The system call's error.
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.inner.read_with(|socket| socket.recv_from(buf)).await
    }

    /// The poll form of [`recv_from`](Self::recv_from).
    ///
    /// # Wakeups
    ///
    /// One waker per direction: the latest `poll_*` call's replaces the previous
    /// caller's. Tasks that share the socket use the async methods.
    ///
    /// # Errors
    ///
    /// As [`recv_from`](Self::recv_from).
    pub fn poll_recv_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<(usize, SocketAddr)>> {
        self.inner
            .poll_read_with(cx, |socket| socket.recv_from(buf))
    }

    /// Receives one datagram without removing it from the queue.
    ///
    /// # Wakeups
    ///
    /// Waits in its own place of the read queue (see the [type docs](Self)).
    ///
    /// # Errors
    ///
    /// As [`recv_from`](Self::recv_from).
    pub async fn peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.inner.read_with(|socket| socket.peek_from(buf)).await
    }
}

delegate_as_fd!(UdpSocket, inner);

impl fmt::Debug for UdpSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("UdpSocket")
            .field(self.inner.get_ref())
            .finish()
    }
}
