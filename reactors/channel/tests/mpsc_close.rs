//! Closing semantics of mpsc: drain then closed, values handed back, close from either side.
#![cfg(not(loom))]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::Poll;

use wakewire_core::waker::counting_waker;
use wakewire_reactor_channel::{mpsc, RecvError, SendError, TryRecvError, TrySendError};
use wakewire_test_util::poll_once;

#[test]
fn receiver_drains_then_sees_closed_exactly_once_per_call() {
    let (tx, mut rx) = mpsc::bounded(4);
    let tx2 = tx.clone();
    tx.try_send(1).unwrap();
    tx2.try_send(2).unwrap();
    drop(tx);
    assert!(!rx.is_closed(), "one sender is left");
    tx2.try_send(3).unwrap();
    drop(tx2);
    assert!(rx.is_closed());
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(rx.try_recv(), Ok(2));
    assert_eq!(rx.try_recv(), Ok(3));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    assert_eq!(rx.recv_blocking(), Err(RecvError));
}

#[test]
fn pending_recv_is_woken_once_by_last_sender_drop() {
    let (tx, mut rx) = mpsc::unbounded::<u8>();
    let (waker, counter) = counting_waker();
    let mut recv = rx.recv();
    assert_eq!(poll_once(&mut recv, &waker), Poll::Pending);
    let tx2 = tx.clone();
    drop(tx);
    assert_eq!(counter.wakes(), 0, "a sender is still alive");
    drop(tx2);
    assert_eq!(counter.wakes(), 1);
    assert_eq!(poll_once(&mut recv, &waker), Poll::Ready(Err(RecvError)));
}

#[test]
fn receiver_drop_fails_sends_and_hands_values_back() {
    let (tx, rx) = mpsc::bounded(1);
    drop(rx);
    assert!(tx.is_closed());
    assert_eq!(tx.try_send("a"), Err(TrySendError::Closed("a")));
    assert_eq!(tx.send_blocking("b"), Err(SendError("b")));
}

#[test]
fn receiver_drop_drops_buffered_values_once() {
    struct Counted(Arc<AtomicUsize>);
    impl Drop for Counted {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    let drops = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = mpsc::unbounded();
    for _ in 0..5 {
        tx.try_send(Counted(drops.clone())).unwrap();
    }
    drop(rx);
    assert_eq!(drops.load(Ordering::SeqCst), 5);
    let back = tx
        .try_send(Counted(drops.clone()))
        .unwrap_err()
        .into_inner();
    drop(back);
    drop(tx);
    assert_eq!(drops.load(Ordering::SeqCst), 6);
}

#[test]
fn full_channel_rejects_try_send_with_the_value() {
    let (tx, mut rx) = mpsc::bounded(2);
    assert_eq!(tx.capacity(), Some(2));
    tx.try_send(1).unwrap();
    tx.try_send(2).unwrap();
    assert_eq!(tx.len(), 2);
    let err = tx.try_send(3).unwrap_err();
    assert!(err.is_full());
    assert_eq!(err.into_inner(), 3);
    assert_eq!(rx.try_recv(), Ok(1));
    tx.try_send(3).unwrap();
    assert_eq!(rx.len(), 2);
}

#[test]
fn receiver_close_fails_waiting_sender_but_keeps_buffer() {
    let (tx, mut rx) = mpsc::bounded(1);
    tx.try_send(1).unwrap();
    let (waker, counter) = counting_waker();
    let mut send = tx.send(2);
    assert!(poll_once(&mut send, &waker).is_pending());
    assert!(rx.close());
    assert!(!rx.close(), "second close reports it was already closed");
    assert_eq!(counter.wakes(), 1, "the waiting sender is woken by close");
    assert_eq!(poll_once(&mut send, &waker), Poll::Ready(Err(SendError(2))));
    assert_eq!(tx.try_send(3), Err(TrySendError::Closed(3)));
    assert_eq!(
        rx.try_recv(),
        Ok(1),
        "values sent before close are still delivered"
    );
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
}

#[test]
fn sender_close_closes_for_every_sender() {
    let (tx, mut rx) = mpsc::unbounded();
    let other = tx.clone();
    tx.try_send(1).unwrap();
    assert!(other.close());
    assert!(tx.is_closed() && rx.is_closed());
    assert_eq!(tx.try_send(2), Err(TrySendError::Closed(2)));
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
}

#[test]
fn unbounded_never_reports_full() {
    let (tx, mut rx) = mpsc::unbounded();
    assert_eq!(tx.capacity(), None);
    for i in 0..10_000 {
        tx.try_send(i).unwrap();
    }
    assert_eq!(rx.len(), 10_000);
    for i in 0..10_000 {
        assert_eq!(rx.try_recv(), Ok(i));
    }
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    assert!(rx.is_empty());
}
