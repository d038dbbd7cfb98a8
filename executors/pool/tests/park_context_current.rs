//! Each worker enters its park's context (what a reactor's park makes current, so free
//! constructors such as `sleep` find the reactor the workers drive) while it runs tasks,
//! and `Pool::block_on` enters worker 0's on the calling thread.

use std::cell::Cell;
use std::collections::BTreeSet;
use std::time::Duration;

use wakewire_core::future::yield_now;
use wakewire_core::park::ParkContext;
use wakewire_core::{Park, ThreadParker};
use wakewire_executor_pool::Pool;

use wakewire_test_util::watchdog;

thread_local!(static INSTALLED: Cell<Option<usize>> = const { Cell::new(None) });

/// Restores the marker when the context is left.
struct Uninstall(Option<usize>);

impl Drop for Uninstall {
    fn drop(&mut self) {
        INSTALLED.with(|installed| installed.set(self.0));
    }
}

fn installed() -> Option<usize> {
    INSTALLED.with(Cell::get)
}

/// A park whose context marks the thread with the worker's index, as a reactor's park
/// installs its handle.
struct MarkingPark {
    inner: ThreadParker,
    index: usize,
}

impl Park for MarkingPark {
    type Unpark = <ThreadParker as Park>::Unpark;

    fn unparker(&self) -> Self::Unpark {
        self.inner.unparker()
    }

    fn park(&mut self) -> std::io::Result<()> {
        self.inner.park()
    }

    fn park_timeout(&mut self, timeout: Duration) -> std::io::Result<()> {
        self.inner.park_timeout(timeout)
    }

    fn context(&self) -> ParkContext {
        let index = self.index;
        ParkContext::new()
            .with(move || Uninstall(INSTALLED.with(|installed| installed.replace(Some(index)))))
    }
}

fn marking_pool(workers: usize) -> Pool {
    Pool::builder()
        .workers(workers)
        .park_with(|index| MarkingPark {
            inner: ThreadParker::new(),
            index,
        })
        .build()
}

#[test]
fn tasks_on_every_worker_run_inside_their_parks_context() {
    let _dog = watchdog(
        "tasks_on_every_worker_run_inside_their_parks_context",
        Duration::from_secs(20),
    );
    let pool = marking_pool(2);
    // Enough tasks, each yielding a few times, that both workers run some; each reports
    // the context it saw in every poll, with the worker's thread name.
    let tasks: Vec<_> = (0..32)
        .map(|_| {
            pool.spawn(async {
                let mut seen = Vec::new();
                for _ in 0..4 {
                    let name = std::thread::current().name().map(str::to_owned);
                    seen.push((name, installed()));
                    yield_now().await;
                }
                seen
            })
            .unwrap()
        })
        .collect();
    let mut seen = BTreeSet::new();
    for task in tasks {
        seen.extend(pool.block_on(task).unwrap());
    }
    for (name, context) in &seen {
        let index: usize = name
            .as_deref()
            .and_then(|name| name.strip_prefix("wakewire-pool-"))
            .and_then(|index| index.parse().ok())
            .expect("tasks run on the pool's workers");
        assert_eq!(
            *context,
            Some(index),
            "worker {index} polled outside its context"
        );
    }
}

#[test]
fn block_on_enters_the_context_of_worker_zeros_park() {
    let pool = marking_pool(2);
    assert_eq!(installed(), None);
    assert_eq!(pool.block_on(async { installed() }), Some(0));
    assert_eq!(installed(), None, "uninstalled when block_on returns");
}
