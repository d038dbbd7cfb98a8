//! The tracer works unchanged on foreign executors and on Wakewire's: each run traces a
//! task awaiting a leaf future rung by a named reactor thread, and checks the same story.

mod util;

use std::future::poll_fn;
use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};
use std::thread;
use std::time::Duration;

use wakewire_adapter_trace::{EventKind, Recorder, TraceExt};
use wakewire_core::ThreadParker;

fn story(run: impl FnOnce(&Recorder)) {
    let recorder = Recorder::new();
    run(&recorder);
    let trace = recorder.snapshot();
    let tag = trace.task_named("rung").expect("the task was traced");
    util::assert_doorbell_story(&trace, tag);
    assert!(wakewire_adapter_trace::doctor::doctor(&trace).is_empty());
}

#[test]
fn tokio_current_thread() {
    story(|recorder| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(util::doorbell().traced_in(recorder, "rung"));
    });
}

#[test]
fn tokio_multi_thread_spawned_task() {
    story(|recorder| {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .unwrap();
        let handle = rt.spawn(util::doorbell().traced_in(recorder, "rung"));
        rt.block_on(handle).unwrap();
    });
}

#[test]
fn async_executor() {
    story(|recorder| {
        let ex = async_executor::Executor::new();
        let task = ex.spawn(util::doorbell().traced_in(recorder, "rung"));
        futures_lite::future::block_on(ex.run(task));
    });
}

#[test]
fn futures_executor_block_on_and_thread_pool() {
    story(|recorder| {
        futures_executor::block_on(util::doorbell().traced_in(recorder, "rung"));
    });
    story(|recorder| {
        let pool = futures_executor::ThreadPool::builder()
            .pool_size(1)
            .create()
            .unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let traced = util::doorbell().traced_in(recorder, "rung");
        pool.spawn_ok(async move {
            traced.await;
            tx.send(()).unwrap();
        });
        rx.recv_timeout(Duration::from_secs(10)).unwrap();
    });
}

#[test]
fn wakewire_local_and_pool() {
    story(|recorder| {
        let ex = wakewire_executor_local::LocalExecutor::new();
        let handle = ex
            .spawn(util::doorbell().traced_in(recorder, "rung"))
            .unwrap();
        ex.block_on(handle).unwrap();
    });
    story(|recorder| {
        let pool = wakewire_executor_pool::Pool::builder().workers(2).build();
        let handle = pool
            .spawn(util::doorbell().traced_in(recorder, "rung"))
            .unwrap();
        pool.block_on(handle).unwrap();
    });
}

#[test]
fn a_traced_park_records_parks_and_unparks_around_any_park() {
    let recorder = Recorder::new();
    let ex = wakewire_executor_local::LocalExecutor::with_park(
        recorder.traced_park(ThreadParker::new()),
    );
    let slot: Arc<Mutex<Option<Waker>>> = Arc::default();
    let leaf_slot = Arc::clone(&slot);
    let leaf = poll_fn(move |cx| {
        let mut slot = leaf_slot.lock().unwrap();
        if slot.as_ref().is_some_and(|w| w.will_wake(cx.waker())) || slot.is_none() {
            *slot = Some(cx.waker().clone());
            return Poll::Pending;
        }
        Poll::Ready(())
    });
    // The ringer wakes the task once the executor has parked.
    let ringer = {
        let recorder = recorder.clone();
        thread::Builder::new()
            .name("ringer".into())
            .spawn(move || {
                wakewire_test_util::wait_until(
                    "the executor to park",
                    std::time::Duration::from_secs(10),
                    || {
                        recorder
                            .snapshot()
                            .events()
                            .iter()
                            .any(|e| matches!(e.kind, EventKind::ParkStart { .. }))
                    },
                );
                let waker = slot
                    .lock()
                    .unwrap()
                    .replace(wakewire_core::waker::noop_waker());
                waker.unwrap().wake();
            })
            .unwrap()
    };
    let handle = ex.spawn(leaf.traced_in(&recorder, "parked-on")).unwrap();
    ex.block_on(handle).unwrap();
    ringer.join().unwrap();

    let trace = recorder.snapshot();
    let untasked: Vec<&EventKind> = trace
        .events()
        .iter()
        .filter(|e| e.task.is_none())
        .map(|e| &e.kind)
        .collect();
    let first_park = untasked
        .iter()
        .position(|k| matches!(k, EventKind::ParkStart { timeout: None, .. }))
        .expect("an untimed park");
    assert_eq!(
        untasked[first_park + 1],
        &EventKind::Unpark { layer: None },
        "{untasked:?}"
    );
    assert!(
        matches!(untasked[first_park + 2], EventKind::ParkEnd { .. }),
        "{untasked:?}"
    );
    let unpark = trace
        .events()
        .iter()
        .find(|e| e.kind == EventKind::Unpark { layer: None })
        .unwrap();
    assert_eq!(trace.thread_name(unpark.thread), "ringer");
    let parked = trace
        .events()
        .iter()
        .find(|e| matches!(e.kind, EventKind::ParkStart { .. }))
        .unwrap();
    assert_ne!(trace.thread_name(parked.thread), "ringer");
}
