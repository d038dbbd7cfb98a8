//! Shutdown of the pool beyond the matrix's `shutdown-drops-once`: destructors that wake
//! each other or take a lock the test holds, a shutdown timeout with a stuck poll, and a
//! task that drops the pool it runs on.

use std::future::pending;
use std::sync::{mpsc, Arc, Mutex};
use std::task::Waker;
use std::thread;
use std::time::Duration;

use wakewire_executor_pool::Pool;

use wakewire_test_util::{watchdog, DropCounter};

/// Wakes the other task of its pair when dropped.
struct WakeOnDrop {
    other: Arc<Mutex<Option<Waker>>>,
    _guard: wakewire_test_util::DropGuard,
}

impl Drop for WakeOnDrop {
    fn drop(&mut self) {
        if let Some(waker) = self.other.lock().unwrap().take() {
            waker.wake();
        }
    }
}

#[test]
fn destructors_that_wake_each_other() {
    let _dog = watchdog("destructors_that_wake_each_other", Duration::from_secs(20));
    let pool = Pool::builder().workers(2).build();
    let drops = DropCounter::default();
    let (ready_tx, ready_rx) = mpsc::channel();
    for _ in 0..20 {
        let a_waker = Arc::new(Mutex::new(None));
        let b_waker = Arc::new(Mutex::new(None));
        for (mine, other) in [(a_waker.clone(), b_waker.clone()), (b_waker, a_waker)] {
            let on_drop = WakeOnDrop {
                other,
                _guard: drops.guard(),
            };
            let ready_tx = ready_tx.clone();
            drop(
                pool.spawn(async move {
                    let _on_drop = on_drop;
                    std::future::poll_fn(|cx| {
                        *mine.lock().unwrap() = Some(cx.waker().clone());
                        let _ = ready_tx.send(());
                        std::task::Poll::<()>::Pending
                    })
                    .await;
                })
                .unwrap(),
            );
        }
    }
    for _ in 0..40 {
        ready_rx.recv().unwrap();
    }
    drop(pool);
    assert_eq!(drops.get(), 40);
}

/// Takes a lock (that the test holds for a while) in its destructor.
struct LockOnDrop(Arc<Mutex<usize>>);

impl Drop for LockOnDrop {
    fn drop(&mut self) {
        *self.0.lock().unwrap() += 1;
    }
}

#[test]
fn destructor_that_takes_a_held_lock() {
    let _dog = watchdog("destructor_that_takes_a_held_lock", Duration::from_secs(20));
    let pool = Pool::builder().workers(2).build();
    let lock = Arc::new(Mutex::new(0));
    let (ready_tx, ready_rx) = mpsc::channel();
    for _ in 0..10 {
        let on_drop = LockOnDrop(lock.clone());
        let ready_tx = ready_tx.clone();
        drop(
            pool.spawn(async move {
                let _on_drop = on_drop;
                ready_tx.send(()).unwrap();
                pending::<()>().await;
            })
            .unwrap(),
        );
    }
    for _ in 0..10 {
        ready_rx.recv().unwrap();
    }
    let (held_tx, held_rx) = mpsc::channel();
    let holder = {
        let lock = lock.clone();
        thread::spawn(move || {
            let held = lock.lock().unwrap();
            held_tx.send(()).unwrap();
            // Held briefly while the pool's destructors queue up on it.
            thread::sleep(Duration::from_millis(50));
            drop(held);
        })
    };
    held_rx.recv().unwrap();
    drop(pool);
    let releaser = holder;
    releaser.join().unwrap();
    assert_eq!(*lock.lock().unwrap(), 10);
}

#[test]
#[cfg_attr(panic = "abort", ignore)]
fn shutdown_timeout_reports_a_stuck_poll_and_cleans_up_later() {
    let _dog = watchdog("shutdown_timeout", Duration::from_secs(20));
    let mut pool = Pool::builder().workers(2).build();
    let drops = DropCounter::default();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let (started_tx, started_rx) = mpsc::channel();
    let stuck = pool
        .spawn(async move {
            started_tx.send(()).unwrap();
            // Blocks its worker until the test releases it.
            let _ = release_rx.recv();
        })
        .unwrap();
    let guard = drops.guard();
    let parked = pool
        .spawn(async move {
            let _guard = guard;
            pending::<()>().await;
        })
        .unwrap();
    started_rx.recv().unwrap();
    let error = pool.shutdown(Duration::from_millis(50)).unwrap_err();
    assert_eq!(error.still_running(), 1);
    release_tx.send(()).unwrap();
    // The late worker finishes its poll and, being last, drops the rest.
    assert!(pool.block_on(stuck).is_ok());
    assert!(pool.block_on(parked).unwrap_err().is_cancelled());
    assert_eq!(drops.get(), 1);
}

#[test]
fn a_task_may_drop_the_pool_it_runs_on() {
    let _dog = watchdog(
        "a_task_may_drop_the_pool_it_runs_on",
        Duration::from_secs(20),
    );
    let drops = DropCounter::default();
    let slot: Arc<Mutex<Option<Pool>>> = Arc::new(Mutex::new(None));
    let pool = Pool::builder().workers(2).build();
    let handle = pool.spawner();
    let guard = drops.guard();
    drop(
        pool.spawn(async move {
            let _guard = guard;
            pending::<()>().await;
        })
        .unwrap(),
    );
    *slot.lock().unwrap() = Some(pool);
    let (done_tx, done_rx) = mpsc::channel();
    drop(
        handle
            .spawn({
                let slot = slot.clone();
                async move {
                    // Drops the pool on one of its own workers: it must not wait for itself.
                    let pool = slot.lock().unwrap().take();
                    drop(pool);
                    done_tx.send(()).unwrap();
                }
            })
            .unwrap(),
    );
    done_rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert!(handle.is_shutdown());
    // The worker that dropped it leaves after this poll and, last out, drops the rest.
    while drops.get() == 0 {
        thread::yield_now();
    }
    assert_eq!(drops.get(), 1);
    assert!(handle.spawn(async {}).is_err());
}
