//! A leaf polled with waker A, then B, then wakers whose `will_wake` is always false
//! wakes only the latest, once per event, with no busy loop.

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
    let _watchdog = wakewire_test_util::watchdog("misuse_waker_changes", Duration::from_secs(20));
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

    // Wakers that never `will_wake` each other, each with its own counter: every poll
    // stores its clone in place of the previous one, nothing more.
    let counters: Vec<Arc<AtomicUsize>> = (0..10).map(|_| Arc::default()).collect();
    for count in &counters {
        assert!(poll_read(&mut a, &fresh_waker(count)).is_pending());
    }
    // Only the latest waker is still held by the reactor (its counter's second
    // reference); the nine earlier ones were released when replaced.
    let held: Vec<usize> = counters.iter().map(Arc::strong_count).collect();
    assert_eq!(held, [1, 1, 1, 1, 1, 1, 1, 1, 1, 2], "stale wakers kept");
    // No event: turning the reactor wakes nobody (re-registering is not an event).
    for _ in 0..3 {
        reactor.turn(Some(Duration::ZERO)).unwrap();
    }
    assert_eq!(
        wakes_of(&counters),
        [0; 10],
        "re-registration caused a wake"
    );
    // One event: exactly one wake, of the latest waker only; the slot let go of it.
    futures_executor::block_on(b.write_all(b"2")).unwrap();
    reactor.turn(Some(Duration::from_secs(5))).unwrap();
    assert_eq!(
        wakes_of(&counters),
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
        "only the latest waker wakes, once"
    );
    assert_eq!(
        Arc::strong_count(&counters[9]),
        1,
        "woken waker not released"
    );
    // The woken task's next poll (with yet another fresh waker) reads the byte: one poll
    // per event, no busy loop.
    let last = Arc::default();
    assert!(matches!(
        poll_read(&mut a, &fresh_waker(&last)),
        Poll::Ready(Ok(1))
    ));
    assert_eq!(last.load(Ordering::SeqCst), 0);
}

fn wakes_of(counters: &[Arc<AtomicUsize>]) -> Vec<usize> {
    counters
        .iter()
        .map(|count| count.load(Ordering::SeqCst))
        .collect()
}
