//! Shutdown races a spawn and a wake. Thread A shuts down (close the spawn gate, set
//! the shutdown flag, close the live-task registry, stop the worker, then sweep: wake every
//! registered task and drop what the injector yields until the registry is empty and no
//! spawn is in flight), B spawns from outside the pool through the gate, C wakes a waiting
//! task and acts as the worker (polls queued tasks until it sees shutdown, then drains its
//! local queue). Every future is dropped exactly once (accepted ones by the sweep or the
//! worker's drain, a refused one by `spawn`), the sweep terminates, and it runs only after
//! the worker stopped, so no poll can follow it.
//!
//! Tasks register with the [`Tracker`] only in their first poll that returns `Pending`
//! (a task the closed registry refuses requeues itself on the worker's local queue), which
//! is what lets a task that finishes in its first poll skip the registry.
//!
//! The tasks are small stand-ins for async-task's (whose atomics loom cannot see): a state
//! word IDLE → SCHEDULED (a wake pushes it once) → RUNNING (→ RUNNING_WOKEN) → IDLE or
//! SCHEDULED again, → DONE (its future dropped), plus the real [`Tracker`] and
//! [`SpawnGate`].
#![cfg(loom)]

use std::cell::RefCell;
use std::collections::VecDeque;
use std::sync::Arc as StdArc;
use std::task::{Wake, Waker};

use loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use loom::sync::Mutex;
use loom::thread;
use wakewire_executor_pool::gate::SpawnGate;
use wakewire_executor_pool::tracker::{TrackKey, Tracker};

const IDLE: usize = 0;
const SCHEDULED: usize = 1;
const RUNNING: usize = 2;
const RUNNING_WOKEN: usize = 3;
const DONE: usize = 4;

type Queue = VecDeque<StdArc<FakeTask>>;

struct World {
    tracker: Tracker,
    gate: SpawnGate,
    injector: Mutex<Queue>,
    drops: AtomicUsize,
    refused: AtomicUsize,
    accepted: AtomicUsize,
    shutdown: AtomicBool,
}

struct FakeTask {
    state: AtomicUsize,
    key: Mutex<Option<TrackKey>>,
    world: StdArc<World>,
}

impl Wake for FakeTask {
    fn wake(self: StdArc<Self>) {
        self.wake_by_ref();
    }

    /// A wake from outside a poll pushes the task on the injector; a wake during its poll
    /// is left for the worker to requeue when the poll ends.
    fn wake_by_ref(self: &StdArc<Self>) {
        let mut state = self.state.load(Ordering::Acquire);
        loop {
            let next = match state {
                IDLE => SCHEDULED,
                RUNNING => RUNNING_WOKEN,
                _ => return,
            };
            match self
                .state
                .compare_exchange(state, next, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => break,
                Err(actual) => state = actual,
            }
        }
        if state == IDLE {
            self.world.injector.lock().unwrap().push_back(self.clone());
        }
    }
}

impl FakeTask {
    /// Dropping a queued `Runnable`: the future is dropped and unregistered.
    fn drop_runnable(&self) {
        assert_eq!(self.state.swap(DONE, Ordering::AcqRel), SCHEDULED);
        self.world.drops.fetch_add(1, Ordering::SeqCst);
        if let Some(key) = self.key.lock().unwrap().take() {
            drop(self.world.tracker.untrack(key));
        }
    }

    /// Running a queued `Runnable` whose future returns `Pending` (`Tracked::poll`).
    fn poll_pending(self: &StdArc<Self>, local: &RefCell<Queue>) {
        assert_eq!(self.state.swap(RUNNING, Ordering::AcqRel), SCHEDULED);
        let mut key = self.key.lock().unwrap();
        if key.is_none() {
            let waker = Waker::from(self.clone());
            match self.world.tracker.track(0, |k| (k, waker.clone())) {
                Ok(k) => *key = Some(k),
                // Shutdown closed the registry: requeue, so the worker's drain drops it.
                Err(_) => waker.wake_by_ref(),
            }
        }
        drop(key);
        if self
            .state
            .compare_exchange(RUNNING, IDLE, Ordering::AcqRel, Ordering::Acquire)
            .is_err()
        {
            // Woken during the poll: async-task reschedules it from the worker.
            assert_eq!(self.state.swap(SCHEDULED, Ordering::AcqRel), RUNNING_WOKEN);
            local.borrow_mut().push_back(self.clone());
        }
    }
}

