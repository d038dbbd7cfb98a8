//! Task stories: each task's own Poll → Wait → Wake sequence, one task after another, in
//! a form that does not depend on how threads happened to interleave.

use std::fmt::Write;

use crate::doctor::Finding;
use crate::event::{EventKind, TaskTag};
use crate::trace::Trace;

/// Renders each task's story, tasks in creation order, then `findings`.
///
/// A story lists the task's polls and their outcomes, what it registered during them, and
/// between two polls who woke it (a reactor `[name]`, a task, a thread) and any cancel
/// request. It leaves out what only thread timing decides — parks, waker drops, how many
/// clones a poll kept — so the output of a program whose tasks behave the same way each run
/// is the same each run, even when other threads wake them (wakes that race with the end
/// of the poll they interrupt are printed after it). Use [`text`](super::text) for the
/// full picture.
pub fn story(trace: &Trace, findings: &[Finding]) -> String {
    let mut out = String::new();
    for task in trace.tasks() {
        task_story(&mut out, trace, task);
    }
    if !findings.is_empty() {
        let _ = writeln!(out, "doctor: {} finding(s)", findings.len());
        for finding in findings {
            let _ = writeln!(out, "  ! {finding}");
        }
    }
    out
}

fn task_story(out: &mut String, trace: &Trace, task: TaskTag) {
    let _ = writeln!(out, "task `{}`", trace.task_name(task));
    // Lines from other threads seen since the current poll started: printed after it.
    let mut between: Vec<String> = Vec::new();
    // What the task recorded during the current poll: printed under its outcome.
    let mut inside: Vec<String> = Vec::new();
    let mut in_poll = false;
    let flush = |out: &mut String, between: &mut Vec<String>| {
        let mut last: Option<&String> = None;
        for line in between.iter() {
            if last != Some(line) {
                let _ = writeln!(out, "    {line}");
            }
            last = Some(line);
        }
        between.clear();
    };
    for event in trace.task_events(task) {
        match &event.kind {
            EventKind::PollStart { .. } => in_poll = true,
            EventKind::PollEnd { poll, ready, .. } => {
                let outcome = if *ready { "Ready" } else { "Pending" };
                let _ = writeln!(out, "  poll {poll} → {outcome}");
                in_poll = false;
                for line in inside.drain(..) {
                    let _ = writeln!(out, "    {line}");
                }
                flush(out, &mut between);
            }
            EventKind::Wake {
                by_ref,
                source,
                by_task,
                ..
            } => {
                let how = if *by_ref { " (wake_by_ref)" } else { "" };
                let who = match (by_task, source) {
                    (Some(t), _) if *t == task => "itself".to_string(),
                    (Some(t), _) => format!("task `{}`", trace.task_name(*t)),
                    (None, Some(reactor)) => format!("[{reactor}]"),
                    (None, None) => format!("thread `{}`", trace.thread_name(event.thread)),
                };
                between.push(format!("↯ woken by {who}{how}"));
                if !in_poll {
                    flush(out, &mut between);
                }
            }
            EventKind::CancelRequested => {
                between.push("cancel requested".to_string());
                if !in_poll {
                    flush(out, &mut between);
                }
            }
            EventKind::Registered { reactor, detail } => {
                inside.push(format!("→ registered with [{reactor}]: {detail}"));
            }
            EventKind::Mark { label } => inside.push(format!("※ {label}")),
            EventKind::CancelHonored => inside.push("cancel honored".to_string()),
            EventKind::Dropped => {
                flush(out, &mut between);
                let _ = writeln!(out, "  ✗ dropped before completing");
            }
            _ => {}
        }
    }
    for line in inside.drain(..) {
        let _ = writeln!(out, "    {line}");
    }
    flush(out, &mut between);
}
