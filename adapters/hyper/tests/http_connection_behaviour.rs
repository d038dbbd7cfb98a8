//! Connection-level behaviour of the hyper server on Wakewire, on every runtime of the
//! table: keep-alive, many connections at once, clients that leave mid-body, malformed
//! requests, slow readers cut by a deadline on the `HyperTimer`, and hyper's own
//! header-read timeout running on it.

mod util;

use std::io::{BufReader, Read, Write};
use std::time::Duration;

use util::client::{
    agent, connect, get_request, raw_exchange, read_response, read_until_closed, ureq_get,
};
use util::server::JSON;
use util::{Config, Server};

/// How long a test waits for the server's counters to reach a state.
const SETTLE: Duration = Duration::from_secs(20);

/// The server still answers on a fresh connection.
fn still_serving(server: &Server) {
    let fetched = ureq_get(&agent(), server.addr, "/json");
    assert_eq!((fetched.status, fetched.body.as_str()), (200, JSON));
}

/// 300 requests one after another on one raw connection, fixed-length and chunked
/// bodies alternating; then 100 through one `ureq` agent, which also keeps its
/// connection. Two connections in all.
fn keep_alive(server: &Server) {
    let stream = connect(server.addr);
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    for i in 0..300 {
        let path = if i % 2 == 0 { "/json" } else { "/stream?3" };
        writer.write_all(&get_request(path)).unwrap();
        let response = read_response(&mut reader).unwrap();
        assert_eq!(response.status, 200, "request {i}");
        if i % 2 == 0 {
            assert_eq!(response.body, JSON.as_bytes());
        } else {
            assert_eq!(response.header("transfer-encoding"), Some("chunked"));
            assert_eq!(response.body, b"chunk 0\nchunk 1\nchunk 2\n");
        }
    }
    let agent = agent();
    for _ in 0..100 {
        assert_eq!(ureq_get(&agent, server.addr, "/").status, 200);
    }
    let counts = server.stats.snapshot();
    assert_eq!((counts.accepted, counts.requests), (2, 400));
}

/// 200 connections open at once, each with a request in flight before any response is
/// read.
fn concurrent_connections(server: &Server) {
    const CONNECTIONS: usize = 200;
    let mut streams: Vec<_> = (0..CONNECTIONS).map(|_| connect(server.addr)).collect();
    for stream in &mut streams {
        stream.write_all(&get_request("/json")).unwrap();
    }
    for stream in streams.drain(..) {
        let response = read_response(&mut BufReader::new(stream)).unwrap();
        assert_eq!(
            (response.status, response.body.as_slice()),
            (200, JSON.as_bytes())
        );
    }
    let counts = server
        .stats
        .wait_until("every connection closed", SETTLE, |c| {
            c.closed() == CONNECTIONS
        });
    assert_eq!(
        (counts.accepted, counts.requests),
        (CONNECTIONS, CONNECTIONS)
    );
}

/// A client asks for 64 MiB, reads a little and disconnects: the server drops the
/// streaming body unfinished, ends the connection, and keeps serving.
fn disconnect_mid_body(server: &Server) {
    let mut stream = connect(server.addr);
    stream.write_all(&get_request("/big?67108864")).unwrap();
    let mut some = vec![0; 100_000];
    stream.read_exact(&mut some).unwrap();
    drop(stream);
    let counts = server
        .stats
        .wait_until("the abandoned body dropped", SETTLE, |c| {
            c.bodies_unfinished == 1 && c.closed() == 1
        });
    assert_eq!(counts.closed_err, 1, "{counts:?}");
    still_serving(server);
}

/// Malformed request lines get hyper's automatic 400 and the connection is closed; the
/// server keeps serving.
fn malformed_request_line(server: &Server) {
    for garbage in [
        &b"THIS IS NOT HTTP\r\n\r\n"[..],
        b"GET / HTTP/7.5\r\nhost: x\r\n\r\n",
        b"G\x01T / HTTP/1.1\r\n\r\n",
    ] {
        let response = raw_exchange(server.addr, garbage).unwrap();
        assert_eq!(
            response.status,
            400,
            "{:?}",
            String::from_utf8_lossy(garbage)
        );
    }
    let counts = server
        .stats
        .wait_until("the bad connections closed", SETTLE, |c| c.closed() == 3);
    assert_eq!((counts.closed_err, counts.requests), (3, 0));
    still_serving(server);
}

/// A client that reads a 32 MiB body one byte at a time: the server's 300 ms connection
/// deadline (a `HyperTimer` sleep) cuts the connection; the client sees the end of the
/// stream long before the end of the body.
fn slow_reader(server: &Server) {
    const BODY: usize = 32 << 20;
    let mut stream = connect(server.addr);
    stream
        .write_all(&get_request(&format!("/big?{BODY}")))
        .unwrap();
    let mut byte = [0];
    let mut read = 0;
    // Slow on purpose until the server gives up on us (bounded: 60 s of 1 ms steps).
    while server.stats.snapshot().deadline_hits == 0 {
        assert!(read < 60_000, "the server never cut the slow reader");
        assert_eq!(stream.read(&mut byte).unwrap(), 1);
        read += 1;
        std::thread::sleep(Duration::from_millis(1));
    }
    let (rest, ended) = read_until_closed(&mut stream);
    if let Err(err) = ended {
        assert_eq!(err.kind(), std::io::ErrorKind::ConnectionReset, "{err}");
    }
    assert!(
        read + rest < BODY,
        "the whole body arrived: {read} + {rest}"
    );
    assert_eq!(server.stats.snapshot().bodies_unfinished, 1);
    still_serving(server);
}

fn slow_reader_config() -> Config {
    Config {
        connection_deadline: Some(Duration::from_millis(300)),
        ..Config::default()
    }
}

/// hyper's header-read timeout, on the `HyperTimer`: a client that never finishes its
/// headers is disconnected without a response; one that goes quiet after a response is
/// disconnected too (hyper re-arms the timer through `Timer::reset` for the next request).
fn header_read_timeout(server: &Server) {
    let mut unfinished = connect(server.addr);
    unfinished
        .write_all(b"GET / HTTP/1.1\r\nhost: x\r\n")
        .unwrap();
    assert_eq!(read_until_closed(&mut unfinished).0, 0);

    let idle = connect(server.addr);
    (&idle).write_all(&get_request("/json")).unwrap();
    let mut reader = BufReader::new(idle);
    assert_eq!(read_response(&mut reader).unwrap().status, 200);
    assert_eq!(read_until_closed(reader.get_mut()).0, 0);

    let counts = server
        .stats
        .wait_until("both connections closed", SETTLE, |c| c.closed() == 2);
    assert_eq!(counts.closed_err, 2, "{counts:?}");
    still_serving(server);
}

fn header_timeout_config() -> Config {
    Config {
        header_read_timeout: Some(Duration::from_millis(200)),
        ..Config::default()
    }
}

on_every_runtime! {
    keep_alive_one_connection => keep_alive;
    two_hundred_concurrent_connections => concurrent_connections;
    client_disconnects_mid_body => disconnect_mid_body;
    malformed_request_line_is_400 => malformed_request_line;
    slow_reader_cut_by_deadline => slow_reader, super::slow_reader_config();
    header_read_timeout_on_hyper_timer => header_read_timeout, super::header_timeout_config();
}
