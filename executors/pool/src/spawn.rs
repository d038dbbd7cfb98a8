//! The spawn path: wrap the future so the live-task registry tracks it, create the task,
//! queue its first poll.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use pin_project_lite::pin_project;
use wakewire_core::task;
use wakewire_core::{JoinHandle, SpawnError};

use crate::context;
use crate::shared::Shared;
use crate::tracker::TrackKey;

impl Shared {
    /// Creates a task, registers it as live and queues its first poll: on the current
    /// worker's local queue when called from one of this pool's workers, on the injector
    /// otherwise.
    pub(crate) fn spawn<F>(self: &Arc<Self>, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        context::with_current(self, |current| {
            // Workers use their own shard; other threads take turns over all of them (the
            // tracker wraps the hint with a mask).
            let shard = match &current {
                Some(current) => current.index(),
                None => self.next_shard.fetch_add(1, Ordering::Relaxed),
            };
            let tracked = self.tracker.track(shard, |key| {
                let future = Tracked {
                    future,
                    _guard: Untrack {
                        shared: Arc::clone(self),
                        key,
                    },
                };
                let shared = Arc::clone(self);
                let (runnable, handle) =
                    task::spawn(future, move |runnable| shared.schedule(runnable));
                let waker = runnable.waker();
                ((runnable, handle), waker)
            });
            match tracked {
                Ok((runnable, handle)) => {
                    match current {
                        Some(current) => current.push_spawned(self, runnable),
                        None => self.inject(runnable),
                    }
                    Ok(handle)
                }
                Err(make) => {
                    // The closure still owns the future: dropped here, on the spawning
                    // thread, outside the tracker's lock (its destructor may spawn again).
                    drop(make);
                    Err(SpawnError::shutdown())
                }
            }
        })
    }
}

pin_project! {
    /// A task's future plus the guard that unregisters it when the future is dropped.
    struct Tracked<F> {
        #[pin]
        future: F,
        _guard: Untrack,
    }
}

impl<F: Future> Future for Tracked<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        match this._guard.shared.config.blocked_threshold {
            None => this.future.poll(cx),
            Some(threshold) => {
                let start = Instant::now();
                let poll = this.future.poll(cx);
                let duration = start.elapsed();
                if duration > threshold {
                    context::report_blocked(&this._guard.shared, duration);
                }
                poll
            }
        }
    }
}

struct Untrack {
    shared: Arc<Shared>,
    key: TrackKey,
}

impl Drop for Untrack {
    fn drop(&mut self) {
        // The waker is dropped after the shard's lock is released.
        let waker = self.shared.tracker.untrack(self.key);
        drop(waker);
    }
}
