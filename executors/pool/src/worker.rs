//! A worker thread: the run loop, the search for work, and sleeping. Where tasks are
//! queued is in [`context`](crate::context).
//!
//! The order a worker picks work in (see [`WorkerLoop::next_task`]):
//!
//! 1. every [`INJECTOR_INTERVAL`] polls, the injector first, so remote work is never starved;
//! 2. the LIFO slot, at most [`MAX_LIFO_STREAK`](queues::MAX_LIFO_STREAK) times in a row,
//!    so a ping-pong pair cannot starve the local queue (the slot's task then moves to the
//!    back of the queue);
//! 3. the local queue (FIFO);
//! 4. the injector (taking a batch into the local queue);
//! 5. stealing half of another worker's queue, when allowed to search (a queue holding a
//!    single task is left alone for the first few microseconds: its worker is about to run
//!    it, and stealing it would bounce a chain of spawns between cores);
//! 6. a short spin repeating 4–5, then sleep in the park.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_deque::Worker;
use wakewire_core::task::Runnable;
use wakewire_core::BlockedPoll;

use crate::context::{clear_current, Local, CURRENT};
use crate::metrics::{bump, WorkerCounters};
use crate::park::DynPark;
use crate::queues::{self, LocalQueues};
use crate::shared::Shared;
use crate::sync::rt::{spin, thread};

/// How often (in polls) a busy worker looks at the injector before its own queues, and
/// turns its park without blocking (so a reactor driven by the park is not starved).
pub(crate) const INJECTOR_INTERVAL: u32 = 61;
/// Rounds of looking for work before a worker parks (about 20 µs of spinning in all): a
/// park/unpark round trip costs tens of microseconds. No `yield_now` phase: on a 2-core
/// machine it cost a syscall per round, and CPU that reactor threads needed, for no
/// measurable gain (`--contender wakewire:multi` runs of the bench, December 2026).
#[cfg(not(shuttle))]
const SPIN_ROUNDS: u32 = 16;
/// Under shuttle a round of looking takes as many scheduling steps as any other work:
/// give up quickly, so the models explore sleeping and waking, not just spinning.
#[cfg(shuttle)]
const SPIN_ROUNDS: u32 = 2;
/// Rounds (a few microseconds) during which a searching worker leaves a victim's only
/// queued task alone; after that it takes it, so a task queued behind a long poll moves.
#[cfg(not(shuttle))]
const PATIENT_ROUNDS: u32 = 8;
#[cfg(shuttle)]
const PATIENT_ROUNDS: u32 = 1;

/// Reports a worker thread's exit, whether it returned or unwound. Dropped after the
/// [`WorkerLoop`] (whose `Drop` hands any task still queued on this worker to the
/// injector), so the last worker's sweep finds every task.
struct Leave {
    shared: Arc<Shared>,
    index: usize,
}

impl Drop for Leave {
    fn drop(&mut self) {
        clear_current();
        self.shared.idle.unregister_sleeper(self.index);
        self.shared
            .counters
            .thread_stops
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.shared.worker_exited();
    }
}

/// One worker's run loop and its state.
pub(crate) struct WorkerLoop {
    shared: Arc<Shared>,
    local: Rc<Local>,
    park: Box<dyn DynPark>,
    /// Polls so far, for the fairness interval.
    tick: u32,
    lifo_streak: u32,
    /// Whether this worker counts as searching in the idle bookkeeping.
    searching: bool,
}

impl WorkerLoop {
    pub(crate) fn new(
        shared: Arc<Shared>,
        index: usize,
        queue: Worker<Runnable>,
        park: Box<dyn DynPark>,
    ) -> Self {
        let local = Rc::new(Local {
            pool: Arc::as_ptr(&shared),
            index,
            queues: LocalQueues::new(queue),
            running: Cell::new(None),
        });
        WorkerLoop {
            shared,
            local,
            park,
            tick: 0,
            lifo_streak: 0,
            searching: false,
        }
    }

