//! Small pieces the scenarios share.

use std::future::Future;
use std::sync::Arc;
use std::task::Poll;
use std::thread;
use std::time::{Duration, Instant};

use wakewire_core::future::yield_now;
use wakewire_core::Timer;
use wakewire_reactor_timer::{ManualClock, Sleep, TimerHandle, TimerThread};

use crate::kit::leaf::{Clockwork, RegistrationCount};

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
