//! Tick lateness next to a neighbour that does not yield: `blocked_neighbor` (a task
//! blocks its worker inside a poll) and `always_ready` (a task reads a channel that always
//! has data). Each reports how late 100 tasks ticking a 1 ms interval were woken.
//!
//! A ticking task awaits the runtime's own timer at each point of a fixed 1 ms grid (the
//! "burst" behaviour of tokio's `Interval`): a task held up for 200 ms then runs its 200
//! missed ticks back to back, each counted as late as it is. So a stall of `d` shows up in
//! the p99 as soon as at least 1% of all ticks fall inside it, which is what a user of an
//! interval sees.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::thread;
use std::time::{Duration, Instant};

use crate::contender::{Contender, MpscReceiver, MpscSender, Spawner};
use crate::workloads::Sample;

/// The shape of both workloads.
#[derive(Debug, Clone)]
pub(crate) struct Ticking {
    /// Tasks ticking the interval.
    pub(crate) tickers: usize,
    /// The interval's period.
    pub(crate) period: Duration,
    /// How long they tick (the run's length).
    pub(crate) window: Duration,
    /// `blocked_neighbor`: when the blocking task is spawned, after the tickers started.
    pub(crate) block_after: Duration,
    /// `blocked_neighbor`: how long it blocks its worker.
    pub(crate) block_for: Duration,
}

impl Default for Ticking {
    fn default() -> Self {
        Ticking {
            tickers: 100,
            period: Duration::from_millis(1),
            window: Duration::from_millis(300),
            block_after: Duration::from_millis(50),
            block_for: Duration::from_millis(200),
        }
    }
}

impl Ticking {
    fn ticks(&self) -> usize {
        (self.window.as_nanos() / self.period.as_nanos()) as usize
    }
}

/// Ticks `ticks` times on the grid `start + k * period`; returns each tick's lateness in µs.
async fn ticker<S: Spawner>(
    spawner: S,
    start: Instant,
    period: Duration,
    ticks: usize,
) -> Vec<u32> {
    let mut lateness = Vec::with_capacity(ticks);
    for k in 1..=ticks {
        let deadline = start + period * k as u32;
        spawner.tick_at(deadline).await;
        let now = Instant::now();
        assert!(
            now >= deadline,
            "a tick ended before its deadline: the run is invalid"
        );
        lateness.push((now - deadline).as_micros().min(u32::MAX as u128) as u32);
    }
    lateness
}

/// p50, p99 and max of the lateness of every tick, in µs.
fn percentiles(mut lateness: Vec<u32>, expected: usize) -> Sample {
    assert_eq!(
        lateness.len(),
        expected,
        "wrong number of ticks: the run is invalid"
    );
    lateness.sort_unstable();
    let at = |q: usize| f64::from(lateness[(lateness.len() * q / 100).min(lateness.len() - 1)]);
    vec![at(50), at(99), at(100)]
}

/// Blocks the thread that polls it for `0`, inside the poll, then completes.
struct BlockInPoll(Duration);

impl Future for BlockInPoll {
    type Output = ();

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        thread::sleep(self.0);
        Poll::Ready(())
    }
}

/// 100 tasks tick a 1 ms interval for 300 ms; 50 ms in, a task spawned from inside the
/// runtime blocks its worker for 200 ms (`thread::sleep` inside its poll). Returns the
/// p50, p99 and max tick lateness in µs.
pub(crate) fn blocked_neighbor<C: Contender>(contender: &C, shape: &Ticking) -> Sample {
    let spawner = contender.spawner();
    let (tickers, period, ticks) = (shape.tickers, shape.period, shape.ticks());
    let (block_after, block_for) = (shape.block_after, shape.block_for);
    let lateness = contender.block_on(spawner.clone().spawn(async move {
        let start = Instant::now();
        let handles: Vec<_> = (0..tickers)
            .map(|_| spawner.spawn(ticker(spawner.clone(), start, period, ticks)))
            .collect();
        spawner.sleep(block_after).await;
        // Spawned from a worker: it lands in that worker's own queue, as a task that
        // starts blocking would.
        spawner.spawn(BlockInPoll(block_for)).await;
        let mut all = Vec::with_capacity(tickers * ticks);
        for handle in handles {
            all.extend(handle.await);
        }
        all
    }));
    percentiles(lateness, tickers * ticks)
}

/// 100 tasks tick a 1 ms interval for 300 ms while one task reads a bounded channel (the
/// runtime's own) that never runs dry: the reader puts every message back as it reads it,
/// so the channel stays full and both its receive and its send are always ready — a
/// producer that is never behind. Returns the p50, p99 and max tick lateness in µs, and
/// the messages the reader read in the window.
///
/// The reader stops at the end of the window whatever happens, so a runtime with no
/// cooperative budget, whose reader never yields, still ends: its tickers then run late by
/// up to the whole window.
pub(crate) fn always_ready<C: Contender>(
    contender: &C,
    shape: &Ticking,
    capacity: usize,
) -> Sample {
    let spawner = contender.spawner();
    let (tickers, period, ticks, window) =
        (shape.tickers, shape.period, shape.ticks(), shape.window);
    let (lateness, read) = contender.block_on(spawner.clone().spawn(async move {
        let (mut tx, mut rx) = C::Spawner::mpsc::<u64>(capacity);
        for value in 0..capacity as u64 {
            tx.send(value).await; // fills it: room for all, never waits
        }
        let start = Instant::now();
        let handles: Vec<_> = (0..tickers)
            .map(|_| spawner.spawn(ticker(spawner.clone(), start, period, ticks)))
            .collect();
        let reader = spawner.spawn(async move {
            let mut read = 0u64;
            let end = start + window;
            loop {
                let value = rx.recv().await.expect("always_ready: the channel closed");
                assert_eq!(value, read, "always_ready: lost or reordered message");
                tx.send(value + capacity as u64).await;
                read += 1;
                if read % 64 == 0 && Instant::now() >= end {
                    return read;
                }
            }
        });
        let mut all = Vec::with_capacity(tickers * ticks);
        for handle in handles {
            all.extend(handle.await);
        }
        (all, reader.await)
    }));
    let mut sample = percentiles(lateness, tickers * ticks);
    sample.push(read as f64);
    sample
}
