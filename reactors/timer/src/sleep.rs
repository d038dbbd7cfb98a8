//! [`Sleep`]: the leaf future that waits for a deadline.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use wakewire_core::coop;

use crate::error::TimerError;
use crate::handle::TimerHandle;
use crate::wheel::TimerKey;

/// Waits until `duration` has passed on the [current](TimerHandle::current) timer.
///
/// `Duration::ZERO` completes on the first poll. A duration too large to add to the
/// current time (`Duration::MAX`) never completes; see [`Sleep`].
///
/// ```
/// use std::time::Duration;
/// use wakewire_reactor_timer::sleep;
///
/// // Works under any executor: the default timer runs on its own thread.
/// wakewire_core::block_on(sleep(Duration::from_millis(1)));
/// ```
pub fn sleep(duration: Duration) -> Sleep {
    TimerHandle::current().sleep(duration)
}

/// Waits until `deadline` on the [current](TimerHandle::current) timer; see [`Sleep`].
pub fn sleep_until(deadline: Instant) -> Sleep {
    TimerHandle::current().sleep_until(deadline)
}

/// A future that completes at a deadline.
///
/// Made by [`sleep`], [`sleep_until`] or a [`TimerHandle`]. It is `Unpin` and does
/// nothing until first polled: creating and dropping an unpolled `Sleep` never touches
/// the timer.
///
/// Output `()`, like tokio's and smol's timers. A `Sleep` never hangs on a dead timer:
/// if its timer's driver is dropped, it completes early. Use [`checked`](Self::checked)
/// (or [`poll_checked`](Self::poll_checked)) to tell that apart: it yields
/// `Err(TimerError::Shutdown)` instead.
///
/// # Deadlines
///
/// Deadlines are rounded up to the timer's 1 ms tick: a `Sleep` never completes before its
/// deadline, and with a running driver completes at most about one tick after it.
/// `Duration::ZERO`, and a [`sleep_until`] or [reset](Self::reset) deadline that has passed
/// when polled, complete at that poll. A `sleep(d)` with `d > 0` whose deadline passes
/// before its first poll is inserted as due and completes on the driver's next turn (this
/// saves a clock read per sleep). A deadline that cannot be represented
/// (`Instant + Duration::MAX`) or lies beyond the wheel's `u64` millisecond range never
/// fires; it can still be [reset](Self::reset) or dropped.
///
/// # Wakeups
///
/// The first poll inserts an entry in the timer's wheel holding a clone of the context's
/// waker; later polls replace it unless it [`will_wake`](std::task::Waker::will_wake) the
/// same task (the latest waker wins). The driver wakes it once, when the deadline is
/// reached or the timer shuts down. Under a Wakewire executor's
/// [cooperative budget](wakewire_core::coop), a sleep that has completed but finds the
/// task's budget spent returns `Pending` once and wakes the task at once; it asks the
/// budget only after registering, so its entry (and waker) is always in the wheel.
///
/// # Cancel safety
///
/// Dropping a `Sleep` removes its entry (O(1)) and drops the stored waker. Polling it
/// again after it completed returns `Ready` again.
#[must_use = "futures do nothing unless you poll them"]
pub struct Sleep {
    timer: TimerHandle,
    /// `None`: never.
    deadline: Option<Instant>,
    state: State,
}

/// ```text
///               (1) poll: deadline ahead           (2) poll: fired, or timer shut down
///   UNREGISTERED ────────────────────────► REGISTERED ─────────────────────────► DONE
///        │                                                                       ▲
///        └─────────── (3) poll: deadline passed, or timer shut down ─────────────┘
///
///   (4) reset: REGISTERED stays registered (its entry moves); DONE → UNREGISTERED
///   (5) drop:  REGISTERED removes its entry (cancel)
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Not in the wheel yet. `check_clock`: whether the first poll must compare the
    /// deadline with the clock (it may have passed) before inserting. A `sleep(d > 0)`
    /// skips that clock read: a deadline that passes before the first poll is then
    /// inserted as due and fires on the driver's next turn.
    Unregistered {
        check_clock: bool,
    },
    Registered(TimerKey),
    Done(Result<(), TimerError>),
}

impl Sleep {
    pub(crate) fn new(timer: TimerHandle, deadline: Option<Instant>) -> Self {
        Sleep {
            timer,
            deadline,
            state: State::Unregistered { check_clock: true },
        }
    }

