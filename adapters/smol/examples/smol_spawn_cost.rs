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

use std::time::{Duration, Instant};

use wakewire_adapter_smol::{SmolExecutor, SmolLocal};
use wakewire_core::future::yield_now;
use wakewire_core::{BlockOn, LocalSpawn, Spawn};

const TASKS: usize = 100_000;
const YIELDS: usize = 100_000;
const ROUNDS: usize = 5;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn report(name: &str, native: Vec<Duration>, adapter: Vec<Duration>, per: usize) {
    let (native, adapter) = (median(native), median(adapter));
    println!(
        "{name:<28} native {:>7.0} ns/op   adapter {:>7.0} ns/op   adapter/native {:.2}",
        native.as_nanos() as f64 / per as f64,
        adapter.as_nanos() as f64 / per as f64,
        adapter.as_secs_f64() / native.as_secs_f64()
    );
}

fn main() {
    let ex = SmolExecutor::new(2).unwrap();
    let (mut native, mut adapter) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let start = Instant::now();
        let handles: Vec<_> = (0..TASKS).map(|_| ex.executor().spawn(async {})).collect();
        ex.block_on(async {
            for handle in handles {
                handle.await;
            }
        });
        native.push(start.elapsed());
        let start = Instant::now();
        let handles: Vec<_> = (0..TASKS).map(|_| ex.spawn(async {}).unwrap()).collect();
        ex.block_on(async {
            for handle in handles {
                handle.await.unwrap();
            }
        });
        adapter.push(start.elapsed());
    }
    report("Executor spawn", native, adapter, TASKS);

    let (mut native, mut adapter) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let start = Instant::now();
        let task = ex.executor().spawn(async {
            for _ in 0..YIELDS {
                yield_now().await;
            }
        });
        ex.block_on(task);
        native.push(start.elapsed());
        let start = Instant::now();
        let task = ex
            .spawn(async {
                for _ in 0..YIELDS {
                    yield_now().await;
                }
            })
            .unwrap();
        ex.block_on(task).unwrap();
        adapter.push(start.elapsed());
    }
    report("Executor wake", native, adapter, YIELDS);

    let local = SmolLocal::new();
    let (mut native, mut adapter) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let start = Instant::now();
        let handles: Vec<_> = (0..TASKS)
            .map(|_| local.executor().spawn(async {}))
            .collect();
        local.block_on(async {
            for handle in handles {
                handle.await;
            }
        });
        native.push(start.elapsed());
        let start = Instant::now();
        let handles: Vec<_> = (0..TASKS)
            .map(|_| local.spawn_local(async {}).unwrap())
            .collect();
        local.block_on(async {
            for handle in handles {
                handle.await.unwrap();
            }
        });
        adapter.push(start.elapsed());
    }
    report("LocalExecutor spawn", native, adapter, TASKS);
}
