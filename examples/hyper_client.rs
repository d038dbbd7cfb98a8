//! An HTTP/1.1 client: hyper's client on Wakewire's local executor and socket reactor.
//!
//! Connects with the socket reactor's `TcpStream`, hands it to hyper as
//! `HyperIo<TcpStream>`, runs hyper's connection future as a task through
//! `HyperExecutor` (hyper's `Executor` trait on any core `Spawn`), and sends requests on
//! that one kept-alive connection. The body is printed frame by frame as it arrives, and
//! each exchange runs under a timeout on Wakewire's timer. The executor's idle thread
//! drives the reactor and the timer (`LocalExecutor::with_park(TimerPark::new(
//! reactor.park()))`).
//!
//! ```text
//! cargo run --example hyper_client                         # fetches from a tiny in-process server
//! cargo run --example hyper_client -- http://127.0.0.1:8080/ http://127.0.0.1:8080/stream
//! ```
//!
//! (Start `cargo run --release --example hyper_server` first for the second form; only
//! `http://` URLs on one host are fetched, all over one connection.) Look for the status
//! lines, the headers, and — for `/stream` — the lines printed as they arrive, 100 ms
//! apart.

use std::convert::Infallible;
use std::env;
use std::io::{self, Write};
use std::thread;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Full};
use hyper::rt::Executor;
use hyper::{Request, Response, Uri};
use wakewire::core::timer::timeout;
use wakewire::core::BlockOn;
use wakewire::local::LocalExecutor;
use wakewire::net::{Reactor, TcpListener, TcpStream};
use wakewire::timer::TimerPark;
use wakewire_adapter_hyper::{HyperExecutor, HyperIo};

/// How long one request and its whole response may take.
const EXCHANGE_TIMEOUT: Duration = Duration::from_secs(30);

type Error = Box<dyn std::error::Error + Send + Sync>;

fn main() -> Result<(), Error> {
    let mut urls: Vec<Uri> = env::args()
        .skip(1)
        .map(|url| url.parse::<Uri>())
        .collect::<Result<_, _>>()?;
    if urls.is_empty() {
        let addr = demo_server()?;
        urls = vec![
            format!("http://{addr}/").parse()?,
            format!("http://{addr}/json").parse()?,
        ];
    }
    let first = &urls[0];
    if first.scheme_str() != Some("http") {
        return Err(format!("{first}: only http:// URLs are supported").into());
    }
    let authority = first.authority().ok_or("the URL has no host")?.clone();
    let port = authority.port_u16().unwrap_or(80);

    let reactor = Reactor::new()?;
    let park = TimerPark::new(reactor.park());
    let timer = park.handle();
    let ex = LocalExecutor::with_park(park);
    let executor = HyperExecutor::new(ex.spawner());
    ex.block_on(async {
        // Leaf future: `connect` waits for WRITABLE on the new socket.
        let stream = TcpStream::connect((authority.host(), port)).await?;
        stream.set_nodelay(true)?;
        let (mut sender, connection) =
            hyper::client::conn::http1::handshake(HyperIo::new(stream)).await?;
        // hyper's connection future reads and writes the socket; it runs as its own task.
        executor.execute(async move {
            if let Err(err) = connection.await {
                eprintln!("connection error: {err}");
            }
        });
        for url in &urls {
            let path = url.path_and_query().map_or("/", |path| path.as_str());
            let request = Request::get(path)
                .header(hyper::header::HOST, authority.as_str())
                .header(hyper::header::USER_AGENT, "wakewire-hyper-client")
                .body(Empty::<Bytes>::new())?;
            sender.ready().await?; // the previous response is done: the connection is free
            timeout(
                &timer,
                EXCHANGE_TIMEOUT,
                exchange(&mut sender, request, url),
            )
            .await
            .map_err(|_| format!("{url}: no complete response within {EXCHANGE_TIMEOUT:?}"))??;
        }
        Ok::<(), Error>(())
    })
}

/// Sends `request` and prints the response, body frames as they come.
async fn exchange(
    sender: &mut hyper::client::conn::http1::SendRequest<Empty<Bytes>>,
    request: Request<Empty<Bytes>>,
    url: &Uri,
) -> Result<(), Error> {
    let response = sender.send_request(request).await?;
    println!(
        "GET {url} -> {:?} {}",
        response.version(),
        response.status()
    );
    for (name, value) in response.headers() {
        println!("  {name}: {}", value.to_str().unwrap_or("<binary>"));
    }
    let mut body = response.into_body();
    let mut stdout = io::stdout();
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame?.into_data() {
            stdout.write_all(&data)?;
            stdout.flush()?;
        }
    }
    println!();
    Ok(())
}

/// A tiny server on its own thread for the no-argument run: `/` and `/json`.
fn demo_server() -> io::Result<std::net::SocketAddr> {
    let reactor = Reactor::new()?;
    let listener = TcpListener::bind_with(
        "127.0.0.1:0".parse().expect("an address"),
        &reactor.handle(),
    )?;
    let addr = listener.local_addr()?;
    thread::spawn(move || {
        let ex = LocalExecutor::with_park(reactor.park());
        ex.block_on(async {
            let (stream, _) = listener.accept().await?;
            let service =
                hyper::service::service_fn(|request: Request<hyper::body::Incoming>| async move {
                    let body = match request.uri().path() {
                        "/json" => r#"{"hello":"from the demo server"}"#,
                        _ => "<!doctype html><h1>Hello from the demo server</h1>",
                    };
                    Ok::<_, Infallible>(Response::new(Full::new(Bytes::from(body))))
                });
            hyper::server::conn::http1::Builder::new()
                .serve_connection(HyperIo::new(stream), service)
                .await
                .map_err(io::Error::other)
        })
        .unwrap_or_else(|err| eprintln!("demo server: {err}"));
    });
    Ok(addr)
}
