//! The join contract for `!Send` tasks.

use std::cell::Cell;
use std::future::pending;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use wakewire_core::future::yield_now;

use crate::kit::context::CellContext;
use crate::kit::executor::ExecutorEntry;
use crate::scenarios::contract::{fresh_with, local_spawner, Needs};
use crate::scenarios::contract_join::BOOM;
use crate::scenarios::support::on_another_thread;
use crate::util::DropCounter;

pub(crate) fn local_tasks(entry: &ExecutorEntry, cx: &CellContext) -> Result<(), &'static str> {
    let ex = fresh_with(entry, Needs::Local)?;
    let local = local_spawner(&*ex);
    // Output, through an Rc the task shares with this thread.
    let shared = Rc::new(Cell::new(1));
    let inner = Rc::clone(&shared);
    let handle = local
        .spawn_local_dyn(Box::pin(async move {
            yield_now().await;
            inner.set(inner.get() + 1);
        }))
        .expect("spawn_local");
    cx.at("awaiting a !Send task");
    ex.block_on().block_on(handle).expect("the !Send task");
    assert_eq!(shared.get(), 2);
    // A panic is an error with its payload, and the executor goes on.
    let boom = local
        .spawn_local_dyn(Box::pin(async {
            let _not_send = Rc::new(());
            panic!("{BOOM}");
        }))
        .expect("spawn_local");
    cx.at("awaiting a panicking !Send task");
    assert_eq!(
        ex.block_on().block_on(boom).unwrap_err().panic_message(),
        Some(BOOM)
    );
    // Detach.
    let ran = Rc::new(Cell::new(false));
    let flag = Rc::clone(&ran);
    drop(
        local
            .spawn_local_dyn(Box::pin(async move { flag.set(true) }))
            .expect("spawn_local"),
    );
    cx.at("waiting for a detached !Send task");
    ex.block_on().block_on(async {
        while !ran.get() {
            yield_now().await;
        }
    });
    // Cancel.
    let drops = DropCounter::default();
    let guard = drops.guard();
    let polled = Rc::new(Cell::new(false));
    let seen = Rc::clone(&polled);
    let handle = local
        .spawn_local_dyn(Box::pin(async move {
            let _guard = guard;
            seen.set(true);
            pending::<()>().await
        }))
        .expect("spawn_local");
    cx.at("waiting for a !Send task's first poll");
    ex.block_on().block_on(async {
        while !polled.get() {
            yield_now().await;
        }
    });
    handle.cancel();
    cx.at("awaiting a cancelled !Send task");
    assert!(ex.block_on().block_on(handle).unwrap_err().is_cancelled());
    assert_eq!(drops.get(), 1);
    // Shutdown drops a waiting task (woken from another thread meanwhile) and a busy one.
    let waker = Arc::new(Mutex::new(None));
    let guard = drops.guard();
    let parked_polled = Rc::new(Cell::new(false));
    let seen = Rc::clone(&parked_polled);
    let slot = Arc::clone(&waker);
    let waiting = local
        .spawn_local_dyn(Box::pin(async move {
            let _guard = guard;
            let _not_send = Rc::new(());
            std::future::poll_fn(|task| {
                seen.set(true);
                let old = slot.lock().unwrap().replace(task.waker().clone());
                drop(old);
                std::task::Poll::<()>::Pending
            })
            .await
        }))
        .expect("spawn_local");
    let guard = drops.guard();
    let busy = local
        .spawn_local_dyn(Box::pin(async move {
            let _guard = guard;
            loop {
                yield_now().await;
            }
        }))
        .expect("spawn_local");
    cx.at("waiting for the waiting !Send task's first poll");
    ex.block_on().block_on(async {
        while !parked_polled.get() {
            yield_now().await;
        }
    });
    let remote = waker.lock().unwrap().take().expect("the waker was stored");
    on_another_thread(move || remote.wake());
    cx.at("shutting down with !Send tasks");
    ex.shutdown();
    assert_eq!(
        drops.get(),
        3,
        "both !Send futures dropped once, on this thread"
    );
    assert!(wakewire_core::block_on(waiting).unwrap_err().is_cancelled());
    assert!(wakewire_core::block_on(busy).unwrap_err().is_cancelled());
    Ok(())
}
