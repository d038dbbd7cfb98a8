//! The whole pool under shuttle's randomized schedulers — 2 workers, 20 tasks that
//! wake each other through channels, some detached handles, a spawn from inside a task,
//! and a final shutdown racing a late wake; once as it is, and once supervised with a
//! threshold so small that the supervisor moves work and starts and retires replacement
//! threads all through it. Checks conservation (every future dropped
//! exactly once, every completed task's output received or dropped exactly once, every
//! awaited output correct) and termination (shuttle fails a schedule that deadlocks or
//! runs past its step bound).
//!
//! Run (release; each check takes well under a minute on 2 cores):
//!
//! ```text
//! RUSTFLAGS="--cfg shuttle" CARGO_TARGET_DIR=target/shuttle \
//!     cargo test -p wakewire-executor-pool --release --test shuttle_pool_end_to_end
//! ```
//!
//! # Replaying a failure
//!
//! Shuttle prints a failing schedule after `failing schedule:`, as a quoted block of hex
//! digits that may span several lines. Replay it deterministically (the scenario has no
//! randomness of its own) by pasting the whole block, quotes and line breaks included:
//!
//! ```text
//! SHUTTLE_SCHEDULE='"
//! 910294018ac2dddcb5a5adc207902449...
//! "' RUSTFLAGS="--cfg shuttle" \
//!     CARGO_TARGET_DIR=target/shuttle cargo test -p wakewire-executor-pool \
//!     --release --test shuttle_pool_end_to_end -- --ignored shuttle_replay --nocapture
//! ```
//!
//! or `SHUTTLE_SCHEDULE_FILE=path` for a schedule saved to a file; add
//! `SHUTTLE_SUPERVISED=1` for a schedule of the supervised tests.
#![cfg(shuttle)]

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use shuttle::sync::Mutex;
use wakewire_core::JoinHandle;
use wakewire_executor_pool::Pool;

const TASKS: usize = 20;

/// Per-task counts, indexed by task number.
struct Ledger {
    /// Times the task's future was dropped (must end at exactly 1).
    future_drops: Vec<AtomicUsize>,
    /// Times the task's future returned `Ready` (0 or 1).
    completions: Vec<AtomicUsize>,
    /// Times the task's output was dropped (must equal `completions`).
    output_drops: Vec<AtomicUsize>,
}

impl Ledger {
    fn new() -> Arc<Self> {
        let counts = || (0..TASKS).map(|_| AtomicUsize::new(0)).collect();
        Arc::new(Ledger {
            future_drops: counts(),
            completions: counts(),
            output_drops: counts(),
        })
    }

    fn get(counts: &[AtomicUsize], id: usize) -> usize {
        counts[id].load(Ordering::SeqCst)
    }
}

/// A task's output: its value, plus a guard counting the output's drop.
struct Output {
    id: usize,
    value: u64,
    ledger: Arc<Ledger>,
}

impl Drop for Output {
    fn drop(&mut self) {
        self.ledger.output_drops[self.id].fetch_add(1, Ordering::SeqCst);
    }
}

/// Wraps task `id`'s future: counts its completion and its drop.
struct Counted<F> {
    id: usize,
    ledger: Arc<Ledger>,
    future: Pin<Box<F>>,
}

fn counted<F>(id: usize, ledger: &Arc<Ledger>, future: F) -> Counted<F>
where
    F: Future<Output = u64>,
{
    Counted {
        id,
        ledger: Arc::clone(ledger),
        future: Box::pin(future),
    }
}

impl<F: Future<Output = u64>> Future for Counted<F> {
    type Output = Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Output> {
        let value = std::task::ready!(self.future.as_mut().poll(cx));
        let previous = self.ledger.completions[self.id].fetch_add(1, Ordering::SeqCst);
        assert_eq!(previous, 0, "task {} completed twice", self.id);
        Poll::Ready(Output {
            id: self.id,
            value,
            ledger: Arc::clone(&self.ledger),
        })
    }
}

impl<F> Drop for Counted<F> {
    fn drop(&mut self) {
        self.ledger.future_drops[self.id].fetch_add(1, Ordering::SeqCst);
    }
}

/// A one-value channel built from shuttle's mutex, so every access is a scheduling point.
/// The waker is woken outside the lock.
struct Slot {
    value: Option<u64>,
    waker: Option<Waker>,
    sender_gone: bool,
}

struct Sender(Arc<Mutex<Slot>>);
struct Receiver(Arc<Mutex<Slot>>);

