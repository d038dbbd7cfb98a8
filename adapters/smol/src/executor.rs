//! [`SmolExecutor`] and [`SmolSpawner`]: async-executor's `Executor` behind Wakewire's
//! `Spawn` and `BlockOn`, with Wakewire's join contract.

use std::fmt;
use std::future::Future;
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::thread;

use async_executor::Executor;
use wakewire_core::task::{keep_in_place, run_in_place, LiveTasks, Runnable, RUN_IN_A_ROW};
use wakewire_core::{BlockOn, JoinHandle, Spawn, SpawnError};

/// Spawns Wakewire tasks onto an async-executor [`Executor`], whoever drives it.
///
/// Each task is a Wakewire task cell; every time it is scheduled, one async-executor task
/// runs it once. The spawner holds the executor weakly: once the executor is dropped (its
/// last `Arc`), every one of our futures has been dropped (queued ones by the executor,
/// waiting ones by this spawner), their handles report cancellation, and later spawns
/// return [`SpawnError`].
///
/// ```
/// use std::sync::Arc;
/// use wakewire_adapter_smol::SmolSpawner;
/// use wakewire_core::Spawn;
///
/// let ex = Arc::new(async_executor::Executor::new());
/// let spawner = SmolSpawner::new(&ex);
/// let task = spawner.spawn(async { 6 * 7 }).unwrap();
/// assert_eq!(async_io::block_on(ex.run(task)).unwrap(), 42);
/// drop(ex);
/// assert!(spawner.spawn(async {}).is_err());
/// ```
#[derive(Clone)]
pub struct SmolSpawner {
    shared: Arc<Shared>,
}

struct Shared {
    executor: Weak<Executor<'static>>,
    /// Set by [`SmolExecutor::shutdown`]: refuse and drop, even if someone else still
    /// holds the executor.
    closed: AtomicBool,
    live: LiveTasks,
}

/// Lives in the executor as a task that never completes: the executor drops it when it is
/// dropped, which closes the live set and so drops every waiting future.
struct ShutdownWatch(LiveTasks);

impl Drop for ShutdownWatch {
    fn drop(&mut self) {
        self.0.close();
    }
}

impl Shared {
    /// Hands a scheduled task to the executor; returns `false` (and drops the `Runnable`,
    /// which cancels our task) when the executor is gone.
    fn schedule(self: &Arc<Self>, runnable: Runnable) -> bool {
        if self.closed.load(Ordering::Acquire) {
            return false;
        }
        let Some(executor) = self.executor.upgrade() else {
            return false;
        };
        // On an executor thread that runs one of ours right now, the woken task runs next
        // there: no async-executor task per wake.
        let runnable = match keep_in_place(Arc::as_ptr(self).cast(), runnable) {
            Ok(None) => return true,
            Ok(Some(runnable)) | Err(runnable) => runnable,
        };
        let shared = Arc::clone(self);
        executor
            .spawn(async move {
                let owner = Arc::as_ptr(&shared).cast();
                // Queued before a shutdown, run after it: dropped instead.
                let stop = || shared.closed.load(Ordering::Acquire);
                if let Some(due) = run_in_place(owner, runnable, RUN_IN_A_ROW, stop) {
                    shared.schedule(due);
                }
            })
            .detach();
        true
    }
}

impl SmolSpawner {
    /// A spawner onto `executor`.
    pub fn new(executor: &Arc<Executor<'static>>) -> Self {
        let live = LiveTasks::new();
        let watch = ShutdownWatch(live.clone());
        executor
            .spawn(async move {
                let _watch = watch;
                std::future::pending::<()>().await;
            })
            .detach();
        SmolSpawner {
            shared: Arc::new(Shared {
                executor: Arc::downgrade(executor),
                closed: AtomicBool::new(false),
                live,
            }),
        }
    }

    /// The tasks of this spawner whose futures are alive.
    pub fn live_tasks(&self) -> usize {
        self.shared.live.len()
    }
}

