//! A panicking waker registered next to well-behaved ones. The channel stays usable, every
//! good waker of the batch is still woken, and no value is lost. The panic follows core's
//! `wake_all` policy: an operation the user called (a send, `close`, `notify_*`) resumes it
//! in the caller; a destructor, and a receive that must return its value, dispose of it
//! (with `drop_payload`, so even a payload that panics when dropped goes no further).
#![cfg(not(loom))]

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Poll, RawWaker, RawWakerVTable, Wake, Waker};

use wakewire_core::waker::wake_source;
use wakewire_core::waker::{counting_waker, WakeCounter};
use wakewire_reactor_channel::{broadcast, mpsc, oneshot, watch, Notify, RecvError, SendError};
use wakewire_test_util::{panicking_waker, poll_once};

fn good_wakers(n: usize) -> Vec<(Waker, WakeCounter)> {
    (0..n).map(|_| counting_waker()).collect()
}

#[test]
fn fault_panic_in_waker_mpsc_close_still_wakes_every_good_sender() {
    let (tx, mut rx) = mpsc::bounded(1);
    tx.try_send(0u32).unwrap();
    let good = good_wakers(10);
    let (bad, bad_attempts) = panicking_waker();
    let mut sends: Vec<_> = (1..=11).map(|i| tx.send(i)).collect();
    for (i, send) in sends.iter_mut().enumerate() {
        // The panicking waker waits in the middle of the line.
        let waker = match i {
            5 => &bad,
            i if i < 5 => &good[i].0,
            i => &good[i - 1].0,
        };
        assert!(poll_once(send, waker).is_pending());
    }
    let result = panic::catch_unwind(AssertUnwindSafe(|| rx.close()));
    assert!(
        result.is_err(),
        "the waker's panic reaches the caller of close"
    );
    assert_eq!(bad_attempts.load(Ordering::SeqCst), 1);
    for (_, counter) in &good {
        assert_eq!(counter.wakes(), 1, "every good waker was woken once");
    }
    for (i, send) in sends.iter_mut().enumerate() {
        let value = i as u32 + 1;
        assert_eq!(
            poll_once(send, &good[0].0),
            Poll::Ready(Err(SendError(value)))
        );
    }
    assert_eq!(rx.try_recv(), Ok(0), "the channel is still usable");
}

#[test]
fn fault_panic_in_waker_mpsc_recv_passes_the_slot_on_and_keeps_the_value() {
    let (tx, mut rx) = mpsc::bounded(1);
    tx.try_send(0u32).unwrap();
    let (bad, _) = panicking_waker();
    let (good, good_counter) = counting_waker();
    let mut first = tx.send(1);
    let mut second = tx.send(2);
    assert!(poll_once(&mut first, &bad).is_pending());
    assert!(poll_once(&mut second, &good).is_pending());
    // The chosen sender's waker panics: the value is still returned, the slot goes on.
    assert_eq!(rx.try_recv(), Ok(0));
    assert_eq!(good_counter.wakes(), 1);
    assert_eq!(poll_once(&mut second, &good), Poll::Ready(Ok(())));
    assert_eq!(rx.try_recv(), Ok(2));
    drop(first);
}

#[test]
fn fault_panic_in_waker_mpsc_receiver_waker_does_not_lose_the_value() {
    let (tx, mut rx) = mpsc::unbounded();
    let (bad, _) = panicking_waker();
    let (good, good_counter) = counting_waker();
    {
        let mut recv = rx.recv();
        assert!(poll_once(&mut recv, &bad).is_pending());
        let sent = panic::catch_unwind(AssertUnwindSafe(|| tx.try_send(1u32)));
        assert!(
            sent.is_err(),
            "the receiver waker's panic reaches the sender"
        );
        assert_eq!(
            poll_once(&mut recv, &good),
            Poll::Ready(Ok(1)),
            "but 1 was delivered"
        );
    }
    let mut recv = rx.recv();
    assert!(poll_once(&mut recv, &good).is_pending());
    tx.try_send(2).unwrap();
    assert_eq!(
        good_counter.wakes(),
        1,
        "a new registration works and is woken"
    );
    assert_eq!(poll_once(&mut recv, &good), Poll::Ready(Ok(2)));
}

