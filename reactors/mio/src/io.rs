//! Buffered reading and the I/O extension traits, for the byte streams of this crate.
//!
//! The sockets implement `futures-io`'s [`AsyncRead`]/[`AsyncWrite`] themselves. For
//! [`AsyncBufRead`] — line-oriented protocols, `lines()`, `read_until` — wrap a stream in
//! [`BufReader`]: it is `futures-util`'s, re-exported here so a [`TcpStream`] user finds
//! it next to the socket. It is the right tool rather than a second buffer of our own:
//! it keeps one buffer, serves `AsyncBufRead` from it, and forwards `AsyncWrite` to the
//! stream, so one `BufReader<TcpStream>` reads lines and writes replies.
//!
//! ```
//! use wakewire_reactor_mio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
//! use wakewire_reactor_mio::{TcpListener, TcpStream};
//! use futures_util::TryStreamExt;
//!
//! wakewire_core::block_on(async {
//!     let listener = TcpListener::bind("127.0.0.1:0".parse().unwrap())?;
//!     let mut client = TcpStream::connect(listener.local_addr()?).await?;
//!     let (server, _) = listener.accept().await?;
//!     client.write_all(b"GET / HTTP/1.1\r\nhost: here\r\n\r\n").await?;
//!     client.close().await?; // the server reads EOF after the request
//!
//!     let lines: Vec<String> = BufReader::new(server).lines().try_collect().await?;
//!     assert_eq!(lines, ["GET / HTTP/1.1", "host: here", ""]); // "\r\n" and "\n" end a line
//!     Ok::<(), std::io::Error>(())
//! })?;
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! [`TcpStream`]: crate::TcpStream

#[doc(no_inline)]
pub use futures_io::{AsyncBufRead, AsyncRead, AsyncWrite};
#[doc(no_inline)]
pub use futures_util::io::{
    AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, BufWriter, Lines,
};
