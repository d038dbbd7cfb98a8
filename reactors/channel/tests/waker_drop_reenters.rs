//! A channel drops the wakers it replaces or forgets only after releasing its lock.
//!
//! Dropping a waker may run a lot of foreign code: when the channel holds the last
//! reference to a task of a foreign executor, dropping the waker frees the task and
//! everything it owned (a channel handle, a pending future), whose `Drop` calls back into
//! the same channel. Done under the channel's lock, that call re-locks a held
//! `std::sync::Mutex` and the thread deadlocks. Each test below registers such a waker,
//! lets the channel hold its last reference, then makes the channel replace or forget it;
//! the hook re-enters the channel. A deadlock fails the test after a few seconds.
#![cfg(not(loom))]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use wakewire_core::waker::counting_waker;
use wakewire_reactor_channel::{broadcast, mpsc, oneshot, watch, Notify};
use wakewire_test_util::{finishes_within, poll_once, reenters_on_drop};

const LIMIT: Duration = Duration::from_secs(5);

/// A hook that drops `value` (a handle whose `Drop` locks the channel) and records it ran.
fn drops(value: impl Send + 'static) -> (impl FnOnce() + Send + 'static, Arc<AtomicBool>) {
    let ran = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&ran);
    let value = Mutex::new(Some(value));
    let hook = move || {
        drop(value.lock().unwrap().take());
        flag.store(true, Ordering::SeqCst);
    };
    (hook, ran)
}

#[test]
fn mpsc_receiver_waker_replaced() {
    finishes_within("mpsc recv, waker replaced", LIMIT, || {
        let (tx, mut rx) = mpsc::unbounded::<u8>();
        let (hook, ran) = drops(tx.clone());
        let (a, _) = reenters_on_drop(hook);
        let mut recv = rx.recv();
        assert!(poll_once(&mut recv, &a).is_pending());
        drop(a); // the channel holds the last reference now
        let (b, b_wakes) = counting_waker();
        assert!(poll_once(&mut recv, &b).is_pending()); // replaces `a`
        assert!(ran.load(Ordering::SeqCst), "the old waker was dropped");
        tx.try_send(1).unwrap();
        assert_eq!(b_wakes.wakes(), 1, "the new waker is the one stored");
        assert_eq!(poll_once(&mut recv, &b), Poll::Ready(Ok(1)));
    });
}

#[test]
fn mpsc_receiver_dropped_with_a_stored_waker() {
    finishes_within("mpsc receiver dropped", LIMIT, || {
        let (tx, mut rx) = mpsc::unbounded::<u8>();
        let (hook, ran) = drops(tx.clone());
        let (a, _) = reenters_on_drop(hook);
        // `poll_recv` leaves the waker stored; only dropping the receiver forgets it.
        assert!(rx.poll_recv(&mut Context::from_waker(&a)).is_pending());
        drop(a);
        drop(rx);
        assert!(ran.load(Ordering::SeqCst));
        assert!(tx.is_closed());
    });
}

#[test]
fn mpsc_sender_waker_replaced() {
    finishes_within("mpsc send, waker replaced", LIMIT, || {
        let (tx, mut rx) = mpsc::bounded::<u8>(1);
        tx.try_send(0).unwrap();
        let (hook, ran) = drops(tx.clone());
        let (a, _) = reenters_on_drop(hook);
        let mut send = tx.send(1);
        assert!(poll_once(&mut send, &a).is_pending());
        drop(a);
        let (b, b_wakes) = counting_waker();
        assert!(poll_once(&mut send, &b).is_pending()); // replaces `a` in the line
        assert!(ran.load(Ordering::SeqCst));
        assert_eq!(rx.try_recv(), Ok(0));
        assert_eq!(b_wakes.wakes(), 1);
        assert_eq!(poll_once(&mut send, &b), Poll::Ready(Ok(())));
    });
}

#[test]
fn mpsc_waiting_sender_dropped() {
    finishes_within("mpsc send dropped while waiting", LIMIT, || {
        let (tx, mut rx) = mpsc::bounded::<u8>(1);
        tx.try_send(0).unwrap();
        let (hook, ran) = drops(tx.clone());
        let (a, _) = reenters_on_drop(hook);
        let mut send = tx.send(1);
        assert!(poll_once(&mut send, &a).is_pending());
        drop(a);
        drop(send); // leaves the line, forgetting `a`
        assert!(ran.load(Ordering::SeqCst));
        assert_eq!(rx.try_recv(), Ok(0));
    });
}

