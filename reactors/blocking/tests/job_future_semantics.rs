//! The job future itself: it needs no runtime, names its threads, wakes only the latest
//! waker exactly once, and says clearly when polled after completion. (That jobs
//! complete under every executor is the matrix's `blocking` column.)
#![cfg(not(loom))]

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll};
use std::time::Duration;

use wakewire_core::waker::counting_waker;
use wakewire_reactor_blocking::{spawn_blocking, BlockingPool};
use wakewire_test_util::{wait_until, watchdog, Gate};

#[test]
fn global_spawn_blocking_needs_no_runtime() {
    let _dog = watchdog("global", Duration::from_secs(20));
    let name = wakewire_core::block_on(spawn_blocking(|| {
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
        wakewire_core::block_on(pool.spawn(|| std::thread::current().name().map(str::to_owned)))
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
    wakewire_core::block_on(job.as_mut()).unwrap();
    let (waker, _) = counting_waker();
    let _ = job.as_mut().poll(&mut Context::from_waker(&waker));
}
