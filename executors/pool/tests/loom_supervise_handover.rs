//! Supervision's hand-over, on the pool's own code: the monitor's sampling
//! (`Monitor::sample`, driven here by hand with chosen times instead of a clock),
//! `PoolState::take_over` (the LIFO task to the injector, a replacement thread on a spare
//! slot), `release` and the replacement's retirement (its tasks to the injector, leaving
//! the idle bookkeeping, its slot given back), the worker loop with the shared LIFO slot,
//! and shutdown counting the replacement thread — over the stand-in deques of
//! `model/mod.rs`.
//!
//! 1. `loom_supervise_lifo_task_moves_to_a_replacement`: one worker, blocked in a poll
//!    (until a loom-visible latch is set) right after it woke a task into its LIFO slot.
//!    Only the take-over can get that task run: if the move or the replacement failed,
//!    the blocked poll would wait forever and loom reports the deadlock.
//! 2. `loom_supervise_races_the_poll_returning`: the same wake, but the poll returns at
//!    once, so the monitor's take-over races the worker taking its own LIFO task and
//!    going to sleep; the replacement may start after the poll ended, and its retirement
//!    races its first search and sleep.
//!
//! 3. `loom_supervise_retiring_replacement_hands_its_tasks_back`: the replacement retires
//!    while a task it spawned may still wait in its queue; the task must reach a worker
//!    that runs it (the retiring thread moves it to the injector and, having left the idle
//!    bookkeeping, looks at every queue once more and wakes a sleeper).
//!
//! Checked in every interleaving: the woken task runs exactly once, every task finishes,
//! the replacement retires (its exit is counted, so shutdown's wait ends), and shutdown
//! leaves no task behind.
//!
//! Run with `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 CARGO_TARGET_DIR=target/loom
//! cargo test --release -p wakewire-executor-pool --test loom_supervise_handover`.
#![cfg(loom)]

mod model;

use std::future::poll_fn;
use std::sync::Arc;
use std::task::{Poll, Waker};
use std::time::{Duration, Instant};

use loom::future::block_on;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::sync::Mutex;
use wakewire_core::blocked::Replacement;
use wakewire_executor_pool::monitor::Monitor;

use model::{Latch, ModelPool};

const THRESHOLD: Duration = Duration::from_millis(10);

/// Where the waiting task leaves its waker for the blocker to wake.
type Slot = Arc<Mutex<Option<Waker>>>;

/// A task that registers its waker in `slot` once (saying so on `registered`), then
/// completes when woken, counting its runs.
async fn waits_once(slot: Slot, registered: Latch, runs: Arc<AtomicUsize>) {
    let mut polled = false;
    poll_fn(|cx| {
        if polled {
            return Poll::Ready(());
        }
        polled = true;
        *slot.lock().unwrap() = Some(cx.waker().clone());
        registered.set();
        Poll::Pending
    })
    .await;
    runs.fetch_add(1, Ordering::SeqCst);
}

/// Wakes the waiting task from the running one: into this worker's LIFO slot.
fn wake_waiting(slot: &Slot) {
    let waker = slot.lock().unwrap().take().expect("registered first");
    waker.wake();
}

#[test]
fn loom_supervise_lifo_task_moves_to_a_replacement() {
    loom::model(|| {
        let pool = ModelPool::start_supervised(1, 1, THRESHOLD);
        let (slot, registered, ran) = (Slot::default(), Latch::default(), Latch::default());
        let runs = Arc::new(AtomicUsize::new(0));
        let waiting = pool
            .state
            .spawn({
                let (slot, registered, runs, ran) =
                    (slot.clone(), registered.clone(), runs.clone(), ran.clone());
                async move {
                    waits_once(slot, registered, runs).await;
                    ran.set();
                }
            })
            .unwrap();
        registered.wait();
        let blocking = Latch::default();
        let blocker = pool
            .state
            .spawn({
                let (blocking, ran) = (blocking.clone(), ran.clone());
                async move {
                    wake_waiting(&slot);
                    blocking.set();
                    ran.wait(); // blocks the only worker until the woken task ran
                }
            })
            .unwrap();
        blocking.wait();

        // The monitor: sees the poll, then sees it again a threshold later.
        let t0 = Instant::now();
        let mut monitor = Monitor::new(2);
        assert!(monitor.sample(&pool.state, t0).is_empty());
        let reports = monitor.sample(&pool.state, t0 + THRESHOLD);
        assert_eq!(reports.len(), 1, "the blocked worker was taken over");
        let moved = reports[0].moved.unwrap();
        assert!(moved.lifo_task);
        assert_eq!(moved.replacement, Replacement::Started { worker: 1 });

        block_on(blocker).unwrap();
        block_on(waiting).unwrap();
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        // The poll returned: the next sample releases it, and the replacement retires.
        assert!(monitor.sample(&pool.state, t0 + 2 * THRESHOLD).is_empty());
        let state = Arc::clone(&pool.state);
        pool.shutdown();
        assert!(state.holds_no_task());
        assert_eq!(state.metrics().replacement_threads, 1);
    });
}

