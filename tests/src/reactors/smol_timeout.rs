//! smol-timeout's `TimeoutExt` (async-io's timer underneath) on any executor.

use std::future::pending;
use std::time::Duration;

use wakewire_adapter_smol::TimeoutExt;
use wakewire_core::spawn::BoxFuture;
use wakewire_reactor_channel::oneshot;

use crate::kit::context::CellContext;
use crate::kit::leaf::{Clockwork, Leaf, LeafSource};
use crate::kit::reactor::{ReactorBuilder, ReactorEntry, Scenario};
use crate::reactors::async_io::{async_io_clockwork, async_io_turn};
use crate::scenarios::support::{assert_pending, on_another_thread};

/// How soon a self-firing leaf fires.
pub(crate) const SOON: Duration = Duration::from_millis(40);
/// A deadline no scenario reaches.
pub(crate) const NEVER: Duration = Duration::from_secs(1000 * 3600);

/// smol-timeout needs nothing per cell (async-io's reactor is global).
pub(crate) struct SmolTimeoutUnderTest;

fn timed_out(after: Duration) -> BoxFuture<Result<(), String>> {
    Box::pin(async move {
        match pending::<()>().timeout(after).await {
            None => Ok(()),
            Some(()) => Err("a pending future completed".to_owned()),
        }
    })
}

impl LeafSource for SmolTimeoutUnderTest {
    /// A pending future with a 40 ms timeout: the leaf is the timeout firing.
    fn leaf(&self) -> Leaf {
        Leaf {
            future: timed_out(SOON),
            fire: None,
        }
    }

    fn idle_leaf(&self) -> Leaf {
        Leaf {
            future: timed_out(NEVER),
            fire: None,
        }
    }

    fn clockwork(&self) -> Option<Clockwork> {
        Some(async_io_clockwork())
    }

    fn settle(&self) -> Option<BoxFuture<()>> {
        Some(async_io_turn())
    }
}

pub(crate) fn entry() -> ReactorEntry {
    ReactorBuilder::leaves(
        "smol-timeout",
        "smol-timeout's TimeoutExt::timeout over async-io's timer: its leaf is the timeout itself",
    )
    .on_own_thread(|| Ok(SmolTimeoutUnderTest))
    .no_park("smol-timeout waits on async-io's timer, driven by async-io itself: it offers no Park")
    .scenario(Scenario::new(
        "inner-wins",
        "a future that completes (from another thread) before its 1000 h timeout gives Some(output)",
        inner_wins,
    ))
    .build()
}

fn inner_wins(_: &SmolTimeoutUnderTest, cx: &CellContext) -> BoxFuture<()> {
    let (tx, rx) = oneshot::channel::<u32>();
    let cx = cx.clone();
    Box::pin(async move {
        let mut bounded = Box::pin(rx.timeout(NEVER));
        assert_pending(&mut bounded, "the bounded receive").await;
        on_another_thread(move || {
            let _ = tx.send(7);
        });
        cx.at("awaiting a bounded receive whose value another thread sends");
        assert_eq!(bounded.await.map(Result::ok), Some(Some(7)));
    })
}
