//! The test server: hyper's HTTP/1 server over Wakewire sockets, written once against
//! core `Spawn` and `Timer`, and started on the local executor, the pool, or a foreign
//! executor (`futures-executor`'s `ThreadPool` through `wakewire-adapter-futures`).

use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::pin::pin;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use bytes::Bytes;
use futures_util::future::{abortable, select, AbortHandle, Either};
use futures_util::stream;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::rt::Timer as _;
use hyper::{Method, Request, Response, StatusCode};
use wakewire_adapter_futures::ThreadPoolExecutor;
use wakewire_adapter_hyper::{HyperIo, HyperTimer};
use wakewire_core::park::SharedPark;
use wakewire_core::timer::Timer;
use wakewire_core::{BlockOn, JoinHandle, Spawn};
use wakewire_executor_local::LocalExecutor;
use wakewire_executor_pool::Pool;
use wakewire_reactor_mio::{Handle, Reactor, TcpListener, TcpStream};
use wakewire_reactor_timer::{TimerHandle, TimerPark};

use super::Stats;

pub const PAGE: &str =
    "<!doctype html><title>wakewire</title><h1>Hello from hyper on Wakewire</h1>\n";
pub const JSON: &str = r#"{"server":"hyper","runtime":"wakewire","ok":true}"#;

/// How the server treats its connections.
#[derive(Debug, Clone, Copy)]
pub struct Config {
    /// hyper's header-read timeout (runs on the `HyperTimer`); `None`: hyper's default
    /// (30 s).
    pub header_read_timeout: Option<Duration>,
    /// A deadline for each whole connection, a `HyperTimer` sleep raced against it.
    pub connection_deadline: Option<Duration>,
    /// The first pause after a failed `accept`; doubles up to 16 times that.
    pub accept_backoff: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            header_read_timeout: None,
            connection_deadline: None,
            accept_backoff: Duration::from_millis(5),
        }
    }
}

type Body = BoxBody<Bytes, Infallible>;
type ServiceError = Box<dyn std::error::Error + Send + Sync>;

/// Accepts forever; serves each connection on its own task of `spawner`.
pub async fn serve<S, T>(
    listener: TcpListener,
    spawner: S,
    timer: T,
    config: Config,
    stats: Arc<Stats>,
) where
    S: Spawn,
    T: Timer + Clone + Send + Sync + 'static,
    T::Sleep: Send + 'static,
{
    let mut backoff = config.accept_backoff;
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(err) if err.kind() == io::ErrorKind::ConnectionAborted => continue,
            Err(_) => {
                // Out of file descriptors, say: the connection stays queued, so accepting
                // again at once would fail again. Back off on the timer.
                stats.bump(|c| c.accept_errors += 1);
                timer.sleep(backoff).await;
                backoff = (backoff * 2).min(config.accept_backoff * 16);
                continue;
            }
        };
        backoff = config.accept_backoff;
        stats.bump(|c| c.accepted += 1);
        let connection = serve_connection(stream, timer.clone(), config, Arc::clone(&stats));
        match spawner.spawn(connection) {
            Ok(task) => task.detach(),
            Err(_) => return, // the executor is shutting down
        }
    }
}

async fn serve_connection<T>(stream: TcpStream, timer: T, config: Config, stats: Arc<Stats>)
where
    T: Timer + Clone + Send + Sync + 'static,
    T::Sleep: Send + 'static,
{
    // As real servers do: a response written in pieces (a streamed body) must not wait
    // for the client's delayed ACK between them (Nagle's algorithm).
    stream.set_nodelay(true).unwrap();
    let hyper_timer = HyperTimer::new(timer);
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(hyper_timer.clone());
    if let Some(timeout) = config.header_read_timeout {
        builder.header_read_timeout(timeout);
    }
    let service_stats = Arc::clone(&stats);
    let service =
        hyper::service::service_fn(move |request| route(request, Arc::clone(&service_stats)));
    let io = HyperIo::new(stream).with_vectored_writes(true);
    let connection = pin!(builder.serve_connection(io, service));
    let result = match config.connection_deadline {
        None => connection.await,
        Some(deadline) => match select(connection, hyper_timer.sleep(deadline)).await {
            Either::Left((result, _)) => result,
            Either::Right(((), _connection)) => {
                stats.bump(|c| c.deadline_hits += 1);
                return; // dropping the connection closes the socket
            }
        },
    };
    match result {
        Ok(()) => stats.bump(|c| c.closed_ok += 1),
        Err(_) => stats.bump(|c| c.closed_err += 1),
    }
}

