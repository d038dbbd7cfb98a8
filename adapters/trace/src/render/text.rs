//! Text swimlanes: one column per lane, one row per event, time flowing down.

use std::fmt::Write;

use super::lanes::{LaneKey, Lanes};
use crate::doctor::Finding;
use crate::event::{Event, EventKind};
use crate::trace::Trace;

/// How [`text`] lays out its swimlanes.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TextOptions {
    /// Print each row's time (ms since the recorder started) and poll durations. Off for
    /// output that must not change from run to run (golden files).
    pub show_times: bool,
    /// Width of each lane's column, in characters (at least 8).
    pub lane_width: usize,
}

impl Default for TextOptions {
    fn default() -> Self {
        TextOptions {
            show_times: true,
            lane_width: 30,
        }
    }
}

impl TextOptions {
    /// Options without times, for deterministic output.
    pub fn without_times() -> Self {
        TextOptions {
            show_times: false,
            ..TextOptions::default()
        }
    }

    /// These options with lanes `width` characters wide.
    pub fn with_lane_width(mut self, width: usize) -> Self {
        self.lane_width = width;
        self
    }
}

/// What a lane shows between its events.
#[derive(Clone, Copy, PartialEq, Eq)]
enum LaneState {
    Idle,
    Polling,
    Waiting,
    Parked,
}

impl LaneState {
    fn glyph(self) -> &'static str {
        match self {
            LaneState::Idle => "",
            LaneState::Polling => "│",
            LaneState::Waiting => "┊",
            LaneState::Parked => "≈",
        }
    }
}

/// Renders `trace` as text swimlanes with `findings` marked in their task's lane and
/// listed at the end.
///
/// A task lane reads down as the Poll → Wait → Wake cycle: `▶ poll n` opens a poll (`│`
/// while it runs), `◀ Pending` or `◀ Ready` closes it, `┊` marks the wait, and the
/// `↯ wake → task` that ends the wait appears in the lane of whoever woke it: a reactor
/// and the thread it ran on (`[timer on main]`), another task, or a thread (`<name>`).
/// `≈` marks a parked thread.
pub fn text(trace: &Trace, findings: &[Finding], options: &TextOptions) -> String {
    let lanes = Lanes::new(trace);
    let width = options.lane_width.max(8);
    let mut states = vec![LaneState::Idle; lanes.len()];
    // Park layers nest: a lane is parked until its outermost park returns.
    let mut park_depth = vec![0usize; lanes.len()];
    let mut out = String::new();

    let time_width = if options.show_times { 12 } else { 0 };
    let mut header = format!("{:time_width$}", if options.show_times { "ms" } else { "" });
    for (_, title) in &lanes.lanes {
        header.push_str(&cell(title, width));
    }
    push_line(&mut out, &header);
    push_line(&mut out, &"─".repeat(time_width + width * lanes.len()));

    let mut pending_findings: Vec<&Finding> = findings.iter().collect();
    for event in trace.events() {
        while let Some(finding) = pending_findings.first().filter(|f| f.at < event.at) {
            finding_row(&mut out, &lanes, &states, finding, width, options);
            pending_findings.remove(0);
        }
        let lane = lanes.of(event);
        let label = label(trace, event, options);
        let mut line = time_cell(event.at.as_secs_f64() * 1e3, options);
        for (index, state) in states.iter().enumerate() {
            if index == lane && index + 1 == states.len() {
                line.push_str(&label); // the last lane may run past its column
            } else if index == lane {
                line.push_str(&cell(&label, width));
            } else {
                line.push_str(&cell(state.glyph(), width));
            }
        }
        push_line(&mut out, &line);
        update(&mut states, &mut park_depth, &lanes, event);
    }
    for finding in pending_findings {
        finding_row(&mut out, &lanes, &states, finding, width, options);
    }

    if trace.dropped() > 0 {
        let _ = writeln!(
            out,
            "({} older events were overwritten: the ring holds {})",
            trace.dropped(),
            trace.capacity()
        );
    }
    if !findings.is_empty() {
        let _ = writeln!(out, "doctor: {} finding(s)", findings.len());
        for finding in findings {
            let _ = writeln!(out, "  ! {finding}");
        }
    }
    out
}

