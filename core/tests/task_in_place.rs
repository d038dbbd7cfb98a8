//! `run_in_place` / `keep_in_place`: a task woken while a runner of the same owner runs on
//! this thread runs next in that runner, at most `limit` polls in a row; other owners'
//! tasks, and wakes from elsewhere, are handed back to the caller's usual schedule.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use wakewire_core::future::yield_now;
use wakewire_core::task::{self, keep_in_place, run_in_place, Runnable};

/// A foreign executor's queue, as an adapter would use it: wakes that are not kept in
/// place land here.
#[derive(Clone, Default)]
struct Queue(Arc<Mutex<Vec<Runnable>>>);

impl Queue {
    fn len(&self) -> usize {
        self.0.lock().unwrap().len()
    }
    fn pop(&self) -> Option<Runnable> {
        self.0.lock().unwrap().pop()
    }
}

/// Two owners, told apart by address as adapters' shared states are.
static OWNER_STATE: u8 = 0;
static OTHER_OWNER_STATE: u8 = 0;
const OWNER: *const () = std::ptr::addr_of!(OWNER_STATE).cast();
const OTHER_OWNER: *const () = std::ptr::addr_of!(OTHER_OWNER_STATE).cast();

/// Spawns a task that yields `yields` times, scheduled through `keep_in_place(owner)`
/// with `queue` as the fallback; counts its polls.
fn yielding_task(owner: usize, yields: usize, queue: &Queue, polls: &Arc<AtomicUsize>) -> Runnable {
    let (queue, counter) = (queue.clone(), polls.clone());
    let (runnable, handle) = task::spawn(
        async move {
            for _ in 0..yields {
                counter.fetch_add(1, Ordering::SeqCst);
                yield_now().await;
            }
            counter.fetch_add(1, Ordering::SeqCst);
        },
        move |runnable| match keep_in_place(owner as *const (), runnable) {
            Ok(None) => {}
            Ok(Some(runnable)) | Err(runnable) => queue.0.lock().unwrap().push(runnable),
        },
    );
    handle.detach();
    runnable
}

#[test]
fn a_self_woken_task_runs_in_place_up_to_the_limit_then_is_handed_back() {
    let queue = Queue::default();
    let polls = Arc::new(AtomicUsize::new(0));
    let first = yielding_task(OWNER as usize, 100, &queue, &polls);
    let due = run_in_place(OWNER, first, 10, || false).expect("the limit was reached");
    assert_eq!(
        polls.load(Ordering::SeqCst),
        10,
        "ten polls in a row, in place"
    );
    assert_eq!(
        queue.len(),
        0,
        "no wake went through the foreign queue meanwhile"
    );
    // The due task continues in a later runner and finishes.
    let left = run_in_place(OWNER, due, 1_000, || false);
    assert!(left.is_none(), "finished within the limit");
    assert_eq!(polls.load(Ordering::SeqCst), 101);
    assert_eq!(queue.len(), 0);
}

#[test]
fn another_owners_task_is_not_run_in_place() {
    let queue = Queue::default();
    let polls = Arc::new(AtomicUsize::new(0));
    // Its schedule asks for OTHER_OWNER's runner, but OWNER's runs on this thread.
    let foreign = yielding_task(OTHER_OWNER as usize, 1, &queue, &polls);
    assert!(run_in_place(OWNER, foreign, 10, || false).is_none());
    assert_eq!(
        polls.load(Ordering::SeqCst),
        1,
        "polled once, then handed back"
    );
    assert_eq!(queue.len(), 1, "its wake went to its own executor's queue");
    drop(queue.pop());
}

#[test]
fn outside_a_runner_nothing_is_kept() {
    let queue = Queue::default();
    let polls = Arc::new(AtomicUsize::new(0));
    let runnable = yielding_task(OWNER as usize, 0, &queue, &polls);
    assert!(
        keep_in_place(OWNER, runnable).is_err(),
        "no runner on this thread"
    );
}

#[test]
fn a_stopped_runner_drops_the_task_which_cancels_it() {
    let queue = Queue::default();
    let polls = Arc::new(AtomicUsize::new(0));
    let (runnable, handle) = task::spawn(async { 7 }, |_| {});
    assert!(run_in_place(OWNER, runnable, 10, || true).is_none());
    let error = wakewire_core::block_on(handle).unwrap_err();
    assert!(error.is_cancelled());
    assert_eq!(polls.load(Ordering::SeqCst), 0);
    assert_eq!(queue.len(), 0);
}

#[test]
fn a_newer_wake_takes_the_slot_and_pushes_the_older_one_out() {
    // Two tasks: the first wakes the second while it runs, then yields itself: the slot
    // holds its own wake (newest), the other goes to the queue.
    let queue = Queue::default();
    let polls = Arc::new(AtomicUsize::new(0));
    let second = yielding_task(OWNER as usize, 0, &queue, &polls);
    let second = Arc::new(Mutex::new(Some(second)));
    let (q, s) = (queue.clone(), second.clone());
    let (first, handle) = task::spawn(
        async move {
            // Schedules the second task from inside this poll, as a wake would.
            let runnable = s.lock().unwrap().take().unwrap();
            assert!(
                keep_in_place(OWNER, runnable).unwrap().is_none(),
                "slot was empty"
            );
            yield_now().await;
        },
        move |runnable| match keep_in_place(OWNER, runnable) {
            Ok(None) => {}
            Ok(Some(runnable)) | Err(runnable) => q.0.lock().unwrap().push(runnable),
        },
    );
    handle.detach();
    // Limit 1: only the first poll runs; the newest wake (the first task's own yield) is
    // due, the second task was pushed out to the queue.
    let due = run_in_place(OWNER, first, 1, || false).expect("the first task's yield is due");
    assert_eq!(queue.len(), 1, "the older kept task went to the queue");
    assert_eq!(
        polls.load(Ordering::SeqCst),
        0,
        "the second task has not run yet"
    );
    assert!(run_in_place(OWNER, due, 10, || false).is_none());
    let second = queue.pop().unwrap();
    assert!(run_in_place(OWNER, second, 10, || false).is_none());
    assert_eq!(polls.load(Ordering::SeqCst), 1);
}
