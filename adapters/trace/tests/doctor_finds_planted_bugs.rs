//! Each lint against a deliberately broken future, and the same future fixed.

mod util;

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Barrier, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

use wakewire_adapter_trace::doctor::{doctor, Diagnosis, Doctor};
use wakewire_adapter_trace::{current_task, Recorder, TaskHandle, TraceExt};
use wakewire_core::waker::with_wake_source;
use wakewire_core::{BlockOn, Spawn};
use wakewire_executor_local::LocalExecutor;

fn only(findings: &[wakewire_adapter_trace::doctor::Finding]) -> &Diagnosis {
    assert_eq!(findings.len(), 1, "{findings:#?}");
    &findings[0].diagnosis
}

#[test]
fn lost_waker_when_the_leaf_keeps_no_waker() {
    let recorder = Recorder::new();
    let ex = LocalExecutor::new();
    let _handle = ex
        .spawn(poll_fn(|_cx| Poll::<()>::Pending).traced_in(&recorder, "forgetful"))
        .unwrap();
    ex.run_until_stalled();
    let findings = doctor(&recorder.snapshot());
    assert_eq!(
        *only(&findings),
        Diagnosis::LostWaker {
            poll: 1,
            last_drop: None
        }
    );
    assert_eq!(findings[0].task_name, "forgetful");
}

#[test]
fn lost_waker_names_the_reactor_that_dropped_the_last_clone() {
    let recorder = Recorder::new();
    let (to_reactor, registrations) = mpsc::channel::<Waker>();
    let (poll_over, after_poll) = mpsc::channel::<()>();
    let reactor = thread::Builder::new()
        .name("leaky-reactor".into())
        .spawn(move || {
            let waker = registrations.recv().unwrap();
            // (A clone dropped while the poll that made it still runs is not seen as
            // kept: wait for the poll to end.)
            after_poll.recv().unwrap();
            // The bug: the reactor forgets the registration without waking.
            with_wake_source("leaky", move || drop(waker));
        })
        .unwrap();
    let mut registered = false;
    let leaf = poll_fn(move |cx| {
        if !registered {
            registered = true;
            to_reactor.send(cx.waker().clone()).unwrap();
        }
        Poll::<()>::Pending
    });
    let ex = LocalExecutor::new();
    let _handle = ex.spawn(leaf.traced_in(&recorder, "stranded")).unwrap();
    ex.run_until_stalled();
    poll_over.send(()).unwrap();
    reactor.join().unwrap();

    let findings = doctor(&recorder.snapshot());
    match only(&findings) {
        Diagnosis::LostWaker {
            poll: 1,
            last_drop: Some(site),
        } => {
            assert_eq!(site.thread, "leaky-reactor");
            assert_eq!(site.reactor, Some("leaky"));
            assert_eq!(site.task, None);
        }
        other => panic!("{other:?}"),
    }
    assert!(findings[0]
        .to_string()
        .contains("reactor `leaky` on thread `leaky-reactor`"));
}

/// A leaf that stores the waker of its first poll only (`update: false`, the bug), or of
/// every poll (`update: true`). It wakes itself once during poll 1 to get polled again.
fn stale_run(update: bool) -> Vec<wakewire_adapter_trace::doctor::Finding> {
    let recorder = Recorder::new();
    let slot: Arc<Mutex<Option<Waker>>> = Arc::default();
    let leaf_slot = Arc::clone(&slot);
    let mut polls = 0;
    let leaf = poll_fn(move |cx| {
        polls += 1;
        if polls == 3 {
            return Poll::Ready(());
        }
        let mut stored = leaf_slot.lock().unwrap();
        if stored.is_none() || update {
            *stored = Some(cx.waker().clone());
        }
        if polls == 1 {
            cx.waker().wake_by_ref(); // something else made it poll again
        }
        Poll::Pending
    });
    let mut task = pin!(leaf.traced_in(&recorder, "stale"));
    let waker = wakewire_core::waker::noop_waker();
    let mut cx = Context::from_waker(&waker);
    assert!(task.as_mut().poll(&mut cx).is_pending());
    assert!(task.as_mut().poll(&mut cx).is_pending());
    let stored = slot.lock().unwrap().take().unwrap();
    with_wake_source("timer", || stored.wake());
    assert!(task.as_mut().poll(&mut cx).is_ready());
    doctor(&recorder.snapshot())
}

#[test]
fn stale_waker_when_the_leaf_keeps_its_first_waker() {
    let findings = stale_run(false);
    match only(&findings) {
        Diagnosis::StaleWaker { woken, latest, by } => {
            assert_eq!((*woken, *latest), (1, 2));
            assert_eq!(by.reactor, Some("timer"));
        }
        other => panic!("{other:?}"),
    }
    assert!(stale_run(true).is_empty());
}

#[test]
fn self_wake_storm_when_a_task_spins_through_the_executor() {
    let spin = |times: u32| {
        let recorder = Recorder::new();
        let mut left = times;
        let spinner = poll_fn(move |cx| {
            if left == 0 {
                return Poll::Ready(());
            }
            left -= 1;
            cx.waker().wake_by_ref();
            Poll::Pending
        });
        LocalExecutor::new().block_on(spinner.traced_in(&recorder, "spinner"));
        doctor(&recorder.snapshot())
    };
    assert_eq!(*only(&spin(100)), Diagnosis::SelfWakeStorm { polls: 64 });
    assert!(spin(10).is_empty(), "a few yields are fine");
}

