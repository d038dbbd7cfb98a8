//! The three renderers draw the same trace: text swimlanes (exact, times hidden), Chrome
//! trace-event JSON (shape checked with serde_json), SVG (self-contained).

mod util;

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use serde_json::Value;
use wakewire_adapter_trace::doctor::{doctor, Diagnosis};
use wakewire_adapter_trace::render::{chrome_json, svg, text, SvgOptions, TextOptions};
use wakewire_adapter_trace::{Recorder, Trace, TraceExt};
use wakewire_core::waker::with_wake_source;

/// A hand-driven run on a thread called `driver`: "sleeper" waits on a fake timer
/// reactor, "yielder" yields once, and "forgotten" is Pending with no waker kept (a lost
/// waker).
fn scripted_trace() -> Trace {
    std::thread::Builder::new()
        .name("driver".into())
        .spawn(drive)
        .unwrap()
        .join()
        .unwrap()
}

fn drive() -> Trace {
    let recorder = Recorder::new();
    let slot: Arc<Mutex<Option<Waker>>> = Arc::default();
    let leaf_slot = Arc::clone(&slot);
    let mut armed = false;
    let mut sleeper = pin!(poll_fn(move |cx| {
        if armed {
            return Poll::Ready(());
        }
        armed = true;
        wakewire_adapter_trace::registered("timer", "deadline +5 ms");
        *leaf_slot.lock().unwrap() = Some(cx.waker().clone());
        Poll::Pending
    })
    .traced_in(&recorder, "sleeper"));
    let mut yielder = pin!(wakewire_core::future::yield_now().traced_in(&recorder, "yielder"));
    let mut forgotten = pin!(poll_fn(|_cx| Poll::<()>::Pending).traced_in(&recorder, "forgotten"));

    let waker = wakewire_core::waker::noop_waker();
    let mut cx = Context::from_waker(&waker);
    assert!(sleeper.as_mut().poll(&mut cx).is_pending());
    assert!(yielder.as_mut().poll(&mut cx).is_pending());
    assert!(forgotten.as_mut().poll(&mut cx).is_pending());
    assert!(yielder.as_mut().poll(&mut cx).is_ready());
    let stored = slot.lock().unwrap().take().unwrap();
    with_wake_source("timer", || stored.wake());
    assert!(sleeper.as_mut().poll(&mut cx).is_ready());
    recorder.snapshot()
}

#[test]
fn text_swimlanes_read_poll_wait_wake_down_each_lane() {
    let trace = scripted_trace();
    let findings = doctor(&trace);
    let rendered = text(
        &trace,
        &findings,
        &TextOptions::without_times().with_lane_width(24),
    );
    let expected = "\
sleeper                 yielder                 forgotten               [timer on driver]
────────────────────────────────────────────────────────────────────────────────────────────────
spawn
                        spawn
                                                spawn
▶ poll 1
→ [timer] deadline +5 m
◀ Pending kept 1
┊                       ▶ poll 1
┊                       ↯ wake_by_ref (self)
┊                       ◀ Pending kept 0
┊                       ┊                       ▶ poll 1
┊                       ┊                       ◀ Pending kept 0
┊                       ┊                       ! lost waker
┊                       ▶ poll 2                ┊
┊                       ◀ Ready                 ┊
┊                                               ┊                       ↯ wake → sleeper
┊                                               ┊                       ✗ drop sleeper waker, 0 left
▶ poll 2                                        ┊
◀ Ready                                         ┊
doctor: 1 finding(s)
  ! lost waker: task `forgotten` is Pending after poll 1 and can never be woken: that poll kept no clone of its waker
";
    assert_eq!(rendered, expected, "got:\n{rendered}");
}

