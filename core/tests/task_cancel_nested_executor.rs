//! A cancelled task's future is dropped with the cancellation behind it: a `Drop` that
//! drives another executor on the same thread (a nested hand-made queue here, a second
//! `LocalExecutor` in the executors' tests) polls that executor's tasks normally. They must
//! not be mistaken for cancelled tasks and dropped unpolled.

use std::future::{pending, Future};
use std::pin::Pin;
use std::sync::{mpsc, Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

use wakewire_core::task::{self, Runnable};
use wakewire_core::waker::noop_waker;
use wakewire_core::{JoinError, JoinHandle};

type Queue = Arc<Mutex<Vec<Runnable>>>;

fn spawn_on<F>(queue: &Queue, future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let q = queue.clone();
    let (runnable, handle) = task::spawn(future, move |r| q.lock().unwrap().push(r));
    queue.lock().unwrap().push(runnable);
    handle
}

fn run_all(queue: &Queue) {
    loop {
        let next = queue.lock().unwrap().pop();
        match next {
            Some(runnable) => {
                runnable.run();
            }
            None => return,
        }
    }
}

fn poll_handle<T>(handle: &mut JoinHandle<T>) -> Poll<Result<T, JoinError>> {
    let waker = noop_waker();
    Pin::new(handle).poll(&mut Context::from_waker(&waker))
}

/// Aborts the process if not dropped in time, so a hang fails the test.
struct Watchdog(Option<mpsc::Sender<()>>);

fn watchdog(name: &'static str) -> Watchdog {
    let (disarm, disarmed) = mpsc::channel::<()>();
    thread::spawn(move || {
        if let Err(mpsc::RecvTimeoutError::Timeout) = disarmed.recv_timeout(Duration::from_secs(20))
        {
            eprintln!("watchdog: `{name}` hung");
            std::process::abort();
        }
    });
    Watchdog(Some(disarm))
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.0.take();
    }
}

/// Runs a fresh, unrelated "executor" (a queue and one task) to completion and reports
/// what that task's handle said.
struct DrivesAnotherExecutor {
    report: mpsc::Sender<Result<u32, String>>,
}

impl Drop for DrivesAnotherExecutor {
    fn drop(&mut self) {
        let inner = Queue::default();
        let mut handle = spawn_on(&inner, async { 7 });
        run_all(&inner);
        let outcome = match poll_handle(&mut handle) {
            Poll::Ready(Ok(value)) => Ok(value),
            Poll::Ready(Err(err)) => Err(err.to_string()),
            Poll::Pending => Err("the nested task was never run".to_string()),
        };
        let _ = self.report.send(outcome);
    }
}

/// Never completes; hands its waker to `slot`, like a leaf waiting on a reactor.
struct Parked(Arc<Mutex<Option<Waker>>>);

impl Future for Parked {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        *self.0.lock().unwrap() = Some(cx.waker().clone());
        Poll::Pending
    }
}

struct Waiting {
    handle: JoinHandle<()>,
    outcome: mpsc::Receiver<Result<u32, String>>,
    waker: Arc<Mutex<Option<Waker>>>,
}

/// A task that has been polled once and now waits, holding a `DrivesAnotherExecutor`.
fn waiting_task(queue: &Queue) -> Waiting {
    let (report, outcome) = mpsc::channel();
    let drives = DrivesAnotherExecutor { report };
    let waker = Arc::new(Mutex::new(None));
    let parked = Parked(waker.clone());
    let handle = spawn_on(queue, async move {
        let _drives = drives;
        parked.await
    });
    run_all(queue);
    assert!(waker.lock().unwrap().is_some(), "first poll ran");
    Waiting {
        handle,
        outcome,
        waker,
    }
}

/// The nested executor's task completed normally; the outer task reports cancellation.
fn assert_nested_ran_and_outer_cancelled(mut task: Waiting) {
    assert_eq!(
        task.outcome.recv().unwrap(),
        Ok(7),
        "the nested executor's task was treated as cancelled"
    );
    assert!(matches!(poll_handle(&mut task.handle), Poll::Ready(Err(e)) if e.is_cancelled()));
}

#[test]
fn nested_executor_in_drop_of_a_dropped_runnable_polls_its_own_tasks() {
    let _dog = watchdog("nested_executor_in_drop_of_a_dropped_runnable_polls_its_own_tasks");
    let queue = Queue::default();
    let task = waiting_task(&queue);
    // An executor shutting down: wake the waiting task, then drop its Runnable unrun.
    task.waker.lock().unwrap().take().unwrap().wake();
    let runnable = queue.lock().unwrap().pop().expect("woken task queued");
    drop(runnable);
    assert_nested_ran_and_outer_cancelled(task);
}

#[test]
fn nested_executor_in_drop_of_a_cancelled_task_polls_its_own_tasks() {
    let _dog = watchdog("nested_executor_in_drop_of_a_cancelled_task_polls_its_own_tasks");
    let queue = Queue::default();
    let task = waiting_task(&queue);
    task.handle.cancel();
    run_all(&queue); // run() of a cancelled task drops its future
    assert_nested_ran_and_outer_cancelled(task);
}

#[test]
fn cancellation_still_applies_after_a_nested_executor_ran() {
    // After the user's drop returns, this thread is still cancelling: a task cancelled in
    // the same outer run completes as cancelled and is never polled again.
    let _dog = watchdog("cancellation_still_applies_after_a_nested_executor_ran");
    let queue = Queue::default();
    let mut first = waiting_task(&queue);
    let polls = Arc::new(Mutex::new(0));
    let counted = polls.clone();
    let mut second = spawn_on(&queue, async move {
        *counted.lock().unwrap() += 1;
        pending::<()>().await
    });
    run_all(&queue);
    assert_eq!(*polls.lock().unwrap(), 1);
    first.handle.cancel();
    second.cancel();
    run_all(&queue);
    assert_eq!(first.outcome.recv().unwrap(), Ok(7));
    assert_eq!(*polls.lock().unwrap(), 1, "a cancelled task was polled");
    assert!(matches!(poll_handle(&mut first.handle), Poll::Ready(Err(e)) if e.is_cancelled()));
    assert!(matches!(poll_handle(&mut second), Poll::Ready(Err(e)) if e.is_cancelled()));
}
