//! futures-executor's `ThreadPool` and `LocalPool` behind Wakewire's traits meet the join
//! contract of every Wakewire executor.

mod util;

use std::time::Duration;

use wakewire_adapter_futures::{LocalPoolExecutor, ThreadPoolExecutor};

mod thread_pool {
    use super::*;

    join_contract!(
        ThreadPoolExecutor::new(2).unwrap(),
        |ex: &ThreadPoolExecutor| ex.spawner(),
        |ex: ThreadPoolExecutor| assert!(ex.shutdown(Duration::from_secs(10)))
    );
}

mod local_pool_send_tasks {
    use super::*;

    join_contract!(
        LocalPoolExecutor::new(),
        |ex: &LocalPoolExecutor| ex.spawner(),
        drop::<LocalPoolExecutor>
    );
}

#[test]
fn local_pool_local_tasks_meet_the_contract() {
    util::join_contract::local_tasks_meet_the_contract(LocalPoolExecutor::new(), drop);
}
