//! A panic in user code that a worker calls outside any task — its park (set with
//! `PoolBuilder::park_with`, called when idle and every few dozen polls when busy) and its
//! start/stop hooks — is caught and reported (a `tracing` error and
//! `PoolMetrics::caught_panics`); the worker keeps its tasks and goes on. Before, the
//! worker thread unwound with tasks still in its local queue and LIFO slot: the last
//! worker's shutdown sweep then waited forever for tasks that were only dropped after it.
#![cfg_attr(panic = "abort", allow(unused))]

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use wakewire_core::future::yield_now;
use wakewire_core::{Park, ThreadParker};
use wakewire_executor_pool::Pool;

use wakewire_test_util::{watchdog, DropCounter};

/// Forwards to a thread parker, but panics the first time one of the chosen calls is made.
struct PanicOncePark {
    inner: ThreadParker,
    armed: Arc<AtomicBool>,
    /// Panic in `park_timeout(ZERO)` (the busy worker's turn) or in `park` (sleeping).
    in_busy_turn: bool,
}

impl PanicOncePark {
    fn maybe_panic(&self, busy_turn: bool) {
        if busy_turn == self.in_busy_turn && self.armed.swap(false, Ordering::SeqCst) {
            panic!("the park panics once");
        }
    }
}

impl Park for PanicOncePark {
    type Unpark = <ThreadParker as Park>::Unpark;

    fn unparker(&self) -> Self::Unpark {
        self.inner.unparker()
    }

    fn park(&mut self) -> io::Result<()> {
        self.maybe_panic(false);
        self.inner.park()
    }

    fn park_timeout(&mut self, timeout: Duration) -> io::Result<()> {
        self.maybe_panic(timeout.is_zero());
        self.inner.park_timeout(timeout)
    }
}

fn pool_with_panicking_park(in_busy_turn: bool) -> (Pool, Arc<AtomicBool>) {
    let armed = Arc::new(AtomicBool::new(true));
    let pool = Pool::builder()
        .workers(1)
        .park_with({
            let armed = armed.clone();
            move |_| PanicOncePark {
                inner: ThreadParker::new(),
                armed: armed.clone(),
                in_busy_turn,
            }
        })
        .build();
    (pool, armed)
}

#[test]
#[cfg_attr(panic = "abort", ignore)]
fn a_park_panicking_in_a_busy_turn_loses_and_hangs_no_task() {
    let _dog = watchdog(
        "a_park_panicking_in_a_busy_turn_loses_and_hangs_no_task",
        Duration::from_secs(20),
    );
    let (mut pool, armed) = pool_with_panicking_park(true);
    let drops = DropCounter::default();
    // Self-waking tasks keep the local queue full of registered tasks when the worker
    // turns its park (every 61 polls).
    let tasks: Vec<_> = (0..8u32)
        .map(|i| {
            let guard = drops.guard();
            pool.spawn(async move {
                let _guard = guard;
                for _ in 0..40 {
                    yield_now().await;
                }
                i
            })
            .unwrap()
        })
        .collect();
    let outputs = pool.block_on(async {
        let mut outputs = Vec::new();
        for task in tasks {
            outputs.push(task.await.unwrap());
        }
        outputs
    });
    assert_eq!(outputs, (0..8).collect::<Vec<_>>());
    assert!(!armed.load(Ordering::SeqCst), "the park panicked");
    let metrics = pool.metrics();
    assert_eq!(metrics.caught_panics, 1);
    pool.shutdown(Duration::from_secs(10)).unwrap();
    assert_eq!(drops.get(), 8);
    let metrics = pool.metrics();
    assert_eq!((metrics.thread_starts, metrics.thread_stops), (1, 1));
    assert_eq!(metrics.live_tasks, 0);
}

#[test]
#[cfg_attr(panic = "abort", ignore)]
fn a_park_panicking_while_sleeping_keeps_the_worker() {
    let _dog = watchdog(
        "a_park_panicking_while_sleeping_keeps_the_worker",
        Duration::from_secs(20),
    );
    let (mut pool, armed) = pool_with_panicking_park(false);
    // The idle worker goes to sleep and its park panics once.
    while armed.load(Ordering::SeqCst) {
        std::thread::yield_now();
    }
    let task = pool.spawn(async { 5 }).unwrap();
    assert_eq!(pool.block_on(task).unwrap(), 5);
    assert_eq!(pool.metrics().caught_panics, 1);
    pool.shutdown(Duration::from_secs(10)).unwrap();
    assert_eq!(pool.metrics().thread_stops, 1);
}

#[test]
#[cfg_attr(panic = "abort", ignore)]
fn panicking_start_and_stop_hooks_keep_the_only_worker() {
    let _dog = watchdog(
        "panicking_start_and_stop_hooks_keep_the_only_worker",
        Duration::from_secs(20),
    );
    let drops = DropCounter::default();
    let mut pool = Pool::builder()
        .workers(1)
        .on_thread_start(|_| panic!("start hook fails"))
        .on_thread_stop(|_| panic!("stop hook fails"))
        .build();
    let guard = drops.guard();
    let task = pool
        .spawn(async move {
            let _guard = guard;
            yield_now().await;
            4
        })
        .unwrap();
    assert_eq!(pool.block_on(task).unwrap(), 4);
    let guard = drops.guard();
    drop(
        pool.spawn(async move {
            let _guard = guard;
            std::future::pending::<()>().await
        })
        .unwrap(),
    );
    pool.shutdown(Duration::from_secs(10)).unwrap();
    assert_eq!(drops.get(), 2);
    let metrics = pool.metrics();
    assert_eq!(metrics.caught_panics, 2);
    assert_eq!((metrics.thread_starts, metrics.thread_stops), (1, 1));
}

#[test]
#[cfg_attr(panic = "abort", ignore)]
fn a_hook_panic_whose_payload_panics_on_drop_is_contained() {
    struct PanicsOnDrop;
    impl Drop for PanicsOnDrop {
        fn drop(&mut self) {
            panic!("the payload's drop panics too");
        }
    }
    let _dog = watchdog(
        "a_hook_panic_whose_payload_panics_on_drop_is_contained",
        Duration::from_secs(20),
    );
    let mut pool = Pool::builder()
        .workers(1)
        .on_thread_start(|_| std::panic::panic_any(PanicsOnDrop))
        .build();
    let task = pool.spawn(async { 6 }).unwrap();
    assert_eq!(pool.block_on(task).unwrap(), 6);
    assert_eq!(pool.metrics().caught_panics, 1);
    pool.shutdown(Duration::from_secs(10)).unwrap();
}
