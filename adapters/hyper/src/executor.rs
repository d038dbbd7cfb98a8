//! [`HyperExecutor`]: hyper's `Executor` for any Wakewire [`Spawn`].

use std::future::Future;

use wakewire_core::Spawn;

/// Any [`Spawn`] executor as hyper's [`Executor`](hyper::rt::Executor).
///
/// hyper hands the futures it runs in the background to an `Executor`: HTTP/2 streams and
/// connection drivers, and the connection tasks of pooled clients built on hyper. This
/// newtype spawns them with [`Spawn::spawn`] and detaches the task, so they run on
/// whichever executor `S` is: the local executor's `Spawner`, the pool, a foreign executor
/// behind a `Spawn` adapter. hyper's HTTP/1 connections spawn nothing; you spawn them
/// yourself (or through this type, as below).
///
/// ```
/// use hyper::rt::Executor;
/// use wakewire_adapter_hyper::HyperExecutor;
/// use wakewire_core::BlockOn;
/// use wakewire_executor_local::LocalExecutor;
///
/// let ex = LocalExecutor::new();
/// let (tx, rx) = std::sync::mpsc::channel();
/// HyperExecutor::new(ex.spawner()).execute(async move { tx.send(42).unwrap() });
/// ex.block_on(wakewire_core::future::yield_now()); // give the task its turn
/// assert_eq!(rx.try_recv(), Ok(42));
/// ```
///
/// # Errors
///
/// `Executor::execute` returns nothing, so a spawn that fails because the executor has
/// shut down cannot be reported: the future is then dropped at once, as [`Spawn::spawn`]
/// documents, and whatever hyper meant to drive with it ends (its peers see the
/// connection close).
#[derive(Debug, Clone, Copy, Default)]
pub struct HyperExecutor<S> {
    spawner: S,
}

impl<S> HyperExecutor<S> {
    /// Wraps `spawner`.
    pub fn new(spawner: S) -> Self {
        HyperExecutor { spawner }
    }

    /// The wrapped spawner.
    pub fn get_ref(&self) -> &S {
        &self.spawner
    }

    /// Unwraps the spawner.
    pub fn into_inner(self) -> S {
        self.spawner
    }
}

impl<S, F> hyper::rt::Executor<F> for HyperExecutor<S>
where
    S: Spawn,
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    fn execute(&self, future: F) {
        // On `Err` the executor has shut down and the future is already dropped; see the
        // type's `# Errors`.
        if let Ok(task) = self.spawner.spawn(future) {
            task.detach();
        }
    }
}
