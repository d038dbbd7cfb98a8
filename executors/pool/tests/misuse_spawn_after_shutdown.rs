//! Spawning around the pool's shutdown beyond the matrix's `spawn-after-shutdown`: on the
//! pool itself after `shutdown`, from a future's `Drop` during shutdown (refused, dropped),
//! and `block_on` after shutdown.

use std::future::pending;
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use wakewire_core::SpawnError;
use wakewire_executor_pool::{Pool, PoolSpawner};

use wakewire_test_util::{watchdog, DropCounter};

#[test]
fn shutdown_then_spawn_on_the_pool_itself() {
    let _dog = watchdog("shutdown_then_spawn_on_the_pool", Duration::from_secs(20));
    let mut pool = Pool::builder().workers(2).build();
    pool.shutdown(Duration::from_secs(10)).unwrap();
    let drops = DropCounter::default();
    let guard = drops.guard();
    assert!(pool.spawn(async move { drop(guard) }).is_err());
    assert_eq!(drops.get(), 1);
    // Shutting down again is a no-op.
    pool.shutdown(Duration::from_secs(1)).unwrap();
}

/// Spawns a task from its `Drop`, recording what `spawn` returned.
struct SpawnOnDrop {
    handle: PoolSpawner,
    results: Arc<Mutex<Vec<Result<(), SpawnError>>>>,
    inner_drops: DropCounter,
}

impl Drop for SpawnOnDrop {
    fn drop(&mut self) {
        let guard = self.inner_drops.guard();
        let result = self.handle.spawn(async move { drop(guard) }).map(drop);
        self.results.lock().unwrap().push(result);
    }
}

#[test]
fn spawn_from_drop_during_shutdown_is_refused_and_dropped() {
    let _dog = watchdog("spawn_from_drop_during_shutdown", Duration::from_secs(20));
    let pool = Pool::builder().workers(2).build();
    let results = Arc::new(Mutex::new(Vec::new()));
    let inner_drops = DropCounter::default();
    let (started_tx, started_rx) = mpsc::channel();
    for _ in 0..10 {
        let on_drop = SpawnOnDrop {
            handle: pool.spawner(),
            results: results.clone(),
            inner_drops: inner_drops.clone(),
        };
        let started_tx = started_tx.clone();
        drop(
            pool.spawn(async move {
                let _on_drop = on_drop;
                started_tx.send(()).unwrap();
                pending::<()>().await;
            })
            .unwrap(),
        );
    }
    for _ in 0..10 {
        started_rx.recv().unwrap();
    }
    drop(pool);
    let results = results.lock().unwrap();
    assert_eq!(results.len(), 10);
    assert!(results.iter().all(|r| r.is_err()), "{results:?}");
    assert_eq!(inner_drops.get(), 10, "each refused future was dropped");
}

#[test]
fn block_on_after_shutdown_still_runs_the_future() {
    let _dog = watchdog("block_on_after_shutdown", Duration::from_secs(20));
    let mut pool = Pool::builder().workers(1).build();
    pool.shutdown(Duration::from_secs(10)).unwrap();
    assert_eq!(pool.block_on(async { 9 }), 9);
}
