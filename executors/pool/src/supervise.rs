//! Supervision: a worker stuck in one poll has its duties moved on without it.
//!
//! With [`PoolBuilder::supervise`](crate::PoolBuilder::supervise), every worker publishes
//! which poll it is in (a [`SlotWatch`]: a sequence number and the task's id, two plain
//! stores per poll), and a monitor thread (see [`crate::monitor`]) samples them. A worker
//! seen inside the same poll for the threshold is *taken over*:
//!
//! ```text
//!   (1) take_over    the task in its LIFO slot (woken by the blocked task just before it
//!                    blocked) moves to the injector; its local queue stays where it is,
//!                    stealable, and a sleeping worker is woken if it holds tasks; a
//!                    replacement thread starts on a spare slot (at most `cap` at once);
//!                    the report says all of it
//!   (2) retake_lifo  every later sample while the poll still runs: a task the blocked poll
//!                    woke into its LIFO slot since then moves too
//!   (3) release      the poll returned (its sequence number moved): the replacement is told
//!                    to retire
//!   (4) retire       the replacement, between two polls: its LIFO slot and local queue go
//!                    to the injector, it leaves the idle bookkeeping (looking at every
//!                    queue once more, as a worker going to sleep does), and its spare slot
//!                    (queue, park) is put back for the next one
//! ```
//!
//! A worker never holds a shared park's driver while it polls (it only holds it inside its
//! park, between polls), so nothing has to be taken from a blocked worker for the reactor:
//! `SharedPark` hands the driver to an idle worker whenever its holder releases it.
//!
//! Slots: workers `0..workers` are the pool's own; slots `workers..workers + cap` are
//! spare, each with its own local queue, stealer, park and unparker made at build time, and
//! run a replacement thread when one is needed. Everything here is the pool's own code
//! that the loom models drive by hand (`tests/loom_supervise_handover.rs`); the monitor's
//! sampling is [`Monitor::sample`](crate::monitor::Monitor::sample).
#![cfg_attr(not(loom), allow(unreachable_pub))]

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use wakewire_core::blocked::{MovedWork, Replacement};
use wakewire_core::park::BoxPark;
use wakewire_core::task::Runnable;
use wakewire_core::{BlockedPoll, TaskId, Unpark};

use crate::deques::Deques;
use crate::queues::BatchSource;
use crate::schedule;
use crate::state::PoolState;
use crate::sync::{lock, thread, AtomicBool, AtomicU64, Condvar, Mutex, Ordering};
use crate::worker::WorkerLoop;

/// What the user asked for with `supervise`, fixed at build time.
#[derive(Debug, Clone)]
pub struct Supervision {
    /// How long one poll may run before its worker is taken over.
    pub threshold: Duration,
    /// The most replacement threads running at once.
    pub max_replacements: usize,
    /// The names of the spare slots' threads, in slot order.
    pub thread_names: Vec<String>,
    /// The stack size of replacement threads.
    pub stack_size: Option<usize>,
}

/// What one slot (a worker, or a spare slot's replacement thread) publishes for the
/// monitor, and what the monitor may take from it.
pub struct SlotWatch {
    /// `2k + 1` while the slot's `k`-th poll runs, `2k + 2` after it (odd: inside a poll).
    /// Only the slot's thread writes it.
    seq: AtomicU64,
    /// The id of the task being polled (written before `seq` goes odd).
    task: AtomicU64,
    /// The slot's LIFO slot, shared with the monitor.
    pub(crate) lifo: Arc<Mutex<Option<Runnable>>>,
    /// Set when the replacement thread running on this (spare) slot must retire.
    pub(crate) retire: Arc<AtomicBool>,
}

impl SlotWatch {
    fn new() -> Self {
        SlotWatch {
            seq: AtomicU64::new(0),
            task: AtomicU64::new(0),
            lifo: Arc::new(Mutex::new(None)),
            retire: Arc::new(AtomicBool::new(false)),
        }
    }

