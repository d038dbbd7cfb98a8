//! The pure wheel: level boundaries, cascades, `next_deadline`, cancel, reset, sentinels.

use wakewire_reactor_timer::wheel::{TimerKey, Wheel, NEVER};

/// Polls until nothing is due at `now`; returns the fired values in firing order.
fn fire(wheel: &mut Wheel<u64>, now: u64) -> Vec<u64> {
    let mut out = Vec::new();
    while let Some(key) = wheel.poll(now) {
        out.push(*wheel.get_mut(key));
        wheel.remove(key);
    }
    out.sort_unstable();
    out
}

#[test]
fn fires_exactly_at_level_boundaries() {
    let whens = [
        1, 62, 63, 64, 65, 127, 128, 4095, 4096, 4097, 262_143, 262_144, 262_145,
    ];
    let mut wheel = Wheel::new();
    for when in whens {
        wheel.insert(when, when);
    }
    for when in whens {
        assert!(fire(&mut wheel, when - 1).is_empty(), "fired before {when}");
        assert_eq!(fire(&mut wheel, when), [when]);
    }
    assert!(wheel.is_empty());
}

#[test]
fn a_big_jump_fires_everything_due_once() {
    let mut wheel = Wheel::new();
    for when in (0..10_000).step_by(7) {
        wheel.insert(when, when);
    }
    let fired = fire(&mut wheel, 5_000);
    assert_eq!(fired, (0..=5_000).step_by(7).collect::<Vec<_>>());
    assert_eq!(wheel.elapsed(), 5_000);
    let rest = fire(&mut wheel, u64::MAX);
    assert_eq!(rest, (5_005..10_000).step_by(7).collect::<Vec<_>>());
}

#[test]
fn next_deadline_is_exact_on_level_zero_and_a_cascade_point_above() {
    let mut wheel = Wheel::new();
    assert_eq!(wheel.next_deadline(), None);
    let far = wheel.insert(4_100, 4_100);
    assert_eq!(wheel.next_deadline(), Some(4_096)); // level 2 slot 1 cascades at 4096
    let near = wheel.insert(10, 10);
    assert_eq!(wheel.next_deadline(), Some(10));
    wheel.remove(near);
    assert_eq!(wheel.next_deadline(), Some(4_096));
    assert_eq!(wheel.poll(4_096), None); // cascaded, not fired
    assert_eq!(wheel.next_deadline(), Some(4_100));
    assert_eq!(wheel.poll(4_100), Some(far));
    assert_eq!(wheel.next_deadline(), None);
}

#[test]
fn past_deadlines_are_due_on_the_next_poll() {
    let mut wheel = Wheel::new();
    assert_eq!(wheel.poll(100), None);
    wheel.insert(3, 3);
    wheel.insert(100, 100);
    assert_eq!(wheel.next_deadline(), Some(100));
    assert_eq!(fire(&mut wheel, 100), [3, 100]);
    assert!(wheel.is_empty());
}

#[test]
fn cancel_and_reset_are_honoured() {
    let mut wheel: Wheel<u64> = Wheel::new();
    let a = wheel.insert(50, 1);
    let b = wheel.insert(50, 2);
    let c = wheel.insert(70, 3);
    assert_eq!(wheel.remove(b), 2);
    wheel.reset(c, 20);
    wheel.reset(a, 5_000);
    assert_eq!(fire(&mut wheel, 60), [3]);
    assert_eq!(fire(&mut wheel, 4_999), Vec::<u64>::new());
    assert_eq!(fire(&mut wheel, 5_000), [1]);
}

#[test]
fn reset_rearms_a_fired_entry() {
    let mut wheel = Wheel::new();
    let key: TimerKey = wheel.insert(10, ());
    assert_eq!(wheel.poll(10), Some(key));
    assert!(wheel.is_fired(key));
    wheel.reset(key, 30);
    assert!(!wheel.is_fired(key));
    assert_eq!(wheel.poll(29), None);
    assert_eq!(wheel.poll(30), Some(key));
}

#[test]
fn sentinel_ticks_do_not_collide() {
    let mut wheel = Wheel::new();
    let never = wheel.insert(NEVER, "never");
    let last = wheel.insert(NEVER - 1, "last");
    let zero = wheel.insert(0, "zero");
    assert_eq!(wheel.poll(0), Some(zero));
    assert_eq!(wheel.poll(u64::MAX), Some(last)); // the clock saturates below NEVER
    assert_eq!(wheel.poll(u64::MAX), None);
    assert!(!wheel.is_fired(never));
    assert_eq!(wheel.next_deadline(), None);
    wheel.reset(never, NEVER - 1);
    assert_eq!(wheel.poll(u64::MAX), Some(never));
}

#[test]
fn top_level_spans_the_whole_u64_range() {
    let mut wheel = Wheel::new();
    let whens = [1u64 << 36, (1 << 60) + 5, u64::MAX - 2, u64::MAX - 1];
    for when in whens {
        wheel.insert(when, when);
    }
    for when in whens {
        assert!(fire(&mut wheel, when - 1).is_empty());
        assert_eq!(fire(&mut wheel, when), [when]);
    }
}
