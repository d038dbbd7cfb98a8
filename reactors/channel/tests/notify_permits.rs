//! Notify: one stored permit, FIFO `notify_one`, `notify_waiters`, and no lost
//! notification when a chosen waiter is dropped.
#![cfg(not(loom))]

use std::rc::Rc;
use std::task::Poll;

use wakewire_core::future::yield_now;
use wakewire_core::spawn::LocalBoxFuture;
use wakewire_core::waker::counting_waker;
use wakewire_reactor_channel::Notify;
use wakewire_test_util::{poll_once, LocalTasks};

#[test]
fn notify_one_without_waiter_stores_one_permit() {
    let notify = Notify::new();
    let (waker, counter) = counting_waker();
    notify.notify_one();
    notify.notify_one(); // still one permit
    assert_eq!(poll_once(&mut notify.notified(), &waker), Poll::Ready(()));
    let mut second = notify.notified();
    assert_eq!(poll_once(&mut second, &waker), Poll::Pending);
    assert_eq!(counter.wakes(), 0);
    notify.notify_one();
    assert_eq!(counter.wakes(), 1);
    assert_eq!(poll_once(&mut second, &waker), Poll::Ready(()));
    assert_eq!(
        poll_once(&mut second, &waker),
        Poll::Ready(()),
        "ready again after completion"
    );
}

#[test]
fn notify_one_wakes_in_fifo_order() {
    let notify = Notify::new();
    let (wa, a) = counting_waker();
    let (wb, b) = counting_waker();
    let mut first = notify.notified();
    let mut second = notify.notified();
    assert!(poll_once(&mut first, &wa).is_pending());
    assert!(poll_once(&mut second, &wb).is_pending());
    notify.notify_one();
    assert_eq!((a.wakes(), b.wakes()), (1, 0));
    assert!(poll_once(&mut second, &wb).is_pending());
    assert!(poll_once(&mut first, &wa).is_ready());
}

#[test]
fn dropped_chosen_waiter_passes_the_notification_on() {
    let notify = Notify::new();
    let (wa, a) = counting_waker();
    let (wb, b) = counting_waker();
    let mut first = notify.notified();
    let mut second = notify.notified();
    assert!(poll_once(&mut first, &wa).is_pending());
    assert!(poll_once(&mut second, &wb).is_pending());
    notify.notify_one();
    drop(first);
    assert_eq!((a.wakes(), b.wakes()), (1, 1));
    assert!(poll_once(&mut second, &wb).is_ready());

    // With nobody else waiting, it becomes the permit.
    let mut lone = notify.notified();
    assert!(poll_once(&mut lone, &wa).is_pending());
    notify.notify_one();
    drop(lone);
    assert!(poll_once(&mut notify.notified(), &wa).is_ready());
}

#[test]
fn notify_waiters_wakes_all_current_and_stores_no_permit() {
    let notify = Notify::new();
    let counters: Vec<_> = (0..5).map(|_| counting_waker()).collect();
    let mut futures: Vec<_> = counters.iter().map(|_| notify.notified()).collect();
    for (future, (waker, _)) in futures.iter_mut().zip(&counters) {
        assert!(poll_once(future, waker).is_pending());
    }
    notify.notify_waiters();
    for (future, (waker, counter)) in futures.iter_mut().zip(&counters) {
        assert_eq!(counter.wakes(), 1);
        assert!(poll_once(future, waker).is_ready());
    }
    let (waker, _) = counting_waker();
    assert!(
        poll_once(&mut notify.notified(), &waker).is_pending(),
        "no permit stored"
    );
}

/// A worker loop woken by `notify_one` for each batch of work.
fn worker_loop(spawner: LocalTasks) -> LocalBoxFuture<()> {
    Box::pin(async move {
        let notify = Rc::new(Notify::new());
        let (work_tx, mut work_rx) = wakewire_reactor_channel::mpsc::unbounded::<u32>();
        let (done_tx, done_rx) = wakewire_reactor_channel::oneshot::channel();
        let worker_notify = notify.clone();
        spawner.spawn(async move {
            let mut total = 0;
            loop {
                worker_notify.notified().await;
                let mut closed = false;
                loop {
                    match work_rx.try_recv() {
                        Ok(n) => total += n,
                        Err(wakewire_reactor_channel::TryRecvError::Empty) => break,
                        Err(wakewire_reactor_channel::TryRecvError::Closed) => {
                            closed = true;
                            break;
                        }
                    }
                }
                if closed {
                    break;
                }
            }
            done_tx.send(total).unwrap();
        });
        for batch in 0..10u32 {
            for i in 0..5 {
                work_tx.try_send(batch * 5 + i).unwrap();
            }
            notify.notify_one();
            if batch % 2 == 0 {
                yield_now().await;
            }
        }
        drop(work_tx);
        notify.notify_one();
        assert_eq!(done_rx.await, Ok((0..50).sum()));
    })
}

#[test]
fn worker_loop_on_the_local_executor() {
    wakewire_test_util::run_local(worker_loop);
}
