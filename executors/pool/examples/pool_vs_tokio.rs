//! A quick, rough timing of the pool against tokio's multi-thread runtime (2 workers each)
//! on four executor workloads, interleaved round by round. The real comparison lives in
//! the benchmark harness (`cargo run --release -p wakewire-bench`); this is for iterating
//! on the scheduler without building every peer.
//!
//! ```text
//! cargo run --release -p wakewire-executor-pool --example pool_vs_tokio [ROUNDS [WORKLOAD [pool]]]
//! ```
//!
//! With a workload name only that workload runs; with `pool` after it, only on the pool
//! (handy under `perf record`).
//!
//! Prints one line per workload: the median ns per operation of each runtime, and the
//! ratio pool / tokio (below 1.00 means the pool is faster). Both runtimes use the same
//! hand-written one-shot channel and core's `yield_now`, so only the schedulers differ.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};
use std::time::Instant;

use wakewire_core::future::yield_now;
use wakewire_executor_pool::Pool;

/// A one-shot channel: enough for ping-pong.
type Slot<T> = Arc<Mutex<(Option<T>, Option<Waker>)>>;

fn oneshot<T>() -> (Slot<T>, Slot<T>) {
    let slot = Arc::new(Mutex::new((None, None)));
    (slot.clone(), slot)
}

fn send<T>(slot: &Slot<T>, value: T) {
    let waker = {
        let mut guard = slot.lock().unwrap();
        guard.0 = Some(value);
        guard.1.take()
    };
    if let Some(waker) = waker {
        waker.wake();
    }
}

async fn recv<T>(slot: Slot<T>) -> T {
    std::future::poll_fn(move |cx| {
        let mut guard = slot.lock().unwrap();
        match guard.0.take() {
            Some(value) => Poll::Ready(value),
            None => {
                guard.1 = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    })
    .await
}

/// The operations a workload needs from a runtime.
trait Runtime: Clone + Send + Sync + 'static {
    fn spawn_task<F: Future<Output = ()> + Send + 'static>(
        &self,
        future: F,
    ) -> Pin<Box<dyn Future<Output = ()> + Send>>;
    fn run<F: Future<Output = ()> + Send + 'static>(&self, future: F);
}

#[derive(Clone)]
struct PoolRt(wakewire_executor_pool::PoolSpawner, Arc<Pool>);

impl Runtime for PoolRt {
    fn spawn_task<F: Future<Output = ()> + Send + 'static>(
        &self,
        future: F,
    ) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        let handle = self.0.spawn(future).unwrap();
        Box::pin(async move { handle.await.unwrap() })
    }

    fn run<F: Future<Output = ()> + Send + 'static>(&self, future: F) {
        let task = self.0.spawn(future).unwrap();
        self.1.block_on(task).unwrap();
    }
}

#[derive(Clone)]
struct TokioRt(tokio::runtime::Handle, Arc<tokio::runtime::Runtime>);

impl Runtime for TokioRt {
    fn spawn_task<F: Future<Output = ()> + Send + 'static>(
        &self,
        future: F,
    ) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        let handle = self.0.spawn(future);
        Box::pin(async move { handle.await.unwrap() })
    }

    fn run<F: Future<Output = ()> + Send + 'static>(&self, future: F) {
        let task = self.0.spawn(future);
        self.1.block_on(task).unwrap();
    }
}

/// Returns (operations, nanoseconds).
fn spawn_many<R: Runtime>(rt: &R) -> (u64, u128) {
    const N: usize = 10_000;
    let inner = rt.clone();
    let start = Instant::now();
    rt.run(async move {
        let handles: Vec<_> = (0..N).map(|_| inner.spawn_task(async {})).collect();
        for handle in handles {
            handle.await;
        }
    });
    (N as u64, start.elapsed().as_nanos())
}