/// `/` a page, `/json` JSON, `/stream?N` N chunks produced one poll apart, `/big?N` N
/// bytes in 64 KiB chunks, `POST /upload` the length of the body read; 404 otherwise.
async fn route(
    request: Request<Incoming>,
    stats: Arc<Stats>,
) -> Result<Response<Body>, ServiceError> {
    stats.bump(|c| c.requests += 1);
    let query: usize = request
        .uri()
        .query()
        .and_then(|q| q.parse().ok())
        .unwrap_or(0);
    let response = match (request.method(), request.uri().path()) {
        (&Method::GET, "/") => with_type("text/html; charset=utf-8", full(PAGE)),
        (&Method::GET, "/json") => with_type("application/json", full(JSON)),
        (&Method::GET, "/stream") => with_type("text/plain", chunks(query, 0, stats)),
        (&Method::GET, "/big") => with_type(
            "application/octet-stream",
            chunks(query.div_ceil(BIG_CHUNK), query, stats),
        ),
        (&Method::POST, "/upload") => match request.into_body().collect().await {
            Ok(body) => with_type("text/plain", full(body.to_bytes().len().to_string())),
            Err(err) => {
                stats.bump(|c| c.body_errors += 1);
                return Err(err.into());
            }
        },
        _ => {
            let mut response = Response::new(full("not found\n"));
            *response.status_mut() = StatusCode::NOT_FOUND;
            response
        }
    };
    Ok(response)
}

const BIG_CHUNK: usize = 64 * 1024;

fn full(text: impl Into<Bytes>) -> Body {
    Full::new(text.into()).boxed()
}

fn with_type(content_type: &'static str, body: Body) -> Response<Body> {
    let mut response = Response::new(body);
    response
        .headers_mut()
        .insert(hyper::header::CONTENT_TYPE, content_type.parse().unwrap());
    response
}

/// `count` chunks: `chunk i\n` lines, or, with `total_bytes > 0`, 64 KiB pieces of `x`
/// adding up to `total_bytes`. A guard counts bodies dropped before their end.
fn chunks(count: usize, total_bytes: usize, stats: Arc<Stats>) -> Body {
    struct Unfinished(Option<Arc<Stats>>);
    impl Drop for Unfinished {
        fn drop(&mut self) {
            if let Some(stats) = self.0.take() {
                stats.bump(|c| c.bodies_unfinished += 1);
            }
        }
    }
    let state = (0, Unfinished(Some(stats)));
    let body = stream::unfold(state, move |(i, mut guard)| async move {
        if i == count {
            guard.0.take(); // finished: nothing to count
            return None;
        }
        wakewire_core::future::yield_now().await; // one chunk per poll of the task
        let chunk = if total_bytes > 0 {
            let len = BIG_CHUNK.min(total_bytes - i * BIG_CHUNK);
            Bytes::from(vec![b'x'; len])
        } else {
            Bytes::from(format!("chunk {i}\n"))
        };
        Some((Ok::<_, Infallible>(Frame::data(chunk)), (i + 1, guard)))
    });
    StreamBody::new(body).boxed()
}

/// Where the server runs.
pub enum Runtime {
    /// The local executor on a thread of its own, parked in `TimerPark<ReactorPark>`: the
    /// idle thread turns the timer and the sockets (park mode).
    Local,
    /// The pool with 2 workers sharing one `TimerPark<ReactorPark>` (park mode).
    Pool,
    /// `futures-executor`'s `ThreadPool` (2 threads, behind `wakewire-adapter-futures`),
    /// with the global reactor and timer.
    Foreign,
}

