//! [`TokioExecutor`] and [`TokioSpawner`]: a tokio runtime behind Wakewire's `Spawn` and
//! `BlockOn`, with Wakewire's join contract.

use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::runtime::{Builder, Handle, Runtime};
use wakewire_core::task::{keep_in_place, run_in_place, LiveTasks, Runnable, RUN_IN_A_ROW};
use wakewire_core::waker::noop_waker;
use wakewire_core::{BlockOn, JoinHandle, Spawn, SpawnError};

/// Spawns Wakewire tasks onto a tokio runtime through its [`Handle`].
///
/// Each task is a Wakewire task cell (so panics, cancellation and detaching behave as on
/// every Wakewire executor); tokio runs it: every time the task is scheduled, one tokio
/// task is spawned that polls it once. When the runtime shuts down, every task's future is
/// dropped (queued ones by tokio, waiting ones by this spawner, which keeps their wakers),
/// their handles report cancellation, and later spawns return [`SpawnError`].
///
/// ```
/// use wakewire_adapter_tokio::TokioSpawner;
/// use wakewire_core::Spawn;
///
/// let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).build().unwrap();
/// let spawner = TokioSpawner::new(runtime.handle().clone());
/// let handle = spawner.spawn(async { 6 * 7 }).unwrap();
/// assert_eq!(runtime.block_on(handle).unwrap(), 42);
/// drop(runtime);
/// assert!(spawner.spawn(async {}).is_err());
/// ```
#[derive(Clone)]
pub struct TokioSpawner {
    shared: Arc<Shared>,
}

struct Shared {
    handle: Handle,
    live: LiveTasks,
}

/// Lives in the runtime as a task that never completes: tokio drops it when the runtime
/// shuts down, which closes the live set and so drops every waiting future.
struct ShutdownWatch(LiveTasks);

impl Drop for ShutdownWatch {
    fn drop(&mut self) {
        self.0.close();
    }
}

impl Shared {
    /// Hands a scheduled task to tokio: one tokio task runs it, and then the tasks it
    /// wakes on its worker ([`run_in_place`]), up to [`RUN_IN_A_ROW`]. A runtime that shut
    /// down drops the tokio task at once, and with it the `Runnable`, which cancels our
    /// task.
    fn spawn(self: &Arc<Self>, runnable: Runnable) -> tokio::task::JoinHandle<()> {
        let shared = Arc::clone(self);
        self.handle.spawn(async move {
            let owner = Arc::as_ptr(&shared).cast();
            if let Some(due) = run_in_place(owner, runnable, RUN_IN_A_ROW, || false) {
                shared.reschedule(due);
            }
        })
    }

    /// Schedules a woken task: on a worker that runs one of this spawner's tasks right
    /// now it runs next there ([`keep_in_place`]), saving a tokio spawn per wake.
    fn reschedule(self: &Arc<Self>, runnable: Runnable) {
        match keep_in_place(Arc::as_ptr(self).cast(), runnable) {
            Ok(None) => {}
            Ok(Some(runnable)) | Err(runnable) => drop(self.spawn(runnable)),
        }
    }
}

impl TokioSpawner {
    /// A spawner onto the runtime behind `handle` (`multi_thread` or `current_thread`;
    /// on a `current_thread` runtime tasks run while its `block_on` does).
    pub fn new(handle: Handle) -> Self {
        let live = LiveTasks::new();
        let watch = ShutdownWatch(live.clone());
        drop(handle.spawn(async move {
            let _watch = watch;
            std::future::pending::<()>().await;
        }));
        TokioSpawner {
            shared: Arc::new(Shared { handle, live }),
        }
    }

    /// tokio's handle.
    pub fn handle(&self) -> &Handle {
        &self.shared.handle
    }

    /// The tasks of this spawner whose futures are alive.
    pub fn live_tasks(&self) -> usize {
        self.shared.live.len()
    }
}

