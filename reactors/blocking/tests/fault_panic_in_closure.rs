//! Panics on the pool thread: a closure's panic becomes an error on the future (payload
//! kept), the pool thread survives, and panics in drops on the pool thread and in the
//! awaiting task's waker are disposed of.
#![cfg(panic = "unwind")]

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Wake, Waker};
use std::time::Duration;

use wakewire_executor_local::LocalExecutor;
use wakewire_reactor_blocking::BlockingPool;

use wakewire_test_util::{occupy_blocking_thread as occupy, watchdog};

#[derive(Debug)]
struct Custom(u32);

#[test]
fn panic_is_an_error_with_its_payload() {
    let _dog = watchdog("panic", Duration::from_secs(20));
    let pool = BlockingPool::builder().max_threads(1).build();
    let ex = LocalExecutor::new();
    let err = ex
        .block_on(pool.spawn(|| -> u32 { panic!("boom in closure {}", 1) }))
        .unwrap_err();
    assert!(err.is_panic() && !err.is_shutdown());
    assert_eq!(err.panic_message(), Some("boom in closure 1"));
    assert_eq!(
        err.to_string(),
        "the blocking closure panicked: boom in closure 1"
    );

    let err = ex
        .block_on(pool.spawn(|| std::panic::panic_any(Custom(42))))
        .unwrap_err();
    assert_eq!(err.panic_message(), None);
    let payload = err.into_panic();
    assert_eq!(payload.downcast_ref::<Custom>().map(|c| c.0), Some(42));
}

#[test]
fn the_pool_thread_survives_and_serves_more_jobs() {
    let _dog = watchdog("survive", Duration::from_secs(30));
    let pool = BlockingPool::builder().max_threads(1).build();
    let ex = LocalExecutor::new();
    let total = ex.block_on(async {
        let mut total = 0u64;
        for i in 0..1000u64 {
            let job = pool.spawn(move || {
                if i % 100 == 0 {
                    panic!("job {i}");
                }
                i
            });
            match job.await {
                Ok(value) => total += value,
                Err(err) => assert_eq!(err.panic_message(), Some(format!("job {i}").as_str())),
            }
        }
        total
    });
    assert_eq!(total, (0..1000u64).filter(|i| i % 100 != 0).sum::<u64>());
    assert_eq!(
        pool.metrics().threads_started,
        1,
        "one thread served every job"
    );
}

struct PanicOnDrop;

impl Drop for PanicOnDrop {
    fn drop(&mut self) {
        panic!("panic in drop");
    }
}

#[test]
fn panics_in_drops_on_the_pool_thread_are_swallowed() {
    let _dog = watchdog("drop panics", Duration::from_secs(20));
    let pool = BlockingPool::builder().max_threads(1).build();
    // An abandoned job whose result panics when the pool thread drops it.
    let (gate, abandoned) = occupy(&pool, || PanicOnDrop);
    drop(abandoned);
    // A cancelled job whose captured state panics when the pool thread drops it.
    let bomb = PanicOnDrop;
    drop(pool.spawn(move || {
        let _keep = &bomb;
    }));
    gate.open();
    assert_eq!(futures_executor::block_on(pool.spawn(|| 3)).unwrap(), 3);
    assert_eq!(
        pool.metrics().threads_started,
        1,
        "the thread survived both panics"
    );
}

/// A panic payload that panics again when it is dropped.
struct Grenade;

impl Drop for Grenade {
    fn drop(&mut self) {
        panic!("this panic payload panics when dropped");
    }
}

#[test]
fn a_payload_that_panics_when_dropped_goes_no_further() {
    let _dog = watchdog("grenade payloads", Duration::from_secs(20));
    let pool = BlockingPool::builder().max_threads(1).build();
    // Taken by the future and dropped by the user: `BlockingError`'s drop contains it.
    let err = futures_executor::block_on(pool.spawn(|| std::panic::panic_any(Grenade)));
    assert!(std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(err))).is_ok());
    // Done but never read: dropped with the future.
    let (gate, unread) = occupy(&pool, || std::panic::panic_any::<Grenade>(Grenade));
    gate.open();
    wakewire_test_util::wait_until("the job to finish", Duration::from_secs(10), || {
        unread.is_finished()
    });
    assert!(std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(unread))).is_ok());
    // Nobody waits any more: dropped on the pool thread, which survives.
    let (gate, abandoned) = occupy(&pool, || std::panic::panic_any::<Grenade>(Grenade));
    drop(abandoned);
    gate.open();
    assert_eq!(futures_executor::block_on(pool.spawn(|| 3)).unwrap(), 3);
    assert_eq!(pool.metrics().threads_started, 1);
}

#[test]
fn a_panicking_waker_does_not_kill_the_pool_thread() {
    /// Records which reactor woke it, then panics.
    struct Bomb(Mutex<Option<&'static str>>, AtomicUsize);
    impl Wake for Bomb {
        fn wake(self: Arc<Self>) {
            *self.0.lock().unwrap() = wakewire_core::waker::wake_source();
            self.1.fetch_add(1, Ordering::SeqCst);
            panic!("this waker panics on purpose");
        }
    }
    let _dog = watchdog("waker panic", Duration::from_secs(20));
    let pool = BlockingPool::builder().max_threads(1).build();
    let (gate, mut job) = occupy(&pool, || 7);
    let bomb = Arc::new(Bomb(Mutex::new(None), AtomicUsize::new(0)));
    let waker = Waker::from(bomb.clone());
    let polled = std::pin::Pin::new(&mut job).poll(&mut Context::from_waker(&waker));
    assert!(polled.is_pending());
    gate.open();
    wakewire_test_util::wait_until("the wake", Duration::from_secs(10), || {
        bomb.1.load(Ordering::SeqCst) == 1
    });
    assert_eq!(*bomb.0.lock().unwrap(), Some("blocking"));
    assert_eq!(futures_executor::block_on(job).unwrap(), 7);
    assert_eq!(futures_executor::block_on(pool.spawn(|| 3)).unwrap(), 3);
    assert_eq!(
        pool.metrics().threads_started,
        1,
        "the thread survived the waker's panic"
    );
}
