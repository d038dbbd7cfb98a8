//! A real HTTP/1.1 server: hyper on Wakewire's pool, socket reactor and timer, no tokio
//! runtime anywhere.
//!
//! hyper brings the protocol; `wakewire-adapter-hyper` gives it a runtime made of our
//! parts: connections are `HyperIo<TcpStream>` (the socket reactor's leaf futures behind
//! hyper's I/O traits), hyper's header-read timeout sleeps on `HyperTimer<TimerHandle>`,
//! and each connection is a task on the pool. The pool's idle workers drive the timer and
//! the socket reactor themselves (park mode: `SharedPark::new(TimerPark::new(
//! reactor.park()))`), so there is no reactor thread and no timer thread.
//!
//! Serves `/` (a small HTML page), `/json` (a JSON document with the request number) and
//! `/stream` (ten lines, one every 100 ms, as a chunked streaming body). Connections are
//! kept alive. Ctrl-C, or the N-th request when N is given, starts a graceful shutdown:
//! the accept loop stops, each connection finishes the request it is serving and closes,
//! and the server waits for them (at most 5 s).
//!
//! ```text
//! cargo run --release --example hyper_server                     # http://127.0.0.1:8080/
//! cargo run --release --example hyper_server -- 127.0.0.1:9000 1000   # stop after 1000 requests
//! ```
//!
//! Load it with any HTTP client:
//!
//! ```text
//! curl -v http://127.0.0.1:8080/ http://127.0.0.1:8080/json   # two requests, one connection
//! curl -N http://127.0.0.1:8080/stream                          # lines arrive 100 ms apart
//! wrk -t2 -c50 -d10s http://127.0.0.1:8080/json                 # if wrk is installed
//! cargo run --release --example hyper_client -- http://127.0.0.1:8080/json
//! ```
//!
//! Look for curl's `Re-using existing connection` (keep-alive), the streamed lines
//! arriving one by one, and on exit the count of requests served and the reactor's
//! counters (`stale_events` should be 0).

use std::convert::Infallible;
use std::env;
use std::io;
use std::net::SocketAddr;
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::future::{select, Either};
use futures_util::stream;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::{Method, Request, Response, StatusCode};
use wakewire::channel::watch;
use wakewire::core::park::SharedPark;
use wakewire::core::timer::{timeout, Timer};
use wakewire::core::{BlockOn, Spawn};
use wakewire::net::{Reactor, TcpListener, TcpStream};
use wakewire::pool::{Pool, PoolSpawner};
use wakewire::timer::{TimerHandle, TimerPark};
use wakewire_adapter_hyper::{HyperIo, HyperTimer};

/// How long a client may take to send a request's head (hyper's header-read timeout).
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a graceful shutdown waits for open connections.
const GRACE: Duration = Duration::from_secs(5);
/// The first pause after a failed `accept` (out of file descriptors, say); it doubles up
/// to `ACCEPT_BACKOFF_MAX` while failures continue.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(10);
const ACCEPT_BACKOFF_MAX: Duration = Duration::from_secs(1);

const PAGE: &str = "<!doctype html>
<html><head><title>Wakewire</title></head>
<body>
<h1>hyper on Wakewire</h1>
<p>This page came through hyper's HTTP/1.1 server, polled by Wakewire's pool; its bytes
were written by the socket reactor.</p>
<ul><li><a href=\"/json\">/json</a></li><li><a href=\"/stream\">/stream</a></li></ul>
</body></html>
";

type Body = BoxBody<Bytes, Infallible>;

/// What every connection task shares.
struct Shared {
    requests: AtomicUsize,
    /// Shut down after this many requests, if set.
    limit: Option<usize>,
    /// `true` once a shutdown has started.
    shutdown: watch::Sender<bool>,
    /// How many connections are open.
    live: watch::Sender<usize>,
}

impl Shared {
    fn start_shutdown(&self, why: &str) {
        if !self.shutdown.send_replace(true) {
            println!("{why}: shutting down gracefully");
        }
    }
}

fn main() -> io::Result<()> {
    let args: Vec<String> = env::args().skip(1).collect();
    let addr: SocketAddr = match args.first() {
        Some(addr) => addr
            .parse()
            .map_err(|err| invalid(format!("{addr}: {err}")))?,
        None => "127.0.0.1:8080".parse().expect("a valid address"),
    };
    let limit = match args.get(1) {
        Some(n) => Some(n.parse().map_err(|err| invalid(format!("{n}: {err}")))?),
        None => None,
    };

    // The runtime: the socket reactor under the timer, driven by whichever pool worker is
    // idle.
    let reactor = Reactor::new()?;
    let reactor_handle = reactor.handle();
    let timer_park = TimerPark::new(reactor.park());
    let timer = timer_park.handle();
    let stack = SharedPark::new(timer_park);
    let pool = Pool::builder()
        .workers(2)
        .thread_name("http-worker")
        .park_with(move |_| stack.worker())
        .build();

    let listener = TcpListener::bind_with(addr, &reactor_handle)?;
    println!(
        "serving http://{}/ (Ctrl-C to stop)",
        listener.local_addr()?
    );
    let (shutdown, shutdown_rx) = watch::channel(false);
    let shared = Arc::new(Shared {
        requests: AtomicUsize::new(0),
        limit,
        shutdown,
        live: watch::channel(0).0,
    });
    let on_ctrl_c = Arc::clone(&shared);
    ctrlc::set_handler(move || on_ctrl_c.start_shutdown("Ctrl-C"))
        .map_err(|err| io::Error::other(err.to_string()))?;

    let server = serve(
        listener,
        pool.spawner(),
        timer,
        Arc::clone(&shared),
        shutdown_rx,
    );
    let server = pool.spawn(server).map_err(io::Error::other)?;
    pool.block_on(server).expect("the server task panicked")?;

    println!(
        "served {} requests; socket reactor: {:?}",
        shared.requests.load(Ordering::Relaxed),
        reactor_handle.metrics()
    );
    Ok(())
}

