//! Wakewire: the pool executor (2 workers) and the local executor, each in two integration
//! modes. Native parts: core `JoinHandle`s, `wakewire-reactor-blocking`'s
//! `spawn_blocking`, the channel reactor's oneshot and bounded mpsc, the timer reactor's
//! `Sleep`, the mio reactor's TCP sockets.
//!
//! - **thread** (column `wakewire`): the timer and the socket reactor run on their own
//!   lazily started threads; the executor parks in a plain thread parker. What a user gets
//!   with no setup.
//! - **park** (column `wakewire-park`): the executor parks in a `TimerPark` stacked over a
//!   `ReactorPark`, so its idle time turns the timer wheel and epoll; the pool's workers
//!   share that one park through core's `SharedPark` (whichever worker is idle drives it).
//!   Only the workloads with a reactor (`timers`, `tcp_echo`, the lateness rows,
//!   `memory_tcp`) run in this mode.
//!
//! The pool also appears supervised (`PoolBuilder::supervise`, columns `wakewire-sup` and
//! `wakewire-sup-park`, one per mode), in the lateness rows only: a worker stuck in one
//! poll for 2 ms has its LIFO task moved and a replacement thread started.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use wakewire_core::park::SharedPark;
use wakewire_core::{JoinHandle, Park, Spawn};
use wakewire_executor_local::{LocalExecutor, Spawner as LocalSpawner};
use wakewire_executor_pool::{Pool, PoolSpawner};
use wakewire_reactor_blocking::BlockingJob;
use wakewire_reactor_channel::{mpsc, oneshot};
use wakewire_reactor_mio::{Handle as NetHandle, Reactor, ReactorPark, TcpListener, TcpStream};
use wakewire_reactor_timer::{Sleep, TimerHandle, TimerPark};

use crate::contender::{Contender, MpscReceiver, MpscSender, OneshotSender, Spawner};
use crate::util::Expect;
use crate::workloads::Workload;

/// The executor park of the `park` mode: timer wheel over epoll.
type StackedPark = TimerPark<ReactorPark>;

/// Where a contender's leaf futures register: its timer and its socket reactor.
#[derive(Debug)]
struct Reactors {
    timer: TimerHandle,
    net: NetHandle,
}

impl Reactors {
    /// The global timer and socket reactor, each on its own thread.
    fn threads() -> Arc<Reactors> {
        Arc::new(Reactors {
            timer: TimerHandle::current(),
            net: NetHandle::global().expect("wakewire global socket reactor"),
        })
    }

    /// A fresh `TimerPark<ReactorPark>` and the handles of its two layers.
    fn stacked_park() -> (StackedPark, Arc<Reactors>) {
        let reactor = Reactor::new().expect("wakewire socket reactor");
        let park = TimerPark::new(reactor.park());
        let reactors = Arc::new(Reactors {
            timer: park.handle(),
            net: park.get_ref().handle(),
        });
        (park, reactors)
    }
}

/// Spawns onto a Wakewire executor and makes leaf futures on its reactors.
#[derive(Debug, Clone)]
pub(crate) struct WakewireSpawner<S> {
    spawn: S,
    reactors: Arc<Reactors>,
}

impl<T: Send + 'static> OneshotSender<T> for oneshot::Sender<T> {
    fn send(self, value: T) {
        if oneshot::Sender::send(self, value).is_err() {
            panic!("wakewire oneshot: receiver dropped");
        }
    }
}

impl<T: Send + 'static> MpscSender<T> for mpsc::Sender<T> {
    fn send(&mut self, value: T) -> impl Future<Output = ()> + Send + '_ {
        let send = mpsc::Sender::send(self, value);
        async move {
            if send.await.is_err() {
                panic!("wakewire mpsc: receiver dropped");
            }
        }
    }
}

impl<T: Send + 'static> MpscReceiver<T> for mpsc::Receiver<T> {
    fn recv(&mut self) -> impl Future<Output = Option<T>> + Send + '_ {
        let recv = mpsc::Receiver::recv(self);
        async move { recv.await.ok() }
    }
}

