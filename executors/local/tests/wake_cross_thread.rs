//! Wakers woken on other threads reach the executor and unpark it; wakes of finished or
//! cancelled tasks are no-ops.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

use wakewire_executor_local::LocalExecutor;

use wakewire_test_util::{watchdog, Parked};

/// Pending on its first poll (so a wake is always needed); then ready once `flag` is set.
/// Hands its waker to `waker_out` on every poll.
struct Flagged {
    flag: Arc<AtomicUsize>,
    waker_out: mpsc::Sender<Waker>,
    polls: Arc<AtomicUsize>,
}

impl Future for Flagged {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let first = self.polls.fetch_add(1, Ordering::SeqCst) == 0;
        // Register first, then check: the setter sets first, then wakes.
        let _ = self.waker_out.send(cx.waker().clone());
        if !first && self.flag.load(Ordering::SeqCst) == 1 {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

#[test]
fn a_wake_from_another_thread_unparks_block_on() {
    let _dog = watchdog(
        "a_wake_from_another_thread_unparks_block_on",
        Duration::from_secs(10),
    );
    let ex = LocalExecutor::new();
    for round in 0..200 {
        let flag = Arc::new(AtomicUsize::new(0));
        let polls = Arc::new(AtomicUsize::new(0));
        let (tx, rx) = mpsc::channel();
        let setter = {
            let flag = flag.clone();
            thread::spawn(move || {
                let waker: Waker = rx.recv().unwrap();
                flag.store(1, Ordering::SeqCst);
                waker.wake();
            })
        };
        // Alternate between the main future and a spawned task waiting.
        let future = Flagged {
            flag,
            waker_out: tx,
            polls: polls.clone(),
        };
        if round % 2 == 0 {
            ex.block_on(future);
        } else {
            let handle = ex.spawn(future).unwrap();
            ex.block_on(handle).unwrap();
        }
        setter.join().unwrap();
        assert!(polls.load(Ordering::SeqCst) >= 2);
    }
}

#[test]
#[allow(clippy::waker_clone_wake)] // cloning on the foreign thread is the point
fn wakes_of_finished_or_cancelled_tasks_do_not_poll() {
    let ex = LocalExecutor::new();
    let (tx, rx) = mpsc::channel();
    // One task finishes after handing out its waker; one is cancelled while parked.
    let finished = ex
        .spawn({
            let tx = tx.clone();
            std::future::poll_fn(move |cx| {
                tx.send(cx.waker().clone()).unwrap();
                Poll::Ready(())
            })
        })
        .unwrap();
    let cancelled = ex.spawn(Parked(tx)).unwrap();
    ex.run_until_stalled();
    cancelled.cancel();
    ex.run_until_stalled();
    assert!(finished.is_finished() && cancelled.is_finished());
    let wakers: Vec<Waker> = rx.try_iter().collect();
    assert_eq!(wakers.len(), 2);
    let polls = ex.metrics().polls;
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let wakers = wakers.clone();
            thread::spawn(move || {
                for waker in wakers {
                    waker.wake_by_ref();
                    waker.clone().wake();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    drop(wakers);
    assert_eq!(
        ex.run_until_stalled(),
        0,
        "no task was queued by the stale wakes"
    );
    assert_eq!(ex.metrics().polls, polls);
    assert_eq!(ex.metrics().live_tasks, 0);
}

#[test]
fn a_task_yielding_to_itself_is_polled_once_per_wake() {
    let ex = LocalExecutor::new();
    let polls = Arc::new(AtomicUsize::new(0));
    let counter = polls.clone();
    let handle = ex
        .spawn(std::future::poll_fn(move |cx| {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            if n == 5 {
                return Poll::Ready(n);
            }
            cx.waker().wake_by_ref();
            cx.waker().wake_by_ref(); // a double wake still means one requeue
            Poll::Pending
        }))
        .unwrap();
    assert_eq!(ex.block_on(handle).unwrap(), 5);
    assert_eq!(polls.load(Ordering::SeqCst), 5);
}
