//! The pool, built for loom models from its own code (`PoolState`, `WorkerLoop`, the spawn
//! path, the idle protocol, `PoolState::stop`) over loom-visible deques.
//!
//! # The stand-in deques
//!
//! loom cannot see crossbeam's atomics, so the models use [`ModelDeques`]. Their data sits
//! behind a std mutex that no thread holds across a loom operation (so it is never
//! contended, and each data step is atomic, invisible to loom, as crossbeam's slot accesses
//! are); what a deque *says* about itself — the part the idle protocol's weak-memory
//! argument relies on (see the pool's `deques.rs`) — goes through front and back indices,
//! loom atomics with exactly crossbeam-deque 0.8's memory orderings:
//!
//! - a local push ends with `fence(Release)` and a `Relaxed` store of the back index;
//! - `is_empty`, and a steal's first look, load the front index `Acquire`, issue
//!   `fence(SeqCst)` and load the back index `Acquire`: a look may miss a push (crossbeam's
//!   may too), and loom explores every stale value the memory model allows;
//! - the injector's push is a `SeqCst` read-modify-write of its tail, its `is_empty` two
//!   `SeqCst` loads (which loom treats as `Acquire`: weaker than the real thing). Its data
//!   sits behind a *loom* mutex taken around the index update too: with several pushers, a
//!   task must become visible in the order it was stored (crossbeam's pushers reserve their
//!   slot first, and a stealer waits for the slot it reserved to be written), or a steal
//!   could take a stored but not yet visible task instead of the visible one.
//!
//! A look that sees a task then takes it under the mutex, so the stand-ins never lose or
//! duplicate a task; what they model is when a task becomes *visible* to other workers.
//! Keeping the data out of loom's sight also keeps the models small enough to explore.
#![allow(dead_code, unreachable_pub)]

use std::cell::RefCell;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use crossbeam_deque::Steal;
use std::sync::Mutex as DataMutex;

use loom::sync::atomic::{fence, AtomicUsize, Ordering};
use loom::sync::{Condvar, Mutex};
use loom::thread::{self, JoinHandle, LocalKey};
use wakewire_core::park::{AnyUnpark, BoxPark};
use wakewire_core::task::Runnable;
use wakewire_core::{Park, ThreadParker};
use wakewire_executor_pool::deques::{CurrentWorker, Deques};
use wakewire_executor_pool::queues::{BatchSource, Inject, RunQueue};
use wakewire_executor_pool::state::{Config, PoolState};
use wakewire_executor_pool::supervise::Supervision;
use wakewire_executor_pool::worker::WorkerLoop;

/// A local run queue (the owner's end and the thieves' end share it).
#[derive(Clone, Default)]
pub struct ModelQueue(Arc<Indexed>);

/// The global queue: tasks and indices under one loom mutex (see the module docs).
#[derive(Default)]
pub struct ModelInjector {
    tasks: Mutex<VecDeque<Runnable>>,
    /// Pushes so far (crossbeam's tail).
    tail: AtomicUsize,
    /// Steals so far (crossbeam's head).
    head: AtomicUsize,
}

impl ModelInjector {
    fn take(&self, batch: bool) -> Vec<Runnable> {
        let mut tasks = self.tasks.lock().unwrap();
        let count = if batch {
            tasks.len().div_ceil(2)
        } else {
            tasks.len().min(1)
        };
        if count > 0 {
            self.head.fetch_add(count, Ordering::SeqCst);
        }
        tasks.drain(..count).collect()
    }
}

/// Tasks behind a mutex, and the indices that say whether there are any.
///
/// The indices are the truth, as in crossbeam: a task is there once `back` has passed it,
/// and it is taken when a compare-exchange moves `front` past it (the data step that
/// follows always finds it: every task was stored before `back` moved).
#[derive(Default)]
pub struct Indexed {
    tasks: DataMutex<VecDeque<Runnable>>,
    /// Advanced when a task becomes visible (crossbeam's back index / injector tail).
    back: AtomicUsize,
    /// Advanced when a task is taken (crossbeam's front index / injector head).
    front: AtomicUsize,
}

