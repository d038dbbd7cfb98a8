//! The cross-compatibility matrix: Wakewire's proof that any executor runs any reactor.
//!
//! Every executor (rows) runs every reactor's scenarios (columns), in each way the reactor
//! can be driven: on a thread of its own, or by the executor's idle threads through core's
//! `Park`. Executors and reactors meet only through `std::task::Waker` and the core traits,
//! and so does this kit: it is written once against [`Spawn`](wakewire_core::Spawn),
//! [`LocalSpawn`](wakewire_core::LocalSpawn), [`BlockOn`](wakewire_core::BlockOn),
//! [`Park`](wakewire_core::Park) and [`Timer`](wakewire_core::Timer) — through their `dyn`
//! forms, so executors of every kind sit in one table — and instantiated for every cell.
//!
//! Run it: `cargo run --release -p wakewire-matrix` prints the matrix (and `--help` says
//! more); `cargo test -p wakewire-matrix` runs the same cells as tests.
//!
//! # Poll → Wait → Wake, cell by cell
//!
//! A cell builds a fresh reactor in its mode and a fresh executor (handing it the
//! reactor's park in park mode), then runs each scenario as a task of that executor (or in
//! its `block_on` when it spawns nothing). A scenario asserts *semantics*: the leaf
//! future completes; a wake from another thread reaches the task; only the latest waker
//! is woken; dropping or cancelling a pending leaf releases its registration; timeouts
//! through core's `Timer`; the reactor's error paths. The `contract` column checks the
//! executor itself: join handles, spawning, nested `block_on`, fairness, shutdown. Each
//! cell runs on a thread of its own, and a scenario that hangs fails its cell, naming
//! where it was waiting.
//!
//! # Joining the matrix
//!
//! Your executor joins with an [`ExecutorEntry`]; [`check_executor`] runs the whole kit
//! on it and returns the [`Report`]:
//!
//! ```no_run
//! use wakewire_core::block_on::Blocker;
//! use wakewire_matrix::{check_executor, ExecutorEntry, ExecutorUnderTest, Status};
//!
//! let mine = ExecutorEntry::new("my-block-on", "core's Blocker, under another name", || {
//!     ExecutorUnderTest::new(Blocker::new()).boxed()
//! });
//! let report = check_executor(mine);
//! print!("{}", report.to_text());
//! assert!(report.cells.iter().all(|cell| cell.status != Status::Fail));
//! ```
//!
//! Your reactor joins as a [`LeafSource`] (a factory of leaf futures and of the events
//! that complete them) in a [`ReactorBuilder`]; [`check_reactor`] runs the generic
//! scenarios, and any you add, on every executor. `examples/15_own_executor_joins_the_matrix.rs`
//! at the workspace root shows a forty-line executor taking its row.
//!
//! # Shared test helpers
//!
//! [`util`] holds the helpers every crate's tests share (watchdog, `scaled`, drop counters,
//! a counting allocator, polling by hand, panic text), defined once: it is the small
//! `wakewire-test-util` crate beside the kit (`tests/util`), so a crate's tests can use the
//! helpers without linking every runtime the matrix runs.
#![doc(test(attr(deny(warnings))))]
#![deny(unsafe_code)]

mod executors;
mod kit;
mod matrix;
mod reactors;
mod render;
mod scenarios;

/// The shared test helpers (the `wakewire-test-util` crate), which the kit is built on.
pub use wakewire_test_util as util;

pub use kit::cell::Column;
pub use kit::context::{CellContext, RemoteSpawner};
pub use kit::executor::{CellExecutor, Drive, ExecutorEntry, ExecutorUnderTest};
pub use kit::leaf::{Clockwork, Leaf, LeafSource, RegistrationCount};
pub use kit::reactor::{Mode, ReactorBuilder, ReactorEntry, Scenario, ScenarioInfo};
pub use kit::report::{CellReport, Report, Status};
pub use matrix::{
    check_executor, check_reactor, contract_scenarios, default_jobs, Event, Filter, Matrix,
    CONTRACT,
};

/// Every executor of Wakewire's matrix, in row order.
pub fn executors() -> Vec<ExecutorEntry> {
    executors::all()
}

/// Every reactor of Wakewire's matrix, in column order.
pub fn reactors() -> Vec<ReactorEntry> {
    reactors::all()
}

/// Runs one cell of Wakewire's matrix (`column` is `contract` or `reactor/mode`) and
/// returns its report: the entry point of the generated tests.
///
/// # Panics
///
/// When the executor or the column does not exist.
pub fn run_one_cell(executor: &str, column: &str) -> CellReport {
    let matrix = Matrix::wakewire();
    let entry = matrix
        .executors()
        .iter()
        .find(|entry| entry.name() == executor)
        .unwrap_or_else(|| panic!("no executor named {executor:?} in the matrix"));
    let cell = matrix
        .columns()
        .into_iter()
        .find(|c| kit::report::column_name(c.reactor_name(), c.mode_name()) == column)
        .unwrap_or_else(|| panic!("no column named {column:?} in the matrix"));
    kit::cell::run_cell(entry, &cell, kit::cell::scenario_limit())
}

/// Installs a panic hook that stays silent for the panics the kit provokes on purpose (a
/// task that panics, a nested `block_on` refused) and passes every other panic to the hook
/// that was installed before. Failures are reported through the cells either way; this
/// only keeps the terminal readable.
pub fn hide_expected_panics() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = util::panic_text(info.payload());
        let expected = [
            scenarios::contract_join::BOOM,
            "cannot block this thread on a future",
            "Cannot start a runtime from within a runtime",
        ];
        if !expected.iter().any(|text| message.contains(text)) {
            previous(info);
        }
    }));
}
