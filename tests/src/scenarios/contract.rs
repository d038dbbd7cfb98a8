//! The executor contract: what every executor of the matrix must do, whatever reactor its
//! tasks wait on. Each scenario builds fresh executors from the row's entry (shutdown is
//! part of the contract, so one executor cannot serve two scenarios).

use std::panic::{catch_unwind, AssertUnwindSafe};

use wakewire_core::{DynLocalSpawn, DynSpawn};

use crate::kit::cell::Ended;
use crate::kit::context::{CellContext, Progress, RemoteSpawner};
use crate::kit::executor::{CellExecutor, Drive, ExecutorEntry};
use crate::kit::reactor::ScenarioInfo;
use crate::kit::report::Status;
use crate::scenarios::{contract_join, contract_local, contract_runtime};
use crate::util::panic_text;

/// A scenario of the executor contract: `Err` says why it does not apply to this executor.
pub(crate) struct ContractScenario {
    pub(crate) info: ScenarioInfo,
    pub(crate) run: fn(&ExecutorEntry, &CellContext) -> Result<(), &'static str>,
}

const fn scenario(
    name: &'static str,
    about: &'static str,
    run: fn(&ExecutorEntry, &CellContext) -> Result<(), &'static str>,
) -> ContractScenario {
    ContractScenario {
        info: ScenarioInfo { name, about },
        run,
    }
}

/// The contract, in the order it runs.
pub(crate) const SCENARIOS: &[ContractScenario] = &[
    scenario(
        "block-on-wake",
        "block_on returns the output of a future woken from another thread",
        contract_runtime::block_on_wake,
    ),
    scenario(
        "join-output",
        "a spawned task's handle yields its output (through the dyn and the typed spawn)",
        contract_join::join_output,
    ),
    scenario(
        "panic-payload",
        "a panicking task's handle yields a JoinError with the payload; the executor runs 50 more tasks",
        contract_join::panic_payload,
    ),
    scenario(
        "detach",
        "a task whose handle is dropped or detached runs to completion",
        contract_join::detach,
    ),
    scenario(
        "cancel",
        "cancel() drops the future once, before the handle resolves as cancelled; twice is harmless; after completion it keeps the output",
        contract_join::cancel,
    ),
    scenario(
        "spawn-inside",
        "a task spawns a child through the executor's spawner and awaits its output",
        contract_runtime::spawn_inside,
    ),
    scenario(
        "spawn-outside",
        "a task spawned from another thread while block_on waits runs and wakes it",
        contract_runtime::spawn_outside,
    ),
    scenario(
        "nested-block-on",
        "block_on inside block_on panics with a clear message; inside a task it panics or completes, never hangs",
        contract_runtime::nested_block_on,
    ),
    scenario(
        "fairness",
        "a task that keeps yielding does not starve 8 others",
        contract_runtime::fairness,
    ),
    scenario(
        "shutdown-drops-once",
        "shutdown drops every unfinished future (waiting and queued) exactly once; handles report cancellation",
        contract_runtime::shutdown_drops_once,
    ),
    scenario(
        "spawn-after-shutdown",
        "a spawn after shutdown is a SpawnError, its future dropped before spawn returns",
        contract_runtime::spawn_after_shutdown,
    ),
    scenario(
        "local-tasks",
        "!Send tasks: output, panic, detach, cancel, and shutdown drops them on their thread",
        contract_local::local_tasks,
    ),
];

/// The cell's thread, for the contract column.
pub(crate) fn run(entry: &ExecutorEntry, progress: &Progress) -> Ended {
    let cx = CellContext {
        progress: progress.clone(),
        spawner: None,
    };
    let mut passed = 0;
    let mut skipped = Vec::new();
    for scenario in SCENARIOS {
        progress.begin(scenario.info.name);
        match catch_unwind(AssertUnwindSafe(|| (scenario.run)(entry, &cx))) {
            Ok(Ok(())) => passed += 1,
            Ok(Err(reason)) => skipped.push(format!("{} ({reason})", scenario.info.name)),
            Err(payload) => {
                return Ended {
                    status: Status::Fail,
                    passed,
                    detail: format!("{}: {}", scenario.info.name, panic_text(&*payload)),
                }
            }
        }
    }
    Ended {
        status: Status::Pass,
        passed,
        detail: if skipped.is_empty() {
            String::new()
        } else {
            format!("n/a: {}", skipped.join(", "))
        },
    }
}

/// A fresh executor of the row, on its own (no reactor park).
pub(crate) fn fresh(entry: &ExecutorEntry) -> Box<dyn CellExecutor> {
    entry
        .build(Drive::OwnThread)
        .expect("every executor can be built without a park")
}

/// Why a scenario needing `Spawn` does not apply.
pub(crate) const NO_SPAWN: &str = "the executor spawns nothing";
/// Why a scenario needing a spawner for other threads does not apply.
pub(crate) const NO_REMOTE: &str = "the executor has no spawner for other threads";
/// Why a scenario needing `LocalSpawn` does not apply.
pub(crate) const NO_LOCAL: &str = "the executor spawns no !Send tasks";

/// What a contract scenario needs of the executor.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Needs {
    /// `BlockOn` only.
    BlockOn,
    /// `Spawn`.
    Spawn,
    /// `Spawn` and a spawner for other threads.
    Remote,
    /// `LocalSpawn`.
    Local,
}

/// A fresh executor of the row with what the scenario needs, or why it does not apply
/// (the executor is shut down then).
pub(crate) fn fresh_with(
    entry: &ExecutorEntry,
    needs: Needs,
) -> Result<Box<dyn CellExecutor>, &'static str> {
    let ex = fresh(entry);
    let missing = match needs {
        Needs::BlockOn => None,
        Needs::Spawn => ex.spawner().is_none().then_some(NO_SPAWN),
        Needs::Remote => {
            (ex.spawner().is_none() || ex.remote_spawner().is_none()).then_some(NO_REMOTE)
        }
        Needs::Local => ex.local_spawner().is_none().then_some(NO_LOCAL),
    };
    match missing {
        None => Ok(ex),
        Some(reason) => {
            ex.shutdown();
            Err(reason)
        }
    }
}

/// The executor's `Spawn` (checked by [`fresh_with`]).
pub(crate) fn spawner(ex: &dyn CellExecutor) -> &dyn DynSpawn {
    ex.spawner().expect("checked by fresh_with")
}

/// The executor's spawner for other threads (checked by [`fresh_with`]).
pub(crate) fn remote(ex: &dyn CellExecutor) -> RemoteSpawner {
    ex.remote_spawner().expect("checked by fresh_with")
}

/// The executor's `LocalSpawn` (checked by [`fresh_with`]).
pub(crate) fn local_spawner(ex: &dyn CellExecutor) -> &dyn DynLocalSpawn {
    ex.local_spawner().expect("checked by fresh_with")
}