impl Spawn for TokioSpawner {
    fn spawn<F>(&self, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let shared = Arc::clone(&self.shared);
        let (runnable, handle) = self
            .shared
            .live
            .spawn(future, move |runnable| shared.reschedule(runnable))?;
        let mut first = self.shared.spawn(runnable);
        if first.is_finished() && refused(&mut first) {
            // tokio dropped the task inside `spawn`, so our future is gone already.
            drop(handle);
            return Err(SpawnError::shutdown());
        }
        Ok(handle)
    }
}

/// Whether a finished tokio task was cancelled, which for a task nobody aborts means its
/// runtime refused it (it shut down).
fn refused(task: &mut tokio::task::JoinHandle<()>) -> bool {
    let waker = noop_waker();
    matches!(
        Pin::new(task).poll(&mut Context::from_waker(&waker)),
        Poll::Ready(Err(error)) if error.is_cancelled()
    )
}

impl BlockOn for TokioSpawner {
    /// Runs `future` with `Handle::block_on`: on a `multi_thread` runtime the workers go on
    /// running tasks; a `current_thread` runtime's tasks do not run meanwhile.
    ///
    /// # Panics
    ///
    /// When the thread already runs an executor (Wakewire's or tokio's).
    fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _enter =
            wakewire_core::enter::enter().unwrap_or_else(|error| panic!("block_on: {error}"));
        self.shared.handle.block_on(future)
    }
}

impl fmt::Debug for TokioSpawner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokioSpawner")
            .field("live", &self.shared.live)
            .finish()
    }
}

/// A tokio runtime you own, as a Wakewire executor: [`Spawn`] through a [`TokioSpawner`],
/// [`BlockOn`] through the runtime's `block_on`. Dropping it shuts the runtime down (every
/// unfinished future is dropped, their handles report cancellation).
///
/// ```
/// use wakewire_adapter_tokio::TokioExecutor;
/// use wakewire_core::{BlockOn, Spawn};
///
/// let ex = TokioExecutor::multi_thread(2).unwrap();
/// let task = ex.spawn(async { "ran on a tokio worker" }).unwrap();
/// assert_eq!(ex.block_on(task).unwrap(), "ran on a tokio worker");
/// ```
pub struct TokioExecutor {
    spawner: TokioSpawner,
    runtime: Runtime,
}

impl TokioExecutor {
    /// Adapts `runtime`.
    pub fn new(runtime: Runtime) -> Self {
        TokioExecutor {
            spawner: TokioSpawner::new(runtime.handle().clone()),
            runtime,
        }
    }

    /// A `multi_thread` runtime with `workers` worker threads and tokio's I/O and timer
    /// enabled (so tokio leaf futures work in its tasks without a `TokioReactor`).
    ///
    /// # Errors
    ///
    /// The error of building the runtime.
    pub fn multi_thread(workers: usize) -> io::Result<Self> {
        let runtime = Builder::new_multi_thread()
            .worker_threads(workers.max(1))
            .thread_name("wakewire-tokio-worker")
            .enable_all()
            .build()?;
        Ok(TokioExecutor::new(runtime))
    }

    /// A spawner for this runtime.
    pub fn spawner(&self) -> TokioSpawner {
        self.spawner.clone()
    }

    /// The runtime.
    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    /// Shuts the runtime down and waits for its workers: every unfinished future is
    /// dropped before this returns.
    pub fn shutdown(self) {
        drop(self);
    }
}

impl Spawn for TokioExecutor {
    fn spawn<F>(&self, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.spawner.spawn(future)
    }
}

impl BlockOn for TokioExecutor {
    /// # Panics
    ///
    /// When the thread already runs an executor (Wakewire's or tokio's).
    fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _enter =
            wakewire_core::enter::enter().unwrap_or_else(|error| panic!("block_on: {error}"));
        self.runtime.block_on(future)
    }
}

impl fmt::Debug for TokioExecutor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokioExecutor")
            .field("spawner", &self.spawner)
            .finish()
    }
}
