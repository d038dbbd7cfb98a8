//! A quick side-by-side timing for examples that show what an adapter costs next to the
//! runtime it adapts. Not a benchmark (that is `wakewire-bench`): medians of a few
//! interleaved rounds, printed.

use std::time::{Duration, Instant};

/// Times `native` and `adapted` alternately, `rounds` times each, and prints one line: the
/// median per operation of each (`ops` operations per call) and `adapted / native`.
/// Returns that ratio.
///
/// # Panics
///
/// If `rounds` or `ops` is zero.
pub fn compare(
    name: &str,
    ops: usize,
    rounds: usize,
    mut native: impl FnMut(),
    mut adapted: impl FnMut(),
) -> f64 {
    assert!(
        rounds > 0 && ops > 0,
        "compare needs at least one round and one op"
    );
    let (mut native_times, mut adapted_times) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        native_times.push(timed(&mut native));
        adapted_times.push(timed(&mut adapted));
    }
    let (native, adapted) = (median(native_times), median(adapted_times));
    let per_op = |total: Duration| total.as_nanos() as f64 / ops as f64;
    let ratio = adapted.as_secs_f64() / native.as_secs_f64();
    println!(
        "{name:<28} native {:>7.0} ns/op   adapter {:>7.0} ns/op   adapter/native {ratio:.2}",
        per_op(native),
        per_op(adapted),
    );
    ratio
}

fn timed(run: &mut impl FnMut()) -> Duration {
    let start = Instant::now();
    run();
    start.elapsed()
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort_unstable();
    samples[samples.len() / 2]
}