fn yield_many<R: Runtime>(rt: &R) -> (u64, u128) {
    const TASKS: usize = 200;
    const YIELDS: usize = 1_000;
    let inner = rt.clone();
    let start = Instant::now();
    rt.run(async move {
        let handles: Vec<_> = (0..TASKS)
            .map(|_| {
                inner.spawn_task(async {
                    for _ in 0..YIELDS {
                        yield_now().await;
                    }
                })
            })
            .collect();
        for handle in handles {
            handle.await;
        }
    });
    ((TASKS * YIELDS) as u64, start.elapsed().as_nanos())
}

fn ping_pong<R: Runtime>(rt: &R) -> (u64, u128) {
    const PAIRS: usize = 1_000;
    const ROUNDS: usize = 10;
    let inner = rt.clone();
    let start = Instant::now();
    rt.run(async move {
        let handles: Vec<_> = (0..PAIRS)
            .map(|_| {
                let rt = inner.clone();
                inner.spawn_task(async move {
                    for _ in 0..ROUNDS {
                        let (ping_tx, ping_rx) = oneshot::<()>();
                        let (pong_tx, pong_rx) = oneshot::<()>();
                        let echo = rt.spawn_task(async move {
                            recv(ping_rx).await;
                            send(&pong_tx, ());
                        });
                        send(&ping_tx, ());
                        recv(pong_rx).await;
                        echo.await;
                    }
                })
            })
            .collect();
        for handle in handles {
            handle.await;
        }
    });
    ((PAIRS * ROUNDS) as u64, start.elapsed().as_nanos())
}

fn chained_spawn<R: Runtime>(rt: &R) -> (u64, u128) {
    const N: usize = 1_000;
    fn link<R: Runtime>(rt: R, left: usize, done: Slot<()>) {
        if left == 0 {
            send(&done, ());
            return;
        }
        let next = rt.clone();
        drop(rt.spawn_task(async move { link(next, left - 1, done) }));
    }
    let inner = rt.clone();
    let start = Instant::now();
    rt.run(async move {
        let (tx, rx) = oneshot();
        link(inner, N, tx);
        recv(rx).await;
    });
    (N as u64, start.elapsed().as_nanos())
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.partial_cmp(b).unwrap());
    values[values.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rounds: usize = args.first().and_then(|arg| arg.parse().ok()).unwrap_or(21);
    let only = args.get(1).cloned();
    let pool_only = args.get(2).is_some_and(|arg| arg == "pool");
    let pool = Arc::new(Pool::builder().workers(2).build());
    let pool_rt = PoolRt(pool.spawner(), pool.clone());
    let tokio = Arc::new(
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .unwrap(),
    );
    let tokio_rt = TokioRt(tokio.handle().clone(), tokio.clone());
    type Workload<R> = fn(&R) -> (u64, u128);
    let workloads: [(&str, Workload<PoolRt>, Workload<TokioRt>); 4] = [
        ("spawn_many", spawn_many, spawn_many),
        ("yield_many", yield_many, yield_many),
        ("ping_pong", ping_pong, ping_pong),
        ("chained_spawn", chained_spawn, chained_spawn),
    ];
    println!("| workload | pool ns/op | tokio ns/op | ratio |");
    println!("| --- | --- | --- | --- |");
    for (name, on_pool, on_tokio) in workloads {
        if only.as_deref().is_some_and(|only| only != name) {
            continue;
        }
        let (mut ours, mut theirs) = (Vec::new(), vec![f64::NAN]);
        for _ in 0..rounds {
            let (ops, ns) = on_pool(&pool_rt);
            ours.push(ns as f64 / ops as f64);
            if !pool_only {
                let (ops, ns) = on_tokio(&tokio_rt);
                theirs.push(ns as f64 / ops as f64);
            }
        }
        if !pool_only {
            theirs.remove(0);
        }
        let (ours, theirs) = (median(ours), median(theirs));
        println!(
            "| {name} | {ours:.0} | {theirs:.0} | {:.2} |",
            ours / theirs
        );
    }
}
