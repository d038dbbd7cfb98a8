//! Wakewire's executors in both drive modes, for running a foreign leaf future on each.
//! Shared by the tokio and smol adapters' tests (the smol crate includes it by path).
//!
//! | mode | the executor's idle thread waits in |
//! | --- | --- |
//! | `ThreadParker` | a plain thread parker: every reactor runs on a thread of its own |
//! | `TimerPark` | Wakewire's timer park (the pool's workers share it through `SharedPark`): the executor turns our timer between polls; the foreign reactor still runs on its own thread |
#![allow(dead_code, unreachable_pub)]

use std::future::Future;
use std::time::Duration;

use wakewire_core::{SharedPark, ThreadParker};
use wakewire_executor_local::LocalExecutor;
use wakewire_executor_pool::Pool;
use wakewire_reactor_timer::TimerPark;

/// One of our executors in one drive mode.
#[derive(Debug, Clone, Copy)]
pub enum OurExecutor {
    LocalThreadParker,
    LocalTimerPark,
    PoolThreadParker,
    PoolTimerPark,
}

impl OurExecutor {
    /// Spawns `future` as a task of this executor, waits for it and shuts the executor
    /// down. Panics if the task panicked.
    pub fn run<F>(self, future: F) -> F::Output
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        match self {
            OurExecutor::LocalThreadParker => on_local(LocalExecutor::new(), future),
            OurExecutor::LocalTimerPark => on_local(
                LocalExecutor::with_park(TimerPark::new(ThreadParker::new())),
                future,
            ),
            OurExecutor::PoolThreadParker => on_pool(Pool::builder().workers(2).build(), future),
            OurExecutor::PoolTimerPark => {
                let stack = SharedPark::new(TimerPark::new(ThreadParker::new()));
                let pool = Pool::builder()
                    .workers(2)
                    .park_with(move |_| stack.worker())
                    .build();
                on_pool(pool, future)
            }
        }
    }
}

fn on_local<P, F>(ex: LocalExecutor<P>, future: F) -> F::Output
where
    P: wakewire_core::Park,
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let task = ex.spawn(future).unwrap();
    ex.block_on(task).unwrap()
}

fn on_pool<F>(mut pool: Pool, future: F) -> F::Output
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let task = pool.spawn(future).unwrap();
    let output = pool.block_on(task).unwrap();
    pool.shutdown(Duration::from_secs(10)).unwrap();
    output
}

/// One `#[test]` per executor and drive mode for `$case`, a function returning the
/// future to run.
#[macro_export]
macro_rules! on_each_executor {
    ($name:ident, $case:expr) => {
        mod $name {
            use super::*;

            #[test]
            fn local_thread_parker() {
                let _watchdog = util::join_contract::watchdog(
                    concat!(stringify!($name), "/local_thread_parker"),
                    std::time::Duration::from_secs(30),
                );
                util::our_executors::OurExecutor::LocalThreadParker.run(($case)());
            }

            #[test]
            fn local_timer_park() {
                let _watchdog = util::join_contract::watchdog(
                    concat!(stringify!($name), "/local_timer_park"),
                    std::time::Duration::from_secs(30),
                );
                util::our_executors::OurExecutor::LocalTimerPark.run(($case)());
            }

            #[test]
            fn pool_thread_parker() {
                let _watchdog = util::join_contract::watchdog(
                    concat!(stringify!($name), "/pool_thread_parker"),
                    std::time::Duration::from_secs(30),
                );
                util::our_executors::OurExecutor::PoolThreadParker.run(($case)());
            }

            #[test]
            fn pool_timer_park() {
                let _watchdog = util::join_contract::watchdog(
                    concat!(stringify!($name), "/pool_timer_park"),
                    std::time::Duration::from_secs(30),
                );
                util::our_executors::OurExecutor::PoolTimerPark.run(($case)());
            }
        }
    };
}
