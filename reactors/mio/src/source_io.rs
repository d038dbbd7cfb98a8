//! `futures-io` traits for [`Async`]: generic `AsyncRead`/`AsyncWrite`, and the
//! stream-socket paths the TCP and Unix stream types use.

use std::io::{self, IoSlice, IoSliceMut, Read, Write};
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_io::{AsyncRead, AsyncWrite};
use mio::event::Source;

use crate::readiness::Direction;
use crate::source::Async;

impl<T: Source> Async<T>
where
    for<'a> &'a T: Read + Write,
{
    /// Stream-socket read: a short read also clears readiness (see
    /// [`Registration::poll_stream_io`]).
    pub(crate) fn poll_stream_read(
        &self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let (io, len) = (self.get_ref(), buf.len());
        self.registration()
            .poll_stream_io(cx, Direction::Read, len, || (&mut &*io).read(buf))
    }

    /// Stream-socket vectored read; see [`poll_stream_read`](Self::poll_stream_read).
    pub(crate) fn poll_stream_read_vectored(
        &self,
        cx: &mut Context<'_>,
        bufs: &mut [IoSliceMut<'_>],
    ) -> Poll<io::Result<usize>> {
        let io = self.get_ref();
        let len = bufs.iter().map(|buf| buf.len()).sum();
        self.registration()
            .poll_stream_io(cx, Direction::Read, len, || (&mut &*io).read_vectored(bufs))
    }

    /// Stream-socket write: `WriteZero` for a zero-byte write, and a short write also
    /// clears readiness.
    pub(crate) fn poll_stream_write(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let (io, len) = (self.get_ref(), buf.len());
        self.registration()
            .poll_stream_io(cx, Direction::Write, len, || {
                check_write((&mut &*io).write(buf), len)
            })
    }

    /// Stream-socket vectored write; see [`poll_stream_write`](Self::poll_stream_write).
    pub(crate) fn poll_stream_write_vectored(
        &self,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let (io, len) = (self.get_ref(), vectored_len(bufs));
        self.registration()
            .poll_stream_io(cx, Direction::Write, len, || {
                check_write((&mut &*io).write_vectored(bufs), len)
            })
    }
}

/// A write that moved no byte of a non-empty buffer cannot make progress: `WriteZero`.
pub(crate) fn check_write(written: io::Result<usize>, len: usize) -> io::Result<usize> {
    match written {
        Ok(0) if len > 0 => Err(io::Error::new(
            io::ErrorKind::WriteZero,
            "the write accepted no bytes",
        )),
        other => other,
    }
}

fn vectored_len(bufs: &[IoSlice<'_>]) -> usize {
    bufs.iter().map(|buf| buf.len()).sum()
}

impl<T: Source + Read> AsyncRead for Async<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.get_mut().poll_read_with_mut(cx, |io| io.read(buf))
    }

    fn poll_read_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &mut [IoSliceMut<'_>],
    ) -> Poll<io::Result<usize>> {
        self.get_mut()
            .poll_read_with_mut(cx, |io| io.read_vectored(bufs))
    }
}

impl<T: Source + Write> AsyncWrite for Async<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.get_mut()
            .poll_write_with_mut(cx, |io| check_write(io.write(buf), buf.len()))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let len = vectored_len(bufs);
        self.get_mut()
            .poll_write_with_mut(cx, |io| check_write(io.write_vectored(bufs), len))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().poll_write_with_mut(cx, |io| io.flush())
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}

impl<T: Source> AsyncRead for &Async<T>
where
    for<'a> &'a T: Read,
{
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_read_with(cx, |mut io| io.read(buf))
    }

    fn poll_read_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &mut [IoSliceMut<'_>],
    ) -> Poll<io::Result<usize>> {
        self.poll_read_with(cx, |mut io| io.read_vectored(bufs))
    }
}

impl<T: Source> AsyncWrite for &Async<T>
where
    for<'a> &'a T: Write,
{
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_write_with(cx, |mut io| check_write(io.write(buf), buf.len()))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let len = vectored_len(bufs);
        self.poll_write_with(cx, |mut io| check_write(io.write_vectored(bufs), len))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_write_with(cx, |mut io| io.flush())
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}
