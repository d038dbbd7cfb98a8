//! Wakewire's socket reactor on mio: a private reactor turned by a thread of its own
//! (thread mode) or by the executor through `Reactor::park` (park mode).

use std::io::Write;
use std::sync::Arc;

use futures_util::io::{AsyncReadExt, AsyncWriteExt};
use wakewire_core::park::BoxPark;
use wakewire_core::spawn::BoxFuture;
use wakewire_reactor_mio::{Async, FdSource, Handle, Reactor, TcpListener, TcpStream};

use crate::kit::context::CellContext;
use crate::kit::leaf::{Leaf, LeafSource, RegistrationCount};
use crate::kit::reactor::{Mode, ReactorBuilder, ReactorEntry, Scenario};
use crate::reactors::sockets::{listener, poke, refused_addr, reset, unix_pair};
use crate::scenarios::support::{assert_pending, on_another_thread};
use crate::util::MioReactorThread;

/// The socket reactor of one cell.
pub(crate) struct MioUnderTest {
    handle: Handle,
    _driver: Option<MioReactorThread>,
}

impl LeafSource for MioUnderTest {
    fn leaf(&self) -> Leaf {
        let (ours, peer) = unix_pair();
        let handle = self.handle.clone();
        Leaf::new(
            async move {
                let source = Async::with_handle(FdSource::new(ours), &handle)
                    .map_err(|e| format!("register: {e}"))?;
                source
                    .readable()
                    .await
                    .map(drop)
                    .map_err(|e| format!("readable: {e}"))
            },
            move || poke(peer),
        )
    }

    fn registrations(&self) -> Option<RegistrationCount> {
        let handle = self.handle.clone();
        Some(Arc::new(move || handle.metrics().registrations))
    }
}

pub(crate) fn entry() -> ReactorEntry {
    ReactorBuilder::leaves(
        "mio",
        "Wakewire's socket reactor on mio: a private Reactor on its own thread (thread mode) or its ReactorPark (park mode)",
    )
    .on_own_thread(|| {
        let reactor = Reactor::new().map_err(|e| format!("Reactor::new: {e}"))?;
        let driver = MioReactorThread::start_with(reactor);
        Ok(MioUnderTest {
            handle: driver.handle(),
            _driver: Some(driver),
        })
    })
    .in_park(|| {
        let reactor = Reactor::new().map_err(|e| format!("Reactor::new: {e}"))?;
        let socket = MioUnderTest {
            handle: reactor.handle(),
            _driver: None,
        };
        Ok((socket, BoxPark::new(reactor.park())))
    })
    .scenario(Scenario::new(
        "tcp-round-trip",
        "connect, accept, write and read back 64 KiB over loopback TCP",
        tcp_round_trip,
    ))
    .scenario(Scenario::new(
        "connection-refused",
        "connecting to a loopback port nobody listens on fails with ConnectionRefused",
        connection_refused,
    ))
    .scenario(Scenario::new(
        "eof",
        "a read waiting when the peer closes returns Ok(0), and Ok(0) again",
        eof,
    ))
    .scenario(Scenario::new(
        "peer-reset",
        "a read waiting when the peer resets the connection fails with ConnectionReset",
        peer_reset,
    ))
    .scenario(
        Scenario::new(
            "park-is-current",
            "inside a task, Handle::current() is the reactor the executor drives",
            park_is_current,
        )
        .only_in(Mode::Park),
    )
    .build()
}

