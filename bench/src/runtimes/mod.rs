//! One module per runtime family, each with its multi-thread and single-thread contender,
//! and the catalogue of every column the harness can run.

pub(crate) mod async_executor;
mod async_io_parts;
pub(crate) mod futures;
pub(crate) mod tokio;
pub(crate) mod wakewire;

use crate::contender::{DynContender, Info, Slot};

/// A contender the harness can build: its label, and how to build it (in this process,
/// or in a child process with `--isolate`).
pub(crate) struct Entry {
    pub(crate) info: Info,
    make: Box<dyn Fn() -> Box<dyn DynContender>>,
}

impl Entry {
    fn new<C: DynContender + 'static>(
        name: &'static str,
        slot: Slot,
        setup: String,
        make: impl Fn() -> C + 'static,
    ) -> Entry {
        Entry {
            info: Info {
                name,
                slot,
                setup,
                repolls_in_place: false,
            },
            make: Box::new(move || Box::new(make())),
        }
    }

    /// Marks a runtime that re-polls a self-woken task in place (see `yield_many`).
    fn repolls_in_place(mut self) -> Entry {
        self.info.repolls_in_place = true;
        self
    }

    /// Builds the runtime.
    pub(crate) fn make(&self) -> Box<dyn DynContender> {
        (self.make)()
    }
}

/// Every contender, in column order within each slot: the multi slot once per worker
/// count of `workers` (`--workers`), then the single slot.
///
/// A Wakewire variant (as the supervised pool, `wakewire-sup` and `wakewire-sup-park`) is
/// one more `Entry` here and one more name in [`NAMES`]; [`is_wakewire`] makes it a
/// Wakewire column of the ratio.
pub(crate) fn catalogue(workers: &[usize]) -> Vec<Entry> {
    let mut entries = Vec::new();
    for &n in workers {
        let multi = Slot::Multi(n);
        entries.push(Entry::new(
            "wakewire",
            multi,
            format!("wakewire `Pool`, {n} workers; timer and socket reactor on their own threads"),
            move || wakewire::WakewirePool::threads(n),
        ));
        entries.push(Entry::new("wakewire-park", multi, format!("wakewire `Pool`, {n} workers sharing one `TimerPark<ReactorPark>` through `SharedPark` (an idle worker drives timer and epoll)"), move || wakewire::WakewirePool::parked(n)));
        entries.push(Entry::new(
            "wakewire-sup",
            multi,
            format!("wakewire `Pool`, {n} workers, `supervise({:?})` (a worker blocked in one poll that long has its LIFO task moved and a replacement thread started); timer and socket reactor on their own threads; lateness rows only", wakewire::SUPERVISION_THRESHOLD),
            move || wakewire::WakewirePool::supervised_threads(n),
        ));
        entries.push(Entry::new(
            "wakewire-sup-park",
            multi,
            format!("wakewire `Pool`, {n} workers, `supervise({:?})`, sharing one `TimerPark<ReactorPark>` through `SharedPark` (replacement threads too); lateness rows only", wakewire::SUPERVISION_THRESHOLD),
            move || wakewire::WakewirePool::supervised_parked(n),
        ));
        entries.push(Entry::new(
            "tokio",
            multi,
            format!("tokio `multi_thread`, {n} workers"),
            move || tokio::Tokio::multi_thread(n),
        ));
        entries.push(Entry::new(
            "async-executor",
            multi,
            format!("async-executor `Executor` run by {n} threads"),
            move || async_executor::AsyncExecutorMulti::new(n),
        ));
        entries.push(
            Entry::new(
                "futures",
                multi,
                format!("futures-executor `ThreadPool`, {n} threads"),
                move || futures::FuturesThreadPool::new(n),
            )
            .repolls_in_place(),
        );
    }
    let single = Slot::Single;
    entries.push(Entry::new(
        "wakewire",
        single,
        "wakewire `LocalExecutor`; timer and socket reactor on their own threads".to_owned(),
        wakewire::WakewireLocal::threads,
    ));
    entries.push(Entry::new("wakewire-park", single, "wakewire `LocalExecutor` parked in `TimerPark<ReactorPark>` (its idle thread drives timer and epoll)".to_owned(), wakewire::WakewireLocal::parked));
    entries.push(Entry::new(
        "tokio",
        single,
        "tokio `current_thread`".to_owned(),
        tokio::Tokio::current_thread,
    ));
    entries.push(Entry::new(
        "async-executor",
        single,
        "async-executor `LocalExecutor`".to_owned(),
        async_executor::AsyncExecutorLocal::new,
    ));
    entries.push(Entry::new(
        "futures",
        single,
        "futures-executor `LocalPool`".to_owned(),
        futures::FuturesLocalPool::new,
    ));
    entries
}

/// The column order of the report.
pub(crate) const NAMES: [&str; 7] = [
    "wakewire",
    "wakewire-park",
    "wakewire-sup",
    "wakewire-sup-park",
    "tokio",
    "async-executor",
    "futures",
];

/// Whether a column is one of Wakewire's own (not a peer).
pub(crate) fn is_wakewire(name: &str) -> bool {
    name.starts_with("wakewire")
}
