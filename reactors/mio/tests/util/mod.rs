//! Shared helpers: the executor table, a watchdog, fd counting and the scale knob.
#![allow(dead_code, unreachable_pub, missing_docs)]

use std::future::Future;
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use wakewire_executor_local::LocalExecutor;
use wakewire_reactor_mio::{Handle, Reactor};

/// Runs `body` on the local executor with the global reactor (its own thread).
pub fn local<F: Future>(body: impl FnOnce(Handle) -> F) -> F::Output {
    LocalExecutor::new().block_on(body(Handle::global().unwrap()))
}

/// Runs `body` on the local executor that drives its own reactor while idle (park mode).
pub fn local_park<F: Future>(body: impl FnOnce(Handle) -> F) -> F::Output {
    let reactor = Reactor::new().unwrap();
    let handle = reactor.handle();
    LocalExecutor::with_park(reactor.park()).block_on(body(handle))
}

/// Runs `body` as a task on Wakewire's 2-worker pool (global reactor), awaited from
/// this thread.
pub fn pool<F>(body: impl FnOnce(Handle) -> F) -> F::Output
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let pool = wakewire_executor_pool::Pool::builder().workers(2).build();
    let task = wakewire_core::Spawn::spawn(&pool, body(Handle::global().unwrap())).unwrap();
    pool.block_on(task).expect("the task did not panic")
}

/// Runs `body` as a task on Wakewire's 2-worker pool whose idle workers drive one reactor
/// between them (park mode: core's `SharedPark` over the reactor's park).
pub fn pool_park<F>(body: impl FnOnce(Handle) -> F) -> F::Output
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let reactor = Reactor::new().unwrap();
    let handle = reactor.handle();
    let shared = wakewire_core::park::SharedPark::new(reactor.park());
    let pool = wakewire_executor_pool::Pool::builder()
        .workers(2)
        .park_with(move |_| shared.worker())
        .build();
    let task = wakewire_core::Spawn::spawn(&pool, body(handle)).unwrap();
    pool.block_on(task).expect("the task did not panic")
}

/// Runs `body` on tokio's current-thread runtime (no tokio I/O driver) with the global reactor.
pub fn tokio_current_thread<F: Future>(body: impl FnOnce(Handle) -> F) -> F::Output {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(body(Handle::global().unwrap()))
}

/// Runs `body` inside `async_executor::Executor::run` with the global reactor.
pub fn async_executor<F: Future>(body: impl FnOnce(Handle) -> F) -> F::Output {
    let ex = async_executor::Executor::new();
    futures_executor::block_on(ex.run(body(Handle::global().unwrap())))
}

/// Runs `body` on `futures_executor::block_on` with the global reactor.
pub fn futures_executor<F: Future>(body: impl FnOnce(Handle) -> F) -> F::Output {
    futures_executor::block_on(body(Handle::global().unwrap()))
}

/// For each `name => body_fn`, a module `name` with one `#[test]` per executor of the
/// table; `body_fn(handle)` returns the future to run (under a 20 s watchdog).
#[macro_export]
macro_rules! on_every_executor {
    ($($name:ident => $body:ident;)*) => {$(
        mod $name {
            $crate::on_every_executor!(@cell $body; local, local_park, pool, pool_park,
                tokio_current_thread, async_executor, futures_executor);
        }
    )*};
    (@cell $body:ident; $($executor:ident),*) => {$(
        #[test]
        fn $executor() {
            let _watchdog = $crate::util::Watchdog::new(
                concat!(module_path!(), "::", stringify!($executor)),
                std::time::Duration::from_secs(20),
            );
            $crate::util::$executor(|handle| super::$body(handle));
        }
    )*};
}

/// Aborts the process with a message if not dropped before `limit`: a hang becomes a
/// loud failure instead of a stuck CI run.
pub struct Watchdog {
    done: Arc<(Mutex<bool>, Condvar)>,
}

impl Watchdog {
    pub fn new(name: &str, limit: Duration) -> Watchdog {
        let done = Arc::new((Mutex::new(false), Condvar::new()));
        let flag = Arc::clone(&done);
        let name = name.to_owned();
        thread::spawn(move || {
            let (lock, cond) = &*flag;
            let deadline = Instant::now() + limit;
            let mut finished = lock.lock().unwrap();
            while !*finished {
                let now = Instant::now();
                if now >= deadline {
                    // Straight to the stderr handle: `eprintln!` is captured by the test
                    // harness, and the message would be lost with the abort.
                    use std::io::Write;
                    let _ = writeln!(
                        std::io::stderr(),
                        "watchdog: {name} did not finish within {limit:?}; aborting"
                    );
                    std::process::abort();
                }
                finished = cond.wait_timeout(finished, deadline - now).unwrap().0;
            }
        });
        Watchdog { done }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        let (lock, cond) = &*self.done;
        *lock.lock().unwrap() = true;
        cond.notify_all();
    }
}

/// `RELIABILITY_SCALE` (default 1.0) applied to a count, at least 1.
pub fn scaled(count: usize) -> usize {
    let scale: f64 = std::env::var("RELIABILITY_SCALE")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(1.0);
    ((count as f64 * scale).ceil() as usize).max(1)
}

/// Open file descriptors of this process.
pub fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

/// Polls `condition` until it holds or `limit` passes; returns whether it held.
pub fn wait_until(limit: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if condition() {
            return true;
        }
        thread::yield_now();
    }
    condition()
}

/// A small deterministic generator (xorshift64*), so failures reproduce.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, bound: u64) -> u64 {
        self.next_u64() % bound
    }

    pub fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            let bytes = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
    }
}

/// A private reactor turned by a thread of its own until dropped; dropping it drops the
/// reactor (which wakes every pending future with `ReactorShutdown`).
pub struct ReactorThread {
    handle: Handle,
    stop: Arc<std::sync::atomic::AtomicBool>,
    thread: Option<thread::JoinHandle<()>>,
}

impl ReactorThread {
    pub fn start() -> ReactorThread {
        Self::start_with(Reactor::new().unwrap())
    }

    pub fn start_with(mut reactor: Reactor) -> ReactorThread {
        let handle = reactor.handle();
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = thread::spawn(move || {
            while !flag.load(std::sync::atomic::Ordering::Acquire) {
                reactor.turn(Some(Duration::from_millis(100))).unwrap();
            }
        });
        ReactorThread {
            handle,
            stop,
            thread: Some(thread),
        }
    }

    pub fn handle(&self) -> Handle {
        self.handle.clone()
    }
}

impl Drop for ReactorThread {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Release);
        self.handle.unpark();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
