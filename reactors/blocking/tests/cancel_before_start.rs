//! Dropping a BlockingJob before its job starts cancels the job; after it starts, the
//! result is dropped on the pool thread.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use wakewire_reactor_blocking::BlockingPool;

use wakewire_test_util::{
    occupy_blocking_thread as occupy, wait_until, watchdog, DropCounter, Gate,
};

#[test]
fn dropped_before_start_never_runs() {
    let _dog = watchdog("cancel", Duration::from_secs(20));
    let pool = BlockingPool::builder().max_threads(1).build();
    let (gate, busy) = occupy(&pool, || ());
    let ran = Arc::new(AtomicUsize::new(0));
    let closure_drops = DropCounter::default();
    let cancelled: Vec<_> = (0..10)
        .map(|_| {
            let ran = ran.clone();
            let guard = closure_drops.guard();
            pool.spawn(move || {
                let _guard = guard;
                ran.fetch_add(1, Ordering::SeqCst);
            })
        })
        .collect();
    assert_eq!(pool.metrics().queued_jobs, 10);
    drop(cancelled);
    gate.open();
    futures_executor::block_on(busy).unwrap();
    // A job after the cancelled ones proves the queue was drained past them.
    let after = futures_executor::block_on(pool.spawn(|| "after")).unwrap();
    assert_eq!(after, "after");
    assert!(pool.shutdown_timeout(Duration::from_secs(10)));
    assert_eq!(
        ran.load(Ordering::SeqCst),
        0,
        "a cancelled closure never runs"
    );
    assert_eq!(
        closure_drops.get(),
        10,
        "each cancelled closure is dropped once"
    );
}

#[test]
fn dropped_while_running_discards_the_result() {
    let _dog = watchdog("abandon", Duration::from_secs(20));
    let pool = BlockingPool::builder().max_threads(1).build();
    let gate = Gate::default();
    let started = Arc::new(AtomicUsize::new(0));
    let result_drops = DropCounter::default();
    let job = pool.spawn({
        let gate = gate.clone();
        let started = started.clone();
        let guard = result_drops.guard();
        move || {
            started.fetch_add(1, Ordering::SeqCst);
            gate.wait();
            guard // the result: dropped by the pool thread once nobody wants it
        }
    });
    wait_until("the job to start", Duration::from_secs(10), || {
        started.load(Ordering::SeqCst) == 1
    });
    drop(job);
    assert_eq!(result_drops.get(), 0);
    gate.open();
    wait_until("the result to be dropped", Duration::from_secs(10), || {
        result_drops.get() == 1
    });
    assert_eq!(futures_executor::block_on(pool.spawn(|| 5)).unwrap(), 5);
}

#[test]
fn dropped_after_finishing_drops_the_unread_result_once() {
    let pool = BlockingPool::builder().max_threads(1).build();
    let result_drops = DropCounter::default();
    let job = pool.spawn({
        let guard = result_drops.guard();
        move || guard
    });
    wait_until("the job to finish", Duration::from_secs(10), || {
        job.is_finished()
    });
    assert_eq!(result_drops.get(), 0);
    drop(job);
    assert_eq!(
        result_drops.get(),
        1,
        "dropped with the future, exactly once"
    );
}
