//! mpsc with producer and consumer tasks: FIFO per producer, backpressure, sink into
//! stream, draining after close, a dropped receiver unblocking a sender. Run on Wakewire's
//! local executor; that the channel works under every executor is the matrix's `channel`
//! column.
#![cfg(not(loom))]

use futures_util::{SinkExt, StreamExt};
use wakewire_core::future::yield_now;
use wakewire_core::spawn::LocalBoxFuture;
use wakewire_reactor_channel::{mpsc, oneshot, RecvError};
use wakewire_test_util::LocalTasks;

/// Three producers push 200 values each through bounded(2); the consumer checks count,
/// per-producer order, and that the end comes exactly once after the last value.
fn bounded_many_producers_fifo(spawner: LocalTasks) -> LocalBoxFuture<()> {
    Box::pin(async move {
        let (tx, mut rx) = mpsc::bounded(2);
        for producer in 0..3u32 {
            let tx = tx.clone();
            spawner.spawn(async move {
                for seq in 0..200u32 {
                    tx.send((producer, seq)).await.unwrap();
                    if seq % 7 == 0 {
                        yield_now().await;
                    }
                }
            });
        }
        drop(tx);
        let mut next = [0u32; 3];
        while let Ok((producer, seq)) = rx.recv().await {
            assert_eq!(seq, next[producer as usize], "FIFO per producer");
            next[producer as usize] += 1;
        }
        assert_eq!(next, [200; 3]);
        assert_eq!(rx.recv().await, Err(RecvError));
    })
}

/// A consumer that is slower than the producer (capacity 1): every blocked send is woken.
fn slow_consumer_wakes_blocked_sender(spawner: LocalTasks) -> LocalBoxFuture<()> {
    Box::pin(async move {
        let (tx, mut rx) = mpsc::bounded(1);
        let (done_tx, done_rx) = oneshot::channel();
        spawner.spawn(async move {
            for i in 0..100u32 {
                tx.send(i).await.unwrap();
            }
            done_tx.send(()).unwrap();
        });
        for i in 0..100u32 {
            for _ in 0..3 {
                yield_now().await;
            }
            assert_eq!(rx.recv().await, Ok(i));
        }
        done_rx.await.unwrap();
    })
}

/// `SendSink` feeding the receiver's `Stream`.
fn sink_into_stream(spawner: LocalTasks) -> LocalBoxFuture<()> {
    Box::pin(async move {
        let (tx, rx) = mpsc::bounded(3);
        spawner.spawn(async move {
            let mut sink = tx.into_sink();
            let mut source = futures_util::stream::iter((0..50u32).map(Ok));
            sink.send_all(&mut source).await.unwrap();
            sink.close().await.unwrap();
        });
        let got: Vec<u32> = rx.collect().await;
        assert_eq!(got, (0..50).collect::<Vec<_>>());
    })
}

/// Unbounded: sends never wait; the consumer drains after the sender is gone.
fn unbounded_drain_after_close(spawner: LocalTasks) -> LocalBoxFuture<()> {
    Box::pin(async move {
        let (tx, mut rx) = mpsc::unbounded();
        spawner.spawn(async move {
            for i in 0..1000u32 {
                tx.send(i).await.unwrap();
            }
        });
        let mut expected = 0;
        while let Ok(i) = rx.recv().await {
            assert_eq!(i, expected);
            expected += 1;
        }
        assert_eq!(expected, 1000);
    })
}

/// The receiver goes away while a sender waits for room: the sender gets its value back.
fn receiver_drop_unblocks_sender(spawner: LocalTasks) -> LocalBoxFuture<()> {
    Box::pin(async move {
        let (tx, rx) = mpsc::bounded(1);
        let (result_tx, result_rx) = oneshot::channel();
        tx.try_send(1u32).unwrap();
        spawner.spawn(async move {
            let result = tx.send(2).await;
            result_tx.send(result.map_err(|e| e.0)).unwrap();
        });
        yield_now().await;
        yield_now().await;
        drop(rx);
        assert_eq!(result_rx.await.unwrap(), Err(2));
    })
}

#[test]
fn bounded_many_producers_fifo_on_the_local_executor() {
    wakewire_test_util::run_local(bounded_many_producers_fifo);
}

#[test]
fn slow_consumer_wakes_blocked_sender_on_the_local_executor() {
    wakewire_test_util::run_local(slow_consumer_wakes_blocked_sender);
}

#[test]
fn sink_into_stream_on_the_local_executor() {
    wakewire_test_util::run_local(sink_into_stream);
}

#[test]
fn unbounded_drain_after_close_on_the_local_executor() {
    wakewire_test_util::run_local(unbounded_drain_after_close);
}

#[test]
fn receiver_drop_unblocks_sender_on_the_local_executor() {
    wakewire_test_util::run_local(receiver_drop_unblocks_sender);
}
