//! A `SmolSpawner` over an async-executor `Executor` someone else drives keeps the join
//! contract when that executor is dropped: the waiting future is dropped with it, its
//! handle reports cancellation, later spawns are refused with the future dropped. (The
//! contract on `SmolExecutor` and `SmolLocal` is the matrix's `contract` column.)

use wakewire_test_util::DropCounter;

#[test]
fn spawner_refuses_once_the_executor_is_dropped() {
    use std::sync::Arc;
    use wakewire_adapter_smol::SmolSpawner;
    use wakewire_core::Spawn;

    let executor = Arc::new(async_executor::Executor::new());
    let spawner = SmolSpawner::new(&executor);
    let drops = DropCounter::default();
    let guard = drops.guard();
    let waiting = spawner
        .spawn(async move {
            let _guard = guard;
            std::future::pending::<()>().await
        })
        .unwrap();
    assert!(executor.try_tick(), "the first poll");
    assert_eq!(drops.get(), 0);
    drop(executor);
    assert_eq!(
        drops.get(),
        1,
        "the waiting future was dropped with the executor"
    );
    assert!(wakewire_core::block_on(waiting).unwrap_err().is_cancelled());
    let guard = drops.guard();
    assert!(spawner.spawn(async move { drop(guard) }).is_err());
    assert_eq!(drops.get(), 2);
}
