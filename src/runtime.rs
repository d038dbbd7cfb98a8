//! [`Runtime`]: a ready-made runtime from Wakewire's parts, for people who do not want to
//! assemble one. Its source is also a short example of mixing the parts.

use std::fmt;
use std::future::Future;
use std::io;
use std::time::Duration;

use crate::blocking::BlockingJob;
use crate::core::park::{ParkContext, SharedPark};
use crate::core::{BlockOn, BlockedPoll, JoinHandle, Spawn, SpawnError};
use crate::net::Reactor;
use crate::pool::{Pool, PoolSpawner, ShutdownTimeout};
use crate::timer::{TimerHandle, TimerPark};

/// The pool executor with the timer and socket reactors stacked under its idle workers,
/// the blocking pool, and blocked-poll reports on.
///
/// What it is made of, all public parts you can also assemble yourself:
///
/// ```text
///   Pool (N workers) ── park_with ──► SharedPark ──► TimerPark ──► ReactorPark (epoll)
///        │                            one idle worker drives the stack; the others sleep
///        └── blocked_poll_threshold(100 ms): a poll that holds a worker that long is
///            reported as a `tracing` warning
///   spawn_blocking ──► the process-wide blocking pool (threads started on demand)
/// ```
///
/// Inside its tasks (and inside [`block_on`](Self::block_on)) the free constructors of the
/// reactors — `timer::sleep`, `net::TcpStream::connect`, … — use this runtime's timer and
/// socket reactor, driven by its idle workers: no reactor thread, no thread hop per event.
///
/// ```
/// use std::time::Duration;
///
/// let rt = wakewire::Runtime::new().unwrap();
/// let answer = rt.block_on(async {
///     let task = rt.spawn(async {
///         wakewire::timer::sleep(Duration::from_millis(1)).await;
///         21
///     }).unwrap();
///     task.await.unwrap() * 2
/// });
/// assert_eq!(answer, 42);
/// ```
pub struct Runtime {
    pool: Pool,
    timer: TimerHandle,
    net: crate::net::Handle,
    context: ParkContext,
}

/// Configures a [`Runtime`].
pub struct RuntimeBuilder {
    workers: Option<usize>,
    blocked_poll_threshold: Option<Duration>,
    on_blocked_poll: Option<Box<dyn Fn(&BlockedPoll) + Send + Sync>>,
    thread_name: String,
}

impl Runtime {
    /// A runtime with one worker per CPU and the defaults of [`RuntimeBuilder`].
    ///
    /// # Errors
    ///
    /// The socket reactor could not be created (no file descriptor left), or a worker
    /// thread could not be started.
    pub fn new() -> io::Result<Runtime> {
        Runtime::builder().build()
    }

    /// Configures a runtime.
    pub fn builder() -> RuntimeBuilder {
        RuntimeBuilder {
            workers: None,
            blocked_poll_threshold: Some(Duration::from_millis(100)),
            on_blocked_poll: None,
            thread_name: "wakewire-rt".to_owned(),
        }
    }

    /// Spawns a task on the runtime's workers.
    ///
    /// # Errors
    ///
    /// [`SpawnError`] once the runtime has shut down (the future is dropped at once).
    pub fn spawn<F>(&self, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        Spawn::spawn(&self.pool, future)
    }

    /// Runs `future` on the current thread until it completes, while the workers run the
    /// runtime's tasks. The runtime's reactors are current on this thread meanwhile.
    ///
    /// # Panics
    ///
    /// Panics when called from inside an executor (a task, or another `block_on`).
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _context = self.context.enter();
        BlockOn::block_on(&self.pool, future)
    }

    /// Runs `job` on the blocking pool and returns a future of its result; see
    /// [`blocking::spawn_blocking`](crate::blocking::spawn_blocking).
    pub fn spawn_blocking<F, T>(&self, job: F) -> BlockingJob<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        crate::blocking::spawn_blocking(job)
    }

    /// A handle that spawns onto the runtime from anywhere.
    pub fn spawner(&self) -> PoolSpawner {
        self.pool.spawner()
    }

    /// The runtime's timer (the one `timer::sleep` uses inside it).
    pub fn timer(&self) -> TimerHandle {
        self.timer.clone()
    }

    /// The runtime's socket reactor (the one `net::TcpStream::connect` uses inside it).
    pub fn net(&self) -> crate::net::Handle {
        self.net.clone()
    }

    /// The executor, for its metrics and finer control.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Stops the runtime: no new tasks, running polls finish, every other task's future is
    /// dropped, the workers are joined (waiting at most `timeout`), then the reactors shut
    /// down (pending sleeps and sockets of this runtime resolve with a shutdown error).
    ///
    /// # Errors
    ///
    /// [`ShutdownTimeout`] if a worker was still inside a poll at the deadline.
    pub fn shutdown(mut self, timeout: Duration) -> Result<(), ShutdownTimeout> {
        self.pool.shutdown(timeout)
    }
}

