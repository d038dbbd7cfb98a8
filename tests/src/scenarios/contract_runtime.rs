//! The rest of the executor contract: blocking, spawning from inside and outside, nested
//! `block_on`, fairness, shutdown.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;

use wakewire_core::future::yield_now;
use wakewire_core::Spawn;

use crate::kit::context::CellContext;
use crate::kit::executor::ExecutorEntry;
use crate::scenarios::contract::{fresh_with, remote, spawner, Needs};
use crate::scenarios::support::on_another_thread;
use crate::util::{panic_text, DropCounter, Mailbox, Parked};

pub(crate) fn block_on_wake(entry: &ExecutorEntry, cx: &CellContext) -> Result<(), &'static str> {
    let ex = fresh_with(entry, Needs::BlockOn)?;
    let handoff = Mailbox::default();
    let sender = handoff.clone();
    on_another_thread(move || sender.send_when_awaited(42u32));
    cx.at("block_on waiting for a value sent from another thread");
    assert_eq!(ex.block_on().block_on(handoff.recv()), 42);
    ex.shutdown();
    Ok(())
}

pub(crate) fn spawn_inside(entry: &ExecutorEntry, cx: &CellContext) -> Result<(), &'static str> {
    let ex = fresh_with(entry, Needs::Remote)?;
    let inner = remote(&*ex);
    let parent = remote(&*ex)
        .spawn(async move {
            let child = inner
                .spawn(async { 7u32 })
                .expect("spawn from inside a task");
            let dyn_child = inner
                .as_dyn()
                .spawn_dyn(Box::pin(async {}))
                .expect("dyn spawn from inside a task");
            dyn_child.await.expect("the dyn child");
            child.await.expect("the child") * 6
        })
        .expect("spawn");
    cx.at("awaiting a task that awaits its child");
    assert_eq!(ex.block_on().block_on(parent).unwrap(), 42);
    ex.shutdown();
    Ok(())
}

pub(crate) fn spawn_outside(entry: &ExecutorEntry, cx: &CellContext) -> Result<(), &'static str> {
    let ex = fresh_with(entry, Needs::Remote)?;
    let spawner = remote(&*ex);
    let handoff = Mailbox::default();
    let sender = handoff.clone();
    let waiting = Mailbox::default();
    let signal = waiting.clone();
    let outside = thread::spawn(move || {
        // Spawn only once block_on is waiting, so the task's arrival has to wake it.
        wakewire_core::block_on(signal.recv());
        let task = spawner
            .spawn(async move {
                yield_now().await;
                sender.send(42u32);
            })
            .expect("spawn from another thread");
        task.detach();
    });
    cx.at("block_on waiting for a task spawned from another thread");
    let value = ex.block_on().block_on(async {
        waiting.send(());
        handoff.recv().await
    });
    assert_eq!(value, 42);
    outside.join().expect("the spawning thread");
    ex.shutdown();
    Ok(())
}

/// What `block_on` says when nested: ours and the adapters' through core's guard, tokio's
/// runtimes in their own words.
fn is_clear_nesting_message(message: &str) -> bool {
    let message = message.to_ascii_lowercase();
    message.contains("block_on") || message.contains("runtime")
}

pub(crate) fn nested_block_on(entry: &ExecutorEntry, cx: &CellContext) -> Result<(), &'static str> {
    let ex = fresh_with(entry, Needs::BlockOn)?;
    cx.at("block_on inside block_on");
    let nested = catch_unwind(AssertUnwindSafe(|| {
        ex.block_on()
            .block_on(async { ex.block_on().block_on(async {}) })
    }));
    match nested {
        Ok(()) => panic!("block_on inside block_on returned instead of panicking"),
        Err(payload) => {
            let message = panic_text(&*payload);
            assert!(
                is_clear_nesting_message(&message),
                "block_on inside block_on panicked without saying why: {message:?}"
            );
        }
    }
    ex.shutdown();

    // Inside a task, with the awaited work on the same executor: refusing (a panic) and
    // running it (the other workers make progress) are both fine; a hang is not.
    let Ok(ex) = fresh_with(entry, Needs::Spawn) else {
        return Ok(());
    };
    let sibling = spawner(&*ex)
        .spawn_dyn(Box::pin(async {
            yield_now().await;
        }))
        .expect("spawn");
    let outcome = Arc::new(Mutex::new(None));
    let report = Arc::clone(&outcome);
    let task = spawner(&*ex)
        .spawn_dyn(Box::pin(async move {
            let result = catch_unwind(AssertUnwindSafe(|| wakewire_core::block_on(sibling)));
            *report.lock().unwrap() = Some(match result {
                Ok(joined) => {
                    joined.expect("the sibling task");
                    Ok(())
                }
                Err(payload) => Err(panic_text(&*payload)),
            });
        }))
        .expect("spawn");
    cx.at("a task calling core's block_on on a sibling task of the same executor");
    ex.block_on().block_on(task).expect("the nesting task");
    match outcome.lock().unwrap().take().expect("the task reported") {
        Ok(()) => cx.note("block_on in a task: runs (its worker blocks while others work)"),
        Err(message) => {
            assert!(
                is_clear_nesting_message(&message),
                "block_on in a task panicked without saying why: {message:?}"
            );
            cx.note("block_on in a task: refused with a clear panic");
        }
    }
    ex.shutdown();
    Ok(())
}

