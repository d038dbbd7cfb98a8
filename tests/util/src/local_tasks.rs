//! Running a test that spawns `!Send` tasks, on Wakewire's local executor.

use std::future::Future;
use std::time::Duration;

use wakewire_core::{BlockOn, LocalSpawn};
use wakewire_executor_local::{LocalExecutor, LocalSpawner};

use crate::watchdog;

/// Spawns detached `!Send` tasks onto the executor a test runs on.
#[derive(Clone, Debug)]
pub struct LocalTasks(LocalSpawner);

impl LocalTasks {
    /// Spawns `future` as a detached task.
    ///
    /// # Panics
    ///
    /// When the executor has shut down.
    pub fn spawn(&self, future: impl Future<Output = ()> + 'static) {
        LocalSpawn::spawn_local(&self.0, future)
            .expect("the executor is running")
            .detach();
    }
}

/// Runs the future `test` makes (given a way to spawn tasks next to it) to completion on
/// Wakewire's local executor, under a 20 s watchdog. For a reactor crate's own tests of
/// its semantics; running on every executor is the matrix's job.
///
/// ```
/// use wakewire_test_util::run_local;
///
/// let answer = run_local(|tasks| async move {
///     let (tx, rx) = std::sync::mpsc::channel();
///     tasks.spawn(async move { tx.send(42).unwrap() });
///     wakewire_core::future::yield_now().await;
///     rx.recv().unwrap()
/// });
/// assert_eq!(answer, 42);
/// ```
pub fn run_local<F: Future>(test: impl FnOnce(LocalTasks) -> F) -> F::Output {
    let _watchdog = watchdog("a test on the local executor", Duration::from_secs(20));
    let ex = LocalExecutor::new();
    let tasks = LocalTasks(ex.local_spawner());
    BlockOn::block_on(&ex, test(tasks))
}
