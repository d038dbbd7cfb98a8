//! The whole table — executors × (the contract, then reactors × modes) — and running it.

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread;

use crate::kit::cell::{run_cell, scenario_limit, Column};
use crate::kit::executor::ExecutorEntry;
use crate::kit::reactor::{Mode, ReactorEntry, ScenarioInfo};
use crate::kit::report::{CellReport, Report};

/// The name of the contract column.
pub const CONTRACT: &str = "contract";

/// The executor contract's scenarios (they run in the `contract` column of every row).
pub fn contract_scenarios() -> Vec<ScenarioInfo> {
    crate::scenarios::contract::SCENARIOS
        .iter()
        .map(|scenario| scenario.info)
        .collect()
}

/// A matrix: rows of executors, columns of reactors in each drive mode, and (unless left
/// out) a first column for the executor contract.
///
/// ```no_run
/// let matrix = wakewire_matrix::Matrix::wakewire();
/// let report = matrix.run(&wakewire_matrix::Filter::all(), 2, &|_| {});
/// assert!(report.all_passed());
/// ```
#[derive(Clone)]
pub struct Matrix {
    executors: Vec<ExecutorEntry>,
    reactors: Vec<ReactorEntry>,
    contract: bool,
    limit: Option<std::time::Duration>,
}

impl Matrix {
    /// Wakewire's matrix: every executor and every reactor of the workspace.
    pub fn wakewire() -> Self {
        Matrix::new(crate::executors::all(), crate::reactors::all())
    }

    /// A matrix of your own rows and columns (with the contract column).
    pub fn new(executors: Vec<ExecutorEntry>, reactors: Vec<ReactorEntry>) -> Self {
        Matrix {
            executors,
            reactors,
            contract: true,
            limit: None,
        }
    }

    /// Adds a row.
    pub fn with_executor(mut self, executor: ExecutorEntry) -> Self {
        self.executors.push(executor);
        self
    }

    /// Adds a reactor (its columns).
    pub fn with_reactor(mut self, reactor: ReactorEntry) -> Self {
        self.reactors.push(reactor);
        self
    }

    /// Leaves the contract column out (when checking a reactor, say).
    pub fn without_contract(mut self) -> Self {
        self.contract = false;
        self
    }

    /// How long one scenario may run before its cell is reported as hung (default: the
    /// `WAKEWIRE_MATRIX_SCENARIO_SECS` environment variable, or 10 s).
    pub fn with_scenario_limit(mut self, limit: std::time::Duration) -> Self {
        self.limit = Some(limit);
        self
    }

    /// The rows.
    pub fn executors(&self) -> &[ExecutorEntry] {
        &self.executors
    }

    /// The reactors.
    pub fn reactors(&self) -> &[ReactorEntry] {
        &self.reactors
    }

    /// The columns, in order: the contract, then each reactor in each mode.
    pub fn columns(&self) -> Vec<Column> {
        let mut columns = Vec::new();
        if self.contract {
            columns.push(Column::Contract);
        }
        for reactor in &self.reactors {
            for mode in Mode::ALL {
                columns.push(Column::Reactor(reactor.clone(), mode));
            }
        }
        columns
    }

    /// Runs every cell `filter` selects, `jobs` at a time, calling `progress` as cells start
    /// and end, and returns the report (cells in table order).
    pub fn run(
        &self,
        filter: &Filter,
        jobs: usize,
        progress: &(dyn Fn(Event<'_>) + Sync),
    ) -> Report {
        let columns = self.columns();
        let cells: Vec<(&ExecutorEntry, &Column)> = self
            .executors
            .iter()
            .flat_map(|executor| columns.iter().map(move |column| (executor, column)))
            .filter(|(executor, column)| filter.selects(executor.name(), column))
            .collect();
        let total = cells.len();
        let limit = self.limit.unwrap_or_else(scenario_limit);
        let next = AtomicUsize::new(0);
        let done = AtomicUsize::new(0);
        let results: Mutex<Vec<Option<CellReport>>> = Mutex::new(vec![None; total]);
        thread::scope(|scope| {
            for _ in 0..jobs.clamp(1, total.max(1)) {
                scope.spawn(|| loop {
                    let index = next.fetch_add(1, Ordering::SeqCst);
                    let Some(&(executor, column)) = cells.get(index) else {
                        break;
                    };
                    progress(Event::Started {
                        done: done.load(Ordering::SeqCst),
                        total,
                        executor: executor.name(),
                        column: column_label(column),
                    });
                    let report = run_cell(executor, column, limit);
                    let finished = done.fetch_add(1, Ordering::SeqCst) + 1;
                    progress(Event::Finished {
                        done: finished,
                        total,
                        cell: &report,
                    });
                    results.lock().unwrap_or_else(|e| e.into_inner())[index] = Some(report);
                });
            }
        });
        Report {
            executors: self
                .executors
                .iter()
                .filter(|executor| filter.selects_executor(executor.name()))
                .map(|executor| (executor.name().to_owned(), executor.about().to_owned()))
                .collect(),
            columns: columns
                .iter()
                .filter(|column| filter.selects_column(column))
                .map(|column| {
                    (
                        column.reactor_name().to_owned(),
                        column.mode_name().to_owned(),
                    )
                })
                .collect(),
            cells: results
                .into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .into_iter()
                .flatten()
                .collect(),
        }
    }
}

impl fmt::Debug for Matrix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Matrix")
            .field("executors", &self.executors.len())
            .field("reactors", &self.reactors.len())
            .field("contract", &self.contract)
            .finish()
    }
}

