//! [`UnixDatagram`]: datagrams over Unix-domain sockets.

use std::fmt;
use std::io;
use std::os::unix::net::SocketAddr;
use std::path::Path;

use crate::handle::Handle;
use crate::net::delegate::delegate_as_fd;
use crate::source::Async;

/// A Unix-domain datagram socket; wakeups and cancel safety as [`UdpSocket`](crate::UdpSocket):
/// every send and receive future waits in its own place of its direction's queue, so any
/// number of tasks may share the socket.
///
/// ```
/// use wakewire_reactor_mio::UnixDatagram;
///
/// wakewire_core::block_on(async {
///     let (a, b) = UnixDatagram::pair()?;
///     a.send(b"one").await?;
///     let mut buf = [0; 8];
///     let n = b.recv(&mut buf).await?;
///     assert_eq!(&buf[..n], b"one");
///     Ok::<(), std::io::Error>(())
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct UnixDatagram {
    inner: Async<mio::net::UnixDatagram>,
}

impl UnixDatagram {
    /// Binds to `path` on the [current](Handle::current) reactor.
    ///
    /// # Errors
    ///
    /// The path exists or is not writable, or registering failed.
    pub fn bind<P: AsRef<Path>>(path: P) -> io::Result<UnixDatagram> {
        UnixDatagram::bind_with(path, &Handle::current()?)
    }

    /// Binds to `path` on the reactor of `handle`.
    ///
    /// # Errors
    ///
    /// As [`bind`](Self::bind).
    pub fn bind_with<P: AsRef<Path>>(path: P, handle: &Handle) -> io::Result<UnixDatagram> {
        UnixDatagram::from_mio(mio::net::UnixDatagram::bind(path)?, handle)
    }

    /// A socket bound to no address (it can still send, and connect), on the
    /// [current](Handle::current) reactor.
    ///
    /// # Errors
    ///
    /// `socket` or registering failed.
    pub fn unbound() -> io::Result<UnixDatagram> {
        UnixDatagram::from_mio(mio::net::UnixDatagram::unbound()?, &Handle::current()?)
    }

    /// A connected pair on the [current](Handle::current) reactor.
    ///
    /// # Errors
    ///
    /// `socketpair` or registering failed.
    pub fn pair() -> io::Result<(UnixDatagram, UnixDatagram)> {
        UnixDatagram::pair_with(&Handle::current()?)
    }

    /// A connected pair on the reactor of `handle`.
    ///
    /// # Errors
    ///
    /// As [`pair`](Self::pair).
    pub fn pair_with(handle: &Handle) -> io::Result<(UnixDatagram, UnixDatagram)> {
        let (a, b) = mio::net::UnixDatagram::pair()?;
        Ok((
            UnixDatagram::from_mio(a, handle)?,
            UnixDatagram::from_mio(b, handle)?,
        ))
    }

    fn from_mio(socket: mio::net::UnixDatagram, handle: &Handle) -> io::Result<UnixDatagram> {
        Ok(UnixDatagram {
            inner: Async::with_handle(socket, handle)?,
        })
    }

    /// Sets the default peer.
    ///
    /// # Errors
    ///
    /// The system call's error.
    pub fn connect<P: AsRef<Path>>(&self, path: P) -> io::Result<()> {
        self.inner.get_ref().connect(path)
    }

    /// The local address.
    ///
    /// # Errors
    ///
    /// The system call's error.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.get_ref().local_addr()
    }

    /// Sends to the connected peer.
    ///
    /// # Wakeups
    ///
    /// Waits in its own place of the write queue (see the [type docs](Self)).
    ///
    /// # Errors
    ///
    /// Not connected, or the system call's error.
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write_with(|socket| socket.send(buf)).await
    }

    /// Receives from the connected peer.
    ///
    /// # Wakeups
    ///
    /// Waits in its own place of the read queue (see the [type docs](Self)).
    ///
    /// # Errors
    ///
    /// The system call's error.
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read_with(|socket| socket.recv(buf)).await
    }

    /// Sends to the socket at `path`.
    ///
    /// # Wakeups
    ///
    /// Waits in its own place of the write queue (see the [type docs](Self)).
    ///
    /// # Errors
    ///
    /// The system call's error.
    pub async fn send_to<P: AsRef<Path>>(&self, buf: &[u8], path: P) -> io::Result<usize> {
        let path = path.as_ref();
        self.inner
            .write_with(|socket| socket.send_to(buf, path))
            .await
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
}

impl fmt::Debug for UnixDatagram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("UnixDatagram")
            .field(self.inner.get_ref())
            .finish()
    }
}

delegate_as_fd!(UnixDatagram, inner);
