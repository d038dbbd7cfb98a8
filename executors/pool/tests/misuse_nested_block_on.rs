//! `block_on` inside a pool task, and inside another `block_on`, panics
//! with a clear message instead of deadlocking; the worker survives.

mod util;

use std::time::Duration;

use wakewire_executor_pool::Pool;

use util::{panic_text, watchdog};

#[test]
#[cfg_attr(panic = "abort", ignore)]
fn block_on_inside_a_task_panics_clearly() {
    let _dog = watchdog("block_on_inside_a_task", Duration::from_secs(20));
    let pool = Pool::builder().workers(2).build();
    let handle = pool.spawner();
    // The pool itself is not Send-shareable into tasks; a second pool's block_on stands in.
    let other = std::sync::Arc::new(Pool::builder().workers(1).build());
    let task = pool
        .spawn({
            let other = other.clone();
            async move { other.block_on(async { 1 }) }
        })
        .unwrap();
    let error = pool.block_on(task).unwrap_err();
    let text = error.panic_message().unwrap_or_default().to_owned();
    assert!(text.contains("already running an executor"), "{text}");
    // The worker that panicked still runs tasks.
    let again = handle.spawn(async { 2 }).unwrap();
    assert_eq!(pool.block_on(again).unwrap(), 2);
}

#[test]
#[cfg_attr(panic = "abort", ignore)]
fn block_on_inside_block_on_panics_clearly() {
    let _dog = watchdog("block_on_inside_block_on", Duration::from_secs(20));
    let pool = Pool::builder().workers(1).build();
    let payload = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        pool.block_on(async { pool.block_on(async {}) })
    }))
    .unwrap_err();
    assert!(panic_text(&*payload).contains("already running an executor"));
}
