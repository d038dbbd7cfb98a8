//! The `WAKEWIRE_TEST_SCALE` knob.

/// `count` scaled by the `WAKEWIRE_TEST_SCALE` environment variable (default 1.0), at least 1.
///
/// Stress loops use it so the same test runs natively (1.0) and under valgrind (0.02).
///
/// ```
/// assert!(wakewire_test_util::scaled(1000) >= 1);
/// ```
pub fn scaled(count: usize) -> usize {
    let scale: f64 = std::env::var("WAKEWIRE_TEST_SCALE")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(1.0);
    ((count as f64 * scale).ceil() as usize).max(1)
}
