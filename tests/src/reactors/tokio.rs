//! tokio's reactor (its I/O driver and timer) under any executor, through the adapter's
//! `TokioReactor`, which runs it on a thread of its own.

use std::sync::Arc;

use futures_util::FutureExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wakewire_adapter_tokio::{ReactorError, TokioReactor};
use wakewire_core::spawn::BoxFuture;

use crate::kit::context::CellContext;
use crate::kit::leaf::{Clockwork, Leaf, LeafSource};
use crate::kit::reactor::{ReactorBuilder, ReactorEntry, Scenario};
use crate::reactors::sockets::{listener, poke, refused_addr, reset, unix_pair};
use crate::scenarios::support::{assert_pending, on_another_thread};

/// tokio's reactor for one cell.
pub(crate) struct TokioUnderTest {
    reactor: Arc<TokioReactor>,
}

fn flatten<T, E: std::fmt::Display>(
    result: Result<Result<T, E>, ReactorError>,
) -> Result<T, String> {
    match result {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(error.to_string()),
        Err(error) => Err(error.to_string()),
    }
}

impl LeafSource for TokioUnderTest {
    fn leaf(&self) -> Leaf {
        let (ours, peer) = unix_pair();
        let readable = self.reactor.wrap(async move {
            let stream = tokio::net::UnixStream::from_std(ours)?;
            stream.readable().await
        });
        Leaf::new(readable.map(flatten), move || poke(peer))
    }

    fn clockwork(&self) -> Option<Clockwork> {
        Some(Clockwork {
            name: "tokio's timer through TokioReactor (real clock)".to_owned(),
            timer: Arc::clone(&self.reactor) as _,
            advance: None,
        })
    }
}

pub(crate) fn entry() -> ReactorEntry {
    ReactorBuilder::leaves(
        "tokio",
        "tokio's reactor (I/O driver and timer) through the adapter's TokioReactor, on its own thread",
    )
    .on_own_thread(|| {
        let reactor = TokioReactor::on_own_thread().map_err(|e| format!("TokioReactor: {e}"))?;
        Ok(TokioUnderTest {
            reactor: Arc::new(reactor),
        })
    })
    .no_park("tokio's driver is private to tokio: TokioReactor always runs it on a thread of its own")
    .scenario(Scenario::new(
        "tcp-round-trip",
        "tokio's TcpStream connects, writes and reads back 64 KiB over loopback",
        tcp_round_trip,
    ))
    .scenario(Scenario::new(
        "udp-datagram",
        "a tokio UdpSocket waiting in recv_from gets a datagram sent from another thread",
        udp_datagram,
    ))
    .scenario(Scenario::new(
        "tokio-sleep",
        "tokio::time::sleep, made inside the reactor's context, completes under the executor",
        tokio_sleep,
    ))
    .scenario(Scenario::new(
        "connection-refused",
        "connecting to a loopback port nobody listens on fails with ConnectionRefused",
        connection_refused,
    ))
    .scenario(Scenario::new(
        "eof",
        "a read waiting when the peer closes returns Ok(0)",
        eof,
    ))
    .scenario(Scenario::new(
        "peer-reset",
        "a read waiting when the peer resets the connection fails with ConnectionReset",
        peer_reset,
    ))
    .scenario(Scenario::new(
        "reactor-shutdown",
        "a read waiting when its TokioReactor shuts down resolves with ReactorError::Shutdown",
        reactor_shutdown,
    ))
    .build()
}

fn tcp_round_trip(tokio: &TokioUnderTest, cx: &CellContext) -> BoxFuture<()> {
    let (std_listener, addr) = listener();
    let server = std::thread::spawn(move || {
        use std::io::{Read, Write};
        let (mut stream, _) = std_listener.accept().expect("accept");
        let mut buf = vec![0; 64 * 1024];
        stream.read_exact(&mut buf).expect("server read");
        stream.write_all(&buf).expect("server write");
    });
    let payload: Vec<u8> = (0..64 * 1024).map(|i| (i % 251) as u8).collect();
    let expected = payload.clone();
    let exchange = tokio.reactor.wrap(async move {
        let mut stream = tokio::net::TcpStream::connect(addr).await?;
        stream.write_all(&payload).await?;
        let mut back = vec![0; 64 * 1024];
        stream.read_exact(&mut back).await?;
        Ok::<_, std::io::Error>(back)
    });
    let cx = cx.clone();
    Box::pin(async move {
        cx.at("a tokio TCP client exchanging 64 KiB with a std server");
        let back = flatten(exchange.await).expect("the exchange");
        assert!(back == expected, "the bytes came back changed");
        server.join().expect("the server thread");
    })
}