#[test]
fn oneshot_receiver_waker_replaced() {
    finishes_within("oneshot receiver, waker replaced", LIMIT, || {
        let (tx, mut rx) = oneshot::channel::<u8>();
        // The hook drops the sender itself: the receiver then sees the channel closed.
        let (hook, ran) = drops(tx);
        let (a, _) = reenters_on_drop(hook);
        assert!(poll_once(&mut rx, &a).is_pending());
        drop(a);
        let (b, b_wakes) = counting_waker();
        let _ = poll_once(&mut rx, &b);
        assert!(ran.load(Ordering::SeqCst));
        assert_eq!(b_wakes.wakes(), 1, "the sender's drop woke the new waker");
    });
}

#[test]
fn notify_waiter_replaced() {
    finishes_within("Notified, waker replaced", LIMIT, || {
        let notify = Arc::new(Notify::new());
        let signal = Arc::clone(&notify);
        let (a, _) = reenters_on_drop(move || signal.notify_one());
        let mut notified = notify.notified();
        assert!(poll_once(&mut notified, &a).is_pending());
        drop(a);
        let (b, b_wakes) = counting_waker();
        assert!(poll_once(&mut notified, &b).is_pending()); // replaces `a`
                                                            // The hook ran after the replacement: its `notify_one` found `b` waiting.
        assert_eq!(b_wakes.wakes(), 1);
        assert_eq!(poll_once(&mut notified, &b), Poll::Ready(()));
    });
}

#[test]
fn notify_waiter_dropped() {
    finishes_within("Notified dropped while waiting", LIMIT, || {
        let notify = Arc::new(Notify::new());
        let signal = Arc::clone(&notify);
        let (a, _) = reenters_on_drop(move || signal.notify_one());
        let mut notified = notify.notified();
        assert!(poll_once(&mut notified, &a).is_pending());
        drop(a);
        drop(notified); // leaves the line; the hook stores a permit
        let (b, _) = counting_waker();
        assert_eq!(poll_once(&mut notify.notified(), &b), Poll::Ready(()));
    });
}

#[test]
fn broadcast_receiver_waker_replaced() {
    finishes_within("broadcast recv, waker replaced", LIMIT, || {
        let (tx, mut rx) = broadcast::channel::<u8>(2);
        let (hook, ran) = drops(tx.clone());
        let (a, _) = reenters_on_drop(hook);
        let mut recv = rx.recv();
        assert!(poll_once(&mut recv, &a).is_pending());
        drop(a);
        let (b, b_wakes) = counting_waker();
        assert!(poll_once(&mut recv, &b).is_pending());
        assert!(ran.load(Ordering::SeqCst));
        tx.send(1).unwrap();
        assert_eq!(b_wakes.wakes(), 1);
        assert_eq!(poll_once(&mut recv, &b), Poll::Ready(Ok(1)));
    });
}

#[test]
fn broadcast_waiting_receive_dropped() {
    finishes_within("broadcast recv dropped while waiting", LIMIT, || {
        let (tx, mut rx) = broadcast::channel::<u8>(2);
        let (hook, ran) = drops(tx.clone());
        let (c, _) = reenters_on_drop(hook);
        let mut recv = rx.recv();
        assert!(poll_once(&mut recv, &c).is_pending());
        drop(c);
        drop(recv); // leaves the waiting receivers, forgetting `c`
        assert!(ran.load(Ordering::SeqCst));
    });
}

#[test]
fn watch_receiver_waker_replaced() {
    finishes_within("watch changed, waker replaced", LIMIT, || {
        let (tx, mut rx) = watch::channel(0u8);
        let (hook, ran) = drops(rx.clone());
        let (a, _) = reenters_on_drop(hook);
        let mut changed = rx.changed();
        assert!(poll_once(&mut changed, &a).is_pending());
        drop(a);
        let (b, b_wakes) = counting_waker();
        assert!(poll_once(&mut changed, &b).is_pending());
        assert!(ran.load(Ordering::SeqCst));
        tx.send(1).unwrap();
        assert_eq!(b_wakes.wakes(), 1);
        assert_eq!(poll_once(&mut changed, &b), Poll::Ready(Ok(())));
    });
}

#[test]
fn watch_waiting_change_dropped() {
    finishes_within("watch changed dropped while waiting", LIMIT, || {
        let (tx, mut rx) = watch::channel(0u8);
        let (hook, ran) = drops(rx.clone());
        let (c, _) = reenters_on_drop(hook);
        let mut changed = rx.changed();
        assert!(poll_once(&mut changed, &c).is_pending());
        drop(c);
        drop(changed);
        assert!(ran.load(Ordering::SeqCst));
        assert_eq!(tx.receiver_count(), 1);
    });
}