    fn counters(&self) -> &WorkerCounters {
        &self.shared.worker_counters[self.local.index]
    }

    /// Runs tasks until shutdown, then drops the tasks left in the local queue.
    ///
    /// A panic in the user's code that the worker calls outside any task (the start and
    /// stop hooks, the park) is caught and reported, and the worker goes on with its
    /// tasks (see [`catch_user_panic`]).
    pub(crate) fn run(self) {
        let index = self.local.index;
        // Dropped last, even when unwinding, so shutdown never waits for this thread.
        let _leave = Leave {
            shared: Arc::clone(&self.shared),
            index,
        };
        // Dropped before `_leave`: if the loop unwinds, its `Drop` moves the tasks still
        // queued here to the injector before the exit is reported.
        let mut worker = self;
        let enter = wakewire_core::enter::enter()
            .expect("a pool worker thread is already running an executor");
        CURRENT.with(|current| *current.borrow_mut() = Some(Rc::clone(&worker.local)));
        if let Some(hook) = &worker.shared.config.on_start {
            catch_user_panic(&worker.shared, index, "on_thread_start hook", || {
                hook(index)
            });
        }
        loop {
            let next = worker.next_task();
            // Checked between taking a task and polling it (taking one may have turned the
            // park): once shutdown has begun, only polls already running may finish.
            if worker.shared.is_shutdown() {
                if let Some(runnable) = next {
                    worker.local.queues.push_back(runnable);
                }
                break;
            }
            match next {
                Some(runnable) => worker.run_task(runnable),
                None => worker.idle(),
            }
        }
        // Futures left in the local queue are dropped outside the run loop, as the shutdown
        // sweep drops the others: not entered, so a destructor may block on another
        // executor, whichever of the two paths reaches it.
        drop(enter);
        worker.drain_local();
        clear_current();
        if let Some(hook) = &worker.shared.config.on_stop {
            catch_user_panic(&worker.shared, index, "on_thread_stop hook", || hook(index));
        }
        // Drops the local queue (empty by now) and the park before `_leave` reports the
        // exit.
        drop(worker);
    }

    /// Steps 1–4 of the module docs: work this worker can take without searching.
    fn next_task(&mut self) -> Option<Runnable> {
        self.tick = self.tick.wrapping_add(1);
        if self.tick % INJECTOR_INTERVAL == 0 {
            let _ = self.turn_park();
            if let Some(runnable) = self.shared.pop_injected(self.local.queues.queue()) {
                self.lifo_streak = 0;
                return Some(runnable);
            }
        }
        let next = self.local.queues.next(&mut self.lifo_streak);
        if next.requeued {
            self.shared.notify_one();
        }
        if next.from_lifo {
            bump(&self.counters().lifo_polls);
        }
        next.task
            .or_else(|| self.shared.pop_injected(self.local.queues.queue()))
    }

    fn run_task(&mut self, runnable: Runnable) {
        if self.searching {
            self.searching = false;
            // We found work and nobody else is looking: if more is waiting where a peer
            // could take it, wake one. (Only parallelism depends on this; no task can be
            // stranded, since this worker is awake and looks at both queues itself.)
            if self.shared.idle.end_searching()
                && (!self.local.queues.queue().is_empty() || !self.shared.injector.is_empty())
            {
                self.shared.notify_one();
            }
        }
        let id = runnable.id();
        self.local.running.set(Some(id));
        bump(&self.counters().polls);
        match self.shared.config.blocked_threshold {
            None => {
                runnable.run();
            }
            Some(threshold) => {
                let start = Instant::now();
                runnable.run();
                let duration = start.elapsed();
                if duration >= threshold {
                    self.report_blocked(BlockedPoll::new(id, duration, self.local.index));
                }
            }
        }
        self.local.running.set(None);
    }

