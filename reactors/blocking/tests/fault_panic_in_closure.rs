//! C5/C6 for closures: a panic becomes an error on the future (payload kept), the pool
//! thread survives, and panics in drops on the pool thread are swallowed.
#![cfg(panic = "unwind")]

mod util;

use std::time::Duration;

use wakewire_core::BlockOn;
use wakewire_executor_local::LocalExecutor;
use wakewire_reactor_blocking::BlockingPool;

use util::{occupy, watchdog};

#[derive(Debug)]
struct Custom(u32);

#[test]
fn panic_is_an_error_with_its_payload() {
    let _dog = watchdog("panic", Duration::from_secs(20));
    let pool = BlockingPool::builder().max_threads(1).build();
    let ex = LocalExecutor::new();
    let err = ex
        .block_on(pool.spawn(|| -> u32 { panic!("boom in closure {}", 1) }))
        .unwrap_err();
    assert!(err.is_panic() && !err.is_shutdown());
    assert_eq!(err.panic_message(), Some("boom in closure 1"));
    assert_eq!(
        err.to_string(),
        "the blocking closure panicked: boom in closure 1"
    );

    let err = ex
        .block_on(pool.spawn(|| std::panic::panic_any(Custom(42))))
        .unwrap_err();
    assert_eq!(err.panic_message(), None);
    let payload = err.into_panic();
    assert_eq!(payload.downcast_ref::<Custom>().map(|c| c.0), Some(42));
}

#[test]
fn the_pool_thread_survives_and_serves_more_jobs() {
    let _dog = watchdog("survive", Duration::from_secs(30));
    let pool = BlockingPool::builder().max_threads(1).build();
    let ex = LocalExecutor::new();
    let total = ex.block_on(async {
        let mut total = 0u64;
        for i in 0..1000u64 {
            let job = pool.spawn(move || {
                if i % 100 == 0 {
                    panic!("job {i}");
                }
                i
            });
            match job.await {
                Ok(value) => total += value,
                Err(err) => assert_eq!(err.panic_message(), Some(format!("job {i}").as_str())),
            }
        }
        total
    });
    assert_eq!(total, (0..1000u64).filter(|i| i % 100 != 0).sum::<u64>());
    assert_eq!(
        pool.metrics().threads_started,
        1,
        "one thread served every job"
    );
}

struct PanicOnDrop;

impl Drop for PanicOnDrop {
    fn drop(&mut self) {
        panic!("panic in drop");
    }
}

#[test]
fn panics_in_drops_on_the_pool_thread_are_swallowed() {
    let _dog = watchdog("drop panics", Duration::from_secs(20));
    let pool = BlockingPool::builder().max_threads(1).build();
    // An abandoned job whose result panics when the pool thread drops it.
    let (gate, abandoned) = occupy(&pool, || PanicOnDrop);
    drop(abandoned);
    // A cancelled job whose captured state panics when the pool thread drops it.
    let bomb = PanicOnDrop;
    drop(pool.spawn(move || {
        let _keep = &bomb;
    }));
    gate.open();
    assert_eq!(futures_executor::block_on(pool.spawn(|| 3)).unwrap(), 3);
    assert_eq!(
        pool.metrics().threads_started,
        1,
        "the thread survived both panics"
    );
}
