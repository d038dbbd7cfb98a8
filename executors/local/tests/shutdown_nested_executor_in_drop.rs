//! Dropping a `LocalExecutor` drops its unfinished futures on this thread, outside any run
//! loop. A future whose `Drop` drives a second, unrelated `LocalExecutor` (`block_on`,
//! `run_until_stalled`) must see that executor poll its tasks normally: the first
//! executor's cancellation must not leak into the second.

use std::cell::Cell;
use std::future::pending;
use std::rc::Rc;
use std::sync::mpsc;
use std::time::Duration;

use wakewire_executor_local::LocalExecutor;

use wakewire_test_util::watchdog;

/// What the nested executor saw while the outer one was shutting down.
#[derive(Debug, PartialEq, Eq)]
struct Seen {
    block_on: Result<u32, String>,
    stalled_polls: u64,
    stalled_ran: bool,
}

struct DrivesAnotherExecutor(mpsc::Sender<Seen>);

impl Drop for DrivesAnotherExecutor {
    fn drop(&mut self) {
        let inner = LocalExecutor::new();
        let task = inner.spawn(async { 7 }).unwrap();
        let block_on = inner.block_on(task).map_err(|err| err.to_string());
        let ran = Rc::new(Cell::new(false));
        let flag = ran.clone();
        drop(inner.spawn_local(async move { flag.set(true) }).unwrap());
        let stalled_polls = inner.run_until_stalled();
        let _ = self.0.send(Seen {
            block_on,
            stalled_polls,
            stalled_ran: ran.get(),
        });
    }
}

#[test]
fn nested_executor_in_a_drop_during_shutdown_runs_its_tasks() {
    let _dog = watchdog(
        "nested_executor_in_a_drop_during_shutdown_runs_its_tasks",
        Duration::from_secs(20),
    );
    let (seen_tx, seen) = mpsc::channel();
    let outer = LocalExecutor::new();
    // One task already waiting (found through its waker at shutdown), one still queued.
    for _ in 0..2 {
        let drives = DrivesAnotherExecutor(seen_tx.clone());
        drop(
            outer
                .spawn(async move {
                    let _drives = drives;
                    pending::<()>().await
                })
                .unwrap(),
        );
    }
    assert!(outer.try_tick());
    drop(outer);
    let expected = || Seen {
        block_on: Ok(7),
        stalled_polls: 1,
        stalled_ran: true,
    };
    assert_eq!(seen.recv().unwrap(), expected());
    assert_eq!(seen.recv().unwrap(), expected());
}
