//! Echo over every socket type (TCP, split and vectored TCP, UDP, Unix streams and
//! datagrams, bound paths) and the error cases (EOF every time, refused connects, writes
//! after the peer closed), on the local executor driving a private reactor. Every
//! executor and both drive modes are the matrix's `mio` column.

use std::io::{ErrorKind, IoSlice};
use std::net::{Shutdown, SocketAddr};

use futures_util::future::join_all;
use futures_util::io::{AsyncReadExt, AsyncWriteExt};
use futures_util::StreamExt;
use wakewire_reactor_mio::{
    Handle, TcpListener, TcpStream, UdpSocket, UnixDatagram, UnixListener, UnixStream,
};

fn loopback() -> SocketAddr {
    "127.0.0.1:0".parse().unwrap()
}

const CONNECTIONS: usize = 4;
const MESSAGES: usize = 20;

/// 4 connections x 20 messages of growing size, echoed byte-exact, served concurrently.
async fn tcp_echo(handle: Handle) {
    let listener = TcpListener::bind_with(loopback(), &handle).unwrap();
    let addr = listener.local_addr().unwrap();
    let server = async {
        let mut incoming = listener.incoming();
        let mut conns = Vec::new();
        for _ in 0..CONNECTIONS {
            conns.push(incoming.next().await.unwrap().unwrap());
        }
        join_all(conns.into_iter().map(|mut conn| async move {
            let mut buf = vec![0; 4096];
            loop {
                let n = conn.read(&mut buf).await.unwrap();
                if n == 0 {
                    return;
                }
                conn.write_all(&buf[..n]).await.unwrap();
            }
        }))
        .await;
    };
    let clients = join_all((0..CONNECTIONS).map(|c| {
        let handle = handle.clone();
        async move {
            let mut stream = TcpStream::connect_with(addr, &handle).await.unwrap();
            stream.set_nodelay(true).unwrap();
            assert_eq!(stream.peer_addr().unwrap(), addr);
            for m in 0..MESSAGES {
                let message: Vec<u8> = (0..(m * 97 + c + 1)).map(|i| (i * 31 + c) as u8).collect();
                stream.write_all(&message).await.unwrap();
                let mut echoed = vec![0; message.len()];
                stream.read_exact(&mut echoed).await.unwrap();
                assert_eq!(echoed, message);
            }
            stream.close().await.unwrap(); // shutdown(Write): the server reads EOF
        }
    }));
    futures_util::future::join(server, clients).await;
}

/// Vectored writes, peek, and owned halves driven concurrently.
async fn tcp_split_vectored_peek(handle: Handle) {
    let listener = TcpListener::bind_with(loopback(), &handle).unwrap();
    let client = TcpStream::connect_with(listener.local_addr().unwrap(), &handle)
        .await
        .unwrap();
    let (server, _) = listener.accept().await.unwrap();
    let (mut read_half, mut write_half) = client.into_split();
    let parts = [
        IoSlice::new(b"hello "),
        IoSlice::new(b"vectored "),
        IoSlice::new(b"world"),
    ];
    let mut sent = 0;
    while sent == 0 {
        sent = write_half.write_vectored(&parts).await.unwrap();
    }
    let mut rest = b"hello vectored world"[sent..].to_vec();
    write_half.write_all(&rest).await.unwrap();
    rest.clear();
    let mut peeked = [0; 5];
    let n = server.peek(&mut peeked).await.unwrap();
    assert_eq!(&peeked[..n], &b"hello"[..n]);
    let mut got = vec![0; 20];
    (&server).read_exact(&mut got).await.unwrap();
    assert_eq!(&got, b"hello vectored world");
    (&server).write_all(b"back").await.unwrap();
    let mut back = [0; 4];
    read_half.read_exact(&mut back).await.unwrap();
    assert_eq!(&back, b"back");
    let stream = read_half.reunite(write_half).unwrap();
    stream.shutdown(Shutdown::Both).unwrap();
}

async fn udp_roundtrip(handle: Handle) {
    let a = UdpSocket::bind_with(loopback(), &handle).unwrap();
    let b = UdpSocket::bind_with(loopback(), &handle).unwrap();
    let mut buf = [0; 64];
    for i in 0..10u8 {
        a.send_to(&[i; 7], b.local_addr().unwrap()).await.unwrap();
        let (n, from) = b.recv_from(&mut buf).await.unwrap();
        assert_eq!((&buf[..n], from), (&[i; 7][..], a.local_addr().unwrap()));
    }
    a.connect(b.local_addr().unwrap()).unwrap();
    b.connect(a.local_addr().unwrap()).unwrap();
    b.send(b"pong").await.unwrap();
    assert_eq!(a.recv(&mut buf).await.unwrap(), 4);
    assert_eq!(&buf[..4], b"pong");
}

