//! hyper 1.x on Wakewire: hyper's runtime traits for any Wakewire executor, timer and
//! `futures-io` stream.
//!
//! hyper brings no runtime; it asks for one through four traits of [`hyper::rt`]. This
//! crate implements them on top of Wakewire's core traits, so hyper runs on every
//! executor that can spawn `Send` futures and every reactor whose sockets speak
//! `futures-io`, without naming any of them:
//!
//! | hyper wants | you have | wrap it in |
//! | --- | --- | --- |
//! | [`rt::Executor`](hyper::rt::Executor) (background tasks) | any [`Spawn`](wakewire_core::Spawn) | [`HyperExecutor`] |
//! | [`rt::Timer`](hyper::rt::Timer) (timeouts, keep-alive) | any core [`Timer`](wakewire_core::timer::Timer) | [`HyperTimer`] |
//! | [`rt::Read`](hyper::rt::Read) / [`rt::Write`](hyper::rt::Write) (a connection) | any `futures_io::AsyncRead + AsyncWrite` | [`HyperIo`] |
//!
//! Poll → Wait → Wake: hyper is a tower of **non-leaf** futures (a connection, a request
//! body). The leaves under it are ours: a socket read returns `Pending` and leaves the
//! task's waker with the socket reactor, a header-read timeout with the timer; their
//! reactors wake the task, and whichever executor spawned the connection polls hyper
//! again.
//!
//! # A server and a client, on the local executor
//!
//! ```
//! use std::convert::Infallible;
//! use bytes::Bytes;
//! use http_body_util::{BodyExt, Full};
//! use hyper::{Request, Response};
//! use wakewire_adapter_hyper::HyperIo;
//! use wakewire_core::{BlockOn, Spawn};
//! use wakewire_executor_local::LocalExecutor;
//! use wakewire_reactor_mio::{TcpListener, TcpStream};
//!
//! let ex = LocalExecutor::new();
//! let spawner = ex.spawner();
//! let body = ex.block_on(async move {
//!     let listener = TcpListener::bind("127.0.0.1:0".parse().unwrap())?;
//!     let addr = listener.local_addr()?;
//!     // The server: one connection, served by hyper on a spawned task.
//!     spawner.spawn(async move {
//!         let (stream, _) = listener.accept().await.unwrap();
//!         let hello = hyper::service::service_fn(|_req: Request<hyper::body::Incoming>| async {
//!             Ok::<_, Infallible>(Response::new(Full::new(Bytes::from("hello"))))
//!         });
//!         hyper::server::conn::http1::Builder::new()
//!             .serve_connection(HyperIo::new(stream), hello)
//!             .await
//!             .unwrap();
//!     }).unwrap().detach();
//!     // The client: hyper's connection future runs on its own task.
//!     let stream = TcpStream::connect(addr).await?;
//!     let (mut sender, conn) = hyper::client::conn::http1::handshake(HyperIo::new(stream))
//!         .await
//!         .unwrap();
//!     spawner.spawn(conn).unwrap().detach();
//!     let request = Request::get("/").header("host", "localhost").body(Full::new(Bytes::new())).unwrap();
//!     let response = sender.send_request(request).await.unwrap();
//!     Ok::<_, std::io::Error>(response.into_body().collect().await.unwrap().to_bytes())
//! })?;
//! assert_eq!(body, "hello");
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! The workspace's `examples/hyper_server.rs` serves a page, JSON and a streaming body on
//! the pool with the socket reactor driven by idle workers, with timeouts and a graceful
//! shutdown; `examples/hyper_client.rs` fetches a page.
//!
//! # `unsafe`
//!
//! One call, in a private `raw` module: advancing hyper's read cursor over the bytes a
//! `futures-io` reader wrote into it (see [`HyperIo`]'s `# Reads`), which saves copying
//! every byte received. Its unit tests run under Miri.
#![doc(test(attr(deny(warnings))))]
#![deny(unsafe_code)]

mod executor;
mod io;
mod raw;
mod timer;

pub use executor::HyperExecutor;
pub use io::HyperIo;
pub use timer::HyperTimer;
