//! async-executor (smol's executor): an `Executor` run by N threads (`--workers`, 2 by
//! default), and a `LocalExecutor`.
//! Native parts: its `Task`s, `async-channel` `bounded(1)` as the oneshot (the smol
//! ecosystem has no dedicated oneshot) and `bounded(n)` as the mpsc, `blocking::unblock`
//! for blocking jobs, async-io's sockets; `futures-timer` for sleeps (see
//! [`async_io_parts`](super::async_io_parts)). Threads run `async_io::block_on`, as
//! `smol::block_on` does, so an idle executor thread drives async-io's reactor.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::thread::{self, JoinHandle};

use async_executor::{Executor, LocalExecutor, Task};
use futures_util::Stream;

use crate::contender::{Contender, MpscReceiver, MpscSender, OneshotSender, Spawner};
use crate::runtimes::async_io_parts::async_io_parts;
use crate::workloads::Workload;

impl<T: Send + 'static> MpscSender<T> for async_channel::Sender<T> {
    async fn send(&mut self, value: T) {
        if async_channel::Sender::send(self, value).await.is_err() {
            panic!("async-channel: receiver dropped");
        }
    }
}

impl<T: Send + 'static> MpscReceiver<T> for async_channel::Receiver<T> {
    fn recv(&mut self) -> impl Future<Output = Option<T>> + Send + '_ {
        let recv = async_channel::Receiver::recv(self);
        async move { recv.await.ok() }
    }
}

/// `async_channel::bounded(1)` used as a oneshot: send half.
#[derive(Debug)]
pub(crate) struct ChannelTx<T>(async_channel::Sender<T>);

impl<T: Send + 'static> OneshotSender<T> for ChannelTx<T> {
    fn send(self, value: T) {
        self.0
            .try_send(value)
            .unwrap_or_else(|_| panic!("async-channel oneshot: full or closed"));
    }
}

pin_project_lite::pin_project! {
    /// `async_channel::bounded(1)` used as a oneshot: receive half, awaited through its
    /// `Stream` impl (an owned future, unlike `recv()` which borrows the receiver).
    #[derive(Debug)]
    pub(crate) struct ChannelRx<T> {
        #[pin]
        rx: async_channel::Receiver<T>,
    }
}

impl<T> Future for ChannelRx<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        self.project()
            .rx
            .poll_next(cx)
            .map(|value| value.expect("async-channel oneshot: sender dropped"))
    }
}

fn channel_oneshot<T>() -> (ChannelTx<T>, ChannelRx<T>) {
    let (tx, rx) = async_channel::bounded(1);
    (ChannelTx(tx), ChannelRx { rx })
}

/// The `Spawner` items both async-executor contenders share: the smol ecosystem's blocking
/// pool, channels, timer and sockets.
macro_rules! smol_parts {
    () => {
        type Blocking<T: Send + 'static> = blocking::Task<T>;
        type Tx<T: Send + 'static> = ChannelTx<T>;
        type Rx<T: Send + 'static> = ChannelRx<T>;

        fn spawn_blocking<F, T>(&self, job: F) -> blocking::Task<T>
        where
            F: FnOnce() -> T + Send + 'static,
            T: Send + 'static,
        {
            blocking::unblock(job)
        }

        fn oneshot<T: Send + 'static>() -> (ChannelTx<T>, ChannelRx<T>) {
            channel_oneshot()
        }

        type MpscTx<T: Send + 'static> = async_channel::Sender<T>;
        type MpscRx<T: Send + 'static> = async_channel::Receiver<T>;

        fn mpsc<T: Send + 'static>(capacity: usize) -> (Self::MpscTx<T>, Self::MpscRx<T>) {
            async_channel::bounded(capacity)
        }

        async_io_parts!();

        type Tick = crate::runtimes::async_io_parts::TimerAt;

        fn tick_at(&self, deadline: std::time::Instant) -> Self::Tick {
            crate::runtimes::async_io_parts::TimerAt::new(deadline)
        }

        // smol's users put hyper on async-io sockets with `smol-hyper`.
        fn serve_http(
            stream: Self::Stream,
        ) -> impl std::future::Future<Output = ()> + Send + 'static {
            crate::workloads::http::serve(smol_hyper::rt::FuturesIo::new(stream))
        }
    };
}