fn tcp_round_trip(socket: &MioUnderTest, cx: &CellContext) -> BoxFuture<()> {
    let handle = socket.handle.clone();
    let cx = cx.clone();
    Box::pin(async move {
        let listener =
            TcpListener::bind_with("127.0.0.1:0".parse().unwrap(), &handle).expect("bind loopback");
        let addr = listener.local_addr().unwrap();
        let payload: Vec<u8> = (0..64 * 1024).map(|i| (i % 251) as u8).collect();
        let expected = payload.clone();
        let server = async {
            let (mut stream, _) = listener.accept().await.expect("accept");
            let mut buf = vec![0; 64 * 1024];
            stream.read_exact(&mut buf).await.expect("server read");
            stream.write_all(&buf).await.expect("server write");
        };
        let client = async {
            let mut stream = TcpStream::connect_with(addr, &handle)
                .await
                .expect("connect");
            stream.write_all(&payload).await.expect("client write");
            let mut back = vec![0; 64 * 1024];
            stream.read_exact(&mut back).await.expect("client read");
            back
        };
        cx.at("a TCP client and server exchanging 64 KiB");
        let ((), back) = futures_util::future::join(server, client).await;
        assert!(back == expected, "the bytes came back changed");
    })
}

fn connection_refused(socket: &MioUnderTest, cx: &CellContext) -> BoxFuture<()> {
    let handle = socket.handle.clone();
    let addr = refused_addr();
    let cx = cx.clone();
    Box::pin(async move {
        cx.at("connecting to a closed port");
        let error = TcpStream::connect_with(addr, &handle)
            .await
            .expect_err("connecting to a closed port succeeded");
        assert_eq!(
            error.kind(),
            std::io::ErrorKind::ConnectionRefused,
            "{error}"
        );
    })
}

fn eof(socket: &MioUnderTest, cx: &CellContext) -> BoxFuture<()> {
    let handle = socket.handle.clone();
    let cx = cx.clone();
    let (std_listener, addr) = listener();
    Box::pin(async move {
        let connecting = std::net::TcpStream::connect(addr).expect("connect");
        let (accepted, _) = std_listener.accept().expect("accept");
        let mut stream = TcpStream::from_std_with(connecting, &handle).expect("register");
        let mut buf = [0; 8];
        let mut read = Box::pin(stream.read(&mut buf));
        assert_pending(&mut read, "a read with no data").await;
        on_another_thread(move || drop(accepted));
        cx.at("awaiting a read while the peer closes");
        assert_eq!(read.await.expect("read at EOF"), 0);
        assert_eq!(stream.read(&mut buf).await.expect("read again at EOF"), 0);
    })
}

fn peer_reset(socket: &MioUnderTest, cx: &CellContext) -> BoxFuture<()> {
    let handle = socket.handle.clone();
    let cx = cx.clone();
    let (std_listener, addr) = listener();
    Box::pin(async move {
        let connecting = std::net::TcpStream::connect(addr).expect("connect");
        let (accepted, _) = std_listener.accept().expect("accept");
        let mut stream = TcpStream::from_std_with(connecting, &handle).expect("register");
        let mut buf = [0; 8];
        let mut read = Box::pin(stream.read(&mut buf));
        assert_pending(&mut read, "a read with no data").await;
        on_another_thread(move || reset(accepted));
        cx.at("awaiting a read while the peer resets");
        let error = read.await.expect_err("a read after a reset succeeded");
        assert_eq!(error.kind(), std::io::ErrorKind::ConnectionReset, "{error}");
    })
}

fn park_is_current(socket: &MioUnderTest, cx: &CellContext) -> BoxFuture<()> {
    let handle = socket.handle.clone();
    let cx = cx.clone();
    Box::pin(async move {
        cx.at("asking for the current reactor");
        let current = Handle::current().expect("a current reactor");
        assert!(
            current == handle,
            "the current reactor is not the one the executor drives"
        );
        // And a socket made with the free constructors registers there.
        let before = handle.metrics().registrations;
        let (ours, mut peer) = unix_pair();
        let source = Async::new(FdSource::new(ours)).expect("register with the current reactor");
        assert_eq!(handle.metrics().registrations, before + 1);
        peer.write_all(b"x").unwrap();
        cx.at("awaiting readiness of a socket registered through the free constructor");
        source.readable().await.expect("readable");
    })
}
