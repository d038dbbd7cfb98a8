//! Nested `block_on` on the local executor beyond the matrix's `nested-block-on` scenario:
//! re-entry through the `dyn` interface, and `try_tick` inside a task, panic clearly too.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

use wakewire_core::DynBlockOn;
use wakewire_executor_local::LocalExecutor;

use wakewire_test_util::{panic_text, watchdog};

const MESSAGE: &str = "already running an executor";

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