impl World {
    /// `Shared::spawn` from a thread that is not a worker.
    fn spawn_outside(self: &StdArc<Self>) {
        let Some(pass) = self.gate.enter() else {
            // The refused future is dropped by `spawn` itself.
            self.refused.fetch_add(1, Ordering::SeqCst);
            return;
        };
        self.accepted.fetch_add(1, Ordering::SeqCst);
        let task = self.new_task(SCHEDULED);
        self.injector.lock().unwrap().push_back(task);
        drop(pass);
    }

    fn new_task(self: &StdArc<Self>, state: usize) -> StdArc<FakeTask> {
        StdArc::new(FakeTask {
            state: AtomicUsize::new(state),
            key: Mutex::new(None),
            world: self.clone(),
        })
    }

    fn pop(&self) -> Option<StdArc<FakeTask>> {
        self.injector.lock().unwrap().pop_front()
    }

    /// `Shared::sweep`.
    fn sweep(&self) {
        for waker in self.tracker.close() {
            waker.wake();
        }
        loop {
            let quiet = self.gate.is_quiet();
            while let Some(task) = self.pop() {
                task.drop_runnable();
            }
            if quiet && self.tracker.is_empty() {
                break;
            }
            thread::yield_now();
        }
    }
}

#[test]
fn loom_shutdown_vs_spawn_vs_wake() {
    loom::model(|| {
        let world = StdArc::new(World {
            tracker: Tracker::new(1),
            gate: SpawnGate::new(),
            injector: Mutex::new(VecDeque::new()),
            drops: AtomicUsize::new(0),
            refused: AtomicUsize::new(0),
            accepted: AtomicUsize::new(0),
            shutdown: AtomicBool::new(false),
        });
        // A task that already returned `Pending` once (so it is registered) and waits on a
        // "reactor" that holds its waker.
        world.accepted.fetch_add(1, Ordering::SeqCst);
        let waiting = world.new_task(SCHEDULED);
        let unused_local = RefCell::new(VecDeque::new());
        waiting.poll_pending(&unused_local);
        assert!(unused_local.borrow().is_empty());
        let waker = Waker::from(waiting);

        let spawner = {
            let world = world.clone();
            thread::spawn(move || world.spawn_outside())
        };
        let waker_and_worker = {
            let world = world.clone();
            thread::spawn(move || {
                waker.wake_by_ref();
                // The worker: poll what is queued until shutdown (`WorkerLoop::run`), then
                // drain the local queue.
                let local = RefCell::new(VecDeque::new());
                while !world.shutdown.load(Ordering::SeqCst) {
                    let next = local.borrow_mut().pop_front().or_else(|| world.pop());
                    match next {
                        Some(task) => task.poll_pending(&local),
                        None => break,
                    }
                }
                while let Some(task) = local.borrow_mut().pop_front() {
                    task.drop_runnable();
                }
                drop(waker);
            })
        };

        // Pool::shutdown (`Shared::begin_shutdown`, wait for the worker, sweep).
        world.gate.close();
        world.shutdown.store(true, Ordering::SeqCst);
        drop(world.tracker.close());
        waker_and_worker.join().unwrap();
        world.sweep();
        spawner.join().unwrap();

        let made = world.accepted.load(Ordering::SeqCst);
        assert_eq!(
            world.drops.load(Ordering::SeqCst),
            made,
            "each accepted future dropped once"
        );
        assert!(world.tracker.is_empty());
        assert!(world.injector.lock().unwrap().is_empty());
        assert_eq!(made + world.refused.load(Ordering::SeqCst), 2);
    });
}
