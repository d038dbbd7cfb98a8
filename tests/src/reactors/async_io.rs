//! async-io, smol's reactor, as it is: one global reactor driven by its own thread (or by
//! `async_io::block_on`), under any executor.

use std::net::TcpStream;
use std::os::unix::net::UnixStream;
use std::sync::Arc;

use async_io::Async;
use futures_util::io::{AsyncReadExt, AsyncWriteExt};
use wakewire_adapter_smol::AsyncIoTimer;
use wakewire_core::spawn::BoxFuture;

use crate::kit::context::CellContext;
use crate::kit::leaf::{Clockwork, Leaf, LeafSource};
use crate::kit::reactor::{ReactorBuilder, ReactorEntry, Scenario};
use crate::reactors::sockets::{listener, poke, refused_addr, reset, unix_pair};
use crate::scenarios::support::{assert_pending, on_another_thread};

/// async-io's reactor is global: a cell needs nothing of its own.
pub(crate) struct AsyncIoUnderTest;

/// async-io's timer behind core's `Timer`, for the timeout scenarios.
pub(crate) fn async_io_clockwork() -> Clockwork {
    Clockwork {
        name: "async-io's timer through AsyncIoTimer (real clock)".to_owned(),
        timer: Arc::new(AsyncIoTimer),
        advance: None,
    }
}

/// Completes after async-io's reactor has turned: inserting a timer wakes it, and it
/// applies queued timer removals on that turn.
pub(crate) fn async_io_turn() -> BoxFuture<()> {
    Box::pin(async {
        async_io::Timer::after(std::time::Duration::from_millis(1)).await;
    })
}

impl LeafSource for AsyncIoUnderTest {
    fn leaf(&self) -> Leaf {
        let (ours, peer): (UnixStream, UnixStream) = unix_pair();
        Leaf::new(
            async move {
                let source = Async::new(ours).map_err(|e| format!("register: {e}"))?;
                source
                    .readable()
                    .await
                    .map_err(|e| format!("readable: {e}"))
            },
            move || poke(peer),
        )
    }

    fn clockwork(&self) -> Option<Clockwork> {
        Some(async_io_clockwork())
    }

    fn settle(&self) -> Option<BoxFuture<()>> {
        Some(async_io_turn())
    }
}

pub(crate) fn entry() -> ReactorEntry {
    ReactorBuilder::leaves(
        "async-io",
        "async-io (smol's reactor) as it is: its global reactor on its own thread",
    )
    .on_own_thread(|| Ok(AsyncIoUnderTest))
    .no_park("async-io drives its one global reactor itself (its thread, or async_io::block_on): it offers no Park")
    .scenario(Scenario::new(
        "tcp-round-trip",
        "Async<TcpStream> connects, writes and reads back 64 KiB over loopback",
        tcp_round_trip,
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
    .build()
}

fn tcp_round_trip(_: &AsyncIoUnderTest, cx: &CellContext) -> BoxFuture<()> {
    let (std_listener, addr) = listener();
    let server = std::thread::spawn(move || {
        use std::io::{Read, Write};
        let (mut stream, _) = std_listener.accept().expect("accept");
        let mut buf = vec![0; 64 * 1024];
        stream.read_exact(&mut buf).expect("server read");
        stream.write_all(&buf).expect("server write");
    });
    let payload: Vec<u8> = (0..64 * 1024).map(|i| (i % 251) as u8).collect();
    let cx = cx.clone();
    Box::pin(async move {
        cx.at("an Async<TcpStream> exchanging 64 KiB with a std server");
        let mut stream = Async::<TcpStream>::connect(addr).await.expect("connect");
        stream.write_all(&payload).await.expect("write");
        let mut back = vec![0; 64 * 1024];
        stream.read_exact(&mut back).await.expect("read");
        assert!(back == payload, "the bytes came back changed");
        server.join().expect("the server thread");
    })
}

fn connection_refused(_: &AsyncIoUnderTest, cx: &CellContext) -> BoxFuture<()> {
    let addr = refused_addr();
    let cx = cx.clone();
    Box::pin(async move {
        cx.at("connecting to a closed port");
        let error = Async::<TcpStream>::connect(addr)
            .await
            .expect_err("connecting to a closed port succeeded");
        assert_eq!(
            error.kind(),
            std::io::ErrorKind::ConnectionRefused,
            "{error}"
        );
    })
}

fn read_against(
    cx: &CellContext,
    what: &'static str,
    close: fn(TcpStream),
    check: fn(std::io::Result<usize>),
) -> BoxFuture<()> {
    let (std_listener, addr) = listener();
    let connecting = TcpStream::connect(addr).expect("connect");
    let (accepted, _) = std_listener.accept().expect("accept");
    let cx = cx.clone();
    Box::pin(async move {
        let mut stream = Async::new(connecting).expect("register");
        let mut buf = [0; 8];
        let mut read = stream.read(&mut buf);
        assert_pending(&mut read, "a read with no data").await;
        on_another_thread(move || close(accepted));
        cx.at(what);
        check(read.await);
    })
}

fn eof(_: &AsyncIoUnderTest, cx: &CellContext) -> BoxFuture<()> {
    read_against(cx, "awaiting a read while the peer closes", drop, |read| {
        assert_eq!(read.expect("a read at EOF"), 0);
    })
}

fn peer_reset(_: &AsyncIoUnderTest, cx: &CellContext) -> BoxFuture<()> {
    read_against(cx, "awaiting a read while the peer resets", reset, |read| {
        let error = read.expect_err("a read after a reset succeeded");
        assert_eq!(error.kind(), std::io::ErrorKind::ConnectionReset, "{error}");
    })
}
