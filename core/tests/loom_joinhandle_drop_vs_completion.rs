//! Dropping a `JoinHandle` while its task completes on another thread drops the task's
//! output exactly once (and its future exactly once), with the same accounting when the
//! handle is awaited, cancelled, or the task's `Runnable` is dropped by a shutdown.
//!
//! Run with `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p wakewire-core
//! --release --test loom_joinhandle_drop_vs_completion`.
//!
//! # What is modelled
//!
//! Core's own code around the task cell, run for real: `task::spawn`, `Runnable::run` and
//! `Runnable`'s `Drop` (cancellation through the per-thread cancelling marker),
//! `CatchUnwind` (drops the future as soon as it finishes, or instead of polling it when
//! cancelled), `QuietDrop` (the output wrapper), `JoinHandle::poll`, `cancel` and `Drop`
//! (detach). The user-side code (the future's poll and destructor, the output's
//! destructor, the `schedule` function, the awaiting waker) uses loom atomics and locks,
//! so loom switches threads there — including in the middle of an async-task operation
//! that calls back into it (a destructor run by `detach`, `schedule` called from a wake).
//!
//! # What is not
//!
//! async-task's internals (its state word, reference count and awaiter slot) use std
//! atomics that loom cannot see: each stretch of async-task code between two of the
//! callbacks above runs as one indivisible step, so loom does not explore races *inside*
//! async-task (async-task's own test suite covers those). All loom threads share one OS
//! thread, so core's thread-locals are shared between them too; the cancelling marker
//! names the task it applies to, which keeps that harmless here.
#![cfg(loom)]

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc as StdArc;
use std::task::{Context, Poll, Wake, Waker};

use loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use loom::sync::{Arc, Mutex};
use loom::thread;
use wakewire_core::task::{self, Runnable};
use wakewire_core::JoinHandle;

/// Every event of the model in one loom atomic: polls, future drops and output drops are
/// counted in separate bytes of the same word, and each thread also touches it around its
/// calls into core. Every access is thus to the same location, which makes loom explore
/// their orders (it only reorders accesses that conflict) — and with them the order of the
/// async-task operations between them, which loom cannot see.
#[derive(Default)]
struct Counts(AtomicUsize);

const POLL: usize = 1;
const FUTURE_DROP: usize = 1 << 8;
const OUTPUT_DROP: usize = 1 << 16;

impl Counts {
    fn add(&self, event: usize) {
        self.0.fetch_add(event, Ordering::SeqCst);
    }

    /// A point where loom may switch threads, between two calls into core.
    fn step(&self) {
        self.add(0);
    }

    fn get(&self, event: usize) -> usize {
        (self.0.load(Ordering::SeqCst) / event) & 0xFF
    }
}

/// The task's output; counts its drop.
struct Output(Arc<Counts>);

impl Drop for Output {
    fn drop(&mut self) {
        self.0.add(OUTPUT_DROP);
    }
}

/// Completes on its first poll with an `Output`; counts polls and its own drop.
struct Work(Arc<Counts>);

impl Future for Work {
    type Output = Output;

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Output> {
        self.0.add(POLL);
        Poll::Ready(Output(self.0.clone()))
    }
}

impl Drop for Work {
    fn drop(&mut self) {
        self.0.add(FUTURE_DROP);
    }
}

type Queue = Arc<Mutex<Vec<Runnable>>>;

fn spawn(counts: &Arc<Counts>) -> (Runnable, JoinHandle<Output>, Queue) {
    let queue = Queue::default();
    let scheduled = queue.clone();
    let (runnable, handle) = task::spawn(Work(counts.clone()), move |runnable| {
        scheduled.lock().unwrap().push(runnable);
    });
    (runnable, handle, queue)
}

/// Runs whatever was scheduled again (a `cancel` wakes the task).
fn run_queued(queue: &Queue) {
    loop {
        let next = queue.lock().unwrap().pop();
        match next {
            Some(runnable) => {
                runnable.run();
            }
            None => return,
        }
    }
}

