//! [`JoinSet`]: a group of tasks awaited in completion order and cancelled together.

use std::fmt;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Wake, Waker};

use crate::join::{JoinError, JoinHandle};
use crate::spawn::{LocalSpawn, Spawn, SpawnError};
use crate::task::TaskId;
use crate::waker::WakerSlot;

/// A set of spawned tasks with the same output type, on any executor.
///
/// [`join_next`](Self::join_next) yields each task's result as it finishes, whichever
/// finishes first. Dropping the set cancels every task still in it (their futures are
/// dropped by their executors), so a group of tasks cannot outlive the code that owns it.
/// Tasks may be spawned on different executors.
///
/// Each task's handle is polled only when that task has woken it (a per-task waker marks
/// it ready), so awaiting a set of `n` tasks costs O(n) polls in all, not O(n²).
///
/// ```
/// use wakewire_core::join_set::JoinSet;
/// use wakewire_core::Spawn;
///
/// async fn sum_of_squares(ex: &impl Spawn) -> u64 {
///     let mut set = JoinSet::new();
///     for i in 1..=4u64 {
///         set.spawn(ex, async move { i * i }).unwrap();
///     }
///     let mut total = 0;
///     while let Some(result) = set.join_next().await {
///         total += result.unwrap();
///     }
///     total
/// }
/// # struct Inline;
/// # impl Spawn for Inline {
/// #     fn spawn<F>(&self, f: F) -> Result<wakewire_core::JoinHandle<F::Output>, wakewire_core::SpawnError>
/// #     where F: std::future::Future + Send + 'static, F::Output: Send + 'static {
/// #         let (runnable, handle) = wakewire_core::task::spawn(f, |r| { r.run(); });
/// #         runnable.run();
/// #         Ok(handle)
/// #     }
/// # }
/// assert_eq!(wakewire_core::block_on(sum_of_squares(&Inline)), 30);
/// ```
pub struct JoinSet<T> {
    /// `None` marks a free slot (its index is in `free`).
    entries: Vec<Option<JoinHandle<T>>>,
    free: Vec<usize>,
    len: usize,
    ready: Arc<Ready>,
}

/// Which entries were woken since the set last looked, and the waker of the task awaiting
/// the set.
struct Ready {
    indices: Mutex<Vec<usize>>,
    awaiting: WakerSlot,
}

/// The waker each handle is polled with: marks its entry ready and wakes the awaiter.
struct EntryWaker {
    index: usize,
    ready: Arc<Ready>,
}

impl Wake for EntryWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.ready.mark(self.index);
        self.ready.awaiting.wake();
    }
}

impl Ready {
    fn mark(&self, index: usize) {
        self.indices
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(index);
    }

    fn take(&self) -> Vec<usize> {
        std::mem::take(&mut *self.indices.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl<T> JoinSet<T> {
    /// An empty set.
    pub fn new() -> Self {
        JoinSet {
            entries: Vec::new(),
            free: Vec::new(),
            len: 0,
            ready: Arc::new(Ready {
                indices: Mutex::new(Vec::new()),
                awaiting: WakerSlot::new(),
            }),
        }
    }

    /// How many tasks are in the set (spawned and not yet returned by `join_next`).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the set holds no task.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Adds a task that was spawned elsewhere; the set now owns its handle.
    pub fn insert(&mut self, handle: JoinHandle<T>) -> TaskId {
        let id = handle.id();
        let index = match self.free.pop() {
            Some(index) => {
                self.entries[index] = Some(handle);
                index
            }
            None => {
                self.entries.push(Some(handle));
                self.entries.len() - 1
            }
        };
        self.len += 1;
        // Polled at least once, so its handle stores a waker.
        self.ready.mark(index);
        id
    }

    /// Spawns `future` on `spawner` and adds it to the set.
    ///
    /// # Errors
    ///
    /// [`SpawnError`] if the executor has shut down (the future was dropped).
    pub fn spawn<S, F>(&mut self, spawner: &S, future: F) -> Result<TaskId, SpawnError>
    where
        S: Spawn + ?Sized,
        F: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        Ok(self.insert(spawner.spawn(future)?))
    }

    /// Spawns a `!Send` future on `spawner` and adds it to the set.
    ///
    /// # Errors
    ///
    /// [`SpawnError`] if the executor has shut down (the future was dropped).
    pub fn spawn_local<S, F>(&mut self, spawner: &S, future: F) -> Result<TaskId, SpawnError>
    where
        S: LocalSpawn + ?Sized,
        F: Future<Output = T> + 'static,
        T: 'static,
    {
        Ok(self.insert(spawner.spawn_local(future)?))
    }

    /// Waits for the next task to finish and returns its result, or `None` when the set is
    /// empty.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: dropping the future before it completes loses no task's result.
    pub async fn join_next(&mut self) -> Option<Result<T, JoinError>> {
        poll_fn(|cx| self.poll_join_next(cx)).await
    }

    /// The poll form of [`join_next`](Self::join_next).
    ///
    /// # Wakeups
    ///
    /// Stores `cx`'s waker (only the latest one); it is woken when any task in the set
    /// finishes.
    pub fn poll_join_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T, JoinError>>> {
        if self.len == 0 {
            return Poll::Ready(None);
        }
        // Registered before looking, so a task finishing meanwhile wakes us.
        self.ready.awaiting.register(cx.waker());
        let mut woken = self.ready.take();
        while let Some(index) = woken.pop() {
            let Some(Some(handle)) = self.entries.get_mut(index) else {
                continue; // already returned (a duplicate mark)
            };
            let waker = Waker::from(Arc::new(EntryWaker {
                index,
                ready: Arc::clone(&self.ready),
            }));
            if let Poll::Ready(result) = Pin::new(handle).poll(&mut Context::from_waker(&waker)) {
                self.entries[index] = None;
                self.free.push(index);
                self.len -= 1;
                // Put the marks we did not get to back, for the next call.
                for index in woken {
                    self.ready.mark(index);
                }
                return Poll::Ready(Some(result));
            }
        }
        Poll::Pending
    }

    /// Cancels every task in the set; they stay in it, and `join_next` returns their
    /// results (cancellation errors, or outputs of tasks that finished first).
    pub fn cancel_all(&self) {
        for handle in self.entries.iter().flatten() {
            handle.cancel();
        }
    }

    /// Removes every task from the set without cancelling it: they run on, detached.
    pub fn detach_all(&mut self) {
        self.entries.clear();
        self.free.clear();
        self.len = 0;
        drop(self.ready.take());
    }
}

impl<T> Default for JoinSet<T> {
    fn default() -> Self {
        JoinSet::new()
    }
}

impl<T> Drop for JoinSet<T> {
    /// Cancels every task still in the set.
    fn drop(&mut self) {
        self.cancel_all();
    }
}

impl<T> fmt::Debug for JoinSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinSet").field("len", &self.len).finish()
    }
}
