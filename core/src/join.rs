//! One join-handle contract for every executor.
//!
//! | you do | you get |
//! | --- | --- |
//! | `handle.await` | `Ok(output)`, or `Err(JoinError)`: [`is_panic`](JoinError::is_panic) if the future panicked (the payload is kept), [`is_cancelled`](JoinError::is_cancelled) if it was cancelled or its executor shut down first |
//! | `drop(handle)` | the task is *detached*: it keeps running, its output is dropped when it finishes |
//! | [`handle.cancel()`](JoinHandle::cancel) | the task's future is dropped the next time its executor would have polled it (it is woken for that); awaiting then gives a cancellation error, unless the task had already finished |
//! | `handle.await` again after `Ready` | a panic with a clear message, like any future polled after completion |
//!
//! Executors do not implement this contract; they get it for free by creating tasks with
//! [`task::spawn`](crate::task::spawn).

use std::any::Any;
use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use crate::task::{TaskId, TaskMeta, TaskOutput};

/// An owned permission to await a spawned task's output.
///
/// # Wakeups
///
/// Awaiting the handle stores the awaiting task's waker in the task cell; it is woken once,
/// when the task finishes, panics, or is cancelled.
#[must_use = "dropping a JoinHandle detaches the task; bind it to `_task` to keep it, or drop it explicitly"]
pub struct JoinHandle<T> {
    /// `None` once the output was returned.
    task: Option<async_task::Task<TaskOutput<T>, TaskMeta>>,
    /// The task's own waker, used by `cancel` to get it scheduled one last time.
    waker: Waker,
    id: TaskId,
}

impl<T> JoinHandle<T> {
    pub(crate) fn new(task: async_task::Task<TaskOutput<T>, TaskMeta>, waker: Waker) -> Self {
        let id = task.metadata().id();
        JoinHandle {
            task: Some(task),
            waker,
            id,
        }
    }

    /// The task's identifier.
    pub fn id(&self) -> TaskId {
        self.id
    }

    /// Whether the task has finished: completed, panicked or been cancelled.
    ///
    /// Also `true` after this handle returned the output.
    pub fn is_finished(&self) -> bool {
        self.task.as_ref().is_none_or(|task| task.is_finished())
    }

    /// Lets the task run on without anyone awaiting its output: the same as dropping the
    /// handle, said out loud.
    ///
    /// ```
    /// # #![allow(dead_code)]
    /// use wakewire_core::Spawn;
    ///
    /// fn start_housekeeping(ex: &impl Spawn) {
    ///     ex.spawn(async { /* flush logs, expire caches, … */ }).unwrap().detach();
    /// }
    /// ```
    pub fn detach(self) {
        drop(self);
    }

    /// Asks the task to stop.
    ///
    /// The future is not polled again: it is dropped, on its executor's thread, when the
    /// executor next picks the task up (the task is woken so that happens promptly). Awaiting
    /// the handle then yields an error for which [`JoinError::is_cancelled`] is true. If
    /// the task finished before it noticed the request, the handle yields its output.
    /// Calling `cancel` again, or on a finished task, does nothing.
    pub fn cancel(&self) {
        if let Some(task) = &self.task {
            task.metadata().cancel();
            self.waker.wake_by_ref();
        }
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    /// # Panics
    ///
    /// Panics if polled again after it returned `Ready`.
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let task = self
            .task
            .as_mut()
            .expect("JoinHandle polled after it already returned the task's result");
        // Never "closed without output": `Runnable` completes a cancelled task with
        // `Err(cancelled)` instead of dropping it silently (see `task`).
        let result = std::task::ready!(Pin::new(task).poll(cx));
        self.task = None;
        Poll::Ready(result.map(|output| output.into_inner()))
    }
}

impl<T> Drop for JoinHandle<T> {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.detach();
        }
    }
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle")
            .field("id", &self.id)
            .field("finished", &self.is_finished())
            .finish()
    }
}

/// Why a task did not produce its output.
pub struct JoinError {
    id: TaskId,
    repr: Repr,
}

enum Repr {
    Cancelled,
    /// `None` only once the payload was handed out (`try_into_panic`).
    Panic(Option<Box<dyn Any + Send + 'static>>),
}

impl JoinError {
    pub(crate) fn cancelled(id: TaskId) -> Self {
        JoinError {
            id,
            repr: Repr::Cancelled,
        }
    }

    pub(crate) fn panic(id: TaskId, payload: Box<dyn Any + Send + 'static>) -> Self {
        JoinError {
            id,
            repr: Repr::Panic(Some(payload)),
        }
    }

    /// The task that failed.
    pub fn id(&self) -> TaskId {
        self.id
    }

    /// Whether the task was cancelled, by [`JoinHandle::cancel`] or because its executor
    /// shut down before it finished.
    pub fn is_cancelled(&self) -> bool {
        matches!(self.repr, Repr::Cancelled)
    }

    /// Whether the task's future panicked (in `poll`, or in `Drop` right after finishing).
    pub fn is_panic(&self) -> bool {
        matches!(self.repr, Repr::Panic(_))
    }

    /// The panic payload, for `std::panic::resume_unwind` or inspection.
    ///
    /// # Panics
    ///
    /// Panics if the error is a cancellation; use [`try_into_panic`](Self::try_into_panic)
    /// to find out without panicking.
    pub fn into_panic(self) -> Box<dyn Any + Send + 'static> {
        self.try_into_panic()
            .expect("JoinError::into_panic called on a cancellation")
    }

    /// The panic payload, or the error back if it is a cancellation.
    ///
    /// # Errors
    ///
    /// Returns `Err(self)` when the task was cancelled rather than panicked.
    pub fn try_into_panic(mut self) -> Result<Box<dyn Any + Send + 'static>, JoinError> {
        match &mut self.repr {
            Repr::Panic(payload) => Ok(payload.take().expect("the payload is handed out once")),
            Repr::Cancelled => Err(self),
        }
    }

    /// The panic message, when the payload is a string (as with `panic!("...")`).
    pub fn panic_message(&self) -> Option<&str> {
        match &self.repr {
            Repr::Panic(payload) => payload.as_deref().and_then(crate::panic::payload_message),
            Repr::Cancelled => None,
        }
    }
}

impl Drop for JoinError {
    /// A panic payload is user data whose own `Drop` may panic. A `JoinError` is often
    /// dropped where unwinding aborts the process (a detached task's output, dropped inside
    /// the task cell), so the payload is disposed of with
    /// [`drop_payload`](crate::panic::drop_payload), which contains such a second panic.
    fn drop(&mut self) {
        if let Repr::Panic(payload) = &mut self.repr {
            if let Some(payload) = payload.take() {
                crate::panic::drop_payload(payload);
            }
        }
    }
}

impl fmt::Debug for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repr {
            Repr::Cancelled => write!(f, "JoinError::Cancelled({})", self.id),
            Repr::Panic(_) => write!(
                f,
                "JoinError::Panic({}, {:?})",
                self.id,
                self.panic_message()
            ),
        }
    }
}

impl fmt::Display for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repr {
            Repr::Cancelled => write!(f, "{} was cancelled", self.id),
            Repr::Panic(_) => match self.panic_message() {
                Some(message) => write!(f, "{} panicked: {message}", self.id),
                None => write!(f, "{} panicked", self.id),
            },
        }
    }
}

impl Error for JoinError {}
