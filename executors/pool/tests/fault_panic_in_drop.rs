//! A future that panics in `Drop` during (i) cancellation, (ii) pool shutdown, and an
//! output that panics in `Drop` after completion (iii). No double-panic abort (each case
//! runs in a child process and must not die of SIGABRT), other tasks' drop guards still
//! run, shutdown returns.
#![cfg_attr(panic = "abort", allow(unused))]

use std::future::pending;
use std::os::unix::process::ExitStatusExt;
use std::sync::mpsc;
use std::time::Duration;

use wakewire_core::future::yield_now;
use wakewire_executor_pool::Pool;

use wakewire_test_util::{in_child, run_in_child, watchdog, DropCounter, Parked};

struct PanicOnDrop;

impl Drop for PanicOnDrop {
    fn drop(&mut self) {
        panic!("panic in Drop");
    }
}

fn assert_child_passes(name: &str) {
    let status = run_in_child(name);
    assert_ne!(
        status.signal(),
        Some(6),
        "{name}: the child aborted (SIGABRT)"
    );
    assert!(status.success(), "{name}: the child failed: {status:?}");
}

#[test]
#[cfg_attr(panic = "abort", ignore)]
fn fault_panic_in_drop() {
    if in_child() {
        return;
    }
    assert_child_passes("child_drop_panics_on_cancel");
    assert_child_passes("child_drop_panics_on_shutdown");
}

/// (iii) async-task aborts the process when a detached task's output panics in `Drop`
/// inside `Runnable::run`; core hands it the output in a guard that swallows such panics.
#[test]
#[cfg_attr(panic = "abort", ignore)]
fn fault_panic_in_output_drop() {
    if in_child() {
        return;
    }
    assert_child_passes("child_output_drop_panics_after_completion");
}

#[test]
fn child_drop_panics_on_cancel() {
    if !in_child() {
        return;
    }
    let _dog = watchdog("child_drop_panics_on_cancel", Duration::from_secs(20));
    let pool = Pool::builder().workers(2).build();
    let (tx, rx) = mpsc::channel();
    let task = pool
        .spawn(async move {
            let _bomb = PanicOnDrop;
            Parked(tx).await;
        })
        .unwrap();
    let _waker = rx.recv().unwrap();
    task.cancel();
    let error = pool.block_on(task).unwrap_err();
    assert!(error.is_cancelled());
    // The worker that dropped it still runs tasks.
    let after = pool.spawn(async { 3 }).unwrap();
    assert_eq!(pool.block_on(after).unwrap(), 3);
}

#[test]
fn child_drop_panics_on_shutdown() {
    if !in_child() {
        return;
    }
    let _dog = watchdog("child_drop_panics_on_shutdown", Duration::from_secs(20));
    let mut pool = Pool::builder().workers(2).build();
    let drops = DropCounter::default();
    let mut handles = Vec::new();
    for i in 0..20 {
        let guard = drops.guard();
        handles.push(
            pool.spawn(async move {
                let _guard = guard;
                // Not `then_some(PanicOnDrop)`: that builds the bomb for odd tasks too and
                // drops it at once, a panic in the task's first poll.
                let _bomb = if i % 2 == 0 { Some(PanicOnDrop) } else { None };
                yield_now().await;
                pending::<()>().await;
            })
            .unwrap(),
        );
    }
    pool.shutdown(Duration::from_secs(10)).unwrap();
    assert_eq!(drops.get(), 20, "every other task's guard still ran");
    for handle in handles {
        assert!(pool.block_on(handle).unwrap_err().is_cancelled());
    }
}

struct PanicOutput;

impl Drop for PanicOutput {
    fn drop(&mut self) {
        panic!("panic while dropping an output");
    }
}

#[test]
fn child_output_drop_panics_after_completion() {
    if !in_child() {
        return;
    }
    let _dog = watchdog("child_output_drop_panics", Duration::from_secs(20));
    let pool = Pool::builder().workers(2).build();
    // Detached before completion: the worker drops the output.
    let gate = wakewire_test_util::Mailbox::default();
    let task = pool
        .spawn({
            let gate = gate.clone();
            async move {
                gate.recv().await;
                PanicOutput
            }
        })
        .unwrap();
    drop(task);
    gate.send(());
    // Both workers are still alive and run 100 tasks.
    let handles: Vec<_> = (0..100)
        .map(|i| pool.spawn(async move { i }).unwrap())
        .collect();
    let sum: i32 = pool.block_on(async {
        let mut sum = 0;
        for handle in handles {
            sum += handle.await.unwrap();
        }
        sum
    });
    assert_eq!(sum, (0..100).sum());
    assert_eq!(pool.metrics().thread_stops, 0);
}
