//! Interleaved rounds: every contender runs a workload once per round (A B C A B C …),
//! so slow drifts of a shared machine hit all of them alike.

use std::io::Write as _;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::contender::{DynContender, Slot};
use crate::report::Row;
use crate::stats::Summary;
use crate::workloads::{Counts, Workload};

/// Untimed pause between two runs, so the previous runtime's workers finish spinning and
/// park before the next contender starts (on 2 cores, a spinning idle worker of one runtime
/// would slow the next one down).
const SETTLE: Duration = Duration::from_millis(2);

/// A run taking longer than this is a hang (a lost wakeup, a deadlock): the harness exits
/// with an error naming it instead of waiting forever.
const HANG_LIMIT: Duration = Duration::from_secs(120);

/// Watches the current run from another thread; see [`HANG_LIMIT`].
struct HangWatch {
    current: Arc<Mutex<Option<(String, Instant)>>>,
}

impl HangWatch {
    fn start() -> HangWatch {
        let current: Arc<Mutex<Option<(String, Instant)>>> = Arc::default();
        let watched = Arc::clone(&current);
        thread::spawn(move || loop {
            thread::sleep(Duration::from_secs(1));
            let guard = watched.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((what, since)) = &*guard {
                if since.elapsed() > HANG_LIMIT {
                    eprintln!(
                        "\nwakewire-bench: {what} did not finish within {HANG_LIMIT:?}: hang"
                    );
                    std::process::exit(3);
                }
            }
        });
        HangWatch { current }
    }

    fn set(&self, what: Option<String>) {
        *self.current.lock().unwrap_or_else(|e| e.into_inner()) =
            what.map(|what| (what, Instant::now()));
    }
}

/// Runs `workloads` on `contenders`: one unrecorded warm-up round, then `rounds` measured.
/// Returns the rows (workload-major, contenders in list order) and the lines that have any.
pub(crate) fn run_all(
    contenders: &[Box<dyn DynContender>],
    workloads: &[Workload],
    counts: &Counts,
    rounds: usize,
) -> (Vec<Row>, Vec<(&'static str, Slot)>) {
    let watch = HangWatch::start();
    let mut rows = Vec::new();
    let mut lines = Vec::new();
    for &workload in workloads {
        let ops = workload.ops(counts) as f64;
        let mut samples: Vec<Vec<f64>> = vec![Vec::new(); contenders.len()];
        eprint!("{:<14}", workload.name());
        for round in 0..=rounds.min(workload.max_rounds()) {
            for (index, contender) in contenders.iter().enumerate() {
                thread::sleep(SETTLE);
                let info = contender.info();
                watch.set(Some(format!(
                    "{} on {} ({})",
                    workload.name(),
                    info.name,
                    info.slot
                )));
                let run = contender.run(workload, counts);
                watch.set(None);
                if let Some(elapsed) = run {
                    if round > 0 {
                        let ns_per_op = elapsed.as_nanos() as f64 / ops;
                        samples[index].push(ns_per_op);
                    }
                }
            }
            eprint!(".");
            let _ = std::io::stderr().flush();
        }
        eprintln!();
        for slot in Slot::ALL {
            let before = rows.len();
            for (index, contender) in contenders.iter().enumerate() {
                let info = contender.info();
                if info.slot != slot {
                    continue;
                }
                let Some(summary) = Summary::of(&samples[index]) else {
                    continue;
                };
                rows.push(Row {
                    workload: workload.name(),
                    slot,
                    contender: info.name,
                    summary,
                    excluded: workload == Workload::YieldMany && info.repolls_in_place,
                });
            }
            if rows.len() > before {
                lines.push((workload.name(), slot));
            }
        }
    }
    (rows, lines)
}
