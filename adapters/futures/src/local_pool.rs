//! [`LocalPoolExecutor`]: futures-executor's `LocalPool` behind Wakewire's `LocalSpawn`,
//! `Spawn` and `BlockOn`.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;

use futures_executor::{LocalPool, LocalSpawner};
use futures_task::{LocalFutureObj, LocalSpawn as _};
use wakewire_core::task::{RunQueue, RunQueueSpawner};
use wakewire_core::{BlockOn, JoinHandle, LocalSpawn, Spawn, SpawnError};

/// Runs Wakewire tasks, `!Send` ones included, on the `LocalPool` behind `spawner`:
/// returns the queue to spawn them with. Call it on the pool's thread.
///
/// The queue's [`Runner`](wakewire_core::task::Runner) becomes one task of the pool; it
/// never completes, so drive the pool with `run_until`, not `run`. When the pool is
/// dropped, every one of our futures is dropped on this thread and the queue refuses
/// further spawns.
///
/// # Errors
///
/// [`SpawnError`] if the pool is gone.
///
/// ```
/// use std::rc::Rc;
/// use wakewire_core::LocalSpawn;
///
/// let mut pool = futures_executor::LocalPool::new();
/// let queue = wakewire_adapter_futures::attach_local_pool(&pool.spawner()).unwrap();
/// let shared = Rc::new(2);
/// let task = queue.spawn_local(async move { *shared * 21 }).unwrap();
/// assert_eq!(pool.run_until(task).unwrap(), 42);
/// ```
pub fn attach_local_pool(spawner: &LocalSpawner) -> Result<RunQueue, SpawnError> {
    let (queue, runner) = RunQueue::new();
    spawner
        .spawn_local_obj(LocalFutureObj::new(Box::new(runner)))
        .map_err(|_| SpawnError::shutdown())?;
    Ok(queue)
}

/// A futures-executor [`LocalPool`] as a Wakewire single-threaded executor: tasks run
/// while [`block_on`](BlockOn::block_on) runs (`LocalPool::run_until`); dropping it drops
/// every unfinished future on this thread.
///
/// ```
/// use std::rc::Rc;
/// use wakewire_adapter_futures::LocalPoolExecutor;
/// use wakewire_core::{BlockOn, LocalSpawn};
///
/// let ex = LocalPoolExecutor::new();
/// let not_send = Rc::new("local");
/// let task = ex.spawn_local(async move { *not_send }).unwrap();
/// assert_eq!(ex.block_on(task).unwrap(), "local");
/// ```
pub struct LocalPoolExecutor {
    pool: RefCell<LocalPool>,
    queue: RunQueue,
}

impl LocalPoolExecutor {
    /// A new local pool.
    pub fn new() -> Self {
        let pool = LocalPool::new();
        let queue = attach_local_pool(&pool.spawner())
            .expect("a new LocalPool accepts tasks: its spawner is alive");
        LocalPoolExecutor {
            pool: RefCell::new(pool),
            queue,
        }
    }

    /// A handle that spawns `Send` futures from any thread.
    pub fn spawner(&self) -> RunQueueSpawner {
        self.queue.spawner()
    }

    /// A handle that spawns `!Send` futures on this thread.
    pub fn local_spawner(&self) -> RunQueue {
        self.queue.clone()
    }
}

impl Default for LocalPoolExecutor {
    fn default() -> Self {
        LocalPoolExecutor::new()
    }
}

impl Spawn for LocalPoolExecutor {
    fn spawn<F>(&self, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.queue.spawn(future)
    }
}

impl LocalSpawn for LocalPoolExecutor {
    fn spawn_local<F>(&self, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.queue.spawn_local(future)
    }
}

impl BlockOn for LocalPoolExecutor {
    /// # Panics
    ///
    /// When the thread already runs an executor, or when called from inside one of this
    /// pool's own tasks.
    fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _enter =
            wakewire_core::enter::enter().unwrap_or_else(|error| panic!("block_on: {error}"));
        self.pool.borrow_mut().run_until(future)
    }
}

impl fmt::Debug for LocalPoolExecutor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalPoolExecutor")
            .field("queue", &self.queue)
            .finish()
    }
}
