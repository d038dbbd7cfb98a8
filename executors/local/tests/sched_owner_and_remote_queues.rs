//! Wakes on the executor's own thread while it runs take a queue of their own; wakes from
//! other threads take the shared one. Neither starves the other, a remote wake still ends
//! a sleep, a wake made inside the park on the executor's thread ends that park, and
//! shutdown reaches the tasks of both queues.

use std::cell::{Cell, RefCell};
use std::future::pending;
use std::io;
use std::rc::Rc;
use std::sync::mpsc;
use std::task::{Poll, Waker};
use std::thread;
use std::time::Duration;

use wakewire_core::{Park, ThreadParker};
use wakewire_executor_local::LocalExecutor;

use wakewire_test_util::{watchdog, DropCounter};

/// Spawns a task that wakes itself on every poll, forever (each wake is made on the
/// executor's thread while it runs), counting its polls in `polls`.
fn spawn_self_waker(ex: &LocalExecutor, polls: &Rc<Cell<u64>>) {
    let polls = polls.clone();
    let task = ex.spawn_local(std::future::poll_fn(move |cx| {
        polls.set(polls.get() + 1);
        cx.waker().wake_by_ref();
        Poll::<()>::Pending
    }));
    drop(task.unwrap());
}

/// With `spinners` tasks that keep waking themselves, a task woken from another thread is
/// polled again within a bounded number of executor polls; returns how many it took.
fn polls_until_the_remote_wake_runs(spinners: usize) -> u64 {
    let ex = LocalExecutor::new();
    let spinner_polls = Rc::new(Cell::new(0));
    for _ in 0..spinners {
        spawn_self_waker(&ex, &spinner_polls);
    }
    let (waker_tx, waker_rx) = mpsc::channel::<Waker>();
    // Hands out its waker at its first poll and finishes at its second.
    let mut first = true;
    let woken = ex
        .spawn(std::future::poll_fn(move |cx| {
            if first {
                first = false;
                waker_tx.send(cx.waker().clone()).unwrap();
                return Poll::Pending;
            }
            Poll::Ready(())
        }))
        .unwrap();
    // Until the parked task has been polled once and handed out its waker.
    let waker = loop {
        assert!(ex.try_tick(), "the spinners keep the queue busy");
        if let Ok(waker) = waker_rx.try_recv() {
            break waker;
        }
    };
    // Let the spinners settle into their own-thread wake cycle.
    for _ in 0..100 {
        assert!(ex.try_tick());
    }
    thread::spawn(move || waker.wake()).join().unwrap();
    let before = ex.metrics().polls;
    while !woken.is_finished() {
        assert!(ex.try_tick());
        assert!(
            ex.metrics().polls - before <= 1_000,
            "the remotely woken task is starved by tasks that wake themselves"
        );
    }
    ex.metrics().polls - before
}

#[test]
fn a_remote_wake_is_not_starved_by_a_task_that_keeps_waking_itself() {
    let _dog = watchdog("remote wake vs one self-waker", Duration::from_secs(10));
    let polls = polls_until_the_remote_wake_runs(1);
    // The shared queue is looked at every 31 polls; the woken task then waits behind the
    // one spinner at most.
    assert!(polls <= 31 + 2, "{polls} polls");
}

#[test]
fn a_remote_wake_waits_at_most_one_interval_plus_the_own_thread_queue() {
    let _dog = watchdog("remote wake vs five self-wakers", Duration::from_secs(10));
    let polls = polls_until_the_remote_wake_runs(5);
    assert!(polls <= 31 + 5 + 1, "{polls} polls");
}

