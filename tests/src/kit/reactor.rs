//! Reactors as the matrix sees them: [`Scenario`] (one check of a reactor, run as a task of
//! the cell's executor) and [`ReactorEntry`] (a reactor of the matrix, one column per drive
//! mode), built by [`ReactorBuilder`] from scenarios written against a typed reactor (for
//! the generic ones, a [`LeafSource`](crate::LeafSource)).

use std::fmt;
use std::rc::Rc;
use std::sync::Arc;

use wakewire_core::park::BoxPark;
use wakewire_core::spawn::BoxFuture;

use crate::kit::context::CellContext;
use crate::kit::leaf::LeafSource;

/// How the reactor of a cell is driven.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    /// On a thread of its own (or, for reactors with no driver, on the threads that cause
    /// their events): the executor knows nothing of it.
    Thread,
    /// By the executor's idle threads, through the reactor's `Park`.
    Park,
}

impl Mode {
    /// Both modes, in column order.
    pub const ALL: [Mode; 2] = [Mode::Thread, Mode::Park];

    /// `"thread"` or `"park"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Thread => "thread",
            Mode::Park => "park",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The name and purpose of a scenario, for listings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScenarioInfo {
    /// Short, kebab-case.
    pub name: &'static str,
    /// What it asserts, in a sentence.
    pub about: &'static str,
}

/// One check of a reactor, with `R` the reactor as started for a cell.
///
/// `run` makes the scenario's future on the cell's thread; the kit runs it as a task of
/// the cell's executor (or in its `block_on` when it spawns nothing). The future asserts
/// with `assert!`/`panic!`: a panic is the scenario's failure, its message the report.
pub struct Scenario<R> {
    /// Name and purpose.
    pub info: ScenarioInfo,
    /// Runs only in this mode (`None`: in every mode the reactor has).
    pub only: Option<Mode>,
    /// Needs an executor that spawns `Send` futures (the context's spawner).
    pub needs_spawn: bool,
    /// Makes the scenario's future.
    pub run: fn(&R, &CellContext) -> BoxFuture<()>,
}

impl<R> Scenario<R> {
    /// A scenario for every mode and every executor.
    pub fn new(
        name: &'static str,
        about: &'static str,
        run: fn(&R, &CellContext) -> BoxFuture<()>,
    ) -> Self {
        Scenario {
            info: ScenarioInfo { name, about },
            only: None,
            needs_spawn: false,
            run,
        }
    }

    /// Restricts the scenario to one mode.
    pub fn only_in(mut self, mode: Mode) -> Self {
        self.only = Some(mode);
        self
    }

    /// Marks the scenario as needing an executor that spawns.
    pub fn needing_spawn(mut self) -> Self {
        self.needs_spawn = true;
        self
    }
}

impl<R> Clone for Scenario<R> {
    fn clone(&self) -> Self {
        Scenario {
            info: self.info,
            only: self.only,
            needs_spawn: self.needs_spawn,
            run: self.run,
        }
    }
}

impl<R> fmt::Debug for Scenario<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scenario")
            .field("name", &self.info.name)
            .field("only", &self.only)
            .field("needs_spawn", &self.needs_spawn)
            .finish()
    }
}

/// Makes a bound scenario's future.
type MakeScenario = Box<dyn Fn(&CellContext) -> BoxFuture<()>>;

/// A scenario bound to a started reactor.
pub(crate) struct BoundScenario {
    pub(crate) info: ScenarioInfo,
    pub(crate) only: Option<Mode>,
    pub(crate) needs_spawn: bool,
    pub(crate) make: MakeScenario,
}

/// A reactor started for one cell: the park to give the executor (park mode), its
/// scenarios, and what keeps it running (dropped after the cell).
pub(crate) struct StartedReactor {
    pub(crate) park: Option<BoxPark>,
    pub(crate) scenarios: Vec<BoundScenario>,
    pub(crate) _keep: Box<dyn std::any::Any>,
}

type Start = dyn Fn(Mode) -> Result<StartedReactor, String> + Send + Sync;

/// A reactor of the matrix: its name, what it is, its scenarios, and how to start it in
/// each mode (or why a mode does not apply). Built with [`ReactorBuilder`].
#[derive(Clone)]
pub struct ReactorEntry {
    name: String,
    about: String,
    scenarios: Vec<ScenarioInfo>,
    modes: [Result<(), String>; 2],
    start: Arc<Start>,
}

impl ReactorEntry {
    /// The reactor's name (short, kebab-case: it heads columns).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What the reactor is.
    pub fn about(&self) -> &str {
        &self.about
    }

    /// Its scenarios, in the order they run.
    pub fn scenarios(&self) -> &[ScenarioInfo] {
        &self.scenarios
    }

    /// `Ok` if the reactor runs in `mode`, else why not.
    pub fn mode(&self, mode: Mode) -> Result<(), &str> {
        self.modes[mode as usize]
            .as_ref()
            .map(|_| ())
            .map_err(String::as_str)
    }

    pub(crate) fn start(&self, mode: Mode) -> Result<StartedReactor, String> {
        (self.start)(mode)
    }
}

impl fmt::Debug for ReactorEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReactorEntry")
            .field("name", &self.name)
            .field("scenarios", &self.scenarios.len())
            .finish_non_exhaustive()
    }
}

