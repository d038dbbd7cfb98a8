//! Plain std sockets the socket reactors' scenarios start from: a connected pair whose
//! far end the test controls, a port nothing listens on, a reset.

use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::net::UnixStream;

/// A non-blocking Unix socket for the reactor, and its blocking peer, whose write is the
/// event of a readiness leaf.
pub(crate) fn unix_pair() -> (UnixStream, UnixStream) {
    let (ours, peer) = UnixStream::pair().expect("a Unix socket pair");
    ours.set_nonblocking(true).expect("non-blocking");
    (ours, peer)
}

/// Writes one byte to `peer`: the event of a readiness leaf.
pub(crate) fn poke(mut peer: UnixStream) {
    let _ = peer.write_all(b"!");
}

/// A loopback address nothing listens on (a port that was just free).
pub(crate) fn refused_addr() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let addr = listener.local_addr().expect("local address");
    drop(listener);
    addr
}

/// A listener on loopback for the peer side, and its address.
pub(crate) fn listener() -> (TcpListener, SocketAddr) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let addr = listener.local_addr().expect("local address");
    (listener, addr)
}

/// Closes `stream` with a reset (SO_LINGER 0) instead of an orderly shutdown.
pub(crate) fn reset(stream: TcpStream) {
    let socket = socket2::Socket::from(stream);
    socket
        .set_linger(Some(std::time::Duration::ZERO))
        .expect("SO_LINGER 0");
    drop(socket);
}
