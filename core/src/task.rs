//! The task cell behind every [`JoinHandle`]: what executors build their queues from.
//!
//! An executor turns a future into a task with [`spawn`] (or [`spawn_local`]) and gets two
//! halves back:
//!
//! - a [`Runnable`], the right to poll the task once. The executor puts it in a run queue
//!   and calls [`Runnable::run`]. Whenever the task's waker is woken, the `schedule`
//!   function the executor passed in receives the `Runnable` again;
//! - a [`JoinHandle`] for the user.
//!
//! The cell is an [`async_task`] task. Around the user's future sit the parts of the
//! join-handle contract that every executor shares, so no executor can get them wrong:
//! panics in `poll` (and in the future's `Drop`) are caught and become
//! [`JoinError::is_panic`](crate::JoinError::is_panic); a cancelled task is not polled by
//! [`Runnable::run`] but has its future dropped; dropping a `Runnable` does the same. Either
//! way the task *completes* with a cancellation error, so its handle always has an answer.
//!
//! ```text
//!              spawn()                     schedule(Runnable)
//!   future ───────────────► (Runnable, JoinHandle)      ▲
//!                                │ run(): poll once     │ waker.wake()
//!                                ▼                      │
//!                      Pending ──► wait in a reactor ───┘
//!                      Ready   ──► output stored, JoinHandle woken
//! ```

use std::any::Any;
use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::{Context, Poll, Waker};

use pin_project_lite::pin_project;

use crate::join::{JoinError, JoinHandle};
use crate::sync::thread_local;

/// A process-wide unique task identifier, for logs and reports (never reused).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaskId(u64);

impl TaskId {
    fn next() -> TaskId {
        // Relaxed: only uniqueness matters, and fetch_add gives it in any order.
        static NEXT: AtomicU64 = AtomicU64::new(1);
        TaskId(NEXT.fetch_add(1, Ordering::Relaxed))
    }

    /// The identifier as a number.
    pub fn as_u64(self) -> u64 {
        self.0
    }

    /// The identifier whose number is `raw`, as given by [`as_u64`](Self::as_u64): for an
    /// executor that keeps the id of the task it polls in an atomic (a supervisor reads it
    /// from another thread). It identifies a task only if `raw` came from one.
    pub fn from_u64(raw: u64) -> TaskId {
        TaskId(raw)
    }
}

impl fmt::Debug for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TaskId({})", self.0)
    }
}

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "task#{}", self.0)
    }
}

/// What the task header stores next to the future: its id and its cancellation flag.
#[derive(Debug)]
pub struct TaskMeta {
    id: TaskId,
    cancelled: AtomicBool,
}

impl TaskMeta {
    /// The task's identifier.
    pub fn id(&self) -> TaskId {
        self.id
    }

    /// Whether [`JoinHandle::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        // Acquire pairs with the Release in `cancel`; the executor learned of the task
        // through the wake that followed it anyway.
        self.cancelled.load(Ordering::Acquire)
    }

    pub(crate) fn cancel(&self) {
        self.cancelled.store(true, Ordering::Release);
    }
}

/// The right to poll a task once, handed to an executor's `schedule` function.
///
/// Dropping a `Runnable` without running it cancels the task: its future is dropped right
/// there, on the dropping thread, and its [`JoinHandle`] resolves to a cancellation error.
/// Executors rely on this at shutdown.
pub struct Runnable {
    /// Always `Some` until `run` or `drop` consumes it.
    inner: Option<async_task::Runnable<TaskMeta>>,
}

thread_local! {
    /// The task a `Runnable` is completing as cancelled on this thread, if any: that task's
    /// `CatchUnwind` then drops the user's future and returns the cancellation instead of
    /// polling.
    ///
    /// It names the task rather than being a plain flag because the user's destructor runs
    /// while it is set, and that destructor may drive another executor on this thread (a
    /// `block_on` on a second executor during shutdown): that executor's tasks must be
    /// polled as usual, not taken for cancelled ones.
    static CANCELLING: Cell<Option<TaskId>> = const { Cell::new(None) };
}

