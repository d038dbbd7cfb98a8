//! After every scenario (tasks waiting on a "reactor", a task holding its own handle,
//! detached tasks, cancelled tasks, finished tasks) and shutdown, the live-task count is 0
//! and every task's memory and stray waker is released.

use std::sync::{mpsc, Arc, Mutex};
use std::task::Waker;
use std::time::Duration;

use wakewire_core::future::yield_now;
use wakewire_core::JoinHandle;
use wakewire_executor_pool::Pool;

use wakewire_test_util::{watchdog, CountingAllocator, DropCounter, Parked};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator::new();

#[test]
fn leak_live_counts_and_allocator() {
    let _dog = watchdog("leak_live_counts", Duration::from_secs(60));
    // Warm-up: one-time allocations (crossbeam-epoch's global state, thread-local caches)
    // settle within a few cycles; from then on the level must stay flat.
    for _ in 0..20 {
        one_cycle();
    }
    let baseline = ALLOCATOR.live_bytes();
    for _ in 0..wakewire_test_util::scaled(300) {
        one_cycle();
    }
    let after = ALLOCATOR.live_bytes();
    // crossbeam-epoch frees the per-thread records of exited workers lazily, in batches,
    // so the level wobbles by up to ~11 KiB; a leaked task (hundreds of bytes) times 300
    // cycles would be far more.
    assert!(
        (after - baseline).abs() <= 16 * 1024,
        "live heap bytes went from {baseline} to {after}"
    );
}

fn one_cycle() {
    {
        let mut pool = Pool::builder().workers(2).build();
        let drops = DropCounter::default();
        let (waker_tx, waker_rx) = mpsc::channel::<Waker>();
        // Finished.
        let done = pool.spawn(async { yield_now().await }).unwrap();
        // Waiting on a "reactor" that keeps its waker past shutdown.
        let guard = drops.guard();
        let waiting = pool
            .spawn({
                let tx = waker_tx.clone();
                async move {
                    let _guard = guard;
                    Parked(tx).await
                }
            })
            .unwrap();
        // Detached and waiting.
        let guard = drops.guard();
        drop(
            pool.spawn({
                let tx = waker_tx.clone();
                async move {
                    let _guard = guard;
                    Parked(tx).await
                }
            })
            .unwrap(),
        );
        // Holding its own JoinHandle (a cycle only shutdown breaks).
        let own: Arc<Mutex<Option<JoinHandle<()>>>> = Arc::default();
        let guard = drops.guard();
        let handle = pool
            .spawn({
                let own = own.clone();
                let tx = waker_tx.clone();
                async move {
                    let _guard = guard;
                    let _keep = own;
                    Parked(tx).await
                }
            })
            .unwrap();
        *own.lock().unwrap() = Some(handle);
        // Cancelled.
        let guard = drops.guard();
        let cancelled = pool
            .spawn(async move {
                let _guard = guard;
                std::future::pending::<()>().await
            })
            .unwrap();
        cancelled.cancel();
        pool.block_on(done).unwrap();
        assert!(pool.block_on(cancelled).unwrap_err().is_cancelled());
        let stray: Vec<Waker> = (0..3).map(|_| waker_rx.recv().unwrap()).collect();
        pool.shutdown(Duration::from_secs(10)).unwrap();
        assert_eq!(pool.metrics().live_tasks, 0);
        assert_eq!(drops.get(), 4);
        assert!(pool.block_on(waiting).unwrap_err().is_cancelled());
        assert!(own.lock().unwrap().is_none() || Arc::strong_count(&own) == 1);
        drop(stray);
    }
}
