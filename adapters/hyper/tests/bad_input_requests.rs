//! Bad input from the network, on every runtime of the table: request headers past
//! hyper's limits (431), and a peer that resets the connection mid-request (SO_LINGER=0).
//! Each time the connection ends and the server keeps serving.

mod util;

use std::io::{BufReader, Write};
use std::time::Duration;

use socket2::SockRef;
use util::client::{agent, connect, raw_exchange, read_response, ureq_get};
use util::server::JSON;
use util::Server;

const SETTLE: Duration = Duration::from_secs(20);

fn still_serving(server: &Server) {
    let fetched = ureq_get(&agent(), server.addr, "/json");
    assert_eq!((fetched.status, fetched.body.as_str()), (200, JSON));
}

/// More header fields than hyper parses (100) is a 431.
fn too_many_headers(server: &Server) {
    let mut request = String::from("GET / HTTP/1.1\r\nhost: x\r\n");
    for i in 0..200 {
        request.push_str(&format!("x-field-{i}: {i}\r\n"));
    }
    request.push_str("\r\n");
    let response = raw_exchange(server.addr, request.as_bytes()).unwrap();
    assert_eq!(response.status, 431);
    still_serving(server);
    assert_eq!(
        server.stats.snapshot().requests,
        1,
        "only the good request got through"
    );
}

/// A 1 MiB header block, past hyper's read-buffer limit (about 400 KB by default), is a
/// 431. (hyper checks the limit between reads, and a read may fill the buffer's whole
/// spare capacity, so a block only a little over the limit can still be accepted.)
fn oversized_header_block(server: &Server) {
    let stream = connect(server.addr);
    let request = format!(
        "GET / HTTP/1.1\r\nhost: x\r\nx-big: {}\r\n\r\n",
        "a".repeat(1 << 20)
    );
    let writer = {
        let mut stream = stream.try_clone().unwrap();
        // On its own thread: the server may stop reading (and answer) before the last byte.
        std::thread::spawn(move || {
            let _ = stream.write_all(request.as_bytes());
        })
    };
    let response = read_response(&mut BufReader::new(stream)).unwrap();
    assert_eq!(response.status, 431);
    writer.join().unwrap();
    still_serving(server);
}

/// The peer resets the connection (RST, through SO_LINGER=0) in the middle of its request
/// head, then in the middle of a request body the service is reading: each connection
/// ends with an error, the body read fails in the service, and the server keeps serving.
fn reset_mid_request(server: &Server) {
    let reset = |bytes: &[u8]| {
        let mut stream = connect(server.addr);
        stream.write_all(bytes).unwrap();
        SockRef::from(&stream)
            .set_linger(Some(Duration::ZERO))
            .unwrap();
        drop(stream); // RST instead of FIN
    };

    reset(b"GET / HTTP/1.1\r\nhost: x\r\nx-half: ");
    server
        .stats
        .wait_until("the reset head's connection closed", SETTLE, |c| {
            c.closed() == 1
        });

    let mut upload = b"POST /upload HTTP/1.1\r\nhost: x\r\ncontent-length: 100000\r\n\r\n".to_vec();
    upload.extend_from_slice(&[b'u'; 1000]);
    // The service must be reading the body when the reset comes: wait for the request.
    let mut stream = connect(server.addr);
    stream.write_all(&upload).unwrap();
    server
        .stats
        .wait_until("the upload reached the service", SETTLE, |c| {
            c.requests == 1
        });
    SockRef::from(&stream)
        .set_linger(Some(Duration::ZERO))
        .unwrap();
    drop(stream);
    let counts = server
        .stats
        .wait_until("the reset body's connection closed", SETTLE, |c| {
            c.closed() == 2
        });
    assert_eq!(
        (counts.closed_err, counts.body_errors),
        (2, 1),
        "{counts:?}"
    );
    still_serving(server);
}

on_every_runtime! {
    too_many_headers_is_431 => too_many_headers;
    oversized_header_block_is_431 => oversized_header_block;
    reset_by_peer_mid_request => reset_mid_request;
}
