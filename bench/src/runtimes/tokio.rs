//! tokio: `multi_thread` with 2 workers, and `current_thread`, both with time and I/O
//! enabled (`enable_all`, as `#[tokio::main]` does). Native parts: its join handles,
//! `tokio::sync::oneshot` and `mpsc`, `Handle::spawn_blocking`, `tokio::time::sleep`,
//! `tokio::net` (seen through `tokio-util`'s `compat` as `futures-io`).

use std::future::Future;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::{Builder, Handle, Runtime};
use tokio_util::compat::{Compat, TokioAsyncReadCompatExt};

use crate::contender::{Contender, MpscReceiver, MpscSender, OneshotSender, Slot, Spawner};
use crate::util::{loopback, Expect};

impl<T: Send + 'static> MpscSender<T> for tokio::sync::mpsc::Sender<T> {
    async fn send(&mut self, value: T) {
        if tokio::sync::mpsc::Sender::send(self, value).await.is_err() {
            panic!("tokio mpsc: receiver dropped");
        }
    }
}

impl<T: Send + 'static> MpscReceiver<T> for tokio::sync::mpsc::Receiver<T> {
    fn recv(&mut self) -> impl Future<Output = Option<T>> + Send + '_ {
        tokio::sync::mpsc::Receiver::recv(self)
    }
}

impl<T: Send + 'static> OneshotSender<T> for tokio::sync::oneshot::Sender<T> {
    fn send(self, value: T) {
        if tokio::sync::oneshot::Sender::send(self, value).is_err() {
            panic!("tokio oneshot: receiver dropped");
        }
    }
}

impl Spawner for Handle {
    type Join<T: Send + 'static> = Expect<tokio::task::JoinHandle<T>>;
    type Blocking<T: Send + 'static> = Expect<tokio::task::JoinHandle<T>>;
    type Tx<T: Send + 'static> = tokio::sync::oneshot::Sender<T>;
    type Rx<T: Send + 'static> = Expect<tokio::sync::oneshot::Receiver<T>>;

    fn spawn<F>(&self, future: F) -> Self::Join<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        Expect::new(Handle::spawn(self, future), "tokio task")
    }

    fn spawn_detached<F>(&self, future: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        drop(Handle::spawn(self, future));
    }

    fn spawn_blocking<F, T>(&self, job: F) -> Self::Blocking<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        Expect::new(Handle::spawn_blocking(self, job), "tokio spawn_blocking")
    }

    fn oneshot<T: Send + 'static>() -> (Self::Tx<T>, Self::Rx<T>) {
        let (tx, rx) = tokio::sync::oneshot::channel();
        (tx, Expect::new(rx, "tokio oneshot"))
    }

    type Sleep = tokio::time::Sleep;

    fn sleep(&self, duration: Duration) -> tokio::time::Sleep {
        tokio::time::sleep(duration)
    }

    type Tick = tokio::time::Sleep;

    fn tick_at(&self, deadline: Instant) -> tokio::time::Sleep {
        tokio::time::sleep_until(deadline.into())
    }

    fn unconstrained<F: Future + Send>(future: F) -> impl Future<Output = F::Output> + Send {
        tokio::task::unconstrained(future)
    }

    type MpscTx<T: Send + 'static> = tokio::sync::mpsc::Sender<T>;
    type MpscRx<T: Send + 'static> = tokio::sync::mpsc::Receiver<T>;

    fn mpsc<T: Send + 'static>(capacity: usize) -> (Self::MpscTx<T>, Self::MpscRx<T>) {
        tokio::sync::mpsc::channel(capacity)
    }

    type Stream = Compat<TcpStream>;
    type Listener = TcpListener;

    async fn bind(&self) -> (TcpListener, SocketAddr) {
        let listener = TcpListener::bind(loopback())
            .await
            .expect("tokio bind 127.0.0.1");
        let addr = listener.local_addr().expect("tokio listener address");
        (listener, addr)
    }

    async fn accept(listener: &TcpListener) -> Compat<TcpStream> {
        let (stream, _) = listener.accept().await.expect("tokio accept");
        stream.set_nodelay(true).expect("tokio nodelay");
        stream.compat()
    }

    #[allow(clippy::manual_async_fn)] // an `async fn` would borrow `self`; this is 'static
    fn connect(
        &self,
        addr: SocketAddr,
    ) -> impl Future<Output = Compat<TcpStream>> + Send + 'static {
        async move {
            let stream = TcpStream::connect(addr).await.expect("tokio connect");
            stream.set_nodelay(true).expect("tokio nodelay");
            stream.compat()
        }
    }

    /// hyper on tokio as its users run it: `hyper-util`'s `TokioIo` over the native stream.
    fn serve_http(stream: Compat<TcpStream>) -> impl Future<Output = ()> + Send + 'static {
        crate::workloads::http::serve(hyper_util::rt::TokioIo::new(stream.into_inner()))
    }
}

/// A tokio runtime: `multi_thread` (`--workers`, 2 by default), or `current_thread` (no `LocalSet`
/// needed: every workload's tasks are `Send`).
#[derive(Debug)]
pub(crate) struct Tokio {
    runtime: Runtime,
    slot: Slot,
}

impl Tokio {
    pub(crate) fn multi_thread(workers: usize) -> Self {
        let runtime = Builder::new_multi_thread()
            .worker_threads(workers)
            .enable_all()
            .build()
            .expect("tokio multi_thread runtime");
        Tokio {
            runtime,
            slot: Slot::Multi(workers),
        }
    }

    pub(crate) fn current_thread() -> Self {
        let runtime = Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("tokio current_thread runtime");
        Tokio {
            runtime,
            slot: Slot::Single,
        }
    }
}

impl Contender for Tokio {
    type Spawner = Handle;

    fn is_multi(&self) -> bool {
        self.slot != Slot::Single
    }

    fn spawner(&self) -> Handle {
        self.runtime.handle().clone()
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }
}
