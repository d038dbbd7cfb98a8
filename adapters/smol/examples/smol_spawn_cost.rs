//! What the async-executor adapters cost per spawn and per wake, next to async-executor's
//! own spawn.
//!
//! ```text
//! cargo run --release -p wakewire-adapter-smol --example smol_spawn_cost
//! ```
//!
//! Two workloads, each timed natively (`Executor::spawn`, `LocalExecutor::spawn`) and
//! through the adapter (Wakewire tasks run by async-executor), interleaved over five
//! rounds, medians printed:
//!
//! - `spawn`: 100 000 tasks that complete on their first poll, all awaited;
//! - `wake`: one task that yields 100 000 times (each yield is a wake, which the
//!   `Executor` adapter turns into one async-executor task).
//!
//! Look for the `adapter/native` ratio. A timing, not a test: numbers vary run to run.

use wakewire_adapter_smol::{SmolExecutor, SmolLocal};
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
    let ex = SmolExecutor::new(2).unwrap();
    compare(
        "Executor spawn",
        TASKS,
        ROUNDS,
        || {
            let handles: Vec<_> = (0..TASKS).map(|_| ex.executor().spawn(async {})).collect();
            ex.block_on(async {
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
        "Executor wake",
        YIELDS,
        ROUNDS,
        || ex.block_on(ex.executor().spawn(yields())),
        || ex.block_on(ex.spawn(yields()).unwrap()).unwrap(),
    );

    let local = SmolLocal::new();
    compare(
        "LocalExecutor spawn",
        TASKS,
        ROUNDS,
        || {
            let handles: Vec<_> = (0..TASKS)
                .map(|_| local.executor().spawn(async {}))
                .collect();
            local.block_on(async {
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
