//! A real HTTP client that is not hyper (`ureq`, blocking, on the test thread) fetches the
//! page, the JSON and a streamed body over loopback from the hyper server running on the
//! local executor, the pool and a foreign executor; an unknown path is a 404.

mod util;

use util::client::{agent, ureq_get};
use util::server::{JSON, PAGE};
use util::Server;

fn page_and_json(server: &Server) {
    let agent = agent();
    let page = ureq_get(&agent, server.addr, "/");
    assert_eq!(page.status, 200);
    assert_eq!(page.content_type, "text/html");
    assert_eq!(page.body, PAGE);

    let json = ureq_get(&agent, server.addr, "/json");
    assert_eq!(json.status, 200);
    assert_eq!(json.content_type, "application/json");
    assert_eq!(json.body, JSON);

    let missing = ureq_get(&agent, server.addr, "/nothing-here");
    assert_eq!(missing.status, 404);
    assert_eq!(server.stats.snapshot().requests, 3);
}

fn streamed_body(server: &Server) {
    let body = ureq_get(&agent(), server.addr, "/stream?100").body;
    let expected: String = (0..100).map(|i| format!("chunk {i}\n")).collect();
    assert_eq!(body, expected);
}

fn big_body(server: &Server) {
    let body = ureq_get(&agent(), server.addr, "/big?3000000").body;
    assert_eq!(body.len(), 3_000_000);
    assert!(body.bytes().all(|b| b == b'x'));
}

on_every_runtime! {
    fetch_page_and_json => page_and_json;
    fetch_streamed_body => streamed_body;
    fetch_big_body => big_body;
}
