//! Polling a channel future again after it returned `Ready` has the documented result.
#![cfg(not(loom))]

use std::task::Poll;

use wakewire_core::waker::counting_waker;
use wakewire_reactor_channel::{broadcast, mpsc, oneshot, watch, Notify, RecvError};
use wakewire_test_util::poll_once;

#[test]
#[should_panic(expected = "`Recv` polled after it completed")]
fn misuse_poll_after_completion_mpsc_recv_panics() {
    let (tx, mut rx) = mpsc::unbounded();
    tx.try_send(1).unwrap();
    tx.try_send(2).unwrap();
    let (waker, _) = counting_waker();
    let mut recv = rx.recv();
    assert_eq!(poll_once(&mut recv, &waker), Poll::Ready(Ok(1)));
    let _ = poll_once(&mut recv, &waker);
}

#[test]
fn misuse_poll_after_completion_mpsc_recv_panic_loses_nothing() {
    let (tx, mut rx) = mpsc::unbounded();
    tx.try_send(1).unwrap();
    tx.try_send(2).unwrap();
    let (waker, _) = counting_waker();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut recv = rx.recv();
        assert_eq!(poll_once(&mut recv, &waker), Poll::Ready(Ok(1)));
        let _ = poll_once(&mut recv, &waker);
    }));
    assert!(result.is_err());
    assert_eq!(rx.try_recv(), Ok(2), "the second value is still there");
}

#[test]
#[should_panic(expected = "a send future was polled after it completed")]
fn misuse_poll_after_completion_mpsc_send_panics() {
    let (tx, _rx) = mpsc::bounded(4);
    let (waker, _) = counting_waker();
    let mut send = tx.send(1);
    assert_eq!(poll_once(&mut send, &waker), Poll::Ready(Ok(())));
    let _ = poll_once(&mut send, &waker);
}

#[test]
fn misuse_poll_after_completion_oneshot_returns_recv_error() {
    let (tx, mut rx) = oneshot::channel();
    tx.send(1).unwrap();
    let (waker, counter) = counting_waker();
    assert_eq!(poll_once(&mut rx, &waker), Poll::Ready(Ok(1)));
    assert_eq!(poll_once(&mut rx, &waker), Poll::Ready(Err(RecvError)));
    assert_eq!(poll_once(&mut rx, &waker), Poll::Ready(Err(RecvError)));
    assert_eq!(counter.wakes(), 0);
}

#[test]
#[should_panic(expected = "`broadcast::Recv` polled after it completed")]
fn misuse_poll_after_completion_broadcast_recv_panics() {
    let (tx, mut rx) = broadcast::channel(2);
    tx.send(1).unwrap();
    let (waker, _) = counting_waker();
    let mut recv = rx.recv();
    assert_eq!(poll_once(&mut recv, &waker), Poll::Ready(Ok(1)));
    let _ = poll_once(&mut recv, &waker);
}

#[test]
fn misuse_poll_after_completion_watch_changed_waits_for_next_change() {
    let (tx, mut rx) = watch::channel(0);
    tx.send(1).unwrap();
    let (waker, counter) = counting_waker();
    let mut changed = rx.changed();
    assert_eq!(poll_once(&mut changed, &waker), Poll::Ready(Ok(())));
    assert_eq!(poll_once(&mut changed, &waker), Poll::Pending);
    tx.send(2).unwrap();
    assert_eq!(counter.wakes(), 1);
    assert_eq!(poll_once(&mut changed, &waker), Poll::Ready(Ok(())));
}

#[test]
fn misuse_poll_after_completion_notified_stays_ready() {
    let notify = Notify::new();
    notify.notify_one();
    let (waker, _) = counting_waker();
    let mut notified = notify.notified();
    assert_eq!(poll_once(&mut notified, &waker), Poll::Ready(()));
    assert_eq!(poll_once(&mut notified, &waker), Poll::Ready(()));
    notify.notify_one();
    assert_eq!(
        poll_once(&mut notify.notified(), &waker),
        Poll::Ready(()),
        "permit not consumed"
    );
}
