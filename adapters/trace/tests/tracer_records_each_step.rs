//! The tracer records each step of Poll → Wait → Wake, driven by hand so the exact
//! order is known.

mod util;

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use wakewire_adapter_trace::{EventKind, Recorder, TraceExt, Traced};
use wakewire_core::future::yield_now;
use wakewire_core::waker::{counting_waker, with_wake_source};

#[test]
fn one_cycle_is_spawn_poll_pending_wake_drop_poll_ready() {
    let recorder = Recorder::new();
    let slot: Arc<Mutex<Option<Waker>>> = Arc::default();
    let leaf_slot = Arc::clone(&slot);
    let mut polled = false;
    let future = poll_fn(move |cx| {
        if polled {
            return Poll::Ready(5);
        }
        polled = true;
        *leaf_slot.lock().unwrap() = Some(cx.waker().clone());
        Poll::Pending
    });
    let mut task = pin!(future.traced_in(&recorder, "leaf"));
    let (executor_waker, wakes) = counting_waker();
    let mut cx = Context::from_waker(&executor_waker);

    assert!(task.as_mut().poll(&mut cx).is_pending());
    // A "reactor" wakes the stored clone, naming itself.
    let stored = slot.lock().unwrap().take().unwrap();
    with_wake_source("test-reactor", || stored.wake());
    assert_eq!(wakes.wakes(), 1, "the executor's own waker was woken");
    assert_eq!(task.as_mut().poll(&mut cx), Poll::Ready(5));

    let trace = recorder.snapshot();
    let tag = trace.task_named("leaf").unwrap();
    assert_eq!(
        util::kinds(&trace, tag),
        [
            "spawn",
            "poll-start",
            "poll-end",
            "wake",
            "waker-drop",
            "poll-start",
            "poll-end"
        ]
    );
    let events: Vec<_> = trace.task_events(tag).collect();
    assert!(matches!(
        events[2].kind,
        EventKind::PollEnd {
            poll: 1,
            ready: false,
            kept: 1,
            ..
        }
    ));
    assert!(matches!(
        events[3].kind,
        EventKind::Wake {
            generation: 1,
            by_ref: false,
            source: Some("test-reactor"),
            by_task: None
        }
    ));
    assert!(matches!(
        events[4].kind,
        EventKind::WakerDropped {
            generation: 1,
            alive: 0,
            source: Some("test-reactor"),
            ..
        }
    ));
    assert!(matches!(
        events[6].kind,
        EventKind::PollEnd {
            poll: 2,
            ready: true,
            kept: 0,
            ..
        }
    ));
    assert_eq!(
        trace.thread_name(events[3].thread),
        "one_cycle_is_spawn_poll_pending_wake_drop_poll_ready"
    );
    // Times are monotonic.
    assert!(events.windows(2).all(|w| w[0].at <= w[1].at));
}

#[test]
fn a_self_wake_names_the_task_that_woke_itself() {
    let recorder = Recorder::new();
    wakewire_core::block_on(yield_now().traced_in(&recorder, "yielder"));
    let trace = recorder.snapshot();
    let tag = trace.task_named("yielder").unwrap();
    let wake = trace
        .task_events(tag)
        .find(|e| e.kind.name() == "wake")
        .unwrap();
    assert!(matches!(
        wake.kind,
        EventKind::Wake { generation: 1, by_ref: true, source: None, by_task: Some(t) } if t == tag
    ));
    // yield_now keeps no clone: poll 1 ends Pending with nothing kept, and no drop is
    // recorded because no clone outlived the poll.
    assert!(matches!(
        trace.polls(tag)[0],
        wakewire_adapter_trace::PollSpan {
            ready: false,
            kept: 0,
            ..
        }
    ));
    assert!(!util::kinds(&trace, tag).contains(&"waker-drop"));
}

#[test]
fn clones_kept_and_live_generations_are_counted() {
    let recorder = Recorder::new();
    let held: Arc<Mutex<Vec<Waker>>> = Arc::default();
    let keep = Arc::clone(&held);
    let mut polls = 0;
    let future = poll_fn(move |cx| {
        polls += 1;
        // Keep three clones of poll 1's waker and one of poll 2's.
        let clones = if polls == 1 { 3 } else { 1 };
        for _ in 0..clones {
            keep.lock().unwrap().push(cx.waker().clone());
        }
        Poll::<()>::Pending
    });
    let mut task = pin!(future.traced_in(&recorder, "hoarder"));
    let waker = wakewire_core::waker::noop_waker();
    let mut cx = Context::from_waker(&waker);
    let _ = task.as_mut().poll(&mut cx);
    let _ = task.as_mut().poll(&mut cx);
    held.lock().unwrap().clear();

    let trace = recorder.snapshot();
    let tag = trace.task_named("hoarder").unwrap();
    let kept: Vec<usize> = trace.polls(tag).iter().map(|p| p.kept).collect();
    assert_eq!(kept, [3, 1]);
    let drops: Vec<(u64, usize)> = trace
        .task_events(tag)
        .filter_map(|e| match e.kind {
            EventKind::WakerDropped {
                generation, alive, ..
            } => Some((generation, alive)),
            _ => None,
        })
        .collect();
    // Poll 1's three clones die first (generation 1 gone, 1 left), then poll 2's.
    assert_eq!(drops, [(1, 1), (2, 0)]);
}

#[test]
fn a_task_dropped_before_completion_records_it() {
    let recorder = Recorder::new();
    let mut task = Box::pin(std::future::pending::<()>().traced_in(&recorder, "abandoned"));
    let waker = wakewire_core::waker::noop_waker();
    let _ = task.as_mut().poll(&mut Context::from_waker(&waker));
    drop(task);
    let trace = recorder.snapshot();
    let tag = trace.task_named("abandoned").unwrap();
    assert_eq!(util::kinds(&trace, tag).last(), Some(&"dropped"));
}

