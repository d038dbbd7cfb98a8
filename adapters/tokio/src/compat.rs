//! `futures-io` ⇄ tokio-io: `tokio-util`'s `compat`, re-exported.
//!
//! Wakewire's sockets (`wakewire-reactor-mio`) speak `futures-io`'s `AsyncRead`/`AsyncWrite`;
//! tokio's ecosystem (its `io-util` helpers, `tokio-util` codecs, libraries written for
//! tokio) wants `tokio::io::AsyncRead`/`AsyncWrite`, and the reverse holds for tokio's own
//! sockets under code written for `futures-io`. `tokio-util`'s [`Compat`] bridges both
//! directions, and this module re-exports it rather than adding a second implementation:
//!
//! | you have | you need | call |
//! | --- | --- | --- |
//! | a `futures-io` stream (Wakewire's `TcpStream`, `UnixStream`, `BufReader<_>`) | tokio's `AsyncRead` (+ `AsyncBufRead`) | [`.compat()`](FuturesAsyncReadCompatExt::compat) |
//! | a `futures-io` writer | tokio's `AsyncWrite` | [`.compat_write()`](FuturesAsyncWriteCompatExt::compat_write) (or `.compat()` on a stream that is both) |
//! | a tokio stream (`tokio::net::TcpStream` under a [`TokioReactor`](crate::TokioReactor)) | `futures-io`'s `AsyncRead`/`AsyncWrite` | [`.compat()`](TokioAsyncReadCompatExt::compat) / [`.compat_write()`](TokioAsyncWriteCompatExt::compat_write) |
//! | a `Compat<T>` | `T` back | [`Compat::into_inner`], [`get_ref`](Compat::get_ref), [`get_mut`](Compat::get_mut) |
//!
//! ```
//! use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
//! use wakewire_adapter_tokio::compat::FuturesAsyncReadCompatExt;
//! use wakewire_reactor_mio::UnixStream;
//!
//! // Wakewire sockets, tokio's io-util helpers, under core's block_on: no tokio runtime.
//! wakewire_core::block_on(async {
//!     let (a, b) = UnixStream::pair()?;
//!     let mut a = a.compat();
//!     a.write_all(b"first\nsecond\n").await?;
//!     a.shutdown().await?;
//!     let mut lines = tokio::io::BufReader::new(b.compat()).lines();
//!     assert_eq!(lines.next_line().await?.as_deref(), Some("first"));
//!     assert_eq!(lines.next_line().await?.as_deref(), Some("second"));
//!     assert_eq!(lines.next_line().await?, None);
//!     Ok::<(), std::io::Error>(())
//! })?;
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! # Why `tokio-util`'s and not our own
//!
//! It is what tokio maintains and what the ecosystem already uses, so a `Compat<T>` from
//! here is the same type a library built on `tokio-util` expects. It needs no `unsafe`:
//! a `futures-io` reader under tokio reads into tokio's `ReadBuf` through
//! `initialize_unfilled` and the checked `advance` (a reader claiming more bytes than it
//! was given panics instead of exposing memory). Flush, shutdown (`poll_shutdown` ⇄
//! `poll_close`) and `AsyncBufRead` are forwarded both ways.
//!
//! # Cost
//!
//! A wrapper struct, no allocation and no extra system call. Two things it does not pass
//! through: a tokio caller's read into *uninitialized* buffer space (`read_buf` into spare
//! capacity) zeroes that space first, since a `futures-io` reader takes `&mut [u8]`; and
//! vectored writes are not forwarded in either direction, so `write_vectored` through a
//! `Compat` writes only its first non-empty buffer per call (correct, one `write` instead
//! of a `writev`).
//!
//! For hyper, which has I/O traits of its own, use `wakewire-adapter-hyper`'s `HyperIo`
//! directly over the `futures-io` stream; no `Compat` is needed.

#[doc(inline)]
pub use tokio_util::compat::{
    Compat, FuturesAsyncReadCompatExt, FuturesAsyncWriteCompatExt, TokioAsyncReadCompatExt,
    TokioAsyncWriteCompatExt,
};
