//! Running one test in a child process, for tests whose failure mode is an abort.

use std::process::{Command, ExitStatus};

/// The environment variable that marks the child started by [`run_in_child`].
const CHILD: &str = "WAKEWIRE_TEST_CHILD";

/// Runs the test named `name` of the current test binary alone, in a child process with
/// [`in_child`] true, and returns its exit status: a double panic aborts the child, not
/// the test run.
///
/// # Panics
///
/// When the child cannot be started.
pub fn run_in_child(name: &str) -> ExitStatus {
    Command::new(std::env::current_exe().expect("the test binary's path"))
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .status()
        .expect("the child test process starts")
}

/// Whether this process is the child started by [`run_in_child`].
pub fn in_child() -> bool {
    std::env::var_os(CHILD).is_some()
}
