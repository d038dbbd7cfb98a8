//! The crate's one `unsafe` call: advancing hyper's read cursor over bytes a `futures-io`
//! reader wrote in place.
//!
//! hyper's [`ReadBufCursor`] has two ways to fill it: `put_slice`, which copies from
//! another buffer, and `advance`, which is `unsafe` because the cursor must trust that the
//! bytes it moves over are initialized. Reading straight into hyper's buffer saves a copy
//! of every byte received, and needs `advance`. The safe half of the work is done by
//! hyper's own `initialize_unfilled`, which zeroes what was never initialized and lends
//! the free space out as `&mut [u8]`; the only claim left to make is "`n` of those bytes
//! were written", which the length check below makes true.
#![allow(unsafe_code)]

use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use futures_io::AsyncRead;
use hyper::rt::ReadBufCursor;

/// Reads from `reader` into the free space of `cursor` and advances the cursor by the
/// number of bytes read (0 at end of stream, which hyper reads as EOF).
///
/// # Errors
///
/// The reader's errors, and `InvalidData` if the reader reports more bytes than the
/// space it was given (a broken reader); the cursor is then left where it was.
pub(crate) fn poll_read_into_cursor<R: AsyncRead + ?Sized>(
    reader: Pin<&mut R>,
    cx: &mut Context<'_>,
    mut cursor: ReadBufCursor<'_>,
) -> Poll<io::Result<()>> {
    let free = cursor.initialize_unfilled();
    let space = free.len();
    let read = ready!(reader.poll_read(cx, free))?;
    if read > space {
        return Poll::Ready(Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("the reader reported {read} bytes read into a buffer of {space}"),
        )));
    }
    // SAFETY: `advance(read)` requires the first `read` bytes of the unfilled part to be
    // initialized. `initialize_unfilled` initialized all `space` of them (the reader may
    // only have overwritten them with other initialized bytes: it held a `&mut [u8]`),
    // and `read <= space` was checked just above.
    unsafe { cursor.advance(read) };
    Poll::Ready(Ok(()))
}

#[cfg(test)]
mod tests {
    use std::mem::MaybeUninit;

    use hyper::rt::ReadBuf;

    use super::*;

    /// A reader that hands out its script, one chunk per call, and may lie about sizes.
    struct Scripted {
        chunks: Vec<Vec<u8>>,
        claim_extra: usize,
    }

    impl AsyncRead for Scripted {
        fn poll_read(
            mut self: Pin<&mut Self>,
            _cx: &mut Context<'_>,
            buf: &mut [u8],
        ) -> Poll<io::Result<usize>> {
            if self.chunks.is_empty() {
                return Poll::Ready(Ok(0));
            }
            let chunk = self.chunks.remove(0);
            let n = chunk.len().min(buf.len());
            buf[..n].copy_from_slice(&chunk[..n]);
            Poll::Ready(Ok(n + self.claim_extra))
        }
    }

    fn read_once(reader: &mut Scripted, buf: &mut ReadBuf<'_>) -> io::Result<()> {
        let waker = std::task::Waker::noop();
        let mut cx = Context::from_waker(waker);
        match poll_read_into_cursor(Pin::new(reader), &mut cx, buf.unfilled()) {
            Poll::Ready(result) => result,
            Poll::Pending => unreachable!("the scripted reader is always ready"),
        }
    }

    #[test]
    fn reads_land_in_uninitialized_memory_in_order() {
        let mut reader = Scripted {
            chunks: vec![b"GET / ".to_vec(), b"HTTP/1.1\r\n".to_vec()],
            claim_extra: 0,
        };
        let mut storage = [MaybeUninit::<u8>::uninit(); 32];
        let mut buf = ReadBuf::uninit(&mut storage);
        read_once(&mut reader, &mut buf).unwrap();
        assert_eq!(buf.filled(), b"GET / ");
        read_once(&mut reader, &mut buf).unwrap(); // continues after the filled part
        assert_eq!(buf.filled(), b"GET / HTTP/1.1\r\n");
        read_once(&mut reader, &mut buf).unwrap(); // end of stream: nothing added
        assert_eq!(buf.filled(), b"GET / HTTP/1.1\r\n");
    }

    #[test]
    fn a_full_buffer_takes_only_what_fits() {
        let mut reader = Scripted {
            chunks: vec![b"0123456789".to_vec()],
            claim_extra: 0,
        };
        let mut storage = [MaybeUninit::<u8>::uninit(); 4];
        let mut buf = ReadBuf::uninit(&mut storage);
        read_once(&mut reader, &mut buf).unwrap();
        assert_eq!(buf.filled(), b"0123");
    }

    #[test]
    fn a_reader_claiming_too_many_bytes_is_an_error_and_moves_nothing() {
        let mut reader = Scripted {
            chunks: vec![b"abcd".to_vec()],
            claim_extra: 1,
        };
        let mut storage = [MaybeUninit::<u8>::uninit(); 4];
        let mut buf = ReadBuf::uninit(&mut storage);
        let err = read_once(&mut reader, &mut buf).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert!(buf.filled().is_empty());
    }

    #[test]
    fn a_lie_within_the_space_only_exposes_zeroed_bytes() {
        // The reader writes 2 bytes but claims 3 (still within the space): the third byte
        // is one `initialize_unfilled` zeroed, so it is defined, merely wrong data.
        let mut reader = Scripted {
            chunks: vec![b"ab".to_vec()],
            claim_extra: 1,
        };
        let mut storage = [MaybeUninit::<u8>::uninit(); 8];
        let mut buf = ReadBuf::uninit(&mut storage);
        read_once(&mut reader, &mut buf).unwrap();
        assert_eq!(buf.filled(), b"ab\0");
    }
}