impl RuntimeBuilder {
    /// The number of worker threads (default: one per CPU).
    pub fn workers(mut self, count: usize) -> Self {
        self.workers = Some(count);
        self
    }

    /// Reports polls that hold a worker for `threshold` or longer (default 100 ms);
    /// `None` turns the reports off.
    pub fn blocked_poll_threshold(mut self, threshold: Option<Duration>) -> Self {
        self.blocked_poll_threshold = threshold;
        self
    }

    /// Also calls `hook` with each blocked-poll report (they always go to `tracing`).
    pub fn on_blocked_poll(mut self, hook: impl Fn(&BlockedPoll) + Send + Sync + 'static) -> Self {
        self.on_blocked_poll = Some(Box::new(hook));
        self
    }

    /// Names the worker threads `{prefix}-{index}` (default `wakewire-rt`).
    pub fn thread_name(mut self, prefix: impl Into<String>) -> Self {
        self.thread_name = prefix.into();
        self
    }

    /// Starts the runtime.
    ///
    /// # Errors
    ///
    /// The socket reactor could not be created, or a worker thread could not be started.
    pub fn build(self) -> io::Result<Runtime> {
        let reactor = Reactor::new()?;
        let net = reactor.handle();
        let timer_park = TimerPark::new(reactor.park());
        let timer = timer_park.handle();
        let stack = SharedPark::new(timer_park);
        let context = stack.context();
        let mut pool = Pool::builder()
            .thread_name(self.thread_name)
            .park_with(move |_| stack.worker());
        if let Some(workers) = self.workers {
            pool = pool.workers(workers);
        }
        if let Some(threshold) = self.blocked_poll_threshold {
            pool = pool.blocked_poll_threshold(threshold);
        }
        if let Some(hook) = self.on_blocked_poll {
            pool = pool.on_blocked_poll(hook);
        }
        Ok(Runtime {
            pool: pool.try_build()?,
            timer,
            net,
            context,
        })
    }
}

impl Spawn for Runtime {
    fn spawn<F>(&self, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        Runtime::spawn(self, future)
    }
}

impl BlockOn for Runtime {
    fn block_on<F: Future>(&self, future: F) -> F::Output {
        Runtime::block_on(self, future)
    }
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("pool", &self.pool)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for RuntimeBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RuntimeBuilder")
            .field("workers", &self.workers)
            .field("blocked_poll_threshold", &self.blocked_poll_threshold)
            .finish_non_exhaustive()
    }
}

/// Runs `future` to completion on a fresh [`Runtime`] (one worker per CPU), then shuts the
/// runtime down.
///
/// ```
/// use std::time::Duration;
///
/// let sum = wakewire::run(async {
///     wakewire::timer::sleep(Duration::from_millis(1)).await; // the runtime's own timer
///     1 + 2
/// });
/// assert_eq!(sum, 3);
/// ```
///
/// # Panics
///
/// Panics if the runtime cannot start (see [`Runtime::new`]), or when called from inside an
/// executor.
pub fn run<F: Future>(future: F) -> F::Output {
    let runtime = Runtime::new().unwrap_or_else(|error| panic!("wakewire::run: {error}"));
    let output = runtime.block_on(future);
    drop(runtime);
    output
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::Runtime;

    /// Free constructors inside the runtime use its own timer and socket reactor, on the
    /// thread blocked on a future and on the workers alike.
    #[test]
    fn free_constructors_use_the_runtimes_reactors() {
        let rt = Runtime::builder().workers(2).build().unwrap();
        let (timer, net) = (rt.timer(), rt.net());
        let before = net.metrics().registrations;
        rt.block_on(async {
            let pending = crate::timer::sleep(Duration::from_secs(3600));
            let mut pending = Box::pin(pending);
            // Polled once so it registers with whichever timer it was made on.
            std::future::poll_fn(|cx| {
                let _ = std::future::Future::poll(pending.as_mut(), cx);
                std::task::Poll::Ready(())
            })
            .await;
            assert_eq!(timer.live_timers(), 1, "block_on: the runtime's timer");
            let listener = crate::net::TcpListener::bind("127.0.0.1:0".parse().unwrap()).unwrap();
            assert_eq!(net.metrics().registrations, before + 1, "block_on: the runtime's reactor");
            drop(listener);
        });
        let on_worker = rt
            .spawn({
                let net = net.clone();
                async move {
                    let before = net.metrics().registrations;
                    let listener =
                        crate::net::TcpListener::bind("127.0.0.1:0".parse().unwrap()).unwrap();
                    let registered = net.metrics().registrations - before;
                    drop(listener);
                    registered
                }
            })
            .unwrap();
        assert_eq!(rt.block_on(on_worker).unwrap(), 1, "worker: the runtime's reactor");
    }

    #[test]
    fn run_shuts_down_after_its_future() {
        let value = super::run(async {
            crate::timer::sleep(Duration::from_millis(1)).await;
            7
        });
        assert_eq!(value, 7);
    }
}