#[test]
fn long_poll_when_a_poll_blocks_its_thread() {
    let recorder = Recorder::new();
    let blocker = async {
        thread::sleep(Duration::from_millis(25)); // the bug: blocking inside a poll
    };
    LocalExecutor::new().block_on(blocker.traced_in(&recorder, "sleepy"));
    let trace = recorder.snapshot();
    let strict = Doctor {
        long_poll: Duration::from_millis(20),
        ..Doctor::default()
    };
    let findings = strict.examine(&trace);
    match only(&findings) {
        Diagnosis::LongPoll { poll, duration, .. } => {
            assert_eq!(*poll, 1);
            assert!(*duration >= Duration::from_millis(25));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn never_yielded_when_a_poll_is_still_running() {
    let recorder = Recorder::new();
    let in_poll = Arc::new(Barrier::new(2));
    let (release, released) = mpsc::channel::<()>();
    let stuck = {
        let recorder = recorder.clone();
        let in_poll = Arc::clone(&in_poll);
        thread::Builder::new()
            .name("stuck-worker".into())
            .spawn(move || {
                wakewire_core::block_on(
                    async move {
                        in_poll.wait();
                        released.recv().unwrap(); // the bug: waiting without yielding
                    }
                    .traced_in(&recorder, "stuck"),
                );
            })
            .unwrap()
    };
    in_poll.wait();
    let trace = recorder.snapshot();
    release.send(()).unwrap();
    stuck.join().unwrap();

    let impatient = Doctor {
        never_yielded: Duration::ZERO,
        ..Doctor::default()
    };
    match only(&impatient.examine(&trace)) {
        Diagnosis::NeverYielded { poll, thread, .. } => {
            assert_eq!(*poll, 1);
            assert_eq!(thread, "stuck-worker");
        }
        other => panic!("{other:?}"),
    }
    // After it finished, the same task is clean.
    assert!(impatient.examine(&recorder.snapshot()).is_empty());
}

#[test]
fn wake_after_completion_when_a_reactor_keeps_a_finished_tasks_waker() {
    let recorder = Recorder::new();
    let kept: Arc<Mutex<Option<Waker>>> = Arc::default();
    let keep = Arc::clone(&kept);
    let finisher = poll_fn(move |cx| {
        *keep.lock().unwrap() = Some(cx.waker().clone()); // registered, never removed
        Poll::Ready(())
    });
    LocalExecutor::new().block_on(finisher.traced_in(&recorder, "done"));
    let late = kept.lock().unwrap().take().unwrap();
    with_wake_source("late-reactor", || late.wake());
    match only(&doctor(&recorder.snapshot())) {
        Diagnosis::WakeAfterCompletion { generation, by } => {
            assert_eq!(*generation, 1);
            assert_eq!(by.reactor, Some("late-reactor"));
        }
        other => panic!("{other:?}"),
    }
}

/// A cancelable future: an atomic flag and the task's own waker. `honors` says whether it
/// checks the flag (the fix) or not (the bug).
struct Cancelable {
    flag: Arc<AtomicBool>,
    waker: Arc<Mutex<Option<(Waker, TaskHandle)>>>,
    honors: bool,
}

#[derive(Clone)]
struct Canceller {
    flag: Arc<AtomicBool>,
    waker: Arc<Mutex<Option<(Waker, TaskHandle)>>>,
}

impl Canceller {
    fn cancel(&self) {
        self.flag.store(true, Ordering::SeqCst);
        let registered = self.waker.lock().unwrap().take();
        if let Some((waker, task)) = registered {
            task.cancel_requested();
            waker.wake();
        }
    }
}

impl Future for Cancelable {
    type Output = Result<(), &'static str>;

    fn poll(self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if self.honors && self.flag.load(Ordering::SeqCst) {
            if let Some(task) = current_task() {
                task.cancel_honored();
            }
            return Poll::Ready(Err("canceled"));
        }
        let task = current_task().expect("polled inside a traced task");
        *self.waker.lock().unwrap() = Some((cx.waker().clone(), task));
        Poll::Pending
    }
}

fn cancel_run(honors: bool) -> Vec<wakewire_adapter_trace::doctor::Finding> {
    let recorder = Recorder::new();
    let flag = Arc::new(AtomicBool::new(false));
    let waker = Arc::default();
    let canceller = Canceller {
        flag: Arc::clone(&flag),
        waker: Arc::clone(&waker),
    };
    let cancelable = Cancelable {
        flag,
        waker,
        honors,
    };
    let ex = LocalExecutor::new();
    let handle = ex
        .spawn(
            async move {
                let outcome = cancelable.await;
                // Whatever awaited it goes on: one more wait after the cancel.
                wakewire_core::future::yield_now().await;
                outcome
            }
            .traced_in(&recorder, "worker"),
        )
        .unwrap();
    ex.run_until_stalled();
    canceller.cancel();
    ex.run_until_stalled();
    if honors {
        assert_eq!(ex.block_on(handle).unwrap(), Err("canceled"));
    }
    doctor(&recorder.snapshot())
}

#[test]
fn cancel_ignored_when_a_cancelled_future_returns_pending() {
    let findings = cancel_run(false);
    // Still Pending after the cancel, waker stored again: only the cancel lint fires.
    assert_eq!(*only(&findings), Diagnosis::CancelIgnored { polls: 1 });
    assert!(cancel_run(true).is_empty(), "an honoured cancel is clean");
}
