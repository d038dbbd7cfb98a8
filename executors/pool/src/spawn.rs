//! The spawn path: pass the spawn gate, create the task, queue its first poll. A task joins
//! the live-task registry only when it first returns `Pending` (see [`crate::gate`]), so a
//! task that finishes in its first poll never touches a lock.
#![cfg_attr(not(loom), allow(unreachable_pub))]

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use pin_project_lite::pin_project;
use wakewire_core::registry::RegistryKey;
use wakewire_core::task::{self, Runnable};
use wakewire_core::{JoinHandle, SpawnError};

use crate::deques::Deques;
use crate::metrics::bump;
use crate::schedule;
use crate::state::PoolState;

impl<D: Deques> PoolState<D> {
    /// Creates a task and queues its first poll: on the current worker's local queue when
    /// called from one of this pool's workers, on the injector otherwise.
    ///
    /// # Errors
    ///
    /// [`SpawnError`] once shutdown has begun; the future has then been dropped, on this
    /// thread, before this returns.
    pub fn spawn<F>(self: &Arc<Self>, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let spawned = schedule::place_spawned(
            self,
            future,
            |future, worker| {
                if self.gate.is_closed() {
                    return (None, Err(future));
                }
                bump(&self.worker_counters[worker].spawned);
                let (runnable, handle) = self.create(future);
                (Some(runnable), Ok(handle))
            },
            |future| {
                self.gate.admit(future, |future| {
                    let (runnable, handle) = self.create(future);
                    self.counters
                        .outside_spawned
                        .fetch_add(1, Ordering::Relaxed);
                    schedule::inject(self, runnable);
                    handle
                })
            },
        );
        spawned.map_err(|refused| {
            // Dropped here, before `spawn` returns (its destructor may spawn again).
            drop(refused);
            SpawnError::shutdown()
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
                state: Arc::clone(self),
                key: None,
            },
        };
        let state = Arc::clone(self);
        task::spawn(future, move |runnable| schedule::schedule(&state, runnable))
    }
}

pin_project! {
    /// A task's future plus its registration in the live-task registry.
    struct Tracked<F, D: Deques> {
        #[pin]
        future: F,
        registration: Registration<D>,
    }
}

impl<F: Future, D: Deques> Future for Tracked<F, D> {
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
struct Registration<D: Deques> {
    state: Arc<PoolState<D>>,
    key: Option<RegistryKey>,
}

impl<D: Deques> Registration<D> {
    /// The task's first `Pending`: from now on only its waker can find it, so the registry
    /// keeps a copy for shutdown. If shutdown has closed the registry, the task requeues
    /// itself on this worker (a wake during its own poll is a yield), and the worker drains
    /// its queue (dropping the task) before it exits.
    fn register(&mut self, waker: &Waker) {
        let shard = schedule::current_index(&self.state).unwrap_or(0);
        match self
            .state
            .registry
            .register(shard, |key| (key, waker.clone()))
        {
            Ok(key) => self.key = Some(key),
            Err(_) => waker.wake_by_ref(),
        }
    }
}

impl<D: Deques> Drop for Registration<D> {
    fn drop(&mut self) {
        if let Some(key) = self.key {
            // The waker is dropped after the shard's lock is released.
            drop(self.state.registry.unregister(key));
        }
        match schedule::current_index(&self.state) {
            Some(index) => bump(&self.state.worker_counters[index].dropped),
            None => {
                self.state
                    .counters
                    .outside_dropped
                    .fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}
