//! A `TokioSpawner` made from a runtime's `Handle` (not owning the runtime) keeps the join
//! contract when that runtime shuts down: waiting futures are dropped, handles report
//! cancellation, later spawns are refused with the future dropped. (The contract on
//! `TokioExecutor` and `TokioLocal` is the matrix's `contract` column.)

use wakewire_test_util::DropCounter;

#[test]
fn spawner_on_a_handle_refuses_once_the_runtime_is_dropped() {
    use std::time::Duration;
    use wakewire_adapter_tokio::TokioSpawner;
    use wakewire_core::Spawn;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .build()
        .unwrap();
    let spawner = TokioSpawner::new(runtime.handle().clone());
    let drops = DropCounter::default();
    let guard = drops.guard();
    let waiting = spawner
        .spawn(async move {
            let _guard = guard;
            std::future::pending::<()>().await
        })
        .unwrap();
    runtime.shutdown_timeout(Duration::from_secs(10));
    assert_eq!(
        drops.get(),
        1,
        "the waiting future was dropped by the shutdown"
    );
    assert!(wakewire_core::block_on(waiting).unwrap_err().is_cancelled());
    let guard = drops.guard();
    assert!(spawner.spawn(async move { drop(guard) }).is_err());
    assert_eq!(drops.get(), 2);
    assert_eq!(spawner.live_tasks(), 0);
}
