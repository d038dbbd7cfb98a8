//! Chrome trace-event JSON: the format Perfetto and `chrome://tracing` open.

use std::collections::HashMap;
use std::fmt::Write;
use std::time::Duration;

use super::lanes::{LaneKey, Lanes};
use crate::doctor::Finding;
use crate::event::{EventKind, TaskTag, ThreadTag};
use crate::trace::Trace;

/// Renders `trace` as Chrome trace-event JSON (the "JSON object" form).
///
/// Each lane (task, reactor, thread) is a thread row of process 1. Polls are complete
/// events (`ph: "X"`, category `poll`), the waits between them too (category `wait`);
/// every wake that is followed by a poll draws a flow arrow (`ph: "s"` in the waker's
/// lane, `ph: "f"` on the next poll of the woken task); waker drops, registrations,
/// marks, cancel requests and unparks are instant events; parks are complete events in
/// their thread's lane; `findings` are instant events of category `doctor`.
///
/// Open the file at `ui.perfetto.dev` (Open trace file) or in `chrome://tracing`.
pub fn chrome_json(trace: &Trace, findings: &[Finding]) -> String {
    let lanes = Lanes::new(trace);
    let mut out = Vec::new();
    out.push(
        r#"{"name":"process_name","ph":"M","pid":1,"tid":0,"args":{"name":"wakewire trace"}}"#
            .to_string(),
    );
    for (index, (_, title)) in lanes.lanes.iter().enumerate() {
        let tid = index + 1;
        out.push(format!(
            r#"{{"name":"thread_name","ph":"M","pid":1,"tid":{tid},"args":{{"name":{}}}}}"#,
            string(title)
        ));
        out.push(format!(
            r#"{{"name":"thread_sort_index","ph":"M","pid":1,"tid":{tid},"args":{{"sort_index":{tid}}}}}"#
        ));
    }

    let polls = trace.all_polls();
    // Where each task's polls start, to end wake arrows on the next one.
    let mut starts: HashMap<TaskTag, Vec<Duration>> = HashMap::new();
    for span in &polls {
        starts.entry(span.task).or_default().push(span.start);
        let tid = lanes.index(LaneKey::Task(span.task)) + 1;
        let duration = span
            .duration
            .unwrap_or_else(|| trace.end().saturating_sub(span.start));
        let outcome = match (span.duration, span.ready) {
            (None, _) => "running",
            (Some(_), true) => "Ready",
            (Some(_), false) => "Pending",
        };
        out.push(format!(
            r#"{{"name":"poll {} → {outcome}","cat":"poll","ph":"X","ts":{},"dur":{},"pid":1,"tid":{tid},"args":{{"thread":{},"kept":{}}}}}"#,
            span.poll,
            micros(span.start),
            micros(duration),
            string(&trace.thread_name(span.thread)),
            span.kept
        ));
    }
    // Waits: from a Pending poll's end to the next poll's start (or the trace's end).
    for (task, task_starts) in &starts {
        let tid = lanes.index(LaneKey::Task(*task)) + 1;
        let task_polls: Vec<_> = polls.iter().filter(|s| s.task == *task).collect();
        for (i, span) in task_polls.iter().enumerate() {
            let (Some(duration), false) = (span.duration, span.ready) else {
                continue;
            };
            let from = span.start + duration;
            let until = task_starts.get(i + 1).copied().unwrap_or(trace.end());
            if until > from {
                out.push(format!(
                    r#"{{"name":"wait","cat":"wait","ph":"X","ts":{},"dur":{},"pid":1,"tid":{tid}}}"#,
                    micros(from),
                    micros(until - from)
                ));
            }
        }
    }

    let mut flow_id = 0u64;
    // Parks nest when traced park layers are stacked: one stack per thread.
    let mut parks: HashMap<ThreadTag, Vec<Duration>> = HashMap::new();
    for event in trace.events() {
        let tid = lanes.of(event) + 1;
        let ts = micros(event.at);
        let task_name = event.task.map(|t| trace.task_name(t)).unwrap_or_default();
        match &event.kind {
            EventKind::Wake {
                generation,
                by_ref,
                source,
                by_task,
            } => {
                let Some(task) = event.task else { continue };
                let how = if *by_ref { "wake_by_ref" } else { "wake" };
                if by_task.is_none() {
                    // A zero-length slice for the arrow to leave from (arrows bind to
                    // slices); inside a task's poll the poll slice serves.
                    out.push(format!(
                        r#"{{"name":"{how} → {}","cat":"wake","ph":"X","ts":{ts},"dur":0,"pid":1,"tid":{tid},"args":{{"generation":{generation},"source":{}}}}}"#,
                        escape(&task_name),
                        source.map_or("null".to_string(), string)
                    ));
                }
                let next_poll = starts
                    .get(&task)
                    .and_then(|s| s.iter().find(|start| **start >= event.at));
                if let Some(next_poll) = next_poll {
                    flow_id += 1;
                    let target = lanes.index(LaneKey::Task(task)) + 1;
                    out.push(format!(
                        r#"{{"name":"wake","cat":"wake","ph":"s","id":{flow_id},"ts":{ts},"pid":1,"tid":{tid}}}"#
                    ));
                    out.push(format!(
                        r#"{{"name":"wake","cat":"wake","ph":"f","bp":"e","id":{flow_id},"ts":{},"pid":1,"tid":{target}}}"#,
                        micros(*next_poll)
                    ));
                }
            }
            EventKind::ParkStart { .. } => {
                parks.entry(event.thread).or_default().push(event.at);
            }
            EventKind::ParkEnd { .. } => {
                if let Some(start) = parks.get_mut(&event.thread).and_then(Vec::pop) {
                    out.push(format!(
                        r#"{{"name":"parked","cat":"park","ph":"X","ts":{},"dur":{},"pid":1,"tid":{tid}}}"#,
                        micros(start),
                        micros(event.at.saturating_sub(start))
                    ));
                }
            }
            EventKind::PollStart { .. } | EventKind::PollEnd { .. } => {}
            kind => {
                let name = match kind {
                    EventKind::WakerDropped {
                        generation, alive, ..
                    } => format!("drop {task_name}'s waker {generation} ({alive} left)"),
                    EventKind::Registered { reactor, detail } => format!("[{reactor}] {detail}"),
                    EventKind::Mark { label } => label.to_string(),
                    other => other.name().to_string(),
                };
                out.push(format!(
                    r#"{{"name":{},"cat":"{}","ph":"i","s":"t","ts":{ts},"pid":1,"tid":{tid}}}"#,
                    string(&name),
                    kind.name()
                ));
            }
        }
    }
    for finding in findings {
        let tid = lanes.index(LaneKey::Task(finding.task)) + 1;
        out.push(format!(
            r#"{{"name":"doctor: {}","cat":"doctor","ph":"i","s":"t","ts":{},"pid":1,"tid":{tid},"args":{{"finding":{}}}}}"#,
            finding.diagnosis.name(),
            micros(finding.at),
            string(&finding.to_string())
        ));
    }

    let mut json = String::from("{\"traceEvents\":[\n");
    json.push_str(&out.join(",\n"));
    let _ = write!(
        json,
        "\n],\"displayTimeUnit\":\"ms\",\"otherData\":{{\"dropped_events\":{},\"capacity\":{}}}}}\n",
        trace.dropped(),
        trace.capacity()
    );
    json
}

/// A time in microseconds, as the format wants, with nanosecond precision.
fn micros(at: Duration) -> String {
    format!("{:.3}", at.as_secs_f64() * 1e6)
}

/// `text` as a JSON string literal.
fn string(text: &str) -> String {
    format!("\"{}\"", escape(text))
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}
