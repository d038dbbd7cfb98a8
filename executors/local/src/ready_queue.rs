//! [`ReadyQueue`]: what wakers and spawners on any thread share with the executor thread.
//!
//! Wakes made on the executor's own thread while it runs skip the shared queue: see
//! [`owner_queue`](crate::owner_queue).

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::thread;

use concurrent_queue::ConcurrentQueue;
use wakewire_core::park::AnyUnpark;
use wakewire_core::task::{LiveTasks, Runnable};
use wakewire_core::{JoinHandle, SpawnError, Unpark};

use crate::owner_queue::{self, OwnerQueue};
use crate::sleep::SleepState;

/// The executor's run queue as every other thread sees it: where wakers push tasks, how
/// they wake the executor thread, and the live tasks shutdown must find.
pub(crate) struct ReadyQueue {
    /// Tasks ready to be polled, pushed by wakers on other threads (or on the executor's
    /// thread while it is not running), popped by the owner only.
    pub(crate) tasks: ConcurrentQueue<Runnable>,
    pub(crate) sleep: SleepState,
    /// The executor's park (type-erased, so handles need not carry its type).
    unpark: AnyUnpark,
    /// Every task whose future is still alive, so shutdown can find the ones that are
    /// waiting on a reactor and drop them too. A task is recorded when it is spawned.
    live: LiveTasks,
}

impl fmt::Debug for ReadyQueue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadyQueue")
            .field("queued", &self.tasks.len())
            .field("sleep", &self.sleep)
            .finish_non_exhaustive()
    }
}

impl ReadyQueue {
    pub(crate) fn new(unpark: AnyUnpark) -> Self {
        ReadyQueue {
            tasks: ConcurrentQueue::unbounded(),
            sleep: SleepState::new(),
            unpark,
            live: LiveTasks::new(),
        }
    }

    /// The key wakes use to recognise this executor in the running marker of the thread.
    pub(crate) fn owner_key(&self) -> usize {
        // Stable while any task or handle holds the `Arc`, and unique among live queues.
        self as *const ReadyQueue as usize
    }

    /// Queues a task and wakes the executor if it is asleep. Called by wakers.
    ///
    /// On the executor's thread while it runs, the task goes to the owner queue instead,
    /// with no atomic operation and no notify: the executor looks there before it sleeps.
    pub(crate) fn schedule(&self, runnable: Runnable) {
        if let Err(runnable) = owner_queue::push_if_running(self.owner_key(), runnable) {
            // The queue is unbounded and never closed: a push cannot fail.
            let _ = self.tasks.push(runnable);
            self.notify();
        }
    }

    /// Wakes the executor if it is asleep, for work that is not in the queue (the future
    /// passed to `block_on`).
    pub(crate) fn notify(&self) {
        if self.sleep.notify() {
            self.unpark.unpark();
        }
    }

    /// Creates a task for a `Send` future, records it as live and queues its first poll.
    pub(crate) fn spawn<F>(self: &Arc<Self>, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let queue = Arc::clone(self);
        let (runnable, handle) = self
            .live
            .spawn(future, move |runnable| queue.schedule(runnable))?;
        self.schedule(runnable);
        Ok(handle)
    }

    /// As [`spawn`](Self::spawn) for a `!Send` future. Only call on the executor's thread:
    /// the task may only be polled and dropped there.
    pub(crate) fn spawn_local<F>(
        self: &Arc<Self>,
        future: F,
    ) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let queue = Arc::clone(self);
        let (runnable, handle) = self
            .live
            .spawn_local(future, move |runnable| queue.schedule(runnable))?;
        self.schedule(runnable);
        Ok(handle)
    }

    /// The number of tasks whose futures are still alive.
    pub(crate) fn live_tasks(&self) -> usize {
        self.live.len()
    }

    /// Refuses new spawns and drops every live future, on the calling (owner) thread,
    /// which is not running the executor: the tasks its destructors wake come to `tasks`.
    pub(crate) fn shutdown(&self, owned: &OwnerQueue) {
        // Closing wakes every idle task, so it is in a queue; dropping a queued
        // `Runnable` drops its future here, and its guard removes it from `live`.
        self.live.close();
        loop {
            while let Some(runnable) = owned.pop_local() {
                drop(runnable);
            }
            while let Ok(runnable) = self.tasks.pop() {
                drop(runnable);
            }
            if self.live.is_empty() {
                break;
            }
            // A task was woken or spawned on another thread just before we closed: its
            // waker has marked it scheduled (or its spawn was counted) and is about to push
            // it. Let that thread finish.
            thread::yield_now();
        }
    }
}
