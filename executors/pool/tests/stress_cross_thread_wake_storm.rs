//! A storm of cross-thread wakes: (i) 50 tracks × 200-hop message chains × 5 cycles on 10 fresh pools; (ii) 4 foreign
//! threads each wake 1 000 tasks 100 times while those tasks complete. Every track
//! finishes, every task completes exactly once, and no task is polled after it completed.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Barrier};
use std::task::{Context, Poll};
use std::thread;
use std::time::Duration;

use wakewire_executor_pool::Pool;

use wakewire_test_util::{watchdog, Mailbox};

#[test]
fn stress_cross_thread_wake_storm_chains() {
    let _dog = watchdog(
        "stress_cross_thread_wake_storm_chains",
        Duration::from_secs(120),
    );
    let tracks = wakewire_test_util::scaled(50);
    let hops = 200;
    for _ in 0..10 {
        let mut pool = Pool::builder().workers(2).build();
        for _ in 0..5 {
            let mut finals = Vec::new();
            for _ in 0..tracks {
                let boxes: Vec<Mailbox<u64>> = (0..=hops).map(|_| Mailbox::default()).collect();
                for hop in 0..hops {
                    let (from, to) = (boxes[hop].clone(), boxes[hop + 1].clone());
                    drop(
                        pool.spawn(async move {
                            let value = from.recv().await;
                            to.send(value + 1);
                        })
                        .unwrap(),
                    );
                }
                boxes[0].send(0);
                finals.push(boxes[hops].clone());
            }
            pool.block_on(async {
                for last in &finals {
                    assert_eq!(last.recv().await, hops as u64);
                }
            });
        }
        // The last hop's send can be seen before its task is gone: count after shutdown,
        // which would drop any task still alive (none should be).
        pool.shutdown(Duration::from_secs(10)).unwrap();
        let metrics = pool.metrics();
        assert_eq!(metrics.live_tasks, 0);
        // Each hop task is polled once or twice (twice if it ran before its message came).
        let hop_tasks = (5 * tracks * hops) as u64;
        assert!((hop_tasks..=2 * hop_tasks).contains(&metrics.polls));
    }
}

/// Completes on the first poll after `release` is set; counts polls after completion
/// (which would be a bug in the executor).
struct Storm {
    release: Arc<AtomicBool>,
    done: bool,
    late_polls: Arc<AtomicUsize>,
}

impl Future for Storm {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        if self.done {
            self.late_polls.fetch_add(1, Ordering::SeqCst);
            return Poll::Ready(());
        }
        if self.release.load(Ordering::SeqCst) {
            self.done = true;
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

#[test]
fn stress_cross_thread_wake_storm_foreign_wakers() {
    let _dog = watchdog(
        "stress_cross_thread_wake_storm_foreign",
        Duration::from_secs(120),
    );
    let tasks = wakewire_test_util::scaled(1000);
    let pool = Pool::builder().workers(2).build();
    let late_polls = Arc::new(AtomicUsize::new(0));
    let completed = Arc::new(AtomicUsize::new(0));
    let release = Arc::new(AtomicBool::new(false));
    let (waker_tx, waker_rx) = mpsc::channel();
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            let (late_polls, completed, release) =
                (late_polls.clone(), completed.clone(), release.clone());
            let waker_tx = waker_tx.clone();
            pool.spawn(async move {
                std::future::poll_fn(|cx| {
                    let _ = waker_tx.send(cx.waker().clone());
                    Poll::Ready(())
                })
                .await;
                Storm {
                    release,
                    done: false,
                    late_polls,
                }
                .await;
                completed.fetch_add(1, Ordering::SeqCst);
            })
            .unwrap()
        })
        .collect();
    let wakers: Arc<Vec<_>> = Arc::new((0..tasks).map(|_| waker_rx.recv().unwrap()).collect());
    let start = Arc::new(Barrier::new(4));
    let storms: Vec<_> = (0..4)
        .map(|thread_index| {
            let (wakers, start, release) = (wakers.clone(), start.clone(), release.clone());
            thread::spawn(move || {
                start.wait();
                for round in 0..100 {
                    if thread_index == 0 && round == 50 {
                        // Half-way through the storm, let the tasks finish: the wakes that
                        // follow race with their completion.
                        release.store(true, Ordering::SeqCst);
                    }
                    for waker in wakers.iter() {
                        waker.wake_by_ref();
                    }
                }
            })
        })
        .collect();
    for storm in storms {
        storm.join().unwrap();
    }
    // Every task was woken after `release` was set, so each must complete.
    pool.block_on(async {
        for handle in handles {
            handle.await.unwrap();
        }
    });
    assert_eq!(completed.load(Ordering::SeqCst), tasks);
    assert_eq!(late_polls.load(Ordering::SeqCst), 0);
    assert_eq!(pool.metrics().live_tasks, 0);
}
