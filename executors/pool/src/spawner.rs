//! [`PoolSpawner`]: spawn onto a pool from anywhere.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use wakewire_core::{JoinHandle, Spawn, SpawnError};

use crate::deques::Crossbeam;
use crate::state::PoolState;

/// Spawns onto a [`Pool`](crate::Pool) from any thread, including its own tasks.
///
/// Cheap to clone, `Send` and `Sync`. Spawning from one of the pool's workers queues the
/// task on that worker; from any other thread, on the pool's injector. Once the pool has
/// shut down, spawning returns [`SpawnError`] and drops the future before returning.
///
/// ```
/// use std::thread;
/// use wakewire_executor_pool::Pool;
///
/// let pool = Pool::builder().workers(2).build();
/// let spawner = pool.spawner();
/// let task = thread::spawn(move || spawner.spawn(async { 6 * 7 }).unwrap())
///     .join()
///     .unwrap();
/// assert_eq!(pool.block_on(task).unwrap(), 42);
/// ```
#[derive(Clone)]
pub struct PoolSpawner {
    state: Arc<PoolState<Crossbeam>>,
}

impl PoolSpawner {
    pub(crate) fn new(state: Arc<PoolState<Crossbeam>>) -> Self {
        PoolSpawner { state }
    }

    /// Starts running `future` on the pool's workers and returns a handle to its output;
    /// see [`Pool::spawn`](crate::Pool::spawn).
    ///
    /// # Errors
    ///
    /// [`SpawnError`] once the pool has begun shutting down (the future is dropped at
    /// once, on this thread).
    pub fn spawn<F>(&self, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.state.spawn(future)
    }

    /// Whether the pool has begun shutting down (spawns then fail).
    pub fn is_shutdown(&self) -> bool {
        self.state.is_shutdown()
    }
}

impl Spawn for PoolSpawner {
    fn spawn<F>(&self, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        PoolSpawner::spawn(self, future)
    }
}

impl fmt::Debug for PoolSpawner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PoolSpawner")
            .field("workers", &self.state.workers())
            .field("shutdown", &self.state.is_shutdown())
            .finish()
    }
}
