//! Dropping or shutting down a pool resolves every queued job's future with a
//! shutdown error, lets the running closure finish, and never deadlocks.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use wakewire_core::waker::counting_waker;
use wakewire_executor_local::LocalExecutor;
use wakewire_reactor_blocking::BlockingPool;

use wakewire_test_util::{occupy_blocking_thread as occupy, watchdog, DropCounter};

#[test]
fn dropping_the_pool_fails_queued_jobs_and_keeps_the_running_one() {
    let _dog = watchdog("drop pool", Duration::from_secs(20));
    let pool = BlockingPool::builder().max_threads(1).build();
    let (gate, running) = occupy(&pool, || "finished");
    let ran = Arc::new(AtomicUsize::new(0));
    let closure_drops = DropCounter::default();
    let queued: Vec<_> = (0..100)
        .map(|_| {
            let ran = ran.clone();
            let guard = closure_drops.guard();
            pool.spawn(move || {
                let _guard = guard;
                ran.fetch_add(1, Ordering::SeqCst)
            })
        })
        .collect();
    drop(pool);
    assert_eq!(
        closure_drops.get(),
        100,
        "queued closures are dropped at shutdown"
    );

    let ex = LocalExecutor::new();
    let waiters: Vec<_> = queued
        .into_iter()
        .map(|job| ex.spawn(job).unwrap())
        .collect();
    let refused = ex.block_on(async {
        let mut refused = 0;
        for waiter in waiters {
            let err = waiter.await.unwrap().unwrap_err();
            assert!(err.is_shutdown() && !err.is_panic(), "{err:?}");
            refused += 1;
        }
        refused
    });
    assert_eq!(refused, 100);
    gate.open();
    assert_eq!(ex.block_on(running).unwrap(), "finished");
    assert_eq!(ran.load(Ordering::SeqCst), 0);
}

#[test]
fn waiters_parked_on_queued_jobs_are_woken_by_shutdown() {
    let _dog = watchdog("wake on shutdown", Duration::from_secs(20));
    let pool = BlockingPool::builder().max_threads(1).build();
    let (gate, busy) = occupy(&pool, || ());
    let mut queued = pool.spawn(|| 1);
    // The waiter is parked on the queued job: shutdown must wake it, exactly once.
    let (waker, wakes) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    assert!(Pin::new(&mut queued).poll(&mut cx).is_pending());
    assert!(
        !pool.shutdown_timeout(Duration::from_millis(10)),
        "the busy job still runs"
    );
    assert_eq!(wakes.wakes(), 1);
    let err = match Pin::new(&mut queued).poll(&mut cx) {
        Poll::Ready(result) => result.unwrap_err(),
        Poll::Pending => panic!("woken but not ready"),
    };
    assert!(err.is_shutdown());
    assert_eq!(
        err.to_string(),
        "the blocking pool shut down before the job started; the closure was dropped without running"
    );
    gate.open();
    futures_executor::block_on(busy).unwrap();
    assert!(
        pool.shutdown_timeout(Duration::from_secs(10)),
        "threads exit after the last job"
    );
    assert_eq!(pool.metrics().threads, 0);
}

#[test]
fn spawn_after_shutdown_is_refused_and_dropped_at_once() {
    let pool = BlockingPool::new();
    assert!(pool.shutdown_timeout(Duration::from_secs(1)));
    let drops = DropCounter::default();
    let job = pool.spawn({
        let guard = drops.guard();
        move || drop(guard)
    });
    assert_eq!(
        drops.get(),
        1,
        "the closure is dropped before spawn returns"
    );
    assert!(job.is_finished());
    assert!(futures_executor::block_on(job).unwrap_err().is_shutdown());
    assert_eq!(pool.metrics().threads_started, 0);
}
