//! Code written for the `futures` spawn vocabulary runs on Wakewire's executors through
//! the bridge, and a shut-down executor is reported in that vocabulary too.

use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::task::{LocalSpawnExt, SpawnExt};
use wakewire_adapter_futures::FuturesSpawner;
use wakewire_executor_local::LocalExecutor;
use wakewire_executor_pool::Pool;

#[test]
fn local_executor_runs_spawn_and_local_spawn() {
    let ex = LocalExecutor::new();
    let hits = Rc::new(AtomicUsize::new(0));
    let remote_hits = Arc::new(AtomicUsize::new(0));
    FuturesSpawner::new(ex.spawner())
        .spawn({
            let remote_hits = remote_hits.clone();
            async move {
                remote_hits.fetch_add(1, Ordering::SeqCst);
            }
        })
        .unwrap();
    FuturesSpawner::new(ex.local_spawner())
        .spawn_local({
            let hits = hits.clone();
            async move {
                hits.fetch_add(1, Ordering::SeqCst);
            }
        })
        .unwrap();
    assert_eq!(ex.run_until_stalled(), 2);
    assert_eq!(hits.load(Ordering::SeqCst), 1);
    assert_eq!(remote_hits.load(Ordering::SeqCst), 1);

    let spawner = FuturesSpawner::new(ex.spawner());
    drop(ex);
    assert!(spawner.spawn(async {}).unwrap_err().is_shutdown());
}

#[test]
fn pool_runs_spawn_with_handle_and_reports_shutdown() {
    let mut pool = Pool::builder().workers(2).build();
    let bridge = FuturesSpawner::new(pool.spawner());
    let answer = bridge.spawn_with_handle(async { 40 + 2 }).unwrap();
    assert_eq!(pool.block_on(answer), 42);
    // Our own vocabulary is unambiguous next to `SpawnExt`: the bridge is a separate type.
    let ours = pool.spawn(async { 1 }).unwrap();
    assert_eq!(pool.block_on(ours).unwrap(), 1);
    pool.shutdown(Duration::from_secs(10)).unwrap();
    assert!(bridge.spawn(async {}).unwrap_err().is_shutdown());
}
