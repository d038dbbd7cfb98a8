//! A `TokioReactor` whose driver runs on a thread the user starts (`TokioReactor::new`)
//! serves tokio's leaf futures under Wakewire's pool. (tokio's reactor under every
//! executor is the matrix's `tokio` column.)

use std::time::Duration;

use wakewire_adapter_tokio::TokioReactor;
use wakewire_core::timer::Timer;

use wakewire_executor_pool::Pool;
use wakewire_test_util::watchdog;

/// The reactor driven by a thread the test starts itself (`TokioReactor::new`).
#[test]
fn a_reactor_driven_by_your_own_thread() {
    let _watchdog = watchdog("own driver", Duration::from_secs(30));
    let (reactor, driver) = TokioReactor::new().unwrap();
    let driving = std::thread::spawn(move || driver.run());
    let handle = reactor.handle();
    let pool = Pool::builder().workers(2).build();
    let task = pool
        .spawn(async move { handle.sleep(Duration::from_millis(2)).await })
        .unwrap();
    pool.block_on(task).unwrap();
    reactor.shutdown();
    driving.join().unwrap();
}
