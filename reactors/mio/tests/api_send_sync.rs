//! The I/O types and their futures are `Send` (and the types `Sync`), so multi-threaded
//! executors can run them; checked at compile time.

use std::net::SocketAddr;

use wakewire_reactor_mio::{
    Async, FdSource, Handle, OwnedReadHalf, OwnedWriteHalf, Reactor, ReactorPark, Registration,
    TcpListener, TcpStream, UdpSocket, UnixDatagram, UnixListener, UnixStream,
};

fn send_sync<T: Send + Sync>() {}

fn send<T: Send>(_: &T) {}

#[test]
fn types_are_send_and_sync() {
    send_sync::<TcpListener>();
    send_sync::<TcpStream>();
    send_sync::<OwnedReadHalf>();
    send_sync::<OwnedWriteHalf>();
    send_sync::<UdpSocket>();
    send_sync::<UnixStream>();
    send_sync::<UnixListener>();
    send_sync::<UnixDatagram>();
    send_sync::<Async<FdSource<std::os::unix::net::UnixStream>>>();
    send_sync::<Handle>();
    send_sync::<Registration>();
    fn send_only<T: Send>() {}
    send_only::<Reactor>();
    send_only::<ReactorPark>();
}

#[test]
fn futures_are_send() {
    let addr: SocketAddr = "127.0.0.1:1".parse().unwrap();
    let reactor = Reactor::new().unwrap();
    let handle = reactor.handle();
    send(&TcpStream::connect(addr));
    send(&TcpStream::connect_with(addr, &handle));
    send(&UnixStream::connect("/nonexistent"));
    let udp = UdpSocket::bind_with("127.0.0.1:0".parse().unwrap(), &handle).unwrap();
    let mut buf = [0; 4];
    send(&udp.recv_from(&mut buf));
    send(&udp.send(b"x"));
    let listener = TcpListener::bind_with("127.0.0.1:0".parse().unwrap(), &handle).unwrap();
    send(&listener.accept());
    send(&listener.incoming());
    let (raw, _peer) = std::os::unix::net::UnixStream::pair().unwrap();
    let source = Async::with_handle(FdSource::new(raw), &handle).unwrap();
    send(&source.readable());
    send(
        &source
            .registration()
            .ready(wakewire_reactor_mio::Direction::Write),
    );
}
