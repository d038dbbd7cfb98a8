//! 15 — Your own executor joins the cross-compatibility matrix.
//!
//! `TinyExecutor` below is a complete executor in about forty lines: a queue of
//! `Runnable`s made by core's task cell (which gives it the join contract: panics as
//! `JoinError`s, detach, cancel), a `block_on` that runs them and parks the thread when
//! there is nothing to do, and core's `LiveTasks`, so a shutdown drops even the tasks that
//! wait on a reactor. It names no reactor. Handing it to `wakewire_matrix::check_executor`
//! runs the whole kit on it: the executor contract, then every reactor of the workspace
//! (Wakewire's mio, timer, channel and blocking; tokio's reactor, async-io, smol-timeout,
//! futures-timer) in every drive mode it supports.
//!
//! Run: `cargo run --release --example 15_own_executor_joins_the_matrix`
//!
//! Look for: one row, `tiny`, with ✓ in every column where it applies; the park columns
//! are `n/a` because this executor cannot wait in a reactor's park (Wakewire's own
//! executors can: see `wakewire-local` in `docs/MATRIX.md`).

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use wakewire::core::block_on::WakeFlag;
use wakewire::core::task::{LiveTasks, Runnable};
use wakewire::core::{
    BlockOn, JoinHandle, Park, Spawn, SpawnError, ThreadParker, ThreadUnparker, Unpark,
};
use wakewire_matrix::{check_executor, ExecutorEntry, ExecutorUnderTest};

/// What the executor and every waker of its tasks share.
struct Queue {
    runnables: Mutex<VecDeque<Runnable>>,
    live: LiveTasks,
    unpark: ThreadUnparker,
    closed: AtomicBool,
}

impl Queue {
    /// A woken task: queue it and wake the thread in `block_on` (after shutdown, drop it).
    fn push(&self, runnable: Runnable) {
        if !self.closed.load(Ordering::Acquire) {
            self.runnables.lock().unwrap().push_back(runnable);
            self.unpark.unpark();
        }
    }
}

/// Spawns onto the executor from any thread.
#[derive(Clone)]
struct TinySpawner(Arc<Queue>);

impl Spawn for TinySpawner {
    fn spawn<F>(&self, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let queue = Arc::clone(&self.0);
        let (runnable, handle) = self.0.live.spawn(future, move |r| queue.push(r))?;
        self.0.push(runnable);
        Ok(handle)
    }
}

/// The executor: its queue, and the parker of the thread that runs `block_on`.
struct TinyExecutor {
    spawner: TinySpawner,
    parker: RefCell<ThreadParker>,
}

impl TinyExecutor {
    fn new() -> Self {
        let parker = ThreadParker::new();
        let queue = Queue {
            runnables: Mutex::default(),
            live: LiveTasks::new(),
            unpark: parker.unparker(),
            closed: AtomicBool::new(false),
        };
        TinyExecutor {
            spawner: TinySpawner(Arc::new(queue)),
            parker: RefCell::new(parker),
        }
    }
}

impl Spawn for TinyExecutor {
    fn spawn<F>(&self, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.spawner.spawn(future)
    }
}

impl BlockOn for TinyExecutor {
    fn block_on<F: Future>(&self, future: F) -> F::Output {
        // A block_on inside a task (or inside this one) panics clearly instead of hanging.
        let _entered = wakewire::core::enter::enter().unwrap_or_else(|e| panic!("block_on: {e}"));
        let flag = WakeFlag::new(self.spawner.0.unpark.clone());
        let waker = Waker::from(Arc::clone(&flag));
        let mut future = pin!(future);
        loop {
            if flag.take() {
                if let Poll::Ready(output) = future.as_mut().poll(&mut Context::from_waker(&waker))
                {
                    return output;
                }
            }
            let next = self.spawner.0.runnables.lock().unwrap().pop_front();
            match next {
                Some(runnable) => drop(runnable.run()),           // Poll
                None => self.parker.borrow_mut().park().unwrap(), // Wait, until a Wake
            }
        }
    }
}

impl Drop for TinyExecutor {
    /// Shutdown: refuse new work, wake every live task so its `Runnable` comes back (and is
    /// dropped, which drops its future), and drop what is queued, outside the lock.
    fn drop(&mut self) {
        let queue = &self.spawner.0;
        queue.closed.store(true, Ordering::Release);
        queue.live.close();
        let queued: Vec<Runnable> = queue.runnables.lock().unwrap().drain(..).collect();
        drop(queued);
    }
}

fn main() {
    wakewire_matrix::hide_expected_panics();
    let tiny = ExecutorEntry::new("tiny", "the forty-line executor of this example", || {
        let ex = TinyExecutor::new();
        let remote = ex.spawner.clone();
        ExecutorUnderTest::new(ex).spawns().remote(remote).boxed()
    });
    let report = check_executor(tiny);
    print!("{}", report.to_text());
    assert!(report.all_passed(), "the tiny executor failed a cell");
}
