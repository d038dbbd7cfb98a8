//! Creating and dropping a 2-worker pool 100+ times leaves the process's thread count
//! at its baseline (read from `/proc/self/task`), and every started thread stopped.
//! This file holds one test so no other test's threads disturb the count.

use std::time::Duration;

use wakewire_core::future::yield_now;
use wakewire_executor_pool::Pool;

use wakewire_test_util::{os_threads as thread_count, watchdog};

#[test]
fn leak_fds_and_threads() {
    let baseline = thread_count();
    let _dog = watchdog("leak_fds_and_threads", Duration::from_secs(60));
    // The watchdog thread itself is one more.
    let baseline = baseline.max(thread_count());
    let cycles = wakewire_test_util::scaled(150).max(100);
    for _ in 0..cycles {
        let mut pool = Pool::builder().workers(2).build();
        let task = pool.spawn(async { yield_now().await }).unwrap();
        pool.block_on(task).unwrap();
        drop(pool.spawn(std::future::pending::<()>()).unwrap());
        pool.shutdown(Duration::from_secs(10)).unwrap();
        let metrics = pool.metrics();
        assert_eq!(metrics.thread_starts, 2);
        assert_eq!(metrics.thread_stops, 2);
        drop(pool);
    }
    assert_eq!(thread_count(), baseline);
}
