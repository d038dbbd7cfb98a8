//! 200,000 tasks, each yields once through the queue, each completes
//! exactly once.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use wakewire_core::future::yield_now;
use wakewire_executor_local::LocalExecutor;

use wakewire_test_util::{scaled, watchdog};

#[test]
fn stress_local_tasks_complete_exactly_once() {
    let _dog = watchdog(
        "stress_local_tasks_complete_exactly_once",
        Duration::from_secs(60),
    );
    let n = scaled(200_000);
    let bits: Arc<Vec<AtomicU64>> =
        Arc::new((0..n.div_ceil(64)).map(|_| AtomicU64::new(0)).collect());
    let ex = LocalExecutor::new();
    let spawner = ex.spawner();
    let polls_before = ex.metrics().polls;
    let done = ex.block_on({
        let bits = bits.clone();
        async move {
            let mut handles = Vec::with_capacity(n);
            for i in 0..n {
                let bits = bits.clone();
                handles.push(
                    spawner
                        .spawn(async move {
                            yield_now().await;
                            let old = bits[i / 64].fetch_or(1 << (i % 64), Ordering::SeqCst);
                            assert_eq!(old & (1 << (i % 64)), 0, "task {i} completed twice");
                        })
                        .unwrap(),
                );
            }
            let mut done = 0;
            for handle in handles {
                handle.await.unwrap();
                done += 1;
            }
            done
        }
    });
    assert_eq!(done, n);
    let set: u32 = bits
        .iter()
        .map(|w| w.load(Ordering::SeqCst).count_ones())
        .sum();
    assert_eq!(set as usize, n, "every task's bit set");
    assert_eq!(
        ex.metrics().polls - polls_before,
        2 * n as u64,
        "exactly two polls per task"
    );
    assert_eq!(ex.metrics().live_tasks, 0);
}