#[test]
fn without_a_recorder_traced_records_nothing_and_runs_the_future() {
    // No recorder entered or installed on this thread (tests do not install one).
    let traced = async { 3 }.traced("nobody-listens");
    assert!(traced.tag().is_none());
    assert_eq!(wakewire_core::block_on(traced), 3);
    let untraced: Traced<_> = Traced::untraced(async { 4 });
    assert_eq!(wakewire_core::block_on(untraced), 4);
}

#[test]
fn entered_recorders_nest_and_traced_children_inherit_their_parents_recorder() {
    let outer = Recorder::new();
    let inner = Recorder::new();
    {
        let _outer = outer.enter();
        {
            let _inner = inner.enter();
            wakewire_core::block_on(async {}.traced("in-inner"));
        }
        wakewire_core::block_on(
            async {
                // Built inside a traced task's poll: records with the parent.
                async {}.traced("child").await;
            }
            .traced("parent"),
        );
    }
    wakewire_core::block_on(async {}.traced("in-none"));
    assert!(inner.snapshot().task_named("in-inner").is_some());
    let outer_trace = outer.snapshot();
    assert!(outer_trace.task_named("parent").is_some());
    assert!(outer_trace.task_named("child").is_some());
    assert!(outer_trace.task_named("in-inner").is_none());
    assert!(outer_trace.task_named("in-none").is_none());
}

#[test]
fn a_paused_recorder_records_nothing() {
    let recorder = Recorder::new();
    recorder.set_enabled(false);
    wakewire_core::block_on(yield_now().traced_in(&recorder, "quiet"));
    assert!(recorder.snapshot().events().is_empty());
    recorder.set_enabled(true);
    wakewire_core::block_on(yield_now().traced_in(&recorder, "loud"));
    assert!(!recorder.snapshot().events().is_empty());
}

#[test]
fn the_ring_keeps_the_latest_events_and_counts_the_dropped_ones() {
    let recorder = Recorder::with_capacity(8);
    wakewire_core::block_on(
        async {
            for _ in 0..10 {
                yield_now().await;
            }
        }
        .traced_in(&recorder, "chatty"),
    );
    let trace = recorder.snapshot();
    assert_eq!(trace.events().len(), 8);
    assert_eq!(trace.capacity(), 8);
    // spawn + 11 polls × (start, end, wake) − the last poll's wake = 1 + 33 − 1 = 33.
    assert_eq!(trace.dropped(), 33 - 8);
    assert_eq!(recorder.dropped(), 25);
    // The last event kept is the final poll's end.
    assert!(matches!(
        trace.events().last().unwrap().kind,
        EventKind::PollEnd { ready: true, .. }
    ));
    // The spawn was overwritten: the name falls back to the tag.
    assert_eq!(trace.task_name(trace.tasks()[0]), "task#1");
    recorder.clear();
    assert_eq!(recorder.dropped(), 0);
}

#[test]
fn registrations_marks_and_cancel_requests_are_recorded_for_the_polling_task() {
    let recorder = Recorder::new();
    let handle = std::cell::RefCell::new(None);
    wakewire_core::block_on(
        async {
            wakewire_adapter_trace::registered("my-reactor", "deadline in 5 ms");
            wakewire_adapter_trace::mark("about to finish");
            let me = wakewire_adapter_trace::current_task().unwrap();
            me.cancel_requested();
            me.cancel_honored();
            *handle.borrow_mut() = Some(me);
        }
        .traced_in(&recorder, "reporter"),
    );
    // Outside a traced task, registered() does nothing.
    wakewire_adapter_trace::registered("my-reactor", "ignored");
    let trace = recorder.snapshot();
    let tag = trace.task_named("reporter").unwrap();
    assert_eq!(handle.borrow().as_ref().unwrap().tag(), tag);
    assert_eq!(
        util::kinds(&trace, tag),
        [
            "spawn",
            "poll-start",
            "registered",
            "mark",
            "cancel-requested",
            "cancel-honored",
            "poll-end"
        ]
    );
    assert_eq!(trace.events().len(), 7);
}

#[test]
fn waking_the_last_clone_records_its_drop_before_the_poll_it_causes() {
    // Across threads, on a real executor, many times: the order must never vary.
    for _ in 0..50 {
        let recorder = Recorder::new();
        let ex = wakewire_executor_local::LocalExecutor::new();
        let handle =
            wakewire_core::Spawn::spawn(&ex, util::doorbell().traced_in(&recorder, "rung"))
                .unwrap();
        wakewire_core::BlockOn::block_on(&ex, handle).unwrap();
        let trace = recorder.snapshot();
        let kinds = util::kinds(&trace, trace.task_named("rung").unwrap());
        let wake = kinds.iter().position(|k| *k == "wake").unwrap();
        let second_poll = kinds.iter().rposition(|k| *k == "poll-start").unwrap();
        if let Some(drop) = kinds.iter().position(|k| *k == "waker-drop") {
            assert!(wake < drop && drop < second_poll, "{kinds:?}");
        }
    }
}

#[test]
fn an_event_is_small_enough_for_the_documented_ring_size() {
    // DEFAULT_CAPACITY events are documented as about 6 MiB at most.
    let bytes = std::mem::size_of::<wakewire_adapter_trace::Event>();
    assert!(
        bytes * wakewire_adapter_trace::DEFAULT_CAPACITY <= 6 << 20,
        "{bytes} bytes"
    );
}
