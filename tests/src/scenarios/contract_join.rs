//! The join contract: output, panic, detach, cancel.

use std::future::pending;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use wakewire_core::future::yield_now;
use wakewire_core::Spawn;

use crate::kit::context::CellContext;
use crate::kit::executor::ExecutorEntry;
use crate::scenarios::contract::{fresh_with, spawner, Needs};
use crate::util::DropCounter;

/// The message of the panics the contract provokes on purpose.
pub(crate) const BOOM: &str = "the matrix panics this task on purpose";

pub(crate) fn join_output(entry: &ExecutorEntry, cx: &CellContext) -> Result<(), &'static str> {
    let ex = fresh_with(entry, Needs::Spawn)?;
    let slot = Arc::new(Mutex::new(None));
    let out = Arc::clone(&slot);
    let handle = spawner(&*ex)
        .spawn_dyn(Box::pin(async move {
            yield_now().await;
            *out.lock().unwrap() = Some(40 + 2);
        }))
        .expect("spawn on a running executor");
    cx.at("awaiting a task's handle in block_on");
    ex.block_on().block_on(handle).expect("the task completed");
    assert_eq!(*slot.lock().unwrap(), Some(42), "the task's output");
    if let Some(typed) = ex.remote_spawner() {
        let handle = typed.spawn(async { "typed" }).expect("spawn");
        cx.at("awaiting a typed handle");
        assert_eq!(ex.block_on().block_on(handle).unwrap(), "typed");
    }
    ex.shutdown();
    Ok(())
}

pub(crate) fn panic_payload(entry: &ExecutorEntry, cx: &CellContext) -> Result<(), &'static str> {
    let ex = fresh_with(entry, Needs::Spawn)?;
    let boom = spawner(&*ex)
        .spawn_dyn(Box::pin(async {
            yield_now().await;
            panic!("{BOOM}");
        }))
        .expect("spawn");
    cx.at("awaiting a panicking task's handle");
    let error = ex.block_on().block_on(boom).unwrap_err();
    assert!(
        error.is_panic(),
        "a panic is reported as a panic: {error:?}"
    );
    assert_eq!(error.panic_message(), Some(BOOM));
    let payload = error.into_panic();
    assert_eq!(
        payload.downcast_ref::<String>().map(String::as_str),
        Some(BOOM),
        "the payload itself"
    );
    // The threads that ran it still run tasks.
    let done = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..50)
        .map(|_| {
            let done = Arc::clone(&done);
            spawner(&*ex)
                .spawn_dyn(Box::pin(async move {
                    done.fetch_add(1, Ordering::SeqCst);
                }))
                .expect("spawn after a panic")
        })
        .collect();
    cx.at("awaiting 50 tasks after the panic");
    ex.block_on().block_on(async {
        for handle in handles {
            handle.await.expect("a task after the panic");
        }
    });
    assert_eq!(done.load(Ordering::SeqCst), 50);
    ex.shutdown();
    Ok(())
}

pub(crate) fn detach(entry: &ExecutorEntry, cx: &CellContext) -> Result<(), &'static str> {
    let ex = fresh_with(entry, Needs::Spawn)?;
    let ran = Arc::new(AtomicUsize::new(0));
    for detach_explicitly in [false, true] {
        let ran = Arc::clone(&ran);
        let handle = spawner(&*ex)
            .spawn_dyn(Box::pin(async move {
                yield_now().await;
                ran.fetch_add(1, Ordering::SeqCst);
            }))
            .expect("spawn");
        if detach_explicitly {
            handle.detach();
        } else {
            drop(handle);
        }
    }
    cx.at("waiting (yielding in block_on) for two detached tasks to finish");
    ex.block_on().block_on(async {
        while ran.load(Ordering::SeqCst) < 2 {
            yield_now().await;
        }
    });
    ex.shutdown();
    Ok(())
}

pub(crate) fn cancel(entry: &ExecutorEntry, cx: &CellContext) -> Result<(), &'static str> {
    let ex = fresh_with(entry, Needs::Spawn)?;
    let drops = DropCounter::default();
    let guard = drops.guard();
    let polled = Arc::new(AtomicBool::new(false));
    let seen = Arc::clone(&polled);
    let handle = spawner(&*ex)
        .spawn_dyn(Box::pin(async move {
            let _guard = guard;
            seen.store(true, Ordering::SeqCst);
            pending::<()>().await
        }))
        .expect("spawn");
    cx.at("waiting for the task's first poll");
    ex.block_on().block_on(async {
        while !polled.load(Ordering::SeqCst) {
            yield_now().await;
        }
    });
    assert_eq!(drops.get(), 0, "not dropped before the cancel");
    handle.cancel();
    handle.cancel();
    cx.at("awaiting the cancelled task's handle");
    let error = ex.block_on().block_on(handle).unwrap_err();
    assert!(error.is_cancelled(), "reported as cancelled: {error:?}");
    assert_eq!(drops.get(), 1, "dropped once, before the handle resolved");
    // A cancel that comes after completion leaves the output in place.
    let finished = spawner(&*ex).spawn_dyn(Box::pin(async {})).expect("spawn");
    cx.at("waiting for a task to finish before cancelling it");
    ex.block_on().block_on(async {
        while !finished.is_finished() {
            yield_now().await;
        }
    });
    finished.cancel();
    let late = ex.block_on().block_on(finished);
    assert!(
        late.is_ok(),
        "a cancel after completion lost the output: {late:?}"
    );
    ex.shutdown();
    assert_eq!(drops.get(), 1, "and never again");
    Ok(())
}
