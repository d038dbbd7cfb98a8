//! timers: many sleeps registered, most dropped before they fire, the rest awaited.

use std::future::{poll_fn, Future};
use std::task::Poll;
use std::time::{Duration, Instant};

use cpu_time::ProcessTime;

use crate::contender::{Contender, Spawner};

/// One timer in this many is kept and awaited; the others are dropped once registered.
pub(crate) const KEEP_ONE_IN: usize = 10;

/// A small seeded generator, so every contender sleeps the same durations.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// `n` sleeps of 1–100 ms (seeded), each polled once so it registers with the timer;
/// nine in ten are dropped right after, the rest awaited, and each must not end before its
/// deadline.
///
/// Returns the **process CPU time** (user + system, every thread) of the run, not the
/// wall time: the wall time is the longest sleep, ~100 ms, whatever the timer costs.
pub(crate) fn timers<C: Contender>(contender: &C, n: usize) -> Duration {
    let spawner = contender.spawner();
    let cpu = ProcessTime::now();
    let fired = contender.block_on(spawner.clone().spawn(async move {
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        let start = Instant::now();
        // Registration: tokio's coop budget would make polls past the 128th return
        // `Pending` without registering, hence `unconstrained` (a no-op elsewhere).
        let kept = C::Spawner::unconstrained(async {
            let mut kept = Vec::with_capacity(n / KEEP_ONE_IN + 1);
            for i in 0..n {
                let delay = Duration::from_millis(1 + rng.next() % 100);
                let mut sleep = Box::pin(spawner.sleep(delay));
                let done = poll_fn(|cx| Poll::Ready(sleep.as_mut().poll(cx).is_ready())).await;
                if i % KEEP_ONE_IN == 0 {
                    kept.push((sleep, start + delay, done));
                } // else: dropped before it fires
            }
            kept
        })
        .await;
        let mut fired = 0;
        for (sleep, deadline, done) in kept {
            if !done {
                sleep.await;
            }
            assert!(
                Instant::now() >= deadline,
                "timers: a sleep ended before its deadline: the run is invalid"
            );
            fired += 1;
        }
        fired
    }));
    let elapsed = cpu.elapsed();
    assert_eq!(
        fired,
        n.div_ceil(KEEP_ONE_IN),
        "timers: wrong number of sleeps awaited: the run is invalid"
    );
    elapsed
}
