//! The pool grows with demand, not with the number of jobs: a thread that just finished a
//! job takes the next one its task submits, so N tasks awaiting jobs in turn never need
//! more than N threads.

use std::sync::Arc;
use std::time::Duration;

use wakewire_executor_local::LocalExecutor;
use wakewire_reactor_blocking::BlockingPool;

use wakewire_test_util::watchdog;

#[test]
fn one_task_awaiting_jobs_in_turn_uses_one_thread() {
    let _dog = watchdog("one thread", Duration::from_secs(30));
    let pool = BlockingPool::builder().max_threads(64).build();
    let sum = LocalExecutor::new().block_on(async {
        let mut sum = 0u64;
        for i in 0..1000u64 {
            sum += pool.spawn(move || i).await.unwrap();
        }
        sum
    });
    assert_eq!(sum, 999 * 1000 / 2);
    assert_eq!(pool.metrics().threads_started, 1);
}

#[test]
fn concurrency_bounds_the_thread_count() {
    let _dog = watchdog("bounded", Duration::from_secs(30));
    let pool = Arc::new(BlockingPool::builder().max_threads(64).build());
    let ex = LocalExecutor::new();
    // 10 tasks, each with at most one job in flight.
    let tasks: Vec<_> = (0..10u64)
        .map(|t| {
            let pool = Arc::clone(&pool);
            ex.spawn(async move {
                let mut sum = 0u64;
                for i in 0..100u64 {
                    sum += pool.spawn(move || t * 100 + i).await.unwrap();
                }
                sum
            })
            .unwrap()
        })
        .collect();
    let total = ex.block_on(async {
        let mut total = 0u64;
        for task in tasks {
            total += task.await.unwrap();
        }
        total
    });
    assert_eq!(total, 999 * 1000 / 2);
    let started = pool.metrics().threads_started;
    assert!(
        (1..=10).contains(&started),
        "{started} threads for 10 tasks"
    );
}
