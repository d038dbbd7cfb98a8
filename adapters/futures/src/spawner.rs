//! [`FuturesSpawner`]: a Wakewire executor seen through the `futures-task` vocabulary.

use futures_task::{FutureObj, LocalFutureObj, SpawnError as FuturesSpawnError};
use wakewire_core::{LocalSpawn, Spawn, SpawnError};

/// Wraps a Wakewire spawner so it implements `futures_task::Spawn` (when it implements
/// [`Spawn`]) and `futures_task::LocalSpawn` (when it implements [`LocalSpawn`]).
///
/// Spawned tasks are detached; a refused spawn (the executor shut down) becomes
/// `futures_task::SpawnError::shutdown()`, and the future has then already been dropped.
///
/// ```
/// use futures_util::task::LocalSpawnExt;
/// use std::rc::Rc;
/// use wakewire_adapter_futures::FuturesSpawner;
/// use wakewire_executor_local::LocalExecutor;
///
/// let ex = LocalExecutor::new();
/// let spawner = FuturesSpawner::new(ex.local_spawner());
/// let shared = Rc::new(3); // !Send is fine on the local executor
/// spawner.spawn_local(async move { assert_eq!(*shared, 3) }).unwrap();
/// assert_eq!(ex.run_until_stalled(), 1);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FuturesSpawner<S>(pub S);

impl<S> FuturesSpawner<S> {
    /// Wraps `spawner`.
    pub fn new(spawner: S) -> Self {
        FuturesSpawner(spawner)
    }

    /// The wrapped spawner.
    pub fn into_inner(self) -> S {
        self.0
    }
}

fn refused(_: SpawnError) -> FuturesSpawnError {
    FuturesSpawnError::shutdown()
}

impl<S: Spawn> futures_task::Spawn for FuturesSpawner<S> {
    fn spawn_obj(&self, future: FutureObj<'static, ()>) -> Result<(), FuturesSpawnError> {
        self.0.spawn(future).map(drop).map_err(refused)
    }
}

impl<S: LocalSpawn> futures_task::LocalSpawn for FuturesSpawner<S> {
    fn spawn_local_obj(
        &self,
        future: LocalFutureObj<'static, ()>,
    ) -> Result<(), FuturesSpawnError> {
        self.0.spawn_local(future).map(drop).map_err(refused)
    }
}
