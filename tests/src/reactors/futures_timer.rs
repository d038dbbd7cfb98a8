//! futures-timer's `Delay`: a timer with a global helper thread of its own, behind core's
//! `Timer` through a ten-line adapter here.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures_timer::Delay;
use wakewire_core::spawn::BoxFuture;
use wakewire_core::Timer;

use crate::kit::context::CellContext;
use crate::kit::leaf::{Clockwork, Leaf, LeafSource};
use crate::kit::reactor::{ReactorBuilder, ReactorEntry, Scenario};
use crate::reactors::smol_timeout::{NEVER, SOON};
use crate::scenarios::support::assert_pending;

/// futures-timer behind core's [`Timer`]: a deadline becomes a `Delay` for what is left.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FuturesTimer;

impl Timer for FuturesTimer {
    type Sleep = Delay;

    fn sleep_until(&self, deadline: Instant) -> Delay {
        Delay::new(deadline.saturating_duration_since(Instant::now()))
    }
}

/// futures-timer needs nothing per cell (its helper thread is global).
pub(crate) struct FuturesTimerUnderTest;

/// A `Delay` made at the leaf's first poll, so its deadline counts from there.
fn delay(after: Duration) -> BoxFuture<Result<(), String>> {
    Box::pin(async move {
        Delay::new(after).await;
        Ok(())
    })
}

impl LeafSource for FuturesTimerUnderTest {
    fn leaf(&self) -> Leaf {
        Leaf {
            future: delay(SOON),
            fire: None,
        }
    }

    fn idle_leaf(&self) -> Leaf {
        Leaf {
            future: delay(NEVER),
            fire: None,
        }
    }

    fn clockwork(&self) -> Option<Clockwork> {
        Some(Clockwork {
            name: "futures-timer's Delay behind core's Timer (real clock)".to_owned(),
            timer: Arc::new(FuturesTimer),
            advance: None,
        })
    }
}

pub(crate) fn entry() -> ReactorEntry {
    ReactorBuilder::leaves(
        "futures-timer",
        "futures-timer's Delay, fired by its global helper thread",
    )
    .on_own_thread(|| Ok(FuturesTimerUnderTest))
    .no_park("futures-timer fires its delays from its own helper thread: it offers no Park")
    .scenario(Scenario::new(
        "reset-earlier",
        "a pending 1000 h Delay reset to 1 ms fires",
        reset_earlier,
    ))
    .build()
}

/// Polls a `Delay` in place, so it can be reset between polls.
struct Pinned<'a>(&'a mut Delay);

impl Future for Pinned<'_> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(&mut *self.0).poll(cx)
    }
}

fn reset_earlier(_: &FuturesTimerUnderTest, cx: &CellContext) -> BoxFuture<()> {
    let cx = cx.clone();
    Box::pin(async move {
        let mut delay = Delay::new(NEVER);
        assert_pending(&mut Pinned(&mut delay), "a 1000 h delay").await;
        delay.reset(Duration::from_millis(1));
        cx.at("awaiting a delay reset to 1 ms");
        Pinned(&mut delay).await;
    })
}