    /// Reports a poll that ran past the threshold, after it returned: outside the task, so
    /// a panicking hook cannot touch the task's output. The panic is caught and counted
    /// like one of the park's.
    fn report_blocked(&self, report: BlockedPoll) {
        bump(&self.counters().blocked_polls);
        catch_user_panic(&self.shared, report.worker, "blocked-poll hook", || {
            self.shared.report_blocked(&report)
        });
    }

    /// Steps 5–6: search, spin, then sleep. Returns when there may be work (or shutdown).
    fn idle(&mut self) {
        for round in 0..SPIN_ROUNDS {
            if let Some(runnable) = self.search(round >= PATIENT_ROUNDS) {
                if self.shared.is_shutdown() {
                    // Shutdown began while we searched: only polls already running may
                    // finish. Leave the task where the run loop's drain drops it.
                    self.local.queues.push_back(runnable);
                    return;
                }
                self.run_task(runnable);
                return;
            }
            if self.shared.is_shutdown() {
                return;
            }
            spin(1 << round.min(6));
        }
        self.sleep();
    }

    /// Looks at the injector, then (if allowed to search) steals from the other workers.
    /// A victim's only queued task is taken only when `take_lone` is set: its own worker
    /// is about to run it, and moving it would just move a chain of spawns between cores.
    fn search(&mut self, take_lone: bool) -> Option<Runnable> {
        if let Some(runnable) = self.shared.pop_injected(self.local.queues.queue()) {
            return Some(runnable);
        }
        if !self.searching {
            self.searching = self.shared.idle.try_begin_searching();
            if !self.searching {
                return None;
            }
        }
        self.steal(take_lone)
    }

    /// Steals half of some other worker's queue, starting at a different victim each time.
    fn steal(&mut self, take_lone: bool) -> Option<Runnable> {
        let stolen = queues::steal(
            &self.shared.stealers,
            self.local.index,
            self.tick as usize,
            take_lone,
            self.local.queues.queue(),
        );
        if stolen.is_some() {
            bump(&self.counters().steals);
        }
        stolen
    }

    /// Parks until a notifier chooses this worker (or shutdown).
    fn sleep(&mut self) {
        let index = self.local.index;
        let was_searching = std::mem::take(&mut self.searching);
        if self.shared.idle.begin_park(index, was_searching) && self.shared.has_visible_work() {
            // We were the last searcher and work arrived meanwhile: make sure a worker (maybe
            // us, now listed as asleep) comes for it.
            self.shared.notify_one();
        }
        loop {
            if self.shared.is_shutdown() {
                return;
            }
            bump(&self.counters().parks);
            // A panicking park is reported and then treated like a spurious wakeup.
            match catch_user_panic(&self.shared, index, "park", || self.park.park()) {
                Some(Ok(())) => {}
                Some(Err(error)) => {
                    tracing::error!(worker = index, %error, "worker park failed; retrying");
                    thread::yield_now();
                }
                None => thread::yield_now(),
            }
            if self.shared.idle.was_notified(index) {
                // The notifier counted us as searching.
                self.searching = true;
                return;
            }
        }
    }

    /// A busy worker's non-blocking turn of its park (for reactors driven by it). Errors
    /// are ignored here: the sleeping path reports them.
    fn turn_park(&mut self) -> Option<std::io::Result<()>> {
        catch_user_panic(&self.shared, self.local.index, "park", || {
            self.park.park_timeout(Duration::ZERO)
        })
    }

    /// Drops what is left in the LIFO slot and local queue (shutdown). Dropping a task can
    /// wake others onto this queue, so repeat until both are empty.
    fn drain_local(&mut self) {
        while let Some(runnable) = self.local.queues.pop_any() {
            drop(runnable);
        }
    }
}

