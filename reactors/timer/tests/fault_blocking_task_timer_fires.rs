//! A blocking task next to a timer: on the 2-worker pool, a task that blocks its worker with
//! `thread::sleep(200 ms)` in every poll does not stop a 1 ms sleep on the other worker
//! from firing and its task from running. Asserted as an order, not a duration: the timer
//! task finishes while the blocker still has most of its ten blocking polls ahead.
#![cfg(not(loom))]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use wakewire_core::future::yield_now;
use wakewire_executor_pool::Pool;
use wakewire_reactor_timer::sleep;

use wakewire_test_util::watchdog;

#[test]
fn fault_blocking_task_does_not_stop_a_timer_on_the_other_worker() {
    const BLOCKING_POLLS: usize = 10;
    let _dog = watchdog("blocking task vs timer", Duration::from_secs(60));
    let pool = Pool::builder().workers(2).build();
    let blocking_polls_done = Arc::new(AtomicUsize::new(0));
    let blocker = pool
        .spawn({
            let done = blocking_polls_done.clone();
            async move {
                for _ in 0..BLOCKING_POLLS {
                    thread::sleep(Duration::from_millis(200));
                    done.fetch_add(1, Ordering::SeqCst);
                    // Back through the queue between blocking polls.
                    yield_now().await;
                }
            }
        })
        .unwrap();
    // Wait until the blocker is inside its first blocking poll.
    while pool.metrics().polls == 0 {
        thread::yield_now();
    }
    let timed = pool
        .spawn({
            let done = blocking_polls_done.clone();
            async move {
                sleep(Duration::from_millis(1)).await;
                done.load(Ordering::SeqCst)
            }
        })
        .unwrap();
    let blocker_progress_when_timer_fired = pool.block_on(timed).unwrap();
    assert!(
        blocker_progress_when_timer_fired < BLOCKING_POLLS / 2,
        "the 1 ms timer's task ran only after {blocker_progress_when_timer_fired} of the \
         blocker's {BLOCKING_POLLS} 200 ms polls: the blocked worker held it"
    );
    pool.block_on(blocker).unwrap();
}