#[test]
fn fault_panic_in_waker_notify_waiters_wakes_every_good_waiter() {
    let notify = Notify::new();
    let good = good_wakers(10);
    let (bad, _) = panicking_waker();
    let mut futures: Vec<_> = (0..11).map(|_| notify.notified()).collect();
    for (i, future) in futures.iter_mut().enumerate() {
        let waker = match i {
            3 => &bad,
            i if i < 3 => &good[i].0,
            i => &good[i - 1].0,
        };
        assert!(poll_once(future, waker).is_pending());
    }
    assert!(panic::catch_unwind(AssertUnwindSafe(|| notify.notify_waiters())).is_err());
    for (_, counter) in &good {
        assert_eq!(counter.wakes(), 1, "every good waker was woken once");
    }
}

#[test]
fn fault_panic_in_waker_notify_one_passes_the_notification_on() {
    let notify = Notify::new();
    let (bad, _) = panicking_waker();
    let (good, good_counter) = counting_waker();
    let mut first = notify.notified();
    let mut second = notify.notified();
    assert!(poll_once(&mut first, &bad).is_pending());
    assert!(poll_once(&mut second, &good).is_pending());
    assert!(panic::catch_unwind(AssertUnwindSafe(|| notify.notify_one())).is_err());
    assert_eq!(good_counter.wakes(), 1);
    assert_eq!(poll_once(&mut second, &good), Poll::Ready(()));
}

#[test]
fn fault_panic_in_waker_broadcast_send_wakes_every_good_receiver() {
    let (tx, first) = broadcast::channel(4);
    let mut receivers: Vec<_> = (0..10).map(|_| tx.subscribe()).collect();
    receivers.push(first);
    let good = good_wakers(10);
    let (bad, _) = panicking_waker();
    let mut recvs: Vec<_> = receivers.iter_mut().map(|rx| rx.recv()).collect();
    for (i, recv) in recvs.iter_mut().enumerate() {
        let waker = if i == 10 { &bad } else { &good[i].0 };
        assert!(poll_once(recv, waker).is_pending());
    }
    assert!(panic::catch_unwind(AssertUnwindSafe(|| tx.send(7u8))).is_err());
    for (_, counter) in &good {
        assert_eq!(counter.wakes(), 1, "every good waker was woken once");
    }
    for recv in &mut recvs {
        assert_eq!(poll_once(recv, &good[0].0), Poll::Ready(Ok(7)));
    }
}

/// A waker whose `clone` panics: registering it fails inside the channel's lock.
fn clone_panicking_waker() -> Waker {
    fn clone(_: *const ()) -> RawWaker {
        panic!("this waker's clone panics on purpose")
    }
    fn noop(_: *const ()) {}
    static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, noop, noop, noop);
    // SAFETY: the vtable functions ignore the data pointer, so a null pointer is valid for
    // every call, from any thread.
    unsafe { Waker::from_raw(RawWaker::new(std::ptr::null(), &VTABLE)) }
}

#[test]
fn fault_panic_in_waker_clone_leaves_channels_usable() {
    let bad = clone_panicking_waker();
    let (good, good_counter) = counting_waker();

    let (tx, mut rx) = mpsc::bounded(1);
    let result = panic::catch_unwind(AssertUnwindSafe(|| poll_once(&mut rx.recv(), &bad)));
    assert!(result.is_err());
    tx.try_send(1u8).unwrap();
    let result = panic::catch_unwind(AssertUnwindSafe(|| poll_once(&mut tx.send(2), &bad)));
    assert!(result.is_err());
    assert_eq!(rx.try_recv(), Ok(1));
    let mut recv = rx.recv();
    assert!(poll_once(&mut recv, &good).is_pending());
    tx.try_send(3).unwrap();
    assert_eq!(good_counter.wakes(), 1);
    assert_eq!(poll_once(&mut recv, &good), Poll::Ready(Ok(3)));

    let notify = Notify::new();
    let result = panic::catch_unwind(AssertUnwindSafe(|| poll_once(&mut notify.notified(), &bad)));
    assert!(result.is_err());
    let mut notified = notify.notified();
    assert!(poll_once(&mut notified, &good).is_pending());
    notify.notify_one();
    assert_eq!(poll_once(&mut notified, &good), Poll::Ready(()));
}

