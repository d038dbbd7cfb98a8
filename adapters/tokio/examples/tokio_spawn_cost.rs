//! What the tokio adapters cost per spawn and per wake, next to tokio's own spawn.
//!
//! ```text
//! cargo run --release -p wakewire-adapter-tokio --example tokio_spawn_cost
//! ```
//!
//! Two workloads, each timed natively (tokio's `spawn`/`spawn_local`) and through the
//! adapter (Wakewire tasks run by tokio), interleaved over five rounds, medians printed:
//!
//! - `spawn`: 100 000 tasks that complete on their first poll, all awaited;
//! - `wake`: one task that yields 100 000 times, with the same `yield_now` in both (each
//!   yield is a wake, which the multi-thread adapter turns into one tokio task).
//!
//! Look for the `adapter/native` ratio: about what one extra allocation and one extra
//! tokio task per scheduling cost. A timing, not a test: numbers vary run to run.

use wakewire_adapter_tokio::{TokioExecutor, TokioLocal};
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
    let ex = TokioExecutor::multi_thread(2).unwrap();
    let runtime = ex.runtime();
    compare(
        "multi_thread spawn",
        TASKS,
        ROUNDS,
        || {
            runtime.block_on(async {
                let handles: Vec<_> = (0..TASKS).map(|_| tokio::spawn(async {})).collect();
                for handle in handles {
                    handle.await.unwrap();
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
        "multi_thread wake",
        YIELDS,
        ROUNDS,
        || runtime.block_on(runtime.spawn(yields())).unwrap(),
        || ex.block_on(ex.spawn(yields()).unwrap()).unwrap(),
    );

    let local = TokioLocal::new().unwrap();
    compare(
        "LocalSet spawn_local",
        TASKS,
        ROUNDS,
        || {
            local.block_on(async {
                let handles: Vec<_> = (0..TASKS)
                    .map(|_| local.local_set().spawn_local(async {}))
                    .collect();
                for handle in handles {
                    handle.await.unwrap();
                }
            })
        },
        || {
            local.block_on(async {
                let handles: Vec<_> = (0..TASKS)
                    .map(|_| local.spawn_local(async {}).unwrap())
                    .collect();
                for handle in handles {
                    handle.await.unwrap();
                }
            })
        },
    );
}
