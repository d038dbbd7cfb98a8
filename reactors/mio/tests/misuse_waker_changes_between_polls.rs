//! D9: a leaf polled with waker A, then B, then wakers whose `will_wake` is always false
//! wakes only the latest, once per event, with no busy loop.

mod util;

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use futures_io::AsyncRead;
use futures_util::io::AsyncWriteExt;
use wakewire_core::waker::counting_waker;
use wakewire_reactor_mio::{Reactor, UnixStream};

/// Every call makes a new `Arc`, so `will_wake` is false against any earlier one.
struct Fresh(Arc<AtomicUsize>);

impl Wake for Fresh {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn fresh_waker(count: &Arc<AtomicUsize>) -> Waker {
    Waker::from(Arc::new(Fresh(Arc::clone(count))))
}

fn poll_read(stream: &mut UnixStream, waker: &Waker) -> Poll<io::Result<usize>> {
    let mut buf = [0; 16];
    Pin::new(stream).poll_read(&mut Context::from_waker(waker), &mut buf)
}

#[test]
fn misuse_waker_changes_between_polls() {
    let _watchdog = util::Watchdog::new("misuse_waker_changes", Duration::from_secs(20));
    let mut reactor = Reactor::new().unwrap();
    let (mut a, mut b) = UnixStream::pair_with(&reactor.handle()).unwrap();
    reactor.turn(Some(Duration::ZERO)).unwrap();

    let (waker_a, wakes_a) = counting_waker();
    let (waker_b, wakes_b) = counting_waker();
    assert!(poll_read(&mut a, &waker_a).is_pending());
    assert!(poll_read(&mut a, &waker_b).is_pending()); // moved to another task
    futures_executor::block_on(b.write_all(b"1")).unwrap();
    reactor.turn(Some(Duration::from_secs(5))).unwrap();
    assert_eq!(
        (wakes_a.wakes(), wakes_b.wakes()),
        (0, 1),
        "only the latest waker wakes"
    );
    // The counter and the test's own `waker_a`: the slot let go of its clone.
    assert_eq!(
        wakes_a.live_references(),
        2,
        "the stale waker A was not released"
    );
    assert!(matches!(poll_read(&mut a, &waker_b), Poll::Ready(Ok(1))));

    // Wakers that never `will_wake` each other: each poll stores a clone, nothing more.
    let count = Arc::new(AtomicUsize::new(0));
    let mut polls = 0;
    for _ in 0..10 {
        polls += 1;
        assert!(poll_read(&mut a, &fresh_waker(&count)).is_pending());
    }
    // No event: turning the reactor wakes nobody (re-registering is not an event).
    for _ in 0..3 {
        reactor.turn(Some(Duration::ZERO)).unwrap();
    }
    assert_eq!(
        count.load(Ordering::SeqCst),
        0,
        "re-registration caused a wake"
    );
    // One event: exactly one wake (of the latest), then one poll reads it.
    futures_executor::block_on(b.write_all(b"2")).unwrap();
    reactor.turn(Some(Duration::from_secs(5))).unwrap();
    assert_eq!(count.load(Ordering::SeqCst), 1);
    polls += 1;
    assert!(matches!(
        poll_read(&mut a, &fresh_waker(&count)),
        Poll::Ready(Ok(1))
    ));
    assert_eq!(polls, 11, "at most one extra poll per event");
}
