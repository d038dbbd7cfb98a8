//! A detached task that panics with a payload whose own `Drop` panics again must not abort
//! the process: the payload is dropped inside the task cell, where an unwind aborts.
//!
//! Each scenario runs in a child process (this test binary, re-run with one test selected
//! and an environment flag), because the failure being guarded against is an abort.

use std::future::Future;
use std::panic::panic_any;
use std::process::Command;
use std::sync::{Arc, Mutex};

use wakewire_core::task::{self, Runnable};
use wakewire_core::JoinHandle;

const CHILD: &str = "WAKEWIRE_PAYLOAD_CHILD";

type Queue = Arc<Mutex<Vec<Runnable>>>;

fn spawn_on<F>(queue: &Queue, future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let q = queue.clone();
    let (runnable, handle) = task::spawn(future, move |r| q.lock().unwrap().push(r));
    queue.lock().unwrap().push(runnable);
    handle
}

fn run_all(queue: &Queue) {
    while let Some(runnable) = {
        let next = queue.lock().unwrap().pop();
        next
    } {
        runnable.run();
    }
}

/// A panic payload that panics again when dropped.
struct Grenade;

impl Drop for Grenade {
    fn drop(&mut self) {
        panic!("the payload's own Drop panicked");
    }
}

/// Runs `scenario` in a child process; the child must exit successfully.
fn in_child(test_name: &str, scenario: fn()) {
    if std::env::var_os(CHILD).is_some() {
        scenario();
        return;
    }
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", test_name, "--test-threads=1"])
        .env(CHILD, "1")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "the child process failed ({}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn detached_before_it_runs() {
    in_child("detached_before_it_runs", || {
        let queue = Queue::default();
        drop(spawn_on(&queue, async { panic_any(Grenade) }));
        run_all(&queue);
    });
}

#[test]
fn detached_after_it_finished() {
    in_child("detached_after_it_finished", || {
        let queue = Queue::default();
        let handle = spawn_on(&queue, async { panic_any(Grenade) });
        run_all(&queue);
        assert!(handle.is_finished());
        drop(handle);
    });
}

#[test]
fn join_error_dropped_by_the_awaiter() {
    in_child("join_error_dropped_by_the_awaiter", || {
        let queue = Queue::default();
        let handle = spawn_on(&queue, async { panic_any(Grenade) });
        run_all(&queue);
        let error = wakewire_core::block_on(handle).unwrap_err();
        assert!(error.is_panic());
        drop(error);
    });
}
