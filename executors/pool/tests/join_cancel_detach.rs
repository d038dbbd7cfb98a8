//! The core join-handle contract on the pool: detach on drop, cancel, await after cancel.

mod util;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use wakewire_executor_pool::Pool;

use util::{watchdog, DropCounter, Mailbox, Parked};

#[test]
fn dropping_the_handle_detaches_the_task() {
    let _dog = watchdog("dropping_the_handle_detaches", Duration::from_secs(20));
    let pool = Pool::builder().workers(2).build();
    let gate: Mailbox<()> = Mailbox::default();
    let ran = Arc::new(AtomicBool::new(false));
    let (done_tx, done_rx) = mpsc::channel();
    drop(
        pool.spawn({
            let (gate, ran) = (gate.clone(), ran.clone());
            async move {
                gate.recv().await;
                ran.store(true, Ordering::SeqCst);
                done_tx.send(()).unwrap();
            }
        })
        .unwrap(),
    );
    gate.send(());
    done_rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert!(ran.load(Ordering::SeqCst));
}

#[test]
fn cancel_drops_the_future_on_a_worker_and_reports_cancelled() {
    let _dog = watchdog("cancel_drops_the_future", Duration::from_secs(20));
    let pool = Pool::builder().workers(2).build();
    let drops = DropCounter::default();
    let (waker_tx, waker_rx) = mpsc::channel();
    let task = pool
        .spawn({
            let guard = drops.guard();
            async move {
                let _guard = guard;
                Parked(waker_tx).await;
            }
        })
        .unwrap();
    // Wait until it is parked on its "reactor".
    let _waker = waker_rx.recv_timeout(Duration::from_secs(10)).unwrap();
    task.cancel();
    let result = pool.block_on(task);
    assert!(result.unwrap_err().is_cancelled());
    assert_eq!(drops.get(), 1);
    assert_eq!(pool.metrics().live_tasks, 0);
}

#[test]
fn cancel_after_completion_keeps_the_output() {
    let _dog = watchdog("cancel_after_completion", Duration::from_secs(20));
    let pool = Pool::builder().workers(2).build();
    let task = pool.spawn(async { 5 }).unwrap();
    while !task.is_finished() {
        std::thread::yield_now();
    }
    task.cancel();
    assert_eq!(pool.block_on(task).unwrap(), 5);
}

/// The race of a handle's drop with its task's completion, in stress form (loom cannot
/// see async-task's atomics): handles are dropped on a
/// foreign thread while their tasks complete on the workers; every output is dropped
/// exactly once, by whichever side comes last.
#[test]
fn joinhandle_drop_races_completion_output_dropped_once() {
    let _dog = watchdog("joinhandle_drop_races_completion", Duration::from_secs(60));
    let pool = Pool::builder().workers(2).build();
    let outputs = DropCounter::default();
    let count = util::scaled(20_000);
    let (handle_tx, handle_rx) = mpsc::channel();
    let dropper = std::thread::spawn(move || {
        for handle in handle_rx {
            drop::<wakewire_core::JoinHandle<util::DropGuard>>(handle);
        }
    });
    for _ in 0..count {
        let output = outputs.guard();
        handle_tx
            .send(pool.spawn(async move { output }).unwrap())
            .unwrap();
    }
    drop(handle_tx);
    dropper.join().unwrap();
    drop(pool);
    assert_eq!(outputs.get(), count);
}

#[test]
fn pool_types_are_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>() {}
    send_sync::<Pool>();
    send_sync::<wakewire_executor_pool::PoolSpawner>();
    send::<wakewire_executor_pool::PoolBuilder>();
}
