//! Which workers are searching for work and which are asleep: the bookkeeping that wakes at
//! most one worker per new task and never strands a task while every worker sleeps.
//!
//! One atomic word holds two counts: `searching` (workers looking for work to steal) and
//! `unparked` (workers not asleep). The list of sleeping workers sits behind a mutex that is
//! only taken on the slow paths (going to sleep, waking someone).
//!
//! ```text
//!                 (1) try_begin_searching            (2) end_searching
//!   RUNNING ─────────────────────────► SEARCHING ─────────────────────► RUNNING
//!      │                                   │        (found work; if it was the last
//!      │ (3) begin_park                    │         searcher, it looks at every queue
//!      │                                   │         and calls (4) if work waits)
//!      ▼                                   ▼ (3) begin_park
//!   PARKED ◄───────────────────────────────┘        (then it looks at every queue, and
//!      │                                             calls (4) if work waits)
//!      │ (4) worker_to_notify, called by whoever pushed work: pops one sleeper and
//!      ▼     counts it as unparked *and searching* before unparking it
//!   SEARCHING
//!
//!   (1) try_begin_searching  worker, local queue empty; refused while half the workers search
//!   (2) end_searching        worker, found a task; returns "I was the last searcher"
//!   (3) begin_park           worker, nothing found; returns "I was the last searcher"
//!   (4) worker_to_notify     any thread after a push; only if nobody searches and someone sleeps
//! ```
//!
//! **No thundering herd**: (4) does nothing while a worker searches, and the worker it wakes
//! counts as searching from the moment it is chosen, so a burst of pushes wakes one worker.
//!
//! **No task waits for a busy worker while another sleeps**: (4) wakes nobody while some
//! worker searches (that one will find the task) or while every worker is awake (each
//! looks before it sleeps). So each worker that lowers a count the pusher relied on looks
//! at every queue once more afterwards, and calls (4) if it finds work: every worker going
//! to sleep, after (3), searching or not, and the last searcher after (2). The pusher's
//! push-fence-load and that worker's read-modify-write-fence-look are ordered by the two
//! `SeqCst` fences (the argument, and what it needs from the deques, is in
//! [`crate::deques`]): either the pusher sees the lowered count and wakes a sleeper, or
//! the worker sees the push. So a task another worker could take never waits in a queue
//! while a worker sleeps and nobody searches — also when the worker that queued it is
//! stuck in a long poll. `loom_park_unpark_no_lost_wakeup` explores the interleavings on
//! the pool's own code. (Only the last searcher used to look again: loom found a worker
//! refused from searching going to sleep while the pusher still counted it awake, which
//! left the task to a pusher stuck in its poll.)
#![cfg_attr(not(loom), allow(unreachable_pub))]

use crate::sync::{fence, lock, AtomicUsize, Mutex, Ordering};

const SEARCHING_MASK: usize = 0xFFFF;
const UNPARKED_ONE: usize = 1 << 16;

/// The shared idle/searching state of a pool's workers.
#[derive(Debug)]
pub struct Idle {
    /// `unparked << 16 | searching`.
    state: AtomicUsize,
    /// Indices of the workers asleep (or about to be).
    sleepers: Mutex<Vec<usize>>,
    /// Threads that run the workers' loop: the workers, plus the replacement threads a
    /// supervisor runs while a worker is blocked (see [`add_thread`](Self::add_thread)).
    threads: AtomicUsize,
}

/// A snapshot of the counts, for tests and metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdleCounts {
    /// Workers searching for work.
    pub searching: usize,
    /// Workers (and replacement threads) not asleep.
    pub unparked: usize,
    /// Workers listed as asleep (`unparked + sleeping == workers` between operations).
    pub sleeping: usize,
}

impl Idle {
    /// All `workers` start awake and not searching.
    ///
    /// # Panics
    ///
    /// Panics if `workers` is 0 or does not fit the 16-bit counts.
    pub fn new(workers: usize) -> Self {
        assert!(
            workers > 0 && workers < SEARCHING_MASK,
            "worker count out of range: {workers}"
        );
        Idle {
            state: AtomicUsize::new(workers * UNPARKED_ONE),
            sleepers: Mutex::new(Vec::with_capacity(workers)),
            threads: AtomicUsize::new(workers),
        }
    }

    /// The current counts (taken under the sleepers' lock, so consistent with each other).
    pub fn counts(&self) -> IdleCounts {
        let sleepers = lock(&self.sleepers);
        let state = self.state.load(Ordering::SeqCst);
        IdleCounts {
            searching: state & SEARCHING_MASK,
            unparked: state / UNPARKED_ONE,
            sleeping: sleepers.len(),
        }
    }

    /// (4) Work was pushed somewhere any worker can take it. Returns the sleeping worker the
    /// caller must unpark, if one is needed: none while a worker searches, none if all are
    /// awake. The chosen worker already counts as awake and searching.
    pub fn worker_to_notify(&self) -> Option<usize> {
        // Orders the caller's push before the load below; pairs with the fence in
        // `begin_park` (the Dekker pattern: one of the two sides sees the other).
        fence(Ordering::SeqCst);
        if !self.should_wake() {
            return None;
        }
        let mut sleepers = lock(&self.sleepers);
        if !self.should_wake() {
            return None;
        }
        let index = sleepers.pop()?;
        self.state.fetch_add(UNPARKED_ONE | 1, Ordering::SeqCst);
        Some(index)
    }

