//! Shared test helpers: the executor matrix, a watchdog, misbehaving wakers.
#![allow(dead_code, unused_imports, unreachable_pub)]

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc as std_mpsc, Arc};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

pub use wakewire_core::waker::{counting_waker, noop_waker, WakeCounter};

pub type LocalBoxFuture = Pin<Box<dyn Future<Output = ()>>>;

/// Spawns a detached `!Send` task on the executor a scenario runs on.
#[derive(Clone)]
pub struct Spawner(Rc<dyn Fn(LocalBoxFuture)>);

impl Spawner {
    pub fn spawn(&self, future: impl Future<Output = ()> + 'static) {
        (self.0)(Box::pin(future))
    }
}

/// Runs `scenario` on Wakewire's local executor.
pub fn run_local(scenario: impl FnOnce(Spawner) -> LocalBoxFuture) {
    use wakewire_core::{BlockOn, LocalSpawn};
    let _watchdog = Watchdog::arm("run_local", Duration::from_secs(20));
    let ex = wakewire_executor_local::LocalExecutor::new();
    let local = ex.local_spawner();
    let spawner = Spawner(Rc::new(move |f| drop(local.spawn_local(f).unwrap())));
    ex.block_on(scenario(spawner));
}

/// Runs `scenario` on futures-executor's `LocalPool`.
pub fn run_futures(scenario: impl FnOnce(Spawner) -> LocalBoxFuture) {
    use futures_util::task::LocalSpawnExt;
    let _watchdog = Watchdog::arm("run_futures", Duration::from_secs(20));
    let mut pool = futures_executor::LocalPool::new();
    let local = pool.spawner();
    let spawner = Spawner(Rc::new(move |f| local.spawn_local(f).unwrap()));
    pool.run_until(scenario(spawner));
}

/// Runs `scenario` on tokio's current_thread runtime (tasks in a `LocalSet`).
pub fn run_tokio(scenario: impl FnOnce(Spawner) -> LocalBoxFuture) {
    let _watchdog = Watchdog::arm("run_tokio", Duration::from_secs(20));
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let set = tokio::task::LocalSet::new();
    let spawner = Spawner(Rc::new(|f| drop(tokio::task::spawn_local(f))));
    rt.block_on(set.run_until(scenario(spawner)));
}

/// Runs `scenario` on async-executor's `LocalExecutor` (smol's), driven by
/// futures-executor's `block_on`.
pub fn run_async_executor(scenario: impl FnOnce(Spawner) -> LocalBoxFuture) {
    let _watchdog = Watchdog::arm("run_async_executor", Duration::from_secs(20));
    let ex = Rc::new(async_executor::LocalExecutor::new());
    let local = Rc::clone(&ex);
    let spawner = Spawner(Rc::new(move |f| local.spawn(f).detach()));
    futures_executor::block_on(ex.run(scenario(spawner)));
}

/// One `#[test]` per executor for each `scenario: fn(Spawner) -> LocalBoxFuture`.
#[macro_export]
macro_rules! on_every_executor {
    ($($scenario:ident),* $(,)?) => {
        $(
            mod $scenario {
                #[test]
                fn wakewire_local() {
                    $crate::util::run_local(super::$scenario);
                }
                #[test]
                fn futures_local_pool() {
                    $crate::util::run_futures(super::$scenario);
                }
                #[test]
                fn tokio_current_thread() {
                    $crate::util::run_tokio(super::$scenario);
                }
                #[test]
                fn async_executor_local() {
                    $crate::util::run_async_executor(super::$scenario);
                }
            }
        )*
    };
}

/// Aborts the process with a message if not dropped within the deadline: a lost wakeup
/// becomes a loud failure instead of a hung test run.
pub struct Watchdog {
    disarm: std_mpsc::Sender<()>,
}

impl Watchdog {
    pub fn arm(what: &'static str, deadline: Duration) -> Watchdog {
        let (disarm, disarmed) = std_mpsc::channel::<()>();
        std::thread::spawn(move || {
            if let Err(std_mpsc::RecvTimeoutError::Timeout) = disarmed.recv_timeout(deadline) {
                eprintln!("watchdog: {what} did not finish within {deadline:?} (lost wakeup?)");
                std::process::abort();
            }
        });
        Watchdog { disarm }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        let _ = self.disarm.send(());
    }
}

/// `RELIABILITY_SCALE` (default 1.0) applied to a count, at least 1.
pub fn scaled(count: usize) -> usize {
    let scale = std::env::var("RELIABILITY_SCALE")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(1.0);
    ((count as f64 * scale) as usize).max(1)
}

/// A waker whose `wake`/`wake_by_ref` panic; counts the attempts.
pub fn panicking_waker() -> (Waker, Arc<AtomicUsize>) {
    struct Panicky(Arc<AtomicUsize>);
    impl Wake for Panicky {
        fn wake(self: Arc<Self>) {
            self.wake_by_ref();
        }
        fn wake_by_ref(self: &Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
            panic!("this waker panics on purpose");
        }
    }
    let attempts = Arc::new(AtomicUsize::new(0));
    (Waker::from(Arc::new(Panicky(attempts.clone()))), attempts)
}

/// Polls `future` once with `waker`.
pub fn poll_once<F: Future + Unpin>(future: &mut F, waker: &Waker) -> Poll<F::Output> {
    Pin::new(future).poll(&mut Context::from_waker(waker))
}

/// A waker that runs `hook` when its last clone is dropped, and counts its wakes.
///
/// Stands for the last waker of a foreign executor's task: dropping it frees the task, and
/// with it whatever the task owned (a channel handle, a pending future), whose `Drop` calls
/// back into the channel that dropped the waker.
pub fn reenters_on_drop(hook: impl FnOnce() + Send + 'static) -> (Waker, WakeCounter) {
    struct OnDrop {
        hook: std::sync::Mutex<Option<Box<dyn FnOnce() + Send>>>,
        counter: Waker,
    }
    impl Wake for OnDrop {
        fn wake(self: Arc<Self>) {
            self.counter.wake_by_ref();
        }
        fn wake_by_ref(self: &Arc<Self>) {
            self.counter.wake_by_ref();
        }
    }
    impl Drop for OnDrop {
        fn drop(&mut self) {
            let hook = self.hook.lock().unwrap().take();
            if let Some(hook) = hook {
                hook();
            }
        }
    }
    let (counter, wakes) = counting_waker();
    let waker = Waker::from(Arc::new(OnDrop {
        hook: std::sync::Mutex::new(Some(Box::new(hook))),
        counter,
    }));
    (waker, wakes)
}

/// Runs `body` on its own thread and fails the test if it has not finished within
/// `limit`: a deadlock becomes a failed assertion (the stuck thread is left behind).
pub fn finishes_within(what: &str, limit: Duration, body: impl FnOnce() + Send + 'static) {
    let (done, finished) = std_mpsc::channel();
    let runner = std::thread::spawn(move || {
        body();
        let _ = done.send(());
    });
    match finished.recv_timeout(limit) {
        Ok(()) => runner.join().unwrap(),
        // The body panicked: report its panic.
        Err(std_mpsc::RecvTimeoutError::Disconnected) => {
            std::panic::resume_unwind(runner.join().unwrap_err())
        }
        Err(std_mpsc::RecvTimeoutError::Timeout) => {
            panic!("{what}: still running after {limit:?} (deadlocked?)")
        }
    }
}
