//! The wheel (and the sleeps built on it) against a `BTreeMap` model, under churn.
//!
//! Timers with deadlines near the level boundaries (63/64, 4095/4096, 262143/262144 ms)
//! and duplicates, random cancels and resets, a clock moving in random steps. Every live
//! timer fires exactly once, never before its deadline and never after the step that
//! passed it (the pure wheel) or more than one 1 ms tick after it (sleeps on a manual
//! clock with sub-millisecond steps); cancelled timers never fire.
//! At `WAKEWIRE_TEST_SCALE=1`: 256 small cases (about 50 000 timers) plus one run of
//! 100 000 timers through a single wheel.

use std::collections::{BTreeSet, HashMap};
use std::task::Poll;
use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use wakewire_core::waker::{counting_waker, WakeCounter};
use wakewire_reactor_timer::wheel::{TimerKey, Wheel};
use wakewire_reactor_timer::{ManualClock, Sleep, TimerPark};

use wakewire_test_util::{poll_once, scaled, RecordingPark};

const BOUNDARIES: [u64; 9] = [63, 64, 65, 4_095, 4_096, 4_097, 262_143, 262_144, 262_145];

#[derive(Debug, Clone)]
enum Op {
    /// Insert relative to now (`false`) or at an absolute tick (`true`).
    Insert {
        when: u64,
        absolute: bool,
    },
    Cancel(usize),
    Reset {
        victim: usize,
        when: u64,
    },
    Advance(u64),
}

fn when() -> impl Strategy<Value = u64> {
    prop_oneof![4 => 0..=50u64, 1 => proptest::sample::select(&BOUNDARIES[..])]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        10 => (when(), proptest::bool::weighted(0.2))
            .prop_map(|(when, absolute)| Op::Insert { when, absolute }),
        3 => any::<usize>().prop_map(Op::Cancel),
        3 => (any::<usize>(), when()).prop_map(|(victim, when)| Op::Reset { victim, when }),
        4 => prop_oneof![8 => 0..=70u64, 1 => 4_000..=4_200u64].prop_map(Op::Advance),
    ]
}

/// The model: live timers ordered by deadline (with a model id to break ties), each
/// key's deadline, and a dense list of live keys for picking random victims.
#[derive(Default)]
struct Model {
    by_when: BTreeSet<(u64, u64)>,
    /// key → (when, id, position in `live`)
    entries: HashMap<TimerKey, (u64, u64, usize)>,
    live: Vec<TimerKey>,
    next_id: u64,
}

impl Model {
    fn insert(&mut self, key: TimerKey, when: u64) {
        self.next_id += 1;
        self.by_when.insert((when, self.next_id));
        self.entries
            .insert(key, (when, self.next_id, self.live.len()));
        self.live.push(key);
    }

    fn forget(&mut self, key: TimerKey) -> u64 {
        let (when, id, at) = self
            .entries
            .remove(&key)
            .expect("fired or removed a timer the model lost");
        self.by_when.remove(&(when, id));
        self.live.swap_remove(at);
        if let Some(moved) = self.live.get(at) {
            self.entries.get_mut(moved).unwrap().2 = at;
        }
        when
    }
}

fn run_wheel_ops(ops: &[Op]) -> Result<usize, TestCaseError> {
    let mut wheel: Wheel<()> = Wheel::new();
    let mut model = Model::default();
    let mut now = 0u64;
    let mut fired = 0;
    for op in ops {
        match *op {
            Op::Insert { when, absolute } => {
                let when = if absolute { when } else { now + when };
                model.insert(wheel.insert(when, ()), when);
            }
            Op::Cancel(victim) if !model.live.is_empty() => {
                let key = model.live[victim % model.live.len()];
                model.forget(key);
                wheel.remove(key);
            }
            Op::Reset { victim, when } if !model.live.is_empty() => {
                let key = model.live[victim % model.live.len()];
                model.forget(key);
                wheel.reset(key, now + when);
                model.insert(key, now + when);
            }
            Op::Advance(step) => {
                now += step;
                while let Some(key) = wheel.poll(now) {
                    let when = model.forget(key);
                    prop_assert!(when <= now, "fired early: when {} now {}", when, now);
                    wheel.remove(key);
                    fired += 1;
                }
                let missed = model.by_when.range(..=(now, u64::MAX)).next();
                prop_assert!(
                    missed.is_none(),
                    "due but not fired at {}: {:?}",
                    now,
                    missed
                );
            }
            Op::Cancel(_) | Op::Reset { .. } => {}
        }
        prop_assert_eq!(wheel.len(), model.entries.len());
    }
    Ok(fired)
}

