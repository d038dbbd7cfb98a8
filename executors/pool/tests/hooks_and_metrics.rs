//! Builder options: thread names, stack size, start/stop hooks, a custom park, and the
//! counters that tests rely on.

use std::collections::BTreeSet;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use wakewire_core::future::yield_now;
use wakewire_core::{Park, ThreadParker};
use wakewire_executor_pool::Pool;

use wakewire_test_util::watchdog;

#[test]
fn thread_names_hooks_and_stack_size() {
    let _dog = watchdog("thread_names_hooks", Duration::from_secs(20));
    let started = Arc::new(Mutex::new(BTreeSet::new()));
    let stopped = Arc::new(Mutex::new(BTreeSet::new()));
    let mut pool = Pool::builder()
        .workers(3)
        .thread_name("hooked")
        .stack_size(256 * 1024)
        .on_thread_start({
            let started = started.clone();
            move |index| {
                let name = thread::current().name().unwrap().to_owned();
                started.lock().unwrap().insert((index, name));
            }
        })
        .on_thread_stop({
            let stopped = stopped.clone();
            move |index| {
                stopped.lock().unwrap().insert(index);
            }
        })
        .build();
    assert_eq!(pool.workers(), 3);
    let name = pool
        .block_on(
            pool.spawn(async { thread::current().name().unwrap().to_owned() })
                .unwrap(),
        )
        .unwrap();
    assert!(name.starts_with("hooked-"), "{name}");
    pool.shutdown(Duration::from_secs(10)).unwrap();
    let expected: BTreeSet<_> = (0..3).map(|i| (i, format!("hooked-{i}"))).collect();
    assert_eq!(*started.lock().unwrap(), expected);
    assert_eq!(*stopped.lock().unwrap(), (0..3).collect());
    let metrics = pool.metrics();
    assert_eq!((metrics.thread_starts, metrics.thread_stops), (3, 3));
}

#[test]
fn thread_name_fn_names_each_worker() {
    let pool = Pool::builder()
        .workers(1)
        .thread_name_fn(|i| format!("custom{i}"))
        .build();
    let name = pool
        .block_on(
            pool.spawn(async { thread::current().name().map(str::to_owned) })
                .unwrap(),
        )
        .unwrap();
    assert_eq!(name.as_deref(), Some("custom0"));
}

/// A park that counts its calls and forwards to a thread parker.
struct CountingPark {
    inner: ThreadParker,
    parks: Arc<AtomicUsize>,
    turns: Arc<AtomicUsize>,
}

impl Park for CountingPark {
    type Unpark = <ThreadParker as Park>::Unpark;

    fn unparker(&self) -> Self::Unpark {
        self.inner.unparker()
    }

    fn park(&mut self) -> io::Result<()> {
        self.parks.fetch_add(1, Ordering::SeqCst);
        self.inner.park()
    }

    fn park_timeout(&mut self, timeout: Duration) -> io::Result<()> {
        if timeout.is_zero() {
            self.turns.fetch_add(1, Ordering::SeqCst);
        }
        self.inner.park_timeout(timeout)
    }
}

#[test]
fn custom_park_is_used_for_sleeping_and_busy_turns() {
    let _dog = watchdog("custom_park", Duration::from_secs(20));
    let parks = Arc::new(AtomicUsize::new(0));
    let turns = Arc::new(AtomicUsize::new(0));
    let created = Arc::new(AtomicUsize::new(0));
    let pool = Pool::builder()
        .workers(2)
        .park_with({
            let (parks, turns, created) = (parks.clone(), turns.clone(), created.clone());
            move |_index| {
                created.fetch_add(1, Ordering::SeqCst);
                CountingPark {
                    inner: ThreadParker::new(),
                    parks: parks.clone(),
                    turns: turns.clone(),
                }
            }
        })
        .build();
    assert_eq!(created.load(Ordering::SeqCst), 2);
    // Idle workers end up in their park.
    while parks.load(Ordering::SeqCst) == 0 {
        thread::yield_now();
    }
    // A busy worker turns its park without blocking now and then.
    let task = pool
        .spawn(async {
            for _ in 0..1000 {
                yield_now().await;
            }
        })
        .unwrap();
    pool.block_on(task).unwrap();
    assert!(turns.load(Ordering::SeqCst) >= 1000 / 61 - 1);
    let metrics = pool.metrics();
    assert!(metrics.parks >= 1);
}

#[test]
#[should_panic(expected = "between 1 and 65534 workers")]
fn zero_workers_is_refused() {
    let _ = Pool::builder().workers(0);
}

#[test]
fn metrics_and_debug_output() {
    let pool = Pool::builder().workers(2).build();
    let task = pool.spawn(async { yield_now().await }).unwrap();
    pool.block_on(task).unwrap();
    let metrics = pool.metrics();
    assert_eq!(metrics.workers, 2);
    assert_eq!(metrics.polls, 2);
    assert_eq!(metrics.live_tasks, 0);
    assert!(format!("{pool:?}").contains("Pool"));
    assert!(format!("{:?}", pool.spawner()).contains("PoolSpawner"));
    assert!(format!("{:?}", Pool::builder()).contains("PoolBuilder"));
}

#[test]
#[cfg_attr(panic = "abort", ignore)]
fn a_panicking_start_hook_does_not_hang_shutdown() {
    let _dog = watchdog("a_panicking_start_hook", Duration::from_secs(20));
    let mut pool = Pool::builder()
        .workers(2)
        .on_thread_start(|index| {
            if index == 1 {
                panic!("start hook fails on worker 1");
            }
        })
        .build();
    // Worker 0 still runs tasks (worker 1's queue is empty; the injector feeds worker 0).
    let task = pool.spawn(async { 4 }).unwrap();
    assert_eq!(pool.block_on(task).unwrap(), 4);
    pool.shutdown(Duration::from_secs(10)).unwrap();
    assert_eq!(pool.metrics().thread_stops, 2);
}
