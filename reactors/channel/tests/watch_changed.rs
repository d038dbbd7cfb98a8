//! watch: latest value, versions, `changed()` wakeups and the end of the channel.
#![cfg(not(loom))]

use std::task::Poll;

use wakewire_core::future::yield_now;
use wakewire_core::spawn::LocalBoxFuture;
use wakewire_core::waker::counting_waker;
use wakewire_reactor_channel::{watch, RecvError, SendError};
use wakewire_test_util::{poll_once, LocalTasks};

#[test]
fn receivers_see_only_the_latest_and_track_versions() {
    let (tx, mut rx) = watch::channel(0u32);
    assert_eq!(
        rx.has_changed(),
        Ok(false),
        "the initial value counts as seen"
    );
    tx.send(1).unwrap();
    tx.send(2).unwrap();
    assert_eq!(*rx.borrow(), 2);
    assert_eq!(rx.has_changed(), Ok(true), "borrow() does not mark seen");
    assert_eq!(*rx.borrow_and_update(), 2);
    assert_eq!(rx.seen_version(), 2);
    assert_eq!(rx.has_changed(), Ok(false));
    let late = tx.subscribe();
    assert_eq!(late.has_changed(), Ok(false));
    tx.send_modify(|v| *v += 10);
    assert_eq!(late.has_changed(), Ok(true));
    assert_eq!(*tx.borrow(), 12);
}

#[test]
fn changed_is_woken_by_send_and_by_sender_drop() {
    let (tx, mut rx) = watch::channel("a");
    let (waker, counter) = counting_waker();
    {
        let mut changed = rx.changed();
        assert_eq!(poll_once(&mut changed, &waker), Poll::Pending);
        tx.send("b").unwrap();
        assert_eq!(counter.wakes(), 1);
        assert_eq!(poll_once(&mut changed, &waker), Poll::Ready(Ok(())));
    }
    assert_eq!(*rx.borrow(), "b");
    let mut changed = rx.changed();
    assert_eq!(poll_once(&mut changed, &waker), Poll::Pending);
    drop(tx);
    assert_eq!(counter.wakes(), 2);
    assert_eq!(poll_once(&mut changed, &waker), Poll::Ready(Err(RecvError)));
}

#[test]
fn unseen_change_is_reported_before_the_end() {
    let (tx, mut rx) = watch::channel(1);
    tx.send(2).unwrap();
    drop(tx);
    assert_eq!(rx.has_changed(), Ok(true));
    let (waker, _counter) = counting_waker();
    assert_eq!(poll_once(&mut rx.changed(), &waker), Poll::Ready(Ok(())));
    assert_eq!(
        poll_once(&mut rx.changed(), &waker),
        Poll::Ready(Err(RecvError))
    );
}

#[test]
fn send_without_receivers_hands_value_back_and_send_replace_stores() {
    let (tx, rx) = watch::channel(1);
    drop(rx);
    assert!(tx.is_closed());
    assert_eq!(tx.send(2), Err(SendError(2)));
    assert_eq!(*tx.borrow(), 1);
    assert_eq!(tx.send_replace(3), 1);
    assert_eq!(*tx.borrow(), 3);
}

#[test]
fn dropped_changed_future_releases_its_waker() {
    let (_tx, mut rx) = watch::channel(());
    let (waker, counter) = counting_waker();
    let baseline = counter.live_references();
    let mut changed = rx.changed();
    assert_eq!(poll_once(&mut changed, &waker), Poll::Pending);
    assert_eq!(counter.live_references(), baseline + 1);
    drop(changed);
    assert_eq!(counter.live_references(), baseline);
}

/// A config publisher and two watchers; each watcher ends on the final value.
fn watchers_end_on_latest(spawner: LocalTasks) -> LocalBoxFuture<()> {
    Box::pin(async move {
        let (tx, rx) = watch::channel(0u32);
        let (done_tx, mut done_rx) = wakewire_reactor_channel::mpsc::unbounded();
        for mut rx in [rx.clone(), rx] {
            let done_tx = done_tx.clone();
            spawner.spawn(async move {
                let mut last = 0;
                let mut seen_changes = 0;
                while rx.changed().await.is_ok() {
                    let now = *rx.borrow_and_update();
                    assert!(now > last, "versions only move forward");
                    last = now;
                    seen_changes += 1;
                }
                done_tx.try_send((last, seen_changes)).unwrap();
            });
        }
        drop(done_tx);
        for i in 1..=20 {
            tx.send(i).unwrap();
            if i % 3 == 0 {
                yield_now().await;
            }
        }
        drop(tx);
        for _ in 0..2 {
            let (last, changes) = done_rx.recv().await.unwrap();
            assert_eq!(last, 20);
            assert!((1..=20).contains(&changes));
        }
    })
}

#[test]
fn watchers_end_on_latest_on_the_local_executor() {
    wakewire_test_util::run_local(watchers_end_on_latest);
}
