//! `JoinSet`: results in completion order, cancellation on drop, panics as `JoinError`,
//! detaching, and tasks on a hand-made queue (no executor needed).

use std::future::{pending, Future};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use wakewire_core::task::{self, Runnable};
use wakewire_core::waker::counting_waker;
use wakewire_core::{JoinHandle, JoinSet, Spawn, SpawnError};

/// An executor that queues runnables until `run_all` is called.
#[derive(Clone, Default)]
struct Queue(Arc<Mutex<Vec<Runnable>>>);

impl Spawn for Queue {
    fn spawn<F>(&self, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let queue = self.0.clone();
        let (runnable, handle) = task::spawn(future, move |r| queue.lock().unwrap().push(r));
        self.0.lock().unwrap().push(runnable);
        Ok(handle)
    }
}

impl Queue {
    /// Runs queued tasks (FIFO) until none is left.
    fn run_all(&self) {
        loop {
            let next = {
                let mut queue = self.0.lock().unwrap();
                (!queue.is_empty()).then(|| queue.remove(0))
            };
            match next {
                Some(runnable) => {
                    runnable.run();
                }
                None => return,
            }
        }
    }
}

/// A gate a task waits on until the test opens it.
#[derive(Clone, Default)]
struct Gate(Arc<Mutex<(bool, Option<Waker>)>>);

impl Gate {
    fn open(&self) {
        let waker = {
            let mut state = self.0.lock().unwrap();
            state.0 = true;
            state.1.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    async fn wait(&self) {
        std::future::poll_fn(|cx| {
            let mut state = self.0.lock().unwrap();
            if state.0 {
                Poll::Ready(())
            } else {
                state.1 = Some(cx.waker().clone());
                Poll::Pending
            }
        })
        .await
    }
}

fn poll_next<T>(
    set: &mut JoinSet<T>,
    waker: &Waker,
) -> Poll<Option<Result<T, wakewire_core::JoinError>>> {
    set.poll_join_next(&mut Context::from_waker(waker))
}

#[test]
fn results_come_in_completion_order() {
    let ex = Queue::default();
    let gates: Vec<Gate> = (0..3).map(|_| Gate::default()).collect();
    let mut set = JoinSet::new();
    for (i, gate) in gates.iter().enumerate() {
        let gate = gate.clone();
        set.spawn(&ex, async move {
            gate.wait().await;
            i
        })
        .unwrap();
    }
    assert_eq!(set.len(), 3);
    ex.run_all();
    let (waker, wakes) = counting_waker();
    assert!(poll_next(&mut set, &waker).is_pending());
    for i in [2, 0, 1] {
        gates[i].open();
        ex.run_all();
        assert!(wakes.wakes() > 0, "a finishing task wakes the awaiter");
        match poll_next(&mut set, &waker) {
            Poll::Ready(Some(Ok(got))) => assert_eq!(got, i, "completion order"),
            other => panic!("expected task {i}'s output, got {other:?}"),
        }
    }
    assert!(set.is_empty());
    assert!(matches!(poll_next(&mut set, &waker), Poll::Ready(None)));
}

struct DropCount(Arc<AtomicUsize>);
impl Drop for DropCount {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn dropping_the_set_cancels_its_tasks() {
    let ex = Queue::default();
    let drops = Arc::new(AtomicUsize::new(0));
    let mut set = JoinSet::new();
    for _ in 0..3 {
        let guard = DropCount(drops.clone());
        set.spawn(&ex, async move {
            let _guard = guard;
            pending::<()>().await
        })
        .unwrap();
    }
    ex.run_all();
    assert_eq!(drops.load(Ordering::SeqCst), 0);
    drop(set);
    ex.run_all(); // the executor drops each cancelled future when it picks the task up
    assert_eq!(drops.load(Ordering::SeqCst), 3);
}

#[test]
fn cancel_all_reports_cancellations_and_panics_are_errors() {
    let ex = Queue::default();
    let mut set = JoinSet::new();
    set.spawn(&ex, pending::<u8>()).unwrap();
    set.spawn(&ex, async { panic!("boom") }).unwrap();
    ex.run_all();
    set.cancel_all();
    ex.run_all();
    let (waker, _) = counting_waker();
    let mut panics = 0;
    let mut cancels = 0;
    while let Poll::Ready(Some(result)) = poll_next(&mut set, &waker) {
        let error = result.unwrap_err();
        panics += usize::from(error.is_panic());
        cancels += usize::from(error.is_cancelled());
    }
    assert_eq!((panics, cancels), (1, 1));
}

#[test]
fn detached_tasks_run_on() {
    let ex = Queue::default();
    let gate = Gate::default();
    let done = Arc::new(AtomicUsize::new(0));
    let mut set = JoinSet::new();
    {
        let (gate, done) = (gate.clone(), done.clone());
        set.spawn(&ex, async move {
            gate.wait().await;
            done.fetch_add(1, Ordering::SeqCst);
        })
        .unwrap();
    }
    ex.run_all();
    set.detach_all();
    drop(set);
    gate.open();
    ex.run_all();
    assert_eq!(done.load(Ordering::SeqCst), 1);
}

#[test]
fn join_next_future_under_block_on() {
    let ex = Queue::default();
    let mut set = JoinSet::new();
    for i in 0..5u32 {
        set.spawn(&ex, async move { i }).unwrap();
    }
    ex.run_all();
    let mut got = wakewire_core::block_on(async {
        let mut got = Vec::new();
        while let Some(result) = set.join_next().await {
            got.push(result.unwrap());
        }
        got
    });
    got.sort();
    assert_eq!(got, [0, 1, 2, 3, 4]);
}