    /// The sequence number the slot's thread goes on from (a replacement thread on a
    /// reused spare slot continues its predecessor's).
    pub(crate) fn last_seq(&self) -> u64 {
        self.seq.load(Ordering::Relaxed)
    }

    /// The slot's thread starts poll `seq` (odd) of `task`. Two plain stores.
    #[inline]
    pub(crate) fn begin(&self, seq: u64, task: TaskId) {
        self.task.store(task.as_u64(), Ordering::Relaxed);
        // Release: a monitor that reads this number reads the task id stored before it.
        self.seq.store(seq, Ordering::Release);
    }

    /// The poll ends (`seq` even).
    #[inline]
    pub(crate) fn end(&self, seq: u64) {
        self.seq.store(seq, Ordering::Release);
    }

    /// The current sequence number (odd: inside a poll).
    pub fn seq(&self) -> u64 {
        self.seq.load(Ordering::Acquire)
    }

    /// The task of poll `seq`, if that poll still runs.
    fn task_of(&self, seq: u64) -> Option<TaskId> {
        let task = self.task.load(Ordering::Relaxed);
        // Read again: the id belongs to poll `seq` only if no other poll began meanwhile.
        (self.seq() == seq && seq % 2 == 1).then(|| TaskId::from_u64(task))
    }

    /// Takes the task waiting in the slot's LIFO slot.
    fn take_lifo(&self) -> Option<Runnable> {
        lock(&self.lifo).take()
    }
}

impl fmt::Debug for SlotWatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SlotWatch")
            .field("seq", &self.seq.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

/// A spare slot's queue and park, waiting for a replacement thread.
pub struct Spare<D: Deques> {
    pub(crate) index: usize,
    pub(crate) queue: D::Local,
    pub(crate) park: BoxPark,
}

impl<D: Deques> fmt::Debug for Spare<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Spare")
            .field("index", &self.index)
            .finish_non_exhaustive()
    }
}

/// A slot the monitor took over, until its poll returns.
#[derive(Debug, Clone, Copy)]
struct TakenOver {
    slot: usize,
    /// The spare slot whose thread stands in for it.
    replacement: Option<usize>,
}

/// The supervisor's books: which spare slots are free, which slots are taken over, and
/// the replacement threads to join.
struct Books<D: Deques> {
    spares: Vec<Spare<D>>,
    taken_over: Vec<TakenOver>,
    threads: Vec<thread::JoinHandle<()>>,
}

/// The supervisor's shared state, in [`PoolState::supervisor`].
pub struct Supervisor<D: Deques> {
    pub(crate) threshold: Duration,
    pub(crate) max_replacements: usize,
    /// One per slot: the workers, then the spare slots.
    pub(crate) slots: Box<[Arc<SlotWatch>]>,
    books: Mutex<Books<D>>,
    /// Set (and the condvar notified) when the monitor must stop.
    stop: Mutex<bool>,
    stop_changed: Condvar,
    thread_names: Vec<String>,
    stack_size: Option<usize>,
}

impl<D: Deques> Supervisor<D> {
    pub(crate) fn new(supervision: &Supervision, slots: usize) -> Self {
        Supervisor {
            threshold: supervision.threshold,
            max_replacements: supervision.max_replacements,
            slots: (0..slots).map(|_| Arc::new(SlotWatch::new())).collect(),
            books: Mutex::new(Books {
                spares: Vec::with_capacity(supervision.max_replacements),
                taken_over: Vec::new(),
                threads: Vec::new(),
            }),
            stop: Mutex::new(false),
            stop_changed: Condvar::new(),
            thread_names: supervision.thread_names.clone(),
            stack_size: supervision.stack_size,
        }
    }

    /// Under shuttle, whose timed waits never time out: one yield between two samples
    /// (shuttle's schedulers deprioritise a yielding thread, so the monitor never starves
    /// the others).
    #[cfg(all(shuttle, not(loom)))]
    pub(crate) fn wait_for_stop(&self, _period: Duration) -> bool {
        if *lock(&self.stop) {
            return true;
        }
        thread::yield_now();
        *lock(&self.stop)
    }

