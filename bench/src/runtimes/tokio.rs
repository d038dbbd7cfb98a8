//! tokio: `multi_thread` with 2 workers, and `current_thread`. Native parts: its join
//! handles, `tokio::sync::oneshot`, `Handle::spawn_blocking`.

use std::future::Future;

use tokio::runtime::{Builder, Handle, Runtime};

use crate::contender::{Contender, Info, OneshotSender, Slot, Spawner};
use crate::util::Expect;

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
}

/// tokio `multi_thread` runtime with 2 workers.
#[derive(Debug)]
pub(crate) struct TokioMulti {
    runtime: Runtime,
}

impl TokioMulti {
    pub(crate) fn new() -> Self {
        let runtime = Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .expect("tokio multi_thread runtime");
        TokioMulti { runtime }
    }
}

impl Contender for TokioMulti {
    type Spawner = Handle;

    fn info(&self) -> Info {
        Info {
            name: "tokio",
            slot: Slot::Multi,
            setup: "tokio `multi_thread`, 2 workers",
            repolls_in_place: false,
        }
    }

    fn spawner(&self) -> Handle {
        self.runtime.handle().clone()
    }

    fn spawns_remotely(&self) -> bool {
        true
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }
}

/// tokio `current_thread` runtime (no `LocalSet` needed: every workload's tasks are `Send`).
#[derive(Debug)]
pub(crate) struct TokioCurrentThread {
    runtime: Runtime,
}

impl TokioCurrentThread {
    pub(crate) fn new() -> Self {
        let runtime = Builder::new_current_thread()
            .build()
            .expect("tokio current_thread runtime");
        TokioCurrentThread { runtime }
    }
}

impl Contender for TokioCurrentThread {
    type Spawner = Handle;

    fn info(&self) -> Info {
        Info {
            name: "tokio",
            slot: Slot::Single,
            setup: "tokio `current_thread`",
            repolls_in_place: false,
        }
    }

    fn spawner(&self) -> Handle {
        self.runtime.handle().clone()
    }

    fn spawns_remotely(&self) -> bool {
        true
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }
}
