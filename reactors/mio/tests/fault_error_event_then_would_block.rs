//! An error event (ICMP "port unreachable" on a connected UDP socket, a reset Unix
//! datagram pair, or an injected one) sets every readiness flag of a source, the closed
//! ones included. The next operation surfaces the error; after that, an operation that
//! gets `WouldBlock` must clear what it saw and return `Pending` with its waker stored —
//! never retry the system call in a loop because the closed flags are still set.

use std::collections::VecDeque;
use std::future::Future;
use std::io::{self, ErrorKind};
use std::net::SocketAddr;
use std::os::unix::net::UnixDatagram as StdUnixDatagram;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use mio::Registry;
use wakewire_core::waker::counting_waker;
use wakewire_reactor_mio::{
    Async, Event, MioSelector, Reactor, Readiness, Selector, UdpSocket, UnixDatagram,
};

/// Polls `future` once with `waker`.
fn poll_once<F: std::future::Future>(future: F, waker: &Waker) -> Poll<F::Output> {
    std::pin::pin!(future).poll(&mut Context::from_waker(waker))
}

/// Turns `reactor` (waiting up to 5 s per turn) until `poll` is ready, at most 4 times.
fn poll_with_turns<T>(reactor: &mut Reactor, mut poll: impl FnMut() -> Poll<T>) -> T {
    for _ in 0..4 {
        if let Poll::Ready(value) = poll() {
            return value;
        }
        reactor.turn(Some(Duration::from_secs(5))).unwrap();
    }
    panic!("not ready after 4 reactor turns");
}

/// A loopback address nobody listens on (bound, then closed at once).
fn closed_udp_port() -> SocketAddr {
    let probe = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    probe.local_addr().unwrap()
}

#[test]
fn fault_error_event_udp_refused_then_pending() {
    let _watchdog =
        wakewire_test_util::watchdog("udp_refused_then_pending", Duration::from_secs(20));
    let mut reactor = Reactor::new().unwrap();
    let socket = UdpSocket::bind_with("127.0.0.1:0".parse().unwrap(), &reactor.handle()).unwrap();
    let closed = closed_udp_port();
    socket.connect(closed).unwrap();
    let (waker, wakes) = counting_waker();

    // The send goes out; the kernel answers with ICMP port unreachable (an error event).
    let sent = poll_with_turns(&mut reactor, || poll_once(socket.send(b"ping"), &waker));
    assert_eq!(sent.unwrap(), 4);
    let mut buf = [0; 16];
    let refused = poll_with_turns(&mut reactor, || poll_once(socket.recv(&mut buf), &waker));
    assert_eq!(refused.unwrap_err().kind(), ErrorKind::ConnectionRefused);

    // The error is consumed: the next receive must wait (before the fix this poll never
    // returned — the watchdog fired).
    let before = wakes.wakes();
    let mut cx = Context::from_waker(&waker);
    {
        let mut receive = std::pin::pin!(socket.recv(&mut buf));
        assert!(receive.as_mut().poll(&mut cx).is_pending());
        assert!(receive.as_mut().poll(&mut cx).is_pending());
        assert_eq!(wakes.wakes(), before, "nothing happened, nobody is woken");

        // Its waker is queued: a datagram from the (now open) peer port wakes it.
        let peer = std::net::UdpSocket::bind(closed).expect("the closed port is free again");
        peer.connect(socket.local_addr().unwrap()).unwrap();
        peer.send(b"pong").unwrap();
        reactor.turn(Some(Duration::from_secs(5))).unwrap();
        assert_eq!(wakes.wakes(), before + 1, "the queued waker was woken once");
        assert!(matches!(receive.as_mut().poll(&mut cx), Poll::Ready(Ok(4))));
    }
    assert_eq!(&buf[..4], b"pong");
}

