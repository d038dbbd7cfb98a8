//! [`HyperTimer`]: hyper's `Timer` for any Wakewire [`Timer`].

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use pin_project_lite::pin_project;
use sync_wrapper::SyncWrapper;
use wakewire_core::timer::Timer;

/// Any core [`Timer`] as hyper's [`Timer`](hyper::rt::Timer): what hyper's header-read
/// timeout, keep-alive timers and the pooled clients' idle timeouts sleep on.
///
/// ```
/// use std::time::Duration;
/// use hyper::rt::Timer as _;
/// use wakewire_adapter_hyper::HyperTimer;
/// use wakewire_core::block_on::Blocker;
/// use wakewire_core::{BlockOn, ThreadParker};
/// use wakewire_reactor_timer::TimerPark;
///
/// let park = TimerPark::new(ThreadParker::new());
/// let timer = HyperTimer::new(park.handle());
/// Blocker::with_park(park).block_on(timer.sleep(Duration::from_millis(1)));
/// ```
///
/// # Cost
///
/// hyper's trait returns `Pin<Box<dyn Sleep>>`, so every sleep is one allocation on top of
/// the timer's own entry (as with every hyper timer). [`reset`](hyper::rt::Timer::reset),
/// which hyper calls once per request on a kept-alive connection, reuses the box: it
/// replaces the sleep in place. hyper also wants its sleeps `Sync`; the timer's sleep is
/// wrapped in a [`SyncWrapper`], which is `Sync` because it only lends its contents out
/// through `&mut`, and costs nothing at run time. So `T::Sleep` only needs to be `Send`.
///
/// # Bad input
///
/// As the core trait: `sleep(Duration::MAX)` and deadlines too far away never fire, never
/// panic and never overflow (see [`far_deadline`](wakewire_core::timer::far_deadline));
/// past deadlines complete at the first poll.
#[derive(Debug, Clone, Copy, Default)]
pub struct HyperTimer<T> {
    timer: T,
}

impl<T> HyperTimer<T> {
    /// Wraps `timer`.
    pub fn new(timer: T) -> Self {
        HyperTimer { timer }
    }

    /// The wrapped timer.
    pub fn get_ref(&self) -> &T {
        &self.timer
    }

    /// Unwraps the timer.
    pub fn into_inner(self) -> T {
        self.timer
    }
}

impl<T> hyper::rt::Timer for HyperTimer<T>
where
    T: Timer,
    T::Sleep: Send + 'static,
{
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn hyper::rt::Sleep>> {
        Box::pin(HyperSleep::new(self.timer.sleep(duration)))
    }

    fn sleep_until(&self, deadline: Instant) -> Pin<Box<dyn hyper::rt::Sleep>> {
        Box::pin(HyperSleep::new(self.timer.sleep_until(deadline)))
    }

    fn now(&self) -> Instant {
        self.timer.now()
    }

    fn reset(&self, sleep: &mut Pin<Box<dyn hyper::rt::Sleep>>, new_deadline: Instant) {
        match sleep.as_mut().downcast_mut_pin::<HyperSleep<T::Sleep>>() {
            // Ours: drop the old sleep and put the new one in the same box.
            Some(mut ours) => ours.set(HyperSleep::new(self.timer.sleep_until(new_deadline))),
            // Another timer's sleep (hyper only resets what it got from us, but the trait
            // allows it): replace the box.
            None => *sleep = self.sleep_until(new_deadline),
        }
    }
}

pin_project! {
    /// A core timer's sleep as hyper's `Sleep`: `Sync` through [`SyncWrapper`].
    struct HyperSleep<S> {
        #[pin]
        sleep: SyncWrapper<S>,
    }
}

impl<S> HyperSleep<S> {
    fn new(sleep: S) -> Self {
        HyperSleep {
            sleep: SyncWrapper::new(sleep),
        }
    }
}

impl<S: Future<Output = ()>> Future for HyperSleep<S> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.project().sleep.get_pin_mut().poll(cx)
    }
}

impl<S: Future<Output = ()> + Send + 'static> hyper::rt::Sleep for HyperSleep<S> {}
