//! The outputs of BENCHMARKS.md: the markdown tables, the JSON object, bench/RESULTS.md.

use std::fmt::Write as _;

use crate::contender::{Info, Slot};
use crate::runtimes::{is_wakewire, NAMES};
use crate::stats::Summary;
use crate::workloads::{Kind, TraceState, Workload};

/// One contender's result on one workload.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub(crate) workload: &'static str,
    pub(crate) kind: Kind,
    pub(crate) slot: Slot,
    pub(crate) contender: &'static str,
    /// One summary per value of the workload's [`Kind::metrics`].
    pub(crate) metrics: Vec<Summary>,
    /// Shown with a `†` and never counted as the fastest peer (see `yield_many`).
    pub(crate) excluded: bool,
}

impl Row {
    /// The value the ratio compares (ns/op, p99 lateness, bytes).
    pub(crate) fn primary(&self) -> Summary {
        self.metrics[self.kind.primary()]
    }

    fn is_tracer(&self) -> bool {
        Workload::from_name(self.workload).is_some_and(Workload::is_tracer)
    }
}

/// A Wakewire column's primary value over the fastest peer's, for one workload and slot.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ratio {
    pub(crate) workload: &'static str,
    pub(crate) slot: Slot,
    /// `wakewire` (reactors on their own threads), `wakewire-park` (driven by the
    /// executor's park), or their supervised forms `wakewire-sup`, `wakewire-sup-park`.
    pub(crate) contender: &'static str,
    pub(crate) ratio: f64,
    pub(crate) fastest_peer: &'static str,
}

/// The results of one run of the suite, in one mode (in-process or isolated).
#[derive(Debug, Clone)]
pub(crate) struct Report {
    /// `in-process` (every runtime in the harness's process) or `isolated` (each in its
    /// own process).
    pub(crate) mode: &'static str,
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

    /// The lines of the main table (the tracer's rows have their own).
    fn main_lines(&self) -> impl Iterator<Item = &(&'static str, Slot)> {
        self.lines
            .iter()
            .filter(|(workload, _)| !Workload::from_name(workload).is_some_and(Workload::is_tracer))
    }

