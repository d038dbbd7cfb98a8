//! 05 — CPU-heavy work, way 3: a custom reactor that runs the work and returns a future.
//!
//! Run it with:
//!
//! ```text
//! cargo run --example 05_cpu_custom_reactor            # add `-- --svg FILE` for a timeline
//! ```
//!
//! `spawn_blocking` is one reactor for any closure. When one kind of work dominates (image
//! decoding, hashing, a solver) it can pay to write a reactor for it: its own thread(s),
//! its own queue, its own batching — and an awaitable *leaf future* per job, which stores
//! the task's waker and is woken when its job is done. Executors need not know it exists.
//!
//! `ComputeReactor` below is such a reactor in ~40 lines: one thread, a job queue, and
//! `compute(job)` returning a `Computation` leaf future. The future hands its job over
//! on its first poll (so nothing runs unless someone awaits it) and reports the
//! registration to the tracer; the reactor thread wakes it through
//! `wake_all("compute", ..)`, naming itself. Look for: `→ registered with [compute]` in
//! the task's first poll, `↯ woken by [compute]`, then `Ready` with the result.

use std::fmt::Write;
use std::future::Future;
use std::pin::Pin;
use std::sync::{mpsc, Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread;

use wakewire::core::waker::wake_all;
use wakewire::core::BlockOn;
use wakewire::local::LocalExecutor;
use wakewire_adapter_trace::render::{story, svg, SvgOptions};
use wakewire_adapter_trace::{doctor::doctor, registered, Recorder, Trace, TraceExt};

/// A job and where its result and waiter go.
type Job = Box<dyn FnOnce() -> u64 + Send>;
type Slot = Arc<Mutex<(Option<u64>, Option<Waker>)>>;

/// The reactor: a thread running jobs in order, waking each job's future when done.
#[derive(Clone)]
struct ComputeReactor {
    jobs: mpsc::Sender<(Job, Slot)>,
}

impl ComputeReactor {
    fn start() -> Self {
        let (jobs, queue) = mpsc::channel::<(Job, Slot)>();
        thread::Builder::new()
            .name("compute".into())
            .spawn(move || {
                for (job, slot) in queue {
                    let result = job();
                    let waker = {
                        let mut slot = slot.lock().unwrap();
                        slot.0 = Some(result);
                        slot.1.take()
                    };
                    drop(wake_all("compute", waker)); // unlocked: wakers are foreign code
                }
            })
            .expect("spawn the compute thread");
        ComputeReactor { jobs }
    }

    /// A leaf future resolving to `job()`'s result, computed on the reactor's thread.
    fn compute(&self, job: impl FnOnce() -> u64 + Send + 'static) -> Computation {
        Computation {
            reactor: self.clone(),
            job: Some(Box::new(job)),
            slot: Arc::default(),
        }
    }
}

/// The leaf future of one job.
#[must_use = "futures do nothing unless you poll them"]
struct Computation {
    reactor: ComputeReactor,
    job: Option<Job>,
    slot: Slot,
}

impl Future for Computation {
    type Output = u64;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u64> {
        let mut slot = self.slot.lock().unwrap();
        if let Some(result) = slot.0.take() {
            return Poll::Ready(result);
        }
        slot.1 = Some(cx.waker().clone()); // the latest waker, before the job can finish
        drop(slot);
        if let Some(job) = self.job.take() {
            registered("compute", "one job queued");
            let slot = Arc::clone(&self.slot);
            self.reactor
                .jobs
                .send((job, slot))
                .expect("the compute thread runs");
        }
        Poll::Pending
    }
}

/// Runs the lesson; returns what it prints and the trace.
pub fn run() -> (String, Trace) {
    let recorder = Recorder::new();
    let reactor = ComputeReactor::start();
    let ex = LocalExecutor::new();
    let sum = ex.block_on(
        async {
            let fib = reactor.compute(|| (0..90).fold((0u64, 1u64), |(a, b), _| (b, a + b)).0);
            fib.await
        }
        .traced_in(&recorder, "asker"),
    );
    let trace = recorder.snapshot();
    let mut out = format!("asker: fib(90) = {sum}\n\n");
    let _ = write!(out, "{}", story(&trace, &doctor(&trace)));
    (out, trace)
}

fn main() {
    let (out, trace) = run();
    print!("{out}");
    if let Some(path) = std::env::args().skip_while(|a| a != "--svg").nth(1) {
        let title = SvgOptions::titled("05 — a custom compute reactor");
        std::fs::write(path, svg(&trace, &doctor(&trace), &title)).expect("write the SVG");
    }
}
