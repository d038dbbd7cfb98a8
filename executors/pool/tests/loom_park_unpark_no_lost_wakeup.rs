//! The workers' sleep/notify protocol (`idle.rs`) never strands a task while every
//! worker sleeps. Two model workers run the same sequence of calls as the real worker
//! loop (take, search, last-searcher re-check, park, check they were chosen) while a task
//! is pushed from outside or by one of the workers. The worker that takes the last task
//! stops everyone; if a push were stranded, all threads would block and loom reports a
//! deadlock.
#![cfg(loom)]

use loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use loom::sync::{Arc, Mutex};
use loom::thread::{self, Thread};
use wakewire_executor_pool::idle::Idle;

const WORKERS: usize = 2;

struct Model {
    idle: Idle,
    /// The run queues, reduced to a count of queued tasks.
    queued: AtomicUsize,
    taken: AtomicUsize,
    total: usize,
    stop: AtomicBool,
    /// Whether the first task has spawned its child yet.
    spawned: AtomicBool,
    threads: Mutex<Vec<Option<Thread>>>,
}

impl Model {
    fn new(total: usize) -> Arc<Self> {
        Arc::new(Model {
            idle: Idle::new(WORKERS),
            queued: AtomicUsize::new(0),
            taken: AtomicUsize::new(0),
            total,
            stop: AtomicBool::new(false),
            spawned: AtomicBool::new(false),
            threads: Mutex::new(vec![None; WORKERS]),
        })
    }

    /// A push followed by the notify that `Shared::inject` / `schedule_*` do.
    fn push(&self) {
        self.queued.fetch_add(1, Ordering::SeqCst);
        self.notify();
    }

    fn notify(&self) {
        if let Some(index) = self.idle.worker_to_notify() {
            let thread = self.threads.lock().unwrap()[index].clone();
            thread
                .expect("a sleeping worker registered its thread")
                .unpark();
        }
    }

    fn try_take(&self) -> bool {
        let mut current = self.queued.load(Ordering::SeqCst);
        while current > 0 {
            match self.queued.compare_exchange(
                current,
                current - 1,
                Ordering::SeqCst,
                Ordering::SeqCst,
            ) {
                Ok(_) => return true,
                Err(actual) => current = actual,
            }
        }
        false
    }

    fn stop_all(&self) {
        self.stop.store(true, Ordering::SeqCst);
        for thread in self.threads.lock().unwrap().iter().flatten() {
            thread.unpark();
        }
    }

    /// The real worker loop's calls, in order (`worker.rs`), with `push_on_first_task`
    /// standing for the first task spawning another.
    fn worker(&self, index: usize, push_on_first_task: bool) {
        self.threads.lock().unwrap()[index] = Some(thread::current());
        let mut searching = false;
        while !self.stop.load(Ordering::SeqCst) {
            // next_task, then search (the queues are one count here; only a searching
            // worker may steal).
            let mut got = self.try_take();
            if !got {
                if !searching {
                    searching = self.idle.try_begin_searching();
                }
                got = searching && self.try_take();
            }
            if got {
                if searching {
                    searching = false;
                    if self.idle.end_searching() && self.queued.load(Ordering::SeqCst) > 0 {
                        self.notify();
                    }
                }
                // run_task
                if push_on_first_task && !self.spawned.swap(true, Ordering::SeqCst) {
                    self.push();
                }
                if self.taken.fetch_add(1, Ordering::SeqCst) + 1 == self.total {
                    self.stop_all();
                }
                continue;
            }
            // sleep
            let was_searching = std::mem::take(&mut searching);
            if self.idle.begin_park(index, was_searching) && self.queued.load(Ordering::SeqCst) > 0
            {
                self.notify();
            }
            loop {
                if self.stop.load(Ordering::SeqCst) {
                    return;
                }
                thread::park();
                if self.idle.was_notified(index) {
                    searching = true;
                    break;
                }
            }
        }
    }
}

#[test]
fn loom_park_unpark_no_lost_wakeup() {
    loom::model(|| {
        let model = Model::new(1);
        let workers: Vec<_> = (0..WORKERS)
            .map(|index| {
                let model = model.clone();
                thread::spawn(move || model.worker(index, false))
            })
            .collect();
        model.push();
        for worker in workers {
            worker.join().unwrap();
        }
        assert_eq!(model.taken.load(Ordering::SeqCst), 1);
    });
}

#[test]
fn loom_park_unpark_no_lost_wakeup_local_push() {
    // The first task, taken by one worker, pushes a second one (a spawn from a task)
    // while the other worker may be going to sleep.
    loom::model(|| {
        let model = Model::new(2);
        model.queued.store(1, Ordering::SeqCst);
        let workers: Vec<_> = (0..WORKERS)
            .map(|index| {
                let model = model.clone();
                thread::spawn(move || model.worker(index, true))
            })
            .collect();
        for worker in workers {
            worker.join().unwrap();
        }
        assert_eq!(model.taken.load(Ordering::SeqCst), 2);
    });
}
