//! [`HyperIo`]: `futures-io` streams as hyper's `Read`/`Write`, and back.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_io::{AsyncRead, AsyncWrite};
use hyper::rt::{ReadBuf, ReadBufCursor};
use pin_project_lite::pin_project;

use crate::raw;

pin_project! {
    /// A byte stream seen through the other side's I/O traits: a `futures-io` stream as
    /// hyper's [`Read`](hyper::rt::Read)/[`Write`](hyper::rt::Write), or a hyper stream
    /// (an upgraded connection, say) as `futures-io`'s `AsyncRead`/`AsyncWrite`.
    ///
    /// | `T` implements | `HyperIo<T>` implements |
    /// | --- | --- |
    /// | `futures_io::AsyncRead` / `AsyncWrite` (Wakewire's sockets, smol's, `BufReader`, ...) | `hyper::rt::Read` / `Write` |
    /// | `hyper::rt::Read` / `Write` (`hyper::upgrade::Upgraded`, ...) | `futures_io::AsyncRead` / `AsyncWrite` |
    ///
    /// Wrap the stream where hyper takes it, as in `serve_connection(HyperIo::new(stream),
    /// service)` or `handshake(HyperIo::new(stream))`.
    ///
    /// # Reads
    ///
    /// hyper reads into memory it has not initialized; a `futures-io` reader wants `&mut
    /// [u8]`. So the part of hyper's buffer that is not initialized yet is zeroed before
    /// each read (a `memset` of the free space, at most hyper's read-buffer size), the
    /// reader fills it in place (no copy), and the cursor is advanced by what it read. A
    /// reader that claims to have read more bytes than it was given gets an
    /// `InvalidData` error, never a cursor past the end.
    ///
    /// # Writes
    ///
    /// Writes, flushes and vectored writes are forwarded; hyper's `poll_shutdown` is
    /// `poll_close`. `futures-io` cannot say whether a stream's vectored writes are real
    /// (a `writev`) or a loop over single writes, so hyper is told they are not, and
    /// gathers small writes into one buffer itself. Say [`with_vectored_writes`] when they
    /// are (Wakewire's TCP and Unix streams do `writev`): hyper then hands the head and the
    /// body chunks over as separate buffers, without copying them together.
    ///
    /// # Wakeups
    ///
    /// Those of `T`: each call is forwarded once, with the caller's context.
    ///
    /// [`with_vectored_writes`]: HyperIo::with_vectored_writes
    #[derive(Debug)]
    pub struct HyperIo<T> {
        #[pin]
        inner: T,
        vectored_writes: bool,
    }
}

impl<T> HyperIo<T> {
    /// Wraps `inner`.
    pub fn new(inner: T) -> Self {
        HyperIo {
            inner,
            vectored_writes: false,
        }
    }

    /// Tells hyper whether `inner`'s `poll_write_vectored` writes several buffers in one
    /// call (a `writev`), so hyper may queue buffers instead of copying them into one.
    ///
    /// ```
    /// use wakewire_adapter_hyper::HyperIo;
    /// use hyper::rt::Write;
    ///
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// let io = HyperIo::new(futures_util::io::AllowStdIo::new(a)).with_vectored_writes(true);
    /// assert!(io.is_write_vectored());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn with_vectored_writes(mut self, vectored: bool) -> Self {
        self.vectored_writes = vectored;
        self
    }

    /// The wrapped stream.
    pub fn get_ref(&self) -> &T {
        &self.inner
    }

    /// The wrapped stream, mutably.
    pub fn get_mut(&mut self) -> &mut T {
        &mut self.inner
    }

    /// The wrapped stream, pinned.
    pub fn get_pin_mut(self: Pin<&mut Self>) -> Pin<&mut T> {
        self.project().inner
    }

    /// Unwraps the stream.
    pub fn into_inner(self) -> T {
        self.inner
    }
}

impl<T: AsyncRead> hyper::rt::Read for HyperIo<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        cursor: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        raw::poll_read_into_cursor(self.project().inner, cx, cursor)
    }
}

impl<T: AsyncWrite> hyper::rt::Write for HyperIo<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.project().inner.poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.project().inner.poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.project().inner.poll_close(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.vectored_writes
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.project().inner.poll_write_vectored(cx, bufs)
    }
}

impl<T: hyper::rt::Read> AsyncRead for HyperIo<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        // `buf` is initialized, so hyper's cursor over it needs no `unsafe` here.
        let mut read_buf = ReadBuf::new(buf);
        match self.project().inner.poll_read(cx, read_buf.unfilled()) {
            Poll::Ready(Ok(())) => Poll::Ready(Ok(read_buf.filled().len())),
            Poll::Ready(Err(err)) => Poll::Ready(Err(err)),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T: hyper::rt::Write> AsyncWrite for HyperIo<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.project().inner.poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.project().inner.poll_write_vectored(cx, bufs)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.project().inner.poll_flush(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.project().inner.poll_shutdown(cx)
    }
}
