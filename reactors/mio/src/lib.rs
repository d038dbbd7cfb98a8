//! Wakewire's socket reactor, on [mio]: TCP, UDP, Unix sockets and any file descriptor as
//! leaf futures that complete under every executor.
//!
//! Poll → Wait → Wake: the futures of this crate are **leaves**. When a socket operation
//! would block, the leaf stores the task's waker in the source's [`Registration`] and
//! returns `Pending` (**wait**). The [`Reactor`] sits in `epoll_wait`; when the kernel
//! reports the socket ready, it marks the registration ready and **wakes** the waker, and
//! the executor **polls** the task again, which retries the system call.
//!
//! # Tutorial
//!
//! With no setup at all, the I/O types use a global reactor that starts on its own thread
//! the first time it is needed, so any executor can drive them — here `futures-executor`:
//!
//! ```
//! use futures_util::io::{AsyncReadExt, AsyncWriteExt};
//! use wakewire_reactor_mio::{TcpListener, TcpStream};
//!
//! futures_executor::block_on(async {
//!     let listener = TcpListener::bind("127.0.0.1:0".parse().unwrap())?;
//!     let addr = listener.local_addr()?;
//!     let client = async {
//!         let mut stream = TcpStream::connect(addr).await?; // waits for WRITABLE
//!         stream.write_all(b"ping").await?;
//!         let mut reply = [0; 4];
//!         stream.read_exact(&mut reply).await?; // waits for READABLE
//!         Ok::<_, std::io::Error>(reply)
//!     };
//!     let server = async {
//!         let (mut stream, _) = listener.accept().await?; // waits for READABLE
//!         let mut buf = [0; 4];
//!         stream.read_exact(&mut buf).await?;
//!         stream.write_all(&buf).await
//!     };
//!     let (reply, served) = futures_util::future::join(client, server).await;
//!     served?;
//!     assert_eq!(&reply?, b"ping");
//!     Ok::<(), std::io::Error>(())
//! })?;
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! Or drive a reactor of your own from the executor's idle thread — no reactor thread, no
//! thread hop per event — by handing its [`park`](Reactor::park) to an executor and
//! creating sockets on its [`Handle`] (the `*_with` constructors):
//!
//! ```
//! use futures_util::io::{AsyncReadExt, AsyncWriteExt};
//! use wakewire_core::BlockOn;
//! use wakewire_executor_local::LocalExecutor;
//! use wakewire_reactor_mio::{Reactor, UnixStream};
//!
//! let reactor = Reactor::new()?;
//! let handle = reactor.handle();
//! let ex = LocalExecutor::with_park(reactor.park());
//! let echoed = ex.block_on(async {
//!     let (mut a, mut b) = UnixStream::pair_with(&handle)?;
//!     a.write_all(b"idle thread").await?;
//!     let mut buf = [0; 11];
//!     b.read_exact(&mut buf).await?;
//!     Ok::<_, std::io::Error>(buf)
//! })?;
//! assert_eq!(&echoed, b"idle thread");
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! # Guarantees
//!
//! - **No stale events.** Tokens carry a slab index and a generation; an event for a
//!   dropped registration never reaches the one that reused its index (or its fd number).
//! - **No lost events.** Readiness carries a tick; clearing it after `WouldBlock` never
//!   erases a newer event. The latest waker of each direction is the one woken.
//! - **Errors, not hangs.** `WouldBlock`/`Interrupted` stay inside; EOF is `Ok(0)` every
//!   time; a write of 0 bytes is `WriteZero`; resets surface as `io::Error`; `EMFILE` on
//!   accept reaches the caller; an error event (a refused UDP datagram) is returned once,
//!   then the operation waits again instead of spinning. Dropping a [`Reactor`] wakes
//!   every pending future with [`ReactorShutdown`]. Registering an fd twice is
//!   `AlreadyExists` and leaves the first registration working.
//!
//! # Where things are
//!
//! | item | what it is |
//! | --- | --- |
//! | [`TcpListener`], [`TcpStream`] (+ [`OwnedReadHalf`]/[`OwnedWriteHalf`]), [`UdpSocket`] | IP sockets |
//! | [`UnixListener`], [`UnixStream`], [`UnixDatagram`] | Unix-domain sockets |
//! | [`Async`], [`FdSource`] | any `mio::event::Source` or raw fd as leaf futures (like tokio's `AsyncFd`) |
//! | [`Reactor`], [`Handle`], [`ReactorPark`] | the reactor, how sources find it, how an executor drives it |
//! | [`Registration`], [`ReadyEvent`], [`Readiness`], [`Direction`] | the readiness protocol under every leaf |
//! | [`Selector`], [`MioSelector`], [`Event`] | the seam under the reactor (fake selectors in tests) |
//!
//! The crate's `examples/` hold an echo server with a throughput-measuring client
//! (`mio_echo`) and the `tcp_echo` workload side by side with tokio (`mio_echo_vs_tokio`).
//!
//! [mio]: https://docs.rs/mio
#![doc(test(attr(deny(warnings))))]
#![forbid(unsafe_code)]

mod error;
mod fd_source;
mod handle;
mod net;
mod park;
mod reactor;
mod readiness;
mod registration;
mod registrations;
#[cfg(loom)]
pub mod scheduled_io;
#[cfg(not(loom))]
mod scheduled_io;
mod selector;
mod source;
mod source_io;
mod sync;

pub use error::{is_shutdown, ReactorShutdown};
pub use fd_source::FdSource;
pub use handle::Handle;
pub use mio::{Interest, Token};
pub use net::{
    Accept, Incoming, OwnedReadHalf, OwnedWriteHalf, ReuniteError, TcpListener, TcpStream,
    UdpSocket, UnixDatagram, UnixListener, UnixStream,
};
pub use park::{ReactorPark, ReactorUnpark};
pub use reactor::{Reactor, ReactorMetrics};
pub use readiness::{Direction, Readiness};
pub use registration::Registration;
pub use scheduled_io::ReadyEvent;
pub use selector::{Event, MioSelector, Selector};
pub use source::Async;
