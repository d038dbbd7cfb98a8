//! The object-safe forms of the core traits reach the same executor as the generic ones.

use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use wakewire_core::{DynBlockOn, DynLocalSpawn, DynSpawn, Spawn};
use wakewire_executor_local::LocalExecutor;

#[test]
fn executor_as_trait_objects() {
    let ex = LocalExecutor::new();
    let hits = Arc::new(AtomicUsize::new(0));
    let spawners: Vec<Box<dyn DynSpawn>> = vec![Box::new(ex.spawner()), Box::new(ex.spawner())];
    let mut handles = Vec::new();
    for spawner in &spawners {
        let hits = hits.clone();
        handles.push(
            spawner
                .spawn_dyn(Box::pin(async move {
                    hits.fetch_add(1, Ordering::SeqCst);
                }))
                .unwrap(),
        );
    }
    let local: &dyn DynLocalSpawn = &ex;
    let not_send = Rc::new(());
    let local_handle = local
        .spawn_local_dyn(Box::pin(async move {
            drop(not_send);
        }))
        .unwrap();
    let runner: &dyn DynBlockOn = &ex;
    let total = runner.block_on(async {
        for handle in handles {
            handle.await.unwrap();
        }
        local_handle.await.unwrap();
        hits.load(Ordering::SeqCst)
    });
    assert_eq!(total, 2);
}

#[test]
fn generic_code_over_spawn_runs_here() {
    fn fan_out<S: Spawn>(spawner: &S, n: u64) -> Vec<wakewire_core::JoinHandle<u64>> {
        (0..n)
            .map(|i| spawner.spawn(async move { i * 2 }).unwrap())
            .collect()
    }
    let ex = LocalExecutor::new();
    let handles = fan_out(&ex, 10);
    let sum: u64 = ex.block_on(async {
        let mut sum = 0;
        for h in handles {
            sum += h.await.unwrap();
        }
        sum
    });
    assert_eq!(sum, 90);
}
