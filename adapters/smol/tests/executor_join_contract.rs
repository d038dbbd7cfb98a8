//! async-executor's `Executor` (driven by threads, as smol does) and `LocalExecutor` behind
//! Wakewire's traits meet the join contract of every Wakewire executor.

mod util;

use wakewire_adapter_smol::{SmolExecutor, SmolLocal};

mod executor {
    use super::*;

    join_contract!(
        SmolExecutor::new(2).unwrap(),
        |ex: &SmolExecutor| ex.spawner(),
        |ex: SmolExecutor| ex.shutdown()
    );
}

mod local_executor_send_tasks {
    use super::*;

    join_contract!(
        SmolLocal::new(),
        |ex: &SmolLocal| ex.spawner(),
        drop::<SmolLocal>
    );
}

#[test]
fn local_executor_local_tasks_meet_the_contract() {
    util::join_contract::local_tasks_meet_the_contract(SmolLocal::new(), drop);
}

#[test]
fn spawner_refuses_once_the_executor_is_dropped() {
    use std::sync::Arc;
    use wakewire_adapter_smol::SmolSpawner;
    use wakewire_core::Spawn;

    let executor = Arc::new(async_executor::Executor::new());
    let spawner = SmolSpawner::new(&executor);
    let drops = util::join_contract::DropCounter::default();
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
