//! futures-executor: a `ThreadPool` (`--workers`, 2 by default), and a `LocalPool`. Native parts: `RemoteHandle`
//! join handles (`spawn_with_handle`), `futures-channel` oneshot and mpsc. futures has no
//! blocking pool: blocking jobs run as `async { job() }` on a second, dedicated
//! `ThreadPool` sized to the machine's cores, awaited through a `RemoteHandle`. It has no
//! timer or sockets either: `futures-timer` and async-io (on async-io's own driver thread)
//! stand in (see [`async_io_parts`](super::async_io_parts)).

use std::cell::RefCell;
use std::future::Future;
use std::sync::OnceLock;
use std::thread;

use futures_executor::{LocalPool, LocalSpawner, ThreadPool};
use futures_util::future::RemoteHandle;
use futures_util::task::{LocalSpawnExt, SpawnExt};

use futures_util::{SinkExt, StreamExt};

use crate::contender::{Contender, MpscReceiver, MpscSender, OneshotSender, Spawner};
use crate::runtimes::async_io_parts::async_io_parts;
use crate::util::Expect;
use crate::workloads::Workload;

impl<T: Send + 'static> MpscSender<T> for futures_channel::mpsc::Sender<T> {
    async fn send(&mut self, value: T) {
        if SinkExt::send(self, value).await.is_err() {
            panic!("futures mpsc: receiver dropped");
        }
    }
}

impl<T: Send + 'static> MpscReceiver<T> for futures_channel::mpsc::Receiver<T> {
    fn recv(&mut self) -> impl Future<Output = Option<T>> + Send + '_ {
        StreamExt::next(self)
    }
}

impl<T: Send + 'static> OneshotSender<T> for futures_channel::oneshot::Sender<T> {
    fn send(self, value: T) {
        if futures_channel::oneshot::Sender::send(self, value).is_err() {
            panic!("futures oneshot: receiver dropped");
        }
    }
}

pub(crate) type FuturesRx<T> = Expect<futures_channel::oneshot::Receiver<T>>;

/// A futures-channel oneshot.
pub(crate) fn futures_oneshot<T>() -> (futures_channel::oneshot::Sender<T>, FuturesRx<T>) {
    let (tx, rx) = futures_channel::oneshot::channel();
    (tx, Expect::new(rx, "futures oneshot"))
}

/// The `ThreadPool` that stands in for a blocking pool.
fn blocking_pool() -> &'static ThreadPool {
    static POOL: OnceLock<ThreadPool> = OnceLock::new();
    POOL.get_or_init(|| {
        let size = thread::available_parallelism().map_or(2, |n| n.get());
        ThreadPool::builder()
            .pool_size(size)
            .name_prefix("futures-blocking-")
            .create()
            .expect("futures blocking ThreadPool")
    })
}

fn unblock<F, T>(job: F) -> RemoteHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    blocking_pool()
        .spawn_with_handle(async move { job() })
        .expect("futures blocking ThreadPool spawn")
}

/// The `Spawner` items both futures contenders share: the stand-in blocking pool,
/// `futures-channel`, and the timer and sockets borrowed from `futures-timer` and async-io.
macro_rules! futures_parts {
    () => {
        type Blocking<T: Send + 'static> = RemoteHandle<T>;
        type Tx<T: Send + 'static> = futures_channel::oneshot::Sender<T>;
        type Rx<T: Send + 'static> = FuturesRx<T>;

        fn spawn_blocking<F, T>(&self, job: F) -> RemoteHandle<T>
        where
            F: FnOnce() -> T + Send + 'static,
            T: Send + 'static,
        {
            unblock(job)
        }

        fn oneshot<T: Send + 'static>() -> (Self::Tx<T>, Self::Rx<T>) {
            futures_oneshot()
        }

        type MpscTx<T: Send + 'static> = futures_channel::mpsc::Sender<T>;
        type MpscRx<T: Send + 'static> = futures_channel::mpsc::Receiver<T>;

        fn mpsc<T: Send + 'static>(capacity: usize) -> (Self::MpscTx<T>, Self::MpscRx<T>) {
            futures_channel::mpsc::channel(capacity)
        }

        async_io_parts!();

        type Tick = futures_timer::Delay;

        fn tick_at(&self, deadline: std::time::Instant) -> futures_timer::Delay {
            futures_timer::Delay::new(deadline.saturating_duration_since(std::time::Instant::now()))
        }

        // futures has no hyper glue of its own: Wakewire's adapter, generic over
        // `futures-io` (async-io's sockets do `writev`).
        fn serve_http(
            stream: Self::Stream,
        ) -> impl std::future::Future<Output = ()> + Send + 'static {
            let io = wakewire_adapter_hyper::HyperIo::new(stream).with_vectored_writes(true);
            crate::workloads::http::serve(io)
        }
    };
}