/// A Unix path unique to this process and test.
fn socket_path(name: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("wakewire-{}-{name}", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

#[test]
fn fault_error_event_unix_datagram_reset_then_pending() {
    let _watchdog =
        wakewire_test_util::watchdog("unix_datagram_reset_then_pending", Duration::from_secs(20));
    let mut reactor = Reactor::new().unwrap();
    let (a, b) = UnixDatagram::pair_with(&reactor.handle()).unwrap();
    let (waker, wakes) = counting_waker();
    // `b` sends to `a`; `a` then connects elsewhere, which drops the queued datagram and
    // reports ECONNRESET to `b` as an error event.
    assert!(matches!(
        poll_with_turns(&mut reactor, || poll_once(b.send(b"lost"), &waker)),
        Ok(4)
    ));
    let path = socket_path("reset-then-pending");
    let elsewhere = StdUnixDatagram::bind(&path).unwrap();
    a.connect(&path).unwrap();
    let mut buf = [0; 16];
    let reset = poll_with_turns(&mut reactor, || poll_once(b.recv(&mut buf), &waker));
    assert_eq!(reset.unwrap_err().kind(), ErrorKind::ConnectionReset);

    let before = wakes.wakes();
    assert!(poll_once(b.recv(&mut buf), &waker).is_pending());
    reactor.turn(Some(Duration::ZERO)).unwrap();
    assert_eq!(wakes.wakes(), before);
    drop(elsewhere);
    let _ = std::fs::remove_file(&path);
}

#[test]
fn fault_error_event_unix_datagram_peer_dropped_is_pending() {
    let _watchdog =
        wakewire_test_util::watchdog("unix_datagram_peer_dropped", Duration::from_secs(20));
    let mut reactor = Reactor::new().unwrap();
    let (a, b) = UnixDatagram::pair_with(&reactor.handle()).unwrap();
    let (waker, _wakes) = counting_waker();
    drop(b); // no error event for a datagram socket: a receive just waits
    reactor.turn(Some(Duration::ZERO)).unwrap();
    let mut buf = [0; 16];
    assert!(poll_once(a.recv(&mut buf), &waker).is_pending());
    let refused = poll_with_turns(&mut reactor, || poll_once(a.send(b"x"), &waker));
    assert_eq!(refused.unwrap_err().kind(), ErrorKind::ConnectionRefused);
    assert!(poll_once(a.recv(&mut buf), &waker).is_pending());
}

/// Hands out scripted events first, then waits on the real selector.
struct InjectingSelector {
    real: MioSelector,
    script: Arc<Mutex<VecDeque<Vec<Event>>>>,
}

impl Selector for InjectingSelector {
    fn registry(&self) -> &Registry {
        self.real.registry()
    }

    fn select(&mut self, events: &mut Vec<Event>, timeout: Option<Duration>) -> io::Result<()> {
        match self.script.lock().unwrap().pop_front() {
            Some(injected) => {
                events.extend(injected);
                Ok(())
            }
            None => self.real.select(events, timeout),
        }
    }
}

/// Runs the system call `op` under `poll_*_with`, counting calls; past 100 calls it
/// reports a spin as an error instead of looping on forever.
fn counted<'a, T>(
    calls: &'a mut usize,
    mut op: impl FnMut(&T) -> io::Result<usize> + 'a,
) -> impl FnMut(&T) -> io::Result<usize> + 'a {
    move |source| {
        *calls += 1;
        if *calls > 100 {
            return Err(io::Error::other("spun: WouldBlock retried 100 times"));
        }
        op(source)
    }
}

/// An error event (every flag) on a healthy datagram pair whose receive queue is empty
/// and whose send queue is full: both directions try their call once, get `WouldBlock`,
/// and wait — at most two system calls per event, no busy loop — and each direction's
/// waker is woken by its next real event.
#[test]
fn fault_error_event_spurious_error_both_directions_pending() {
    let _watchdog =
        wakewire_test_util::watchdog("spurious_error_both_directions", Duration::from_secs(20));
    let script = Arc::new(Mutex::new(VecDeque::new()));
    let selector = InjectingSelector {
        real: MioSelector::new().unwrap(),
        script: Arc::clone(&script),
    };
    let mut reactor = Reactor::with_selector(selector).unwrap();
    let handle = reactor.handle();
    let (a, b) = mio::net::UnixDatagram::pair().unwrap();
    let a = Async::with_handle(a, &handle).unwrap();
    let b = Async::with_handle(b, &handle).unwrap();
    reactor.turn(Some(Duration::ZERO)).unwrap();
    // Fill b's receive queue from a, so a's sends would block.
    while a.get_ref().send(b"fill").is_ok() {}
    reactor.turn(Some(Duration::ZERO)).unwrap();

    script.lock().unwrap().push_back(vec![Event {
        token: a.registration().token(),
        readiness: Readiness::ALL, // what `Readiness::from_mio` makes of an error event
    }]);
    reactor.turn(None).unwrap();
    assert_eq!(a.registration().readiness(), Readiness::ALL);

    let (reader, reads_woken) = counting_waker();
    let (writer, writes_woken) = counting_waker();
    let mut buf = [0; 16];
    let mut recvs = 0;
    let read = a.poll_read_with(
        &mut Context::from_waker(&reader),
        counted(&mut recvs, |socket: &mio::net::UnixDatagram| {
            socket.recv(&mut buf)
        }),
    );
    assert!(read.is_pending(), "receive: {read:?}");
    assert!(recvs <= 2, "{recvs} receive calls for one event");
    let mut sends = 0;
    let write = a.poll_write_with(
        &mut Context::from_waker(&writer),
        counted(&mut sends, |socket: &mio::net::UnixDatagram| {
            socket.send(b"more")
        }),
    );
    assert!(write.is_pending(), "send: {write:?}");
    assert!(sends <= 2, "{sends} send calls for one event");
    assert_eq!(
        a.registration().readiness(),
        Readiness::EMPTY,
        "WouldBlock cleared what the event had set"
    );

    // Real events now: a datagram for a, and room in b's queue.
    b.get_ref().send(b"data").unwrap();
    let mut drain = [0; 16];
    while b.get_ref().recv(&mut drain).is_ok() {}
    for _ in 0..4 {
        if reads_woken.wakes() > 0 && writes_woken.wakes() > 0 {
            break;
        }
        reactor.turn(Some(Duration::from_secs(5))).unwrap();
    }
    assert_eq!((reads_woken.wakes(), writes_woken.wakes()), (1, 1));
    let mut recvs = 0;
    let read = a.poll_read_with(
        &mut Context::from_waker(&reader),
        counted(&mut recvs, |socket: &mio::net::UnixDatagram| {
            socket.recv(&mut buf)
        }),
    );
    assert!(matches!(read, Poll::Ready(Ok(4))), "{read:?}");
    let mut sends = 0;
    let write = a.poll_write_with(
        &mut Context::from_waker(&writer),
        counted(&mut sends, |socket: &mio::net::UnixDatagram| {
            socket.send(b"more")
        }),
    );
    assert!(matches!(write, Poll::Ready(Ok(4))), "{write:?}");
}
