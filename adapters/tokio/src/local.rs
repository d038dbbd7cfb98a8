//! [`TokioLocal`]: a `current_thread` runtime and a `LocalSet` behind Wakewire's
//! `LocalSpawn`, `Spawn` and `BlockOn`.

use std::fmt;
use std::future::Future;
use std::io;

use tokio::runtime::{Builder, Runtime};
use tokio::task::LocalSet;
use wakewire_core::task::{RunQueue, RunQueueSpawner};
use wakewire_core::{BlockOn, JoinHandle, LocalSpawn, Spawn, SpawnError};

/// Runs Wakewire tasks, `!Send` ones included, on `local`: returns the queue to spawn them
/// with. Call it on the thread that runs the `LocalSet`.
///
/// The queue's [`Runner`](wakewire_core::task::Runner) becomes one task of the `LocalSet`
/// that polls our tasks as they are woken (wakers on any thread queue them and wake it).
/// When the `LocalSet` is dropped, every one of our futures is dropped on this thread, and
/// the queue refuses further spawns.
///
/// ```
/// use std::rc::Rc;
/// use wakewire_core::LocalSpawn;
///
/// let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
/// let local = tokio::task::LocalSet::new();
/// let queue = wakewire_adapter_tokio::attach_local_set(&local);
/// let shared = Rc::new(2);
/// let task = queue.spawn_local(async move { *shared * 21 }).unwrap();
/// assert_eq!(runtime.block_on(local.run_until(task)).unwrap(), 42);
/// ```
pub fn attach_local_set(local: &LocalSet) -> RunQueue {
    let (queue, runner) = RunQueue::new();
    drop(local.spawn_local(runner));
    queue
}

/// A `current_thread` runtime (I/O and timer enabled) with a `LocalSet`, as a Wakewire
/// single-threaded executor. Tasks run while [`block_on`](BlockOn::block_on) runs;
/// dropping it drops every unfinished future on this thread.
///
/// ```
/// use std::rc::Rc;
/// use wakewire_adapter_tokio::TokioLocal;
/// use wakewire_core::{BlockOn, LocalSpawn};
///
/// let ex = TokioLocal::new().unwrap();
/// let not_send = Rc::new("local");
/// let task = ex.spawn_local(async move { *not_send }).unwrap();
/// assert_eq!(ex.block_on(task).unwrap(), "local");
/// ```
pub struct TokioLocal {
    // Dropped in this order: the LocalSet (and with it our runner and futures) while the
    // runtime still exists.
    local: LocalSet,
    queue: RunQueue,
    runtime: Runtime,
}

impl TokioLocal {
    /// A new `current_thread` runtime with a `LocalSet`.
    ///
    /// # Errors
    ///
    /// The error of building the runtime.
    pub fn new() -> io::Result<Self> {
        let runtime = Builder::new_current_thread().enable_all().build()?;
        let local = LocalSet::new();
        let queue = attach_local_set(&local);
        Ok(TokioLocal {
            local,
            queue,
            runtime,
        })
    }

    /// A handle that spawns `Send` futures from any thread.
    pub fn spawner(&self) -> RunQueueSpawner {
        self.queue.spawner()
    }

    /// A handle that spawns `!Send` futures on this thread.
    pub fn local_spawner(&self) -> RunQueue {
        self.queue.clone()
    }

    /// The `LocalSet`, to spawn tokio's own local tasks next to ours.
    pub fn local_set(&self) -> &LocalSet {
        &self.local
    }

    /// The runtime.
    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }
}

impl Spawn for TokioLocal {
    fn spawn<F>(&self, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.queue.spawn(future)
    }
}

impl LocalSpawn for TokioLocal {
    fn spawn_local<F>(&self, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.queue.spawn_local(future)
    }
}

impl BlockOn for TokioLocal {
    /// Runs the `LocalSet` (our tasks and tokio's local tasks) until `future` completes.
    ///
    /// # Panics
    ///
    /// When the thread already runs an executor (Wakewire's or tokio's).
    fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _enter =
            wakewire_core::enter::enter().unwrap_or_else(|error| panic!("block_on: {error}"));
        self.runtime.block_on(self.local.run_until(future))
    }
}

impl fmt::Debug for TokioLocal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokioLocal")
            .field("queue", &self.queue)
            .finish()
    }
}