/// Sets this thread's [`CANCELLING`] task until dropped, then restores the one before (a
/// cancellation nested in a cancelled future's destructor), also when unwinding.
struct CancellingScope {
    outer: Option<TaskId>,
}

impl CancellingScope {
    fn enter(task: TaskId) -> Self {
        CancellingScope {
            outer: CANCELLING.with(|cancelling| cancelling.replace(Some(task))),
        }
    }
}

impl Drop for CancellingScope {
    fn drop(&mut self) {
        CANCELLING.with(|cancelling| cancelling.set(self.outer));
    }
}

impl Runnable {
    fn new(inner: async_task::Runnable<TaskMeta>) -> Self {
        Runnable { inner: Some(inner) }
    }

    fn inner(&self) -> &async_task::Runnable<TaskMeta> {
        self.inner
            .as_ref()
            .expect("Runnable used after it was consumed")
    }

    /// Polls the task once, or, if it was cancelled, drops its future and completes it
    /// with a cancellation error.
    ///
    /// Returns `true` if the task woke itself during this poll (a yield); such a task has
    /// already been passed back to `schedule`.
    pub fn run(mut self) -> bool {
        let inner = self
            .inner
            .take()
            .expect("Runnable used after it was consumed");
        if inner.metadata().is_cancelled() {
            run_cancelled(inner);
            false
        } else {
            inner.run()
        }
    }

    /// As [`run`](Self::run), with the thread marked as running an executor (see
    /// [`enter`](crate::enter)) for the duration of the poll, unless it already is.
    ///
    /// For adapters whose foreign executor (a tokio or futures-executor worker) does not
    /// take Wakewire's enter guard itself: a `block_on` inside the task then panics with a
    /// clear message, as on Wakewire's executors, instead of blocking a foreign worker
    /// (which can deadlock a pool whose other workers wait for it).
    pub fn run_entered(self) -> bool {
        let _entered = crate::enter::enter().ok();
        self.run()
    }

    /// The task's identifier.
    pub fn id(&self) -> TaskId {
        self.inner().metadata().id
    }

    /// A waker for this task, the same one its future sees in `poll`.
    pub fn waker(&self) -> Waker {
        self.inner().waker()
    }
}

/// Completes a task with a cancellation instead of polling its future.
fn run_cancelled(inner: async_task::Runnable<TaskMeta>) {
    let _cancelling = CancellingScope::enter(inner.metadata().id);
    inner.run();
}

impl Drop for Runnable {
    fn drop(&mut self) {
        if let Some(inner) = self.inner.take() {
            run_cancelled(inner);
        }
    }
}

impl fmt::Debug for Runnable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runnable")
            .field("id", &self.inner.as_ref().map(|r| r.metadata().id))
            .finish()
    }
}

/// Creates a task for a `Send` future.
///
/// `schedule` is called with the task's [`Runnable`] each time the task is woken, from
/// whatever thread called `wake()`. The returned `Runnable` is not yet scheduled: run it or
/// pass it to your queue.
pub fn spawn<F, S>(future: F, schedule: S) -> (Runnable, JoinHandle<F::Output>)
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
    S: Fn(Runnable) + Send + Sync + 'static,
{
    let id = TaskId::next();
    let (runnable, task) = builder(id).spawn(
        move |_| CatchUnwind::new(future, id),
        move |r| schedule(Runnable::new(r)),
    );
    finish(runnable, task)
}

/// Creates a task for a `!Send` future.
///
/// As [`spawn`], but the future may be `!Send`. The returned [`Runnable`] (and every one
/// `schedule` receives) must be run or dropped on the calling thread; `async-task` panics
/// otherwise, so `schedule` must forward them to this thread's executor and nowhere else.
pub fn spawn_local<F, S>(future: F, schedule: S) -> (Runnable, JoinHandle<F::Output>)
where
    F: Future + 'static,
    F::Output: 'static,
    S: Fn(Runnable) + Send + Sync + 'static,
{
    let id = TaskId::next();
    let (runnable, task) = builder(id).spawn_local(
        move |_| CatchUnwind::new(future, id),
        move |r| schedule(Runnable::new(r)),
    );
    finish(runnable, task)
}

