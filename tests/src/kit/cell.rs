//! Running one cell on a thread of its own, under a deadline per scenario.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use wakewire_core::spawn::BoxFuture;

use crate::kit::context::{CellContext, Progress};
use crate::kit::executor::{CellExecutor, Drive, ExecutorEntry};
use crate::kit::reactor::{Mode, ReactorEntry};
use crate::kit::report::{CellReport, Status};
use crate::util::panic_text;

/// A column of the matrix: the executor's own contract, or a reactor in a mode.
#[derive(Debug, Clone)]
pub enum Column {
    /// The executor contract (join handles, spawning, nested `block_on`, fairness,
    /// shutdown), which needs no reactor.
    Contract,
    /// A reactor, driven in a mode.
    Reactor(ReactorEntry, Mode),
}

impl Column {
    /// The reactor's name (`contract` for the contract column).
    pub fn reactor_name(&self) -> &str {
        match self {
            Column::Contract => crate::CONTRACT,
            Column::Reactor(reactor, _) => reactor.name(),
        }
    }

    /// The mode's name (`-` for the contract column).
    pub fn mode_name(&self) -> &'static str {
        match self {
            Column::Contract => "-",
            Column::Reactor(_, mode) => mode.as_str(),
        }
    }
}

/// How long one scenario may run before its cell is reported as hung:
/// `WAKEWIRE_MATRIX_SCENARIO_SECS`, or 10 s.
pub(crate) fn scenario_limit() -> Duration {
    let secs = std::env::var("WAKEWIRE_MATRIX_SCENARIO_SECS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(10.0_f64);
    Duration::from_secs_f64(secs.max(0.1))
}

/// What the cell's thread reports when it ends.
pub(crate) struct Ended {
    pub(crate) status: Status,
    pub(crate) passed: usize,
    pub(crate) detail: String,
}

/// Runs the cell of `executor` in `column` and reports it. Never hangs: a scenario still
/// running after `limit` makes the cell fail (its thread is left behind).
pub(crate) fn run_cell(executor: &ExecutorEntry, column: &Column, limit: Duration) -> CellReport {
    let report = |status, passed, ms, detail: String| CellReport {
        executor: executor.name().to_owned(),
        reactor: column.reactor_name().to_owned(),
        mode: column.mode_name().to_owned(),
        status,
        scenarios: passed,
        ms,
        // One line: assertion messages span several.
        detail: detail.split_whitespace().collect::<Vec<_>>().join(" "),
    };
    if let Err(reason) = applies(executor, column) {
        return report(Status::NotApplicable, 0, 0.0, reason);
    }
    let started = Instant::now();
    let progress = Progress::default();
    progress.begin("setup");
    let (done, ended) = mpsc::channel();
    let cell = thread::Builder::new()
        .name(format!(
            "cell {} {}",
            executor.name(),
            column.reactor_name()
        ))
        .spawn({
            let (executor, column, progress) = (executor.clone(), column.clone(), progress.clone());
            move || {
                let ended = match column {
                    Column::Contract => crate::scenarios::contract::run(&executor, &progress),
                    Column::Reactor(reactor, mode) => {
                        run_reactor(&executor, &reactor, mode, &progress)
                    }
                };
                let _ = done.send(ended);
            }
        });
    let cell = match cell {
        Ok(cell) => cell,
        Err(error) => {
            let detail = format!("cannot start the cell's thread: {error}");
            return report(Status::Fail, 0, 0.0, detail);
        }
    };
    let ms = || started.elapsed().as_secs_f64() * 1e3;
    loop {
        match ended.recv_timeout(Duration::from_millis(20)) {
            Ok(ended) => {
                let _ = cell.join();
                let mut detail = ended.detail;
                for note in progress.notes() {
                    if !detail.is_empty() {
                        detail.push_str("; ");
                    }
                    detail.push_str(&note);
                }
                return report(ended.status, ended.passed, ms(), detail);
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                let why = match cell.join() {
                    Err(payload) => panic_text(&*payload),
                    Ok(()) => "it ended without a report".to_owned(),
                };
                let (scenario, _, _) = progress.snapshot();
                let detail = format!("{scenario}: the cell's thread panicked: {why}");
                return report(Status::Fail, 0, ms(), detail);
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let (scenario, at, elapsed) = progress.snapshot();
                if elapsed > limit {
                    let detail = format!(
                        "{scenario}: hung, still waiting after {limit:?}: {at} (its thread is \
                         left behind)"
                    );
                    return report(Status::Fail, 0, ms(), detail);
                }
            }
        }
    }
}

/// Whether the cell can apply, judged from the entries alone.
fn applies(executor: &ExecutorEntry, column: &Column) -> Result<(), String> {
    let Column::Reactor(reactor, mode) = column else {
        return Ok(());
    };
    reactor.mode(*mode).map_err(str::to_owned)?;
    if *mode == Mode::Park {
        executor
            .park_mode()
            .map_err(|reason| format!("{reason} (park mode needs one)"))?;
    }
    Ok(())
}

/// The cell's thread, for a reactor column.
fn run_reactor(
    executor: &ExecutorEntry,
    reactor: &ReactorEntry,
    mode: Mode,
    progress: &Progress,
) -> Ended {
    let fail = |passed, detail| Ended {
        status: Status::Fail,
        passed,
        detail,
    };
    progress.at(format!(
        "starting the {} reactor in {mode} mode",
        reactor.name()
    ));
    let mut started = match catch_unwind(AssertUnwindSafe(|| reactor.start(mode))) {
        Ok(Ok(started)) => started,
        Ok(Err(error)) => return fail(0, format!("setup: cannot start the reactor: {error}")),
        Err(payload) => {
            let why = panic_text(&*payload);
            return fail(0, format!("setup: starting the reactor panicked: {why}"));
        }
    };
    let drive = match started.park.take() {
        Some(park) => Drive::Park(park),
        None => Drive::OwnThread,
    };
    progress.at(format!("building the {} executor", executor.name()));
    let ex = match catch_unwind(AssertUnwindSafe(|| executor.build(drive))) {
        Ok(Ok(ex)) => ex,
        Ok(Err(reason)) => {
            return Ended {
                status: Status::NotApplicable,
                passed: 0,
                detail: reason,
            }
        }
        Err(payload) => {
            let why = panic_text(&*payload);
            return fail(0, format!("setup: building the executor panicked: {why}"));
        }
    };
    let cx = CellContext {
        progress: progress.clone(),
        spawner: ex.remote_spawner(),
    };
    let mut passed = 0;
    let mut skipped = Vec::new();
    let mut failure = None;
    for scenario in &started.scenarios {
        if scenario.only.is_some_and(|only| only != mode) {
            continue;
        }
        if scenario.needs_spawn && (ex.spawner().is_none() || cx.spawner.is_none()) {
            skipped.push(scenario.info.name);
            continue;
        }
        progress.begin(scenario.info.name);
        let outcome = catch_unwind(AssertUnwindSafe(|| (scenario.make)(&cx)))
            .map_err(|payload| format!("making its future panicked: {}", panic_text(&*payload)))
            .and_then(|future| run_as_task(&*ex, future));
        match outcome {
            Ok(()) => passed += 1,
            Err(message) => {
                failure = Some(format!("{}: {message}", scenario.info.name));
                break;
            }
        }
    }
    progress.begin("teardown");
    progress.at("shutting the executor down");
    if let Err(payload) = catch_unwind(AssertUnwindSafe(|| ex.shutdown())) {
        failure.get_or_insert_with(|| {
            format!(
                "teardown: shutting the executor down panicked: {}",
                panic_text(&*payload)
            )
        });
    }
    progress.at("stopping the reactor");
    if let Err(payload) = catch_unwind(AssertUnwindSafe(|| drop(started))) {
        failure.get_or_insert_with(|| {
            format!(
                "teardown: stopping the reactor panicked: {}",
                panic_text(&*payload)
            )
        });
    }
    if let Some(detail) = failure {
        return fail(passed, detail);
    }
    let skipped_note = || format!("n/a: {} (the executor spawns nothing)", skipped.join(", "));
    if passed == 0 {
        return Ended {
            status: Status::NotApplicable,
            passed,
            detail: if skipped.is_empty() {
                "no scenario of this reactor applies in this mode".to_owned()
            } else {
                "every scenario needs an executor that spawns tasks, and this one spawns nothing"
                    .to_owned()
            },
        };
    }
    Ended {
        status: Status::Pass,
        passed,
        detail: if skipped.is_empty() {
            String::new()
        } else {
            skipped_note()
        },
    }
}

/// Runs `future` as a task of `ex` and waits for it on this thread (in `block_on` itself
/// when the executor spawns nothing). `Err` carries the failure's message.
pub(crate) fn run_as_task(ex: &dyn CellExecutor, future: BoxFuture<()>) -> Result<(), String> {
    let outcome = match ex.spawner() {
        Some(spawner) => {
            let handle = spawner
                .spawn_dyn(future)
                .map_err(|error| format!("spawning the scenario failed: {error}"))?;
            catch_unwind(AssertUnwindSafe(|| ex.block_on().block_on(handle)))
                .map_err(|payload| format!("block_on panicked: {}", panic_text(&*payload)))?
                .map_err(|error| match error.panic_message() {
                    Some(message) => message.to_owned(),
                    None if error.is_panic() => panic_text(&*error.into_panic()),
                    None => format!("the scenario's task did not finish: {error}"),
                })
        }
        None => catch_unwind(AssertUnwindSafe(|| ex.block_on().block_on(future)))
            .map_err(|payload| panic_text(&*payload)),
    };
    outcome
}
