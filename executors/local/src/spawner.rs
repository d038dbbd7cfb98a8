//! Handles that spawn onto a [`LocalExecutor`](crate::LocalExecutor) without borrowing it.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;

use wakewire_core::{JoinHandle, LocalSpawn, Spawn, SpawnError};

use crate::ready_queue::ReadyQueue;

/// Spawns `Send` futures onto a [`LocalExecutor`](crate::LocalExecutor) from any thread.
///
/// The tasks still run on the executor's thread. Once the executor is dropped, spawning
/// returns [`SpawnError`] and drops the future before returning.
///
/// ```
/// use std::thread;
/// use wakewire_executor_local::LocalExecutor;
///
/// let ex = LocalExecutor::new();
/// let spawner = ex.spawner();
/// let handle = thread::spawn(move || spawner.spawn(async { 7 }).unwrap()).join().unwrap();
/// assert_eq!(ex.block_on(handle).unwrap(), 7);
/// ```
#[derive(Clone)]
pub struct Spawner {
    queue: Arc<ReadyQueue>,
}

impl Spawner {
    pub(crate) fn new(queue: Arc<ReadyQueue>) -> Self {
        Spawner { queue }
    }

    /// Starts running `future` on the executor's thread and returns a handle to its
    /// output. Dropping the handle detaches the task.
    ///
    /// # Errors
    ///
    /// [`SpawnError`] once the executor has been dropped (the future is dropped at once,
    /// on this thread).
    pub fn spawn<F>(&self, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.queue.spawn(future)
    }
}

impl Spawn for Spawner {
    fn spawn<F>(&self, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        Spawner::spawn(self, future)
    }
}

impl fmt::Debug for Spawner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Spawner").finish_non_exhaustive()
    }
}

/// Spawns `!Send` (and `Send`) futures onto a [`LocalExecutor`](crate::LocalExecutor) from
/// its own thread; tasks can keep a clone to spawn more.
///
/// Once the executor is dropped, spawning returns [`SpawnError`] and drops the future
/// before returning.
///
/// ```
/// use std::rc::Rc;
/// use wakewire_executor_local::LocalExecutor;
///
/// let ex = LocalExecutor::new();
/// let spawner = ex.local_spawner();
/// let total = ex.block_on(async move {
///     let child = spawner.spawn_local(async { Rc::new(20) }).unwrap();
///     *child.await.unwrap() + 1
/// });
/// assert_eq!(total, 21);
/// ```
#[derive(Clone)]
pub struct LocalSpawner {
    spawner: Spawner,
    /// `spawn_local` is only sound on the executor's thread.
    _not_send: PhantomData<*const ()>,
}

impl LocalSpawner {
    pub(crate) fn new(queue: Arc<ReadyQueue>) -> Self {
        LocalSpawner {
            spawner: Spawner::new(queue),
            _not_send: PhantomData,
        }
    }

    /// As [`Spawner::spawn`].
    ///
    /// # Errors
    ///
    /// [`SpawnError`] once the executor has been dropped (the future is dropped at once).
    pub fn spawn<F>(&self, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.spawner.spawn(future)
    }

    /// Starts running a future that may be `!Send` on the executor (this thread) and
    /// returns a handle to its output. Dropping the handle detaches the task.
    ///
    /// # Errors
    ///
    /// [`SpawnError`] once the executor has been dropped (the future is dropped at once).
    pub fn spawn_local<F>(&self, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.spawner.queue.spawn_local(future)
    }
}

impl Spawn for LocalSpawner {
    fn spawn<F>(&self, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        LocalSpawner::spawn(self, future)
    }
}

impl LocalSpawn for LocalSpawner {
    fn spawn_local<F>(&self, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        LocalSpawner::spawn_local(self, future)
    }
}

impl fmt::Debug for LocalSpawner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalSpawner").finish_non_exhaustive()
    }
}
