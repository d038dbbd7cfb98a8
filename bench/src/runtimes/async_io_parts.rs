//! The leaf futures the async-executor and futures peers share, since neither executor
//! comes with a timer or sockets of its own: `futures-timer`'s `Delay` (BENCHMARKS.md: async-io
//! loses timers at ≥ 10k live ones) and async-io's `Async<TcpStream>` (smol's reactor).

use std::future::Future;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use async_io::{Async, Timer};

use crate::util::loopback;

/// async-io's `Timer` at a deadline, as a `Future<Output = ()>`: smol's interval timer,
/// which the async-executor peer ticks with (few live timers, far from async-io's limit).
#[derive(Debug)]
pub(crate) struct TimerAt(Timer);

impl TimerAt {
    pub(crate) fn new(deadline: Instant) -> Self {
        TimerAt(Timer::at(deadline))
    }
}

impl Future for TimerAt {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(&mut self.0).poll(cx).map(drop)
    }
}

/// Binds a listener on 127.0.0.1.
pub(crate) async fn bind() -> (Async<TcpListener>, SocketAddr) {
    let listener = Async::<TcpListener>::bind(loopback()).expect("async-io bind 127.0.0.1");
    let addr = listener
        .get_ref()
        .local_addr()
        .expect("async-io listener address");
    (listener, addr)
}

/// Accepts one connection, with `TCP_NODELAY` like every contender.
pub(crate) async fn accept(listener: &Async<TcpListener>) -> Async<TcpStream> {
    let (stream, _) = listener.accept().await.expect("async-io accept");
    stream
        .get_ref()
        .set_nodelay(true)
        .expect("async-io nodelay");
    stream
}

/// Connects to `addr`, with `TCP_NODELAY` like every contender.
pub(crate) async fn connect(addr: SocketAddr) -> Async<TcpStream> {
    let stream = Async::<TcpStream>::connect(addr)
        .await
        .expect("async-io connect");
    stream
        .get_ref()
        .set_nodelay(true)
        .expect("async-io nodelay");
    stream
}

/// The `Spawner` items for timers and sockets, identical for every runtime that borrows
/// them from `futures-timer` and async-io.
macro_rules! async_io_parts {
    () => {
        type Sleep = futures_timer::Delay;

        fn sleep(&self, duration: std::time::Duration) -> futures_timer::Delay {
            futures_timer::Delay::new(duration)
        }

        type Stream = async_io::Async<std::net::TcpStream>;
        type Listener = async_io::Async<std::net::TcpListener>;

        fn bind(
            &self,
        ) -> impl std::future::Future<Output = (Self::Listener, std::net::SocketAddr)> + Send {
            crate::runtimes::async_io_parts::bind()
        }

        fn accept(
            listener: &Self::Listener,
        ) -> impl std::future::Future<Output = Self::Stream> + Send + '_ {
            crate::runtimes::async_io_parts::accept(listener)
        }

        fn connect(
            &self,
            addr: std::net::SocketAddr,
        ) -> impl std::future::Future<Output = Self::Stream> + Send + 'static {
            crate::runtimes::async_io_parts::connect(addr)
        }
    };
}

pub(crate) use async_io_parts;
