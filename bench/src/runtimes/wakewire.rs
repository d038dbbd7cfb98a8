//! Wakewire: the pool executor (2 workers) and the local executor. Native parts: core
//! `JoinHandle`s, `wakewire-reactor-blocking`'s `spawn_blocking`. Oneshot: `futures-channel`
//! until Wakewire's channel reactor exists (footnoted in the report).

use std::future::Future;

use wakewire_core::{BlockOn, JoinHandle, Spawn};
use wakewire_executor_local::{LocalExecutor, Spawner as LocalSpawner};
use wakewire_executor_pool::{Pool, PoolHandle};
use wakewire_reactor_blocking::BlockingTask;

use crate::contender::{Contender, Info, Slot, Spawner};
use crate::runtimes::futures::{futures_oneshot, FuturesRx};
use crate::util::Expect;

/// Implements [`Spawner`] for a Wakewire handle type that implements core [`Spawn`].
macro_rules! wakewire_spawner {
    ($handle:ty) => {
        impl Spawner for $handle {
            type Join<T: Send + 'static> = Expect<JoinHandle<T>>;
            type Blocking<T: Send + 'static> = Expect<BlockingTask<T>>;
            type Tx<T: Send + 'static> = futures_channel::oneshot::Sender<T>;
            type Rx<T: Send + 'static> = FuturesRx<T>;

            fn spawn<F>(&self, future: F) -> Self::Join<F::Output>
            where
                F: Future + Send + 'static,
                F::Output: Send + 'static,
            {
                let handle = Spawn::spawn(self, future).expect("wakewire spawn");
                Expect::new(handle, "wakewire task")
            }

            fn spawn_detached<F>(&self, future: F)
            where
                F: Future<Output = ()> + Send + 'static,
            {
                drop(Spawn::spawn(self, future).expect("wakewire spawn"));
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
                futures_oneshot()
            }
        }
    };
}

wakewire_spawner!(LocalSpawner);
wakewire_spawner!(PoolHandle);

/// Wakewire's `LocalExecutor`, driven by its `block_on`.
#[derive(Debug)]
pub(crate) struct WakewireLocal {
    executor: LocalExecutor,
}

impl WakewireLocal {
    pub(crate) fn new() -> Self {
        WakewireLocal {
            executor: LocalExecutor::new(),
        }
    }
}

impl Contender for WakewireLocal {
    type Spawner = LocalSpawner;

    fn info(&self) -> Info {
        Info {
            name: "wakewire",
            slot: Slot::Single,
            setup: "wakewire `LocalExecutor`",
            repolls_in_place: false,
        }
    }

    fn spawner(&self) -> LocalSpawner {
        self.executor.spawner()
    }

    fn spawns_remotely(&self) -> bool {
        true
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.executor.block_on(future)
    }
}

/// Wakewire's pool executor with 2 workers; the harness thread runs the root future with
/// the pool's `block_on` (from outside the pool, like tokio's `Runtime::block_on`).
#[derive(Debug)]
pub(crate) struct WakewirePool {
    pool: Pool,
}

impl WakewirePool {
    pub(crate) fn new() -> Self {
        WakewirePool {
            pool: Pool::builder().workers(2).build(),
        }
    }
}

impl Contender for WakewirePool {
    type Spawner = PoolHandle;

    fn info(&self) -> Info {
        Info {
            name: "wakewire",
            slot: Slot::Multi,
            setup: "wakewire `Pool`, 2 workers",
            repolls_in_place: false,
        }
    }

    fn spawner(&self) -> PoolHandle {
        self.pool.handle()
    }

    fn spawns_remotely(&self) -> bool {
        true
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.pool.block_on(future)
    }
}