#[test]
fn fault_panic_in_waker_clone_while_requeueing_a_sender() {
    let (tx, mut rx) = mpsc::bounded(1);
    tx.try_send(0u8).unwrap();
    let (good, good_counter) = counting_waker();
    let mut send = tx.send(1);
    assert!(poll_once(&mut send, &good).is_pending());
    assert_eq!(rx.try_recv(), Ok(0)); // the freed slot is handed to `send`...
    tx.try_send(9).unwrap(); // ...but a faster sender takes it
    let bad = clone_panicking_waker();
    let result = panic::catch_unwind(AssertUnwindSafe(|| poll_once(&mut send, &bad)));
    assert!(result.is_err(), "re-registering with the bad waker panics");
    // The future still owns a valid entry: polling and dropping it work.
    assert!(poll_once(&mut send, &good).is_pending());
    let (other, other_counter) = counting_waker();
    let mut second = tx.send(2);
    assert!(poll_once(&mut second, &other).is_pending());
    assert_eq!(rx.try_recv(), Ok(9));
    assert_eq!(
        good_counter.wakes(),
        2,
        "`send` kept its place at the front"
    );
    drop(send); // gone without sending: the slot passes on
    assert_eq!(other_counter.wakes(), 1);
    assert_eq!(poll_once(&mut second, &other), Poll::Ready(Ok(())));
    assert_eq!(rx.try_recv(), Ok(2));
}

/// A waker whose `wake` panics with a payload that panics again when it is dropped.
fn grenade_waker() -> (Waker, Arc<AtomicUsize>) {
    struct Grenade;
    impl Drop for Grenade {
        fn drop(&mut self) {
            panic!("this panic payload panics when dropped");
        }
    }
    struct Thrower(Arc<AtomicUsize>);
    impl Wake for Thrower {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
            panic::panic_any(Grenade);
        }
    }
    let attempts = Arc::new(AtomicUsize::new(0));
    (Waker::from(Arc::new(Thrower(attempts.clone()))), attempts)
}

#[test]
fn fault_panic_in_waker_receive_disposes_of_a_payload_that_panics_on_drop() {
    let (tx, mut rx) = mpsc::bounded(1);
    tx.try_send(0u32).unwrap();
    let (bad, bad_attempts) = grenade_waker();
    let (good, good_counter) = counting_waker();
    let mut first = tx.send(1);
    let mut second = tx.send(2);
    assert!(poll_once(&mut first, &bad).is_pending());
    assert!(poll_once(&mut second, &good).is_pending());
    let received = panic::catch_unwind(AssertUnwindSafe(|| rx.try_recv()));
    assert_eq!(
        received.ok(),
        Some(Ok(0)),
        "the receive returned its value; nothing unwound out of it"
    );
    assert_eq!(bad_attempts.load(Ordering::SeqCst), 1);
    assert_eq!(
        good_counter.wakes(),
        1,
        "the slot passed on to the next sender"
    );
    drop(first);
    assert_eq!(poll_once(&mut second, &good), Poll::Ready(Ok(())));
}

