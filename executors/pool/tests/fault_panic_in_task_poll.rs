//! A future that panics on its 1st or 2nd poll is reported through its handle, its
//! drop guard runs once, the workers survive and keep running other tasks.
#![cfg_attr(panic = "abort", allow(unused))]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use wakewire_core::future::yield_now;
use wakewire_executor_pool::Pool;

use wakewire_test_util::{watchdog, DropCounter};

#[test]
#[cfg_attr(panic = "abort", ignore)]
fn fault_panic_in_task_poll() {
    let _dog = watchdog("fault_panic_in_task_poll", Duration::from_secs(30));
    let pool = Pool::builder().workers(2).build();
    let drops = DropCounter::default();
    let first = pool
        .spawn({
            let guard = drops.guard();
            async move {
                let _guard = guard;
                panic!("boom on first poll");
            }
        })
        .unwrap();
    let second = pool
        .spawn({
            let guard = drops.guard();
            async move {
                let _guard = guard;
                yield_now().await;
                panic!("boom on second poll");
            }
        })
        .unwrap();
    let first = pool.block_on(first).unwrap_err();
    let second = pool.block_on(second).unwrap_err();
    assert!(first.is_panic());
    assert_eq!(first.panic_message(), Some("boom on first poll"));
    assert!(second.is_panic());
    assert_eq!(second.panic_message(), Some("boom on second poll"));
    assert_eq!(
        drops.get(),
        2,
        "each panicking future is dropped exactly once"
    );

    // Both workers survived: 1 000 more tasks complete, spread over them.
    let done = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..1000)
        .map(|_| {
            let done = done.clone();
            pool.spawn(async move {
                yield_now().await;
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
    assert_eq!(done.load(Ordering::SeqCst), 1000);
    let metrics = pool.metrics();
    assert_eq!(metrics.thread_starts, 2);
    assert_eq!(metrics.thread_stops, 0, "no worker died");
    assert_eq!(metrics.live_tasks, 0);
}

#[test]
#[cfg_attr(panic = "abort", ignore)]
fn panics_on_many_tasks_leave_other_tasks_unaffected() {
    let _dog = watchdog("panics_on_many_tasks", Duration::from_secs(30));
    let pool = Pool::builder().workers(2).build();
    let handles: Vec<_> = (0..200u32)
        .map(|i| {
            pool.spawn(async move {
                yield_now().await;
                if i % 3 == 0 {
                    panic!("task {i} fails");
                }
                i
            })
            .unwrap()
        })
        .collect();
    let (ok, failed) = pool.block_on(async {
        let (mut ok, mut failed) = (0u32, 0u32);
        for handle in handles {
            match handle.await {
                Ok(_) => ok += 1,
                Err(error) => {
                    assert!(error.is_panic());
                    failed += 1;
                }
            }
        }
        (ok, failed)
    });
    assert_eq!((ok, failed), (133, 67));
}