fn builder(id: TaskId) -> async_task::Builder<TaskMeta> {
    async_task::Builder::new().metadata(TaskMeta {
        id,
        cancelled: AtomicBool::new(false),
    })
}

fn finish<T>(
    runnable: async_task::Runnable<TaskMeta>,
    task: async_task::Task<TaskOutput<T>, TaskMeta>,
) -> (Runnable, JoinHandle<T>) {
    let waker = runnable.waker();
    (Runnable::new(runnable), JoinHandle::new(task, waker))
}

pin_project! {
    /// Runs the user's future with panics caught, in `poll` and in `Drop`.
    ///
    /// The future is dropped inside `catch_unwind` as soon as it finishes or panics, so a
    /// panicking destructor cannot unwind into the executor either.
    struct CatchUnwind<F> {
        #[pin]
        future: Option<F>,
        id: TaskId,
    }

    impl<F> PinnedDrop for CatchUnwind<F> {
        fn drop(this: Pin<&mut Self>) {
            // A panic while dropping a future the executor is cancelling has nobody to
            // report to; swallowing it keeps the executor (and other tasks' drops) alive.
            let _ = drop_quietly(this.project().future);
        }
    }
}

impl<F> CatchUnwind<F> {
    fn new(future: F, id: TaskId) -> Self {
        CatchUnwind {
            future: Some(future),
            id,
        }
    }
}

fn drop_quietly<F>(slot: Pin<&mut Option<F>>) -> Result<(), Box<dyn Any + Send>> {
    catch_unwind(AssertUnwindSafe(|| {
        let mut slot = slot;
        slot.set(None)
    }))
}

/// A task's output on its way to the handle, dropped with panics caught.
///
/// A detached task's output is dropped inside `async-task`, where an unwinding destructor
/// aborts the process. Wrapped like this, a panic in the output's `Drop` is swallowed
/// instead: nobody is left to report it to.
pub(crate) struct QuietDrop<T>(Option<T>);

impl<T> QuietDrop<T> {
    pub(crate) fn into_inner(mut self) -> T {
        self.0
            .take()
            .expect("QuietDrop holds its value until taken")
    }
}

impl<T> Drop for QuietDrop<T> {
    fn drop(&mut self) {
        if let Some(value) = self.0.take() {
            if let Err(payload) = catch_unwind(AssertUnwindSafe(|| drop(value))) {
                crate::panic::drop_payload(payload);
            }
        }
    }
}

/// What a task cell stores for its handle.
pub(crate) type TaskOutput<T> = Result<QuietDrop<T>, JoinError>;

impl<F: Future> Future for CatchUnwind<F> {
    type Output = TaskOutput<F::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let mut slot = this.future;
        let Some(future) = slot.as_mut().as_pin_mut() else {
            // async-task never polls a task again after it returned Ready.
            unreachable!("task polled after completion");
        };
        if CANCELLING.with(Cell::get) == Some(*this.id) {
            if let Err(payload) = drop_quietly(slot) {
                crate::panic::drop_payload(payload);
            }
            return Poll::Ready(Err(JoinError::cancelled(*this.id)));
        }
        let output = match catch_unwind(AssertUnwindSafe(|| future.poll(cx))) {
            Ok(Poll::Pending) => return Poll::Pending,
            Ok(Poll::Ready(value)) => Ok(value),
            Err(payload) => Err(payload),
        };
        // Drop the finished (or broken) future now, so its resources go before the output is
        // read. A panic in its destructor is a panic of the task.
        let dropped = drop_quietly(slot);
        Poll::Ready(match (output, dropped) {
            (Ok(value), Ok(())) => Ok(QuietDrop(Some(value))),
            (Ok(_), Err(payload)) | (Err(payload), Ok(())) => {
                Err(JoinError::panic(*this.id, payload))
            }
            (Err(payload), Err(second)) => {
                crate::panic::drop_payload(second);
                Err(JoinError::panic(*this.id, payload))
            }
        })
    }
}

mod in_place;
mod live;
mod run_queue;

pub use in_place::{keep_in_place, run_in_place, RUN_IN_A_ROW};
pub use live::LiveTasks;
pub use run_queue::{RunQueue, RunQueueSpawner, Runner};
