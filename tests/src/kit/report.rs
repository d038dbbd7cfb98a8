//! What a run of the matrix found: one [`CellReport`] per cell, gathered in a [`Report`].

use std::fmt;

/// How a cell ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Every scenario that applies passed.
    Pass,
    /// A scenario failed (or hung); the detail names it and says why.
    Fail,
    /// The cell cannot apply; the detail says why.
    NotApplicable,
}

impl Status {
    /// `"pass"`, `"fail"` or `"n/a"`, as in the JSON report.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::NotApplicable => "n/a",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The result of one cell: one executor, one reactor, one drive mode.
#[derive(Debug, Clone, PartialEq)]
pub struct CellReport {
    /// The executor's name (the row).
    pub executor: String,
    /// The reactor's name, or `contract` for the executor's own contract.
    pub reactor: String,
    /// `thread`, `park`, or `-` for the contract column.
    pub mode: String,
    /// How it ended.
    pub status: Status,
    /// Scenarios that ran and passed (for a failed cell, those before the failure).
    pub scenarios: usize,
    /// Wall time of the cell, in milliseconds (setup and shutdown included).
    pub ms: f64,
    /// For a failure, the scenario and its message; for `n/a`, the reason; for a pass,
    /// remarks (scenarios that did not apply, observed behaviours), possibly empty.
    pub detail: String,
}

impl CellReport {
    /// The column this cell is in: `reactor/mode`, or `contract`.
    pub fn column(&self) -> String {
        column_name(&self.reactor, &self.mode)
    }
}

/// `reactor/mode`, or the reactor alone when the column has no mode.
pub(crate) fn column_name(reactor: &str, mode: &str) -> String {
    if mode == "-" {
        reactor.to_owned()
    } else {
        format!("{reactor}/{mode}")
    }
}

/// Every cell of a run, with the rows and columns in table order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// The executors (rows), in order, with what each is.
    pub executors: Vec<(String, String)>,
    /// The columns, in order: `(reactor, mode)`.
    pub columns: Vec<(String, String)>,
    /// The cells, row by row.
    pub cells: Vec<CellReport>,
}

impl Report {
    /// How many cells passed, failed, and did not apply.
    pub fn counts(&self) -> (usize, usize, usize) {
        let count = |status| self.cells.iter().filter(|c| c.status == status).count();
        (
            count(Status::Pass),
            count(Status::Fail),
            count(Status::NotApplicable),
        )
    }

    /// Whether no cell failed.
    pub fn all_passed(&self) -> bool {
        self.cells.iter().all(|c| c.status != Status::Fail)
    }

    /// The cells that failed.
    pub fn failures(&self) -> impl Iterator<Item = &CellReport> {
        self.cells.iter().filter(|c| c.status == Status::Fail)
    }

    /// The cell of `executor` in `column` (`reactor/mode` or `contract`), if it ran.
    pub fn cell(&self, executor: &str, column: &str) -> Option<&CellReport> {
        self.cells
            .iter()
            .find(|c| c.executor == executor && c.column() == column)
    }
}
