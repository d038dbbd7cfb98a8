//! Small pieces the scenarios share.

use std::future::Future;
use std::sync::Arc;
use std::task::Poll;
use std::thread;
use std::time::{Duration, Instant};

use wakewire_core::future::yield_now;
use wakewire_core::Timer;
use wakewire_reactor_timer::{ManualClock, Sleep, TimerHandle, TimerThread};

use crate::kit::reactor::{Clockwork, RegistrationCount};

/// Runs `fire` on a new thread (detached): the event happens on a thread the executor
/// does not know.
pub(crate) fn on_another_thread(fire: impl FnOnce() + Send + 'static) {
    thread::Builder::new()
        .name("matrix-foreign".into())
        .spawn(fire)
        .expect("cannot start a thread to fire the event");
}

/// Waits, yielding to the executor between checks, until `condition` holds; panics with
/// `what` after `limit`. Reactors that release a registration on their own driver thread
/// (foreign ones) get that long to do it.
pub(crate) async fn eventually(what: &str, limit: Duration, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !condition() {
        assert!(
            Instant::now() < deadline,
            "{what}: still not true after {limit:?}"
        );
        yield_now().await;
        thread::yield_now();
    }
}

/// How long a released registration may take to show in the counts.
pub(crate) const RELEASE_LIMIT: Duration = Duration::from_secs(5);

/// Asserts that the reactor's registrations are back to `before`.
pub(crate) async fn registrations_back(
    count: &Option<RegistrationCount>,
    before: Option<usize>,
    what: &str,
) {
    if let (Some(count), Some(before)) = (count, before) {
        let message = format!("{what}: the reactor's registrations return to {before}");
        eventually(&message, RELEASE_LIMIT, || count() == before).await;
        assert_eq!(
            count(),
            before,
            "{what}: registrations back to where they were"
        );
    }
}

/// A Wakewire timer thread that lives as long as its handle does (the [`Clockwork`] owns
/// it through its `timer`).
struct OwnedTimerThread {
    handle: TimerHandle,
    _thread: TimerThread,
}

impl Timer for OwnedTimerThread {
    type Sleep = Sleep;

    fn sleep_until(&self, deadline: Instant) -> Sleep {
        self.handle.sleep_until(deadline)
    }

    fn now(&self) -> Instant {
        self.handle.now()
    }
}

/// The timer the timeout scenarios use when the reactor brings none: a Wakewire timer on
/// its own thread, on a manual clock.
pub(crate) fn default_clockwork() -> Clockwork {
    let clock = ManualClock::new();
    let thread = TimerThread::with_clock(clock.clone());
    Clockwork {
        name: "Wakewire's timer on its own thread (manual clock)".to_owned(),
        timer: Arc::new(OwnedTimerThread {
            handle: thread.handle(),
            _thread: thread,
        }),
        advance: Some(Arc::new(move |by| clock.advance(by))),
    }
}

/// Polls `future` once with the current task's waker and asserts it is pending.
pub(crate) async fn assert_pending<F: Future + Unpin>(future: &mut F, what: &str) {
    let first = crate::util::poll_in_task(future).await;
    assert!(
        matches!(first, Poll::Pending),
        "{what}: ready before its event happened"
    );
}

/// A one-slot mailbox between threads and tasks: [`Handoff::recv`] is a future that
/// waits for the value; [`Handoff::send_when_awaited`] delivers it once the receiver is
/// waiting, so the receiving side really goes through Wait and Wake.
pub(crate) struct Handoff<T> {
    slot: std::sync::Arc<std::sync::Mutex<(Option<T>, Option<std::task::Waker>)>>,
}

impl<T> Clone for Handoff<T> {
    fn clone(&self) -> Self {
        Handoff {
            slot: std::sync::Arc::clone(&self.slot),
        }
    }
}

impl<T: Send + 'static> Handoff<T> {
    pub(crate) fn new() -> Self {
        Handoff {
            slot: std::sync::Arc::new(std::sync::Mutex::new((None, None))),
        }
    }

    /// Stores `value` and wakes the receiver (the waker is woken after unlocking).
    pub(crate) fn send(&self, value: T) {
        let waker = {
            let mut slot = self.slot.lock().unwrap_or_else(|e| e.into_inner());
            slot.0 = Some(value);
            slot.1.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Waits (bounded by `RELEASE_LIMIT`) until a receiver is waiting, then sends.
    pub(crate) fn send_when_awaited(&self, value: T) {
        crate::util::wait_until("a receiver waiting on the handoff", RELEASE_LIMIT, || {
            self.slot
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .1
                .is_some()
        });
        self.send(value);
    }

    /// The value, once sent.
    pub(crate) async fn recv(&self) -> T {
        std::future::poll_fn(|cx| {
            let mut slot = self.slot.lock().unwrap_or_else(|e| e.into_inner());
            match slot.0.take() {
                Some(value) => Poll::Ready(value),
                None => {
                    let old = slot.1.replace(cx.waker().clone());
                    drop(slot);
                    drop(old);
                    Poll::Pending
                }
            }
        })
        .await
    }
}
