//! [`SmolLocal`]: async-executor's `LocalExecutor` behind Wakewire's `LocalSpawn`, `Spawn`
//! and `BlockOn`.

use std::fmt;
use std::future::Future;

use async_executor::LocalExecutor;
use wakewire_core::task::{RunQueue, RunQueueSpawner};
use wakewire_core::{BlockOn, JoinHandle, LocalSpawn, Spawn, SpawnError};

/// Runs Wakewire tasks, `!Send` ones included, on `executor`: returns the queue to spawn
/// them with. Call it on the executor's thread.
///
/// The queue's [`Runner`](wakewire_core::task::Runner) becomes one task of the executor
/// that polls our tasks as they are woken. When the executor is dropped, every one of our
/// futures is dropped on this thread and the queue refuses further spawns.
///
/// ```
/// use std::rc::Rc;
/// use wakewire_core::LocalSpawn;
///
/// let ex = async_executor::LocalExecutor::new();
/// let queue = wakewire_adapter_smol::attach_local_executor(&ex);
/// let shared = Rc::new(2);
/// let task = queue.spawn_local(async move { *shared * 21 }).unwrap();
/// assert_eq!(async_io::block_on(ex.run(task)).unwrap(), 42);
/// ```
pub fn attach_local_executor(executor: &LocalExecutor<'static>) -> RunQueue {
    let (queue, runner) = RunQueue::new();
    executor.spawn(runner).detach();
    queue
}

/// An async-executor [`LocalExecutor`] as a Wakewire single-threaded executor: tasks run
/// while [`block_on`](BlockOn::block_on) runs (`async_io::block_on(executor.run(..))`, as
/// smol does); dropping it drops every unfinished future on this thread.
///
/// ```
/// use std::rc::Rc;
/// use wakewire_adapter_smol::SmolLocal;
/// use wakewire_core::{BlockOn, LocalSpawn};
///
/// let ex = SmolLocal::new();
/// let not_send = Rc::new("local");
/// let task = ex.spawn_local(async move { *not_send }).unwrap();
/// assert_eq!(ex.block_on(task).unwrap(), "local");
/// ```
pub struct SmolLocal {
    executor: LocalExecutor<'static>,
    queue: RunQueue,
}

impl SmolLocal {
    /// A new local executor.
    pub fn new() -> Self {
        let executor = LocalExecutor::new();
        let queue = attach_local_executor(&executor);
        SmolLocal { executor, queue }
    }

    /// A handle that spawns `Send` futures from any thread.
    pub fn spawner(&self) -> RunQueueSpawner {
        self.queue.spawner()
    }

    /// A handle that spawns `!Send` futures on this thread.
    pub fn local_spawner(&self) -> RunQueue {
        self.queue.clone()
    }

    /// The executor, to spawn async-executor tasks next to ours.
    pub fn executor(&self) -> &LocalExecutor<'static> {
        &self.executor
    }
}

impl Default for SmolLocal {
    fn default() -> Self {
        SmolLocal::new()
    }
}

impl Spawn for SmolLocal {
    fn spawn<F>(&self, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.queue.spawn(future)
    }
}

impl LocalSpawn for SmolLocal {
    fn spawn_local<F>(&self, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.queue.spawn_local(future)
    }
}

impl BlockOn for SmolLocal {
    /// # Panics
    ///
    /// When the thread already runs an executor.
    fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _enter =
            wakewire_core::enter::enter().unwrap_or_else(|error| panic!("block_on: {error}"));
        async_io::block_on(self.executor.run(future))
    }
}

impl fmt::Debug for SmolLocal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmolLocal")
            .field("queue", &self.queue)
            .finish()
    }
}
