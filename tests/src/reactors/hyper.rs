//! hyper 1.x over Wakewire's socket reactor and timer, through `wakewire-adapter-hyper`:
//! an HTTP round trip is the leaf work here, a tower of non-leaf futures over our sockets.
//! Thread mode: the socket reactor and the timer each on a thread of their own. Park mode:
//! the executor waits in a `TimerPark` stacked over the socket reactor's park, so its idle
//! threads drive both.

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};
use wakewire_adapter_hyper::{HyperExecutor, HyperIo, HyperTimer};
use wakewire_core::park::BoxPark;
use wakewire_core::spawn::BoxFuture;
use wakewire_core::Spawn;
use wakewire_reactor_mio::{Handle, Reactor, TcpListener, TcpStream};
use wakewire_reactor_timer::{ManualClock, TimerHandle, TimerPark, TimerThread};

use crate::kit::context::{CellContext, RemoteSpawner};
use crate::kit::reactor::{ReactorBuilder, ReactorEntry, Scenario};
use crate::scenarios::support::{eventually, on_another_thread, RELEASE_LIMIT};
use crate::util::MioReactorThread;

/// The socket reactor and the timer hyper runs on, for one cell.
pub(crate) struct HyperUnderTest {
    sockets: Handle,
    timer: TimerHandle,
    clock: ManualClock,
    _sockets_thread: Option<MioReactorThread>,
    _timer_thread: Option<TimerThread>,
}

pub(crate) fn entry() -> ReactorEntry {
    ReactorBuilder::new(
        "hyper",
        "hyper 1.x HTTP/1.1 (server and client) over Wakewire's sockets and timer, through wakewire-adapter-hyper; its connections are tasks of the cell's executor",
    )
    .on_own_thread(|| {
        let sockets = MioReactorThread::start_with(Reactor::new().map_err(|e| e.to_string())?);
        let clock = ManualClock::new();
        let timer = TimerThread::with_clock(clock.clone());
        Ok(HyperUnderTest {
            sockets: sockets.handle(),
            timer: timer.handle(),
            clock,
            _sockets_thread: Some(sockets),
            _timer_thread: Some(timer),
        })
    })
    .in_park(|| {
        let reactor = Reactor::new().map_err(|e| e.to_string())?;
        let sockets = reactor.handle();
        let clock = ManualClock::new();
        let park = TimerPark::with_clock(reactor.park(), clock.clone());
        let hyper = HyperUnderTest {
            sockets,
            timer: park.handle(),
            clock,
            _sockets_thread: None,
            _timer_thread: None,
        };
        Ok((hyper, BoxPark::new(park)))
    })
    .scenario(
        Scenario::new(
            "http-round-trip",
            "a hyper server task answers a hyper client's GET over loopback TCP: status, body",
            round_trip,
        )
        .needing_spawn(),
    )
    .scenario(
        Scenario::new(
            "keep-alive",
            "five requests on one kept-alive connection, all answered, one connection accepted",
            keep_alive,
        )
        .needing_spawn(),
    )
    .scenario(
        Scenario::new(
            "header-read-timeout",
            "a client that stops mid-headers is cut off by hyper's header-read timeout on the HyperTimer (manual clock)",
            header_read_timeout,
        )
        .needing_spawn(),
    )
    .build()
}

/// Answers `GET /path` with `hello /path`.
async fn hello(request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let text = format!("hello {}", request.uri().path());
    Ok(Response::new(Full::new(Bytes::from(text))))
}

/// Accepts `connections` connections and serves each on its own task of the cell's
/// executor, with hyper's timer on the cell's timer.
async fn serve(
    listener: TcpListener,
    spawner: RemoteSpawner,
    timer: TimerHandle,
    header_timeout: Option<Duration>,
    connections: usize,
) {
    for _ in 0..connections {
        let (stream, _) = listener.accept().await.expect("accept");
        let timer = timer.clone();
        let connection = async move {
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder.timer(HyperTimer::new(timer));
            builder.header_read_timeout(header_timeout);
            // A connection cut by the header timeout ends with an error: that is the point.
            let _ = builder
                .serve_connection(HyperIo::new(stream), hyper::service::service_fn(hello))
                .await;
        };
        spawner
            .spawn(connection)
            .expect("spawn a connection")
            .detach();
    }
}

