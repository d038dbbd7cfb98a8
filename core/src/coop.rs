//! A cooperative budget: how many times leaf futures may complete within one task poll
//! before they make the task yield.
//!
//! A task whose leaf futures are always ready — a channel that always has a message, a
//! socket that always has bytes, an interval that is behind — never returns `Pending` by
//! itself, so it keeps its executor thread and every task queued behind it waits. The
//! budget bounds that: an executor gives each task poll [`TASK_BUDGET`] units
//! ([`with_budget`]); every leaf future that completes spends one
//! ([`poll_proceed`], or [`budgeted`] around a whole poll); once they are spent, a leaf
//! returns `Pending` instead and wakes its task at once, so the task goes to the back of
//! the run queue and the others get their turn.
//!
//! ```text
//!   executor: with_budget(|| runnable.run())        budget = 128 for this poll
//!     leaf.poll → poll_proceed: 128 → 127, Ready    (a message, some bytes, a tick)
//!     ...
//!     leaf.poll → poll_proceed: 0 → wake_by_ref, Pending   (nothing taken, nothing lost)
//!   task returns Pending, is queued again behind the others; its next poll has 128 again
//! ```
//!
//! Wakewire's leaves that spend it: the channel reactor's mpsc receive and send, every
//! socket operation of the mio reactor (read, write, accept, datagram send and receive),
//! and the timer reactor's sleeps (so intervals and timeouts too). Wakewire's executors
//! (the local executor and the pool) set it around every task poll and every poll of a
//! `block_on` future.
//!
//! # Never skips work
//!
//! A leaf refused by the budget has done nothing it would have to undo, and keeps
//! everything it held: a channel's message stays in the channel, a socket's readiness
//! stays set, a [`Timer`](crate::Timer)'s sleep stays registered with the latest waker
//! (ours registers *before* it asks the budget, so its deadline wakes the task even if
//! nothing else does). [`Timeout`](crate::timer::Timeout) polls its deadline outside the
//! budget when its inner future used the budget up, so a future that exhausts the budget
//! on every poll still times out.
//!
//! # Where there is no budget
//!
//! Outside a [`with_budget`] scope — on a foreign executor, in a plain
//! [`block_on`](crate::block_on()), inside [`unconstrained`] — leaves always proceed:
//! they behave exactly as they would without this module.
//!
//! ```
//! use std::future::{poll_fn, Future};
//! use std::pin::pin;
//! use std::task::{Context, Poll};
//! use wakewire_core::coop;
//! use wakewire_core::waker::counting_waker;
//!
//! let (waker, wakes) = counting_waker();
//! let mut cx = Context::from_waker(&waker);
//! // What an executor does around one task poll; in it, a leaf that is always ready and
//! // spends the budget as Wakewire's leaves do.
//! let ready_polls = coop::with_budget(|| {
//!     let mut ready = 0;
//!     loop {
//!         let mut leaf = pin!(poll_fn(|cx| coop::budgeted(cx, |_| Poll::Ready(()))));
//!         match leaf.as_mut().poll(&mut cx) {
//!             Poll::Ready(()) => ready += 1,
//!             Poll::Pending => break ready, // the budget is spent: the task yields
//!         }
//!     }
//! });
//! assert_eq!(ready_polls, usize::from(coop::TASK_BUDGET));
//! assert_eq!(wakes.wakes(), 1); // the refused leaf woke its task: it runs again later
//! //! ```

use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

use crate::sync::thread_local;

/// The units a task poll starts with: how many leaf futures may complete in one poll
/// before the task yields (tokio's figure).
pub const TASK_BUDGET: u8 = 128;

/// The budget's value outside any executor's scope (or inside `unconstrained`): leaves
/// always proceed. Units left are `0..=TASK_BUDGET`.
const UNCONSTRAINED: u8 = u8::MAX;

thread_local! {
    /// The budget of the poll running on this thread: the units left, or
    /// [`UNCONSTRAINED`]. One byte, so that setting and restoring it around every task
    /// poll costs a load and a store each.
    static BUDGET: Cell<u8> = const { Cell::new(UNCONSTRAINED) };
}

/// Replaces this thread's budget, and puts the previous one back when dropped (also on
/// unwind). If the thread-local is gone (a poll from a thread-local's destructor), there
/// is no budget.
struct Scope {
    previous: u8,
}

impl Scope {
    #[inline]
    fn enter(budget: u8) -> Self {
        Scope {
            previous: BUDGET
                .try_with(|current| current.replace(budget))
                .unwrap_or(UNCONSTRAINED),
        }
    }
}

impl Drop for Scope {
    #[inline]
    fn drop(&mut self) {
        let _ = BUDGET.try_with(|current| current.set(self.previous));
    }
}

/// Runs `poll` — an executor's poll of one task — with a fresh budget of [`TASK_BUDGET`]
/// units, then restores the budget that was there before.
///
/// Executors call it around every task poll (and around each poll of a `block_on`
/// future); leaf futures polled inside spend the units.
#[inline]
pub fn with_budget<R>(poll: impl FnOnce() -> R) -> R {
    let _scope = Scope::enter(TASK_BUDGET);
    poll()
}

