//! Wakewire's channels: no driver at all, the other end wakes the waiting side.

use std::thread;

use std::sync::Arc;
use wakewire_core::spawn::BoxFuture;

use wakewire_reactor_channel::{broadcast, mpsc, oneshot, watch, Notify, RecvError};

use crate::kit::context::CellContext;
use crate::kit::leaf::{Leaf, LeafSource};
use crate::kit::reactor::{ReactorBuilder, ReactorEntry, Scenario};
use crate::scenarios::support::{assert_pending, on_another_thread};

/// The channel reactor needs nothing per cell: every leaf brings its own channel.
pub(crate) struct ChannelUnderTest;

impl LeafSource for ChannelUnderTest {
    fn leaf(&self) -> Leaf {
        let (tx, rx) = oneshot::channel::<()>();
        Leaf::new(
            async move { rx.await.map_err(|e| e.to_string()) },
            move || {
                let _ = tx.send(());
            },
        )
    }
}

pub(crate) fn entry() -> ReactorEntry {
    ReactorBuilder::leaves(
        "channel",
        "Wakewire's channels (oneshot, mpsc): the sending side wakes the receiver, from any thread",
    )
    .on_own_thread(|| Ok(ChannelUnderTest))
    .no_park(
        "a channel has no event loop: its sender wakes the receiver, so an idle executor has nothing to turn",
    )
    .scenario(Scenario::new(
        "closed-while-waiting",
        "a receive waiting when the last sender is dropped on another thread returns RecvError",
        closed_while_waiting,
    ))
    .scenario(Scenario::new(
        "oneshot-sender-dropped",
        "a oneshot receive waiting when its sender is dropped returns an error",
        oneshot_sender_dropped,
    ))
    .scenario(Scenario::new(
        "broadcast-fan-out",
        "three receivers each get all 100 values a sender on another thread broadcasts, then the close",
        broadcast_fan_out,
    ))
    .scenario(Scenario::new(
        "watch-latest",
        "a watcher woken by changes from another thread ends on the last value, then sees the close",
        watch_latest,
    ))
    .scenario(Scenario::new(
        "notify-waiters",
        "two notified() futures waiting when another thread calls notify_waiters both complete",
        notify_waiters,
    ))
    .scenario(Scenario::new(
        "mpsc-across-threads",
        "1000 values sent through bounded(4) from another thread's block_on arrive in order, then the close",
        mpsc_across_threads,
    ))
    .build()
}

fn closed_while_waiting(_: &ChannelUnderTest, cx: &CellContext) -> BoxFuture<()> {
    let (tx, mut rx) = mpsc::bounded::<u32>(1);
    let cx = cx.clone();
    Box::pin(async move {
        {
            let mut recv = Box::pin(rx.recv());
            assert_pending(&mut recv, "a receive on an empty channel").await;
            on_another_thread(move || drop(tx));
            cx.at("awaiting a receive while the last sender is dropped");
            assert_eq!(recv.await, Err(RecvError));
        }
        assert_eq!(rx.recv().await, Err(RecvError), "closed stays closed");
    })
}

fn oneshot_sender_dropped(_: &ChannelUnderTest, cx: &CellContext) -> BoxFuture<()> {
    let (tx, mut rx) = oneshot::channel::<u32>();
    let cx = cx.clone();
    Box::pin(async move {
        assert_pending(&mut rx, "a oneshot receive").await;
        on_another_thread(move || drop(tx));
        cx.at("awaiting a oneshot whose sender is being dropped");
        assert!(
            rx.await.is_err(),
            "a dropped oneshot sender delivered a value"
        );
    })
}

fn mpsc_across_threads(_: &ChannelUnderTest, cx: &CellContext) -> BoxFuture<()> {
    let (tx, mut rx) = mpsc::bounded::<u32>(4);
    let cx = cx.clone();
    Box::pin(async move {
        let producer = thread::spawn(move || {
            wakewire_core::block_on(async move {
                for i in 0..1000 {
                    tx.send(i).await.expect("the receiver is alive");
                }
            })
        });
        cx.at("receiving 1000 values from another thread");
        for i in 0..1000 {
            assert_eq!(rx.recv().await, Ok(i), "values arrive in order");
        }
        assert_eq!(rx.recv().await, Err(RecvError), "then the close");
        producer.join().expect("the producer thread");
    })
}

fn broadcast_fan_out(_: &ChannelUnderTest, cx: &CellContext) -> BoxFuture<()> {
    let (tx, first) = broadcast::channel::<u32>(128);
    let receivers = vec![first, tx.subscribe(), tx.subscribe()];
    let cx = cx.clone();
    Box::pin(async move {
        let sender = thread::spawn(move || {
            for i in 0..100 {
                tx.send(i).expect("the receivers are alive");
            }
        });
        cx.at("three receivers awaiting 100 broadcast values");
        let all = futures_util::future::join_all(receivers.into_iter().map(|mut rx| async move {
            let mut got = Vec::new();
            while let Ok(value) = rx.recv().await {
                got.push(value);
            }
            got
        }))
        .await;
        for got in all {
            assert_eq!(got, (0..100).collect::<Vec<_>>(), "every value, in order");
        }
        sender.join().expect("the sender thread");
    })
}

fn watch_latest(_: &ChannelUnderTest, cx: &CellContext) -> BoxFuture<()> {
    let (tx, mut rx) = watch::channel(0u32);
    let cx = cx.clone();
    Box::pin(async move {
        let mut first = Box::pin(rx.changed());
        assert_pending(&mut first, "a watcher with nothing new").await;
        drop(first);
        let sender = thread::spawn(move || {
            for i in 1..=50 {
                tx.send(i).expect("the watcher is alive");
            }
        });
        cx.at("a watcher following changes made on another thread");
        let mut last = 0;
        while rx.changed().await.is_ok() {
            let value = *rx.borrow_and_update();
            assert!(value > last, "values only move forward");
            last = value;
        }
        assert_eq!(last, 50, "the watcher ends on the last value");
        sender.join().expect("the sender thread");
    })
}

fn notify_waiters(_: &ChannelUnderTest, cx: &CellContext) -> BoxFuture<()> {
    let notify = Arc::new(Notify::new());
    let cx = cx.clone();
    Box::pin(async move {
        let mut a = Box::pin(notify.notified());
        let mut b = Box::pin(notify.notified());
        assert_pending(&mut a, "the first notified()").await;
        assert_pending(&mut b, "the second notified()").await;
        let other = Arc::clone(&notify);
        on_another_thread(move || other.notify_waiters());
        cx.at("two notified() futures awaiting notify_waiters from another thread");
        futures_util::future::join(a, b).await;
    })
}
