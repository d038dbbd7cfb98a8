//! Shutdown: refuse new spawns, let running polls finish, drop every unfinished future
//! exactly once.
//!
//! ```text
//!   (1) begin_shutdown  close the spawn gate, set the shutdown flag, close the live-task
//!                       registry, unpark every worker
//!   (2) each worker     stops after its current poll (a task it takes after (1) is put back,
//!                       not polled), leaves the enter guard and its park's context, drops
//!                       what is left in its own queues, and reports its exit
//!   (3) sweep           once no worker polls: wake every registered task (its Runnable lands
//!                       on the injector) and drop what the injector yields, until the
//!                       registry is empty and no spawn from outside is in flight
//! ```
//!
//! (3) runs on exactly one thread: the one that shuts the pool down, or, when nobody waits
//! for the workers (a pool dropped by one of its own tasks, a shutdown that timed out), the
//! last worker to exit; the exit count's lock decides which. Both (2) and (3) drop futures
//! outside any run loop: the thread is not entered, so a destructor may block on another
//! executor whichever path reaches it. `loom_shutdown_vs_spawn_vs_wake` runs this code
//! against a racing spawn and wake.
#![cfg_attr(not(loom), allow(unreachable_pub))]

use std::time::Instant;

use crate::deques::Deques;
use crate::queues::{self, Inject};
use crate::schedule;
use crate::state::PoolState;
use crate::sync::{lock, Condvar, MutexGuard, Ordering};

impl<D: Deques> PoolState<D> {
    /// Shuts the pool down except for joining its threads: (1), then waits until every
    /// worker thread (replacement threads included) but the calling one (when a task drops
    /// its own pool) has exited, then (3).
    /// Waits without limit when `deadline` is `None`.
    ///
    /// # Errors
    ///
    /// `Err(still_running)`, with how many worker threads (replacement threads included)
    /// had not exited, if `deadline` passed first; the late ones stop after their current
    /// poll and the last of them sweeps.
    pub fn stop(&self, deadline: Option<Instant>) -> Result<(), usize> {
        self.begin_shutdown();
        // A worker dropping its own pool (a task owned it) cannot wait for itself; the last
        // worker out sweeps then.
        let own = schedule::current_index(self);
        let mut exits = lock(&self.exits);
        exits.sweeper_waiting |= own.is_none();
        // Read under the lock: no replacement thread starts once shutdown has begun.
        while exits.exited + usize::from(own.is_some()) < exits.started {
            exits = match deadline {
                None => wait(&self.exits_changed, exits),
                Some(deadline) => {
                    let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                        // Leave the sweep to the last worker out.
                        exits.sweeper_waiting = false;
                        return Err(exits.started - exits.exited - usize::from(own.is_some()));
                    };
                    self.exits_changed
                        .wait_timeout(exits, left)
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .0
                }
            };
        }
        drop(exits);
        if own.is_none() {
            self.sweep();
        }
        Ok(())
    }

    /// (1) Refuses new spawns, tells workers to stop after their current poll and wakes
    /// them all. Idempotent.
    pub fn begin_shutdown(&self) {
        self.gate.close();
        // Before the registry closes: a task refused by the closed registry (in its first
        // `Pending`) requeues itself on its worker, which must then see the flag and drain.
        self.shutdown.store(true, Ordering::SeqCst);
        drop(self.registry.close());
        if let Some(supervisor) = &self.supervisor {
            supervisor.stop_monitor();
        }
        self.unpark_all();
    }

    /// Counts a replacement thread about to start, so that shutdown waits for it; `false`
    /// (and nothing counted) once shutdown has begun. Decided under the exits' lock, which
    /// [`stop`](Self::stop) reads the count under.
    pub(crate) fn thread_started(&self) -> bool {
        let mut exits = lock(&self.exits);
        if self.is_shutdown() {
            return false;
        }
        exits.started += 1;
        self.counters.thread_starts.fetch_add(1, Ordering::Relaxed);
        true
    }

    /// Undoes [`thread_started`](Self::thread_started) for a thread that could not be
    /// spawned.
    pub(crate) fn thread_not_started(&self) {
        lock(&self.exits).started -= 1;
        self.counters.thread_starts.fetch_sub(1, Ordering::Relaxed);
        self.exits_changed.notify_all();
    }

    /// The end of (2): called by each worker as it leaves. The last one out sweeps unless
    /// a thread waits in [`stop`](Self::stop) to do it.
    pub(crate) fn worker_exited(&self) {
        let mut exits = lock(&self.exits);
        exits.exited += 1;
        // A replacement thread retiring while the pool runs is never the last one out: the
        // workers have not exited.
        let sweep_here = exits.exited == exits.started && !exits.sweeper_waiting;
        drop(exits);
        self.exits_changed.notify_all();
        if sweep_here {
            self.sweep();
        }
    }

    /// (3) Drops every task that is still live, once no worker polls any more: wakes each
    /// registered one (so its `Runnable` lands on the injector) and drops what the injector
    /// yields, until the registry is empty and no spawn is on its way in. Tasks that never
    /// returned `Pending` are not registered: their `Runnable` is already on the injector
    /// (the workers drained their local queues). Tasks woken by those drops are drained too.
    pub fn sweep(&self) {
        for waker in self.registry.close() {
            waker.wake();
        }
        // Until no spawn is in flight and no registered task is left (a waker on another
        // thread may have marked its task scheduled and be about to push it).
        self.gate.drain_until_quiet(
            || {
                while let Some(runnable) = queues::retry(|| self.injector.steal()) {
                    drop(runnable);
                }
            },
            || self.registry.is_empty(),
        );
    }
}

fn wait<'a, T>(condvar: &Condvar, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
    condvar
        .wait(guard)
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
