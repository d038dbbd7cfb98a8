//! The doctor's rules, as one replay of the trace with a little state per task.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use super::{Diagnosis, Doctor, Finding, Site};
use crate::event::{Event, EventKind, TaskTag, ThreadTag};
use crate::trace::Trace;

/// What the replay knows about one task at the current event.
/// A cancel request the task has not answered yet.
struct CancelWatch {
    /// Off while a poll that started before the request is still running.
    counting: bool,
    /// `Pending` polls started after the request.
    pending_polls: u64,
}

#[derive(Default)]
struct TaskState {
    spawn_seen: bool,
    finished: bool,
    dropped: bool,
    /// The poll running now: (poll, start, thread).
    in_poll: Option<(u64, Duration, ThreadTag)>,
    /// The latest poll that ended: (poll, end time, ready, kept).
    last_end: Option<(u64, Duration, bool, usize)>,
    woken_since_poll_start: bool,
    self_woken_this_poll: bool,
    /// Waker generations with clones alive outside the executor.
    alive: BTreeSet<u64>,
    last_drop: Option<(Duration, Site)>,
    self_wake_run: usize,
    storm_reported: bool,
    /// Set by a cancel request until the task finishes or the cancel is honoured.
    cancel: Option<CancelWatch>,
    cancel_reported: bool,
    wake_after_completion_reported: bool,
}

pub(super) fn examine(doctor: &Doctor, trace: &Trace) -> Vec<Finding> {
    let mut tasks: BTreeMap<TaskTag, TaskState> = BTreeMap::new();
    let mut findings = Vec::new();
    for event in trace.events() {
        let Some(tag) = event.task else { continue };
        let state = tasks.entry(tag).or_default();
        let mut found = |at: Duration, diagnosis: Diagnosis| {
            findings.push(Finding {
                task: tag,
                task_name: trace.task_name(tag),
                at,
                diagnosis,
            });
        };
        step(doctor, trace, tag, state, event, &mut found);
    }
    for (tag, state) in &tasks {
        let mut found = |at: Duration, diagnosis: Diagnosis| {
            findings.push(Finding {
                task: *tag,
                task_name: trace.task_name(*tag),
                at,
                diagnosis,
            });
        };
        at_end(doctor, trace, state, &mut found);
    }
    findings.sort_by_key(|finding| finding.at);
    findings
}

fn step(
    doctor: &Doctor,
    trace: &Trace,
    tag: TaskTag,
    state: &mut TaskState,
    event: &Event,
    found: &mut impl FnMut(Duration, Diagnosis),
) {
    match &event.kind {
        EventKind::Spawned { .. } => state.spawn_seen = true,
        EventKind::PollStart { poll } => {
            state.in_poll = Some((*poll, event.at, event.thread));
            if let Some(cancel) = state.cancel.as_mut() {
                cancel.counting = true;
            }
            state.woken_since_poll_start = false;
            state.self_woken_this_poll = false;
        }
        EventKind::PollEnd {
            poll,
            ready,
            duration,
            kept,
        } => {
            state.in_poll = None;
            state.last_end = Some((*poll, event.at, *ready, *kept));
            if *kept > 0 {
                state.alive.insert(*poll);
            }
            if *duration >= doctor.long_poll {
                found(
                    event.at,
                    Diagnosis::LongPoll {
                        poll: *poll,
                        duration: *duration,
                        thread: trace.thread_name(event.thread),
                    },
                );
            }
            if *ready {
                state.finished = true;
                state.cancel = None;
                return;
            }
            if state.self_woken_this_poll {
                state.self_wake_run += 1;
                if state.self_wake_run >= doctor.self_wake_storm && !state.storm_reported {
                    state.storm_reported = true;
                    found(
                        event.at,
                        Diagnosis::SelfWakeStorm {
                            polls: state.self_wake_run,
                        },
                    );
                }
            } else {
                state.self_wake_run = 0;
                state.storm_reported = false;
            }
            if let Some(cancel) = state.cancel.as_mut().filter(|cancel| cancel.counting) {
                cancel.pending_polls += 1;
                if cancel.pending_polls >= doctor.cancel_grace_polls && !state.cancel_reported {
                    state.cancel_reported = true;
                    found(
                        event.at,
                        Diagnosis::CancelIgnored {
                            polls: cancel.pending_polls,
                        },
                    );
                }
            }
        }
        EventKind::Wake {
            generation,
            source,
            by_task,
            ..
        } => {
            let by = site(trace, event.thread, *source, *by_task);
            if state.finished {
                if !state.wake_after_completion_reported {
                    state.wake_after_completion_reported = true;
                    found(
                        event.at,
                        Diagnosis::WakeAfterCompletion {
                            generation: *generation,
                            by,
                        },
                    );
                }
                return;
            }
            let own_poll = *by_task == Some(tag) && state.in_poll.is_some();
            if own_poll {
                state.self_woken_this_poll = true;
            } else {
                state.self_wake_run = 0;
                state.storm_reported = false;
            }
            if state.in_poll.is_none() {
                if let Some((latest, _, false, 0)) = state.last_end {
                    if *generation < latest {
                        found(
                            event.at,
                            Diagnosis::StaleWaker {
                                woken: *generation,
                                latest,
                                by,
                            },
                        );
                    }
                }
            }
            state.woken_since_poll_start = true;
        }
        EventKind::WakerDropped {
            generation,
            source,
            by_task,
            ..
        } => {
            state.alive.remove(generation);
            state.last_drop = Some((event.at, site(trace, event.thread, *source, *by_task)));
        }
        EventKind::Dropped => state.dropped = true,
        EventKind::CancelRequested if !state.finished && state.cancel.is_none() => {
            // A poll running now started before the request: only later polls count.
            state.cancel = Some(CancelWatch {
                counting: state.in_poll.is_none(),
                pending_polls: 0,
            });
        }
        EventKind::CancelHonored => state.cancel = None,
        _ => {}
    }
}

fn at_end(
    doctor: &Doctor,
    trace: &Trace,
    state: &TaskState,
    found: &mut impl FnMut(Duration, Diagnosis),
) {
    if let Some((poll, start, thread)) = state.in_poll {
        let running_for = trace.end().saturating_sub(start);
        if running_for >= doctor.never_yielded {
            found(
                trace.end(),
                Diagnosis::NeverYielded {
                    poll,
                    running_for,
                    thread: trace.thread_name(thread),
                },
            );
        }
        return;
    }
    let lost = state.spawn_seen
        && !state.finished
        && !state.dropped
        && !state.woken_since_poll_start
        && state.alive.is_empty();
    if let (true, Some((poll, ended, false, kept))) = (lost, state.last_end) {
        let (at, last_drop) = match (&state.last_drop, kept) {
            (Some((at, site)), kept) if kept > 0 || *at >= ended => (*at, Some(site.clone())),
            _ => (ended, None),
        };
        found(at, Diagnosis::LostWaker { poll, last_drop });
    }
}

fn site(
    trace: &Trace,
    thread: ThreadTag,
    reactor: Option<&'static str>,
    task: Option<TaskTag>,
) -> Site {
    Site {
        thread: trace.thread_name(thread),
        reactor,
        task: task.map(|task| trace.task_name(task)),
    }
}
