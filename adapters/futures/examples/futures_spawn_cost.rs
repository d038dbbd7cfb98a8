//! What the futures-executor adapters cost per spawn and per wake, next to the pool's own
//! spawn.
//!
//! ```text
//! cargo run --release -p wakewire-adapter-futures --example futures_spawn_cost
//! ```
//!
//! Two workloads, each timed natively (`ThreadPool::spawn_ok` with a `RemoteHandle`,
//! `LocalPool`'s spawner) and through the adapter (Wakewire tasks run by futures-executor),
//! interleaved over five rounds, medians printed:
//!
//! - `spawn`: 100 000 tasks that complete on their first poll, all awaited;
//! - `wake`: one task that yields 100 000 times (each yield is a wake, which the
//!   `ThreadPool` adapter turns into one pool task).
//!
//! Look for the `adapter/native` ratio. A timing, not a test: numbers vary run to run.

use futures_executor::{LocalPool, ThreadPool};
use futures_util::task::{LocalSpawnExt, SpawnExt};
use wakewire_adapter_futures::{LocalPoolExecutor, ThreadPoolExecutor};
use wakewire_core::future::yield_now;
use wakewire_core::{BlockOn, LocalSpawn, Spawn};
use wakewire_test_util::timing::compare;

const TASKS: usize = 100_000;
const YIELDS: usize = 100_000;
const ROUNDS: usize = 5;

async fn yields() {
    for _ in 0..YIELDS {
        yield_now().await;
    }
}

fn main() {
    let pool = ThreadPool::builder().pool_size(2).create().unwrap();
    let ex = ThreadPoolExecutor::from_pool(pool.clone());
    compare(
        "ThreadPool spawn",
        TASKS,
        ROUNDS,
        || {
            let handles: Vec<_> = (0..TASKS)
                .map(|_| pool.spawn_with_handle(async {}).unwrap())
                .collect();
            futures_executor::block_on(async {
                for handle in handles {
                    handle.await;
                }
            })
        },
        || {
            let handles: Vec<_> = (0..TASKS).map(|_| ex.spawn(async {}).unwrap()).collect();
            ex.block_on(async {
                for handle in handles {
                    handle.await.unwrap();
                }
            })
        },
    );
    compare(
        "ThreadPool wake",
        YIELDS,
        ROUNDS,
        || futures_executor::block_on(pool.spawn_with_handle(yields()).unwrap()),
        || ex.block_on(ex.spawn(yields()).unwrap()).unwrap(),
    );

    let mut native_pool = LocalPool::new();
    let local = LocalPoolExecutor::new();
    compare(
        "LocalPool spawn",
        TASKS,
        ROUNDS,
        || {
            let spawner = native_pool.spawner();
            let handles: Vec<_> = (0..TASKS)
                .map(|_| spawner.spawn_local_with_handle(async {}).unwrap())
                .collect();
            native_pool.run_until(async {
                for handle in handles {
                    handle.await;
                }
            })
        },
        || {
            let handles: Vec<_> = (0..TASKS)
                .map(|_| local.spawn_local(async {}).unwrap())
                .collect();
            local.block_on(async {
                for handle in handles {
                    handle.await.unwrap();
                }
            })
        },
    );
}