/// Accepts until shutdown, one task per connection; then waits for the connections.
async fn serve(
    listener: TcpListener,
    spawner: PoolSpawner,
    timer: TimerHandle,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) -> io::Result<()> {
    let mut backoff = ACCEPT_BACKOFF;
    loop {
        // Leaf futures: `accept` waits for READABLE on the listener, `changed` for a send
        // on the shutdown channel. Whichever is woken first wins.
        let accepted = match select(pin!(listener.accept()), shutdown.changed()).await {
            Either::Left((accepted, _)) => accepted,
            Either::Right(_) => break,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(err) if err.kind() == io::ErrorKind::ConnectionAborted => continue,
            Err(err) => {
                // EMFILE and friends: the connection stays queued, so accepting at once
                // would fail again. Back off on the timer (the open connections keep
                // being served, and closing them is what frees descriptors).
                eprintln!("accept failed: {err}; retrying in {backoff:?}");
                timer.sleep(backoff).await;
                backoff = (backoff * 2).min(ACCEPT_BACKOFF_MAX);
                continue;
            }
        };
        backoff = ACCEPT_BACKOFF;
        let connection = connection(stream, timer.clone(), Arc::clone(&shared), shutdown.clone());
        spawner
            .spawn(connection)
            .map_err(io::Error::other)?
            .detach();
    }

    let open = *shared.live.borrow();
    println!("no longer accepting; waiting for {open} open connection(s)");
    let mut live = shared.live.subscribe();
    let drained = timeout(&timer, GRACE, async {
        while *live.borrow_and_update() > 0 {
            if live.changed().await.is_err() {
                break;
            }
        }
    })
    .await;
    if drained.is_err() {
        println!(
            "{} connection(s) still open after {GRACE:?}; leaving them",
            *shared.live.borrow()
        );
    }
    Ok(())
}

/// Serves one connection with hyper until the client closes it, or until a shutdown asks
/// hyper to finish the current request and close.
async fn connection(
    stream: TcpStream,
    timer: TimerHandle,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    shared.live.send_modify(|open| *open += 1);
    let _open = OpenConnection(Arc::clone(&shared));
    stream.set_nodelay(true).ok();
    let peer = stream.peer_addr().ok();

    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(HyperTimer::new(timer.clone()))
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .keep_alive(true);
    let service_shared = Arc::clone(&shared);
    let service = hyper::service::service_fn(move |request| {
        respond(request, Arc::clone(&service_shared), timer.clone())
    });
    let io = HyperIo::new(stream).with_vectored_writes(true);
    let mut conn = pin!(http.serve_connection(io, service));

    let result = match select(conn.as_mut(), pin!(shutdown.changed())).await {
        Either::Left((result, _)) => result,
        Either::Right(_) => {
            conn.as_mut().graceful_shutdown();
            conn.await
        }
    };
    if let Err(err) = result {
        eprintln!("connection {peer:?}: {err}");
    }
}

/// Counts an open connection down when its task ends, however it ends.
struct OpenConnection(Arc<Shared>);

impl Drop for OpenConnection {
    fn drop(&mut self) {
        self.0.live.send_modify(|open| *open -= 1);
    }
}

async fn respond(
    request: Request<Incoming>,
    shared: Arc<Shared>,
    timer: TimerHandle,
) -> Result<Response<Body>, Infallible> {
    let number = shared.requests.fetch_add(1, Ordering::Relaxed) + 1;
    if shared.limit == Some(number) {
        shared.start_shutdown(&format!("served {number} requests"));
    }
    let response = match (request.method(), request.uri().path()) {
        (&Method::GET, "/") => typed("text/html; charset=utf-8", full(PAGE)),
        (&Method::GET, "/json") => {
            let json = format!(r#"{{"server":"hyper on wakewire","request":{number}}}"#);
            typed("application/json", full(json))
        }
        (&Method::GET, "/stream") => typed("text/plain; charset=utf-8", ticks(timer)),
        _ => {
            let mut response = typed("text/plain", full("not found\n"));
            *response.status_mut() = StatusCode::NOT_FOUND;
            response
        }
    };
    Ok(response)
}

/// Ten lines, one every 100 ms: a body hyper sends chunk by chunk as the timer fires.
fn ticks(timer: TimerHandle) -> Body {
    let lines = stream::unfold(0, move |tick| {
        let timer = timer.clone();
        async move {
            if tick == 10 {
                return None;
            }
            // Leaf future: the timer wheel, turned by an idle pool worker, wakes us.
            Timer::sleep(&timer, Duration::from_millis(100)).await;
            let line = Bytes::from(format!("tick {tick}\n"));
            Some((Ok(Frame::data(line)), tick + 1))
        }
    });
    StreamBody::new(lines).boxed()
}

fn full(text: impl Into<Bytes>) -> Body {
    Full::new(text.into()).boxed()
}

fn typed(content_type: &'static str, body: Body) -> Response<Body> {
    let mut response = Response::new(body);
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static(content_type),
    );
    response
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}
