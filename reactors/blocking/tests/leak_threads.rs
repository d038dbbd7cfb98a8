//! Threads of the blocking pool: their count stays within `max_threads`, idle threads exit
//! after the keep-alive, and creating/dropping pools returns the process to its baseline.
//!
//! One test per file: the assertions count the threads of the whole process.

use std::time::Duration;

use wakewire_reactor_blocking::BlockingPool;

use wakewire_test_util::{os_threads, scaled, wait_until, watchdog, Gate};

#[test]
fn threads_are_bounded_then_return_to_baseline() {
    let _dog = watchdog("threads", Duration::from_secs(60));
    let baseline = os_threads(); // the watchdog thread included
    let pool = BlockingPool::builder()
        .max_threads(3)
        .keep_alive(Duration::from_millis(50))
        .build();
    // 30 jobs that all block: only 3 threads may start, the rest queue.
    let gate = Gate::default();
    let jobs: Vec<_> = (0..30u32)
        .map(|i| {
            let gate = gate.clone();
            pool.spawn(move || {
                gate.wait();
                i
            })
        })
        .collect();
    assert_eq!(pool.metrics().threads, 3);
    wait_until("each thread to take a job", Duration::from_secs(10), || {
        pool.metrics().queued_jobs == 27
    });
    assert_eq!(os_threads(), baseline + 3);
    gate.open();
    let sum: u32 = jobs
        .into_iter()
        .map(|job| futures_executor::block_on(job).unwrap())
        .sum();
    assert_eq!(sum, (0..30).sum::<u32>());
    assert_eq!(
        pool.metrics().threads_started,
        3,
        "no thread beyond max_threads"
    );
    // Idle threads exit once their keep-alive ends.
    wait_until("idle threads to exit", Duration::from_secs(10), || {
        pool.metrics().threads == 0
    });
    wait_until("the OS threads to be gone", Duration::from_secs(10), || {
        os_threads() == baseline
    });

    // Create, use and drop many pools: nothing stays behind.
    // Odd rounds drop the pool without waiting: its threads still exit by themselves.
    for round in 0..scaled(1000) {
        let pool = BlockingPool::builder().max_threads(2).build();
        let a = pool.spawn(|| 1);
        let b = pool.spawn(|| 2);
        assert_eq!(
            futures_executor::block_on(async { a.await.unwrap() + b.await.unwrap() }),
            3
        );
        if round % 2 == 0 {
            assert!(pool.shutdown_timeout(Duration::from_secs(10)));
        }
    }
    wait_until("threads back to baseline", Duration::from_secs(10), || {
        os_threads() == baseline
    });
}