impl Spawner for ThreadPool {
    type Join<T: Send + 'static> = RemoteHandle<T>;

    fn spawn<F>(&self, future: F) -> RemoteHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.spawn_with_handle(future)
            .expect("futures ThreadPool spawn")
    }

    fn spawn_detached<F>(&self, future: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.spawn_ok(future);
    }

    futures_parts!();
}

/// futures-executor `ThreadPool` with N threads; the harness thread runs the root future
/// with `futures_executor::block_on`.
#[derive(Debug)]
pub(crate) struct FuturesThreadPool {
    pool: ThreadPool,
}

impl FuturesThreadPool {
    pub(crate) fn new(workers: usize) -> Self {
        let pool = ThreadPool::builder()
            .pool_size(workers)
            .name_prefix("futures-pool-")
            .create()
            .expect("futures ThreadPool");
        FuturesThreadPool { pool }
    }
}

impl Contender for FuturesThreadPool {
    type Spawner = ThreadPool;

    fn is_multi(&self) -> bool {
        true
    }

    fn spawner(&self) -> ThreadPool {
        self.pool.clone()
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        futures_executor::block_on(future)
    }
}

thread_local! {
    /// The `LocalPool` and its (`!Send`) spawner live in thread-locals so tasks can spawn
    /// through a `Send` handle; only the harness thread touches them.
    static POOL: RefCell<LocalPool> = RefCell::new(LocalPool::new());
    static SPAWNER: LocalSpawner = POOL.with(|pool| pool.borrow().spawner());
}

/// Spawns onto the harness thread's `LocalPool`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LocalPoolSpawner;

impl Spawner for LocalPoolSpawner {
    type Join<T: Send + 'static> = RemoteHandle<T>;

    fn spawn<F>(&self, future: F) -> RemoteHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        SPAWNER.with(|spawner| {
            spawner
                .spawn_local_with_handle(future)
                .expect("futures LocalPool spawn")
        })
    }

    fn spawn_detached<F>(&self, future: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        SPAWNER.with(|spawner| {
            spawner
                .spawn_local(future)
                .expect("futures LocalPool spawn")
        });
    }

    futures_parts!();
}

/// futures-executor `LocalPool`, driven by `run_until`.
#[derive(Debug)]
pub(crate) struct FuturesLocalPool;

impl FuturesLocalPool {
    pub(crate) fn new() -> Self {
        // Create the spawner now: its lazy initialisation borrows the pool, which must not
        // happen for the first time inside `run_until` (the pool is borrowed there).
        SPAWNER.with(|_| ());
        FuturesLocalPool
    }
}

impl Contender for FuturesLocalPool {
    type Spawner = LocalPoolSpawner;

    fn is_multi(&self) -> bool {
        false
    }

    fn spawner(&self) -> LocalPoolSpawner {
        LocalPoolSpawner
    }

    /// Its spawner lives in a thread-local of the harness thread: no remote spawns (and,
    /// as for every peer, no Wakewire-only tracer rows).
    fn runs(&self, workload: Workload) -> bool {
        workload != Workload::SpawnRemote && !workload.is_tracer()
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        POOL.with(|pool| pool.borrow_mut().run_until(future))
    }
}
