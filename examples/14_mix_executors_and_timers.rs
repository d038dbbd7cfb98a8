//! 14 — Mix and match: one generic function on three executors with three timers.
//!
//! Run it with:
//!
//! ```text
//! cargo run --example 14_mix_executors_and_timers --features tokio,smol
//! ```
//!
//! `naps_and_a_timeout` is written once, against two core traits: `Spawn + BlockOn` (an
//! executor) and `Timer` (a reactor whose events are deadlines). It spawns three tasks that
//! nap for 30, 10 and 20 ms (in that order), then each runs core's `timeout` of 5 ms
//! around a future that never completes. The program runs it on every pair of
//!
//! - executors: Wakewire's pool, tokio's `multi_thread` runtime (`wakewire::tokio::
//!   TokioExecutor`), async-executor driven by smol-style threads (`wakewire::smol::
//!   SmolExecutor`);
//! - timers: Wakewire's timer wheel (its global driver thread), tokio's timer (a
//!   `TokioReactor` on its own thread, `wakewire-tokio-reactor`), async-io's timer (its
//!   `async-io` thread).
//!
//! Poll → Wait → Wake, across runtimes: the executor polls the task; the task's sleep hands
//! the task's waker to *another runtime's* timer thread and the task waits; that thread
//! wakes the waker, and the executor that owns the task polls it again. Neither side knows
//! the other: they meet in `std::task::Waker`.
//!
//! Look for: nine rows, one per executor × timer. In every row the naps finish in deadline
//! order, `10 20 30`, although they were spawned as 30, 10, 20; every timeout fires
//! (`timed out: 3/3`); the tasks resume on the executor's own threads (`wakewire-pool-*`,
//! `wakewire-tokio-worker`, `wakewire-smol-*`, and `main` for async-executor, whose
//! `block_on` lends the calling thread to the executor), never on a timer's thread.

use std::collections::BTreeSet;
use std::future::pending;
use std::thread;
use std::time::{Duration, Instant};

use wakewire::core::timer::{timeout, Timer};
use wakewire::core::{BlockOn, Spawn};
use wakewire::pool::Pool;
use wakewire::smol::{AsyncIoTimer, SmolExecutor};
use wakewire::timer::{Sleep, TimerHandle};
use wakewire::tokio::{TokioExecutor, TokioReactor};

/// What one run of `naps_and_a_timeout` saw.
struct Report {
    /// The naps in the order they finished, in ms.
    finish_order: Vec<u64>,
    timed_out: usize,
    resumed_on: BTreeSet<String>,
    took: Duration,
}

/// The one generic function: any executor, any timer.
fn naps_and_a_timeout<E, T>(ex: &E, timer: &T) -> Report
where
    E: Spawn + BlockOn,
    T: Timer + Clone + Send + Sync + 'static,
    T::Sleep: Send + 'static,
{
    let start = Instant::now();
    let tasks: Vec<_> = [30, 10, 20]
        .into_iter()
        .map(|millis| {
            let timer = timer.clone();
            ex.spawn(async move {
                // Wait: the timer keeps this task's waker until the deadline.
                timer.sleep(Duration::from_millis(millis)).await;
                let finished = start.elapsed();
                // A deadline that comes first: core's timeout, on the same timer.
                let never = pending::<()>();
                let timed_out = timeout(&timer, Duration::from_millis(5), never)
                    .await
                    .is_err();
                let thread = thread::current().name().unwrap_or("unnamed").to_owned();
                (millis, finished, timed_out, thread)
            })
            .expect("the executor is running")
        })
        .collect();
    let mut results = ex.block_on(async {
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await.expect("the task does not panic"));
        }
        results
    });
    results.sort_by_key(|&(_, finished, _, _)| finished);
    Report {
        finish_order: results.iter().map(|r| r.0).collect(),
        timed_out: results.iter().filter(|r| r.2).count(),
        resumed_on: results.into_iter().map(|r| r.3).collect(),
        took: start.elapsed(),
    }
}

/// Wakewire's timer wheel through core's `Timer` trait.
#[derive(Clone)]
struct WakewireTimer(TimerHandle);

impl Timer for WakewireTimer {
    type Sleep = Sleep;

    fn sleep_until(&self, deadline: Instant) -> Sleep {
        self.0.sleep_until(deadline)
    }

    fn now(&self) -> Instant {
        self.0.now()
    }
}

/// Prints one row, then checks what the header promises, so a broken bridge fails the
/// run (CI runs this example).
fn print_row(executor: &str, timer: &str, report: Report) {
    let order: Vec<String> = report.finish_order.iter().map(u64::to_string).collect();
    let threads: Vec<&str> = report.resumed_on.iter().map(String::as_str).collect();
    println!(
        "{executor:<14} x {timer:<15} finished: {}   timed out: {}/3   took {:>3} ms   resumed on: {}",
        order.join(" "),
        report.timed_out,
        report.took.as_millis(),
        threads.join(", ")
    );
    assert_eq!(
        report.timed_out, 3,
        "{executor} x {timer}: every timeout fires"
    );
    assert!(
        report.finish_order.windows(2).all(|pair| pair[0] < pair[1]),
        "{executor} x {timer}: the naps finish in deadline order"
    );
    assert!(
        threads.iter().all(|thread| !thread.contains("timer")
            && !thread.contains("reactor")
            && *thread != "async-io"),
        "{executor} x {timer}: tasks resume on the executor's threads, not a timer's: {threads:?}"
    );
}

/// Runs the generic function with each timer on one executor.
fn with_every_timer<E: Spawn + BlockOn>(name: &str, ex: &E, tokio_timer: &TokioReactor) {
    let ours = WakewireTimer(TimerHandle::current());
    print_row(name, "wakewire timer", naps_and_a_timeout(ex, &ours));
    print_row(
        name,
        "tokio timer",
        naps_and_a_timeout(ex, &tokio_timer.handle()),
    );
    print_row(
        name,
        "async-io timer",
        naps_and_a_timeout(ex, &AsyncIoTimer),
    );
}

fn main() {
    let tokio_timer = TokioReactor::on_own_thread().expect("tokio's reactor starts");

    let mut pool = Pool::builder().workers(2).build();
    with_every_timer("wakewire pool", &pool, &tokio_timer);
    pool.shutdown(Duration::from_secs(5))
        .expect("the pool shuts down");

    let tokio_executor = TokioExecutor::multi_thread(2).expect("tokio's runtime starts");
    with_every_timer("tokio runtime", &tokio_executor, &tokio_timer);
    tokio_executor.shutdown();

    let smol_executor = SmolExecutor::new(2).expect("async-executor's threads start");
    with_every_timer("async-executor", &smol_executor, &tokio_timer);
    smol_executor.shutdown();

    tokio_timer.shutdown();
}
