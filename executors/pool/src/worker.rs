//! A worker thread: the run loop, the search for work, and sleeping. Where tasks are
//! queued is in [`schedule`](crate::schedule).
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
//! 6. a short spin repeating 4–5, then sleep in the park (see [`crate::idle`]).
//!
//! While it runs, a worker thread is *entered* (a `block_on` inside a task panics instead
//! of deadlocking) and its park's [context](wakewire_core::Park::context) is current, so
//! reactors driven by the park are the current ones for the tasks' free constructors.
//! Each poll runs under a fresh [cooperative budget](wakewire_core::coop); with
//! supervision on, the worker publishes which poll it is in (see [`crate::supervise`]).
//! A replacement thread runs this same loop on a spare slot, and leaves it when told to
//! retire, handing its tasks to the injector.
#![cfg_attr(not(loom), allow(unreachable_pub))]

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use wakewire_core::coop;
use wakewire_core::park::BoxPark;
use wakewire_core::task::Runnable;
use wakewire_core::{BlockedPoll, Park, ThreadParker};

use crate::deques::{Deques, WorkerContext};
use crate::metrics::{bump, PoolCounters, WorkerCounters};
use crate::queues::{self, Inject, LifoSlot, LocalQueues};
use crate::schedule;
use crate::state::PoolState;
use crate::supervise::{self, SlotWatch, Spare};
use crate::sync::{spin, thread, AtomicBool, Ordering};

/// How often (in polls) a busy worker looks at the injector before its own queues, and
/// turns its park without blocking (so a reactor driven by the park is not starved).
pub(crate) const INJECTOR_INTERVAL: u32 = 61;
/// Rounds of looking for work before a worker parks (about 20 µs of spinning in all): a
/// park/unpark round trip costs tens of microseconds. No `yield_now` phase: on a 2-core
/// machine it cost a syscall per round, and CPU that reactor threads needed, for no
/// measurable gain (`--contender wakewire:multi` runs of the bench, December 2026).
#[cfg(not(any(loom, shuttle)))]
const SPIN_ROUNDS: u32 = 16;
/// Under shuttle a round of looking takes as many scheduling steps as any other work:
/// give up quickly, so the models explore sleeping and waking, not just spinning.
#[cfg(all(shuttle, not(loom)))]
const SPIN_ROUNDS: u32 = 2;
/// Under loom, one round: every look multiplies the schedules loom explores, and the
/// protocol is the same after any number of rounds.
#[cfg(loom)]
const SPIN_ROUNDS: u32 = 1;
/// Rounds (a few microseconds) during which a searching worker leaves a victim's only
/// queued task alone; after that it takes it, so a task queued behind a long poll moves.
#[cfg(not(any(loom, shuttle)))]
const PATIENT_ROUNDS: u32 = 8;
#[cfg(all(shuttle, not(loom)))]
const PATIENT_ROUNDS: u32 = 1;
/// Under loom the one round takes a lone task at once (with fewer rounds than this, a
/// lone task queued behind a blocked poll would never move).
#[cfg(loom)]
const PATIENT_ROUNDS: u32 = 0;

/// Reports a worker thread's exit, whether it returned or unwound. Dropped after the
/// [`WorkerLoop`] (whose `Drop` hands any task still queued on this worker to the
/// injector), so the last worker's sweep finds every task.
struct Leave<D: Deques> {
    state: Arc<PoolState<D>>,
    index: usize,
}

impl<D: Deques> Drop for Leave<D> {
    fn drop(&mut self) {
        schedule::leave_worker::<D>();
        self.state.idle.unregister_sleeper(self.index);
        self.state
            .counters
            .thread_stops
            .fetch_add(1, Ordering::Relaxed);
        self.state.worker_exited();
    }
}

/// One worker's run loop and its state.
pub struct WorkerLoop<D: Deques> {
    state: Arc<PoolState<D>>,
    worker: Rc<WorkerContext<D>>,
    park: BoxPark,
    /// Polls so far, for the fairness interval.
    tick: u32,
    lifo_streak: u32,
    /// Whether this worker counts as searching in the idle bookkeeping.
    searching: bool,
    /// With supervision on: where this slot says which poll it is in.
    watch: Option<Arc<SlotWatch>>,
    /// The slot's poll sequence number (see [`SlotWatch`]).
    seq: u64,
    /// A replacement thread's retire flag (`None` for the pool's own workers).
    retire: Option<Arc<AtomicBool>>,
}

