//! Wakewire's channels: no driver at all, the other end wakes the waiting side.

use std::thread;

use wakewire_core::spawn::BoxFuture;
use wakewire_reactor_channel::{mpsc, oneshot, RecvError};

use crate::kit::context::CellContext;
use crate::kit::reactor::{Leaf, LeafSource, ReactorBuilder, ReactorEntry, Scenario};
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
