//! Interleaved rounds: every contender runs a workload once per round (A B C A B C …),
//! so slow drifts of a shared machine hit all of them alike.

use std::io::Write as _;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::contender::{DynContender, Info, Slot};
use crate::report::Row;
use crate::stats::Summary;
use crate::workloads::{Counts, Sample, Workload};

/// Untimed pause between two runs, so the previous runtime's workers finish spinning and
/// park before the next contender starts (on 2 cores, a spinning idle worker of one runtime
/// would slow the next one down).
const SETTLE: Duration = Duration::from_millis(2);

/// A run taking longer than this is a hang (a lost wakeup, a deadlock): the harness exits
/// with an error naming it instead of waiting forever.
pub(crate) const HANG_LIMIT: Duration = Duration::from_secs(120);

/// A column of the table: its label, and the runtime (or child process) behind it.
pub(crate) struct Column {
    pub(crate) info: Info,
    pub(crate) contender: Box<dyn DynContender>,
}

/// Watches the current run from another thread; see [`HANG_LIMIT`].
pub(crate) struct HangWatch {
    current: Arc<Mutex<Option<(String, Instant)>>>,
}

impl HangWatch {
    /// Exits the process with code 3 when a run lasts longer than `limit`.
    pub(crate) fn start(limit: Duration) -> HangWatch {
        let current: Arc<Mutex<Option<(String, Instant)>>> = Arc::default();
        let watched = Arc::clone(&current);
        thread::spawn(move || loop {
            thread::sleep(Duration::from_secs(1));
            let guard = watched.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((what, since)) = &*guard {
                if since.elapsed() > limit {
                    eprintln!("\nwakewire-bench: {what} did not finish within {limit:?}: hang");
                    std::process::exit(3);
                }
            }
        });
        HangWatch { current }
    }

    pub(crate) fn set(&self, what: Option<String>) {
        *self.current.lock().unwrap_or_else(|e| e.into_inner()) =
            what.map(|what| (what, Instant::now()));
    }
}

/// Runs `workloads` on `columns`: one unrecorded warm-up round, then `rounds` measured
/// (fewer for the workloads that cap them). Returns the rows (workload-major, columns in
/// list order within each slot) and the `(workload, slot)` lines that have any.
pub(crate) fn run_all(
    columns: &[Column],
    workloads: &[Workload],
    counts: &Counts,
    rounds: usize,
    hang_limit: Duration,
) -> (Vec<Row>, Vec<(&'static str, Slot)>) {
    let watch = HangWatch::start(hang_limit);
    let mut slots: Vec<Slot> = Vec::new();
    for column in columns {
        if !slots.contains(&column.info.slot) {
            slots.push(column.info.slot);
        }
    }
    let mut rows = Vec::new();
    let mut lines = Vec::new();
    for &workload in workloads {
        let mut samples: Vec<Vec<Sample>> = vec![Vec::new(); columns.len()];
        eprint!("{:<20}", workload.name());
        for round in 0..=rounds.min(workload.max_rounds()) {
            for (index, column) in columns.iter().enumerate() {
                thread::sleep(SETTLE);
                let info = &column.info;
                watch.set(Some(format!(
                    "{} on {} ({})",
                    workload.name(),
                    info.name,
                    info.slot
                )));
                let sample = column.contender.run(workload, counts);
                watch.set(None);
                if let Some(sample) = sample {
                    if round > 0 {
                        samples[index].push(sample);
                    }
                }
            }
            eprint!(".");
            let _ = std::io::stderr().flush();
        }
        eprintln!();
        let metrics = workload.kind().metrics().len();
        for &slot in &slots {
            let before = rows.len();
            for (index, column) in columns.iter().enumerate() {
                let info = &column.info;
                if info.slot != slot || samples[index].is_empty() {
                    continue;
                }
                let summaries: Option<Vec<Summary>> = (0..metrics)
                    .map(|metric| {
                        let values: Vec<f64> = samples[index].iter().map(|s| s[metric]).collect();
                        Summary::of(&values)
                    })
                    .collect();
                let Some(summaries) = summaries else { continue };
                rows.push(Row {
                    workload: workload.name(),
                    kind: workload.kind(),
                    slot,
                    contender: info.name,
                    metrics: summaries,
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
