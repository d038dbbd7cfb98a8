//! [`AsyncIoTimer`]: async-io's timer behind Wakewire's [`Timer`] trait.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use wakewire_core::Timer;

/// async-io's timer (smol's reactor) as a Wakewire [`Timer`].
///
/// async-io runs its reactor on a thread of its own (`async-io`, started on first use) or
/// on whichever thread is inside `async_io::block_on`; either way its timers complete
/// under any executor.
///
/// ```
/// use std::time::Duration;
/// use wakewire_adapter_smol::AsyncIoTimer;
/// use wakewire_core::timer::{timeout, Timer};
///
/// wakewire_core::block_on(AsyncIoTimer.sleep(Duration::from_millis(1)));
/// let never = std::future::pending::<()>();
/// let late = wakewire_core::block_on(timeout(&AsyncIoTimer, Duration::from_millis(1), never));
/// assert!(late.is_err());
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AsyncIoTimer;

impl Timer for AsyncIoTimer {
    type Sleep = AsyncIoSleep;

    fn sleep_until(&self, deadline: Instant) -> AsyncIoSleep {
        AsyncIoSleep(async_io::Timer::at(deadline))
    }

    fn sleep(&self, duration: Duration) -> AsyncIoSleep {
        // async-io turns a duration too large for the clock into a timer that never fires.
        AsyncIoSleep(async_io::Timer::after(duration))
    }
}

/// A deadline on async-io's timer: the leaf future of [`AsyncIoTimer`].
///
/// # Wakeups
///
/// Stores the task's waker in async-io's reactor, which wakes it at the deadline.
#[derive(Debug)]
#[must_use = "futures do nothing unless you poll them"]
pub struct AsyncIoSleep(async_io::Timer);

impl AsyncIoSleep {
    /// async-io's timer inside.
    pub fn into_inner(self) -> async_io::Timer {
        self.0
    }
}

impl Future for AsyncIoSleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(&mut self.0).poll(cx).map(drop)
    }
}
