//! The report as a terminal table, as Markdown (`docs/MATRIX.md`) and as JSON.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::json;

use crate::kit::report::{column_name, CellReport, Report, Status};
use crate::matrix::{contract_scenarios, Matrix, CONTRACT};

/// `3.2ms`, `41ms`, `1.3s`.
fn duration(ms: f64) -> String {
    if ms < 10.0 {
        format!("{ms:.1}ms")
    } else if ms < 1000.0 {
        format!("{ms:.0}ms")
    } else {
        format!("{:.1}s", ms / 1000.0)
    }
}

/// Numbers the distinct reasons of `n/a` cells, in table order.
struct Reasons {
    numbered: Vec<String>,
}

impl Reasons {
    fn number(&mut self, reason: &str) -> usize {
        match self.numbered.iter().position(|r| r == reason) {
            Some(index) => index + 1,
            None => {
                self.numbered.push(reason.to_owned());
                self.numbered.len()
            }
        }
    }
}

/// The grid's columns: those where some cell applies. A column that never applies is
/// listed under the grid with its reason instead.
fn shown_columns(report: &Report) -> (Vec<String>, Vec<(String, String)>) {
    let mut shown = Vec::new();
    let mut hidden = Vec::new();
    for (reactor, mode) in &report.columns {
        let name = column_name(reactor, mode);
        let cells: Vec<&CellReport> = report.cells.iter().filter(|c| c.column() == name).collect();
        let never = !cells.is_empty() && cells.iter().all(|c| c.status == Status::NotApplicable);
        let same_reason = cells.windows(2).all(|w| w[0].detail == w[1].detail);
        if never && same_reason {
            hidden.push((name, cells[0].detail.clone()));
        } else {
            shown.push(name);
        }
    }
    (shown, hidden)
}

fn cell_text(cell: Option<&CellReport>, reasons: &mut Reasons) -> String {
    match cell {
        None => "·".to_owned(),
        Some(cell) => match cell.status {
            Status::Pass => format!("✓ {}", duration(cell.ms)),
            Status::Fail => "✗ FAIL".to_owned(),
            Status::NotApplicable => format!("n/a [{}]", reasons.number(&cell.detail)),
        },
    }
}