#[test]
fn chrome_json_has_the_trace_event_shape_and_every_flow_ends() {
    let trace = scripted_trace();
    let findings = doctor(&trace);
    let json: Value = serde_json::from_str(&chrome_json(&trace, &findings)).expect("valid JSON");
    let events = json["traceEvents"].as_array().expect("a traceEvents array");
    assert!(!events.is_empty());
    let mut flow_starts = Vec::new();
    let mut flow_ends = Vec::new();
    for event in events {
        let ph = event["ph"].as_str().expect("every event has a phase");
        assert!(event["name"].is_string(), "{event}");
        assert!(event["pid"].is_u64(), "{event}");
        assert!(event["tid"].is_u64(), "{event}");
        if ph != "M" {
            assert!(event["ts"].as_f64().is_some_and(|ts| ts >= 0.0), "{event}");
        }
        match ph {
            "X" => assert!(event["dur"].as_f64().is_some_and(|d| d >= 0.0), "{event}"),
            "i" => assert!(event["s"].is_string(), "{event}"),
            "s" => flow_starts.push((event["id"].as_u64().unwrap(), event["ts"].as_f64().unwrap())),
            "f" => {
                assert_eq!(event["bp"], "e");
                flow_ends.push((event["id"].as_u64().unwrap(), event["ts"].as_f64().unwrap()));
            }
            "M" => assert!(event["args"].is_object(), "{event}"),
            other => panic!("unexpected phase {other}"),
        }
    }
    // The timer's wake of "sleeper" and the yielder's self-wake each draw an arrow.
    assert_eq!(flow_starts.len(), 2);
    for (id, start) in &flow_starts {
        let (_, end) = flow_ends
            .iter()
            .find(|(end_id, _)| end_id == id)
            .unwrap_or_else(|| panic!("flow {id} has no finish"));
        assert!(end >= start, "a flow ends after it starts");
    }
    assert_eq!(flow_starts.len(), flow_ends.len());
    // Lanes are named, polls are spans, the finding is marked.
    let names: Vec<&str> = events.iter().filter_map(|e| e["name"].as_str()).collect();
    assert!(names.contains(&"poll 1 → Pending"));
    assert!(names.contains(&"poll 2 → Ready"));
    assert!(names.contains(&"doctor: lost waker"));
    let lane_names: Vec<&str> = events
        .iter()
        .filter(|e| e["name"] == "thread_name")
        .filter_map(|e| e["args"]["name"].as_str())
        .collect();
    assert_eq!(
        lane_names,
        ["sleeper", "yielder", "forgotten", "[timer on driver]"]
    );
    assert_eq!(json["otherData"]["dropped_events"], 0);
}

#[test]
fn svg_is_one_self_contained_file_with_lanes_polls_wakes_and_findings() {
    let trace = scripted_trace();
    let findings = doctor(&trace);
    assert!(matches!(findings[0].diagnosis, Diagnosis::LostWaker { .. }));
    let picture = svg(&trace, &findings, &SvgOptions::titled("scripted <run>"));
    assert!(picture.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(picture.trim_end().ends_with("</svg>"));
    assert!(!picture.contains("<script"));
    assert!(
        picture.contains("scripted &lt;run&gt;"),
        "titles are escaped"
    );
    for lane in ["sleeper", "yielder", "forgotten", "[timer on driver]"] {
        assert!(picture.contains(&format!(">{lane}</text>")), "lane {lane}");
    }
    // Five polls, two wakes (one with an arrow to another lane), one finding.
    assert_eq!(picture.matches("poll 1: Pending").count(), 3);
    assert_eq!(picture.matches(": Ready,").count(), 2);
    assert_eq!(picture.matches("<circle").count(), 2);
    assert_eq!(picture.matches("marker-end=\"url(#arrow)\"").count(), 1);
    assert_eq!(picture.matches(">lost waker</text>").count(), 1);
    // Balanced elements (a cheap well-formedness check).
    assert_eq!(
        picture.matches("<title>").count(),
        picture.matches("</title>").count()
    );
    assert_eq!(
        picture.matches("<text").count(),
        picture.matches("</text>").count()
    );
}

#[test]
fn text_with_times_shows_times_and_durations() {
    let trace = scripted_trace();
    let rendered = text(&trace, &[], &TextOptions::default());
    assert!(rendered.lines().next().unwrap().starts_with("ms"));
    assert!(rendered.contains("µs"));
    assert!(!rendered.contains("doctor:"));
}

#[test]
fn story_tells_each_task_in_turn() {
    let trace = scripted_trace();
    let findings = doctor(&trace);
    let told = wakewire_adapter_trace::render::story(&trace, &findings);
    let expected = "\
task `sleeper`
  poll 1 → Pending
    → registered with [timer]: deadline +5 ms
    ↯ woken by [timer]
  poll 2 → Ready
task `yielder`
  poll 1 → Pending
    ↯ woken by itself (wake_by_ref)
  poll 2 → Ready
task `forgotten`
  poll 1 → Pending
doctor: 1 finding(s)
  ! lost waker: task `forgotten` is Pending after poll 1 and can never be woken: that poll kept no clone of its waker
";
    assert_eq!(told, expected, "got:\n{told}");
}
