//! A5: shutdown races a spawn and a wake. Thread A shuts down (close the live-task
//! registry, stop the worker, then sweep: wake every live task and drop what the queue
//! yields until the registry is empty), B spawns, C wakes a waiting task and acts as the
//! worker (polls queued tasks until it sees shutdown). Every future is dropped exactly
//! once (accepted ones by the sweep, a refused one by `spawn`), the sweep terminates, and
//! it runs only after the worker stopped, so no poll can follow it.
//!
//! The tasks are small stand-ins for async-task's (whose atomics loom cannot see): a state
//! word IDLE → SCHEDULED (a wake pushes it once) → DONE (its future dropped), plus the
//! real [`Tracker`].
#![cfg(loom)]

use std::collections::VecDeque;
use std::sync::Arc as StdArc;
use std::task::{Wake, Waker};

use loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use loom::sync::Mutex;
use loom::thread;
use wakewire_executor_pool::tracker::{TrackKey, Tracker};

const IDLE: usize = 0;
const SCHEDULED: usize = 1;
const DONE: usize = 2;

struct World {
    tracker: Tracker,
    queue: Mutex<VecDeque<StdArc<FakeTask>>>,
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

    fn wake_by_ref(self: &StdArc<Self>) {
        if self
            .state
            .compare_exchange(IDLE, SCHEDULED, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
        {
            self.world.queue.lock().unwrap().push_back(self.clone());
        }
    }
}

impl FakeTask {
    /// Dropping a queued `Runnable`: the future is dropped and unregistered.
    fn drop_runnable(&self) {
        assert_eq!(self.state.swap(DONE, Ordering::AcqRel), SCHEDULED);
        self.world.drops.fetch_add(1, Ordering::SeqCst);
        let key = self.key.lock().unwrap().take().expect("tracked task");
        drop(self.world.tracker.untrack(key));
    }

    /// Running a queued `Runnable` whose future returns `Pending`.
    fn poll_pending(&self) {
        assert_eq!(self.state.swap(IDLE, Ordering::AcqRel), SCHEDULED);
    }
}

impl World {
    fn spawn(self: &StdArc<Self>, state: usize) -> Option<StdArc<FakeTask>> {
        let tracked = self.tracker.track(0, |key| {
            let task = StdArc::new(FakeTask {
                state: AtomicUsize::new(state),
                key: Mutex::new(Some(key)),
                world: self.clone(),
            });
            let waker = Waker::from(task.clone());
            (task, waker)
        });
        match tracked {
            Ok(task) => {
                self.accepted.fetch_add(1, Ordering::SeqCst);
                if state == SCHEDULED {
                    self.queue.lock().unwrap().push_back(task.clone());
                }
                Some(task)
            }
            Err(make) => {
                let _ = make;
                // The refused future is dropped by `spawn` itself.
                self.refused.fetch_add(1, Ordering::SeqCst);
                None
            }
        }
    }

    fn pop(&self) -> Option<StdArc<FakeTask>> {
        self.queue.lock().unwrap().pop_front()
    }

    /// `Shared::sweep`.
    fn sweep(&self) {
        for waker in self.tracker.close() {
            waker.wake();
        }
        loop {
            while let Some(task) = self.pop() {
                task.drop_runnable();
            }
            if self.tracker.is_empty() {
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
            queue: Mutex::new(VecDeque::new()),
            drops: AtomicUsize::new(0),
            refused: AtomicUsize::new(0),
            accepted: AtomicUsize::new(0),
            shutdown: AtomicBool::new(false),
        });
        // A task waiting on a "reactor" that holds its waker.
        let waiting = world.spawn(IDLE).unwrap();
        let waker = Waker::from(waiting);

        let spawner = {
            let world = world.clone();
            thread::spawn(move || {
                world.spawn(SCHEDULED);
            })
        };
        let waker_and_worker = {
            let world = world.clone();
            thread::spawn(move || {
                waker.wake_by_ref();
                // The worker: poll what is queued until shutdown (`WorkerLoop::run`).
                while !world.shutdown.load(Ordering::Acquire) {
                    match world.pop() {
                        Some(task) => task.poll_pending(),
                        None => break,
                    }
                }
                drop(waker);
            })
        };

        // Pool::shutdown: close, stop the worker and wait for it, sweep.
        drop(world.tracker.close());
        world.shutdown.store(true, Ordering::Release);
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
        assert_eq!(made + world.refused.load(Ordering::SeqCst), 2);
    });
}
