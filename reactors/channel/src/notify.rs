//! [`Notify`]: an event without a value, to wake one waiting task or all of them.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::sync::{lock, Mutex};
use crate::waiters::{WaiterKey, WaiterQueue, Wakeup};
use crate::wake::{wake_all, wake_or_pass_on};

/// Wakes tasks waiting in [`notified`](Notify::notified).
///
/// - [`notify_one`](Notify::notify_one) wakes the task that has waited longest. If no task
///   is waiting it stores **one permit** (several calls still store one): the next
///   `notified()` completes at once and uses it up.
/// - [`notify_waiters`](Notify::notify_waiters) wakes every task waiting right now and
///   stores no permit.
///
/// A `Notified` future waits from its first poll on: one that was created but not yet
/// polled is not woken by `notify_waiters`.
///
/// ```text
///   notify_one : a waiter waiting? (1) wake it (Wakeup::One) : (2) permit = true
///   notified   : permit? (3) take it, Ready : (4) wait in line
///   drop of a Notified woken by (1) without being polled: (5) pass it on = notify_one again
/// ```
///
/// ```
/// use std::sync::Arc;
/// use wakewire_core::BlockOn;
/// use wakewire_executor_local::LocalExecutor;
/// use wakewire_reactor_channel::Notify;
///
/// let ready = Arc::new(Notify::new());
/// let signal = ready.clone();
/// let worker = std::thread::spawn(move || signal.notify_one());
/// LocalExecutor::new().block_on(ready.notified()); // permit or wakeup: never lost
/// worker.join().unwrap();
/// ```
pub struct Notify {
    state: Mutex<NotifyState>,
}

#[derive(Debug)]
struct NotifyState {
    permit: bool,
    waiters: WaiterQueue,
}

impl Notify {
    /// A `Notify` with no permit and no waiter.
    pub fn new() -> Self {
        Notify {
            state: Mutex::new(NotifyState {
                permit: false,
                waiters: WaiterQueue::new(),
            }),
        }
    }

    /// Wakes the longest-waiting task, or stores one permit if none waits.
    ///
    /// # Panics
    ///
    /// Propagates a panic of the chosen task's waker, after passing the notification on to
    /// the next waiter (or storing it as the permit): a broken waker cannot swallow it.
    pub fn notify_one(&self) {
        let waker = Self::notify_one_locked(&mut lock(&self.state));
        self.wake_chosen(waker);
    }

    fn wake_chosen(&self, waker: Option<std::task::Waker>) {
        let panic = wake_or_pass_on(waker, || Self::notify_one_locked(&mut lock(&self.state)));
        // Resumed, unless this runs from a `Drop` during unwinding (a second panic aborts).
        if let Some(payload) = panic {
            if !std::thread::panicking() {
                std::panic::resume_unwind(payload);
            }
        }
    }

    fn notify_one_locked(state: &mut NotifyState) -> Option<std::task::Waker> {
        let waker = state.waiters.wake_one();
        if waker.is_none() {
            state.permit = true;
        }
        waker
    }

    /// Wakes every task waiting now; stores no permit.
    ///
    /// # Panics
    ///
    /// Propagates the first panic of a waker, after waking all the others.
    pub fn notify_waiters(&self) {
        let wakers = lock(&self.state).waiters.wake_all();
        wake_all(wakers);
    }

    /// A future that completes when this `Notify` is notified (or at once, using up a
    /// stored permit).
    pub fn notified(&self) -> Notified<'_> {
        Notified {
            notify: self,
            state: NotifiedState::Init,
        }
    }
}

impl Default for Notify {
    fn default() -> Self {
        Notify::new()
    }
}

impl fmt::Debug for Notify {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = lock(&self.state);
        f.debug_struct("Notify")
            .field("permit", &state.permit)
            .field("waiting", &state.waiters.has_waiting())
            .finish()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NotifiedState {
    Init,
    Waiting(WaiterKey),
    Done,
}

/// The future of [`Notify::notified`].
///
/// # Wakeups
///
/// On its first `Pending` the task's waker joins the line (later polls replace it with the
/// latest waker). `notify_one` wakes the first in line, `notify_waiters` every one.
///
/// # Cancel safety
///
/// Dropping it leaves the line. If `notify_one` had already chosen it, the notification is
/// passed on (to the next waiter, or stored as the permit): it is never lost.
///
/// # Polling after completion
///
/// Returns `Ready(())` again at once.
#[must_use = "futures do nothing unless you poll them"]
pub struct Notified<'a> {
    notify: &'a Notify,
    state: NotifiedState,
}

impl Future for Notified<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        let mut state = lock(&this.notify.state);
        match this.state {
            NotifiedState::Done => return Poll::Ready(()),
            NotifiedState::Init if state.permit => state.permit = false,
            NotifiedState::Init => {
                let mut key = None;
                state.waiters.register(&mut key, cx.waker(), false);
                this.state = NotifiedState::Waiting(key.expect("register always fills the slot"));
                return Poll::Pending;
            }
            NotifiedState::Waiting(key) => {
                if state.waiters.woken(key).is_none() {
                    let mut slot = Some(key);
                    state.waiters.register(&mut slot, cx.waker(), false);
                    return Poll::Pending;
                }
                state.waiters.remove(key);
            }
        }
        this.state = NotifiedState::Done;
        Poll::Ready(())
    }
}

impl Drop for Notified<'_> {
    fn drop(&mut self) {
        if let NotifiedState::Waiting(key) = self.state {
            let waker = {
                let mut state = lock(&self.notify.state);
                match state.waiters.remove(key) {
                    // (5) It was chosen but will never run: choose someone else.
                    Some(Wakeup::One) => Notify::notify_one_locked(&mut state),
                    _ => None,
                }
            };
            self.notify.wake_chosen(waker);
        }
    }
}

impl fmt::Debug for Notified<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Notified")
            .field("state", &self.state)
            .finish()
    }
}