fn finding_row(
    out: &mut String,
    lanes: &Lanes,
    states: &[LaneState],
    finding: &Finding,
    width: usize,
    options: &TextOptions,
) {
    let lane = lanes.index(LaneKey::Task(finding.task));
    let mut line = time_cell(finding.at.as_secs_f64() * 1e3, options);
    for (index, state) in states.iter().enumerate() {
        if index == lane {
            line.push_str(&cell(&format!("! {}", finding.diagnosis.name()), width));
        } else {
            line.push_str(&cell(state.glyph(), width));
        }
    }
    push_line(out, &line);
}

fn time_cell(ms: f64, options: &TextOptions) -> String {
    if options.show_times {
        format!("{ms:>10.3}  ")
    } else {
        String::new()
    }
}

fn update(states: &mut [LaneState], park_depth: &mut [usize], lanes: &Lanes, event: &Event) {
    let lane = lanes.of(event);
    match &event.kind {
        EventKind::PollStart { .. } => states[lane] = LaneState::Polling,
        EventKind::PollEnd { ready: false, .. } => states[lane] = LaneState::Waiting,
        EventKind::PollEnd { ready: true, .. } | EventKind::Dropped => {
            states[lane] = LaneState::Idle;
        }
        EventKind::ParkStart { .. } => {
            park_depth[lane] += 1;
            states[lane] = LaneState::Parked;
        }
        EventKind::ParkEnd { .. } => {
            park_depth[lane] = park_depth[lane].saturating_sub(1);
            if park_depth[lane] == 0 {
                states[lane] = LaneState::Idle;
            }
        }
        _ => {}
    }
}

fn label(trace: &Trace, event: &Event, options: &TextOptions) -> String {
    let target = || event.task.map(|t| trace.task_name(t)).unwrap_or_default();
    let self_act = |by_task: &Option<crate::TaskTag>| by_task.is_some() && *by_task == event.task;
    match &event.kind {
        EventKind::Spawned { .. } => "spawn".to_string(),
        EventKind::PollStart { poll } => format!("▶ poll {poll}"),
        EventKind::PollEnd {
            ready,
            duration,
            kept,
            ..
        } => {
            let outcome = if *ready { "Ready" } else { "Pending" };
            let mut label = format!("◀ {outcome}");
            if !*ready {
                let _ = write!(label, " kept {kept}");
            }
            if options.show_times {
                let _ = write!(label, " {:.0}µs", duration.as_secs_f64() * 1e6);
            }
            label
        }
        EventKind::Wake {
            by_ref, by_task, ..
        } => {
            let how = if *by_ref { "wake_by_ref" } else { "wake" };
            if self_act(by_task) {
                format!("↯ {how} (self)")
            } else {
                format!("↯ {how} → {}", target())
            }
        }
        EventKind::WakerDropped {
            generation,
            alive,
            by_task,
            ..
        } => {
            if self_act(by_task) {
                // During the task's own poll: it replaced a clone of an older poll's waker.
                let _ = alive;
                format!("✗ old waker {generation} dropped")
            } else {
                // (The generation is in the JSON and SVG; too long for a column here.)
                format!("✗ drop {} waker, {alive} left", target())
            }
        }
        EventKind::Dropped => "✗ task dropped".to_string(),
        EventKind::CancelRequested => "cancel requested".to_string(),
        EventKind::CancelHonored => "cancel honored".to_string(),
        EventKind::Registered { reactor, detail } => format!("→ [{reactor}] {detail}"),
        EventKind::Mark { label } => format!("※ {label}"),
        EventKind::ParkStart { timeout, layer } => {
            let mut label = layer.map_or("park".to_string(), |layer| format!("park {layer}"));
            match timeout {
                None => {}
                Some(timeout) if options.show_times => {
                    let _ = write!(label, " ≤ {timeout:?}");
                }
                Some(timeout) if timeout.is_zero() => label.push_str(" (poll)"),
                Some(_) => label.push_str(" (timed)"),
            }
            label
        }
        EventKind::ParkEnd { layer, .. } => {
            layer.map_or("unparked".to_string(), |layer| format!("unparked {layer}"))
        }
        EventKind::Unpark { layer } => {
            layer.map_or("unpark".to_string(), |layer| format!("unpark {layer}"))
        }
    }
}

/// `text` cut or padded to exactly `width` characters, the last one a space.
fn cell(text: &str, width: usize) -> String {
    let mut out: String = text.chars().take(width - 1).collect();
    let len = out.chars().count();
    out.extend(std::iter::repeat_n(' ', width - len));
    out
}

fn push_line(out: &mut String, line: &str) {
    out.push_str(line.trim_end());
    out.push('\n');
}
