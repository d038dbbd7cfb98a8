//! Executors as the matrix sees them: [`CellExecutor`] (one executor, built for one cell,
//! behind the object-safe core traits), [`ExecutorUnderTest`] (any executor implementing
//! the core traits, as a `CellExecutor`) and [`ExecutorEntry`] (a row of the matrix: a name
//! and how to build the executor, on its own or waiting in a reactor's park).

use std::fmt;
use std::sync::Arc;

use wakewire_core::park::BoxPark;
use wakewire_core::{BlockOn, DynBlockOn, DynLocalSpawn, DynSpawn, LocalSpawn, Spawn};

use crate::kit::context::RemoteSpawner;

/// One executor, built for one cell and used on the thread that built it, seen through
/// the object-safe forms of the core traits.
///
/// Implement it by hand for an executor that needs more than [`ExecutorUnderTest`] offers;
/// usually `ExecutorUnderTest::new(ex).spawns()...boxed()` is all it takes.
pub trait CellExecutor {
    /// Runs a future to completion on this thread ([`BlockOn`]).
    fn block_on(&self) -> &dyn DynBlockOn;

    /// Spawns `Send` futures ([`Spawn`]); `None` for an executor that spawns nothing (a
    /// plain `block_on`).
    fn spawner(&self) -> Option<&dyn DynSpawn> {
        None
    }

    /// Spawns `!Send` futures onto this thread ([`LocalSpawn`]), if the executor can.
    fn local_spawner(&self) -> Option<&dyn DynLocalSpawn> {
        None
    }

    /// A `Send + Sync` spawner usable from other threads and from inside tasks, which
    /// outlives the executor (and then refuses): needed for spawning from outside, from
    /// inside, and after shutdown.
    fn remote_spawner(&self) -> Option<RemoteSpawner> {
        None
    }

    /// Shuts the executor down: every unfinished future is dropped before this returns.
    fn shutdown(self: Box<Self>);
}

/// Any executor implementing the core traits, as a [`CellExecutor`]: say which traits it
/// offers, and how it shuts down (dropping it, unless told otherwise).
///
/// ```
/// use wakewire_core::block_on::Blocker;
/// use wakewire_executor_local::LocalExecutor;
/// use wakewire_matrix::{CellExecutor, ExecutorUnderTest};
///
/// // A plain block_on: BlockOn only.
/// let blocker: Box<dyn CellExecutor> = ExecutorUnderTest::new(Blocker::new()).boxed();
/// assert!(blocker.spawner().is_none());
///
/// // Wakewire's local executor: every trait, and a spawner for other threads.
/// let ex = LocalExecutor::new();
/// let remote = ex.spawner();
/// let local = ExecutorUnderTest::new(ex).spawns().spawns_local().remote(remote).boxed();
/// assert!(local.local_spawner().is_some());
/// ```
pub struct ExecutorUnderTest<E> {
    executor: E,
    spawn: Option<fn(&E) -> &dyn DynSpawn>,
    local: Option<fn(&E) -> &dyn DynLocalSpawn>,
    remote: Option<RemoteSpawner>,
    shutdown: Option<Box<dyn FnOnce(E)>>,
}

fn as_spawn<E: Spawn>(executor: &E) -> &dyn DynSpawn {
    executor
}

fn as_local_spawn<E: LocalSpawn>(executor: &E) -> &dyn DynLocalSpawn {
    executor
}

impl<E: BlockOn + 'static> ExecutorUnderTest<E> {
    /// An executor that can at least block on a future.
    pub fn new(executor: E) -> Self {
        ExecutorUnderTest {
            executor,
            spawn: None,
            local: None,
            remote: None,
            shutdown: None,
        }
    }

    /// It spawns `Send` futures.
    pub fn spawns(mut self) -> Self
    where
        E: Spawn,
    {
        self.spawn = Some(as_spawn::<E>);
        self
    }

    /// It spawns `!Send` futures.
    pub fn spawns_local(mut self) -> Self
    where
        E: LocalSpawn,
    {
        self.local = Some(as_local_spawn::<E>);
        self
    }

    /// Its spawner for other threads (one that refuses once the executor is gone).
    pub fn remote(mut self, spawner: impl Spawn + Send + Sync + 'static) -> Self {
        self.remote = Some(RemoteSpawner::new(spawner));
        self
    }

    /// How it shuts down, when dropping it is not enough (a pool's `shutdown(timeout)`).
    pub fn shutdown_with(mut self, shutdown: impl FnOnce(E) + 'static) -> Self {
        self.shutdown = Some(Box::new(shutdown));
        self
    }

    /// Boxes it for the matrix.
    pub fn boxed(self) -> Box<dyn CellExecutor> {
        Box::new(self)
    }
}