#[test]
fn fault_panic_in_waker_destructors_dispose_of_the_panic() {
    // The last mpsc sender wakes a receiver whose waker panics.
    let (tx, mut rx) = mpsc::unbounded::<u8>();
    let (bad, bad_attempts) = panicking_waker();
    let mut recv = rx.recv();
    assert!(poll_once(&mut recv, &bad).is_pending());
    assert!(panic::catch_unwind(AssertUnwindSafe(move || drop(tx))).is_ok());
    assert_eq!(bad_attempts.load(Ordering::SeqCst), 1);
    assert_eq!(poll_once(&mut recv, &bad), Poll::Ready(Err(RecvError)));
    drop(recv);

    // The mpsc receiver goes away while senders wait, one with a panicking waker.
    let (tx, rx) = mpsc::bounded::<u8>(1);
    tx.try_send(0).unwrap();
    let (good, good_counter) = counting_waker();
    let mut sends = [tx.send(1), tx.send(2)];
    assert!(poll_once(&mut sends[0], &bad).is_pending());
    assert!(poll_once(&mut sends[1], &good).is_pending());
    assert!(panic::catch_unwind(AssertUnwindSafe(move || drop(rx))).is_ok());
    assert_eq!(good_counter.wakes(), 1);
    assert_eq!(
        poll_once(&mut sends[1], &good),
        Poll::Ready(Err(SendError(2)))
    );
    drop(sends);

    // The oneshot sender goes away unsent.
    let (tx, mut rx) = oneshot::channel::<u8>();
    assert!(poll_once(&mut rx, &bad).is_pending());
    assert!(panic::catch_unwind(AssertUnwindSafe(move || drop(tx))).is_ok());
    assert_eq!(poll_once(&mut rx, &good), Poll::Ready(Err(RecvError)));

    // The last broadcast and watch senders go away: every good receiver is still woken.
    let (tx, first) = broadcast::channel::<u8>(2);
    let mut receivers: Vec<_> = (0..3).map(|_| tx.subscribe()).collect();
    receivers.push(first);
    let (good, good_counter) = counting_waker();
    let mut recvs: Vec<_> = receivers.iter_mut().map(|rx| rx.recv()).collect();
    for (i, recv) in recvs.iter_mut().enumerate() {
        let waker = if i == 1 { &bad } else { &good };
        assert!(poll_once(recv, waker).is_pending());
    }
    assert!(panic::catch_unwind(AssertUnwindSafe(move || drop(tx))).is_ok());
    assert_eq!(good_counter.wakes(), 3);
    drop(recvs);

    let (tx, mut rx) = watch::channel(0u8);
    let mut other = rx.clone();
    let (good, good_counter) = counting_waker();
    let mut bad_change = rx.changed();
    let mut good_change = other.changed();
    assert!(poll_once(&mut bad_change, &bad).is_pending());
    assert!(poll_once(&mut good_change, &good).is_pending());
    assert!(panic::catch_unwind(AssertUnwindSafe(move || drop(tx))).is_ok());
    assert_eq!(good_counter.wakes(), 1);
    assert_eq!(
        poll_once(&mut good_change, &good),
        Poll::Ready(Err(RecvError))
    );
}

#[test]
fn fault_panic_in_waker_dropped_chosen_waiter_passes_on_without_panicking() {
    let notify = Notify::new();
    let (bad, bad_attempts) = panicking_waker();
    let (good, good_counter) = counting_waker();
    let mut chosen = notify.notified();
    let mut broken = notify.notified();
    let mut last = notify.notified();
    assert!(poll_once(&mut chosen, &good).is_pending());
    assert!(poll_once(&mut broken, &bad).is_pending());
    assert!(poll_once(&mut last, &good).is_pending());
    notify.notify_one(); // chooses `chosen`
    assert_eq!(good_counter.wakes(), 1);
    // `chosen` goes away unpolled: the notification passes to `broken`, whose waker
    // panics, then on to `last`. The destructor does not unwind.
    assert!(panic::catch_unwind(AssertUnwindSafe(move || drop(chosen))).is_ok());
    assert_eq!(bad_attempts.load(Ordering::SeqCst), 1);
    assert_eq!(good_counter.wakes(), 2);
    assert_eq!(poll_once(&mut last, &good), Poll::Ready(()));
}

#[test]
fn channel_wakes_name_their_source() {
    struct Recorder(Mutex<Vec<Option<&'static str>>>);
    impl Wake for Recorder {
        fn wake(self: Arc<Self>) {
            self.0.lock().unwrap().push(wake_source());
        }
    }
    let recorder = Arc::new(Recorder(Mutex::new(Vec::new())));
    let waker = Waker::from(recorder.clone());
    let (tx, mut rx) = mpsc::unbounded::<u8>();
    let mut recv = rx.recv();
    assert!(poll_once(&mut recv, &waker).is_pending());
    tx.try_send(1).unwrap();
    let notify = Notify::new();
    let mut notified = notify.notified();
    assert!(poll_once(&mut notified, &waker).is_pending());
    notify.notify_waiters();
    assert_eq!(
        *recorder.0.lock().unwrap(),
        [Some("channel"), Some("channel")]
    );
}
