//! The matrix as tests: one `#[test]` per cell, stamped out by one macro from the lists
//! of rows and columns below (`every_cell_has_a_test` keeps the lists equal to the
//! table). A cell that does not apply passes and prints why; a failing or hung cell fails
//! its test with the cell's report.

use wakewire_matrix::{run_one_cell, Matrix, Status};

/// Runs one cell and fails the test if the cell fails.
fn check(executor: &str, column: &str) {
    let cell = run_one_cell(executor, column);
    match cell.status {
        Status::Pass => println!(
            "✓ {executor} × {column}: {} scenarios, {:.1} ms {}",
            cell.scenarios, cell.ms, cell.detail
        ),
        Status::NotApplicable => println!("n/a {executor} × {column}: {}", cell.detail),
        Status::Fail => panic!("✗ {executor} × {column}: {}", cell.detail),
    }
}

/// One module per executor, one test per column in it.
macro_rules! matrix_tests {
    (executors { $($executor:ident = $executor_name:literal),* $(,)? } columns $columns:tt) => {
        $( matrix_tests!(@row $executor $executor_name $columns); )*

        /// The rows the tests cover.
        const EXECUTORS: &[&str] = &[$($executor_name),*];
        /// The columns the tests cover.
        const COLUMNS: &[&str] = &matrix_tests!(@names $columns);
    };
    (@row $executor:ident $executor_name:literal { $($column:ident = $column_name:literal),* $(,)? }) => {
        mod $executor {
            $(
                #[test]
                fn $column() {
                    super::check($executor_name, $column_name);
                }
            )*
        }
    };
    (@names { $($column:ident = $column_name:literal),* $(,)? }) => {
        [$($column_name),*]
    };
}

matrix_tests! {
    executors {
        wakewire_local = "wakewire-local",
        wakewire_pool = "wakewire-pool",
        wakewire_block_on = "wakewire-block-on",
        tokio_current_thread = "tokio-current-thread",
        tokio_multi_thread = "tokio-multi-thread",
        async_executor = "async-executor",
        async_executor_local = "async-executor-local",
        futures_thread_pool = "futures-thread-pool",
        futures_local_pool = "futures-local-pool",
    }
    columns {
        contract = "contract",
        mio_thread = "mio/thread",
        mio_park = "mio/park",
        timer_thread = "timer/thread",
        timer_park = "timer/park",
        channel_thread = "channel/thread",
        channel_park = "channel/park",
        blocking_thread = "blocking/thread",
        blocking_park = "blocking/park",
        tokio_thread = "tokio/thread",
        tokio_park = "tokio/park",
        async_io_thread = "async-io/thread",
        async_io_park = "async-io/park",
        smol_timeout_thread = "smol-timeout/thread",
        smol_timeout_park = "smol-timeout/park",
        futures_timer_thread = "futures-timer/thread",
        futures_timer_park = "futures-timer/park",
        hyper_thread = "hyper/thread",
        hyper_park = "hyper/park",
    }
}

#[test]
fn every_cell_has_a_test() {
    let matrix = Matrix::wakewire();
    let executors: Vec<&str> = matrix.executors().iter().map(|e| e.name()).collect();
    assert_eq!(
        executors, EXECUTORS,
        "the test rows follow the table's executors"
    );
    let columns: Vec<String> = matrix
        .columns()
        .iter()
        .map(|c| match c.mode_name() {
            "-" => c.reactor_name().to_owned(),
            mode => format!("{}/{mode}", c.reactor_name()),
        })
        .collect();
    assert_eq!(
        columns, COLUMNS,
        "the test columns follow the table's columns"
    );
}