    /// Waits up to `period` for the monitor's stop; returns whether it must stop.
    #[cfg(not(all(shuttle, not(loom))))]
    pub(crate) fn wait_for_stop(&self, period: Duration) -> bool {
        let stop = lock(&self.stop);
        if *stop {
            return true;
        }
        let (stop, _) = self
            .stop_changed
            .wait_timeout(stop, period)
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *stop
    }

    /// Stops the monitor (shutdown).
    pub(crate) fn stop_monitor(&self) {
        *lock(&self.stop) = true;
        self.stop_changed.notify_all();
    }

    /// The replacement threads started so far and not yet joined, for the pool's
    /// shutdown to join once they have exited.
    pub fn take_threads(&self) -> Vec<thread::JoinHandle<()>> {
        std::mem::take(&mut lock(&self.books).threads)
    }

    /// Joins the replacement threads that have ended (the monitor calls it now and then,
    /// so retired threads do not pile up). Under the checkers, whose join handles cannot
    /// tell, it joins none: shutdown joins them all.
    #[cfg(any(loom, shuttle))]
    pub(crate) fn join_finished(&self) {}

    /// Joins the replacement threads that have ended (the monitor calls it now and then,
    /// so retired threads do not pile up).
    #[cfg(not(any(loom, shuttle)))]
    pub(crate) fn join_finished(&self) {
        let finished: Vec<_> = {
            let mut books = lock(&self.books);
            let (done, running) = std::mem::take(&mut books.threads)
                .into_iter()
                .partition(|thread| thread.is_finished());
            books.threads = running;
            done
        };
        for thread in finished {
            let _ = thread.join();
        }
    }
}

impl<D: Deques> fmt::Debug for Supervisor<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Supervisor")
            .field("threshold", &self.threshold)
            .field("max_replacements", &self.max_replacements)
            .finish_non_exhaustive()
    }
}

impl<D: Deques> PoolState<D> {
    fn supervisor(&self) -> &Supervisor<D> {
        self.supervisor
            .as_ref()
            .expect("supervision is on for this pool")
    }

    /// Puts spare slot `index`'s queue and park aside for a replacement thread (the
    /// builder, for each spare slot).
    pub fn add_spare(&self, index: usize, queue: D::Local, park: BoxPark) {
        lock(&self.supervisor().books)
            .spares
            .push(Spare { index, queue, park });
    }

    /// (1) The monitor found `slot` inside poll `seq` for `blocked_for`: moves its work on
    /// and starts a replacement thread. Returns the report, or `None` if that poll has
    /// ended meanwhile (or shutdown has begun): then nothing was done.
    pub fn take_over(
        self: &Arc<Self>,
        slot: usize,
        seq: u64,
        blocked_for: Duration,
    ) -> Option<BlockedPoll> {
        let supervisor = self.supervisor();
        let watch = &supervisor.slots[slot];
        let task = watch.task_of(seq)?;
        if self.is_shutdown() {
            return None;
        }
        // Counted before anything moves, so whoever sees a moved task run sees the count.
        self.counters
            .supervised_blocks
            .fetch_add(1, Ordering::Relaxed);
        // The worker may return from its poll at any moment: the slot's lock decides who
        // gets the task (the worker's own next look, or this move), never both.
        let lifo_task = match watch.take_lifo() {
            Some(runnable) => {
                schedule::inject(self, runnable);
                true
            }
            None => false,
        };
        let queued_tasks = self.stealers[slot].queued();
        if queued_tasks > 0 {
            // Stealable already; make sure some worker comes for them.
            self.notify_one();
        }
        let replacement = self.start_replacement();
        let started = match replacement {
            Replacement::Started { worker } => Some(worker),
            _ => None,
        };
        lock(&supervisor.books).taken_over.push(TakenOver {
            slot,
            replacement: started,
        });
        let moved = MovedWork::new(lifo_task, queued_tasks, replacement);
        Some(BlockedPoll::new(task, blocked_for, Some(slot)).supervised(moved))
    }

