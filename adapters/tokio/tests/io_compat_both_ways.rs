//! `compat` both ways: Wakewire's `futures-io` sockets driven by tokio's io-util helpers
//! (`read_exact`, `write_all`, `copy`, `lines`, `shutdown`), and tokio's sockets (under a
//! `TokioReactor`) driven by `futures-util`'s helpers. On Wakewire's local executor; the
//! reactors under every executor are the matrix's `mio` and `tokio` columns.

use futures_util::io::{AsyncBufReadExt as _, AsyncWriteExt as _};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
use wakewire_adapter_tokio::compat::{
    FuturesAsyncReadCompatExt, FuturesAsyncWriteCompatExt, TokioAsyncReadCompatExt,
};
use wakewire_adapter_tokio::TokioReactor;
use wakewire_reactor_mio::io::BufReader;
use wakewire_reactor_mio::{TcpListener, TcpStream};

const LINES: usize = 200;

/// Our sockets under tokio's helpers: a client writes numbered lines and a 100 KB blob;
/// the server echoes the blob back with `tokio::io::copy` after reading the lines with
/// tokio's `lines()` over our `BufReader` (its `AsyncBufRead`, forwarded by `Compat`).
async fn our_sockets_as_tokio_io() {
    let listener = TcpListener::bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = listener.local_addr().unwrap();
    let blob: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    let client = async {
        let (read, write) = TcpStream::connect(addr).await.unwrap().into_split();
        let (mut read, mut write) = (read.compat(), write.compat_write());
        for i in 0..LINES {
            write
                .write_all(format!("line {i}\n").as_bytes())
                .await
                .unwrap();
        }
        write.write_all(b"blob\n").await.unwrap();
        write.write_all(&blob).await.unwrap();
        write.shutdown().await.unwrap(); // poll_shutdown → our poll_close: EOF for the server
        let mut echoed = Vec::new();
        read.read_to_end(&mut echoed).await.unwrap();
        echoed
    };
    let server = async {
        let (stream, _) = listener.accept().await.unwrap();
        let (read, write) = stream.into_split();
        let mut read = BufReader::new(read).compat();
        let mut write = write.compat_write();
        let mut line = String::new();
        for i in 0..LINES {
            line.clear();
            read.read_line(&mut line).await.unwrap();
            assert_eq!(line, format!("line {i}\n"));
        }
        line.clear();
        read.read_line(&mut line).await.unwrap();
        assert_eq!(line, "blob\n");
        tokio::io::copy(&mut read, &mut write).await.unwrap();
        write.shutdown().await.unwrap();
    };
    let (echoed, ()) = futures_util::future::join(client, server).await;
    assert_eq!(echoed, blob);
}

/// tokio's sockets, made under a `TokioReactor`, under `futures-util`'s helpers on our
/// executor: the reverse direction.
async fn tokio_sockets_as_futures_io(reactor: TokioReactor) {
    let handle = reactor.handle();
    let listener = handle
        .wrap(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .await
        .unwrap()
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let client = async {
        let stream = handle
            .wrap(tokio::net::TcpStream::connect(addr))
            .await
            .unwrap()
            .unwrap();
        let mut stream = stream.compat();
        for i in 0..LINES {
            stream.write_all(format!("{i}\n").as_bytes()).await.unwrap();
        }
        stream.close().await.unwrap();
    };
    let server = async {
        let (stream, _) = handle.wrap(listener.accept()).await.unwrap().unwrap();
        let lines = futures_util::io::BufReader::new(stream.compat()).lines();
        let lines: Vec<String> = futures_util::TryStreamExt::try_collect(lines)
            .await
            .unwrap();
        lines
    };
    let ((), lines) = futures_util::future::join(client, server).await;
    assert_eq!(lines, (0..LINES).map(|i| i.to_string()).collect::<Vec<_>>());
    reactor.shutdown();
}

#[test]
fn our_sockets_under_tokio_helpers() {
    wakewire_test_util::run_local(|_| our_sockets_as_tokio_io());
}

#[test]
fn tokio_sockets_under_futures_helpers() {
    let reactor = TokioReactor::on_own_thread().unwrap();
    wakewire_test_util::run_local(|_| tokio_sockets_as_futures_io(reactor));
}
