//! 11 — The async doctor: a program full of planted waker bugs, diagnosed from its trace.
//!
//! Run it with:
//!
//! ```text
//! cargo run --example 11_async_doctor            # add `-- --svg FILE` for a timeline
//! ```
//!
//! Waker bugs do not crash: a task just never finishes, or a CPU spins, or a reactor
//! keeps memory alive. The doctor (`wakewire_adapter_trace::doctor`) reads a trace and
//! names them, in-process, on any executor. Each task below has one classic bug:
//!
//! - `forgetful` returns `Pending` without keeping its waker: *lost waker*;
//! - `stranded` gives its waker to a registry that `janitor` clears without waking:
//!   *lost waker*, naming who dropped the last clone;
//! - `stale` keeps the waker of its first poll only; `knocker` makes it poll again, then
//!   the registry wakes the old waker: *stale waker* (it works here only by luck);
//! - `leaver` finishes but leaves its waker registered, and it is woken later: *wake
//!   after completion*;
//! - `stubborn` is asked to cancel and returns `Pending` again: *cancel ignored*;
//! - `spinner` wakes itself on every poll, a busy loop through the executor: *self-wake
//!   storm*.
//!
//! Look for: the findings at the end, one per bug, each naming its task; in the SVG
//! (`-- --svg FILE`) each finding is a red triangle on its task's lane.

use std::cell::RefCell;
use std::fmt::Write;
use std::future::poll_fn;
use std::rc::Rc;
use std::task::{Poll, Waker};

use wakewire::core::future::yield_now;
use wakewire::core::LocalSpawn;
use wakewire::local::LocalExecutor;
use wakewire_adapter_trace::render::{story, svg, SvgOptions};
use wakewire_adapter_trace::{current_task, doctor::doctor, Recorder, Trace, TraceExt};

type Registry = Rc<RefCell<Vec<Waker>>>;

/// Runs the lesson; returns what it prints and the trace.
pub fn run() -> (String, Trace) {
    let recorder = Recorder::new();
    let ex = LocalExecutor::new();
    let spawn = |name: &str, future: std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>| {
        ex.spawn_local(future.traced_in(&recorder, name))
            .expect("the executor is alive")
            .detach();
    };

    // Lost waker: Pending, and no clone kept anywhere.
    spawn("forgetful", Box::pin(poll_fn(|_cx| Poll::Pending)));

    // Lost waker: the only clone is dropped by someone else without waking.
    let registry: Registry = Rc::default();
    let mut registered = false;
    let for_stranded = Rc::clone(&registry);
    spawn(
        "stranded",
        Box::pin(poll_fn(move |cx| {
            if !registered {
                registered = true;
                for_stranded.borrow_mut().push(cx.waker().clone());
            }
            Poll::Pending
        })),
    );
    let cleared = Rc::clone(&registry);
    spawn(
        "janitor",
        Box::pin(async move { cleared.borrow_mut().clear() }),
    );

    // Stale waker: keeps its first waker; polled again; woken through the old one.
    let old: Registry = Rc::default();
    let keep_first = Rc::clone(&old);
    let mut polls = 0;
    spawn(
        "stale",
        Box::pin(poll_fn(move |cx| {
            polls += 1;
            if polls == 3 {
                return Poll::Ready(());
            }
            if keep_first.borrow().is_empty() {
                keep_first.borrow_mut().push(cx.waker().clone()); // the bug: only once
            }
            Poll::Pending
        })),
    );
    let knock = Rc::clone(&old);
    spawn(
        "knocker",
        Box::pin(async move {
            let first = knock.borrow()[0].clone();
            first.wake(); // makes `stale` poll again (its poll 2 keeps no waker)
            yield_now().await;
            let stored = knock.borrow_mut().pop();
            if let Some(waker) = stored {
                waker.wake(); // the old waker
            }
        }),
    );

    // Wake after completion: finishes, its waker stays registered, and is woken later.
    let leftovers: Registry = Rc::default();
    let leave = Rc::clone(&leftovers);
    spawn(
        "leaver",
        Box::pin(poll_fn(move |cx| {
            leave.borrow_mut().push(cx.waker().clone());
            Poll::Ready(())
        })),
    );

    // Cancel ignored: asked to cancel, woken, and Pending again.
    let stubborn_waker: Registry = Rc::default();
    let keep = Rc::clone(&stubborn_waker);
    let stubborn_task = Rc::new(RefCell::new(None));
    let remember = Rc::clone(&stubborn_task);
    spawn(
        "stubborn",
        Box::pin(poll_fn(move |cx| {
            *remember.borrow_mut() = current_task();
            keep.borrow_mut().push(cx.waker().clone());
            Poll::Pending // never looks at any cancel flag
        })),
    );

    // Self-wake storm: wakes itself on each of 100 polls.
    let mut spins = 100;
    spawn(
        "spinner",
        Box::pin(poll_fn(move |cx| {
            if spins == 0 {
                return Poll::Ready(());
            }
            spins -= 1;
            cx.waker().wake_by_ref();
            Poll::Pending
        })),
    );

    ex.run_until_stalled();
    for waker in leftovers.borrow_mut().drain(..) {
        waker.wake(); // the leaver finished long ago
    }
    if let Some(task) = stubborn_task.borrow().as_ref() {
        task.cancel_requested();
    }
    let wakers: Vec<Waker> = stubborn_waker.borrow_mut().drain(..).collect();
    for waker in wakers {
        waker.wake();
    }
    ex.run_until_stalled();

    let trace = recorder.snapshot();
    let findings = doctor(&trace);
    let mut out = String::new();
    let _ = write!(
        out,
        "{}",
        story(&trace.only_tasks(&["stale", "stubborn"]), &findings)
    );
    (out, trace)
}

fn main() {
    let (out, trace) = run();
    print!("{out}");
    if let Some(path) = std::env::args().skip_while(|a| a != "--svg").nth(1) {
        let title = SvgOptions::titled("11 — the async doctor");
        std::fs::write(path, svg(&trace, &doctor(&trace), &title)).expect("write the SVG");
    }
}
