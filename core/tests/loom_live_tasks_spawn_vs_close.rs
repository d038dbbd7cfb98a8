//! `LiveTasks` counts a task from its spawn and keeps its waker only from its first
//! `Pending`. A shutdown (close, then drop what the queue receives until the set is empty)
//! must still drop every accepted future exactly once: a spawn racing the close is either
//! refused or waited for, and a task in its first poll during the close schedules itself
//! again.
//!
//! Run with `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p wakewire-core
//! --release --test loom_live_tasks_spawn_vs_close`.
//!
//! The count, the closed flag and the registry's lock are loom's; async-task's internals
//! are not (see `loom_joinhandle_drop_vs_completion` for what that leaves out).
#![cfg(loom)]

use std::future::pending;

use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::sync::{Arc, Mutex};
use loom::thread;
use wakewire_core::task::{LiveTasks, Runnable};

type Queue = Arc<Mutex<Vec<Runnable>>>;

/// Counts its drop: moved into a task's future, it counts the future's drop.
struct DropGuard(Arc<AtomicUsize>);

impl Drop for DropGuard {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// A task that waits forever, scheduled into `queue`.
fn spawn_waiting(live: &LiveTasks, queue: &Queue, drops: &Arc<AtomicUsize>) -> Option<Runnable> {
    let guard = DropGuard(drops.clone());
    let schedule = {
        let queue = queue.clone();
        move |runnable| queue.lock().unwrap().push(runnable)
    };
    let spawned = live.spawn(
        async move {
            let _guard = guard;
            pending::<()>().await
        },
        schedule,
    );
    spawned.ok().map(|(runnable, handle)| {
        handle.detach();
        runnable
    })
}

/// What a single-threaded executor does when it is dropped.
fn shut_down(live: &LiveTasks, queue: &Queue) {
    live.close();
    loop {
        let queued = std::mem::take(&mut *queue.lock().unwrap());
        drop(queued); // each future is dropped here, outside the lock
        if live.is_empty() {
            return;
        }
        thread::yield_now();
    }
}

#[test]
fn a_spawn_racing_the_close_is_refused_or_dropped_by_the_shutdown() {
    loom::model(|| {
        let live = LiveTasks::new();
        let queue = Queue::default();
        let drops = Arc::new(AtomicUsize::new(0));
        let spawner = {
            let (live, queue, drops) = (live.clone(), queue.clone(), drops.clone());
            thread::spawn(move || {
                if let Some(runnable) = spawn_waiting(&live, &queue, &drops) {
                    queue.lock().unwrap().push(runnable);
                }
            })
        };
        shut_down(&live, &queue);
        spawner.join().unwrap();
        assert!(
            queue.lock().unwrap().is_empty(),
            "a task reached the queue after the shutdown returned"
        );
        assert_eq!(drops.load(Ordering::SeqCst), 1);
    });
}

#[test]
fn a_task_in_its_first_poll_during_the_close_is_dropped_by_the_shutdown() {
    loom::model(|| {
        let live = LiveTasks::new();
        let queue = Queue::default();
        let drops = Arc::new(AtomicUsize::new(0));
        let runnable = spawn_waiting(&live, &queue, &drops).expect("the set is open");
        let poller = thread::spawn(move || {
            runnable.run();
        });
        shut_down(&live, &queue);
        poller.join().unwrap();
        assert!(queue.lock().unwrap().is_empty());
        assert_eq!(drops.load(Ordering::SeqCst), 1);
    });
}
