//! [`PoolSpawner`]: spawn onto a pool from anywhere.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use wakewire_core::{JoinHandle, Spawn, SpawnError};

use crate::shared::Shared;

/// Spawns onto a [`Pool`](crate::Pool) from any thread, including its own tasks.
///
/// Cheap to clone, `Send` and `Sync`. Spawning from one of the pool's workers queues the
/// task on that worker; from any other thread, on the pool's injector. Once the pool has
/// shut down, spawning returns [`SpawnError`] and drops the future before returning.
///
/// ```
/// use std::thread;
/// use wakewire_core::{BlockOn, Spawn};
/// use wakewire_executor_pool::Pool;
///
/// let pool = Pool::builder().workers(2).build();
/// let handle = pool.spawner();
/// let task = thread::spawn(move || handle.spawn(async { 6 * 7 }).unwrap())
///     .join()
///     .unwrap();
/// assert_eq!(pool.block_on(task).unwrap(), 42);
/// ```
#[derive(Clone)]
pub struct PoolSpawner {
    shared: Arc<Shared>,
}

impl PoolSpawner {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        PoolSpawner { shared }
    }

    /// Whether the pool has begun shutting down (spawns then fail).
    pub fn is_shutdown(&self) -> bool {
        self.shared.is_shutdown()
    }
}

impl Spawn for PoolSpawner {
    fn spawn<F>(&self, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.shared.spawn(future)
    }
}

impl fmt::Debug for PoolSpawner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PoolSpawner")
            .field("workers", &self.shared.workers())
            .field("shutdown", &self.shared.is_shutdown())
            .finish()
    }
}