impl Indexed {
    /// Crossbeam's `Stealer::is_empty` (and the first look of a steal).
    fn looks_empty(&self) -> bool {
        let front = self.front.load(Ordering::Acquire);
        fence(Ordering::SeqCst);
        let back = self.back.load(Ordering::Acquire);
        back <= front
    }

    /// Takes the front task and, for a batch, about half of the rest: reserves them by
    /// moving `front`, then takes them out of the data.
    fn take(&self, batch: bool) -> Vec<Runnable> {
        let mut front = self.front.load(Ordering::Acquire);
        loop {
            fence(Ordering::SeqCst);
            let back = self.back.load(Ordering::Acquire);
            if back <= front {
                return Vec::new();
            }
            let count = if batch { (back - front).div_ceil(2) } else { 1 };
            match self.front.compare_exchange(
                front,
                front + count,
                Ordering::SeqCst,
                Ordering::Acquire,
            ) {
                Ok(_) => {
                    let mut tasks = self.tasks.lock().unwrap();
                    return tasks.drain(..count).collect();
                }
                Err(actual) => front = actual,
            }
        }
    }

    /// Stores a task, then makes it visible (the caller orders the index update).
    fn store(&self, task: Runnable) {
        self.tasks.lock().unwrap().push_back(task);
    }

    fn steal_into(&self, dest: &ModelQueue) -> Steal<Runnable> {
        let mut taken = self.take(true).into_iter();
        match taken.next() {
            Some(first) => {
                for task in taken {
                    dest.push(task);
                }
                Steal::Success(first)
            }
            None => Steal::Empty,
        }
    }

    fn queued(&self) -> usize {
        let front = self.front.load(Ordering::Acquire);
        self.back.load(Ordering::Acquire).saturating_sub(front)
    }
}

impl RunQueue<Runnable> for ModelQueue {
    /// Crossbeam's `Worker::push`: the task's bytes, then `fence(Release)` and a `Relaxed`
    /// store of the back index (only the owner writes it).
    fn push(&self, task: Runnable) {
        self.0.store(task);
        fence(Ordering::Release);
        let back = self.0.back.load(Ordering::Relaxed);
        self.0.back.store(back + 1, Ordering::Relaxed);
    }

    fn pop(&self) -> Option<Runnable> {
        self.0.take(false).pop()
    }
}

impl BatchSource<Runnable, ModelQueue> for ModelQueue {
    fn steal_batch_and_pop(&self, dest: &ModelQueue) -> Steal<Runnable> {
        self.0.steal_into(dest)
    }

    fn queued(&self) -> usize {
        self.0.queued()
    }

    fn is_empty(&self) -> bool {
        self.0.looks_empty()
    }
}

impl BatchSource<Runnable, ModelQueue> for ModelInjector {
    fn steal_batch_and_pop(&self, dest: &ModelQueue) -> Steal<Runnable> {
        let mut taken = self.take(true).into_iter();
        match taken.next() {
            Some(first) => {
                for task in taken {
                    dest.push(task);
                }
                Steal::Success(first)
            }
            None => Steal::Empty,
        }
    }

    fn queued(&self) -> usize {
        let head = self.head.load(Ordering::SeqCst);
        self.tail.load(Ordering::SeqCst).saturating_sub(head)
    }

    fn is_empty(&self) -> bool {
        // Crossbeam's `Injector::is_empty`: two `SeqCst` loads.
        let head = self.head.load(Ordering::SeqCst);
        let tail = self.tail.load(Ordering::SeqCst);
        tail <= head
    }
}

impl Inject<Runnable> for ModelInjector {
    /// The slot, then a `SeqCst` read-modify-write of the tail, under the lock.
    fn push(&self, task: Runnable) {
        let mut tasks = self.tasks.lock().unwrap();
        tasks.push_back(task);
        self.tail.fetch_add(1, Ordering::SeqCst);
    }

