//! [`RunQueue`]: Wakewire tasks run by one future on a foreign single-threaded executor.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::{Arc, PoisonError};
use std::task::{Context, Poll};
use std::thread;

use crate::join::JoinHandle;
use crate::spawn::{LocalSpawn, Spawn, SpawnError};
use crate::sync::Mutex;
use crate::task::{LiveTasks, Runnable};
use crate::waker::WakerSlot;

/// How many tasks the [`Runner`] polls before it yields to its host executor.
const BUDGET: usize = 61;

/// A queue of Wakewire tasks drained by a [`Runner`] future that a foreign single-threaded
/// executor (tokio's `LocalSet`, async-executor's `LocalExecutor`, futures' `LocalPool`)
/// polls like any of its own tasks.
///
/// Such executors can only take new tasks on their own thread, but a task's waker may be
/// woken on any thread. So wakers push the task's [`Runnable`] here (from any thread) and
/// wake the runner; the runner, on the host's thread, runs what is queued. Each of our
/// tasks is one host poll of the runner, not one host task.
///
/// When the host drops the runner (the host shut down), the queue closes: every live
/// future is dropped there, on the host's thread, exactly once, and later spawns return
/// [`SpawnError`] with the future dropped before they return.
///
/// ```
/// use std::rc::Rc;
/// use std::future::Future;
/// use std::task::Context;
/// use wakewire_core::task::RunQueue;
/// use wakewire_core::waker::noop_waker;
/// use wakewire_core::LocalSpawn;
///
/// let (queue, runner) = RunQueue::new();
/// let shared = Rc::new(5); // !Send futures are fine
/// let handle = queue.spawn_local(async move { *shared + 1 }).unwrap();
/// // The host executor polls the runner like one of its own tasks; here, by hand.
/// let mut runner = std::pin::pin!(runner);
/// let waker = noop_waker();
/// assert!(runner.as_mut().poll(&mut Context::from_waker(&waker)).is_pending());
/// assert_eq!(wakewire_core::block_on(handle).unwrap(), 6);
/// ```
pub struct RunQueue {
    shared: Arc<Shared>,
    /// `spawn_local` tasks belong to this thread.
    _not_send: PhantomData<*const ()>,
}

/// Spawns `Send` futures onto a [`RunQueue`] from any thread.
#[derive(Clone)]
pub struct RunQueueSpawner {
    shared: Arc<Shared>,
}

struct Shared {
    queue: Mutex<VecDeque<Runnable>>,
    runner: WakerSlot,
    live: LiveTasks,
}

impl Shared {
    fn schedule(&self, runnable: Runnable) {
        // Always queued, never dropped here: a `!Send` task may only be dropped on the
        // runner's thread, and this may be any thread. After shutdown no live task is
        // left to schedule (see `Runner`'s `Drop`).
        self.queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push_back(runnable);
        self.runner.wake();
    }

    fn pop(&self) -> Option<Runnable> {
        self.queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop_front()
    }

    fn spawn<F>(self: &Arc<Self>, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let shared = Arc::clone(self);
        let (runnable, handle) = self
            .live
            .spawn(future, move |runnable| shared.schedule(runnable))?;
        self.schedule(runnable);
        Ok(handle)
    }
}

impl RunQueue {
    /// A queue and the runner to hand to the host executor, on this thread.
    pub fn new() -> (RunQueue, Runner) {
        let shared = Arc::new(Shared {
            queue: Mutex::new(VecDeque::new()),
            runner: WakerSlot::new(),
            live: LiveTasks::new(),
        });
        let runner = Runner {
            shared: Arc::clone(&shared),
            _not_send: PhantomData,
        };
        (
            RunQueue {
                shared,
                _not_send: PhantomData,
            },
            runner,
        )
    }

    /// A handle that spawns `Send` futures from other threads.
    pub fn spawner(&self) -> RunQueueSpawner {
        RunQueueSpawner {
            shared: Arc::clone(&self.shared),
        }
    }

    /// The tasks whose futures are alive.
    pub fn live_tasks(&self) -> usize {
        self.shared.live.len()
    }

    /// Whether the runner was dropped (the host shut down).
    pub fn is_closed(&self) -> bool {
        self.shared.live.is_closed()
    }
}

impl Clone for RunQueue {
    fn clone(&self) -> Self {
        RunQueue {
            shared: Arc::clone(&self.shared),
            _not_send: PhantomData,
        }
    }
}

impl Spawn for RunQueue {
    fn spawn<F>(&self, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.shared.spawn(future)
    }
}

impl LocalSpawn for RunQueue {
    fn spawn_local<F>(&self, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let shared = Arc::clone(&self.shared);
        let (runnable, handle) = self
            .shared
            .live
            .spawn_local(future, move |runnable| shared.schedule(runnable))?;
        self.shared.schedule(runnable);
        Ok(handle)
    }
}

impl Spawn for RunQueueSpawner {
    fn spawn<F>(&self, future: F) -> Result<JoinHandle<F::Output>, SpawnError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.shared.spawn(future)
    }
}

impl fmt::Debug for RunQueue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunQueue")
            .field("live", &self.shared.live)
            .finish()
    }
}

impl fmt::Debug for RunQueueSpawner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunQueueSpawner")
            .field("live", &self.shared.live)
            .finish()
    }
}

/// The future that runs a [`RunQueue`]'s tasks; spawn it on the host executor, on the
/// queue's thread.
///
/// It never completes. Each poll runs up to 61 queued tasks, then yields to the host (it
/// wakes itself) so the host's own tasks get their turn.
///
/// # Wakeups
///
/// When the queue is empty the runner stores the host's waker; the next task scheduled
/// from any thread wakes it.
#[must_use = "futures do nothing unless you poll them"]
pub struct Runner {
    shared: Arc<Shared>,
    _not_send: PhantomData<*const ()>,
}

impl Future for Runner {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let shared = &self.shared;
        let mut ran = 0;
        loop {
            while let Some(runnable) = shared.pop() {
                runnable.run_entered();
                ran += 1;
                if ran == BUDGET {
                    cx.waker().wake_by_ref();
                    return Poll::Pending;
                }
            }
            // Register, then check again: a task queued in between is either seen by the
            // check or wakes the stored waker.
            shared.runner.register(cx.waker());
            match shared.pop() {
                Some(runnable) => {
                    runnable.run_entered();
                    ran += 1;
                }
                None => return Poll::Pending,
            }
        }
    }
}

impl Drop for Runner {
    /// The host dropped the runner: it shut down. Refuse new spawns, wake every live task
    /// and drop what gets queued, here on the host's thread, until no future is alive.
    fn drop(&mut self) {
        let shared = &self.shared;
        shared.live.close();
        loop {
            while let Some(runnable) = shared.pop() {
                drop(runnable);
            }
            if shared.live.is_empty() {
                break;
            }
            // A task is being woken on another thread right now: its waker has marked it
            // scheduled and is about to queue it. Let that thread finish.
            thread::yield_now();
        }
    }
}

impl fmt::Debug for Runner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runner")
            .field("live", &self.shared.live)
            .finish()
    }
}
