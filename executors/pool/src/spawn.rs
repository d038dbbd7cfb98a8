//! The spawn path: pass the spawn gate, create the task, queue its first poll. A task joins
//! the live-task registry only when it first returns `Pending` (see [`crate::gate`]), so a
//! task that finishes in its first poll never touches a lock.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use pin_project_lite::pin_project;
use wakewire_core::task::{self, Runnable};
use wakewire_core::{JoinHandle, SpawnError};

use crate::context;
use crate::metrics::bump;
use crate::shared::Shared;
use crate::tracker::TrackKey;

impl Shared {
    /// Creates a task and queues its first poll: on the current worker's local queue when
    /// called from one of this pool's workers, on the injector otherwise.
    pub(crate) fn spawn<F>(self: &Arc<Self>, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        context::with_current(self, |current| match current {
            Some(current) => {
                if self.gate.is_closed() {
                    // Dropped here, on the spawning thread (its destructor may spawn again).
                    drop(future);
                    return Err(SpawnError::shutdown());
                }
                let (runnable, handle) = self.create(future);
                bump(&self.worker_counters[current.index()].spawned);
                current.push_spawned(self, runnable);
                Ok(handle)
            }
            None => {
                let admitted = self.gate.admit(future, |future| {
                    let (runnable, handle) = self.create(future);
                    self.counters
                        .outside_spawned
                        .fetch_add(1, Ordering::Relaxed);
                    self.inject(runnable);
                    handle
                });
                admitted.map_err(|refused| {
                    // Dropped here, before `spawn` returns (its destructor may spawn again).
                    drop(refused);
                    SpawnError::shutdown()
                })
            }
        })
    }

    fn create<F>(self: &Arc<Self>, future: F) -> (Runnable, JoinHandle<F::Output>)
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let future = Tracked {
            future,
            registration: Registration {
                shared: Arc::clone(self),
                key: None,
            },
        };
        let shared = Arc::clone(self);
        task::spawn(future, move |runnable| shared.schedule(runnable))
    }
}

pin_project! {
    /// A task's future plus its registration in the live-task registry.
    struct Tracked<F> {
        #[pin]
        future: F,
        registration: Registration,
    }
}

impl<F: Future> Future for Tracked<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let poll = this.future.poll(cx);
        if poll.is_pending() && this.registration.key.is_none() {
            this.registration.register(cx.waker());
        }
        poll
    }
}

/// Where the task's entry in the registry is, once it has one; counts the future's drop.
struct Registration {
    shared: Arc<Shared>,
    key: Option<TrackKey>,
}

impl Registration {
    /// The task's first `Pending`: from now on only its waker can find it, so the registry
    /// keeps a copy for shutdown. If shutdown has closed the registry, the task requeues
    /// itself on this worker, which drains its queue (dropping the task) before it exits.
    fn register(&mut self, waker: &Waker) {
        let shard = context::current_index(&self.shared).unwrap_or(0);
        match self.shared.tracker.track(shard, |key| (key, waker.clone())) {
            Ok(key) => self.key = Some(key),
            Err(_) => waker.wake_by_ref(),
        }
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        if let Some(key) = self.key {
            // The waker is dropped after the shard's lock is released.
            drop(self.shared.tracker.untrack(key));
        }
        match context::current_index(&self.shared) {
            Some(index) => bump(&self.shared.worker_counters[index].dropped),
            None => {
                self.shared
                    .counters
                    .outside_dropped
                    .fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}
