//! A scripted source under `Async` returns EINTR, WouldBlock, partial reads and
//! writes, a zero-byte write, a reset and EOF; the leaf futures turn each into the
//! documented result, with no busy loop.

use std::collections::VecDeque;
use std::future::Future;
use std::io::{self, ErrorKind, Read, Write};
use std::pin::pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::io::{AsyncReadExt, AsyncWriteExt};
use mio::event::Source;
use mio::{Interest, Registry, Token};
use wakewire_core::waker::counting_waker;
use wakewire_reactor_mio::{Async, Reactor};

enum Step {
    Fail(ErrorKind),
    /// Read: these bytes. Write: accept this many bytes.
    Bytes(Vec<u8>),
    Accept(usize),
}

/// Readiness comes from a real socket; the data and errors come from the script.
struct Scripted {
    socket: mio::net::UnixStream,
    reads: VecDeque<Step>,
    writes: VecDeque<Step>,
    written: Vec<u8>,
    calls: usize,
}

impl Read for Scripted {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.calls += 1;
        match self.reads.pop_front() {
            None => Ok(0), // EOF, forever
            Some(Step::Fail(kind)) => Err(kind.into()),
            Some(Step::Bytes(bytes)) => {
                buf[..bytes.len()].copy_from_slice(&bytes);
                Ok(bytes.len())
            }
            Some(Step::Accept(_)) => unreachable!(),
        }
    }
}

impl Write for Scripted {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.calls += 1;
        match self.writes.pop_front() {
            None => Ok(buf.len()),
            Some(Step::Fail(kind)) => Err(kind.into()),
            Some(Step::Accept(n)) => {
                let n = n.min(buf.len());
                self.written.extend_from_slice(&buf[..n]);
                Ok(n)
            }
            Some(Step::Bytes(_)) => unreachable!(),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Source for Scripted {
    fn register(
        &mut self,
        registry: &Registry,
        token: Token,
        interest: Interest,
    ) -> io::Result<()> {
        self.socket.register(registry, token, interest)
    }

    fn reregister(
        &mut self,
        registry: &Registry,
        token: Token,
        interest: Interest,
    ) -> io::Result<()> {
        self.socket.reregister(registry, token, interest)
    }

    fn deregister(&mut self, registry: &Registry) -> io::Result<()> {
        self.socket.deregister(registry)
    }
}

/// Makes the real socket report an event (READABLE, and WRITABLE with it).
fn poke(peer: &mut mio::net::UnixStream, reactor: &mut Reactor) {
    peer.write_all(b"!").unwrap();
    reactor.turn(Some(Duration::from_secs(5))).unwrap();
}

#[test]
fn fault_scripted_io_errors() {
    let _watchdog =
        wakewire_test_util::watchdog("fault_scripted_io_errors", Duration::from_secs(20));
    let mut reactor = Reactor::new().unwrap();
    let (socket, mut peer) = mio::net::UnixStream::pair().unwrap();
    let scripted = Scripted {
        socket,
        reads: VecDeque::from([
            Step::Fail(ErrorKind::Interrupted),
            Step::Fail(ErrorKind::WouldBlock),
            Step::Bytes(b"a".to_vec()),
            Step::Bytes(b"bcd".to_vec()),
            Step::Fail(ErrorKind::ConnectionReset),
        ]),
        writes: VecDeque::from([
            Step::Fail(ErrorKind::Interrupted),
            Step::Accept(1),
            Step::Fail(ErrorKind::WouldBlock),
            Step::Accept(100),
            Step::Accept(0),
        ]),
        written: Vec::new(),
        calls: 0,
    };
    let mut io = Async::with_handle(scripted, &reactor.handle()).unwrap();
    poke(&mut peer, &mut reactor);
    let (waker, wakes) = counting_waker();
    let mut cx = Context::from_waker(&waker);

    // read_exact: EINTR retried, WouldBlock parks, then two partial reads finish it.
    let mut buf = [0; 4];
    {
        let mut read = pin!(io.read_exact(&mut buf));
        assert!(
            read.as_mut().poll(&mut cx).is_pending(),
            "WouldBlock must park"
        );
        assert_eq!(wakes.wakes(), 0);
        poke(&mut peer, &mut reactor);
        assert_eq!(wakes.wakes(), 1, "one event, one wake");
        assert!(matches!(read.as_mut().poll(&mut cx), Poll::Ready(Ok(()))));
    } // two polls for one readiness event: no busy loop
    assert_eq!(&buf, b"abcd");

    // A reset is reported once; then EOF is Ok(0) on every read.
    let mut small = [0; 8];
    let err = futures_executor::block_on(io.read(&mut small)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConnectionReset);
    for _ in 0..3 {
        assert_eq!(futures_executor::block_on(io.read(&mut small)).unwrap(), 0);
    }

    // write_all: EINTR retried, a 1-byte partial write, WouldBlock parks, then the rest.
    {
        let mut write = pin!(io.write_all(b"hello"));
        assert!(write.as_mut().poll(&mut cx).is_pending());
        poke(&mut peer, &mut reactor);
        assert_eq!(wakes.wakes(), 2);
        assert!(matches!(write.as_mut().poll(&mut cx), Poll::Ready(Ok(()))));
    }
    assert_eq!(io.get_ref().written, b"hello");

    // A write that accepts 0 bytes of a non-empty buffer is WriteZero, not a hang.
    let err = futures_executor::block_on(io.write(b"x")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WriteZero);
    // An empty write is just Ok(0).
    assert_eq!(futures_executor::block_on(io.write(b"")).unwrap(), 0);
    // Every system call accounted for: 4 + 1 + 3 reads, 4 + 1 + 1 writes; none repeated.
    assert_eq!(io.get_ref().calls, 4 + 1 + 3 + 4 + 1 + 1);
}
