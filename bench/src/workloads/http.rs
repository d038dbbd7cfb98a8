//! http: hyper's HTTP/1.1 server on each contender, loaded by one fixed client.
//!
//! The server is the same hyper code for everyone ([`serve`]); only the glue between the
//! runtime's sockets and hyper's I/O traits differs ([`Spawner::serve_http`]). The client
//! is the same for everyone too, and outside every runtime: one OS thread per connection,
//! blocking std sockets, keep-alive, each request written after the previous response was
//! read in full (closed loop). Each request's latency is measured by its client thread;
//! the run reports its wall time and the p99 of those latencies.

use std::convert::Infallible;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::{Request, Response};

use crate::contender::{Contender, OneshotSender, Spawner};

/// The response body of every request.
const BODY: &[u8] = b"Hello, World!";
const REQUEST: &[u8] = b"GET /plaintext HTTP/1.1\r\nhost: bench\r\n\r\n";

/// Serves one connection with hyper's HTTP/1 server until the client closes it.
pub(crate) async fn serve<I>(io: I)
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(|request: Request<Incoming>| async move {
        assert_eq!(
            request.uri().path(),
            "/plaintext",
            "http: unexpected request"
        );
        Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(BODY))))
    });
    hyper::server::conn::http1::Builder::new()
        .serve_connection(io, service)
        .await
        .expect("http: server connection failed");
}

/// One run: `connections` client threads each send `per_connection` requests on one
/// kept-alive connection. Returns the wall time from starting the clients to the last
/// response, and the p99 latency of one request.
pub(crate) fn http<C: Contender>(
    contender: &C,
    connections: usize,
    per_connection: usize,
) -> (Duration, Duration) {
    let spawner = contender.spawner();
    let (elapsed, mut latencies, clients) = contender.block_on(spawner.clone().spawn(async move {
        let (listener, addr) = spawner.bind().await;
        let start = Instant::now();
        let mut results = Vec::with_capacity(connections);
        let mut clients = Vec::with_capacity(connections);
        for _ in 0..connections {
            let (tx, rx) = C::Spawner::oneshot::<Vec<u32>>();
            clients.push(thread::spawn(move || tx.send(client(addr, per_connection))));
            results.push(rx);
        }
        let mut servers = Vec::with_capacity(connections);
        for _ in 0..connections {
            let stream = C::Spawner::accept(&listener).await;
            servers.push(spawner.spawn(C::Spawner::serve_http(stream)));
        }
        let mut latencies = Vec::with_capacity(connections * per_connection);
        for result in results {
            latencies.extend(result.await);
        }
        let elapsed = start.elapsed();
        for server in servers {
            server.await; // ends when its client closes the connection
        }
        (elapsed, latencies, clients)
    }));
    for client in clients {
        client.join().expect("http: a client thread panicked");
    }
    assert_eq!(
        latencies.len(),
        connections * per_connection,
        "http: wrong response count: the run is invalid"
    );
    latencies.sort_unstable();
    let p99 = latencies[(latencies.len() * 99).div_ceil(100) - 1];
    (elapsed, Duration::from_nanos(u64::from(p99)))
}

/// The fixed client: `requests` requests on one connection, each response checked;
/// returns each request's latency in nanoseconds.
fn client(addr: SocketAddr, requests: usize) -> Vec<u32> {
    let stream = TcpStream::connect(addr).expect("http: client connect");
    stream.set_nodelay(true).expect("http: client nodelay");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .expect("http: client timeout");
    let mut writer = stream.try_clone().expect("http: client clone");
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    let mut body = [0u8; BODY.len()];
    let mut latencies = Vec::with_capacity(requests);
    for _ in 0..requests {
        let sent = Instant::now();
        writer.write_all(REQUEST).expect("http: client write");
        let mut length = None;
        let mut status_seen = false;
        loop {
            line.clear();
            let n = reader.read_line(&mut line).expect("http: client read");
            assert!(n > 0, "http: the server closed the connection");
            let line = line.trim_end();
            if !status_seen {
                assert!(
                    line.starts_with("HTTP/1.1 200"),
                    "http: bad status {line:?}"
                );
                status_seen = true;
            } else if line.is_empty() {
                break;
            } else if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().ok();
                }
            }
        }
        assert_eq!(length, Some(BODY.len()), "http: bad content-length");
        reader.read_exact(&mut body).expect("http: client body");
        assert_eq!(&body, BODY, "http: bad body");
        latencies.push(u32::try_from(sent.elapsed().as_nanos()).unwrap_or(u32::MAX));
    }
    latencies
}