/// A client connection whose connection future runs on its own task.
async fn client(
    sockets: &Handle,
    addr: std::net::SocketAddr,
    spawner: &RemoteSpawner,
) -> hyper::client::conn::http1::SendRequest<Empty<Bytes>> {
    let stream = TcpStream::connect_with(addr, sockets)
        .await
        .expect("connect");
    let (sender, connection) = hyper::client::conn::http1::handshake(HyperIo::new(stream))
        .await
        .expect("handshake");
    hyper::rt::Executor::execute(&HyperExecutor::new(spawner.clone()), async move {
        let _ = connection.await;
    });
    sender
}

/// Sends `GET path` and returns the body.
async fn get(
    sender: &mut hyper::client::conn::http1::SendRequest<Empty<Bytes>>,
    path: &str,
) -> String {
    let request = Request::get(path)
        .header("host", "matrix")
        .body(Empty::new())
        .expect("a request");
    // The connection task may not have taken the previous exchange off its hands yet.
    sender.ready().await.expect("the connection is ready");
    let response = sender.send_request(request).await.expect("a response");
    assert_eq!(response.status(), 200);
    let body = response
        .into_body()
        .collect()
        .await
        .expect("the body")
        .to_bytes();
    String::from_utf8(body.to_vec()).expect("a text body")
}

fn round_trip(hyper: &HyperUnderTest, cx: &CellContext) -> BoxFuture<()> {
    let spawner = cx.spawner().expect("needs spawn").clone();
    let (sockets, timer) = (hyper.sockets.clone(), hyper.timer.clone());
    let cx = cx.clone();
    Box::pin(async move {
        let listener =
            TcpListener::bind_with("127.0.0.1:0".parse().unwrap(), &sockets).expect("bind");
        let addr = listener.local_addr().unwrap();
        spawner
            .spawn(serve(listener, spawner.clone(), timer, None, 1))
            .expect("spawn the server")
            .detach();
        cx.at("a hyper client awaiting its response");
        let mut sender = client(&sockets, addr, &spawner).await;
        assert_eq!(get(&mut sender, "/matrix").await, "hello /matrix");
    })
}

fn keep_alive(hyper: &HyperUnderTest, cx: &CellContext) -> BoxFuture<()> {
    let spawner = cx.spawner().expect("needs spawn").clone();
    let (sockets, timer) = (hyper.sockets.clone(), hyper.timer.clone());
    let cx = cx.clone();
    Box::pin(async move {
        let listener =
            TcpListener::bind_with("127.0.0.1:0".parse().unwrap(), &sockets).expect("bind");
        let addr = listener.local_addr().unwrap();
        let server = spawner
            .spawn(serve(listener, spawner.clone(), timer, None, 1))
            .expect("spawn the server");
        let mut sender = client(&sockets, addr, &spawner).await;
        for i in 0..5 {
            cx.at(format!("request {i} on the kept-alive connection"));
            assert_eq!(
                get(&mut sender, &format!("/{i}")).await,
                format!("hello /{i}")
            );
        }
        cx.at("the server task, which accepts exactly one connection");
        server.await.expect("the accepting task");
    })
}

fn header_read_timeout(hyper: &HyperUnderTest, cx: &CellContext) -> BoxFuture<()> {
    use futures_util::io::{AsyncReadExt, AsyncWriteExt};
    let spawner = cx.spawner().expect("needs spawn").clone();
    let (sockets, timer, clock) = (
        hyper.sockets.clone(),
        hyper.timer.clone(),
        hyper.clock.clone(),
    );
    let cx = cx.clone();
    Box::pin(async move {
        let listener =
            TcpListener::bind_with("127.0.0.1:0".parse().unwrap(), &sockets).expect("bind");
        let addr = listener.local_addr().unwrap();
        let before = timer.live_timers();
        spawner
            .spawn(serve(
                listener,
                spawner.clone(),
                timer.clone(),
                Some(Duration::from_secs(5)),
                1,
            ))
            .expect("spawn the server")
            .detach();
        let mut stream = TcpStream::connect_with(addr, &sockets)
            .await
            .expect("connect");
        stream
            .write_all(b"GET / HTTP/1.1\r\nhost: x\r\n")
            .await
            .expect("half a request");
        cx.at("waiting for hyper to arm its header-read timer");
        eventually("hyper arms its header-read timer", RELEASE_LIMIT, || {
            timer.live_timers() > before
        })
        .await;
        on_another_thread(move || clock.advance(Duration::from_secs(6)));
        cx.at("reading until hyper closes the connection after the timeout");
        let mut rest = Vec::new();
        let read = stream.read_to_end(&mut rest).await;
        assert!(
            read.is_err() || rest.is_empty(),
            "a half-sent request got an answer instead of being cut off: {:?}",
            String::from_utf8_lossy(&rest)
        );
    })
}