impl<E: BlockOn + 'static> CellExecutor for ExecutorUnderTest<E> {
    fn block_on(&self) -> &dyn DynBlockOn {
        &self.executor
    }

    fn spawner(&self) -> Option<&dyn DynSpawn> {
        self.spawn.map(|spawn| spawn(&self.executor))
    }

    fn local_spawner(&self) -> Option<&dyn DynLocalSpawn> {
        self.local.map(|local| local(&self.executor))
    }

    fn remote_spawner(&self) -> Option<RemoteSpawner> {
        self.remote.clone()
    }

    fn shutdown(self: Box<Self>) {
        let this = *self;
        match this.shutdown {
            Some(shutdown) => shutdown(this.executor),
            None => drop(this.executor),
        }
    }
}

impl<E> fmt::Debug for ExecutorUnderTest<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExecutorUnderTest")
            .field("executor", &std::any::type_name::<E>())
            .field("spawns", &self.spawn.is_some())
            .field("spawns_local", &self.local.is_some())
            .field("remote", &self.remote.is_some())
            .finish()
    }
}

/// How the reactor of a cell is driven, as the executor sees it.
#[derive(Debug)]
pub enum Drive {
    /// The reactor runs on a thread of its own (or needs no driver): the executor waits in
    /// its usual park.
    OwnThread,
    /// The executor must wait in this park, which turns the reactor (a pool shares it
    /// among its workers with core's `SharedPark`).
    Park(BoxPark),
}

type BuildOnThread = dyn Fn() -> Box<dyn CellExecutor> + Send + Sync;
type BuildWithPark = dyn Fn(BoxPark) -> Box<dyn CellExecutor> + Send + Sync;

/// A row of the matrix: an executor's name, what it is, and how to build a fresh one for
/// a cell, on its own and (if it can) waiting in a reactor's park.
///
/// ```
/// use wakewire_core::block_on::Blocker;
/// use wakewire_matrix::{ExecutorEntry, ExecutorUnderTest};
///
/// let entry = ExecutorEntry::new("plain-block-on", "core's Blocker", || {
///     ExecutorUnderTest::new(Blocker::new()).boxed()
/// })
/// .with_park(|park| ExecutorUnderTest::new(Blocker::with_park(park)).boxed());
/// assert_eq!(entry.name(), "plain-block-on");
/// assert!(entry.park_mode().is_ok());
/// ```
#[derive(Clone)]
pub struct ExecutorEntry {
    name: String,
    about: String,
    on_thread: Arc<BuildOnThread>,
    with_park: Result<Arc<BuildWithPark>, String>,
}

impl ExecutorEntry {
    /// An entry named `name` (short, kebab-case: it heads a row) that builds executors
    /// with `build`. Until [`with_park`](Self::with_park) is called, park mode is `n/a`.
    pub fn new(
        name: impl Into<String>,
        about: impl Into<String>,
        build: impl Fn() -> Box<dyn CellExecutor> + Send + Sync + 'static,
    ) -> Self {
        ExecutorEntry {
            name: name.into(),
            about: about.into(),
            on_thread: Arc::new(build),
            with_park: Err("the executor takes no Park: it waits in its own way".to_owned()),
        }
    }

    /// How to build the executor waiting in a given park (park mode).
    pub fn with_park(
        mut self,
        build: impl Fn(BoxPark) -> Box<dyn CellExecutor> + Send + Sync + 'static,
    ) -> Self {
        self.with_park = Ok(Arc::new(build));
        self
    }

    /// Why the executor cannot wait in a Wakewire park (park-mode cells say this).
    pub fn without_park(mut self, reason: impl Into<String>) -> Self {
        self.with_park = Err(reason.into());
        self
    }

    /// The row's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What the executor is.
    pub fn about(&self) -> &str {
        &self.about
    }

    /// `Ok` if the executor can wait in a reactor's park, else why not.
    pub fn park_mode(&self) -> Result<(), &str> {
        self.with_park.as_ref().map(|_| ()).map_err(String::as_str)
    }

    /// A fresh executor driven as `drive` says.
    ///
    /// # Errors
    ///
    /// The reason, when the executor cannot wait in a park.
    pub fn build(&self, drive: Drive) -> Result<Box<dyn CellExecutor>, String> {
        match drive {
            Drive::OwnThread => Ok((self.on_thread)()),
            Drive::Park(park) => match &self.with_park {
                Ok(build) => Ok(build(park)),
                Err(reason) => Err(reason.clone()),
            },
        }
    }
}

impl fmt::Debug for ExecutorEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExecutorEntry")
            .field("name", &self.name)
            .field("park_mode", &self.park_mode().is_ok())
            .finish()
    }
}