    fn steal(&self) -> Steal<Runnable> {
        match self.take(false).pop() {
            Some(task) => Steal::Success(task),
            None => Steal::Empty,
        }
    }
}

loom::thread_local! {
    static MODEL_CURRENT: CurrentWorker<ModelDeques> = RefCell::new(None);
}

/// The stand-in deques as a family for `PoolState`.
pub struct ModelDeques;

impl Deques for ModelDeques {
    type Local = ModelQueue;
    type Stealer = ModelQueue;
    type Injector = ModelInjector;

    fn local() -> (ModelQueue, ModelQueue) {
        let queue = ModelQueue::default();
        (queue.clone(), queue)
    }

    fn injector() -> ModelInjector {
        ModelInjector::default()
    }

    fn current() -> &'static LocalKey<CurrentWorker<Self>> {
        &MODEL_CURRENT
    }
}

/// A pool of `workers` loom threads running the pool's own worker loop, each sleeping on a
/// thread parker (core's, built from loom's mutex and condvar under `--cfg loom`).
pub struct ModelPool {
    pub state: Arc<PoolState<ModelDeques>>,
    threads: Vec<JoinHandle<()>>,
}

impl ModelPool {
    pub fn start(workers: usize) -> Self {
        ModelPool::start_with(workers, Config::default())
    }

    /// A pool with supervision on (`threshold`), and `spares` spare slots for replacement
    /// threads, each with its own queue and thread parker, as `PoolBuilder` sets them up.
    /// The monitor thread is not started: a model drives
    /// [`Monitor::sample`](wakewire_executor_pool::monitor::Monitor::sample) by hand, with
    /// the times it chooses.
    pub fn start_supervised(workers: usize, spares: usize, threshold: Duration) -> Self {
        let config = Config {
            supervision: Some(Supervision {
                threshold,
                max_replacements: spares,
                thread_names: (workers..workers + spares)
                    .map(|index| format!("replacement-{index}"))
                    .collect(),
                stack_size: None,
            }),
            ..Config::default()
        };
        ModelPool::start_with(workers, config)
    }

    fn start_with(workers: usize, config: Config) -> Self {
        let slots = workers + config.spare_slots();
        let mut parks: Vec<ThreadParker> = (0..slots).map(|_| ThreadParker::new()).collect();
        let unparkers = parks
            .iter()
            .map(|park| AnyUnpark::new(park.unparker()))
            .collect();
        let (state, mut queues) = PoolState::<ModelDeques>::new(unparkers, config);
        let spares = queues
            .split_off(workers)
            .into_iter()
            .zip(parks.split_off(workers));
        for (offset, (queue, park)) in spares.enumerate() {
            state.add_spare(workers + offset, queue, BoxPark::new(park));
        }
        let threads = queues
            .into_iter()
            .zip(parks)
            .enumerate()
            .map(|(index, (queue, park))| {
                let state = Arc::clone(&state);
                thread::spawn(move || {
                    WorkerLoop::new(state, index, queue, BoxPark::new(park)).run()
                })
            })
            .collect();
        ModelPool { state, threads }
    }

    /// `Pool::shutdown` without a deadline: the pool's own shutdown sequence, then the
    /// joins (of the replacement threads too).
    pub fn shutdown(self) {
        self.state.stop(None).expect("no deadline, so no timeout");
        let replacements = self
            .state
            .supervision()
            .map(|supervisor| supervisor.take_threads())
            .unwrap_or_default();
        for thread in self.threads.into_iter().chain(replacements) {
            thread.join().unwrap();
        }
    }
}

/// A one-shot flag a thread can block on (loom sees the wait, so a flag never set while
/// someone waits is a deadlock loom reports).
#[derive(Clone, Default)]
pub struct Latch(Arc<(Mutex<bool>, Condvar)>);

impl Latch {
    pub fn set(&self) {
        *self.0 .0.lock().unwrap() = true;
        self.0 .1.notify_all();
    }

    pub fn wait(&self) {
        let mut set = self.0 .0.lock().unwrap();
        while !*set {
            set = self.0 .1.wait(set).unwrap();
        }
    }
}