#[test]
fn a_wake_from_another_thread_while_the_executor_sleeps_wakes_it() {
    let _dog = watchdog("remote wake ends the sleep", Duration::from_secs(10));
    for round in 0..20 {
        let (parking_tx, parking_rx) = mpsc::channel();
        let ex = LocalExecutor::with_park(Signalling {
            inner: ThreadParker::new(),
            parking: parking_tx,
        });
        let (waker_tx, waker_rx) = mpsc::channel::<Waker>();
        let (value_tx, value_rx) = mpsc::channel::<u32>();
        // Spawned from a task, so scheduled through the executor's own-thread queue;
        // after its first poll only the remote wake below can bring it back.
        let spawner = ex.local_spawner();
        let task = ex
            .spawn_local(async move {
                let inner = spawner
                    .spawn_local(std::future::poll_fn(move |cx| {
                        if let Ok(value) = value_rx.try_recv() {
                            return Poll::Ready(value);
                        }
                        waker_tx.send(cx.waker().clone()).unwrap();
                        Poll::Pending
                    }))
                    .unwrap();
                inner.await.unwrap()
            })
            .unwrap();
        let remote = thread::spawn(move || {
            let waker = waker_rx.recv().unwrap();
            // Once the executor is on its way to sleep: the case under test (a thread
            // parker keeps an earlier unpark, so this is no race either way).
            parking_rx.recv().unwrap();
            value_tx.send(round).unwrap();
            waker.wake();
        });
        assert_eq!(ex.block_on(task).unwrap(), round);
        remote.join().unwrap();
    }
}

#[test]
fn a_wake_made_inside_the_park_on_the_executor_thread_ends_the_park() {
    let _dog = watchdog("wake inside the park", Duration::from_secs(10));
    let slot: Rc<RefCell<Option<Waker>>> = Rc::default();
    let fired = Rc::new(Cell::new(false));
    let ex = LocalExecutor::with_park(Dispatching {
        inner: ThreadParker::new(),
        slot: slot.clone(),
        fired: fired.clone(),
    });
    let task = ex
        .spawn_local(std::future::poll_fn(move |cx| {
            if fired.get() {
                return Poll::Ready(7);
            }
            *slot.borrow_mut() = Some(cx.waker().clone());
            Poll::Pending
        }))
        .unwrap();
    // The park wakes the task on this thread, as a reactor turned by the park does, then
    // blocks: that wake must unpark it, or this never returns.
    assert_eq!(ex.block_on(task).unwrap(), 7);
}

#[test]
fn shutdown_drops_the_tasks_queued_on_the_executor_thread() {
    let _dog = watchdog("shutdown drains both queues", Duration::from_secs(10));
    let drops = DropCounter::default();
    let ex = LocalExecutor::new();
    let spawner = ex.local_spawner();
    ex.block_on({
        let drops = drops.clone();
        async move {
            // Queued from the running executor's thread; `block_on` returns before any
            // of them is polled.
            for _ in 0..5 {
                let guard = drops.guard();
                drop(spawner.spawn_local(async move {
                    let _guard = guard;
                    pending::<()>().await;
                }));
            }
        }
    });
    let metrics = ex.metrics();
    assert_eq!((metrics.queued, metrics.live_tasks), (5, 5));
    drop(ex);
    assert_eq!(drops.get(), 5, "each queued future dropped exactly once");
}

/// A park that says when it is about to block, then blocks in a thread parker.
struct Signalling {
    inner: ThreadParker,
    parking: mpsc::Sender<()>,
}

impl Park for Signalling {
    type Unpark = <ThreadParker as Park>::Unpark;

    fn unparker(&self) -> Self::Unpark {
        self.inner.unparker()
    }

    fn park(&mut self) -> io::Result<()> {
        let _ = self.parking.send(());
        self.inner.park()
    }

    fn park_timeout(&mut self, timeout: Duration) -> io::Result<()> {
        if !timeout.is_zero() {
            let _ = self.parking.send(());
        }
        self.inner.park_timeout(timeout)
    }
}

/// A park that, like a reactor it turns, wakes the waker in `slot` on the executor's
/// thread at its first blocking park, then blocks in a thread parker.
struct Dispatching {
    inner: ThreadParker,
    slot: Rc<RefCell<Option<Waker>>>,
    fired: Rc<Cell<bool>>,
}

impl Park for Dispatching {
    type Unpark = <ThreadParker as Park>::Unpark;

    fn unparker(&self) -> Self::Unpark {
        self.inner.unparker()
    }

    fn park(&mut self) -> io::Result<()> {
        let waker = self.slot.borrow_mut().take();
        if let Some(waker) = waker {
            self.fired.set(true);
            waker.wake();
        }
        self.inner.park()
    }

    fn park_timeout(&mut self, timeout: Duration) -> io::Result<()> {
        self.inner.park_timeout(timeout)
    }
}
