//! Spawning on the pool beyond the contract (spawning from outside and inside, joining, the
//! `dyn` form: the matrix's `contract` column): nested and chained spawns, poll counts, a
//! one-worker pool, a spawn from a thread-local destructor.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use wakewire_core::future::yield_now;
use wakewire_executor_pool::Pool;

use wakewire_test_util::watchdog;

#[test]
fn spawn_from_tasks_nested_and_chained() {
    let _dog = watchdog(
        "spawn_from_tasks_nested_and_chained",
        Duration::from_secs(20),
    );
    let pool = Pool::builder().workers(2).build();
    let handle = pool.spawner();
    // A chain of 200 tasks, each spawning the next from inside the pool.
    fn link(
        handle: wakewire_executor_pool::PoolSpawner,
        left: u32,
    ) -> wakewire_core::spawn::BoxFuture<u32> {
        Box::pin(async move {
            if left == 0 {
                return 0;
            }
            let next = handle.spawn(link(handle.clone(), left - 1)).unwrap();
            next.await.unwrap() + 1
        })
    }
    let depth = pool
        .block_on(pool.spawn(link(handle, 200)).unwrap())
        .unwrap();
    assert_eq!(depth, 200);
}

#[test]
fn tasks_that_yield_all_complete_and_polls_are_counted() {
    let _dog = watchdog("tasks_that_yield_all_complete", Duration::from_secs(20));
    let pool = Pool::builder().workers(2).build();
    let done = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..50)
        .map(|_| {
            let done = done.clone();
            pool.spawn(async move {
                for _ in 0..10 {
                    yield_now().await;
                }
                done.fetch_add(1, Ordering::SeqCst);
            })
            .unwrap()
        })
        .collect();
    pool.block_on(async {
        for handle in handles {
            handle.await.unwrap();
        }
    });
    assert_eq!(done.load(Ordering::SeqCst), 50);
    // Each task: 1 first poll + 10 re-polls after its yields.
    assert_eq!(pool.metrics().polls, 50 * 11);
}

#[test]
fn one_worker_pool_runs_everything() {
    let _dog = watchdog("one_worker_pool_runs_everything", Duration::from_secs(20));
    let pool = Pool::builder().workers(1).build();
    let handles: Vec<_> = (0..20u32)
        .map(|i| {
            pool.spawn(async move {
                yield_now().await;
                i
            })
            .unwrap()
        })
        .collect();
    let total: u32 = pool.block_on(async {
        let mut total = 0;
        for handle in handles {
            total += handle.await.unwrap();
        }
        total
    });
    assert_eq!(total, (0..20).sum());
}

struct SpawnOnThreadExit(
    Option<(
        wakewire_executor_pool::PoolSpawner,
        std::sync::mpsc::Sender<u32>,
    )>,
);

impl Drop for SpawnOnThreadExit {
    fn drop(&mut self) {
        if let Some((handle, tx)) = self.0.take() {
            drop(handle.spawn(async move { tx.send(9).unwrap() }).unwrap());
        }
    }
}

thread_local! {
    static ON_EXIT: std::cell::RefCell<SpawnOnThreadExit> =
        const { std::cell::RefCell::new(SpawnOnThreadExit(None)) };
}

#[test]
fn spawn_from_a_thread_local_destructor() {
    let _dog = watchdog(
        "spawn_from_a_thread_local_destructor",
        Duration::from_secs(20),
    );
    let pool = Pool::builder().workers(2).build();
    let (tx, rx) = std::sync::mpsc::channel();
    let handle = pool.spawner();
    thread::spawn(move || ON_EXIT.with(|slot| slot.borrow_mut().0 = Some((handle, tx))))
        .join()
        .unwrap();
    assert_eq!(rx.recv_timeout(Duration::from_secs(10)).unwrap(), 9);
}
