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
//! (3) runs on the thread that shuts the pool down, and on the last worker to exit (for a
//! pool dropped by one of its own tasks, or one whose shutdown timed out). Both (2) and (3)
//! drop futures outside any run loop: the thread is not entered, so a destructor may block
//! on another executor whichever path reaches it. `loom_shutdown_vs_spawn_vs_wake` runs
//! this code against a racing spawn and wake.
#![cfg_attr(not(loom), allow(unreachable_pub))]

use std::time::Instant;

use crate::deques::Deques;
use crate::queues::{self, Inject};
use crate::schedule;
use crate::state::PoolState;
use crate::sync::{lock, Condvar, MutexGuard, Ordering};

impl<D: Deques> PoolState<D> {
    /// Shuts the pool down except for joining its threads: (1), then waits until every
    /// worker but the calling one (when a task drops its own pool) has exited, then (3).
    /// Waits without limit when `deadline` is `None`.
    ///
    /// # Errors
    ///
    /// `Err(exited)`, with how many workers had exited, if `deadline` passed first; the
    /// late workers stop after their current poll and the last of them sweeps.
    pub fn stop(&self, deadline: Option<Instant>) -> Result<(), usize> {
        self.begin_shutdown();
        // A worker dropping its own pool (a task owned it) cannot wait for itself.
        let own = schedule::current_index(self);
        let must_exit = self.workers() - usize::from(own.is_some());
        if !self.wait_exited(must_exit, deadline) {
            return Err(*lock(&self.exited));
        }
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
        self.unpark_all();
    }

    /// The end of (2): called by each worker as it leaves; the last one out sweeps.
    pub(crate) fn worker_exited(&self) {
        let mut exited = lock(&self.exited);
        *exited += 1;
        let last = *exited == self.workers();
        drop(exited);
        self.exited_changed.notify_all();
        if last {
            self.sweep();
        }
    }

    /// Waits until at least `count` workers have left their loops, or `deadline` passes.
    /// Returns whether they did.
    fn wait_exited(&self, count: usize, deadline: Option<Instant>) -> bool {
        let mut exited = lock(&self.exited);
        while *exited < count {
            exited = match deadline {
                None => wait(&self.exited_changed, exited),
                Some(deadline) => {
                    let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                        return false;
                    };
                    self.exited_changed
                        .wait_timeout(exited, left)
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .0
                }
            };
        }
        true
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
