//! The cooperative budget on the pool: a task whose leaf futures are always ready (a
//! channel that never runs dry) yields after one budget's worth of them, so a competing
//! task queued on the same worker runs; `coop::unconstrained` opts a task out. (That a
//! refused leaf skips no work is checked with the local executor, in its `coop_budget`
//! tests: the leaves and the budget are the same.)
#![cfg(not(loom))]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use wakewire_core::coop::{self, TASK_BUDGET};
use wakewire_executor_pool::Pool;
use wakewire_reactor_channel::mpsc;

use wakewire_test_util::watchdog;

const CAPACITY: usize = 16;
const GIVE_UP: u64 = 100_000;

/// Reads a channel that is always full (each message read is sent back) until the
/// competitor has run; returns how many it read.
async fn read_always_ready(competitor_ran: Arc<AtomicBool>) -> u64 {
    let (tx, mut rx) = mpsc::bounded::<u64>(CAPACITY);
    for value in 0..CAPACITY as u64 {
        tx.send(value).await.unwrap();
    }
    let mut read = 0;
    while !competitor_ran.load(Ordering::SeqCst) && read < GIVE_UP {
        let value = rx.recv().await.unwrap();
        assert_eq!(value, read, "a message was lost or reordered");
        tx.send(value + CAPACITY as u64).await.unwrap();
        read += 1;
    }
    read
}

/// Both tasks are spawned by one task, so both sit in the one worker's queue: without a
/// budget the reader would keep the worker until it gives up.
fn race(unconstrained: bool) -> u64 {
    let pool = Pool::builder().workers(1).build();
    let spawner = pool.spawner();
    pool.block_on(
        pool.spawn(async move {
            let competitor_ran = Arc::new(AtomicBool::new(false));
            let reader = read_always_ready(competitor_ran.clone());
            let reader = if unconstrained {
                spawner.spawn(coop::unconstrained(reader))
            } else {
                spawner.spawn(reader)
            }
            .unwrap();
            let competitor = spawner
                .spawn(async move { competitor_ran.store(true, Ordering::SeqCst) })
                .unwrap();
            let read = reader.await.unwrap();
            competitor.await.unwrap();
            read
        })
        .unwrap(),
    )
    .unwrap()
}

#[test]
fn an_always_ready_task_lets_a_competitor_run_within_one_budget() {
    let _dog = watchdog("coop_pool_starvation", Duration::from_secs(60));
    let read = race(false);
    // The reader's first poll filled the channel and read until the budget ran out: a
    // receive and a send per message.
    let budget = u64::from(TASK_BUDGET);
    assert!(
        read > 0 && read <= budget / 2,
        "the competitor waited for {read} always-ready reads (one budget is {budget} leaf \
         completions)"
    );
}

#[test]
fn unconstrained_opts_a_task_out_of_the_budget() {
    let _dog = watchdog("coop_pool_unconstrained", Duration::from_secs(60));
    assert_eq!(race(true), GIVE_UP);
}
