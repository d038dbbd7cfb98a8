//! The tracer's cost (`wakewire-adapter-trace`): `yield_many` with every task wrapped in
//! `Traced`, in each state the tracer can be in, on Wakewire only. One op is one yield,
//! that is one poll of the traced task.

use std::future::Future;
use std::time::{Duration, Instant};

use wakewire_adapter_trace::{Recorder, Traced};

use crate::contender::{Contender, Spawner};
use crate::util::yield_now;

/// The states of the tracer compared side by side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TraceState {
    /// No `Traced` wrapper at all.
    Plain,
    /// Wrapped, tracing off (`Traced::untraced`: what `.traced(name)` gives with no
    /// recorder current): one branch per poll.
    Off,
    /// Wrapped into a recorder whose recording is paused (`set_enabled(false)`).
    Paused,
    /// Wrapped and recording (start, end and wake events per poll into the ring).
    On,
}

impl TraceState {
    pub(crate) const ALL: [TraceState; 4] = [
        TraceState::Plain,
        TraceState::Off,
        TraceState::Paused,
        TraceState::On,
    ];

    pub(crate) fn workload_name(self) -> &'static str {
        match self {
            TraceState::Plain => "traced_yield_plain",
            TraceState::Off => "traced_yield_off",
            TraceState::Paused => "traced_yield_paused",
            TraceState::On => "traced_yield_on",
        }
    }

    /// The column of the tracer table.
    pub(crate) fn label(self) -> &'static str {
        match self {
            TraceState::Plain => "plain",
            TraceState::Off => "off",
            TraceState::Paused => "paused",
            TraceState::On => "on",
        }
    }
}

/// `tasks` tasks each yield `yields` times, wrapped as `state` says.
pub(crate) fn traced_yield_many<C: Contender>(
    contender: &C,
    tasks: usize,
    yields: usize,
    state: TraceState,
) -> Duration {
    let body = move || async move {
        for _ in 0..yields {
            yield_now().await;
        }
        yields
    };
    match state {
        TraceState::Plain => run(contender, tasks, yields, body),
        TraceState::Off => run(contender, tasks, yields, move || Traced::untraced(body())),
        TraceState::Paused | TraceState::On => {
            let recorder = Recorder::new();
            recorder.set_enabled(state == TraceState::On);
            let traced = recorder.clone();
            let elapsed = run(contender, tasks, yields, move || {
                traced.trace("yielder", body())
            });
            if state == TraceState::On {
                assert!(
                    !recorder.snapshot().events().is_empty(),
                    "traced_yield_on: nothing was recorded"
                );
            }
            elapsed
        }
    }
}

fn run<C, F>(
    contender: &C,
    tasks: usize,
    yields: usize,
    task: impl Fn() -> F + Send + 'static,
) -> Duration
where
    C: Contender,
    F: Future<Output = usize> + Send + 'static,
{
    let spawner = contender.spawner();
    let start = Instant::now();
    let done = contender.block_on(spawner.clone().spawn(async move {
        let handles: Vec<_> = (0..tasks).map(|_| spawner.spawn(task())).collect();
        let mut done = 0;
        for handle in handles {
            done += handle.await;
        }
        done
    }));
    let elapsed = start.elapsed();
    assert_eq!(
        done,
        tasks * yields,
        "traced_yield: wrong yield count: the run is invalid"
    );
    elapsed
}
