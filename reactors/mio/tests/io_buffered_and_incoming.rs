//! `BufReader` over the sockets gives `AsyncBufRead` (`lines()`, `read_until`) and still
//! writes; `incoming()` on TCP and Unix listeners is a `Stream` of connections. On the
//! local executor driving a private reactor (every executor is the matrix's job).

use futures_util::{StreamExt, TryStreamExt};
use wakewire_reactor_mio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use wakewire_reactor_mio::{Handle, TcpListener, TcpStream, UnixListener, UnixStream};

const LINES: usize = 500;

/// A client writes `LINES` numbered lines in uneven pieces (lines split across writes, and
/// several lines per write); the server reads them with `lines()` from a `BufReader` and
/// answers through the same `BufReader` (it forwards writes), then the client reads the
/// answer.
async fn lines_over_tcp(handle: Handle) {
    let listener = TcpListener::bind_with("127.0.0.1:0".parse().unwrap(), &handle).unwrap();
    let addr = listener.local_addr().unwrap();
    let client = async {
        let mut stream = TcpStream::connect_with(addr, &handle).await.unwrap();
        let text: String = (0..LINES).map(|i| format!("line {i}\n")).collect();
        for piece in text.as_bytes().chunks(7) {
            stream.write_all(piece).await.unwrap();
        }
        stream.close().await.unwrap(); // EOF ends the server's `lines()`
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        answer
    };
    let server = async {
        let (stream, _) = listener.accept().await.unwrap();
        let mut buffered = BufReader::with_capacity(64, stream);
        let mut count = 0;
        {
            let mut lines = (&mut buffered).lines();
            while let Some(line) = lines.next().await {
                assert_eq!(line.unwrap(), format!("line {count}"));
                count += 1;
            }
        }
        buffered
            .write_all(format!("{count} lines\n").as_bytes())
            .await
            .unwrap();
        buffered.close().await.unwrap();
    };
    let (answer, ()) = futures_util::future::join(client, server).await;
    assert_eq!(answer, format!("{LINES} lines\n"));
}

/// `read_until` over a Unix stream pair; the buffered half sees a byte split at every
/// boundary the writer chose.
async fn read_until_over_unix(handle: Handle) {
    let (mut a, b) = UnixStream::pair_with(&handle).unwrap();
    let writer = async move {
        for record in [&b"alpha;"[..], b"be", b"ta;gam", b"ma;"] {
            a.write_all(record).await.unwrap();
        }
    };
    let reader = async move {
        let mut b = BufReader::new(b);
        let mut records = Vec::new();
        for _ in 0..3 {
            let mut record = Vec::new();
            b.read_until(b';', &mut record).await.unwrap();
            records.push(String::from_utf8(record).unwrap());
        }
        records
    };
    let ((), records) = futures_util::future::join(writer, reader).await;
    assert_eq!(records, ["alpha;", "beta;", "gamma;"]);
}

/// `incoming()` yields each connection once, in a `Stream` pipeline.
async fn incoming_tcp_stream(handle: Handle) {
    const CONNS: usize = 8;
    let listener = TcpListener::bind_with("127.0.0.1:0".parse().unwrap(), &handle).unwrap();
    let addr = listener.local_addr().unwrap();
    let clients = async {
        let mut kept = Vec::new();
        for i in 0..CONNS {
            let mut stream = TcpStream::connect_with(addr, &handle).await.unwrap();
            stream.write_all(&[i as u8]).await.unwrap();
            kept.push(stream);
        }
        kept
    };
    let server = listener
        .incoming()
        .take(CONNS)
        .and_then(|mut stream| async move {
            let mut byte = [0];
            stream.read_exact(&mut byte).await?;
            Ok(byte[0])
        })
        .try_collect::<Vec<u8>>();
    let (_kept, seen) = futures_util::future::join(clients, server).await;
    let mut seen = seen.unwrap();
    seen.sort_unstable();
    assert_eq!(seen, (0..CONNS as u8).collect::<Vec<_>>());
}

/// The same over a Unix listener.
async fn incoming_unix_stream(handle: Handle) {
    let dir = tempdir();
    let path = dir.join("incoming.sock");
    let listener = UnixListener::bind_with(&path, &handle).unwrap();
    let clients = async {
        let mut kept = Vec::new();
        for _ in 0..4 {
            kept.push(UnixStream::connect_with(&path, &handle).await.unwrap());
        }
        kept
    };
    let server = listener.incoming().take(4).try_collect::<Vec<_>>();
    let (_kept, accepted) = futures_util::future::join(clients, server).await;
    assert_eq!(accepted.unwrap().len(), 4);
    std::fs::remove_dir_all(dir).unwrap();
}

fn tempdir() -> std::path::PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "wakewire-incoming-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn lines_tcp() {
    wakewire_test_util::run_with_mio_reactor(lines_over_tcp);
}

#[test]
fn read_until_unix() {
    wakewire_test_util::run_with_mio_reactor(read_until_over_unix);
}

#[test]
fn incoming_tcp() {
    wakewire_test_util::run_with_mio_reactor(incoming_tcp_stream);
}

#[test]
fn incoming_unix() {
    wakewire_test_util::run_with_mio_reactor(incoming_unix_stream);
}
