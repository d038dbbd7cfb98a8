//! The supervisor's monitor thread: it samples every slot's poll sequence number a few
//! times per threshold and acts on what it sees (see [`crate::supervise`] for the actions).
//!
//! A slot whose number is odd (inside a poll) and unchanged since it was first seen, for
//! the threshold or longer, is blocked in that poll: it is taken over. A taken-over slot
//! whose number moved has returned from the poll: it is released. Sampling costs the
//! workers nothing beyond the two stores per poll that publish the number: no clock read,
//! no read-modify-write. A poll is found between one threshold and one threshold plus a
//! sampling period after it began; the report's duration is how long the monitor has seen
//! it run, a lower bound.
#![cfg_attr(not(loom), allow(unreachable_pub))]

use std::sync::Arc;
use std::time::{Duration, Instant};

use wakewire_core::BlockedPoll;

use crate::deques::Deques;
use crate::state::PoolState;
use crate::worker::catch_user_panic;

/// The shortest sampling period: below it the monitor would cost more than it saves.
const MIN_PERIOD: Duration = Duration::from_micros(250);

/// How often the monitor samples for `threshold`: four times per threshold.
pub fn sampling_period(threshold: Duration) -> Duration {
    (threshold / 4).max(MIN_PERIOD)
}

/// What the monitor remembers of one slot.
#[derive(Debug, Clone, Copy)]
struct Seen {
    /// The (odd) number of the poll it saw running.
    seq: u64,
    /// When it first saw that poll.
    since: Instant,
    /// Whether it took the slot over.
    taken_over: bool,
}

/// The monitor's memory of every slot between samples.
#[derive(Debug)]
pub struct Monitor {
    seen: Vec<Option<Seen>>,
}

impl Monitor {
    /// A monitor for `slots` slots (workers and spare slots).
    pub fn new(slots: usize) -> Self {
        Monitor {
            seen: vec![None; slots],
        }
    }

    /// Looks at every slot once, as of `now`: takes over the slots blocked in one poll for
    /// the threshold, moves what their polls woke into their LIFO slots since, and
    /// releases the slots whose blocked poll returned. Returns the reports of the slots it
    /// took over, for the caller to hand to the hook outside any lock.
    ///
    /// # Panics
    ///
    /// Panics if `state`'s pool has no supervision.
    pub fn sample<D: Deques>(
        &mut self,
        state: &Arc<PoolState<D>>,
        now: Instant,
    ) -> Vec<BlockedPoll> {
        let supervisor = state.supervision().expect("the pool is supervised");
        let threshold = supervisor.threshold;
        let mut reports = Vec::new();
        for (slot, seen) in self.seen.iter_mut().enumerate() {
            let seq = supervisor.slots[slot].seq();
            match seen {
                Some(poll) if poll.seq == seq => {
                    if poll.taken_over {
                        state.retake_lifo(slot);
                    } else {
                        let blocked_for = now.saturating_duration_since(poll.since);
                        if blocked_for >= threshold {
                            if let Some(report) = state.take_over(slot, seq, blocked_for) {
                                poll.taken_over = true;
                                reports.push(report);
                            }
                        }
                    }
                }
                _ => {
                    if seen.is_some_and(|poll| poll.taken_over) {
                        state.release(slot);
                    }
                    *seen = (seq % 2 == 1).then_some(Seen {
                        seq,
                        since: now,
                        taken_over: false,
                    });
                }
            }
        }
        reports
    }
}

/// The monitor thread's loop: sample, report, join retired replacement threads, until
/// shutdown stops it.
pub(crate) fn run<D: Deques>(state: Arc<PoolState<D>>) {
    let supervisor = state.supervision().expect("the pool is supervised");
    let period = sampling_period(supervisor.threshold);
    let mut monitor = Monitor::new(supervisor.slots.len());
    while !supervisor.wait_for_stop(period) {
        for report in monitor.sample(&state, Instant::now()) {
            let worker = report.worker.unwrap_or_default();
            let watch = &state.config.watch;
            catch_user_panic(&state.counters, worker, "blocked-poll hook", || {
                watch.report(&report)
            });
        }
        supervisor.join_finished();
    }
}
