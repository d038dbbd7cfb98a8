//! tokio's runtimes behind Wakewire's traits meet the join contract of every Wakewire
//! executor: output, panic as an error with the workers surviving, detach, prompt cancel,
//! shutdown dropping every future once (waiting and queued ones), spawn after shutdown
//! refused with the future dropped before `spawn` returns.

mod util;

use wakewire_adapter_tokio::{TokioExecutor, TokioLocal};

mod multi_thread {
    use super::*;

    join_contract!(
        TokioExecutor::multi_thread(2).unwrap(),
        |ex: &TokioExecutor| ex.spawner(),
        |ex: TokioExecutor| ex.shutdown()
    );
}

mod local_set_send_tasks {
    use super::*;

    join_contract!(
        TokioLocal::new().unwrap(),
        |ex: &TokioLocal| ex.spawner(),
        drop::<TokioLocal>
    );
}

#[test]
fn local_set_local_tasks_meet_the_contract() {
    util::join_contract::local_tasks_meet_the_contract(TokioLocal::new().unwrap(), drop);
}

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
    let drops = util::join_contract::DropCounter::default();
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