/// Runs `f` with no budget: leaves polled inside always proceed, and spend nothing.
pub fn with_unconstrained<R>(f: impl FnOnce() -> R) -> R {
    let _scope = Scope::enter(UNCONSTRAINED);
    f()
}

/// Whether a leaf polled now would proceed: there is no budget, or some units are left.
#[inline]
pub fn has_budget_remaining() -> bool {
    BUDGET.try_with(|budget| budget.get() != 0).unwrap_or(true)
}

/// A leaf future's question before it does its work: may it proceed?
///
/// `Ready(progress)` spends one unit (none when there is no budget). Call
/// [`Progress::made_progress`] if the leaf then completes; dropping `progress` instead (the
/// leaf returned `Pending` anyway) gives the unit back.
///
/// `Pending` means the budget is spent: the task has been woken (`cx.waker()`), and the
/// leaf must return `Pending` without doing anything, so that nothing is lost.
///
/// # Wakeups
///
/// When it returns `Pending`, `cx.waker()` has been woken once (`wake_by_ref`).
#[inline]
pub fn poll_proceed(cx: &mut Context<'_>) -> Poll<Progress> {
    let spent = BUDGET
        .try_with(|budget| match budget.get() {
            UNCONSTRAINED => Some(false),
            0 => None,
            left => {
                budget.set(left - 1);
                Some(true)
            }
        })
        .unwrap_or(Some(false));
    match spent {
        Some(spent) => Poll::Ready(Progress { spent }),
        None => {
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

/// Runs one poll of a leaf future under the budget: asks [`poll_proceed`] first (returning
/// `Pending`, with the task woken, when the budget is spent, without calling `poll`), and
/// spends the unit only if `poll` returns `Ready`.
///
/// # Wakeups
///
/// As `poll`'s, plus one `wake_by_ref` of `cx.waker()` when the budget refused the poll.
#[inline]
pub fn budgeted<T>(
    cx: &mut Context<'_>,
    poll: impl FnOnce(&mut Context<'_>) -> Poll<T>,
) -> Poll<T> {
    let progress = std::task::ready!(poll_proceed(cx));
    let output = std::task::ready!(poll(cx));
    progress.made_progress();
    Poll::Ready(output)
}

/// One unit taken by [`poll_proceed`]: kept by [`made_progress`](Self::made_progress),
/// given back when dropped.
#[must_use = "drop it if the leaf did not complete, or call made_progress"]
pub struct Progress {
    /// Whether a unit was taken (there was a budget).
    spent: bool,
}

impl Progress {
    /// The leaf completed: the unit stays spent.
    #[inline]
    pub fn made_progress(mut self) {
        self.spent = false;
    }
}

impl Drop for Progress {
    #[inline]
    fn drop(&mut self) {
        if self.spent {
            let _ = BUDGET.try_with(|budget| {
                let left = budget.get();
                if left < TASK_BUDGET {
                    budget.set(left + 1);
                }
            });
        }
    }
}

impl fmt::Debug for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Progress")
            .field("spent", &self.spent)
            .finish()
    }
}

/// Turns the budget off for `future`: the leaves it polls always proceed.
///
/// For a task that must not yield to the budget (it drains a queue it knows is bounded, or
/// it is latency-critical and alone on its executor). The rest of the task keeps its
/// budget: units are neither spent nor refused while `future` is polled.
///
/// ```
/// use std::future::{poll_fn, Future};
/// use std::pin::pin;
/// use std::task::{Context, Poll};
/// use wakewire_core::coop;
///
/// let waker = wakewire_core::waker::noop_waker();
/// let mut cx = Context::from_waker(&waker);
/// let mut drain = pin!(coop::unconstrained(async {
///     // 1000 leaf completions in one poll: never refused in here.
///     let mut total = 0u32;
///     for i in 0..1000 {
///         total += poll_fn(|cx| coop::budgeted(cx, |_| Poll::Ready(i))).await;
///     }
///     total
/// }));
/// let polled = coop::with_budget(|| drain.as_mut().poll(&mut cx));
/// assert_eq!(polled, Poll::Ready(499_500));
/// /// ```
pub fn unconstrained<F: Future>(future: F) -> Unconstrained<F> {
    Unconstrained { future }
}

pin_project! {
    /// The future of [`unconstrained`].
    ///
    /// # Wakeups
    ///
    /// Those of the inner future; the budget never wakes it.
    #[must_use = "futures do nothing unless you poll them"]
    pub struct Unconstrained<F> {
        #[pin]
        future: F,
    }
}

impl<F: Future> Future for Unconstrained<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let future = self.project().future;
        with_unconstrained(|| future.poll(cx))
    }
}

impl<F> fmt::Debug for Unconstrained<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Unconstrained").finish_non_exhaustive()
    }
}