fn connection_refused(tokio: &TokioUnderTest, cx: &CellContext) -> BoxFuture<()> {
    let addr = refused_addr();
    let connect = tokio
        .reactor
        .wrap(async move { tokio::net::TcpStream::connect(addr).await.map(drop) });
    let cx = cx.clone();
    Box::pin(async move {
        cx.at("connecting to a closed port");
        let error = connect
            .await
            .expect("the reactor is running")
            .expect_err("connecting to a closed port succeeded");
        assert_eq!(
            error.kind(),
            std::io::ErrorKind::ConnectionRefused,
            "{error}"
        );
    })
}

/// A read on a tokio TCP stream whose std peer the scenario closes or resets.
fn read_against(
    tokio: &TokioUnderTest,
    cx: &CellContext,
    what: &'static str,
    close: fn(std::net::TcpStream),
    check: fn(std::io::Result<usize>),
) -> BoxFuture<()> {
    let (std_listener, addr) = listener();
    let connecting = std::net::TcpStream::connect(addr).expect("connect");
    connecting.set_nonblocking(true).expect("non-blocking");
    let (accepted, _) = std_listener.accept().expect("accept");
    let read = tokio.reactor.wrap(async move {
        let mut stream = tokio::net::TcpStream::from_std(connecting)?;
        let mut buf = [0; 8];
        stream.read(&mut buf).await
    });
    let cx = cx.clone();
    Box::pin(async move {
        let mut read = Box::pin(read);
        assert_pending(&mut read, "a read with no data").await;
        on_another_thread(move || close(accepted));
        cx.at(what);
        check(read.await.expect("the reactor is running"));
    })
}

fn eof(tokio: &TokioUnderTest, cx: &CellContext) -> BoxFuture<()> {
    read_against(
        tokio,
        cx,
        "awaiting a read while the peer closes",
        drop,
        |read| {
            assert_eq!(read.expect("a read at EOF"), 0);
        },
    )
}

fn peer_reset(tokio: &TokioUnderTest, cx: &CellContext) -> BoxFuture<()> {
    read_against(
        tokio,
        cx,
        "awaiting a read while the peer resets",
        reset,
        |read| {
            let error = read.expect_err("a read after a reset succeeded");
            assert_eq!(error.kind(), std::io::ErrorKind::ConnectionReset, "{error}");
        },
    )
}

fn reactor_shutdown(_: &TokioUnderTest, cx: &CellContext) -> BoxFuture<()> {
    let doomed = TokioReactor::on_own_thread().expect("a second TokioReactor");
    let (ours, peer) = unix_pair();
    let readable = doomed.wrap(async move {
        let stream = tokio::net::UnixStream::from_std(ours)?;
        stream.readable().await
    });
    let cx = cx.clone();
    Box::pin(async move {
        let mut readable = Box::pin(readable);
        assert_pending(&mut readable, "a readiness wait").await;
        on_another_thread(move || doomed.shutdown());
        cx.at("awaiting readiness while the TokioReactor shuts down");
        match readable.await {
            Err(ReactorError::Shutdown) => {}
            other => panic!("expected ReactorError::Shutdown, got {other:?}"),
        }
        drop(peer);
    })
}

fn udp_datagram(tokio: &TokioUnderTest, cx: &CellContext) -> BoxFuture<()> {
    let std_socket = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind loopback");
    std_socket.set_nonblocking(true).expect("non-blocking");
    let address = std_socket.local_addr().expect("local address");
    let sender = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind loopback");
    let from = sender.local_addr().expect("local address");
    let receive = tokio.reactor.wrap(async move {
        let socket = tokio::net::UdpSocket::from_std(std_socket)?;
        let mut buffer = [0; 16];
        let (length, peer) = socket.recv_from(&mut buffer).await?;
        Ok::<_, std::io::Error>((buffer[..length].to_vec(), peer))
    });
    let cx = cx.clone();
    Box::pin(async move {
        let mut receive = Box::pin(receive);
        assert_pending(&mut receive, "a receive with nothing sent").await;
        on_another_thread(move || {
            sender.send_to(b"datagram", address).expect("send");
        });
        cx.at("awaiting a datagram sent from another thread");
        let (data, peer) = flatten(receive.await).expect("the datagram");
        assert_eq!(data, b"datagram");
        assert_eq!(peer, from);
    })
}

fn tokio_sleep(tokio: &TokioUnderTest, cx: &CellContext) -> BoxFuture<()> {
    let nap = tokio
        .reactor
        .wrap_with(|| tokio::time::sleep(std::time::Duration::from_millis(2)));
    let cx = cx.clone();
    Box::pin(async move {
        cx.at("awaiting a 2 ms tokio sleep");
        nap.await.expect("the reactor is running");
    })
}
