//! The state that wakers and spawners on any thread share with the executor thread.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};
use std::thread;

use concurrent_queue::ConcurrentQueue;
use pin_project_lite::pin_project;
use slab::Slab;
use wakewire_core::task::{self, Runnable};
use wakewire_core::{JoinHandle, SpawnError};

use crate::sleep::SleepState;

/// Wakes the executor's park; erased so handles need not carry the park's type.
pub(crate) type UnparkFn = Box<dyn Fn() + Send + Sync>;

pub(crate) struct Shared {
    /// Tasks ready to be polled, pushed by wakers on any thread, popped by the owner only.
    pub(crate) queue: ConcurrentQueue<Runnable>,
    pub(crate) sleep: SleepState,
    unpark: UnparkFn,
    /// Every task whose future is still alive, so shutdown can find the ones that are
    /// waiting on a reactor and drop them too.
    active: Mutex<Active>,
}

struct Active {
    wakers: Slab<Waker>,
    closed: bool,
}

pin_project! {
    /// A task's future plus the guard that removes it from `Shared::active` when the
    /// future is dropped (finished, cancelled or shut down).
    pub(crate) struct Tracked<F> {
        #[pin]
        future: F,
        _guard: Untrack,
    }
}

impl<F: Future> Future for Tracked<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.project().future.poll(cx)
    }
}

pub(crate) struct Untrack {
    shared: Arc<Shared>,
    key: usize,
}

impl Drop for Untrack {
    fn drop(&mut self) {
        // Take the waker out before it drops: dropping a task's waker may re-enter
        // `schedule`, and the lock must not be held then.
        let waker = self.shared.active().wakers.try_remove(self.key);
        drop(waker);
    }
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shared")
            .field("queued", &self.queue.len())
            .field("sleep", &self.sleep)
            .finish_non_exhaustive()
    }
}

impl Shared {
    pub(crate) fn new(unpark: UnparkFn) -> Self {
        Shared {
            queue: ConcurrentQueue::unbounded(),
            sleep: SleepState::new(),
            unpark,
            active: Mutex::new(Active {
                wakers: Slab::new(),
                closed: false,
            }),
        }
    }

    fn active(&self) -> MutexGuard<'_, Active> {
        // The lock only guards slab edits that cannot panic halfway; a poisoned lock still
        // holds a consistent slab.
        self.active.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues a task and wakes the executor if it is asleep. Called by wakers.
    pub(crate) fn schedule(&self, runnable: Runnable) {
        // The queue is unbounded and never closed: a push cannot fail.
        let _ = self.queue.push(runnable);
        if self.sleep.notify() {
            (self.unpark)();
        }
    }

    /// Wakes the executor if it is asleep, for work that is not in the queue (the future
    /// passed to `block_on`).
    pub(crate) fn notify(&self) {
        if self.sleep.notify() {
            (self.unpark)();
        }
    }

    /// Creates a task for a `Send` future, records it as active and queues its first poll.
    pub(crate) fn spawn<F>(self: &Arc<Self>, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.register(future, |future, shared| {
            task::spawn(future, move |runnable| shared.schedule(runnable))
        })
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
        self.register(future, |future, shared| {
            task::spawn_local(future, move |runnable| shared.schedule(runnable))
        })
    }

    fn register<F, M>(
        self: &Arc<Self>,
        future: F,
        make_task: M,
    ) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future,
        M: FnOnce(Tracked<F>, Arc<Shared>) -> (Runnable, JoinHandle<F::Output>),
    {
        let mut active = self.active();
        if active.closed {
            drop(active);
            // Dropped here, on the spawning thread, outside the lock: its destructor may
            // itself try to spawn.
            drop(future);
            return Err(SpawnError::shutdown());
        }
        let entry = active.wakers.vacant_entry();
        let tracked = Tracked {
            future,
            _guard: Untrack {
                shared: Arc::clone(self),
                key: entry.key(),
            },
        };
        let (runnable, handle) = make_task(tracked, Arc::clone(self));
        entry.insert(runnable.waker());
        drop(active);
        self.schedule(runnable);
        Ok(handle)
    }

    /// The number of tasks whose futures are still alive.
    pub(crate) fn live_tasks(&self) -> usize {
        self.active().wakers.len()
    }

    /// Refuses new spawns and drops every live future, on the calling (owner) thread.
    pub(crate) fn shutdown(&self) {
        let wakers: Vec<Waker> = {
            let mut active = self.active();
            active.closed = true;
            active
                .wakers
                .iter()
                .map(|(_, waker)| waker.clone())
                .collect()
        };
        // Waking puts every idle task in the queue; dropping a queued `Runnable` drops its
        // future here, and its guard removes it from `active`.
        for waker in wakers {
            waker.wake();
        }
        loop {
            while let Ok(runnable) = self.queue.pop() {
                drop(runnable);
            }
            if self.active().wakers.is_empty() {
                break;
            }
            // A task was woken on another thread just before we closed: its waker has
            // marked it scheduled and is about to push it. Let that thread finish.
            thread::yield_now();
        }
    }
}
