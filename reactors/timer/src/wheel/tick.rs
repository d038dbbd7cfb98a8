//! Converting time offsets to wheel ticks (1 ms each) without overflow.
//!
//! Deadlines round **up** and the current time rounds **down**, so a timer never fires
//! before its deadline: it fires once `elapsed_tick(now) >= deadline_tick(deadline)`,
//! that is once `now` is at least the deadline rounded up to the next millisecond.

use std::time::Duration;

use super::NEVER;

const NANOS_PER_MILLI: u128 = 1_000_000;

/// The tick of a deadline `since_start` after the wheel's tick 0: rounded up to whole
/// milliseconds, saturating to [`NEVER`] when it does not fit below it.
///
/// ```
/// use std::time::Duration;
/// use wakewire_reactor_timer::wheel::{deadline_tick, NEVER};
///
/// assert_eq!(deadline_tick(Duration::ZERO), 0);
/// assert_eq!(deadline_tick(Duration::from_micros(1)), 1);
/// assert_eq!(deadline_tick(Duration::from_millis(64)), 64);
/// assert_eq!(deadline_tick(Duration::MAX), NEVER);
/// ```
pub fn deadline_tick(since_start: Duration) -> u64 {
    let millis = since_start.as_nanos().div_ceil(NANOS_PER_MILLI);
    u64::try_from(millis).unwrap_or(NEVER)
}

/// The current tick when `since_start` has passed since tick 0: rounded down, and
/// saturating one below [`NEVER`] so that the current time never reaches "never".
///
/// ```
/// use std::time::Duration;
/// use wakewire_reactor_timer::wheel::{elapsed_tick, NEVER};
///
/// assert_eq!(elapsed_tick(Duration::from_micros(1_999)), 1);
/// assert_eq!(elapsed_tick(Duration::MAX), NEVER - 1);
/// ```
pub fn elapsed_tick(since_start: Duration) -> u64 {
    let millis = since_start.as_nanos() / NANOS_PER_MILLI;
    u64::try_from(millis).unwrap_or(NEVER).min(NEVER - 1)
}