/// Why a run loop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Exit {
    Shutdown,
    /// A replacement thread whose blocked worker is back.
    Retire,
}

impl<D: Deques> WorkerLoop<D> {
    /// Worker `index` of the pool `state`, with its local queue (from
    /// [`PoolState::new`]) and the park it sleeps in. Call [`run`](Self::run) on the
    /// worker's thread.
    pub fn new(state: Arc<PoolState<D>>, index: usize, queue: D::Local, park: BoxPark) -> Self {
        let watch = state
            .supervision()
            .map(|supervisor| Arc::clone(&supervisor.slots[index]));
        let lifo = match &watch {
            Some(watch) => LifoSlot::shared(Arc::clone(&watch.lifo)),
            None => LifoSlot::Owned(Cell::new(None)),
        };
        let worker = Rc::new(WorkerContext {
            pool: state.id(),
            index,
            queues: LocalQueues::with_lifo(queue, lifo),
            running: Cell::new(None),
        });
        WorkerLoop {
            seq: watch.as_ref().map_or(0, |watch| watch.last_seq()),
            state,
            worker,
            park,
            tick: 0,
            lifo_streak: 0,
            searching: false,
            watch,
            retire: None,
        }
    }

    /// A replacement thread's loop on the spare slot `spare` (see [`crate::supervise`]):
    /// it runs tasks as a worker does until its retire flag is set, then hands its tasks
    /// to the injector and gives the slot back.
    pub fn replacement(state: Arc<PoolState<D>>, spare: Spare<D>) -> Self {
        let retire = state
            .supervision()
            .map(|supervisor| Arc::clone(&supervisor.slots[spare.index].retire));
        let mut worker = WorkerLoop::new(state, spare.index, spare.queue, spare.park);
        worker.retire = retire;
        worker
    }

    /// Whether this is a replacement thread told to retire.
    fn retiring(&self) -> bool {
        self.retire.as_deref().is_some_and(supervise::must_retire)
    }

    fn counters(&self) -> &WorkerCounters {
        &self.state.worker_counters[self.worker.index]
    }

    /// Runs tasks until shutdown, then drops the tasks left in the local queue.
    ///
    /// A panic in the user's code that the worker calls outside any task (the start and
    /// stop hooks, the park, the blocked-poll hook) is caught and reported, and the worker
    /// goes on with its tasks (see [`catch_user_panic`]).
    ///
    /// # Panics
    ///
    /// Panics if this thread is already running an executor.
    pub fn run(self) {
        let index = self.worker.index;
        // Dropped last, even when unwinding, so shutdown never waits for this thread.
        let _leave = Leave {
            state: Arc::clone(&self.state),
            index,
        };
        // Dropped before `_leave`: if the loop unwinds, its `Drop` moves the tasks still
        // queued here to the injector before the exit is reported.
        let mut worker = self;
        let entered = wakewire_core::enter::enter()
            .expect("a pool worker thread is already running an executor");
        let in_park_context = worker.park.context().enter();
        schedule::enter_worker(&worker.worker);
        if let Some(hook) = &worker.state.config.on_start {
            catch_user_panic(
                &worker.state.counters,
                index,
                "on_thread_start hook",
                || hook(index),
            );
        }
        let exit = loop {
            let next = worker.next_task();
            // Checked between taking a task and polling it (taking one may have turned the
            // park): once shutdown has begun, only polls already running may finish.
            if worker.state.is_shutdown() {
                if let Some(runnable) = next {
                    worker.worker.queues.push_back(runnable);
                }
                break Exit::Shutdown;
            }
            if worker.retiring() {
                if let Some(runnable) = next {
                    worker.worker.queues.push_back(runnable);
                }
                break Exit::Retire;
            }
            // One call site of `run_task`, so it is inlined into this loop.
            if let Some(runnable) = next.or_else(|| worker.idle()) {
                worker.run_task(runnable);
            }
        };
        // Out of the run loop: futures left in the local queue are dropped as the shutdown
        // sweep drops the others, not entered and outside the park's context, so a
        // destructor may block on another executor whichever path reaches it. The worker
        // context stays until the queue is empty: wakes from those destructors land there.
        drop(in_park_context);
        drop(entered);
        match exit {
            Exit::Shutdown => worker.drain_local(),
            Exit::Retire => worker.hand_over_and_leave(),
        }
        schedule::leave_worker::<D>();
        if let Some(hook) = &worker.state.config.on_stop {
            catch_user_panic(&worker.state.counters, index, "on_thread_stop hook", || {
                hook(index)
            });
        }
        if worker.retire.is_some() {
            // The spare slot's queue (empty) and park, for the next replacement thread.
            let spare = worker.take_spare();
            worker.state.return_spare(spare);
        }
        // Drops the local queue (empty by now) and the park before `_leave` reports the
        // exit.
        drop(worker);
    }

