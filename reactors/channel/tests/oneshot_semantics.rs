//! oneshot: delivery, closing from either side, `closed()`, hand-offs between threads (the
//! ones Miri checks for data races in the lock-free protocol), and a ping-pong between
//! tasks.
#![cfg(not(loom))]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::Poll;
use std::thread;
use std::time::Duration;

use wakewire_core::future::yield_now;
use wakewire_core::spawn::LocalBoxFuture;
use wakewire_core::waker::counting_waker;
use wakewire_reactor_channel::{oneshot, RecvError, SendError, TryRecvError};
use wakewire_test_util::{poll_once, scaled, watchdog, LocalTasks};

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

/// Rounds of the cross-thread tests: few under Miri, which runs them ~1000x slower.
fn rounds() -> usize {
    if cfg!(miri) {
        8
    } else {
        scaled(500)
    }
}

#[test]
fn values_cross_threads_while_the_receiver_waits() {
    let _watchdog = watchdog("oneshot values across threads", Duration::from_secs(60));
    for round in 0..rounds() {
        let (tx, rx) = oneshot::channel();
        let sender = thread::spawn(move || tx.send(vec![round; 3]).unwrap());
        assert_eq!(wakewire_core::block_on(rx), Ok(vec![round; 3]));
        sender.join().unwrap();
    }
}

#[test]
fn every_value_is_dropped_once_whoever_goes_first() {
    let _watchdog = watchdog("oneshot drops across threads", Duration::from_secs(60));
    struct Counted(Arc<AtomicUsize>);
    impl Drop for Counted {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    let drops = Arc::new(AtomicUsize::new(0));
    let rounds = rounds();
    for round in 0..rounds {
        let (tx, mut rx) = oneshot::channel();
        let value = Counted(drops.clone());
        // The sender sends, the receiver polls once and goes away, on two threads.
        let sender = thread::spawn(move || drop(tx.send(value)));
        let (waker, _) = counting_waker();
        if round % 2 == 0 {
            let _ = poll_once(&mut rx, &waker);
        }
        drop(rx);
        sender.join().unwrap();
        assert_eq!(drops.load(Ordering::SeqCst), round + 1, "round {round}");
    }
}

#[test]
fn closed_wakes_a_sender_on_another_thread() {
    let _watchdog = watchdog("oneshot closed() across threads", Duration::from_secs(60));
    for _ in 0..rounds() {
        let (mut tx, rx) = oneshot::channel::<u8>();
        let receiver = thread::spawn(move || drop(rx));
        wakewire_core::block_on(tx.closed());
        assert!(tx.is_closed());
        receiver.join().unwrap();
    }
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