type StartOnThread<R> = dyn Fn() -> Result<R, String> + Send + Sync;
type StartInPark<R> = dyn Fn() -> Result<(R, BoxPark), String> + Send + Sync;

/// Builds a [`ReactorEntry`] from a typed reactor `R` (what one cell's scenarios share:
/// handles, the driver thread) and scenarios written against it.
///
/// ```
/// use std::sync::mpsc;
/// use wakewire_matrix::{Leaf, LeafSource, ReactorBuilder};
///
/// /// A toy reactor: a leaf completes when a std channel delivers.
/// struct Toy;
///
/// impl LeafSource for Toy {
///     fn leaf(&self) -> Leaf {
///         let (tx, rx) = mpsc::channel::<()>();
///         let (done, waiter) = wakewire_reactor_channel::oneshot::channel::<()>();
///         std::thread::spawn(move || {
///             if rx.recv().is_ok() {
///                 let _ = done.send(());
///             }
///         });
///         Leaf::new(async move { waiter.await.map_err(|e| e.to_string()) }, move || {
///             let _ = tx.send(());
///         })
///     }
/// }
///
/// let entry = ReactorBuilder::leaves("toy", "a std channel and a oneshot")
///     .on_own_thread(|| Ok(Toy))
///     .no_park("the toy has no event loop")
///     .build();
/// assert!(entry.scenarios().len() >= 6);
/// ```
pub struct ReactorBuilder<R> {
    name: String,
    about: String,
    scenarios: Vec<Scenario<R>>,
    thread: Result<Arc<StartOnThread<R>>, String>,
    park: Result<Arc<StartInPark<R>>, String>,
}

impl<R: 'static> ReactorBuilder<R> {
    /// A reactor with no scenarios yet.
    pub fn new(name: impl Into<String>, about: impl Into<String>) -> Self {
        ReactorBuilder {
            name: name.into(),
            about: about.into(),
            scenarios: Vec::new(),
            thread: Err("no thread mode was given".to_owned()),
            park: Err("no park mode was given".to_owned()),
        }
    }

    /// A reactor that makes leaf futures, with the kit's generic scenarios.
    pub fn leaves(name: impl Into<String>, about: impl Into<String>) -> Self
    where
        R: LeafSource,
    {
        let mut builder = ReactorBuilder::new(name, about);
        builder.scenarios = crate::scenarios::leaf::generic::<R>();
        builder
    }

    /// Starts the reactor on its own thread (thread mode).
    pub fn on_own_thread(
        mut self,
        start: impl Fn() -> Result<R, String> + Send + Sync + 'static,
    ) -> Self {
        self.thread = Ok(Arc::new(start));
        self
    }

    /// Why the reactor has no thread mode.
    pub fn no_thread_mode(mut self, reason: impl Into<String>) -> Self {
        self.thread = Err(reason.into());
        self
    }

    /// Starts the reactor to be driven through its park (park mode).
    pub fn in_park(
        mut self,
        start: impl Fn() -> Result<(R, BoxPark), String> + Send + Sync + 'static,
    ) -> Self {
        self.park = Ok(Arc::new(start));
        self
    }

    /// Why the reactor cannot be driven through a Wakewire park.
    pub fn no_park(mut self, reason: impl Into<String>) -> Self {
        self.park = Err(reason.into());
        self
    }

    /// Adds a scenario.
    pub fn scenario(mut self, scenario: Scenario<R>) -> Self {
        self.scenarios.push(scenario);
        self
    }

    /// The entry for the matrix.
    pub fn build(self) -> ReactorEntry {
        let infos = self.scenarios.iter().map(|s| s.info).collect();
        let modes = [
            self.thread.as_ref().map(|_| ()).map_err(Clone::clone),
            self.park.as_ref().map(|_| ()).map_err(Clone::clone),
        ];
        let scenarios = self.scenarios;
        let (thread, park) = (self.thread, self.park);
        let start = move |mode: Mode| -> Result<StartedReactor, String> {
            let (reactor, park) = match mode {
                Mode::Thread => {
                    let start = thread.as_ref().map_err(Clone::clone)?;
                    (start()?, None)
                }
                Mode::Park => {
                    let start = park.as_ref().map_err(Clone::clone)?;
                    let (reactor, park) = start()?;
                    (reactor, Some(park))
                }
            };
            let reactor = Rc::new(reactor);
            let bound = scenarios
                .iter()
                .map(|scenario| {
                    let (reactor, run) = (Rc::clone(&reactor), scenario.run);
                    BoundScenario {
                        info: scenario.info,
                        only: scenario.only,
                        needs_spawn: scenario.needs_spawn,
                        make: Box::new(move |cx: &CellContext| run(&reactor, cx)),
                    }
                })
                .collect();
            Ok(StartedReactor {
                park,
                scenarios: bound,
                _keep: Box::new(reactor),
            })
        };
        ReactorEntry {
            name: self.name,
            about: self.about,
            scenarios: infos,
            modes,
            start: Arc::new(start),
        }
    }
}

impl<R> fmt::Debug for ReactorBuilder<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReactorBuilder")
            .field("name", &self.name)
            .field("scenarios", &self.scenarios.len())
            .finish_non_exhaustive()
    }
}