    /// (2) `slot` is still blocked: moves a task its poll woke into the LIFO slot since.
    /// Returns whether one moved.
    pub fn retake_lifo(&self, slot: usize) -> bool {
        match self.supervisor().slots[slot].take_lifo() {
            Some(runnable) => {
                schedule::inject(self, runnable);
                true
            }
            None => false,
        }
    }

    /// (3) The blocked poll on `slot` returned: its replacement thread, if it has one,
    /// retires (after the poll it is in, if any).
    pub fn release(&self, slot: usize) {
        let supervisor = self.supervisor();
        let released = {
            let mut books = lock(&supervisor.books);
            let at = books.taken_over.iter().position(|t| t.slot == slot);
            at.map(|at| books.taken_over.swap_remove(at))
        };
        if let Some(replacement) = released.and_then(|taken| taken.replacement) {
            supervisor.slots[replacement]
                .retire
                .store(true, Ordering::Release);
            // Asleep or awake, it looks at the flag next.
            self.unpark(replacement);
        }
    }

    /// Starts a replacement thread on a free spare slot, if one is left.
    fn start_replacement(self: &Arc<Self>) -> Replacement {
        let supervisor = self.supervisor();
        let Some(spare) = lock(&supervisor.books).spares.pop() else {
            return Replacement::CapReached {
                cap: supervisor.max_replacements,
            };
        };
        let index = spare.index;
        supervisor.slots[index]
            .retire
            .store(false, Ordering::Release);
        // Counted before it starts: shutdown waits for it, and the idle bookkeeping
        // counts it awake (it looks at every queue before it first sleeps).
        if !self.thread_started() {
            lock(&supervisor.books).spares.push(spare);
            return Replacement::Failed;
        }
        self.idle.add_thread();
        // Handed over through a cell, so that a failed spawn gives the spare back.
        let handover = Arc::new(Mutex::new(Some(spare)));
        let mut builder =
            thread::Builder::new().name(supervisor.thread_names[index - self.workers()].clone());
        if let Some(bytes) = supervisor.stack_size {
            builder = builder.stack_size(bytes);
        }
        let state = Arc::clone(self);
        let cell = Arc::clone(&handover);
        let spawned = builder.spawn(move || {
            let spare = lock(&cell).take().expect("handed over once");
            WorkerLoop::replacement(state, spare).run();
        });
        match spawned {
            Ok(thread) => {
                lock(&supervisor.books).threads.push(thread);
                self.counters
                    .replacement_threads
                    .fetch_add(1, Ordering::Relaxed);
                Replacement::Started { worker: index }
            }
            Err(error) => {
                tracing::error!(%error, "the pool's supervisor could not start a replacement thread");
                self.idle.remove_thread(false);
                self.thread_not_started();
                let spare = lock(&handover).take().expect("the thread never ran");
                lock(&supervisor.books).spares.push(spare);
                Replacement::Failed
            }
        }
    }

    /// (4) A retiring replacement thread gives its slot back.
    pub(crate) fn return_spare(&self, spare: Spare<D>) {
        lock(&self.supervisor().books).spares.push(spare);
    }

    /// Unparks slot `index`'s thread.
    fn unpark(&self, index: usize) {
        self.unparkers[index].unpark();
    }

    /// The tasks whose polls the supervisor has found blocked and that still run (for
    /// the shutdown-timeout error).
    pub(crate) fn blocked_tasks(&self) -> Vec<TaskId> {
        let Some(supervisor) = &self.supervisor else {
            return Vec::new();
        };
        let slots: Vec<usize> = lock(&supervisor.books)
            .taken_over
            .iter()
            .map(|taken| taken.slot)
            .collect();
        slots
            .into_iter()
            .filter_map(|slot| {
                let watch = &supervisor.slots[slot];
                watch.task_of(watch.seq())
            })
            .collect()
    }
}

/// Whether the spare slot's replacement must stop (checked by its run loop).
pub(crate) fn must_retire(flag: &AtomicBool) -> bool {
    flag.load(Ordering::Acquire)
}
