//! The outputs of BENCHMARKS.md: the markdown table, the JSON object, bench/RESULTS.md.

use std::fmt::Write as _;

use crate::contender::{Info, Slot};
use crate::runtimes::{is_wakewire, NAMES};
use crate::stats::Summary;

/// One contender's result on one workload.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub(crate) workload: &'static str,
    pub(crate) slot: Slot,
    pub(crate) contender: &'static str,
    pub(crate) summary: Summary,
    /// Shown with a `†` and never counted as the fastest peer (see `yield_many`).
    pub(crate) excluded: bool,
}

/// A Wakewire column's median over the fastest peer's, for one workload and slot.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ratio {
    pub(crate) workload: &'static str,
    pub(crate) slot: Slot,
    /// `wakewire` (reactors on their own threads) or `wakewire-park` (driven by the
    /// executor's park).
    pub(crate) contender: &'static str,
    pub(crate) ratio: f64,
    pub(crate) fastest_peer: &'static str,
}

#[derive(Debug, Clone)]
pub(crate) struct Report {
    pub(crate) machine: String,
    pub(crate) rows: Vec<Row>,
    /// `(workload, slot)` in report order.
    pub(crate) lines: Vec<(&'static str, Slot)>,
    pub(crate) legend: Vec<Info>,
    pub(crate) notes: Vec<String>,
}

impl Report {
    fn row(&self, workload: &str, slot: Slot, contender: &str) -> Option<&Row> {
        self.rows
            .iter()
            .find(|r| r.workload == workload && r.slot == slot && r.contender == contender)
    }

    /// Each Wakewire column / fastest non-excluded peer, where both exist.
    pub(crate) fn ratios(&self) -> Vec<Ratio> {
        let mut ratios = Vec::new();
        for &(workload, slot) in &self.lines {
            let Some(fastest) = self
                .rows
                .iter()
                .filter(|r| r.workload == workload && r.slot == slot)
                .filter(|r| !is_wakewire(r.contender) && !r.excluded)
                .min_by(|a, b| a.summary.median.total_cmp(&b.summary.median))
            else {
                continue;
            };
            for ours in NAMES.into_iter().filter(|name| is_wakewire(name)) {
                if let Some(row) = self.row(workload, slot, ours) {
                    ratios.push(Ratio {
                        workload,
                        slot,
                        contender: ours,
                        ratio: row.summary.median / fastest.summary.median,
                        fastest_peer: fastest.contender,
                    });
                }
            }
        }
        ratios
    }

    /// The markdown table: one line per workload and slot, a column per contender.
    pub(crate) fn table(&self) -> String {
        let ratios = self.ratios();
        let mut out = String::from("| workload | slot |");
        for name in NAMES {
            let _ = write!(out, " {name} |");
        }
        out.push_str(" ratio |\n| --- | --- |");
        for _ in NAMES {
            out.push_str(" ---: |");
        }
        out.push_str(" ---: |\n");
        for &(workload, slot) in &self.lines {
            let _ = write!(out, "| {workload} | {slot} |");
            for name in NAMES {
                let cell = match self.row(workload, slot, name) {
                    Some(row) => {
                        let s = row.summary;
                        let mark = if row.excluded { " †" } else { "" };
                        format!("{} ({}–{}){mark}", ns(s.median), ns(s.min), ns(s.max))
                    }
                    None => "n/a".to_owned(),
                };
                let _ = write!(out, " {cell} |");
            }
            let cell: Vec<String> = ratios
                .iter()
                .filter(|r| r.workload == workload && r.slot == slot)
                .map(|r| match r.contender {
                    "wakewire" => format!("{:.2} ({})", r.ratio, r.fastest_peer),
                    other => format!("{other} {:.2}", r.ratio),
                })
                .collect();
            let ratio = if cell.is_empty() {
                "n/a".to_owned()
            } else {
                cell.join("; ")
            };
            let _ = writeln!(out, " {ratio} |");
        }
        out
    }

    /// The contenders behind each column, then the footnotes.
    pub(crate) fn legend_and_notes(&self) -> String {
        let mut out = String::from("Cells: median ns/op (min–max) over the interleaved rounds; ratio = Wakewire / fastest peer (named), below 1.00 means Wakewire is ahead; `wakewire-park` is the same executor with its reactors driven by its idle threads (the ratio after `;`).\n\n");
        for slot in Slot::ALL {
            let setups: Vec<String> = self
                .legend
                .iter()
                .filter(|info| info.slot == slot)
                .map(|info| format!("{} = {}", info.name, info.setup))
                .collect();
            if !setups.is_empty() {
                let _ = writeln!(out, "- **{slot}**: {}", setups.join("; "));
            }
        }
        out.push('\n');
        for (i, note) in self.notes.iter().enumerate() {
            let _ = writeln!(out, "{}. {note}", i + 1);
        }
        out
    }

    /// The JSON object of BENCHMARKS.md.
    pub(crate) fn json(&self) -> String {
        let mut out = format!("{{\"machine\": {}, \"rows\": [", json_string(&self.machine));
        for (i, row) in self.rows.iter().enumerate() {
            let s = row.summary;
            let _ = write!(
                out,
                "{}{{\"workload\": {}, \"slot\": {}, \"contender\": {}, \"median_ns\": {}, \"min_ns\": {}, \"max_ns\": {}, \"runs\": {}}}",
                if i == 0 { "" } else { ", " },
                json_string(row.workload),
                json_string(row.slot.as_str()),
                json_string(row.contender),
                json_number(s.median),
                json_number(s.min),
                json_number(s.max),
                s.runs,
            );
        }
        out.push_str("], \"ratios\": [");
        for (i, ratio) in self.ratios().iter().enumerate() {
            let _ = write!(
                out,
                "{}{{\"workload\": {}, \"slot\": {}, \"ratio\": {}, \"contender\": {}, \"fastest_peer\": {}}}",
                if i == 0 { "" } else { ", " },
                json_string(ratio.workload),
                json_string(ratio.slot.as_str()),
                json_number(ratio.ratio),
                json_string(ratio.contender),
                json_string(ratio.fastest_peer),
            );
        }
        out.push_str("]}\n");
        out
    }

