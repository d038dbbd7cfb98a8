//! broadcast: every receiver gets every value; a lagging one is told how many it missed.
#![cfg(not(loom))]

use std::task::Poll;

use wakewire_core::future::yield_now;
use wakewire_core::spawn::LocalBoxFuture;
use wakewire_core::waker::counting_waker;
use wakewire_reactor_channel::broadcast::{self, RecvError, TryRecvError};
use wakewire_reactor_channel::SendError;
use wakewire_test_util::{poll_once, LocalTasks};

#[test]
fn lagging_receiver_gets_count_then_oldest_retained() {
    let (tx, mut slow) = broadcast::channel(3);
    let mut fast = tx.subscribe();
    for i in 0..10u32 {
        assert_eq!(tx.send(i), Ok(2));
        assert_eq!(fast.try_recv(), Ok(i));
    }
    assert_eq!(slow.len(), 3);
    assert_eq!(slow.try_recv(), Err(TryRecvError::Lagged(7)));
    assert_eq!(slow.try_recv(), Ok(7));
    assert_eq!(slow.try_recv(), Ok(8));
    assert_eq!(slow.try_recv(), Ok(9));
    assert_eq!(slow.try_recv(), Err(TryRecvError::Empty));
}

#[test]
fn send_without_receivers_hands_value_back() {
    let (tx, rx) = broadcast::channel(2);
    drop(rx);
    assert_eq!(tx.send(1), Err(SendError(1)));
    let mut late = tx.subscribe();
    tx.send(2).unwrap();
    assert_eq!(late.try_recv(), Ok(2));
}

#[test]
fn receivers_drain_then_see_closed() {
    let (tx, mut rx) = broadcast::channel(4);
    let mut other = rx.resubscribe();
    tx.send("a").unwrap();
    drop(tx);
    assert_eq!(rx.try_recv(), Ok("a"));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    assert_eq!(other.try_recv(), Ok("a"));
    assert_eq!(other.try_recv(), Err(TryRecvError::Closed));
}

#[test]
fn every_waiting_receiver_is_woken_by_a_send() {
    let (tx, mut a) = broadcast::channel(2);
    let mut b = tx.subscribe();
    let (wa, ca) = counting_waker();
    let (wb, cb) = counting_waker();
    let mut recv_a = a.recv();
    let mut recv_b = b.recv();
    assert_eq!(poll_once(&mut recv_a, &wa), Poll::Pending);
    assert_eq!(poll_once(&mut recv_b, &wb), Poll::Pending);
    tx.send(1u8).unwrap();
    assert_eq!((ca.wakes(), cb.wakes()), (1, 1));
    assert_eq!(poll_once(&mut recv_a, &wa), Poll::Ready(Ok(1)));
    drop(recv_b);
    assert_eq!(cb.live_references(), 2, "a dropped Recv releases its waker");
    drop(tx);
    assert_eq!(b.try_recv(), Ok(1));
    let mut recv_b = b.recv();
    assert_eq!(
        poll_once(&mut recv_b, &wb),
        Poll::Ready(Err(RecvError::Closed))
    );
}

/// A publisher and two subscribers on one executor; one subscriber only starts reading
/// after everything was sent, so it lags by exactly `50 - capacity`.
fn fan_out(spawner: LocalTasks) -> LocalBoxFuture<()> {
    Box::pin(async move {
        let (tx, mut fast) = broadcast::channel(4);
        let mut slow = tx.subscribe();
        let (done_tx, mut done_rx) = wakewire_reactor_channel::mpsc::unbounded();
        let (all_sent_tx, all_sent_rx) = wakewire_reactor_channel::oneshot::channel::<()>();
        let done_fast = done_tx.clone();
        spawner.spawn(async move {
            let (mut got, mut missed) = (0u32, 0u64);
            loop {
                match fast.recv().await {
                    Ok(_) => got += 1,
                    Err(RecvError::Lagged(n)) => missed += n,
                    Err(RecvError::Closed) => break,
                }
            }
            done_fast.try_send(("fast", got, missed)).unwrap();
        });
        spawner.spawn(async move {
            let (mut got, mut missed) = (0u32, 0u64);
            let _ = all_sent_rx.await;
            loop {
                match slow.recv().await {
                    Ok(_) => got += 1,
                    Err(RecvError::Lagged(n)) => missed += n,
                    Err(RecvError::Closed) => break,
                }
            }
            done_tx.try_send(("slow", got, missed)).unwrap();
        });
        for i in 0..50u32 {
            tx.send(i).unwrap();
            yield_now().await;
        }
        drop(tx);
        drop(all_sent_tx);
        let mut results = [done_rx.recv().await.unwrap(), done_rx.recv().await.unwrap()];
        results.sort();
        let (_, fast_got, fast_missed) = results[0];
        let (_, slow_got, slow_missed) = results[1];
        assert_eq!(
            fast_got as u64 + fast_missed,
            50,
            "every value received or reported"
        );
        assert_eq!(
            (slow_got, slow_missed),
            (4, 46),
            "lag reported, then the retained 4"
        );
    })
}

#[test]
fn fan_out_on_the_local_executor() {
    wakewire_test_util::run_local(fan_out);
}