    fn should_wake(&self) -> bool {
        let state = self.state.load(Ordering::SeqCst);
        // Read after the word: see `remove_thread` for why a stale pair is safe.
        state & SEARCHING_MASK == 0 && state / UNPARKED_ONE < self.threads.load(Ordering::SeqCst)
    }

    /// (1) A worker with an empty queue asks to search (steal). Refused while half of the
    /// workers already search, so idle workers do not all hammer the same queues.
    pub fn try_begin_searching(&self) -> bool {
        let mut state = self.state.load(Ordering::SeqCst);
        loop {
            // A heuristic limit: a stale thread count only changes how many search.
            let threads = self.threads.load(Ordering::Relaxed);
            if 2 * (state & SEARCHING_MASK) >= threads.max(2) {
                return false;
            }
            // A compare-exchange, not a load then an add: two workers must not both see
            // room for one more searcher (`loom_idle_counts_stay_balanced` found that).
            match self.state.compare_exchange_weak(
                state,
                state + 1,
                Ordering::SeqCst,
                Ordering::SeqCst,
            ) {
                Ok(_) => return true,
                Err(actual) => state = actual,
            }
        }
    }

    /// (2) A searching worker found a task. Returns `true` if it was the last searcher: the
    /// caller then looks at every queue (the fence is issued here) and calls
    /// [`worker_to_notify`](Self::worker_to_notify) if work is waiting, so that work does
    /// not wait for this worker's poll to end while a peer sleeps.
    pub fn end_searching(&self) -> bool {
        let previous = self.state.fetch_sub(1, Ordering::SeqCst);
        debug_assert!(previous & SEARCHING_MASK > 0, "end_searching underflow");
        let last = previous & SEARCHING_MASK == 1;
        if last {
            // Pairs with the fence in `worker_to_notify`: the caller's queue checks come
            // after it.
            fence(Ordering::SeqCst);
        }
        last
    }

    /// (3) Worker `index` found nothing and is about to sleep. The caller must then look at
    /// every queue once more and, if it finds work, call
    /// [`worker_to_notify`](Self::worker_to_notify) before sleeping (it may choose the
    /// caller itself). Returns `true` if it was the last searching worker.
    pub fn begin_park(&self, index: usize, searching: bool) -> bool {
        let mut sleepers = lock(&self.sleepers);
        let decrement = UNPARKED_ONE | usize::from(searching);
        let previous = self.state.fetch_sub(decrement, Ordering::SeqCst);
        sleepers.push(index);
        drop(sleepers);
        // Pairs with the fence in `worker_to_notify`: our queue checks come after it.
        fence(Ordering::SeqCst);
        searching && previous & SEARCHING_MASK == 1
    }

    /// After its park returned: whether worker `index` was chosen by
    /// [`worker_to_notify`](Self::worker_to_notify) (it is then awake and searching) or woke
    /// spuriously (it is still listed as asleep and should park again).
    pub fn was_notified(&self, index: usize) -> bool {
        !lock(&self.sleepers).contains(&index)
    }

    /// A replacement thread joins (a supervisor starts it for a blocked worker): one more
    /// thread, awake and not searching. Called before the thread starts.
    pub fn add_thread(&self) {
        // The count first: a notifier that sees the new awake thread sees it counted (a
        // notifier that sees the count but not the thread only looks for a sleeper).
        self.threads.fetch_add(1, Ordering::SeqCst);
        self.state.fetch_add(UNPARKED_ONE, Ordering::SeqCst);
    }

    /// A replacement thread leaves for good while awake (it retires, or the pool shuts
    /// down), `searching` or not. Like [`begin_park`](Self::begin_park), the caller must
    /// then look at every queue once more and call
    /// [`worker_to_notify`](Self::worker_to_notify) if it finds work: notifiers counted on
    /// it to look before it stopped. Returns `true` if it was the last searcher.
    ///
    /// The word is lowered before the thread count, so a notifier may pair the old word
    /// with the new count and see nobody asleep when one worker is: the fence below and the
    /// caller's look cover that case as they cover `begin_park` (either the look sees the
    /// push, or the notifier's reads come after this fence and see both new values).
    pub fn remove_thread(&self, searching: bool) -> bool {
        let decrement = UNPARKED_ONE | usize::from(searching);
        let previous = self.state.fetch_sub(decrement, Ordering::SeqCst);
        self.threads.fetch_sub(1, Ordering::SeqCst);
        // Pairs with the fence in `worker_to_notify`: the caller's queue checks come after.
        fence(Ordering::SeqCst);
        searching && previous & SEARCHING_MASK == 1
    }

    /// Removes worker `index` from the sleepers when it leaves for good (shutdown), so
    /// the counts stay consistent. Returns `true` if it was still listed.
    pub fn unregister_sleeper(&self, index: usize) -> bool {
        let mut sleepers = lock(&self.sleepers);
        match sleepers.iter().position(|&sleeper| sleeper == index) {
            Some(at) => {
                sleepers.swap_remove(at);
                self.state.fetch_add(UNPARKED_ONE, Ordering::SeqCst);
                true
            }
            None => false,
        }
    }
}