    /// The whole of bench/RESULTS.md.
    pub(crate) fn results_file(
        &self,
        command: &str,
        date: &str,
        rounds: usize,
        load: &str,
    ) -> String {
        format!(
            "# Wakewire benchmark results\n\n\
             Written by the harness (`bench/`, protocol in BENCHMARKS.md); commit it after a full run so the history of ratios stays visible.\n\n\
             - Machine: {}\n- Command: `{command}`\n- Date: {date}\n- Load average (1/5/15 min) before → after the run: {load}\n- Rounds: {rounds} measured per contender (after one warm-up), interleaved A B C A B C …\n\n\
             {}\n{}",
            self.machine,
            self.table(),
            self.legend_and_notes(),
        )
    }
}

/// Nanoseconds for a table cell: one decimal below 10, else a rounded integer with
/// thousands separators.
pub(crate) fn ns(value: f64) -> String {
    if value < 10.0 {
        return format!("{value:.1}");
    }
    let digits = format!("{:.0}", value);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn json_number(value: f64) -> String {
    if value.is_finite() {
        format!("{:.3}", value)
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_owned()
    } else {
        "null".to_owned()
    }
}

fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(median: f64) -> Summary {
        Summary {
            median,
            min: median - 1.0,
            max: median + 1.0,
            runs: 3,
        }
    }

    fn row(contender: &'static str, median: f64, excluded: bool) -> Row {
        Row {
            workload: "yield_many",
            slot: Slot::Multi,
            contender,
            summary: summary(median),
            excluded,
        }
    }

    fn report() -> Report {
        Report {
            machine: "CPU \"X\", 2 cores".to_owned(),
            rows: vec![
                row("wakewire", 30.0, false),
                row("wakewire-park", 20.0, false),
                row("tokio", 25.0, false),
                row("futures", 10.0, true),
            ],
            lines: vec![("yield_many", Slot::Multi), ("spawn_many", Slot::Single)],
            legend: Vec::new(),
            notes: vec!["a note".to_owned()],
        }
    }

    #[test]
    fn ratio_skips_excluded_peers() {
        let ratios = report().ratios();
        assert_eq!(
            ratios.len(),
            2,
            "one per wakewire column, none without peers"
        );
        assert_eq!(
            ratios[0].fastest_peer, "tokio",
            "wakewire-park is not a peer"
        );
        assert_eq!(ratios[0].contender, "wakewire");
        assert!((ratios[0].ratio - 1.2).abs() < 1e-9);
        assert_eq!(ratios[1].contender, "wakewire-park");
        assert!((ratios[1].ratio - 0.8).abs() < 1e-9);
    }

    #[test]
    fn table_has_a_column_per_contender_and_marks() {
        let table = report().table();
        let lines: Vec<_> = table.lines().collect();
        assert_eq!(
            lines[0],
            "| workload | slot | wakewire | wakewire-park | tokio | async-executor | futures | ratio |"
        );
        assert_eq!(
            lines[2],
            "| yield_many | multi | 30 (29–31) | 20 (19–21) | 25 (24–26) | n/a | 10 (9.0–11) † | 1.20 (tokio); wakewire-park 0.80 |"
        );
        assert_eq!(
            lines[3],
            "| spawn_many | single | n/a | n/a | n/a | n/a | n/a | n/a |"
        );
    }

    #[test]
    fn json_has_the_documented_shape() {
        let json = report().json();
        assert!(json.starts_with("{\"machine\": \"CPU \\\"X\\\", 2 cores\", \"rows\": [{\"workload\": \"yield_many\", \"slot\": \"multi\", \"contender\": \"wakewire\", \"median_ns\": 30, \"min_ns\": 29, \"max_ns\": 31, \"runs\": 3}, "), "{json}");
        assert!(json.ends_with("\"ratios\": [{\"workload\": \"yield_many\", \"slot\": \"multi\", \"ratio\": 1.2, \"contender\": \"wakewire\", \"fastest_peer\": \"tokio\"}, {\"workload\": \"yield_many\", \"slot\": \"multi\", \"ratio\": 0.8, \"contender\": \"wakewire-park\", \"fastest_peer\": \"tokio\"}]}\n"), "{json}");
    }

    #[test]
    fn results_file_has_machine_command_table_and_notes() {
        let report = report();
        let text = report.results_file(
            "cargo run --release -p wakewire-bench -- --write-results",
            "2026-01-02 03:04 UTC",
            15,
            "1.0 1.0 1.0 → 2.0 1.0 1.0",
        );
        assert!(text.starts_with("# Wakewire benchmark results\n"));
        assert!(text.contains("- Machine: CPU \"X\", 2 cores\n"));
        assert!(text
            .contains("- Command: `cargo run --release -p wakewire-bench -- --write-results`\n"));
        assert!(text.contains(&report.table()));
        assert!(text.contains("1. a note\n"));
    }

    #[test]
    fn ns_formatting() {
        assert_eq!(ns(4.31), "4.3");
        assert_eq!(ns(188.4), "188");
        assert_eq!(ns(5707.0), "5,707");
        assert_eq!(ns(21_000_000.0), "21,000,000");
    }
}
