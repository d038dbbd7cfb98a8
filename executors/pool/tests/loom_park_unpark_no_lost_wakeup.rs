//! The pool's sleep/notify protocol never strands a task while every worker sleeps, checked
//! on the pool's own code: `PoolState`, `WorkerLoop::run` (taking, searching, the last
//! searcher's look at every queue, parking, being chosen), the spawn path and
//! `PoolState::stop`, over the stand-in deques of `model/mod.rs`, which have
//! crossbeam-deque's memory orderings (so loom explores the weak-memory side of the
//! argument written in the pool's `deques.rs`).
//!
//! Each model ends with the pool's shutdown and the joins. If a task were stranded — queued
//! where it could be taken, while every worker sleeps and nobody is coming — the thread
//! waiting for it would block forever with every other thread, and loom reports the
//! deadlock.
//!
//! Run with `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 CARGO_TARGET_DIR=target/loom
//! cargo test --release -p wakewire-executor-pool --test loom_park_unpark_no_lost_wakeup`.
#![cfg(loom)]

mod model;

use std::sync::Arc;

use loom::future::block_on;

use model::{Latch, ModelPool};

/// A task spawned from outside (through the spawn gate onto the injector) while both
/// workers start, search and go to sleep: some worker runs it.
#[test]
fn loom_park_unpark_no_lost_wakeup() {
    loom::model(|| {
        let pool = ModelPool::start(2);
        let task = pool.state.spawn(async { 7 }).unwrap();
        assert_eq!(block_on(task).unwrap(), 7);
        pool.shutdown();
    });
}

/// A task spawned by a task (onto its worker's local queue: crossbeam's `Relaxed` push)
/// while the other worker goes to sleep. The parent then blocks its worker until the child
/// has run, so only the other worker can run it: it must be woken, or see the push in its
/// last look. Without the `SeqCst` fences that pair the pusher's look at the idle word
/// with the sleeper's look at the deques, loom finds the stale reads that strand the child.
#[test]
fn loom_park_unpark_no_lost_wakeup_local_push() {
    loom::model(|| child_runs_while_its_parent_blocks(2));
}

/// The parent blocks its worker until another worker ran its child.
fn child_runs_while_its_parent_blocks(workers: usize) {
    let pool = ModelPool::start(workers);
    let ran = Latch::default();
    let parent = {
        let (state, ran) = (Arc::clone(&pool.state), ran.clone());
        pool.state
            .spawn(async move {
                let child = {
                    let ran = ran.clone();
                    state.spawn(async move { ran.set() }).unwrap()
                };
                // A poll that blocks its worker (until the child ran elsewhere).
                ran.wait();
                child.await.unwrap();
            })
            .unwrap()
    };
    block_on(parent).unwrap();
    pool.shutdown();
}

/// Three workers, so that two may search at once and a third is refused (at most half of
/// the workers search): a searcher that gives up while another still searches relies on
/// that one's look, and the refused one on both. The parent blocks one worker until one
/// of the other two ran its child.
///
/// Four threads under loom's usual bound of two preemptions take minutes; this model is
/// bounded to one (loom still switches threads at every blocking point — a park, a lock, a
/// join — besides the one preemption), which keeps it to seconds. The races that need two
/// preemptions are the two-worker models' subject.
#[test]
fn loom_park_unpark_no_lost_wakeup_three_workers() {
    let mut model = loom::model::Builder::new();
    model.preemption_bound = Some(1);
    model.check(|| child_runs_while_its_parent_blocks(3));
}