async fn unix_stream_and_datagram(handle: Handle) {
    let (mut a, mut b) = UnixStream::pair_with(&handle).unwrap();
    a.write_all(&[7; 100_000]).await.ok(); // larger than the socket buffer: needs the reader
    drop(a);
    let mut all = Vec::new();
    b.read_to_end(&mut all).await.unwrap();
    assert_eq!(all, vec![7; 100_000]);
    let (x, y) = UnixDatagram::pair_with(&handle).unwrap();
    x.send(b"dgram").await.unwrap();
    let mut buf = [0; 16];
    assert_eq!(y.recv(&mut buf).await.unwrap(), 5);
}

/// A unique socket path in the temp dir, removed when dropped.
struct TempPath(std::path::PathBuf);

impl TempPath {
    fn new(tag: &str) -> TempPath {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let name = format!("wakewire-mio-{}-{tag}-{n}.sock", std::process::id());
        let path = std::env::temp_dir().join(name);
        let _ = std::fs::remove_file(&path);
        TempPath(path)
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Unix listener and path-bound datagram sockets.
async fn unix_listener_and_bound_datagram(handle: Handle) {
    let path = TempPath::new("listener");
    let listener = UnixListener::bind_with(&path.0, &handle).unwrap();
    let (client, accepted) = futures_util::future::join(
        UnixStream::connect_with(&path.0, &handle),
        listener.accept(),
    )
    .await;
    let (mut client, (mut server, _)) = (client.unwrap(), accepted.unwrap());
    client.write_all(b"over a path").await.unwrap();
    let mut buf = [0; 11];
    server.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"over a path");

    let (a_path, b_path) = (TempPath::new("dgram-a"), TempPath::new("dgram-b"));
    let a = UnixDatagram::bind_with(&a_path.0, &handle).unwrap();
    let b = UnixDatagram::bind_with(&b_path.0, &handle).unwrap();
    a.send_to(b"to b", &b_path.0).await.unwrap();
    let mut buf = [0; 8];
    let (n, from) = b.recv_from(&mut buf).await.unwrap();
    assert_eq!(&buf[..n], b"to b");
    assert_eq!(from.as_pathname(), Some(a_path.0.as_path()));
}

/// EOF is Ok(0) on every read after it.
async fn eof_is_zero_every_time(handle: Handle) {
    let (mut a, b) = UnixStream::pair_with(&handle).unwrap();
    drop(b);
    let mut buf = [0; 8];
    for _ in 0..3 {
        assert_eq!(a.read(&mut buf).await.unwrap(), 0);
    }
}

async fn connect_refused(handle: Handle) {
    let addr = TcpListener::bind_with(loopback(), &handle)
        .unwrap()
        .local_addr()
        .unwrap(); // listener dropped: nothing listens there now
    let err = TcpStream::connect_with(addr, &handle).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConnectionRefused);
}

/// Writing to a connection whose peer closed ends in BrokenPipe or ConnectionReset.
async fn write_after_peer_close(handle: Handle) {
    let listener = TcpListener::bind_with(loopback(), &handle).unwrap();
    let mut client = TcpStream::connect_with(listener.local_addr().unwrap(), &handle)
        .await
        .unwrap();
    drop(listener.accept().await.unwrap());
    let chunk = [1u8; 1024];
    for _ in 0..10_000 {
        match client.write(&chunk).await {
            Ok(_) => continue,
            Err(err) => {
                assert!(
                    matches!(
                        err.kind(),
                        ErrorKind::BrokenPipe | ErrorKind::ConnectionReset
                    ),
                    "{err:?}"
                );
                return;
            }
        }
    }
    panic!("writes to a closed peer kept succeeding");
}

#[test]
fn echo_tcp() {
    wakewire_test_util::run_with_mio_reactor(tcp_echo);
}

#[test]
fn echo_tcp_split_vectored_peek() {
    wakewire_test_util::run_with_mio_reactor(tcp_split_vectored_peek);
}

#[test]
fn echo_udp() {
    wakewire_test_util::run_with_mio_reactor(udp_roundtrip);
}

#[test]
fn echo_unix() {
    wakewire_test_util::run_with_mio_reactor(unix_stream_and_datagram);
}

#[test]
fn echo_unix_paths() {
    wakewire_test_util::run_with_mio_reactor(unix_listener_and_bound_datagram);
}

#[test]
fn error_eof_is_zero_every_time() {
    wakewire_test_util::run_with_mio_reactor(eof_is_zero_every_time);
}

#[test]
fn error_connect_refused() {
    wakewire_test_util::run_with_mio_reactor(connect_refused);
}

#[test]
fn error_write_after_peer_close() {
    wakewire_test_util::run_with_mio_reactor(write_after_peer_close);
}