impl<S: Spawn + Clone + Send + Sync + 'static> Spawner for WakewireSpawner<S> {
    type Join<T: Send + 'static> = Expect<JoinHandle<T>>;
    type Blocking<T: Send + 'static> = Expect<BlockingJob<T>>;
    type Tx<T: Send + 'static> = oneshot::Sender<T>;
    type Rx<T: Send + 'static> = Expect<oneshot::Receiver<T>>;
    type Sleep = Sleep;
    type Tick = Sleep;
    type MpscTx<T: Send + 'static> = mpsc::Sender<T>;
    type MpscRx<T: Send + 'static> = mpsc::Receiver<T>;
    type Stream = TcpStream;
    type Listener = TcpListener;

    fn spawn<F>(&self, future: F) -> Self::Join<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let handle = self.spawn.spawn(future).expect("wakewire spawn");
        Expect::new(handle, "wakewire task")
    }

    fn spawn_detached<F>(&self, future: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        drop(self.spawn.spawn(future).expect("wakewire spawn"));
    }

    fn spawn_blocking<F, T>(&self, job: F) -> Self::Blocking<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        Expect::new(
            wakewire_reactor_blocking::spawn_blocking(job),
            "wakewire spawn_blocking",
        )
    }

    fn oneshot<T: Send + 'static>() -> (Self::Tx<T>, Self::Rx<T>) {
        let (tx, rx) = oneshot::channel();
        (tx, Expect::new(rx, "wakewire oneshot"))
    }

    fn sleep(&self, duration: Duration) -> Sleep {
        self.reactors.timer.sleep(duration)
    }

    fn tick_at(&self, deadline: Instant) -> Sleep {
        self.reactors.timer.sleep_until(deadline)
    }

    fn mpsc<T: Send + 'static>(capacity: usize) -> (mpsc::Sender<T>, mpsc::Receiver<T>) {
        mpsc::bounded(capacity)
    }

    fn bind(&self) -> impl Future<Output = (TcpListener, SocketAddr)> + Send {
        let net = self.reactors.net.clone();
        async move {
            let listener = TcpListener::bind_with(crate::util::loopback(), &net)
                .expect("wakewire bind 127.0.0.1");
            let addr = listener.local_addr().expect("wakewire listener address");
            (listener, addr)
        }
    }

    async fn accept(listener: &TcpListener) -> TcpStream {
        let (stream, _) = listener.accept().await.expect("wakewire accept");
        stream.set_nodelay(true).expect("wakewire nodelay");
        stream
    }

    fn connect(&self, addr: SocketAddr) -> impl Future<Output = TcpStream> + Send + 'static {
        let net = self.reactors.net.clone();
        async move {
            let stream = TcpStream::connect_with(addr, &net)
                .await
                .expect("wakewire connect");
            stream.set_nodelay(true).expect("wakewire nodelay");
            stream
        }
    }

    fn serve_http(stream: TcpStream) -> impl Future<Output = ()> + Send + 'static {
        let io = wakewire_adapter_hyper::HyperIo::new(stream).with_vectored_writes(true);
        crate::workloads::http::serve(io)
    }
}

/// The two integration modes: which workloads run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Threads,
    Parked,
}

impl Mode {
    /// The `park` mode only differs from the `thread` mode where a reactor is involved;
    /// the tracer's rows run in the `thread` mode only.
    fn runs(self, workload: Workload) -> bool {
        match self {
            Mode::Threads => true,
            Mode::Parked => matches!(
                workload,
                Workload::Timers
                    | Workload::TcpEcho
                    | Workload::Http
                    | Workload::BlockedNeighbor
                    | Workload::AlwaysReady
                    | Workload::MemoryTcp
            ),
        }
    }
}

/// Wakewire's `LocalExecutor`, driven by its `block_on`.
#[derive(Debug)]
pub(crate) struct WakewireLocal<P: Park> {
    executor: LocalExecutor<P>,
    reactors: Arc<Reactors>,
    mode: Mode,
}