impl Runtime {
    pub fn local() -> Runtime {
        Runtime::Local
    }
    pub fn pool() -> Runtime {
        Runtime::Pool
    }
    pub fn foreign() -> Runtime {
        Runtime::Foreign
    }
}

/// A running server; [`stop`](Self::stop) ends its accept loop and its runtime.
pub struct Server {
    pub addr: SocketAddr,
    pub stats: Arc<Stats>,
    stop: AbortHandle,
    running: Running,
}

enum Running {
    Local(thread::JoinHandle<()>),
    Pool {
        pool: Pool,
        task: JoinHandle<()>,
    },
    Foreign {
        executor: ThreadPoolExecutor,
        task: JoinHandle<()>,
    },
}

impl Server {
    pub fn start(runtime: Runtime, config: Config) -> Server {
        let stats = Arc::new(Stats::default());
        let loopback: SocketAddr = "127.0.0.1:0".parse().unwrap();
        match runtime {
            Runtime::Local => {
                let (ready_tx, ready_rx) = std::sync::mpsc::channel();
                let thread_stats = Arc::clone(&stats);
                let thread = thread::spawn(move || {
                    let reactor = Reactor::new().unwrap();
                    let handle = reactor.handle();
                    let park = TimerPark::new(reactor.park());
                    let timer = park.handle();
                    let listener = TcpListener::bind_with(loopback, &handle).unwrap();
                    let addr = listener.local_addr().unwrap();
                    let ex = LocalExecutor::with_park(park);
                    let (server, stop) =
                        abortable(serve(listener, ex.spawner(), timer, config, thread_stats));
                    ready_tx.send((addr, stop)).unwrap();
                    let _ = ex.block_on(server);
                });
                let (addr, stop) = ready_rx.recv().unwrap();
                Server {
                    addr,
                    stats,
                    stop,
                    running: Running::Local(thread),
                }
            }
            Runtime::Pool => {
                let reactor = Reactor::new().unwrap();
                let handle = reactor.handle();
                let timer_park = TimerPark::new(reactor.park());
                let timer = timer_park.handle();
                let stack = SharedPark::new(timer_park);
                let pool = Pool::builder()
                    .workers(2)
                    .park_with(move |_| stack.worker())
                    .build();
                let listener = TcpListener::bind_with(loopback, &handle).unwrap();
                let addr = listener.local_addr().unwrap();
                let (server, stop) = abortable(serve(
                    listener,
                    pool.spawner(),
                    timer,
                    config,
                    Arc::clone(&stats),
                ));
                let task = pool
                    .spawn(async move {
                        let _ = server.await;
                    })
                    .unwrap();
                Server {
                    addr,
                    stats,
                    stop,
                    running: Running::Pool { pool, task },
                }
            }
            Runtime::Foreign => {
                let executor = ThreadPoolExecutor::new(2).unwrap();
                let spawner = executor.spawner();
                let listener =
                    TcpListener::bind_with(loopback, &Handle::global().unwrap()).unwrap();
                let addr = listener.local_addr().unwrap();
                let timer = TimerHandle::current(); // the global timer on a plain thread
                let (server, stop) = abortable(serve(
                    listener,
                    spawner.clone(),
                    timer,
                    config,
                    Arc::clone(&stats),
                ));
                let task = spawner
                    .spawn(async move {
                        let _ = server.await;
                    })
                    .unwrap();
                Server {
                    addr,
                    stats,
                    stop,
                    running: Running::Foreign { executor, task },
                }
            }
        }
    }

    /// Ends the accept loop and waits for it; then stops the runtime.
    pub fn stop(self) {
        self.stop.abort();
        match self.running {
            Running::Local(thread) => thread.join().unwrap(),
            Running::Pool { pool, task } => {
                pool.block_on(task).unwrap();
                drop(pool);
            }
            Running::Foreign { executor, task } => {
                executor.block_on(task).unwrap();
                assert!(executor.shutdown(Duration::from_secs(10)));
            }
        }
    }
}