fn oneshot() -> (Sender, Receiver) {
    let slot = Arc::new(Mutex::new(Slot {
        value: None,
        waker: None,
        sender_gone: false,
    }));
    (Sender(Arc::clone(&slot)), Receiver(slot))
}

impl Sender {
    fn send(self, value: u64) {
        let waker = {
            let mut slot = self.0.lock().unwrap();
            slot.value = Some(value);
            slot.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl Drop for Sender {
    fn drop(&mut self) {
        let waker = {
            let mut slot = self.0.lock().unwrap();
            slot.sender_gone = true;
            slot.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl Future for Receiver {
    /// `None` if the sender was dropped without sending.
    type Output = Option<u64>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<u64>> {
        let mut slot = self.0.lock().unwrap();
        if let Some(value) = slot.value.take() {
            return Poll::Ready(Some(value));
        }
        if slot.sender_gone {
            return Poll::Ready(None);
        }
        slot.waker = Some(cx.waker().clone());
        Poll::Pending
    }
}

/// Returns `Pending` once after waking itself.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// The scenario (task numbers in brackets):
///
/// - [0..12] six pairs: receiver `2i` awaits a oneshot that sender `2i+1` fills after one
///   yield. Receivers 0..8 and the even pairs' senders are awaited; the rest are detached.
/// - [12..16] a collector [12] spawns three children [13..16] from its worker; each sends
///   on a oneshot; the collector also awaits child 13's handle. Children 14 and 15 are
///   detached.
/// - [16..19] tasks waiting on oneshots kept by the main thread: the main thread fills 16's
///   just before shutdown (the wake races the shutdown); the others are never filled, so
///   shutdown must drop them. 17 is detached.
/// - [19] a task like those, spawned (and detached) by another thread while the pool shuts
///   down: refused, or accepted and then dropped by shutdown.
fn scenario() {
    run_scenario(Pool::builder().workers(2));
}

/// The same scenario with supervision on and a threshold of 1 ns: the monitor thread
/// (which yields between samples under shuttle) takes over nearly every poll it sees twice,
/// so LIFO tasks move to the injector, replacement threads start (at most 2 at once), run
/// tasks and retire, all racing the scenario's wakes, spawns and shutdown.
fn supervised_scenario() {
    run_scenario(
        Pool::builder()
            .workers(2)
            .supervise(Duration::from_nanos(1)),
    );
}

fn run_scenario(builder: wakewire_executor_pool::PoolBuilder) {
    let ledger = Ledger::new();
    let mut pool = builder.build();
    let handle = pool.spawner();

    // [16..20]: tasks only shutdown can end (except 16, maybe).
    let mut stuck_senders = Vec::new();
    let mut stuck_handles = Vec::new();
    for id in 16..19 {
        let (sender, receiver) = oneshot();
        stuck_senders.push(sender);
        let task = pool
            .spawn(counted(id, &ledger, async move {
                receiver.await.map_or(0, |value| value + 1)
            }))
            .unwrap();
        if id % 2 == 0 {
            stuck_handles.push((id, task));
        }
    }

    // [0..12]: cross-task wakes between workers.
    let mut awaited: Vec<(usize, u64, JoinHandle<Output>)> = Vec::new();
    for pair in 0..6u64 {
        let (receiver_id, sender_id) = (2 * pair as usize, 2 * pair as usize + 1);
        let (sender, receiver) = oneshot();
        let received = pool
            .spawn(counted(receiver_id, &ledger, async move {
                receiver.await.expect("the sender always sends") + 1
            }))
            .unwrap();
        let sent = pool
            .spawn(counted(sender_id, &ledger, async move {
                YieldOnce(false).await;
                sender.send(pair * 10);
                pair
            }))
            .unwrap();
        if receiver_id < 8 {
            awaited.push((receiver_id, pair * 10 + 1, received));
        } else {
            drop(received);
        }
        if pair % 2 == 0 {
            awaited.push((sender_id, pair, sent));
        } else {
            drop(sent);
        }
    }

    // [12..16]: spawns from a worker, join-handle wakes.
    let child_ledger = Arc::clone(&ledger);
    let collector = pool
        .spawn(counted(12, &ledger, async move {
            let mut receivers = Vec::new();
            let mut first_child = None;
            for (offset, id) in (13..16).enumerate() {
                let (sender, receiver) = oneshot();
                receivers.push(receiver);
                let child = handle
                    .spawn(counted(id, &child_ledger, async move {
                        sender.send(100 + offset as u64);
                        offset as u64
                    }))
                    .expect("the pool runs until the collector is awaited");
                if first_child.is_none() {
                    first_child = Some(child);
                }
            }
            let mut sum = 0;
            for receiver in receivers {
                sum += receiver.await.expect("every child sends");
            }
            let first = first_child.expect("spawned").await.expect("child 13 runs");
            assert_eq!(first.value, 0);
            sum
        }))
        .unwrap();
    awaited.push((12, 100 + 101 + 102, collector));

    let outputs = pool.block_on(async move {
        let mut outputs = Vec::new();
        for (id, expected, task) in awaited {
            outputs.push((id, expected, task.await));
        }
        outputs
    });
    for (id, expected, output) in outputs {
        let output = output.unwrap_or_else(|error| panic!("task {id} failed: {error}"));
        assert_eq!(
            (output.id, output.value),
            (id, expected),
            "task {id}'s output"
        );
    }

    // A spawn from another thread and a wake from outside the pool, racing the shutdown.
    let late_spawner = {
        let handle = pool.spawner();
        let ledger = Arc::clone(&ledger);
        shuttle::thread::spawn(move || {
            let (sender, receiver) = oneshot();
            let spawned = handle.spawn(counted(19, &ledger, async move {
                receiver.await.map_or(0, |value| value + 1)
            }));
            // Refused: `spawn` dropped the future. Accepted: shutdown drops it.
            drop(spawned);
            sender
        })
    };
    stuck_senders.remove(0).send(7);
    pool.shutdown(Duration::MAX).expect("no poll blocks");
    let late_sender = late_spawner
        .join()
        .expect("the late spawner does not panic");
    drop(stuck_senders);
    drop(late_sender);

    for (id, task) in stuck_handles {
        match pool.block_on(task) {
            Ok(output) => {
                assert_eq!(id, 16, "only task 16 was ever woken with a value");
                assert_eq!(output.value, 8);
            }
            Err(error) => assert!(error.is_cancelled(), "task {id}: {error}"),
        }
    }
    assert_eq!(pool.metrics().live_tasks, 0);
    drop(pool);

    for id in 0..TASKS {
        assert_eq!(
            Ledger::get(&ledger.future_drops, id),
            1,
            "task {id}'s future must be dropped exactly once"
        );
        assert_eq!(
            Ledger::get(&ledger.output_drops, id),
            Ledger::get(&ledger.completions, id),
            "task {id}'s output must be dropped exactly once if it completed"
        );
    }
    // Awaited, or made to send (inside the poll that completes them) before an awaited
    // receiver could finish: they ran to completion before shutdown.
    for id in (0..8).chain([9]).chain(12..16) {
        assert_eq!(Ledger::get(&ledger.completions, id), 1, "task {id} ran");
    }
    // Never woken with a value and dropped by shutdown before their senders went away.
    for id in 17..20 {
        assert_eq!(
            Ledger::get(&ledger.completions, id),
            0,
            "task {id} never woke"
        );
    }
}

#[test]
fn shuttle_pool_end_to_end_pct() {
    shuttle::check_pct(scenario, 1000, 3);
}

#[test]
fn shuttle_pool_end_to_end_random() {
    shuttle::check_random(scenario, 1000);
}

#[test]
fn shuttle_pool_supervised_pct() {
    shuttle::check_pct(supervised_scenario, 1000, 3);
}

#[test]
fn shuttle_pool_supervised_random() {
    shuttle::check_random(supervised_scenario, 1000);
}

/// Replays a schedule printed by a failing run; see the module docs.
#[test]
#[ignore = "replays the schedule in SHUTTLE_SCHEDULE or SHUTTLE_SCHEDULE_FILE"]
fn shuttle_replay() {
    // SHUTTLE_SUPERVISED=1 replays a schedule of the supervised tests.
    let which: fn() = if std::env::var_os("SHUTTLE_SUPERVISED").is_some() {
        supervised_scenario
    } else {
        scenario
    };
    if let Ok(schedule) = std::env::var("SHUTTLE_SCHEDULE") {
        // Accepts the schedule as printed, quotes and line breaks included.
        let schedule: String = schedule.chars().filter(|c| c.is_ascii_hexdigit()).collect();
        shuttle::replay(which, &schedule);
    } else if let Ok(path) = std::env::var("SHUTTLE_SCHEDULE_FILE") {
        shuttle::replay_from_file(which, path);
    } else {
        panic!("set SHUTTLE_SCHEDULE or SHUTTLE_SCHEDULE_FILE to a failing schedule");
    }
}