    /// A sleep whose deadline was computed as "now + a positive duration".
    pub(crate) fn new_in_future(timer: TimerHandle, deadline: Option<Instant>) -> Self {
        Sleep {
            timer,
            deadline,
            state: State::Unregistered { check_clock: false },
        }
    }

    /// The deadline, or `None` if it is too far away to ever fire.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    /// The current time on this sleep's timer clock.
    pub(crate) fn timer_now(&self) -> Instant {
        self.timer.now()
    }

    /// Whether the sleep has completed (it returned `Ready` from a poll).
    pub fn is_elapsed(&self) -> bool {
        matches!(self.state, State::Done(_))
    }

    /// Moves the deadline, whether the sleep is pending or already completed (it is then
    /// armed again). O(1). The stored waker, if any, is kept and woken at the new
    /// deadline; a deadline already passed wakes it on the driver's next turn.
    pub fn reset(&mut self, deadline: Instant) {
        self.reset_to(Some(deadline));
    }

    pub(crate) fn reset_to(&mut self, deadline: Option<Instant>) {
        self.deadline = deadline;
        match self.state {
            State::Registered(key) => {
                // The entry (and its waker) stays: a deadline already passed fires on the
                // driver's next turn, waking the task even if nobody else polls it.
                let timer = self.timer.state();
                timer.reset(key, timer.due_tick(deadline));
            }
            State::Done(_) | State::Unregistered { .. } => {
                self.state = State::Unregistered { check_clock: true };
            }
        }
    }

    /// Like [`poll`](Future::poll), but tells a deadline that passed (`Ok`) from a timer
    /// that shut down (`Err`).
    ///
    /// # Errors
    ///
    /// [`TimerError::Shutdown`] if the timer's driver was dropped before the deadline.
    pub fn poll_checked(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), TimerError>> {
        let timer = self.timer.state();
        let poll = match self.state {
            State::Done(result) => Poll::Ready(result),
            State::Registered(key) => timer.poll_entry(key, cx.waker()),
            State::Unregistered { check_clock } => {
                let passed = |deadline: Instant| deadline <= timer.clock().now();
                if check_clock && self.deadline.is_some_and(passed) {
                    Poll::Ready(Ok(()))
                } else {
                    match timer.register(timer.deadline_tick(self.deadline), cx.waker()) {
                        Ok(key) => {
                            self.state = State::Registered(key);
                            Poll::Pending
                        }
                        Err(err) => Poll::Ready(Err(err)),
                    }
                }
            }
        };
        if let Poll::Ready(result) = poll {
            self.state = State::Done(result);
            // The executor's cooperative budget, asked only now: the entry was registered
            // (or found fired) above, and `Done` is kept, so a refusal loses nothing.
            std::task::ready!(coop::poll_proceed(cx)).made_progress();
        }
        poll
    }

    /// Turns this sleep into a future whose output says whether the deadline passed
    /// (`Ok`) or the timer shut down (`Err(TimerError::Shutdown)`).
    ///
    /// ```
    /// use std::time::Duration;
    /// use wakewire_core::ThreadParker;
    /// use wakewire_reactor_timer::{TimerError, TimerPark};
    ///
    /// let park = TimerPark::new(ThreadParker::new());
    /// let sleep = park.handle().sleep(Duration::from_secs(3600)).checked();
    /// drop(park); // the driver goes away: the hour will never be measured
    /// assert_eq!(wakewire_core::block_on(sleep), Err(TimerError::Shutdown));
    /// ```
    pub fn checked(self) -> CheckedSleep {
        CheckedSleep { sleep: self }
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.poll_checked(cx).map(|_| ())
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        if let State::Registered(key) = self.state {
            self.timer.state().cancel(key);
        }
    }
}

impl fmt::Debug for Sleep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sleep")
            .field("deadline", &self.deadline)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

/// A [`Sleep`] whose output is `Result<(), TimerError>`; see [`Sleep::checked`].
///
/// # Wakeups
///
/// As [`Sleep`].
#[must_use = "futures do nothing unless you poll them"]
#[derive(Debug)]
pub struct CheckedSleep {
    sleep: Sleep,
}

impl CheckedSleep {
    /// The sleep inside.
    pub fn get_mut(&mut self) -> &mut Sleep {
        &mut self.sleep
    }

    /// Gives the sleep back.
    pub fn into_inner(self) -> Sleep {
        self.sleep
    }
}

impl Future for CheckedSleep {
    type Output = Result<(), TimerError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.sleep.poll_checked(cx)
    }
}