/// Spawns onto a shared multi-thread `Executor`.
#[derive(Debug, Clone)]
pub(crate) struct MultiSpawner(Arc<Executor<'static>>);

impl Spawner for MultiSpawner {
    type Join<T: Send + 'static> = Task<T>;

    fn spawn<F>(&self, future: F) -> Task<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.0.spawn(future)
    }

    fn spawn_detached<F>(&self, future: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.0.spawn(future).detach();
    }

    smol_parts!();
}

/// An `Executor` driven by N threads (`async_io::block_on(ex.run(stop))`, smol's pattern);
/// the harness thread only polls the root future.
#[derive(Debug)]
pub(crate) struct AsyncExecutorMulti {
    executor: Arc<Executor<'static>>,
    stop: Option<async_channel::Sender<()>>,
    threads: Vec<JoinHandle<()>>,
}

impl AsyncExecutorMulti {
    pub(crate) fn new(workers: usize) -> Self {
        let executor = Arc::new(Executor::new());
        let (stop, stopped) = async_channel::bounded::<()>(1);
        let threads = (0..workers)
            .map(|i| {
                let executor = Arc::clone(&executor);
                let stopped = stopped.clone();
                thread::Builder::new()
                    .name(format!("async-executor-{i}"))
                    .spawn(move || {
                        async_io::block_on(executor.run(stopped.recv())).ok();
                    })
                    .expect("async-executor thread")
            })
            .collect();
        AsyncExecutorMulti {
            executor,
            stop: Some(stop),
            threads,
        }
    }
}

impl Drop for AsyncExecutorMulti {
    fn drop(&mut self) {
        drop(self.stop.take()); // closing the channel ends every `run`
        for thread in self.threads.drain(..) {
            thread.join().ok();
        }
    }
}

impl Contender for AsyncExecutorMulti {
    type Spawner = MultiSpawner;

    fn is_multi(&self) -> bool {
        true
    }

    fn spawner(&self) -> MultiSpawner {
        MultiSpawner(Arc::clone(&self.executor))
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        async_io::block_on(future)
    }
}

thread_local! {
    /// The `LocalExecutor` lives in a thread-local so tasks can spawn onto it through a
    /// `Send` handle (the harness's tasks are all `Send`); it is only ever touched from the
    /// harness thread.
    static LOCAL: LocalExecutor<'static> = const { LocalExecutor::new() };
}

/// Spawns onto the harness thread's `LocalExecutor` (see [`LOCAL`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct LocalSpawner;

impl Spawner for LocalSpawner {
    type Join<T: Send + 'static> = Task<T>;

    fn spawn<F>(&self, future: F) -> Task<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        LOCAL.with(|ex| ex.spawn(future))
    }

    fn spawn_detached<F>(&self, future: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        LOCAL.with(|ex| ex.spawn(future).detach());
    }

    smol_parts!();
}

/// async-executor `LocalExecutor`, driven by `async_io::block_on(ex.run(future))`.
#[derive(Debug)]
pub(crate) struct AsyncExecutorLocal;

impl AsyncExecutorLocal {
    pub(crate) fn new() -> Self {
        AsyncExecutorLocal
    }
}

impl Contender for AsyncExecutorLocal {
    type Spawner = LocalSpawner;

    fn is_multi(&self) -> bool {
        false
    }

    fn spawner(&self) -> LocalSpawner {
        LocalSpawner
    }

    /// Its spawner lives in a thread-local of the harness thread: no remote spawns (and,
    /// as for every peer, no Wakewire-only tracer rows).
    fn runs(&self, workload: Workload) -> bool {
        workload != Workload::SpawnRemote && !workload.is_tracer()
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        LOCAL.with(|ex| async_io::block_on(ex.run(future)))
    }
}
