//! A nested `block_on` panics with a clear message instead of deadlocking.

mod util;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

use wakewire_core::DynBlockOn;
use wakewire_executor_local::LocalExecutor;

use util::{panic_text, watchdog};

const MESSAGE: &str = "already running an executor";

#[test]
fn block_on_inside_block_on_panics() {
    let _dog = watchdog("block_on_inside_block_on_panics", Duration::from_secs(5));
    let outer = LocalExecutor::new();
    let inner = LocalExecutor::new();
    let payload = catch_unwind(AssertUnwindSafe(|| {
        outer.block_on(async { inner.block_on(async { 1 }) })
    }))
    .unwrap_err();
    assert!(panic_text(&*payload).contains(MESSAGE));
    // Both executors still work afterwards.
    assert_eq!(outer.block_on(async { 2 }), 2);
    assert_eq!(inner.block_on(async { 3 }), 3);
}

#[test]
fn block_on_inside_a_task_fails_that_task_only() {
    let _dog = watchdog(
        "block_on_inside_a_task_fails_that_task_only",
        Duration::from_secs(5),
    );
    let ex = LocalExecutor::new();
    let handle = ex
        .spawn(async {
            let other = LocalExecutor::new();
            other.block_on(async { 1 })
        })
        .unwrap();
    let err = ex.block_on(handle).unwrap_err();
    assert!(err.is_panic());
    assert!(err.panic_message().unwrap().contains(MESSAGE), "{err}");
}

#[test]
fn the_same_executor_re_entered_through_dyn_panics_too() {
    let _dog = watchdog(
        "the_same_executor_re_entered_through_dyn_panics_too",
        Duration::from_secs(5),
    );
    let ex = LocalExecutor::new();
    let as_dyn: &dyn DynBlockOn = &ex;
    let payload = catch_unwind(AssertUnwindSafe(|| {
        as_dyn.block_on(async { as_dyn.block_on(async { 1 }) })
    }))
    .unwrap_err();
    assert!(panic_text(&*payload).contains(MESSAGE));
}

#[test]
fn try_tick_inside_a_task_panics() {
    let ex = std::rc::Rc::new(LocalExecutor::new());
    let payload =
        catch_unwind(AssertUnwindSafe(|| ex.block_on(async { ex.try_tick() }))).unwrap_err();
    assert!(panic_text(&*payload).contains(MESSAGE));
}
