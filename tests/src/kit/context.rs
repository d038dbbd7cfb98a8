//! [`CellContext`]: what a scenario gets besides the reactor: where to say what it waits
//! for, and a spawner of the cell's executor.

use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use wakewire_core::spawn::BoxFuture;
use wakewire_core::task::Runnable;
use wakewire_core::{DynSpawn, JoinHandle, Spawn, SpawnError};

/// The progress of one cell: which scenario runs, where it waits, and since when. The
/// cell's supervisor reads it to name the scenario and the wait of a cell that hangs.
#[derive(Clone, Default)]
pub(crate) struct Progress {
    state: Arc<Mutex<ProgressState>>,
}

#[derive(Default)]
struct ProgressState {
    scenario: &'static str,
    waiting_at: String,
    since: Option<Instant>,
    notes: Vec<String>,
}

impl Progress {
    fn lock(&self) -> std::sync::MutexGuard<'_, ProgressState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn begin(&self, scenario: &'static str) {
        let mut state = self.lock();
        state.scenario = scenario;
        state.waiting_at = "starting".to_owned();
        state.since = Some(Instant::now());
    }

    pub(crate) fn at(&self, what: impl Into<String>) {
        self.lock().waiting_at = what.into();
    }

    /// The scenario, where it waits, and for how long it has run.
    pub(crate) fn snapshot(&self) -> (&'static str, String, Duration) {
        let state = self.lock();
        let elapsed = state.since.map_or(Duration::ZERO, |since| since.elapsed());
        (state.scenario, state.waiting_at.clone(), elapsed)
    }

    pub(crate) fn note(&self, note: String) {
        self.lock().notes.push(note);
    }

    pub(crate) fn notes(&self) -> Vec<String> {
        self.lock().notes.clone()
    }
}

/// A `Send + Sync` spawner of the cell's executor, usable from any thread and inside its
/// tasks; it implements core's [`Spawn`] (typed outputs) on top of the executor's
/// [`DynSpawn`].
#[derive(Clone)]
pub struct RemoteSpawner {
    inner: Arc<dyn DynSpawn + Send + Sync>,
}

impl RemoteSpawner {
    /// Wraps an executor's spawner.
    pub fn new(spawner: impl Spawn + Send + Sync + 'static) -> Self {
        RemoteSpawner {
            inner: Arc::new(spawner),
        }
    }

    /// The object-safe spawner.
    pub fn as_dyn(&self) -> &(dyn DynSpawn + Send + Sync) {
        &*self.inner
    }
}

impl Spawn for RemoteSpawner {
    /// Spawns `future` as a core task whose every run is a tiny task of the executor
    /// (the recipe the adapters use for foreign executors), so the output keeps its type.
    fn spawn<F>(&self, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        let schedule = move |runnable: Runnable| {
            let run: BoxFuture<()> = Box::pin(async move {
                runnable.run();
            });
            // A refused run drops the runnable, which cancels the task: its handle reports
            // the cancellation.
            let _ = inner.spawn_dyn(run).map(JoinHandle::detach);
        };
        let (runnable, handle) = wakewire_core::task::spawn(future, schedule);
        let first: BoxFuture<()> = Box::pin(async move {
            runnable.run();
        });
        match self.inner.spawn_dyn(first) {
            Ok(run) => {
                run.detach();
                Ok(handle)
            }
            Err(error) => Err(error),
        }
    }
}

impl fmt::Debug for RemoteSpawner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemoteSpawner").finish_non_exhaustive()
    }
}

/// What a scenario gets from the cell it runs in.
#[derive(Clone)]
pub struct CellContext {
    pub(crate) progress: Progress,
    pub(crate) spawner: Option<RemoteSpawner>,
}

impl CellContext {
    /// Says what the scenario is about to wait for: if the cell hangs, the failure names
    /// the scenario and this text.
    pub fn at(&self, what: impl Into<String>) {
        self.progress.at(what.into());
    }

    /// Adds a remark to the cell's report (an observed behaviour worth knowing, such as
    /// how a nested `block_on` ended).
    pub fn note(&self, note: impl Into<String>) {
        self.progress.note(note.into());
    }

    /// A spawner of the cell's executor, when it can spawn `Send` futures.
    pub fn spawner(&self) -> Option<&RemoteSpawner> {
        self.spawner.as_ref()
    }
}

impl fmt::Debug for CellContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CellContext")
            .field("spawner", &self.spawner.is_some())
            .finish_non_exhaustive()
    }
}
