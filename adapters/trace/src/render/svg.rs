//! An SVG timeline: one self-contained file, no scripts, tooltips through `<title>`.

use std::collections::HashMap;
use std::fmt::Write;
use std::time::Duration;

use super::lanes::{LaneKey, Lanes};
use crate::doctor::Finding;
use crate::event::{EventKind, ThreadTag};
use crate::trace::Trace;

/// How [`svg`] draws its timeline.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct SvgOptions {
    /// A title drawn above the lanes.
    pub title: String,
    /// Width of the time axis, in pixels.
    pub width: f64,
}

impl Default for SvgOptions {
    fn default() -> Self {
        SvgOptions {
            title: "wakewire trace".to_string(),
            width: 900.0,
        }
    }
}

impl SvgOptions {
    /// Options with a title.
    pub fn titled(title: impl Into<String>) -> Self {
        SvgOptions {
            title: title.into(),
            ..SvgOptions::default()
        }
    }
}

const LABEL_WIDTH: f64 = 170.0;
const LANE_HEIGHT: f64 = 30.0;
const TOP: f64 = 48.0;

/// Renders `trace` as an SVG timeline with `findings` marked.
///
/// One row per lane. In a task's row: a blue bar for each `Pending` poll, a green one for
/// the `Ready` poll, a dashed line while it waits. A dot in the row of whoever woke the
/// task (a reactor, a thread, another task) with an arrow to the poll it caused; grey bars
/// where a thread was parked; red triangles for the doctor's findings. Hover any mark
/// for details.
pub fn svg(trace: &Trace, findings: &[Finding], options: &SvgOptions) -> String {
    let lanes = Lanes::new(trace);
    let times = || {
        trace
            .events()
            .iter()
            .map(|e| e.at)
            .chain(findings.iter().map(|f| f.at))
    };
    // The axis runs from the first event to the last: time 0 is the first event.
    let first = times().min().unwrap_or_default();
    let span = times()
        .max()
        .unwrap_or_default()
        .saturating_sub(first)
        .max(Duration::from_micros(1));
    let width = options.width.max(100.0);
    let x = |at: Duration| {
        LABEL_WIDTH + at.saturating_sub(first).as_secs_f64() / span.as_secs_f64() * width
    };
    let y = |lane: usize| TOP + lane as f64 * LANE_HEIGHT;
    let total_width = LABEL_WIDTH + width + 140.0;
    let total_height = TOP + lanes.len() as f64 * LANE_HEIGHT + 50.0;

    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{total_width:.0}" height="{total_height:.0}" viewBox="0 0 {total_width:.0} {total_height:.0}" font-family="monospace" font-size="12">"#
    );
    s.push_str(concat!(
        r#"<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">"#,
        r##"<path d="M 0 0 L 10 5 L 0 10 z" fill="#d9480f"/></marker></defs>"##,
        "\n",
        r#"<rect width="100%" height="100%" fill="white"/>"#,
        "\n"
    ));
    let _ = writeln!(
        s,
        r#"<text x="10" y="20" font-size="14" font-weight="bold">{}</text>"#,
        xml(&options.title)
    );

    for (index, (key, title)) in lanes.lanes.iter().enumerate() {
        let top = y(index);
        let fill = if matches!(key, LaneKey::Task(_)) {
            "#f4f8fb"
        } else {
            "#fbf7f1"
        };
        let _ = writeln!(
            s,
            r##"<rect x="0" y="{top:.1}" width="{total_width:.0}" height="{LANE_HEIGHT}" fill="{fill}" stroke="#e0e0e0"/><text x="8" y="{:.1}">{}</text>"##,
            top + 19.0,
            xml(title)
        );
    }

    // Time axis.
    let axis = y(lanes.len()) + 14.0;
    for tick in 0..=4 {
        let offset = span.mul_f64(f64::from(tick) / 4.0);
        let at = first + offset;
        let _ = writeln!(
            s,
            r##"<line x1="{0:.1}" y1="{TOP}" x2="{0:.1}" y2="{1:.1}" stroke="#ccc" stroke-dasharray="2 3"/><text x="{0:.1}" y="{2:.1}" text-anchor="middle" fill="#555">{3:.3} ms</text>"##,
            x(at),
            axis - 10.0,
            axis + 4.0,
            offset.as_secs_f64() * 1e3
        );
    }

    let polls = trace.all_polls();
    let mut starts: HashMap<crate::TaskTag, Vec<Duration>> = HashMap::new();
    for poll in &polls {
        starts.entry(poll.task).or_default().push(poll.start);
    }
    for (i, poll) in polls.iter().enumerate() {
        let lane = lanes.index(LaneKey::Task(poll.task));
        let end = poll.duration.map_or(trace.end(), |d| poll.start + d);
        let (color, outcome) = match (poll.duration, poll.ready) {
            (None, _) => ("#c92a2a", "still running"),
            (Some(_), true) => ("#2f9e44", "Ready"),
            (Some(_), false) => ("#1c7ed6", "Pending"),
        };
        let x0 = x(poll.start);
        let w = (x(end) - x0).max(2.0);
        let _ = writeln!(
            s,
            r#"<rect x="{x0:.1}" y="{:.1}" width="{w:.1}" height="14" fill="{color}"><title>{} poll {}: {outcome}, {:?} on {}, kept {} waker clone(s)</title></rect>"#,
            y(lane) + 8.0,
            xml(&trace.task_name(poll.task)),
            poll.poll,
            end.saturating_sub(poll.start),
            xml(&trace.thread_name(poll.thread)),
            poll.kept
        );
        if poll.duration.is_some() && !poll.ready {
            let next = polls[i + 1..]
                .iter()
                .find(|p| p.task == poll.task)
                .map_or(trace.end(), |p| p.start);
            let _ = writeln!(
                s,
                r##"<line x1="{0:.1}" y1="{1:.1}" x2="{2:.1}" y2="{1:.1}" stroke="#868e96" stroke-dasharray="4 3"/>"##,
                x0 + w,
                y(lane) + 15.0,
                x(next).max(x0 + w)
            );
        }
    }

    // Parks nest when traced park layers are stacked: one stack per thread.
    let mut parks: HashMap<ThreadTag, Vec<Duration>> = HashMap::new();
    for event in trace.events() {
        let lane = lanes.of(event);
        let cy = y(lane) + 15.0;
        match &event.kind {
            EventKind::Wake {
                generation, by_ref, ..
            } => {
                let Some(task) = event.task else { continue };
                let cx = x(event.at);
                let how = if *by_ref { "wake_by_ref" } else { "wake" };
                let _ = writeln!(
                    s,
                    r##"<circle cx="{cx:.1}" cy="{cy:.1}" r="4" fill="#d9480f"><title>{how} → {} (waker of poll {generation})</title></circle>"##,
                    xml(&trace.task_name(task))
                );
                let next = starts
                    .get(&task)
                    .and_then(|s| s.iter().find(|start| **start >= event.at));
                let target = lanes.index(LaneKey::Task(task));
                if let (Some(next), true) = (next, target != lane) {
                    let _ = writeln!(
                        s,
                        r##"<line x1="{cx:.1}" y1="{cy:.1}" x2="{:.1}" y2="{:.1}" stroke="#d9480f" stroke-width="1.2" marker-end="url(#arrow)"/>"##,
                        x(*next),
                        y(target) + if target > lane { 8.0 } else { 22.0 }
                    );
                }
            }
            EventKind::WakerDropped {
                generation, alive, ..
            } => {
                let _ = writeln!(
                    s,
                    r##"<text x="{:.1}" y="{:.1}" fill="#868e96" text-anchor="middle">×<title>{}'s waker of poll {generation} dropped, {alive} left</title></text>"##,
                    x(event.at),
                    cy + 4.0,
                    xml(&event.task.map(|t| trace.task_name(t)).unwrap_or_default())
                );
            }
            EventKind::ParkStart { .. } => {
                parks.entry(event.thread).or_default().push(event.at);
            }
            EventKind::ParkEnd { .. } => {
                if let Some(start) = parks.get_mut(&event.thread).and_then(Vec::pop) {
                    let _ = writeln!(
                        s,
                        r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="8" fill="#ced4da"><title>parked {:?}</title></rect>"##,
                        x(start),
                        cy - 4.0,
                        (x(event.at) - x(start)).max(1.0),
                        event.at.saturating_sub(start)
                    );
                }
            }
            EventKind::Unpark { .. } => {
                let _ = writeln!(
                    s,
                    r##"<text x="{:.1}" y="{:.1}" fill="#495057" font-size="10" text-anchor="middle">↑<title>unpark</title></text>"##,
                    x(event.at),
                    cy + 4.0
                );
            }
            EventKind::Registered { reactor, detail } => {
                let _ = writeln!(
                    s,
                    r##"<rect x="{:.1}" y="{:.1}" width="3" height="6" fill="#7048e8"><title>registered with {}: {}</title></rect>"##,
                    x(event.at) - 1.5,
                    cy + 8.0,
                    xml(reactor),
                    xml(detail)
                );
            }
            EventKind::CancelRequested | EventKind::Mark { .. } | EventKind::Dropped => {
                let label = match &event.kind {
                    EventKind::Mark { label } => label.to_string(),
                    other => other.name().to_string(),
                };
                let _ = writeln!(
                    s,
                    r##"<text x="{:.1}" y="{:.1}" fill="#5f3dc4" font-size="10">{}</text>"##,
                    x(event.at) + 2.0,
                    cy - 8.0,
                    xml(&label)
                );
            }
            _ => {}
        }
    }

    for finding in findings {
        let lane = lanes.index(LaneKey::Task(finding.task));
        let (fx, fy) = (x(finding.at), y(lane) + 2.0);
        let _ = writeln!(
            s,
            r##"<path d="M {fx:.1} {fy:.1} l 6 11 l -12 0 z" fill="#e03131"><title>{}</title></path><text x="{:.1}" y="{:.1}" fill="#e03131" font-size="10">{}</text>"##,
            xml(&finding.to_string()),
            fx + 8.0,
            fy + 10.0,
            finding.diagnosis.name()
        );
    }

    let legend = axis + 26.0;
    let _ = writeln!(
        s,
        r##"<text x="10" y="{legend:.1}" fill="#555"><tspan fill="#1c7ed6">■</tspan> poll → Pending  <tspan fill="#2f9e44">■</tspan> poll → Ready  <tspan fill="#868e96">- -</tspan> waiting  <tspan fill="#d9480f">●→</tspan> wake → next poll  <tspan fill="#ced4da">■</tspan> parked  ↑ unpark  <tspan fill="#e03131">▲</tspan> doctor  (time from the first event)</text>"##
    );
    s.push_str("</svg>\n");
    s
}

fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}