    /// A retiring replacement thread: its tasks go to the injector, and it leaves the idle
    /// bookkeeping as a worker going to sleep does, looking at every queue once more (the
    /// notifiers that saw it awake relied on that look).
    fn hand_over_and_leave(&mut self) {
        while let Some(runnable) = self.worker.queues.pop_any() {
            self.state.injector.push(runnable);
        }
        let searching = std::mem::take(&mut self.searching);
        self.state.idle.remove_thread(searching);
        if self.state.has_visible_work() {
            self.state.notify_one();
        }
    }

    /// Takes the spare slot's queue and park out of this (finished) loop.
    fn take_spare(&mut self) -> Spare<D> {
        let index = self.worker.index;
        let park = std::mem::replace(&mut self.park, BoxPark::new(ThreadParker::new()));
        let context =
            Rc::get_mut(&mut self.worker).expect("the thread-local worker context was cleared");
        let (stand_in, _) = D::local();
        let queues = std::mem::replace(&mut context.queues, LocalQueues::new(stand_in));
        Spare {
            index,
            queue: queues.into_queue(),
            park,
        }
    }

    /// Steps 1–4 of the module docs: work this worker can take without searching.
    fn next_task(&mut self) -> Option<Runnable> {
        self.tick = self.tick.wrapping_add(1);
        if self.tick % INJECTOR_INTERVAL == 0 {
            let _ = self.turn_park();
            if let Some(runnable) = self.state.pop_injected(self.worker.queues.queue()) {
                self.lifo_streak = 0;
                return Some(runnable);
            }
        }
        let next = self.worker.queues.next(&mut self.lifo_streak);
        if next.requeued {
            self.state.notify_one();
        }
        if next.from_lifo {
            bump(&self.counters().lifo_polls);
        }
        next.task
            .or_else(|| self.state.pop_injected(self.worker.queues.queue()))
    }

    #[inline]
    fn run_task(&mut self, runnable: Runnable) {
        if self.searching {
            self.searching = false;
            // We found work and nobody else is looking: if more is waiting where a peer
            // could take it, wake one. A push that saw us searching relied on this look:
            // without it, its task would wait for this poll to end while a peer sleeps.
            if self.state.idle.end_searching() && self.state.has_visible_work() {
                self.state.notify_one();
            }
        }
        let id = runnable.id();
        self.worker.running.set(Some(id));
        bump(&self.counters().polls);
        if let Some(watch) = &self.watch {
            self.seq += 1;
            watch.begin(self.seq, id);
        }
        let (_, blocked) = self
            .state
            .config
            .watch
            .time(id, Some(self.worker.index), || {
                coop::with_budget(|| runnable.run())
            });
        if let Some(watch) = &self.watch {
            self.seq += 1;
            watch.end(self.seq);
        }
        self.worker.running.set(None);
        if let Some(report) = blocked {
            self.report_blocked(report);
        }
    }

    /// Reports a poll that ran past the threshold, after it returned: outside the task, so
    /// a panicking hook cannot touch the task's output. The panic is caught and counted
    /// like one of the park's.
    fn report_blocked(&self, report: BlockedPoll) {
        bump(&self.counters().blocked_polls);
        let watch = &self.state.config.watch;
        catch_user_panic(
            &self.state.counters,
            self.worker.index,
            "blocked-poll hook",
            || watch.report(&report),
        );
    }

