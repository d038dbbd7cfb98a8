//! Join handles on the pool, beyond the contract every executor meets (the matrix's
//! `contract` column): dropping a handle while its task completes drops the output once;
//! the pool's types are `Send + Sync`.

use std::sync::mpsc;
use std::time::Duration;

use wakewire_executor_pool::Pool;

use wakewire_test_util::{watchdog, DropCounter};

/// The race of a handle's drop with its task's completion, in stress form (loom cannot
/// see async-task's atomics): handles are dropped on a
/// foreign thread while their tasks complete on the workers; every output is dropped
/// exactly once, by whichever side comes last.
#[test]
fn joinhandle_drop_races_completion_output_dropped_once() {
    let _dog = watchdog("joinhandle_drop_races_completion", Duration::from_secs(60));
    let pool = Pool::builder().workers(2).build();
    let outputs = DropCounter::default();
    let count = wakewire_test_util::scaled(20_000);
    let (handle_tx, handle_rx) = mpsc::channel();
    let dropper = std::thread::spawn(move || {
        for handle in handle_rx {
            drop::<wakewire_core::JoinHandle<wakewire_test_util::DropGuard>>(handle);
        }
    });
    for _ in 0..count {
        let output = outputs.guard();
        handle_tx
            .send(pool.spawn(async move { output }).unwrap())
            .unwrap();
    }
    drop(handle_tx);
    dropper.join().unwrap();
    drop(pool);
    assert_eq!(outputs.get(), count);
}

#[test]
fn pool_types_are_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>() {}
    send_sync::<Pool>();
    send_sync::<wakewire_executor_pool::PoolSpawner>();
    send::<wakewire_executor_pool::PoolBuilder>();
}
