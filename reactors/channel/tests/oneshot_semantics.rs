//! oneshot: delivery, closing from either side, `closed()`, and a ping-pong between tasks.
#![cfg(not(loom))]

use std::task::Poll;

use wakewire_core::future::yield_now;
use wakewire_core::spawn::LocalBoxFuture;
use wakewire_core::waker::counting_waker;
use wakewire_reactor_channel::{oneshot, RecvError, SendError, TryRecvError};
use wakewire_test_util::{poll_once, LocalTasks};

#[test]
fn send_wakes_pending_receiver_once_and_delivers() {
    let (tx, mut rx) = oneshot::channel();
    let (waker, counter) = counting_waker();
    assert_eq!(poll_once(&mut rx, &waker), Poll::Pending);
    tx.send(5).unwrap();
    assert_eq!(counter.wakes(), 1);
    assert_eq!(poll_once(&mut rx, &waker), Poll::Ready(Ok(5)));
    assert_eq!(
        counter.live_references(),
        2,
        "no waker kept after completion"
    );
}

#[test]
fn send_to_dropped_receiver_hands_value_back() {
    let (tx, rx) = oneshot::channel();
    assert!(!tx.is_closed());
    drop(rx);
    assert!(tx.is_closed());
    assert_eq!(
        tx.send(String::from("x")),
        Err(SendError(String::from("x")))
    );
}

#[test]
fn dropped_sender_gives_recv_error() {
    let (tx, mut rx) = oneshot::channel::<u8>();
    let (waker, counter) = counting_waker();
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    assert_eq!(poll_once(&mut rx, &waker), Poll::Pending);
    drop(tx);
    assert_eq!(counter.wakes(), 1);
    assert_eq!(poll_once(&mut rx, &waker), Poll::Ready(Err(RecvError)));
}

#[test]
fn close_refuses_later_sends_but_keeps_an_earlier_value() {
    let (tx, mut rx) = oneshot::channel();
    tx.send(1).unwrap();
    rx.close();
    assert_eq!(rx.try_recv(), Ok(1));

    let (tx, mut rx) = oneshot::channel();
    rx.close();
    assert_eq!(tx.send(2), Err(SendError(2)));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
}

#[test]
fn closed_future_is_woken_by_receiver_drop() {
    let (mut tx, rx) = oneshot::channel::<u8>();
    let (waker, counter) = counting_waker();
    {
        let mut closed = tx.closed();
        assert_eq!(poll_once(&mut closed, &waker), Poll::Pending);
    }
    let mut closed = tx.closed();
    assert_eq!(poll_once(&mut closed, &waker), Poll::Pending);
    drop(rx);
    assert_eq!(counter.wakes(), 1);
    assert_eq!(poll_once(&mut closed, &waker), Poll::Ready(()));
}

/// Two tasks bounce a counter through a fresh oneshot pair per hop.
fn ping_pong(spawner: LocalTasks) -> LocalBoxFuture<()> {
    Box::pin(async move {
        let (to_pong, mut pong_inbox) = wakewire_reactor_channel::mpsc::unbounded();
        spawner.spawn(async move {
            while let Ok((n, reply)) = pong_inbox.recv().await {
                let reply: oneshot::Sender<u32> = reply;
                yield_now().await;
                reply.send(n + 1).unwrap();
            }
        });
        let mut n = 0;
        for _ in 0..100 {
            let (reply_tx, reply_rx) = oneshot::channel();
            to_pong.try_send((n, reply_tx)).unwrap();
            n = reply_rx.await.unwrap();
        }
        assert_eq!(n, 100);
    })
}

/// A sender task that waits in `closed()` until the receiver task gives up.
fn sender_notices_receiver_gone(spawner: LocalTasks) -> LocalBoxFuture<()> {
    Box::pin(async move {
        let (mut tx, rx) = oneshot::channel::<u8>();
        let (noticed_tx, noticed_rx) = oneshot::channel();
        spawner.spawn(async move {
            tx.closed().await;
            noticed_tx.send(tx.is_closed()).unwrap();
        });
        yield_now().await;
        drop(rx);
        assert_eq!(noticed_rx.await, Ok(true));
    })
}

#[test]
fn ping_pong_on_the_local_executor() {
    wakewire_test_util::run_local(ping_pong);
}

#[test]
fn sender_notices_receiver_gone_on_the_local_executor() {
    wakewire_test_util::run_local(sender_notices_receiver_gone);
}
