//! [`ReadyQueue`]: what wakers and spawners on any thread share with the executor thread.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::thread;

use concurrent_queue::ConcurrentQueue;
use pin_project_lite::pin_project;
use wakewire_core::park::AnyUnpark;
use wakewire_core::registry::{RegistryKey, TaskRegistry};
use wakewire_core::task::{self, Runnable};
use wakewire_core::{JoinHandle, SpawnError, Unpark};

use crate::sleep::SleepState;

/// The executor's run queue as every other thread sees it: where wakers push tasks, how
/// they wake the executor thread, and the live tasks shutdown must find.
pub(crate) struct ReadyQueue {
    /// Tasks ready to be polled, pushed by wakers on any thread, popped by the owner only.
    pub(crate) tasks: ConcurrentQueue<Runnable>,
    pub(crate) sleep: SleepState,
    /// The executor's park (type-erased, so handles need not carry its type).
    unpark: AnyUnpark,
    /// Every task whose future is still alive, so shutdown can find the ones that are
    /// waiting on a reactor and drop them too. A task registers when it is spawned.
    registry: TaskRegistry,
}

pin_project! {
    /// A task's future plus the guard that removes it from the registry when the future
    /// is dropped (finished, cancelled or shut down).
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
    queue: Arc<ReadyQueue>,
    key: RegistryKey,
}

impl Drop for Untrack {
    fn drop(&mut self) {
        // The waker is dropped here, after the registry's lock was released: dropping a
        // task's waker may re-enter `schedule`.
        drop(self.queue.registry.unregister(self.key));
    }
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
            registry: TaskRegistry::new(1),
        }
    }

    /// Queues a task and wakes the executor if it is asleep. Called by wakers.
    pub(crate) fn schedule(&self, runnable: Runnable) {
        // The queue is unbounded and never closed: a push cannot fail.
        let _ = self.tasks.push(runnable);
        self.notify();
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
        self.register(future, |future, queue| {
            task::spawn(future, move |runnable| queue.schedule(runnable))
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
        self.register(future, |future, queue| {
            task::spawn_local(future, move |runnable| queue.schedule(runnable))
        })
    }

    fn register<F, M>(
        self: &Arc<Self>,
        future: F,
        make_task: M,
    ) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future,
        M: FnOnce(Tracked<F>, Arc<ReadyQueue>) -> (Runnable, JoinHandle<F::Output>),
    {
        // The task is created under the registry's lock, so a shutdown that closes the
        // registry either finds it or refuses it before it exists.
        let registered = self.registry.register(0, |key| {
            let tracked = Tracked {
                future,
                _guard: Untrack {
                    queue: Arc::clone(self),
                    key,
                },
            };
            let (runnable, handle) = make_task(tracked, Arc::clone(self));
            let waker = runnable.waker();
            ((runnable, handle), waker)
        });
        match registered {
            Ok((runnable, handle)) => {
                self.schedule(runnable);
                Ok(handle)
            }
            Err(refused) => {
                // Dropped here, on the spawning thread, outside the lock: the future's
                // destructor may itself try to spawn.
                drop(refused);
                Err(SpawnError::shutdown())
            }
        }
    }

    /// The number of tasks whose futures are still alive.
    pub(crate) fn live_tasks(&self) -> usize {
        self.registry.len()
    }

    /// Refuses new spawns and drops every live future, on the calling (owner) thread.
    pub(crate) fn shutdown(&self) {
        // Waking puts every idle task in the queue; dropping a queued `Runnable` drops its
        // future here, and its guard removes it from the registry.
        for waker in self.registry.close() {
            waker.wake();
        }
        loop {
            while let Ok(runnable) = self.tasks.pop() {
                drop(runnable);
            }
            if self.registry.is_empty() {
                break;
            }
            // A task was woken on another thread just before we closed: its waker has
            // marked it scheduled and is about to push it. Let that thread finish.
            thread::yield_now();
        }
    }
}
