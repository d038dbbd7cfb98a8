//! mpsc wakeups stepped by hand with counting wakers: who is woken, how often, and that
//! dropped futures neither keep wakers alive nor strand a freed slot.
#![cfg(not(loom))]

use std::task::Poll;

use wakewire_core::waker::counting_waker;
use wakewire_reactor_channel::mpsc;
use wakewire_test_util::poll_once;

#[test]
fn send_wakes_pending_receiver_once() {
    let (tx, mut rx) = mpsc::bounded(4);
    let (waker, counter) = counting_waker();
    let mut recv = rx.recv();
    assert_eq!(poll_once(&mut recv, &waker), Poll::Pending);
    tx.try_send(7).unwrap();
    tx.try_send(8).unwrap();
    assert_eq!(
        counter.wakes(),
        1,
        "one wake for the first value, none for the second"
    );
    assert_eq!(poll_once(&mut recv, &waker), Poll::Ready(Ok(7)));
}

#[test]
fn latest_receiver_waker_wins() {
    let (tx, mut rx) = mpsc::unbounded::<u8>();
    let (first, first_count) = counting_waker();
    let (second, second_count) = counting_waker();
    let mut recv = rx.recv();
    assert!(poll_once(&mut recv, &first).is_pending());
    assert!(poll_once(&mut recv, &second).is_pending());
    tx.try_send(1).unwrap();
    assert_eq!((first_count.wakes(), second_count.wakes()), (0, 1));
    // Only the test's own waker and counter remain: the stale clone was released.
    assert_eq!(
        first_count.live_references(),
        2,
        "the stale waker was released"
    );
}

#[test]
fn blocked_senders_are_woken_fifo_one_per_freed_slot() {
    let (tx, mut rx) = mpsc::bounded(1);
    tx.try_send(0).unwrap();
    let (wa, a) = counting_waker();
    let (wb, b) = counting_waker();
    let mut send_a = tx.send(1);
    let mut send_b = tx.send(2);
    assert!(poll_once(&mut send_a, &wa).is_pending());
    assert!(poll_once(&mut send_b, &wb).is_pending());
    assert_eq!(rx.try_recv(), Ok(0));
    assert_eq!((a.wakes(), b.wakes()), (1, 0), "first in line first");
    assert_eq!(poll_once(&mut send_a, &wa), Poll::Ready(Ok(())));
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!((a.wakes(), b.wakes()), (1, 1));
    assert_eq!(poll_once(&mut send_b, &wb), Poll::Ready(Ok(())));
    assert_eq!(rx.try_recv(), Ok(2));
}

#[test]
fn dropped_woken_sender_passes_the_slot_on() {
    let (tx, mut rx) = mpsc::bounded(1);
    tx.try_send(0).unwrap();
    let (wa, a) = counting_waker();
    let (wb, b) = counting_waker();
    let mut send_a = tx.send(1);
    let mut send_b = tx.send(2);
    assert!(poll_once(&mut send_a, &wa).is_pending());
    assert!(poll_once(&mut send_b, &wb).is_pending());
    assert_eq!(rx.try_recv(), Ok(0));
    assert_eq!(a.wakes(), 1);
    drop(send_a); // chosen, but gone without sending
    assert_eq!(
        b.wakes(),
        1,
        "the freed slot's wakeup went to the next sender"
    );
    assert_eq!(poll_once(&mut send_b, &wb), Poll::Ready(Ok(())));
    assert_eq!(rx.try_recv(), Ok(2));
    // Only the test's own waker and counter remain.
    assert_eq!(a.live_references(), 2);
    assert_eq!(b.live_references(), 2);
}

#[test]
fn dropped_pending_futures_release_their_wakers() {
    let (tx, mut rx) = mpsc::bounded(1);
    let (waker, counter) = counting_waker();
    let baseline = counter.live_references();
    {
        let mut recv = rx.recv();
        assert!(poll_once(&mut recv, &waker).is_pending());
        assert_eq!(counter.live_references(), baseline + 1);
    }
    assert_eq!(
        counter.live_references(),
        baseline,
        "Recv drop removed its waker"
    );
    tx.try_send(1).unwrap();
    {
        let mut send = tx.send(2);
        assert!(poll_once(&mut send, &waker).is_pending());
        assert_eq!(counter.live_references(), baseline + 1);
    }
    assert_eq!(
        counter.live_references(),
        baseline,
        "Send drop removed its waker"
    );
    assert_eq!(counter.wakes(), 0);
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(
        rx.try_recv(),
        Err(wakewire_reactor_channel::TryRecvError::Empty)
    );
}

#[test]
fn sender_that_lost_its_slot_keeps_its_place() {
    let (tx, mut rx) = mpsc::bounded(1);
    tx.try_send(0).unwrap();
    let (wa, a) = counting_waker();
    let (wb, b) = counting_waker();
    let mut send_a = tx.send(1);
    let mut send_b = tx.send(2);
    assert!(poll_once(&mut send_a, &wa).is_pending());
    assert!(poll_once(&mut send_b, &wb).is_pending());
    assert_eq!(rx.try_recv(), Ok(0));
    tx.try_send(9).unwrap(); // a faster sender takes the freed slot
    assert!(poll_once(&mut send_a, &wa).is_pending());
    assert_eq!(rx.try_recv(), Ok(9));
    assert_eq!((a.wakes(), b.wakes()), (2, 0), "A is still first in line");
    assert_eq!(poll_once(&mut send_a, &wa), Poll::Ready(Ok(())));
    drop(send_b);
    assert_eq!(rx.try_recv(), Ok(1));
}