    /// Steps 5–6: search, spin, then sleep. Returns a task found by searching, for the run
    /// loop to poll, or `None` when there may be work (or shutdown) after a sleep.
    // Under loom `PATIENT_ROUNDS` is 0 and the comparison always true.
    #[cfg_attr(loom, allow(clippy::absurd_extreme_comparisons))]
    #[must_use = "a task found must be run (or put back)"]
    fn idle(&mut self) -> Option<Runnable> {
        for round in 0..SPIN_ROUNDS {
            if let Some(runnable) = self.search(round >= PATIENT_ROUNDS) {
                if self.state.is_shutdown() {
                    // Shutdown began while we searched: only polls already running may
                    // finish. Leave the task where the run loop's drain drops it.
                    self.worker.queues.push_back(runnable);
                    return None;
                }
                return Some(runnable);
            }
            if self.state.is_shutdown() || self.retiring() {
                return None;
            }
            spin(1 << round.min(6));
        }
        self.sleep();
        None
    }

    /// Looks at the injector, then (if allowed to search) steals from the other workers.
    /// A victim's only queued task is taken only when `take_lone` is set: its own worker
    /// is about to run it, and moving it would just move a chain of spawns between cores.
    fn search(&mut self, take_lone: bool) -> Option<Runnable> {
        if let Some(runnable) = self.state.pop_injected(self.worker.queues.queue()) {
            return Some(runnable);
        }
        if !self.searching {
            self.searching = self.state.idle.try_begin_searching();
            if !self.searching {
                return None;
            }
        }
        self.steal(take_lone)
    }

    /// Steals half of some other worker's queue, starting at a different victim each time.
    fn steal(&mut self, take_lone: bool) -> Option<Runnable> {
        let stolen = queues::steal(
            &self.state.stealers,
            self.worker.index,
            self.tick as usize,
            take_lone,
            self.worker.queues.queue(),
        );
        if stolen.is_some() {
            bump(&self.counters().steals);
        }
        stolen
    }

    /// Parks until a notifier chooses this worker (or shutdown).
    ///
    /// After `begin_park` it looks at every queue once more (`begin_park`'s `SeqCst` fence
    /// pairs with the one a pusher issues before it reads the idle counts; see
    /// [`crate::deques`]): either it sees a task pushed meanwhile, or the pusher saw this
    /// worker asleep and wakes a sleeper. Either way no task waits for a busy worker while
    /// this one sleeps.
    fn sleep(&mut self) {
        let index = self.worker.index;
        let was_searching = std::mem::take(&mut self.searching);
        self.state.idle.begin_park(index, was_searching);
        if self.state.has_visible_work() {
            // Work arrived meanwhile: make sure a worker (maybe us, now listed as asleep)
            // comes for it.
            self.state.notify_one();
        }
        loop {
            if self.state.is_shutdown() {
                return;
            }
            if self.retiring() {
                // Awake again for the idle bookkeeping; if a notifier chose us meanwhile, we
                // count as searching (and give that up as we leave).
                if !self.state.idle.unregister_sleeper(index) {
                    self.searching = true;
                }
                return;
            }
            bump(&self.counters().parks);
            // A panicking park is reported and then treated like a spurious wakeup.
            let park = &mut self.park;
            match catch_user_panic(&self.state.counters, index, "park", || park.park()) {
                Some(Ok(())) => {}
                Some(Err(error)) => {
                    tracing::error!(worker = index, %error, "worker park failed; retrying");
                    thread::yield_now();
                }
                None => thread::yield_now(),
            }
            if self.state.idle.was_notified(index) {
                // The notifier counted us as searching.
                self.searching = true;
                return;
            }
            if self.state.has_queued_on(index) {
                // The park turned a reactor on this thread, and the tasks it woke were
                // queued here. Run them now rather than park again and leave them for a
                // peer to be woken and steal. Leave the sleepers as the retiring path does.
                if !self.state.idle.unregister_sleeper(index) {
                    self.searching = true;
                }
                return;
            }
        }
    }