/// A waker that raises a loom-visible flag.
struct Flag(Arc<AtomicBool>);

impl Wake for Flag {
    fn wake(self: StdArc<Self>) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[test]
fn loom_joinhandle_drop_vs_completion() {
    loom::model(|| {
        let counts = Arc::new(Counts::default());
        let (runnable, handle, queue) = spawn(&counts);
        let worker = {
            let counts = counts.clone();
            thread::spawn(move || {
                counts.step();
                runnable.run();
                counts.step();
            })
        };
        counts.step();
        drop(handle);
        counts.step();
        worker.join().unwrap();
        run_queued(&queue);
        assert_eq!(counts.get(POLL), 1);
        assert_eq!(counts.get(FUTURE_DROP), 1);
        assert_eq!(counts.get(OUTPUT_DROP), 1, "output dropped once");
    });
}

#[test]
fn loom_joinhandle_await_vs_completion() {
    loom::model(|| {
        let counts = Arc::new(Counts::default());
        let (runnable, mut handle, queue) = spawn(&counts);
        // Made before the worker starts: async-task hands the waker over through atomics
        // loom cannot see, so its creation must happen-before the worker in loom's eyes.
        let woken = Arc::new(AtomicBool::new(false));
        let waker = Waker::from(StdArc::new(Flag(woken.clone())));
        let worker = {
            let counts = counts.clone();
            thread::spawn(move || {
                counts.step();
                runnable.run();
                counts.step();
            })
        };
        counts.step();
        let first = Pin::new(&mut handle).poll(&mut Context::from_waker(&waker));
        counts.step();
        worker.join().unwrap();
        let output = match first {
            Poll::Ready(result) => result.expect("the task completed"),
            Poll::Pending => {
                // The awaiter was registered before completion: it must have been woken.
                assert!(woken.load(Ordering::SeqCst), "lost wakeup");
                match Pin::new(&mut handle).poll(&mut Context::from_waker(&waker)) {
                    Poll::Ready(result) => result.expect("the task completed"),
                    Poll::Pending => panic!("woken but not ready"),
                }
            }
        };
        assert_eq!(counts.get(OUTPUT_DROP), 0, "the caller owns the output");
        drop(output);
        drop(handle);
        run_queued(&queue);
        assert_eq!(counts.get(FUTURE_DROP), 1);
        assert_eq!(counts.get(OUTPUT_DROP), 1, "output dropped once");
    });
}

#[test]
fn loom_joinhandle_cancel_and_drop_vs_completion() {
    loom::model(|| {
        let counts = Arc::new(Counts::default());
        let (runnable, handle, queue) = spawn(&counts);
        let worker = {
            let (counts, queue) = (counts.clone(), queue.clone());
            thread::spawn(move || {
                counts.step();
                runnable.run();
                counts.step();
                run_queued(&queue);
            })
        };
        counts.step();
        handle.cancel();
        counts.step();
        drop(handle);
        counts.step();
        worker.join().unwrap();
        run_queued(&queue);
        let completed = counts.get(POLL);
        assert!(completed <= 1);
        assert_eq!(counts.get(FUTURE_DROP), 1, "future dropped once");
        assert_eq!(
            counts.get(OUTPUT_DROP),
            completed,
            "an output, if made, dropped once"
        );
    });
}

#[test]
fn loom_joinhandle_drop_vs_runnable_dropped_at_shutdown() {
    loom::model(|| {
        let counts = Arc::new(Counts::default());
        let (runnable, handle, queue) = spawn(&counts);
        let shutdown = {
            let counts = counts.clone();
            thread::spawn(move || {
                counts.step();
                drop(runnable);
                counts.step();
            })
        };
        counts.step();
        drop(handle);
        counts.step();
        shutdown.join().unwrap();
        run_queued(&queue);
        assert_eq!(counts.get(POLL), 0, "never polled");
        assert_eq!(counts.get(FUTURE_DROP), 1, "future dropped once");
        assert_eq!(counts.get(OUTPUT_DROP), 0);
    });
}
