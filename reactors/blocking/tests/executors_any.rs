//! The blocking reactor knows no executor: its futures complete under ours and foreign ones.
#![cfg(not(loom))]

mod util;

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll};
use std::time::Duration;

use wakewire_core::waker::counting_waker;
use wakewire_executor_local::LocalExecutor;
use wakewire_executor_pool::Pool;
use wakewire_reactor_blocking::{spawn_blocking, BlockingPool};

use util::{wait_until, watchdog, Gate};

fn sum_of_jobs(pool: &BlockingPool) -> impl Future<Output = u64> + 'static {
    let jobs: Vec<_> = (0..20u64).map(|i| pool.spawn(move || i * i)).collect();
    async move {
        let mut total = 0;
        for job in jobs {
            total += job.await.unwrap();
        }
        total
    }
}

const SUM_OF_SQUARES: u64 = 2470; // 0² + 1² + ... + 19²

#[test]
fn completes_under_the_local_executor() {
    let _dog = watchdog("local", Duration::from_secs(20));
    let pool = BlockingPool::builder().max_threads(3).build();
    let ex = LocalExecutor::new();
    let spawned = ex.spawn(sum_of_jobs(&pool)).unwrap();
    assert_eq!(ex.block_on(spawned).unwrap(), SUM_OF_SQUARES);
    assert_eq!(ex.block_on(sum_of_jobs(&pool)), SUM_OF_SQUARES);
}

#[test]
fn completes_under_the_pool_executor() {
    let _dog = watchdog("pool", Duration::from_secs(20));
    let pool = BlockingPool::builder().max_threads(3).build();
    let ex = Pool::builder().workers(2).build();
    let tasks: Vec<_> = (0..4)
        .map(|_| ex.spawn(sum_of_jobs(&pool)).unwrap())
        .collect();
    for task in tasks {
        assert_eq!(ex.block_on(task).unwrap(), SUM_OF_SQUARES);
    }
    assert_eq!(ex.block_on(sum_of_jobs(&pool)), SUM_OF_SQUARES);
}

#[test]
fn completes_under_async_executor() {
    let _dog = watchdog("async-executor", Duration::from_secs(20));
    let pool = BlockingPool::builder().max_threads(3).build();
    let ex = async_executor::Executor::new();
    let task = ex.spawn(sum_of_jobs(&pool));
    assert_eq!(futures_executor::block_on(ex.run(task)), SUM_OF_SQUARES);
}

#[test]
fn completes_under_futures_executor() {
    let _dog = watchdog("futures", Duration::from_secs(20));
    let pool = BlockingPool::builder().max_threads(3).build();
    assert_eq!(
        futures_executor::block_on(sum_of_jobs(&pool)),
        SUM_OF_SQUARES
    );
}

#[test]
fn completes_under_tokio_current_thread() {
    let _dog = watchdog("tokio", Duration::from_secs(20));
    let pool = BlockingPool::builder().max_threads(3).build();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let spawned = rt.spawn(sum_of_jobs(&pool));
    assert_eq!(rt.block_on(spawned).unwrap(), SUM_OF_SQUARES);
}

#[test]
fn global_spawn_blocking_needs_no_runtime() {
    let _dog = watchdog("global", Duration::from_secs(20));
    let name = futures_executor::block_on(spawn_blocking(|| {
        std::thread::current().name().map(str::to_owned)
    }))
    .unwrap();
    assert!(
        name.as_deref()
            .is_some_and(|n| n.starts_with("wakewire-blocking-")),
        "{name:?}"
    );
}

#[test]
fn threads_carry_the_configured_name() {
    let pool = BlockingPool::builder().thread_name("hasher").build();
    let name =
        futures_executor::block_on(pool.spawn(|| std::thread::current().name().map(str::to_owned)))
            .unwrap();
    assert_eq!(name.as_deref(), Some("hasher-0"));
}

#[test]
fn wakes_the_latest_waker_exactly_once() {
    let _dog = watchdog("wakes", Duration::from_secs(20));
    let pool = BlockingPool::builder().max_threads(1).build();
    let gate = Gate::default();
    let mut job = pin!(pool.spawn({
        let gate = gate.clone();
        move || {
            gate.wait();
            7
        }
    }));
    let (first, first_count) = counting_waker();
    let (second, second_count) = counting_waker();
    assert!(job
        .as_mut()
        .poll(&mut Context::from_waker(&first))
        .is_pending());
    assert!(job
        .as_mut()
        .poll(&mut Context::from_waker(&second))
        .is_pending());
    assert!(!job.is_finished());
    gate.open();
    wait_until("the job to finish", Duration::from_secs(10), || {
        job.is_finished()
    });
    wait_until("the wake", Duration::from_secs(10), || {
        second_count.wakes() == 1
    });
    assert_eq!(first_count.wakes(), 0, "a replaced waker is never woken");
    let poll = job.as_mut().poll(&mut Context::from_waker(&second));
    assert!(matches!(poll, Poll::Ready(Ok(7))), "{poll:?}");
    assert_eq!(second_count.wakes(), 1, "exactly one wake per completion");
    drop(first);
    assert_eq!(first_count.live_references(), 1, "no stale waker is kept");
}

#[test]
#[should_panic(expected = "polled after it already returned")]
fn polling_after_completion_panics_clearly() {
    let pool = BlockingPool::new();
    let mut job = pin!(pool.spawn(|| 1));
    futures_executor::block_on(job.as_mut()).unwrap();
    let (waker, _) = counting_waker();
    let _ = job.as_mut().poll(&mut Context::from_waker(&waker));
}