    /// A busy worker's non-blocking turn of its park (for reactors driven by it). Errors
    /// are ignored here: the sleeping path reports them.
    fn turn_park(&mut self) -> Option<std::io::Result<()>> {
        let park = &mut self.park;
        catch_user_panic(&self.state.counters, self.worker.index, "park", || {
            park.park_timeout(Duration::ZERO)
        })
    }

    /// Drops what is left in the LIFO slot and local queue (shutdown). Dropping a task can
    /// wake others onto this queue, so repeat until both are empty.
    fn drain_local(&mut self) {
        while let Some(runnable) = self.worker.queues.pop_any() {
            drop(runnable);
        }
    }
}

impl<D: Deques> Drop for WorkerLoop<D> {
    /// After a normal exit the local queue and LIFO slot are empty. If the run loop
    /// unwound (a bug: user code it calls is caught), hand what they hold to the injector,
    /// where another worker runs it or the shutdown sweep drops it, and give up the
    /// searching role so the idle bookkeeping still wakes sleepers.
    fn drop(&mut self) {
        schedule::leave_worker::<D>();
        if std::mem::take(&mut self.searching) {
            self.state.idle.end_searching();
        }
        let mut handed_over = false;
        while let Some(runnable) = self.worker.queues.pop_any() {
            self.state.injector.push(runnable);
            handed_over = true;
        }
        if handed_over {
            self.state.notify_one();
        }
    }
}

impl<D: Deques> std::fmt::Debug for WorkerLoop<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkerLoop")
            .field("worker", &self.worker)
            .field("searching", &self.searching)
            .finish_non_exhaustive()
    }
}

/// Runs user code that is not a task (a hook, the park) on worker `index`. A panic in it
/// is caught, reported (a `tracing` error and [`PoolMetrics::caught_panics`]) and
/// swallowed, and `None` returned: the worker keeps its queued tasks and goes on, as it
/// does after a task panics. Unwinding out of the run loop instead would take the worker
/// away from the tasks in its local queue and LIFO slot.
///
/// [`PoolMetrics::caught_panics`]: crate::PoolMetrics::caught_panics
pub(crate) fn catch_user_panic<R>(
    counters: &PoolCounters,
    index: usize,
    what: &'static str,
    f: impl FnOnce() -> R,
) -> Option<R> {
    // loom reports a failed model (a deadlock) by panicking in the thread that blocks,
    // which is often a park: that panic must reach the model, not be caught here.
    #[cfg(loom)]
    if cfg!(loom) {
        return Some(f());
    }
    let payload = match catch_unwind(AssertUnwindSafe(f)) {
        Ok(value) => return Some(value),
        Err(payload) => payload,
    };
    counters.caught_panics.fetch_add(1, Ordering::Relaxed);
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

    use wakewire_core::park::AnyUnpark;
    use wakewire_core::ThreadParker;

    use super::*;
    use crate::deques::Crossbeam;
    use crate::state::Config;

    fn one_worker() -> (Arc<PoolState<Crossbeam>>, WorkerLoop<Crossbeam>) {
        let park = ThreadParker::new();
        let (state, mut queues) =
            PoolState::new(vec![AnyUnpark::new(park.unparker())], Config::default());
        let queue = queues.pop().expect("one queue per worker");
        let worker = WorkerLoop::new(Arc::clone(&state), 0, queue, BoxPark::new(park));
        (state, worker)
    }

    /// Shutdown begins after the run loop's check and before an idle worker's search
    /// finds a task (here, in the injector): the task must not be polled ("lets running
    /// polls finish, drops the rest"), only dropped, once, by the worker's drain.
    #[test]
    fn idle_does_not_poll_a_task_found_after_shutdown_began() {
        let (state, mut worker) = one_worker();
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
        let handle = state
            .spawn(async move {
                let _guard = guard;
                counted.fetch_add(1, Ordering::SeqCst);
                pending::<()>().await
            })
            .unwrap();
        state.begin_shutdown();
        assert!(
            worker.idle().is_none(),
            "a task found after shutdown began is put back"
        );
        assert_eq!(
            polls.load(Ordering::SeqCst),
            0,
            "polled after shutdown began"
        );
        worker.drain_local();
        assert_eq!(drops.load(Ordering::SeqCst), 1);
        assert!(handle.is_finished());
        drop(worker);
        assert!(state.registry.is_empty());
    }
}
