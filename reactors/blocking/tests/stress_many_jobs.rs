//! Many jobs from many tasks on a small pool: every value arrives exactly once.

use std::time::Duration;

use wakewire_executor_local::LocalExecutor;
use wakewire_reactor_blocking::BlockingPool;

use wakewire_test_util::{scaled, watchdog};

#[test]
fn stress_many_jobs_from_many_tasks() {
    let _dog = watchdog("stress", Duration::from_secs(120));
    let pool = BlockingPool::builder().max_threads(4).build();
    let tasks = 20u64;
    let per_task = scaled(1000) as u64;
    let ex = LocalExecutor::new();
    let handles: Vec<_> = (0..tasks)
        .map(|t| {
            // Half the jobs are awaited one by one, half all at once.
            let jobs: Vec<_> = (0..per_task)
                .map(|i| pool.spawn(move || t * per_task + i))
                .collect();
            ex.spawn(async move {
                let mut sum = 0u64;
                for job in jobs {
                    sum += job.await.unwrap();
                }
                sum
            })
            .unwrap()
        })
        .collect();
    let total = ex.block_on(async {
        let mut total = 0u64;
        for handle in handles {
            total += handle.await.unwrap();
        }
        total
    });
    let n = tasks * per_task;
    assert_eq!(total, n * (n - 1) / 2);
    assert!(pool.metrics().threads_started <= 4);
    // A second wave, each job cancelled or awaited at random-ish: no hang, no lost value.
    let kept: u64 = ex.block_on(async {
        let mut kept = 0;
        for i in 0..per_task {
            let job = pool.spawn(move || i);
            if i % 3 == 0 {
                drop(job);
            } else {
                kept += job.await.unwrap();
            }
        }
        kept
    });
    assert_eq!(kept, (0..per_task).filter(|i| i % 3 != 0).sum::<u64>());
}