impl WakewireLocal<wakewire_core::ThreadParker> {
    /// Reactors on their own threads.
    pub(crate) fn threads() -> Self {
        WakewireLocal {
            executor: LocalExecutor::new(),
            reactors: Reactors::threads(),
            mode: Mode::Threads,
        }
    }
}

impl WakewireLocal<StackedPark> {
    /// The executor's idle thread drives its own timer and socket reactor.
    pub(crate) fn parked() -> Self {
        let (park, reactors) = Reactors::stacked_park();
        WakewireLocal {
            executor: LocalExecutor::with_park(park),
            reactors,
            mode: Mode::Parked,
        }
    }
}

impl<P: Park> Contender for WakewireLocal<P> {
    type Spawner = WakewireSpawner<LocalSpawner>;

    fn runs(&self, workload: Workload) -> bool {
        self.mode.runs(workload)
    }

    fn is_multi(&self) -> bool {
        false
    }

    fn spawner(&self) -> Self::Spawner {
        WakewireSpawner {
            spawn: self.executor.spawner(),
            reactors: Arc::clone(&self.reactors),
        }
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.executor.block_on(future)
    }
}

/// Wakewire's pool executor (`--workers`, 2 by default); the harness thread runs the root
/// future with the pool's `block_on` (from outside the pool, like tokio's
/// `Runtime::block_on`).
#[derive(Debug)]
pub(crate) struct WakewirePool {
    pool: Pool,
    reactors: Arc<Reactors>,
    mode: Mode,
    /// Supervision on: only the lateness rows run (it is about blocked workers).
    supervised: bool,
}

/// The supervised columns' threshold: a worker inside one poll this long is taken over
/// (the monitor samples four times per threshold).
pub(crate) const SUPERVISION_THRESHOLD: Duration = Duration::from_millis(2);

impl WakewirePool {
    /// The pool's builder for `workers` workers, supervised or not.
    fn builder(workers: usize, supervised: bool) -> wakewire_executor_pool::PoolBuilder {
        let builder = Pool::builder().workers(workers);
        if supervised {
            builder.supervise(SUPERVISION_THRESHOLD)
        } else {
            builder
        }
    }

    /// Reactors on their own threads.
    pub(crate) fn threads(workers: usize) -> Self {
        Self::with_threads(workers, false)
    }

    /// Reactors on their own threads; supervision on.
    pub(crate) fn supervised_threads(workers: usize) -> Self {
        Self::with_threads(workers, true)
    }

    /// Whichever worker is idle drives the one timer and socket reactor.
    pub(crate) fn parked(workers: usize) -> Self {
        Self::with_park(workers, false)
    }

    /// Whichever worker is idle drives the one timer and socket reactor; supervision on.
    pub(crate) fn supervised_parked(workers: usize) -> Self {
        Self::with_park(workers, true)
    }

    fn with_threads(workers: usize, supervised: bool) -> Self {
        WakewirePool {
            pool: Self::builder(workers, supervised).build(),
            reactors: Reactors::threads(),
            mode: Mode::Threads,
            supervised,
        }
    }

    fn with_park(workers: usize, supervised: bool) -> Self {
        let (park, reactors) = Reactors::stacked_park();
        let shared = SharedPark::new(park);
        // Also called for the supervisor's spare slots: replacement threads share the
        // park too, so they can drive the reactor when idle.
        let pool = Self::builder(workers, supervised)
            .park_with(move |_index| shared.worker())
            .build();
        WakewirePool {
            pool,
            reactors,
            mode: Mode::Parked,
            supervised,
        }
    }
}

impl Contender for WakewirePool {
    type Spawner = WakewireSpawner<PoolSpawner>;

    fn runs(&self, workload: Workload) -> bool {
        let lateness = matches!(workload, Workload::BlockedNeighbor | Workload::AlwaysReady);
        self.mode.runs(workload) && (lateness || !self.supervised)
    }

    fn is_multi(&self) -> bool {
        true
    }

    fn spawner(&self) -> Self::Spawner {
        WakewireSpawner {
            spawn: self.pool.spawner(),
            reactors: Arc::clone(&self.reactors),
        }
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.pool.block_on(future)
    }
}
