//! A task woken on a pool thread while one of our tasks runs there is run next by the
//! same `ThreadPool` task (no trip through the pool's channel), but only so many in a row:
//! a task that keeps waking itself still lets the pool's other work run.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use wakewire_adapter_futures::ThreadPoolExecutor;
use wakewire_core::future::yield_now;
use wakewire_core::{BlockOn, Spawn};
use wakewire_test_util::watchdog;

#[test]
fn a_task_that_keeps_yielding_does_not_starve_the_only_pool_thread() {
    let _dog = watchdog(
        "a yielding task starves the one-thread pool",
        Duration::from_secs(20),
    );
    let ex = ThreadPoolExecutor::new(1).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let yields = Arc::new(AtomicUsize::new(0));
    let spinner = {
        let (stop, yields) = (stop.clone(), yields.clone());
        ex.spawn(async move {
            while !stop.load(Ordering::Acquire) {
                yields.fetch_add(1, Ordering::Relaxed);
                yield_now().await;
            }
        })
        .unwrap()
    };
    // Spawned from outside while the spinner runs: it must get the thread at some point.
    let stopper = {
        let stop = stop.clone();
        ex.spawn(async move { stop.store(true, Ordering::Release) })
            .unwrap()
    };
    ex.block_on(stopper).unwrap();
    ex.block_on(spinner).unwrap();
    assert!(yields.load(Ordering::Relaxed) >= 1);
}

#[test]
fn tasks_waking_each_other_on_the_pool_finish_and_shutdown_drops_the_rest() {
    let _dog = watchdog("ping-pong on the thread pool", Duration::from_secs(20));
    let ex = ThreadPoolExecutor::new(2).unwrap();
    let rounds = 10_000;
    let handles: Vec<_> = (0..4)
        .map(|_| {
            ex.spawn(async move {
                for _ in 0..rounds {
                    yield_now().await;
                }
                rounds
            })
            .unwrap()
        })
        .collect();
    let total: usize = ex.block_on(async {
        let mut total = 0;
        for handle in handles {
            total += handle.await.unwrap();
        }
        total
    });
    assert_eq!(total, 4 * rounds);
    // A task still yielding at shutdown is dropped, whether it sat in a thread's slot or
    // on the pool's queue.
    let endless = ex
        .spawn(async {
            loop {
                yield_now().await;
            }
        })
        .unwrap();
    assert!(
        ex.shutdown(Duration::from_secs(10)),
        "every future dropped in time"
    );
    let error = futures_executor::block_on(endless).unwrap_err();
    assert!(error.is_cancelled());
}