    /// Each Wakewire column / fastest non-excluded peer, where both exist.
    pub(crate) fn ratios(&self) -> Vec<Ratio> {
        let mut ratios = Vec::new();
        for &(workload, slot) in self.main_lines() {
            let Some(fastest) = self
                .rows
                .iter()
                .filter(|r| r.workload == workload && r.slot == slot)
                .filter(|r| !is_wakewire(r.contender) && !r.excluded)
                .min_by(|a, b| a.primary().median.total_cmp(&b.primary().median))
            else {
                continue;
            };
            for ours in NAMES.into_iter().filter(|name| is_wakewire(name)) {
                if let Some(row) = self.row(workload, slot, ours) {
                    ratios.push(Ratio {
                        workload,
                        slot,
                        contender: ours,
                        ratio: row.primary().median / fastest.primary().median,
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
        for &(workload, slot) in self.main_lines() {
            let label = match self.rows.iter().find(|r| r.workload == workload) {
                Some(row) if row.kind.unit() != Kind::Time.unit() => {
                    format!("{workload} ({})", row.kind.unit())
                }
                _ => workload.to_owned(),
            };
            let _ = write!(out, "| {label} | {slot} |");
            for name in NAMES {
                let cell = match self.row(workload, slot, name) {
                    Some(row) => cell(row),
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

    /// The tracer's cost: `yield_many` on Wakewire with its tasks traced in each state,
    /// ns per poll, side by side; empty when the tracer rows did not run.
    pub(crate) fn tracer_table(&self) -> String {
        let tracer_rows: Vec<&Row> = self.rows.iter().filter(|r| r.is_tracer()).collect();
        if tracer_rows.is_empty() {
            return String::new();
        }
        let mut out = String::from("| tracer: yield_many, ns per poll | slot |");
        for state in TraceState::ALL {
            let _ = write!(out, " {} |", state.label());
        }
        out.push_str(" on − plain |\n| --- | --- |");
        for _ in TraceState::ALL {
            out.push_str(" ---: |");
        }
        out.push_str(" ---: |\n");
        let mut slots: Vec<Slot> = Vec::new();
        for row in &tracer_rows {
            if !slots.contains(&row.slot) {
                slots.push(row.slot);
            }
        }
        for slot in slots {
            for contender in NAMES.into_iter().filter(|name| is_wakewire(name)) {
                let of = |state: TraceState| self.row(state.workload_name(), slot, contender);
                if TraceState::ALL.iter().all(|&state| of(state).is_none()) {
                    continue;
                }
                let _ = write!(out, "| {contender} | {slot} |");
                for state in TraceState::ALL {
                    let cell = of(state).map_or_else(|| "n/a".to_owned(), cell);
                    let _ = write!(out, " {cell} |");
                }
                let delta = match (of(TraceState::On), of(TraceState::Plain)) {
                    (Some(on), Some(plain)) => {
                        format!("{:+.1}", on.primary().median - plain.primary().median)
                    }
                    _ => "n/a".to_owned(),
                };
                let _ = writeln!(out, " {delta} |");
            }
        }
        out
    }

    /// The footnote of `http` (the rows of [`Kind::Requests`]): each column's requests per
    /// second and p99 request latency, medians over the rounds; `None` if it did not run.
    pub(crate) fn http_note(&self) -> Option<String> {
        let parts: Vec<String> = self
            .rows
            .iter()
            .filter(|row| row.kind == Kind::Requests)
            .map(|row| {
                let (ns, p99_us) = (row.metrics[0].median, row.metrics[1].median);
                format!(
                    "{} ({}) {:.0} req/s, p99 {p99_us:.0} µs",
                    row.contender,
                    row.slot,
                    1e9 / ns
                )
            })
            .collect();
        (!parts.is_empty()).then(|| {
            format!(
                "http, measured in the {} run (median over rounds): {}.",
                self.mode,
                parts.join("; ")
            )
        })
    }

    /// The contenders behind each column, then the footnotes.
    pub(crate) fn legend_and_notes(&self) -> String {
        let mut out = String::from("Cells: median ns/op (min–max) over the interleaved rounds; ratio = Wakewire / fastest peer (named), below 1.00 means Wakewire is ahead; `wakewire-park` is the same executor with its reactors driven by its idle threads, `wakewire-sup` and `wakewire-sup-park` the pool in each mode with supervision on (lateness rows only; their ratios after `;`). Rows marked (µs) report tick lateness as p50 / p99 / max (p50 and p99: medians over the rounds; max: the latest tick of any round), the ratio comparing p99; rows marked (bytes) report heap bytes per item (median (min–max)), the ratio comparing them. Lower is better everywhere. `multi ×N` is the multi-thread slot with N workers for every contender (`--workers`).\n\n");
        let mut slots: Vec<Slot> = Vec::new();
        for info in &self.legend {
            if !slots.contains(&info.slot) {
                slots.push(info.slot);
            }
        }
        for slot in slots {
            let setups: Vec<String> = self
                .legend
                .iter()
                .filter(|info| info.slot == slot)
                .map(|info| format!("{} = {}", info.name, info.setup))
                .collect();
            let _ = writeln!(out, "- **{slot}**: {}", setups.join("; "));
        }
        out.push('\n');
        for (i, note) in self.notes.iter().enumerate() {
            let _ = writeln!(out, "{}. {note}", i + 1);
        }
        out
    }
}

/// One table cell: by the row's kind.
fn cell(row: &Row) -> String {
    match row.kind {
        Kind::Time | Kind::Requests => {
            let s = row.primary();
            let mark = if row.excluded { " †" } else { "" };
            format!("{} ({}–{}){mark}", ns(s.median), ns(s.min), ns(s.max))
        }
        Kind::Lateness { messages } => {
            let m = &row.metrics;
            // p50 and p99 are medians over the rounds; the max is the worst round's.
            let mut text = format!(
                "{} / {} / {}",
                ns(m[0].median),
                ns(m[1].median),
                ns(m[2].max)
            );
            if messages {
                let _ = write!(text, " · {} msgs", count(m[3].median));
            }
            text
        }
        Kind::Bytes => {
            let s = row.primary();
            if (s.max - s.min).abs() < 0.5 {
                ns(s.median)
            } else {
                format!("{} ({}–{})", ns(s.median), ns(s.min), ns(s.max))
            }
        }
    }
}

/// `2.1M`, `850k`, `312`: a message count for a cell.
fn count(value: f64) -> String {
    if value >= 1e6 {
        format!("{:.1}M", value / 1e6)
    } else if value >= 1e3 {
        format!("{:.0}k", value / 1e3)
    } else {
        format!("{value:.0}")
    }
}

/// The ratio of each line in two modes side by side (in-process, isolated).
pub(crate) fn ratio_comparison(in_process: &Report, isolated: &Report) -> String {
    let mut out = String::from(
        "| workload | slot | column | ratio in-process | ratio isolated |\n| --- | --- | --- | ---: | ---: |\n",
    );
    let isolated_ratios = isolated.ratios();
    for ratio in in_process.ratios() {
        let other = isolated_ratios
            .iter()
            .find(|r| {
                r.workload == ratio.workload
                    && r.slot == ratio.slot
                    && r.contender == ratio.contender
            })
            .map_or_else(
                || "n/a".to_owned(),
                |r| format!("{:.2} ({})", r.ratio, r.fastest_peer),
            );
        let _ = writeln!(
            out,
            "| {} | {} | {} | {:.2} ({}) | {other} |",
            ratio.workload, ratio.slot, ratio.contender, ratio.ratio, ratio.fastest_peer
        );
    }
    out
}

/// The JSON object of BENCHMARKS.md; with several modes, every row and ratio says its
/// `mode`.
pub(crate) fn json(reports: &[Report]) -> String {
    let machine = reports.first().map_or("", |r| r.machine.as_str());
    let mut out = format!("{{\"machine\": {}, \"rows\": [", json_string(machine));
    let mut first = true;
    for report in reports {
        for row in &report.rows {
            let s = row.primary();
            let workers = row
                .slot
                .workers()
                .map_or_else(|| "null".to_owned(), |n| n.to_string());
            let _ = write!(
                out,
                "{}{{\"workload\": {}, \"slot\": {}, \"workers\": {workers}, \"contender\": {}, \"mode\": {}, \"unit\": {}, ",
                if first { "" } else { ", " },
                json_string(row.workload),
                json_string(row.slot.as_str()),
                json_string(row.contender),
                json_string(report.mode),
                json_string(row.kind.unit()),
            );
            first = false;
            if row.kind == Kind::Time {
                let _ = write!(
                    out,
                    "\"median_ns\": {}, \"min_ns\": {}, \"max_ns\": {}, ",
                    json_number(s.median),
                    json_number(s.min),
                    json_number(s.max)
                );
            } else {
                out.push_str("\"metrics\": {");
                for (i, (name, m)) in row.kind.metrics().iter().zip(&row.metrics).enumerate() {
                    let _ = write!(
                        out,
                        "{}{}: {{\"median\": {}, \"min\": {}, \"max\": {}}}",
                        if i == 0 { "" } else { ", " },
                        json_string(name),
                        json_number(m.median),
                        json_number(m.min),
                        json_number(m.max)
                    );
                }
                out.push_str("}, ");
            }
            let _ = write!(out, "\"runs\": {}}}", s.runs);
        }
    }
    out.push_str("], \"ratios\": [");
    let mut first = true;
    for report in reports {
        for ratio in report.ratios() {
            let _ = write!(
                out,
                "{}{{\"workload\": {}, \"slot\": {}, \"ratio\": {}, \"contender\": {}, \"fastest_peer\": {}, \"mode\": {}}}",
                if first { "" } else { ", " },
                json_string(ratio.workload),
                json_string(ratio.slot.as_str()),
                json_number(ratio.ratio),
                json_string(ratio.contender),
                json_string(ratio.fastest_peer),
                json_string(report.mode),
            );
            first = false;
        }
    }
    out.push_str("]}\n");
    out
}

/// Everything printed on stdout (and written to RESULTS.md under the header): per mode,
/// its table, the tracer's table; with two modes, their ratios side by side; then the
/// legend and the notes.
pub(crate) fn body(reports: &[Report]) -> String {
    let mut out = String::new();
    let several = reports.len() > 1;
    for report in reports {
        if several {
            let _ = writeln!(out, "### {}\n", report.mode);
        }
        let _ = writeln!(out, "{}", report.table());
        let tracer = report.tracer_table();
        if !tracer.is_empty() {
            let _ = writeln!(out, "{tracer}");
        }
    }
    if let [in_process, isolated] = reports {
        let _ = writeln!(
            out,
            "### ratios, in-process vs isolated\n\n{}",
            ratio_comparison(in_process, isolated)
        );
    }
    if let Some(report) = reports.last() {
        out.push_str(&report.legend_and_notes());
    }
    out
}

/// The whole of bench/RESULTS.md.
pub(crate) fn results_file(
    reports: &[Report],
    command: &str,
    date: &str,
    rounds: usize,
    load: &str,
) -> String {
    let machine = reports.first().map_or("", |r| r.machine.as_str());
    let modes: Vec<&str> = reports.iter().map(|r| r.mode).collect();
    let ratio_note = match modes.as_slice() {
        [only] => format!("Every figure and ratio below is from the {only} run."),
        _ => "Each table's ratio column uses that table's own figures; the goal is judged on the **isolated** table (one runtime per process), the in-process one is kept to show how sharing a process moves the ratios.".to_owned(),
    };
    format!(
        "# Wakewire benchmark results\n\n\
         Written by the harness (`bench/`, protocol in BENCHMARKS.md); commit it after a full run so the history of ratios stays visible.\n\n\
         - Machine: {machine}\n- Command: `{command}`\n- Date: {date}\n- Load average (1/5/15 min) before → after the run: {load}\n- Rounds: {rounds} measured per contender (after one warm-up), interleaved A B C A B C … (fewer for the rows that cap them)\n- Modes: {}. {ratio_note}\n\n\
         {}",
        modes.join(", "),
        body(reports),
    )
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
            kind: Kind::Time,
            slot: Slot::Multi(2),
            contender,
            metrics: vec![summary(median)],
            excluded,
        }
    }

    fn lateness(contender: &'static str, p99: f64) -> Row {
        Row {
            workload: "always_ready",
            kind: Kind::Lateness { messages: true },
            slot: Slot::Multi(2),
            contender,
            metrics: vec![
                summary(50.0),
                summary(p99),
                summary(2.0 * p99),
                summary(2e6),
            ],
            excluded: false,
        }
    }

    fn report() -> Report {
        Report {
            mode: "in-process",
            machine: "CPU \"X\", 2 cores".to_owned(),
            rows: vec![
                row("wakewire", 30.0, false),
                row("wakewire-park", 20.0, false),
                row("tokio", 25.0, false),
                row("futures", 10.0, true),
                lateness("wakewire", 300.0),
                lateness("tokio", 200.0),
            ],
            lines: vec![
                ("yield_many", Slot::Multi(2)),
                ("spawn_many", Slot::Single),
                ("always_ready", Slot::Multi(2)),
            ],
            legend: Vec::new(),
            notes: vec!["a note".to_owned()],
        }
    }

    #[test]
    fn ratio_skips_excluded_peers() {
        let ratios = report().ratios();
        assert_eq!(
            ratios.len(),
            3,
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
        assert!(
            (ratios[2].ratio - 1.5).abs() < 1e-9,
            "lateness rows compare p99"
        );
    }

    #[test]
    fn table_has_a_column_per_contender_and_marks() {
        let table = report().table();
        let lines: Vec<_> = table.lines().collect();
        assert_eq!(
            lines[0],
            "| workload | slot | wakewire | wakewire-park | wakewire-sup | wakewire-sup-park | tokio | async-executor | futures | ratio |"
        );
        assert_eq!(
            lines[2],
            "| yield_many | multi ×2 | 30 (29–31) | 20 (19–21) | n/a | n/a | 25 (24–26) | n/a | 10 (9.0–11) † | 1.20 (tokio); wakewire-park 0.80 |"
        );
        assert_eq!(
            lines[3],
            "| spawn_many | single | n/a | n/a | n/a | n/a | n/a | n/a | n/a | n/a |"
        );
        assert_eq!(
            lines[4],
            "| always_ready (µs) | multi ×2 | 50 / 300 / 601 · 2.0M msgs | n/a | n/a | n/a | 50 / 200 / 401 · 2.0M msgs | n/a | n/a | 1.50 (tokio) |"
        );
    }

    #[test]
    fn http_rows_show_ns_per_request_and_their_note_the_rest() {
        let mut report = report();
        assert_eq!(report.http_note(), None, "no http rows, no note");
        for (contender, ns, p99_us) in [("wakewire", 50_000.0, 900.0), ("tokio", 40_000.0, 700.0)] {
            report.rows.push(Row {
                workload: "http",
                kind: Kind::Requests,
                slot: Slot::Single,
                contender,
                metrics: vec![summary(ns), summary(p99_us)],
                excluded: false,
            });
        }
        report.lines.push(("http", Slot::Single));
        let table = report.table();
        assert!(
            table.contains("| http | single | 50,000 (49,999–50,001) | n/a | n/a | n/a | 40,000 (39,999–40,001) | n/a | n/a | 1.25 (tokio) |"),
            "{table}"
        );
        assert_eq!(
            report.http_note().as_deref(),
            Some("http, measured in the in-process run (median over rounds): wakewire (single) 20000 req/s, p99 900 µs; tokio (single) 25000 req/s, p99 700 µs.")
        );
        let json = json(&[report]);
        assert!(json.contains("\"unit\": \"ns/op\", \"metrics\": {\"ns\": {\"median\": 50000, \"min\": 49999, \"max\": 50001}, \"p99_us\": {\"median\": 900,"), "{json}");
    }

    #[test]
    fn tracer_rows_get_their_own_table() {
        let mut report = report();
        for (state, median) in TraceState::ALL.into_iter().zip([20.0, 21.0, 22.0, 90.0]) {
            let mut traced = row("wakewire", median, false);
            traced.workload = state.workload_name();
            report.rows.push(traced);
            report.lines.push((state.workload_name(), Slot::Multi(2)));
        }
        assert!(
            !report.table().contains("traced_yield"),
            "not in the main table"
        );
        let tracer = report.tracer_table();
        let lines: Vec<_> = tracer.lines().collect();
        assert_eq!(
            lines[0],
            "| tracer: yield_many, ns per poll | slot | plain | off | paused | on | on − plain |"
        );
        assert_eq!(
            lines[2],
            "| wakewire | multi ×2 | 20 (19–21) | 21 (20–22) | 22 (21–23) | 90 (89–91) | +70.0 |"
        );
        assert_eq!(report.ratios().len(), 3, "no ratio for the tracer rows");
    }

    #[test]
    fn json_has_the_documented_shape() {
        let json = json(&[report()]);
        assert!(json.starts_with("{\"machine\": \"CPU \\\"X\\\", 2 cores\", \"rows\": [{\"workload\": \"yield_many\", \"slot\": \"multi\", \"workers\": 2, \"contender\": \"wakewire\", \"mode\": \"in-process\", \"unit\": \"ns/op\", \"median_ns\": 30, \"min_ns\": 29, \"max_ns\": 31, \"runs\": 3}, "), "{json}");
        assert!(json.contains("\"unit\": \"µs\", \"metrics\": {\"p50_us\": {\"median\": 50, \"min\": 49, \"max\": 51}, \"p99_us\": {\"median\": 300,"), "{json}");
        assert!(json.ends_with("{\"workload\": \"yield_many\", \"slot\": \"multi\", \"ratio\": 0.8, \"contender\": \"wakewire-park\", \"fastest_peer\": \"tokio\", \"mode\": \"in-process\"}, {\"workload\": \"always_ready\", \"slot\": \"multi\", \"ratio\": 1.5, \"contender\": \"wakewire\", \"fastest_peer\": \"tokio\", \"mode\": \"in-process\"}]}\n"), "{json}");
        let parsed: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
        assert_eq!(parsed["rows"].as_array().unwrap().len(), 6);
    }

    #[test]
    fn results_file_has_machine_command_tables_and_notes() {
        let in_process = report();
        let mut isolated = report();
        isolated.mode = "isolated";
        isolated.rows[0].metrics[0] = summary(25.0);
        let text = results_file(
            &[in_process.clone(), isolated.clone()],
            "cargo run --release -p wakewire-bench -- --both --write-results",
            "2026-01-02 03:04 UTC",
            15,
            "1.0 1.0 1.0 → 2.0 1.0 1.0",
        );
        assert!(text.starts_with("# Wakewire benchmark results\n"));
        assert!(text.contains("- Machine: CPU \"X\", 2 cores\n"));
        assert!(text.contains(
            "- Command: `cargo run --release -p wakewire-bench -- --both --write-results`\n"
        ));
        assert!(text.contains("- Modes: in-process, isolated."));
        assert!(text.contains("### in-process\n\n"));
        assert!(text.contains(&in_process.table()));
        assert!(text.contains(&isolated.table()));
        assert!(text.contains("| yield_many | multi ×2 | wakewire | 1.20 (tokio) | 1.00 (tokio) |"));
        assert!(text.contains("1. a note\n"));
    }

    #[test]
    fn ns_formatting() {
        assert_eq!(ns(4.31), "4.3");
        assert_eq!(ns(188.4), "188");
        assert_eq!(ns(5707.0), "5,707");
        assert_eq!(ns(21_000_000.0), "21,000,000");
        assert_eq!(count(2_100_000.0), "2.1M");
        assert_eq!(count(850_400.0), "850k");
        assert_eq!(count(312.0), "312");
    }
}