impl Drop for WorkerLoop {
    /// After a normal exit the local queue and LIFO slot are empty. If the run loop
    /// unwound (a bug: user code it calls is caught), hand what they hold to the injector,
    /// where another worker runs it or the shutdown sweep drops it, and give up the
    /// searching role so the idle bookkeeping still wakes sleepers.
    fn drop(&mut self) {
        clear_current();
        if std::mem::take(&mut self.searching) {
            self.shared.idle.end_searching();
        }
        let mut handed_over = false;
        while let Some(runnable) = self.local.queues.pop_any() {
            self.shared.injector.push(runnable);
            handed_over = true;
        }
        if handed_over {
            self.shared.notify_one();
        }
    }
}

/// Runs user code that is not a task (a hook, the park) on worker `index`. A panic in it
/// is caught, reported (a `tracing` error and [`PoolMetrics::caught_panics`]) and
/// swallowed, and `None` returned: the worker keeps its queued tasks and goes on, as it
/// does after a task panics. Unwinding out of the run loop instead would take the worker
/// away from the tasks in its local queue and LIFO slot.
///
/// [`PoolMetrics::caught_panics`]: crate::PoolMetrics::caught_panics
fn catch_user_panic<R>(
    shared: &Shared,
    index: usize,
    what: &'static str,
    f: impl FnOnce() -> R,
) -> Option<R> {
    let payload = match catch_unwind(AssertUnwindSafe(f)) {
        Ok(value) => return Some(value),
        Err(payload) => payload,
    };
    shared
        .counters
        .caught_panics
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    tracing::error!(
        worker = index,
        panic = wakewire_core::panic::payload_message(&*payload).unwrap_or("(not a string)"),
        "the pool worker's {what} panicked; the worker goes on"
    );
    // A payload whose own `Drop` panics must not unwind out of the worker either.
    wakewire_core::panic::drop_payload(payload);
    None
}

/// The run loop's private invariants that no public API can reach deterministically.
#[cfg(all(test, not(loom), not(shuttle)))]
mod tests {
    use std::future::pending;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use wakewire_core::{Park, ThreadParker, Unpark};

    use super::*;
    use crate::shared::Config;

    fn one_worker() -> (Arc<Shared>, WorkerLoop) {
        let queue = Worker::new_fifo();
        let park = ThreadParker::new();
        let unpark = park.unparker();
        let shared = Arc::new(Shared::new(
            vec![queue.stealer()],
            vec![Box::new(move || unpark.unpark())],
            Config {
                on_start: None,
                on_stop: None,
                blocked_threshold: None,
                on_blocked: None,
            },
        ));
        let worker = WorkerLoop::new(Arc::clone(&shared), 0, queue, Box::new(park));
        (shared, worker)
    }

    /// Shutdown begins after the run loop's check and before an idle worker's search
    /// finds a task (here, in the injector): the task must not be polled ("lets running
    /// polls finish, drops the rest"), only dropped, once, by the worker's drain.
    #[test]
    fn idle_does_not_poll_a_task_found_after_shutdown_began() {
        let (shared, mut worker) = one_worker();
        let polls = Arc::new(AtomicUsize::new(0));
        let drops = Arc::new(AtomicUsize::new(0));
        struct CountDrop(Arc<AtomicUsize>);
        impl Drop for CountDrop {
            fn drop(&mut self) {
                self.0.fetch_add(1, Ordering::SeqCst);
            }
        }
        let (counted, guard) = (Arc::clone(&polls), CountDrop(Arc::clone(&drops)));
        // From a thread that is no worker: the task waits in the injector.
        let handle = shared
            .spawn(async move {
                let _guard = guard;
                counted.fetch_add(1, Ordering::SeqCst);
                pending::<()>().await
            })
            .unwrap();
        shared.begin_shutdown();
        worker.idle();
        assert_eq!(
            polls.load(Ordering::SeqCst),
            0,
            "polled after shutdown began"
        );
        worker.drain_local();
        assert_eq!(drops.load(Ordering::SeqCst), 1);
        assert!(handle.is_finished());
        drop(worker);
        assert!(shared.tracker.is_empty());
    }
}