fn column_label(column: &Column) -> String {
    crate::kit::report::column_name(column.reactor_name(), column.mode_name())
}

/// What [`Matrix::run`] tells its progress callback.
#[derive(Debug)]
pub enum Event<'a> {
    /// A cell starts.
    Started {
        /// Cells finished so far.
        done: usize,
        /// Cells to run.
        total: usize,
        /// The cell's executor.
        executor: &'a str,
        /// The cell's column (`reactor/mode` or `contract`).
        column: String,
    },
    /// A cell ended.
    Finished {
        /// Cells finished so far, this one included.
        done: usize,
        /// Cells to run.
        total: usize,
        /// Its report.
        cell: &'a CellReport,
    },
}

/// Which cells to run: `EXECUTOR/REACTOR` patterns (`--only`), any of which may match.
///
/// Each side may be empty or `*` (anything); the reactor side may name a mode
/// (`mio/park`) or the `contract` column. `tokio-multi-thread` alone selects a whole row.
///
/// ```
/// use wakewire_matrix::Filter;
///
/// let filter = Filter::parse(&["wakewire-pool/mio", "*/contract"]).unwrap();
/// assert!(filter.selects_executor("wakewire-pool"));
/// ```
#[derive(Debug, Clone, Default)]
pub struct Filter {
    patterns: Vec<(String, String)>,
}

impl Filter {
    /// Every cell.
    pub fn all() -> Self {
        Filter::default()
    }

    /// Parses `--only` patterns.
    ///
    /// # Errors
    ///
    /// A pattern with more than two `/`-separated parts besides a mode.
    pub fn parse(patterns: &[impl AsRef<str>]) -> Result<Self, String> {
        let mut parsed = Vec::new();
        for pattern in patterns {
            let pattern = pattern.as_ref();
            let mut parts = pattern.splitn(2, '/');
            let executor = parts.next().unwrap_or_default().to_owned();
            let reactor = parts.next().unwrap_or_default().to_owned();
            if reactor.matches('/').count() > 1 {
                return Err(format!(
                    "--only {pattern}: expected EXECUTOR/REACTOR or EXECUTOR/REACTOR/MODE"
                ));
            }
            parsed.push((executor, reactor));
        }
        Ok(Filter { patterns: parsed })
    }

    fn any(part: &str) -> bool {
        part.is_empty() || part == "*"
    }

    /// Whether any pattern selects cells of this executor.
    pub fn selects_executor(&self, executor: &str) -> bool {
        self.patterns.is_empty()
            || self
                .patterns
                .iter()
                .any(|(e, _)| Self::any(e) || e == executor)
    }

    fn column_matches(pattern: &str, column: &Column) -> bool {
        if Self::any(pattern) {
            return true;
        }
        let (reactor, mode) = pattern.split_once('/').unwrap_or((pattern, ""));
        reactor == column.reactor_name() && (Self::any(mode) || mode == column.mode_name())
    }

    /// Whether any pattern selects this column.
    pub(crate) fn selects_column(&self, column: &Column) -> bool {
        self.patterns.is_empty()
            || self
                .patterns
                .iter()
                .any(|(_, r)| Self::column_matches(r, column))
    }

    pub(crate) fn selects(&self, executor: &str, column: &Column) -> bool {
        self.patterns.is_empty()
            || self
                .patterns
                .iter()
                .any(|(e, r)| (Self::any(e) || e == executor) && Self::column_matches(r, column))
    }
}

/// Runs your executor against the whole kit: one row, every column of Wakewire's matrix
/// (the contract, and every reactor in the modes your executor supports).
///
/// ```no_run
/// use wakewire_executor_local::LocalExecutor;
/// use wakewire_matrix::{check_executor, ExecutorEntry, ExecutorUnderTest};
///
/// let mine = ExecutorEntry::new("mine", "my executor", || {
///     let ex = LocalExecutor::new();
///     let remote = ex.spawner();
///     ExecutorUnderTest::new(ex).spawns().remote(remote).boxed()
/// });
/// let report = check_executor(mine);
/// println!("{}", report.to_text());
/// ```
pub fn check_executor(executor: ExecutorEntry) -> Report {
    let matrix = Matrix::new(vec![executor], crate::reactors::all());
    matrix.run(&Filter::all(), default_jobs(), &|_| {})
}

/// Runs your reactor's scenarios on every executor of Wakewire's matrix, in the modes
/// your reactor supports.
pub fn check_reactor(reactor: ReactorEntry) -> Report {
    let matrix = Matrix::new(crate::executors::all(), vec![reactor]).without_contract();
    matrix.run(&Filter::all(), default_jobs(), &|_| {})
}

/// How many cells run at once by default: the machine's cores, at least 2.
pub fn default_jobs() -> usize {
    thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .max(2)
}
