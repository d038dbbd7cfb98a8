//! The process-wide default pool behind [`spawn_blocking`].

use std::sync::OnceLock;

use crate::blocking_job::BlockingJob;
use crate::pool::BlockingPool;

static GLOBAL: OnceLock<BlockingPool> = OnceLock::new();

/// The default pool, built with [`BlockingPool::new`] on first use and never shut down.
///
/// Its threads exit after the default keep-alive, so an idle process holds none.
pub fn global_pool() -> &'static BlockingPool {
    GLOBAL.get_or_init(BlockingPool::new)
}

/// Runs `closure` on the default [`BlockingPool`]; the returned future resolves to its value.
///
/// The job is queued at once; dropping the future before it starts cancels it.
///
/// ```
/// use wakewire_executor_local::LocalExecutor;
/// use wakewire_reactor_blocking::spawn_blocking;
///
/// let ex = LocalExecutor::new();
/// let len = ex.block_on(async {
///     spawn_blocking(|| std::fs::read_dir(".").map(|dir| dir.count()).unwrap_or(0)).await
/// });
/// assert!(len.is_ok());
/// ```
///
/// # Errors
///
/// The future resolves to a [`BlockingError`](crate::BlockingError) if the closure panics.
/// (The default pool never shuts down.)
pub fn spawn_blocking<F, T>(closure: F) -> BlockingJob<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    global_pool().spawn(closure)
}
