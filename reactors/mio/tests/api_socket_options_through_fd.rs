//! Every socket type exposes its descriptor (`AsFd`, `AsRawFd`), so `socket2` can set the
//! options this crate has no method for, and they reach the socket.

use std::net::SocketAddr;
use std::os::fd::{AsFd, AsRawFd};
use std::os::unix::net::UnixStream as StdUnixStream;

use socket2::SockRef;
use wakewire_reactor_mio::{
    Async, FdSource, Reactor, TcpListener, TcpStream, UdpSocket, UnixDatagram, UnixStream,
};

fn loopback() -> SocketAddr {
    "127.0.0.1:0".parse().unwrap()
}

/// Asks for `size` bytes of receive buffer through the fd and reads it back (Linux
/// doubles what it is given).
fn grow_recv_buffer(socket: &impl AsFd, size: usize) {
    let sock = SockRef::from(socket);
    sock.set_recv_buffer_size(size).unwrap();
    assert!(
        sock.recv_buffer_size().unwrap() >= size,
        "SO_RCVBUF was not applied"
    );
}

#[test]
fn socket2_sets_options_through_the_fd() {
    let reactor = Reactor::new().unwrap();
    let handle = reactor.handle();

    let std_listener = std::net::TcpListener::bind(loopback()).unwrap();
    let std_client = std::net::TcpStream::connect(std_listener.local_addr().unwrap()).unwrap();
    let (std_server, _) = std_listener.accept().unwrap();
    let listener = TcpListener::from_std_with(std_listener, &handle).unwrap();
    let client = TcpStream::from_std_with(std_client, &handle).unwrap();
    let server = TcpStream::from_std_with(std_server, &handle).unwrap();

    // TCP_NODELAY through socket2, read back through the stream's own method.
    assert!(!client.nodelay().unwrap());
    SockRef::from(&client).set_nodelay(true).unwrap();
    assert!(client.nodelay().unwrap());
    grow_recv_buffer(&server, 256 * 1024);
    assert_eq!(
        SockRef::from(&listener).local_addr().unwrap().as_socket(),
        Some(listener.local_addr().unwrap())
    );
    assert_eq!(client.as_raw_fd(), client.as_fd().as_raw_fd());

    // The split halves reach the same socket.
    let (read_half, write_half) = client.into_split();
    assert_eq!(read_half.as_raw_fd(), write_half.as_raw_fd());
    assert!(SockRef::from(&write_half).nodelay().unwrap());

    let udp = UdpSocket::bind_with(loopback(), &handle).unwrap();
    grow_recv_buffer(&udp, 128 * 1024);
    SockRef::from(&udp).set_broadcast(true).unwrap();
    assert!(SockRef::from(&udp).broadcast().unwrap());

    let (a, _b) = UnixStream::pair_with(&handle).unwrap();
    grow_recv_buffer(&a, 96 * 1024);
    let (d, _e) = UnixDatagram::pair_with(&handle).unwrap();
    grow_recv_buffer(&d, 96 * 1024);

    let (raw, _peer) = StdUnixStream::pair().unwrap();
    raw.set_nonblocking(true).unwrap();
    let raw_fd = raw.as_raw_fd();
    let source = Async::with_handle(FdSource::new(raw), &handle).unwrap();
    assert_eq!(source.as_raw_fd(), raw_fd);
    grow_recv_buffer(&source, 96 * 1024);
}
