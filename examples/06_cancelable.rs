//! 06 — Cancellation from an atomic flag and the task's own waker.
//!
//! Run it with:
//!
//! ```text
//! cargo run --example 06_cancelable            # add `-- --svg FILE` for a timeline
//! ```
//!
//! Cancelling needs no help from executors or reactors. `Cancelable<F>` wraps any future
//! with an atomic flag and remembers the waker of its latest poll. `cancel()` sets the
//! flag and wakes that waker — the task's own — so the task is polled again; on that
//! poll the wrapper sees the flag, drops the inner future (which deregisters from its
//! reactor, as any dropped leaf does) and returns `Err(Canceled)`. Whatever awaited it
//! gets a value and can go on: here the `worker` logs the cancel and cleans up.
//!
//! The wrapper reports to the tracer: the cancel request (`cancel requested`, in the
//! `canceller`'s poll) and that it honoured it (`cancel honored`); the doctor would flag
//! a cancel that is ignored (see `11_async_doctor`). Look for: `worker` waiting on a
//! channel that never delivers; `canceller` waking it (`↯ wake → worker`); the worker's
//! next poll finishing with `Err(Canceled)` and going on to its clean-up.

use std::fmt::Write;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use wakewire::channel::oneshot;
use wakewire::core::future::yield_now;
use wakewire::core::{BlockOn, LocalSpawn};
use wakewire::local::LocalExecutor;
use wakewire_adapter_trace::render::{svg, text, SvgOptions, TextOptions};
use wakewire_adapter_trace::{current_task, doctor::doctor, Recorder, TaskHandle, Trace, TraceExt};

/// What a canceled future returns.
#[derive(Debug, PartialEq, Eq)]
struct Canceled;

/// What `Cancelable` and its `CancelHandle` share.
#[derive(Default)]
struct CancelState {
    flag: AtomicBool,
    /// The waker of the latest poll, and the traced task it belongs to.
    waiter: Mutex<Option<(Waker, Option<TaskHandle>)>>,
}

/// A future that can be cancelled from anywhere through its `CancelHandle`.
#[must_use = "futures do nothing unless you poll them"]
struct Cancelable<F> {
    inner: Option<Pin<Box<F>>>,
    state: Arc<CancelState>,
}

/// Cancels a `Cancelable` from any thread.
#[derive(Clone)]
struct CancelHandle(Arc<CancelState>);

fn cancelable<F: Future>(future: F) -> (Cancelable<F>, CancelHandle) {
    let state = Arc::new(CancelState::default());
    let handle = CancelHandle(Arc::clone(&state));
    let inner = Some(Box::pin(future));
    (Cancelable { inner, state }, handle)
}

impl CancelHandle {
    /// Sets the flag, then wakes the task so it sees the flag on its next poll.
    fn cancel(&self) {
        self.0.flag.store(true, Ordering::Release);
        let waiter = self.0.waiter.lock().unwrap().take(); // unlock before waking
        if let Some((waker, task)) = waiter {
            if let Some(task) = task {
                task.cancel_requested();
            }
            waker.wake();
        }
    }
}

impl<F: Future> Future for Cancelable<F> {
    type Output = Result<F::Output, Canceled>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if self.state.flag.load(Ordering::Acquire) {
            self.inner = None; // clean up: drop the inner future now
            if let Some(task) = current_task() {
                task.cancel_honored();
            }
            return Poll::Ready(Err(Canceled));
        }
        // Store the waker before polling, so a cancel during the poll is not lost.
        *self.state.waiter.lock().unwrap() = Some((cx.waker().clone(), current_task()));
        let inner = self.inner.as_mut().expect("polled after completion");
        match inner.as_mut().poll(cx) {
            Poll::Ready(value) => Poll::Ready(Ok(value)),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// Runs the lesson; returns what it prints and the trace.
pub fn run() -> (String, Trace) {
    let recorder = Recorder::new();
    let ex = LocalExecutor::new();
    let (never_sent, reply) = oneshot::channel::<u32>();
    let (waiting, cancel) = cancelable(reply);
    let log = Arc::new(Mutex::new(String::new()));

    let worker_log = Arc::clone(&log);
    let worker = ex
        .spawn_local(
            async move {
                let outcome = waiting.await; // Err(Canceled) once cancelled
                let _ = writeln!(worker_log.lock().unwrap(), "worker: got {outcome:?}");
                yield_now().await; // ...and goes on: clean-up work after the cancel
                let _ = writeln!(worker_log.lock().unwrap(), "worker: cleaned up, done");
            }
            .traced_in(&recorder, "worker"),
        )
        .expect("the executor is alive");
    let canceller = async move {
        yield_now().await; // let the worker start waiting
        cancel.cancel();
    };
    ex.spawn_local(canceller.traced_in(&recorder, "canceller"))
        .expect("the executor is alive")
        .detach();
    ex.block_on(worker).expect("the worker finished");
    drop(never_sent);

    let trace = recorder.snapshot();
    let mut out = log.lock().unwrap().clone();
    let options = TextOptions::without_times();
    let _ = write!(out, "\n{}", text(&trace, &doctor(&trace), &options));
    (out, trace)
}

fn main() {
    let (out, trace) = run();
    print!("{out}");
    if let Some(path) = std::env::args().skip_while(|a| a != "--svg").nth(1) {
        let title = SvgOptions::titled("06 — a cancelable future");
        std::fs::write(path, svg(&trace, &doctor(&trace), &title)).expect("write the SVG");
    }
}
