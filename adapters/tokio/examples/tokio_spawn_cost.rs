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

use std::time::{Duration, Instant};

use wakewire_adapter_tokio::{TokioExecutor, TokioLocal};
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
    let ex = TokioExecutor::multi_thread(2).unwrap();
    let (mut native, mut adapter) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let start = Instant::now();
        ex.runtime().block_on(async {
            let handles: Vec<_> = (0..TASKS).map(|_| tokio::spawn(async {})).collect();
            for handle in handles {
                handle.await.unwrap();
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
    report("multi_thread spawn", native, adapter, TASKS);

    let (mut native, mut adapter) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let start = Instant::now();
        let runtime = ex.runtime();
        runtime
            .block_on(runtime.spawn(async {
                for _ in 0..YIELDS {
                    yield_now().await;
                }
            }))
            .unwrap();
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
    report("multi_thread wake", native, adapter, YIELDS);

    let local = TokioLocal::new().unwrap();
    let (mut native, mut adapter) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let start = Instant::now();
        local.block_on(async {
            let handles: Vec<_> = (0..TASKS)
                .map(|_| local.local_set().spawn_local(async {}))
                .collect();
            for handle in handles {
                handle.await.unwrap();
            }
        });
        native.push(start.elapsed());
        let start = Instant::now();
        local.block_on(async {
            let handles: Vec<_> = (0..TASKS)
                .map(|_| local.spawn_local(async {}).unwrap())
                .collect();
            for handle in handles {
                handle.await.unwrap();
            }
        });
        adapter.push(start.elapsed());
    }
    report("LocalSet spawn_local", native, adapter, TASKS);
}