fn cases() -> u32 {
    scaled(256) as u32
}

#[test]
fn stress_timer_churn_vs_model() {
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    // ~400 ops per case, 256 cases: about 100 000 timers.
    let result = runner.run(&proptest::collection::vec(op(), 300..500), |ops| {
        run_wheel_ops(&ops).map(|_| ())
    });
    if let Err(err) = result {
        panic!("{err}");
    }
}

/// 100 000 timers through one wheel (many live at once, unlike the small cases above),
/// from a deterministic stream of the same ops.
#[test]
fn stress_timer_churn_vs_model_100k_in_one_wheel() {
    let target = scaled(100_000);
    // A plain xorshift: proptest's value trees are too slow to draw 300 000 ops in debug.
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move |below: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % below
    };
    let when = |next: &mut dyn FnMut(u64) -> u64| {
        if next(5) == 0 {
            BOUNDARIES[next(BOUNDARIES.len() as u64) as usize]
        } else {
            next(51)
        }
    };
    let mut ops = Vec::new();
    let mut inserts = 0;
    while inserts < target {
        let op = match next(20) {
            0..=9 => {
                inserts += 1;
                Op::Insert {
                    when: when(&mut next),
                    absolute: next(5) == 0,
                }
            }
            10..=12 => Op::Cancel(next(u64::MAX) as usize),
            13..=15 => Op::Reset {
                victim: next(u64::MAX) as usize,
                when: when(&mut next),
            },
            16..=18 => Op::Advance(next(71)),
            _ => Op::Advance(4_000 + next(201)),
        };
        ops.push(op);
    }
    ops.push(Op::Advance(1 << 20)); // and then everything left fires
    let fired = run_wheel_ops(&ops).unwrap_or_else(|err| panic!("{err}"));
    assert!(fired > 0);
}

/// The same properties through `Sleep` futures on a manual clock moving in sub-millisecond
/// steps: each fires once, never early, at most one 1 ms tick late.
fn run_sleep_ops(ops: &[(u8, u64, u64)]) -> Result<(), TestCaseError> {
    let clock = ManualClock::new();
    let mut park = TimerPark::with_clock(RecordingPark::default(), clock.clone());
    let timer = park.handle();
    let mut live: Vec<(Sleep, WakeCounter)> = Vec::new();
    for &(kind, a, b) in ops {
        match kind % 4 {
            0 | 1 => {
                let mut sleep = timer.sleep(Duration::from_micros(a % 70_000));
                let (waker, counter) = counting_waker();
                if poll_once(&mut sleep, &waker).is_pending() {
                    live.push((sleep, counter));
                }
            }
            2 if !live.is_empty() => {
                let victim = (a as usize) % live.len();
                if b % 2 == 0 {
                    drop(live.swap_remove(victim));
                } else {
                    let at = clock.now() + Duration::from_micros(b % 5_000);
                    live[victim].0.reset(at);
                }
            }
            _ => {
                clock.advance(Duration::from_nanos(a % 3_000_000));
                park.turn();
                let now = clock.now();
                let mut index = 0;
                while index < live.len() {
                    let (sleep, counter) = &mut live[index];
                    let deadline = sleep.deadline().unwrap();
                    if counter.wakes() > 0 {
                        prop_assert_eq!(counter.wakes(), 1, "woken more than once");
                        prop_assert!(deadline <= now, "fired early");
                        let (waker, _) = counting_waker();
                        prop_assert_eq!(poll_once(sleep, &waker), Poll::Ready(()));
                        drop(live.swap_remove(index));
                    } else {
                        prop_assert!(
                            now < deadline + Duration::from_millis(1),
                            "more than one tick late: {:?} past the deadline",
                            now - deadline
                        );
                        index += 1;
                    }
                }
            }
        }
    }
    drop(live);
    prop_assert_eq!(
        timer.live_timers(),
        0,
        "cancelled sleeps left entries behind"
    );
    Ok(())
}

#[test]
fn stress_timer_churn_vs_model_through_sleeps() {
    let mut runner = TestRunner::new(Config {
        cases: (cases() / 4).max(1),
        failure_persistence: None,
        ..Config::default()
    });
    let ops = proptest::collection::vec((any::<u8>(), any::<u64>(), any::<u64>()), 200..400);
    if let Err(err) = runner.run(&ops, |ops| run_sleep_ops(&ops)) {
        panic!("{err}");
    }
}