pub(crate) fn fairness(entry: &ExecutorEntry, cx: &CellContext) -> Result<(), &'static str> {
    let ex = fresh_with(entry, Needs::Spawn)?;
    let spins = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&spins);
    let hog = spawner(&*ex)
        .spawn_dyn(Box::pin(async move {
            loop {
                counter.fetch_add(1, Ordering::Relaxed);
                yield_now().await;
            }
        }))
        .expect("spawn");
    let others: Vec<_> = (0..8)
        .map(|_| {
            spawner(&*ex)
                .spawn_dyn(Box::pin(async {
                    for _ in 0..3 {
                        yield_now().await;
                    }
                }))
                .expect("spawn")
        })
        .collect();
    cx.at("awaiting 8 tasks while another keeps yielding");
    ex.block_on().block_on(async {
        for other in others {
            other.await.expect("a task next to the yielding one");
        }
    });
    assert!(
        spins.load(Ordering::Relaxed) > 0,
        "the yielding task ran too"
    );
    hog.cancel();
    cx.at("awaiting the cancelled yielding task");
    assert!(ex.block_on().block_on(hog).unwrap_err().is_cancelled());
    ex.shutdown();
    Ok(())
}

pub(crate) fn shutdown_drops_once(
    entry: &ExecutorEntry,
    cx: &CellContext,
) -> Result<(), &'static str> {
    const EACH: usize = 8;
    let ex = fresh_with(entry, Needs::Spawn)?;
    let drops = DropCounter::default();
    let polled = Arc::new(AtomicUsize::new(0));
    let mut handles = Vec::new();
    let (wakers_tx, wakers) = mpsc::channel();
    for _ in 0..EACH {
        let (guard, count) = (drops.guard(), Arc::clone(&polled));
        let parked = Parked(wakers_tx.clone());
        handles.push(
            spawner(&*ex)
                .spawn_dyn(Box::pin(async move {
                    let _guard = guard;
                    count.fetch_add(1, Ordering::SeqCst);
                    parked.await;
                }))
                .expect("spawn"),
        );
        let (guard, count) = (drops.guard(), Arc::clone(&polled));
        handles.push(
            spawner(&*ex)
                .spawn_dyn(Box::pin(async move {
                    let _guard = guard;
                    count.fetch_add(1, Ordering::SeqCst);
                    loop {
                        yield_now().await;
                    }
                }))
                .expect("spawn"),
        );
    }
    cx.at("waiting for every task's first poll");
    ex.block_on().block_on(async {
        while polled.load(Ordering::SeqCst) < 2 * EACH {
            yield_now().await;
        }
    });
    cx.at("shutting down with waiting and busy tasks");
    ex.shutdown();
    assert_eq!(
        drops.get(),
        2 * EACH,
        "every future dropped by the shutdown"
    );
    cx.at("awaiting the handles of the dropped tasks");
    for handle in handles {
        let error = wakewire_core::block_on(handle).unwrap_err();
        assert!(
            error.is_cancelled(),
            "a dropped task reports cancellation: {error:?}"
        );
    }
    drop(wakers_tx);
    for waker in wakers.try_iter() {
        waker.wake();
    }
    assert_eq!(drops.get(), 2 * EACH, "stale wakes drop nothing twice");
    Ok(())
}

pub(crate) fn spawn_after_shutdown(
    entry: &ExecutorEntry,
    cx: &CellContext,
) -> Result<(), &'static str> {
    let ex = fresh_with(entry, Needs::Remote)?;
    let spawner = remote(&*ex);
    let handle = spawner.spawn(async { 1 }).expect("spawn before shutdown");
    cx.at("awaiting a task before the shutdown");
    assert_eq!(ex.block_on().block_on(handle).unwrap(), 1);
    cx.at("shutting the executor down");
    ex.shutdown();
    let drops = DropCounter::default();
    let guard = drops.guard();
    let ran = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&ran);
    let refused = spawner.as_dyn().spawn_dyn(Box::pin(async move {
        let _guard = guard;
        flag.store(true, Ordering::SeqCst);
    }));
    let error = refused.expect_err("a spawn after shutdown is refused");
    assert!(error.is_shutdown());
    assert_eq!(
        drops.get(),
        1,
        "the refused future was dropped before spawn returned"
    );
    assert!(!ran.load(Ordering::SeqCst), "and never ran");
    Ok(())
}