#[test]
fn loom_supervise_races_the_poll_returning() {
    loom::model(|| {
        let pool = ModelPool::start_supervised(1, 1, THRESHOLD);
        let (slot, registered) = (Slot::default(), Latch::default());
        let runs = Arc::new(AtomicUsize::new(0));
        let ran = Latch::default();
        let waiting = pool
            .state
            .spawn({
                let (slot, registered, runs, ran) =
                    (slot.clone(), registered.clone(), runs.clone(), ran.clone());
                async move {
                    waits_once(slot, registered, runs).await;
                    ran.set();
                }
            })
            .unwrap();
        registered.wait();
        let started = Latch::default();
        let waker = pool
            .state
            .spawn({
                let started = started.clone();
                async move {
                    started.set();
                    wake_waiting(&slot); // then returns at once
                }
            })
            .unwrap();
        started.wait();

        // The monitor samples while the poll ends (or the woken task's poll runs).
        let t0 = Instant::now();
        let mut monitor = Monitor::new(2);
        let mut reports = monitor.sample(&pool.state, t0);
        reports.extend(monitor.sample(&pool.state, t0 + THRESHOLD));

        block_on(waker).unwrap();
        block_on(waiting).unwrap();
        // (A join handle's synchronisation is async-task's, which loom cannot see: the
        // latch makes the task's writes visible to the model.)
        ran.wait();
        assert_eq!(runs.load(Ordering::SeqCst), 1, "the woken task ran once");
        // What was taken over has returned by now, or is returning (a task's handle can
        // complete before its poll has): released, and its replacement (if one started)
        // retires; or taken over (a poll still ending), and its replacement stops at
        // shutdown.
        reports.extend(monitor.sample(&pool.state, t0 + 2 * THRESHOLD));
        let state = Arc::clone(&pool.state);
        pool.shutdown();
        assert!(state.holds_no_task());
        let metrics = state.metrics();
        assert_eq!(metrics.supervised_blocks, reports.len() as u64);
    });
}

#[test]
fn loom_supervise_retiring_replacement_hands_its_tasks_back() {
    loom::model(|| {
        let pool = ModelPool::start_supervised(1, 1, THRESHOLD);
        // The worker blocks until released.
        let (blocking, release) = (Latch::default(), Latch::default());
        let blocker = pool
            .state
            .spawn({
                let (blocking, release) = (blocking.clone(), release.clone());
                async move {
                    blocking.set();
                    release.wait();
                }
            })
            .unwrap();
        blocking.wait();
        let t0 = Instant::now();
        let mut monitor = Monitor::new(2);
        monitor.sample(&pool.state, t0);
        let reports = monitor.sample(&pool.state, t0 + THRESHOLD);
        assert_eq!(
            reports[0].moved.unwrap().replacement,
            Replacement::Started { worker: 1 }
        );

        // Runs on the replacement (the only free thread) and spawns onto its queue.
        let child_handle = Arc::new(Mutex::new(None));
        let (ran, spawned) = (Latch::default(), Latch::default());
        let parent = pool
            .state
            .spawn({
                let (state, child_handle) = (Arc::clone(&pool.state), child_handle.clone());
                let (ran, spawned) = (ran.clone(), spawned.clone());
                async move {
                    let child = state.spawn(async move { ran.set() }).unwrap();
                    *child_handle.lock().unwrap() = Some(child);
                    spawned.set();
                }
            })
            .unwrap();
        spawned.wait();
        // The worker's poll returns, and the replacement is told to retire, maybe before
        // it ran the child.
        release.set();
        block_on(blocker).unwrap();
        block_on(parent).unwrap();
        monitor.sample(&pool.state, t0 + 2 * THRESHOLD);
        ran.wait(); // a deadlock here: the child was stranded
        let child = child_handle.lock().unwrap().take().unwrap();
        block_on(child).unwrap();
        let state = Arc::clone(&pool.state);
        pool.shutdown();
        assert!(state.holds_no_task());
    });
}