impl Spawn for SmolSpawner {
    fn spawn<F>(&self, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let shared = Arc::clone(&self.shared);
        let (runnable, handle) = self.shared.live.spawn(future, move |runnable| {
            shared.schedule(runnable);
        })?;
        if self.shared.schedule(runnable) {
            Ok(handle)
        } else {
            // The `Runnable` was dropped: our future is gone already.
            drop(handle);
            Err(SpawnError::shutdown())
        }
    }
}

impl fmt::Debug for SmolSpawner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmolSpawner")
            .field("live", &self.shared.live)
            .finish()
    }
}

/// An async-executor [`Executor`] driven the way smol drives it, as a Wakewire executor:
/// `threads` threads each run `async_io::block_on(executor.run(stop))`, so they also turn
/// async-io's reactor when they have nothing to do.
///
/// [`shutdown`](Self::shutdown) (or dropping it) stops the threads, drops every unfinished
/// future and makes later spawns fail.
///
/// ```
/// use wakewire_adapter_smol::SmolExecutor;
/// use wakewire_core::{BlockOn, Spawn};
///
/// let ex = SmolExecutor::new(2).unwrap();
/// let task = ex.spawn(async { "ran on async-executor" }).unwrap();
/// assert_eq!(ex.block_on(task).unwrap(), "ran on async-executor");
/// ```
pub struct SmolExecutor {
    executor: Arc<Executor<'static>>,
    spawner: SmolSpawner,
    stop: Option<async_channel::Sender<()>>,
    threads: Vec<thread::JoinHandle<()>>,
}

impl SmolExecutor {
    /// A new executor run by `threads` threads (at least one).
    ///
    /// # Errors
    ///
    /// The error of starting a thread.
    pub fn new(threads: usize) -> io::Result<Self> {
        let executor = Arc::new(Executor::new());
        let spawner = SmolSpawner::new(&executor);
        let (stop, stopped) = async_channel::unbounded::<()>();
        let mut this = SmolExecutor {
            executor,
            spawner,
            stop: Some(stop),
            threads: Vec::new(),
        };
        for index in 0..threads.max(1) {
            let executor = Arc::clone(&this.executor);
            let stopped = stopped.clone();
            let thread = thread::Builder::new()
                .name(format!("wakewire-smol-{index}"))
                .spawn(move || {
                    let _ = async_io::block_on(executor.run(stopped.recv()));
                })?;
            this.threads.push(thread);
        }
        Ok(this)
    }

    /// A spawner for this executor.
    pub fn spawner(&self) -> SmolSpawner {
        self.spawner.clone()
    }

    /// The executor, to spawn async-executor tasks next to ours.
    pub fn executor(&self) -> &Arc<Executor<'static>> {
        &self.executor
    }

    /// Stops the threads, then drops every unfinished future of ours (their handles report
    /// cancellation) and refuses further spawns. The executor itself is dropped when its
    /// last `Arc` goes: with this one, unless you cloned it.
    pub fn shutdown(self) {
        drop(self);
    }
}

impl Drop for SmolExecutor {
    fn drop(&mut self) {
        // Closing the channel ends every thread's `run`.
        drop(self.stop.take());
        for thread in self.threads.drain(..) {
            // Our tasks' panics are caught in their task cells; a thread only ends badly if
            // an async-executor task of someone else's panicked, and that is theirs.
            let _ = thread.join();
        }
        self.spawner.shared.closed.store(true, Ordering::Release);
        // Waiting futures are woken and dropped here, queued ones when the executor drops.
        self.spawner.shared.live.close();
    }
}

impl Spawn for SmolExecutor {
    fn spawn<F>(&self, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.spawner.spawn(future)
    }
}

impl BlockOn for SmolExecutor {
    /// Runs `future` on this thread with `async_io::block_on`, the thread helping the
    /// executor's threads run tasks meanwhile.
    ///
    /// # Panics
    ///
    /// When the thread already runs an executor.
    fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _enter =
            wakewire_core::enter::enter().unwrap_or_else(|error| panic!("block_on: {error}"));
        async_io::block_on(self.executor.run(future))
    }
}

impl fmt::Debug for SmolExecutor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmolExecutor")
            .field("threads", &self.threads.len())
            .field("spawner", &self.spawner)
            .finish()
    }
}
