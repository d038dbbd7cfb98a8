//! The receiver takes values from the shared queue in batches (all of it at once, into a
//! buffer of its own), yet the capacity, `len` and the waiting senders see exactly the
//! values sent and not yet received.

use std::task::Poll;

use wakewire_core::waker::counting_waker;
use wakewire_reactor_channel::{mpsc, TrySendError};
use wakewire_test_util::poll_once;

#[test]
fn values_in_the_receivers_batch_still_take_their_slots() {
    let (tx, mut rx) = mpsc::bounded(3);
    for value in 0..3u32 {
        tx.try_send(value).unwrap();
    }
    // The first receive moves all three into the receiver's buffer and returns one.
    assert_eq!(rx.try_recv(), Ok(0));
    assert_eq!((tx.len(), rx.len()), (2, 2));
    // One slot is free, not three.
    tx.try_send(3).unwrap();
    assert!(matches!(tx.try_send(4), Err(TrySendError::Full(4))));
    assert_eq!(tx.len(), 3);
    let received: Vec<u32> = std::iter::from_fn(|| rx.try_recv().ok()).collect();
    assert_eq!(
        received,
        [1, 2, 3],
        "FIFO across the batch and the shared queue"
    );
    assert!(tx.is_empty());
}

#[test]
fn a_value_received_from_the_batch_wakes_a_waiting_sender_once() {
    let (tx, mut rx) = mpsc::bounded(2);
    tx.try_send(0u32).unwrap();
    tx.try_send(1).unwrap();
    let (waker, wakes) = counting_waker();
    let mut send = tx.send(2);
    assert!(
        poll_once(&mut send, &waker).is_pending(),
        "full: the sender waits"
    );
    assert_eq!(rx.try_recv(), Ok(0)); // from the batch: frees one slot
    assert_eq!(wakes.wakes(), 1, "the freed slot woke the waiting sender");
    assert_eq!(poll_once(&mut send, &waker), Poll::Ready(Ok(())));
    assert_eq!(rx.try_recv(), Ok(1)); // nobody waits now: no wake
    assert_eq!(wakes.wakes(), 1);
    assert_eq!(rx.try_recv(), Ok(2));
}

#[test]
fn dropping_the_receiver_drops_its_batch_and_frees_the_senders() {
    let (tx, mut rx) = mpsc::bounded(2);
    let value = std::sync::Arc::new(());
    tx.try_send(value.clone()).unwrap();
    tx.try_send(value.clone()).unwrap();
    drop(rx.try_recv().unwrap()); // the other one now sits in the receiver's batch
    assert_eq!(std::sync::Arc::strong_count(&value), 2);
    drop(rx);
    assert_eq!(
        std::sync::Arc::strong_count(&value),
        1,
        "the batch was dropped"
    );
    assert!(tx.is_closed());
    assert_eq!(tx.len(), 0);
    assert!(matches!(tx.try_send(value), Err(TrySendError::Closed(_))));
}