impl Report {
    /// The matrix as a terminal table, then failures, reasons and counts.
    pub fn to_text(&self) -> String {
        let (columns, hidden) = shown_columns(self);
        let mut reasons = Reasons {
            numbered: Vec::new(),
        };
        let mut grid: Vec<Vec<String>> = Vec::new();
        let mut header = vec!["executor \\ reactor/mode".to_owned()];
        header.extend(columns.iter().cloned());
        grid.push(header);
        for (executor, _) in &self.executors {
            let mut row = vec![executor.clone()];
            for column in &columns {
                row.push(cell_text(self.cell(executor, column), &mut reasons));
            }
            grid.push(row);
        }
        let widths: Vec<usize> = (0..grid[0].len())
            .map(|i| {
                grid.iter()
                    .map(|row| row[i].chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut out = String::new();
        for (r, row) in grid.iter().enumerate() {
            for (i, text) in row.iter().enumerate() {
                let pad = widths[i] - text.chars().count();
                let _ = write!(out, "{text}{}  ", " ".repeat(pad));
            }
            out.truncate(out.trim_end().len());
            out.push('\n');
            if r == 0 {
                let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
                out.push_str(&rule.join("  "));
                out.push('\n');
            }
        }
        let failures: Vec<&CellReport> = self.failures().collect();
        if !failures.is_empty() {
            out.push_str("\nFailures:\n");
            for cell in failures {
                let _ = writeln!(
                    out,
                    "  ✗ {} × {}: {}",
                    cell.executor,
                    cell.column(),
                    cell.detail
                );
            }
        }
        if !reasons.numbered.is_empty() || !hidden.is_empty() {
            out.push_str("\nNot applicable:\n");
            for (i, reason) in reasons.numbered.iter().enumerate() {
                let _ = writeln!(out, "  [{}] {reason}", i + 1);
            }
            for (column, reason) in &hidden {
                let _ = writeln!(out, "  {column} (every executor): {reason}");
            }
        }
        let (pass, fail, na) = self.counts();
        let _ = writeln!(
            out,
            "\n{} cells: {pass} pass, {fail} fail, {na} n/a",
            self.cells.len()
        );
        out
    }

    /// The report as JSON:
    /// `{"cells":[{"executor","reactor","mode","status","scenarios","ms","detail"}]}`.
    pub fn to_json(&self) -> String {
        let cells: Vec<_> = self
            .cells
            .iter()
            .map(|cell| {
                json!({
                    "executor": cell.executor,
                    "reactor": cell.reactor,
                    "mode": cell.mode,
                    "status": cell.status.as_str(),
                    "scenarios": cell.scenarios,
                    "ms": (cell.ms * 10.0).round() / 10.0,
                    "detail": cell.detail,
                })
            })
            .collect();
        let mut text = serde_json::to_string_pretty(&json!({ "cells": cells }))
            .expect("a report is always valid JSON");
        text.push('\n');
        text
    }

    /// The report as the Markdown page `docs/MATRIX.md`: the grid, the reasons, the
    /// failures, and what every executor, reactor and scenario is (from `matrix`).
    pub fn to_markdown(&self, matrix: &Matrix) -> String {
        let (columns, hidden) = shown_columns(self);
        let mut reasons = Reasons {
            numbered: Vec::new(),
        };
        let (pass, fail, na) = self.counts();
        let mut out = String::new();
        out.push_str("# The cross-compatibility matrix\n\n");
        out.push_str(
            "Every executor (rows) against every reactor, in each way the reactor can be \
             driven (columns): `thread` — the reactor runs on a thread of its own, or needs \
             no driver; `park` — the executor's idle threads drive it through core's `Park`. \
             The `contract` column is the executor's own contract, which needs no reactor. \
             A ✓ cell passed every scenario that applies (its time includes setup and \
             shutdown); `n/a` cells say why they cannot apply.\n\n",
        );
        out.push_str(
            "Generated by `cargo run --release -p wakewire-matrix -- --markdown docs/MATRIX.md` \
             (the crate in `tests/`); `cargo test -p wakewire-matrix` runs the same cells as \
             tests. Times are from one run on a 2-core machine and vary from run to run.\n\n",
        );
        let _ = writeln!(
            out,
            "**{} cells: {pass} pass, {fail} fail, {na} n/a.**\n",
            self.cells.len()
        );
        let _ = write!(out, "| executor |");
        for column in &columns {
            let _ = write!(out, " {column} |");
        }
        out.push_str("\n| --- |");
        for _ in &columns {
            out.push_str(" --- |");
        }
        out.push('\n');
        for (executor, _) in &self.executors {
            let _ = write!(out, "| `{executor}` |");
            for column in &columns {
                let text = match self.cell(executor, column) {
                    Some(cell) if cell.status == Status::Fail => "✗".to_owned(),
                    cell => cell_text(cell, &mut reasons),
                };
                let _ = write!(out, " {text} |");
            }
            out.push('\n');
        }
        if !reasons.numbered.is_empty() || !hidden.is_empty() {
            out.push_str("\n## Why a cell does not apply\n\n");
            for (i, reason) in reasons.numbered.iter().enumerate() {
                let _ = writeln!(out, "{}. {reason}", i + 1);
            }
            if !hidden.is_empty() {
                out.push_str("\nColumns left out of the table because no executor can apply:\n\n");
                for (column, reason) in &hidden {
                    let _ = writeln!(out, "- `{column}`: {reason}");
                }
            }
        }
        let failures: Vec<&CellReport> = self.failures().collect();
        if !failures.is_empty() {
            out.push_str("\n## Failures\n\n");
            for cell in failures {
                let _ = writeln!(
                    out,
                    "- `{}` × `{}`: {}",
                    cell.executor,
                    cell.column(),
                    cell.detail
                );
            }
        }
        let remarks: BTreeMap<String, Vec<String>> = self
            .cells
            .iter()
            .filter(|c| c.status == Status::Pass && !c.detail.is_empty())
            .fold(BTreeMap::new(), |mut by_remark, cell| {
                by_remark
                    .entry(cell.detail.clone())
                    .or_default()
                    .push(format!("`{}` × `{}`", cell.executor, cell.column()));
                by_remark
            });
        if !remarks.is_empty() {
            out.push_str("\n## Remarks on passing cells\n\n");
            for (remark, cells) in remarks {
                let _ = writeln!(out, "- {remark}: {}", cells.join(", "));
            }
        }
        out.push_str("\n## Executors\n\n");
        for executor in matrix.executors() {
            let _ = writeln!(out, "- `{}`: {}", executor.name(), executor.about());
        }
        let _ = writeln!(out, "\n## Scenarios\n\n### `{CONTRACT}` (every executor)\n");
        for scenario in contract_scenarios() {
            let _ = writeln!(out, "- `{}`: {}", scenario.name, scenario.about);
        }
        for reactor in matrix.reactors() {
            let _ = writeln!(out, "\n### `{}`: {}\n", reactor.name(), reactor.about());
            for scenario in reactor.scenarios() {
                let _ = writeln!(out, "- `{}`: {}", scenario.name, scenario.about);
            }
        }
        out
    }
}
