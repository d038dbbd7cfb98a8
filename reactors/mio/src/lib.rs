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
//! Or drive a reactor of your own from the waiting thread — no reactor thread, no thread
//! hop per event — by handing its [`park`](Reactor::park) to an executor (here core's
//! plain [`Blocker`](wakewire_core::block_on::Blocker)). The park makes its reactor the
//! [current](Handle::current) one on that thread, so the same free constructors register
//! with it:
//!
//! ```
//! use futures_util::io::{AsyncReadExt, AsyncWriteExt};
//! use wakewire_core::block_on::Blocker;
//! use wakewire_core::BlockOn;
//! use wakewire_reactor_mio::{Reactor, UnixStream};
//!
//! let reactor = Reactor::new()?;
//! let handle = reactor.handle();
//! let blocker = Blocker::with_park(reactor.park());
//! let echoed = blocker.block_on(async {
//!     let (mut a, mut b) = UnixStream::pair()?; // registered with `reactor`
//!     a.write_all(b"idle thread").await?;
//!     let mut buf = [0; 11];
//!     b.read_exact(&mut buf).await?; // this thread turned the reactor while it waited
//!     Ok::<_, std::io::Error>(buf)
//! })?;
//! assert_eq!(&echoed, b"idle thread");
//! assert!(handle.metrics().events > 0);
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! To pick a reactor explicitly, every type also has `*_with` constructors taking a
//! [`Handle`].
//!
//! # Guarantees
//!
//! - **No stale events.** Tokens carry a slab index and a generation; an event for a
//!   dropped registration never reaches the one that reused its index (or its fd number).
//! - **No lost events.** Readiness carries a tick; clearing it after `WouldBlock` never
//!   erases a newer event.
//! - **Shared sockets serve every task.** Each waiting future (`recv`, `accept`,
//!   `readable`, ...) has its own place in its direction's queue, and an event wakes them
//!   all: any number of tasks can receive on one `Arc<UdpSocket>` or accept on one
//!   listener. The `poll_*` functions and the `futures-io` impls, which have nowhere to
//!   keep a place, share one waker per direction: the latest caller's (each type's
//!   `# Wakeups` section says which is which).
//! - **Errors, not hangs.** `WouldBlock`/`Interrupted` stay inside; EOF is `Ok(0)` every
//!   time; a write of 0 bytes is `WriteZero`; resets surface as `io::Error`; `EMFILE` on
//!   accept reaches the caller; an error event (a refused UDP datagram) is returned once,
//!   then the operation waits again instead of spinning. Dropping a [`Reactor`] wakes
//!   every pending future with [`ReactorShutdown`]. Registering an fd twice is
//!   `AlreadyExists` and leaves the first registration working.
//! - **Wakers are foreign code.** They are woken and dropped outside every lock; a waker
//!   that panics is caught (the other wakers of its batch still run) and never unwinds
//!   through the reactor.
//!
//! # Where things are
//!
//! | item | what it is |
//! | --- | --- |
//! | [`TcpListener`] (+ [`Accept`], [`Incoming`]: a `futures_core::Stream` of connections), [`TcpStream`] (+ [`OwnedReadHalf`]/[`OwnedWriteHalf`]), [`UdpSocket`] | IP sockets |
//! | [`UnixListener`] (+ [`UnixIncoming`]), [`UnixStream`], [`UnixDatagram`] | Unix-domain sockets |
//! | [`io`] | [`BufReader`](io::BufReader) (`AsyncBufRead`, `lines()`) and the `futures-util` extension traits |
//! | [`Async`], [`FdSource`] | any `mio::event::Source` or raw fd as leaf futures (like tokio's `AsyncFd`) |
//! | [`Reactor`], [`ReactorMetrics`], [`ReactorPark`] | the reactor, its counters, how an executor drives it |
//! | [`Handle`], [`DefaultGuard`] | how sources find their reactor: `*_with(handle)`, or the current one |
//! | [`Registration`], [`ReadyEvent`], [`Readiness`], [`Direction`] | the readiness protocol under every leaf |
//! | [`Selector`], [`MioSelector`], [`Event`] | the seam under the reactor (fake selectors in tests) |
//!
//! Every socket type implements `AsFd`/`AsRawFd`, so `socket2::SockRef` can set the
//! options it has no method for.
//!
//! The workspace's `examples/` put this reactor to work: `echo_server` (an echo server
//! and a throughput client, one in each driving mode) and `mio_echo_vs_tokio` (the same
//! echo side by side with tokio).
//!
//! [mio]: https://docs.rs/mio
#![doc(test(attr(deny(warnings))))]
#![forbid(unsafe_code)]

mod current;
mod error;
mod fd_source;
mod global;
mod handle;
pub mod io;
#[cfg(loom)]
pub mod io_state;
#[cfg(not(loom))]
mod io_state;
mod metrics;
mod net;
mod park;
mod reactor;
mod reactor_state;
mod readiness;
mod registration;
mod selector;
mod source;
mod source_io;
mod sync;
mod token_table;
mod wait_list;

pub use current::DefaultGuard;
pub use error::{is_shutdown, ReactorShutdown};
pub use fd_source::FdSource;
pub use handle::Handle;
pub use io_state::ReadyEvent;
pub use metrics::ReactorMetrics;
pub use mio::{Interest, Token};
pub use net::{
    Accept, Incoming, OwnedReadHalf, OwnedWriteHalf, ReuniteError, TcpListener, TcpStream,
    UdpSocket, UnixDatagram, UnixIncoming, UnixListener, UnixStream,
};
pub use park::{ReactorPark, ReactorUnpark};
pub use reactor::Reactor;
pub use readiness::{Direction, Readiness};
pub use registration::Registration;
pub use selector::{Event, MioSelector, Selector};
pub use source::Async;
