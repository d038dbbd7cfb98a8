//! [`Trace`]: a recorded run, frozen, with the questions renderers and the doctor ask of
//! it.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::event::{Event, EventKind, TaskTag, ThreadTag};
use crate::thread;

/// A snapshot of a [`Recorder`](crate::Recorder): its events in recording order, and how
/// many older events the ring had to overwrite.
///
/// Events recorded by one thread appear in the order they happened; across threads, an
/// event that happens-before another (a wake before the poll it causes) comes first.
#[derive(Clone)]
pub struct Trace {
    events: Vec<Event>,
    dropped: u64,
    capacity: usize,
    end: Duration,
    task_names: BTreeMap<TaskTag, Arc<str>>,
    thread_names: BTreeMap<ThreadTag, Arc<str>>,
}

/// One poll of a task, from its start to its end (if it ended before the snapshot).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PollSpan {
    /// The task polled.
    pub task: TaskTag,
    /// Which poll of the task (from 1); also the waker generation it handed out.
    pub poll: u64,
    /// The thread it ran on.
    pub thread: ThreadTag,
    /// When it started.
    pub start: Duration,
    /// How long it ran; `None` if it was still running when the trace was taken.
    pub duration: Option<Duration>,
    /// Whether it returned `Ready`.
    pub ready: bool,
    /// How many clones of its waker the future kept.
    pub kept: usize,
}

impl Trace {
    pub(crate) fn new(events: Vec<Event>, dropped: u64, capacity: usize, end: Duration) -> Self {
        let mut task_names = BTreeMap::new();
        let mut thread_names = BTreeMap::new();
        for event in &events {
            if let (Some(task), EventKind::Spawned { name }) = (event.task, &event.kind) {
                task_names.insert(task, Arc::clone(name));
            }
            thread_names
                .entry(event.thread)
                .or_insert_with(|| thread::name(event.thread));
        }
        Trace {
            events,
            dropped,
            capacity,
            end,
            task_names,
            thread_names,
        }
    }

    /// Every event, in recording order.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// How many events the recorder overwrote before this snapshot (the trace starts
    /// later than the run did when this is not zero).
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// The recorder's ring capacity.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// When the snapshot was taken, on the recorder's clock.
    pub fn end(&self) -> Duration {
        self.end
    }

    /// Every task that has an event in the trace, by tag.
    pub fn tasks(&self) -> Vec<TaskTag> {
        let mut tasks: Vec<TaskTag> = self.events.iter().filter_map(|e| e.task).collect();
        tasks.sort_unstable();
        tasks.dedup();
        tasks
    }

    /// The name a task was given, or `task#N` when its spawn event was overwritten.
    pub fn task_name(&self, task: TaskTag) -> String {
        match self.task_names.get(&task) {
            Some(name) => name.to_string(),
            None => task.to_string(),
        }
    }

    /// The tag of the first task called `name`.
    pub fn task_named(&self, name: &str) -> Option<TaskTag> {
        self.task_names
            .iter()
            .find(|(_, n)| &***n == name)
            .map(|(tag, _)| *tag)
    }

    /// The name of a thread (its `std::thread` name, or `thread-N`).
    pub fn thread_name(&self, thread: ThreadTag) -> String {
        match self.thread_names.get(&thread) {
            Some(name) => name.to_string(),
            None => thread::name(thread).to_string(),
        }
    }

    /// The events of one task, in order.
    pub fn task_events(&self, task: TaskTag) -> impl Iterator<Item = &Event> + '_ {
        self.events.iter().filter(move |e| e.task == Some(task))
    }

    /// The polls of one task, in order.
    pub fn polls(&self, task: TaskTag) -> Vec<PollSpan> {
        let mut polls = self.all_polls();
        polls.retain(|span| span.task == task);
        polls
    }

    /// Every poll of every task, in the order they started.
    pub fn all_polls(&self) -> Vec<PollSpan> {
        let mut ends = HashMap::new();
        for event in &self.events {
            if let (
                Some(task),
                EventKind::PollEnd {
                    poll,
                    ready,
                    duration,
                    kept,
                },
            ) = (event.task, &event.kind)
            {
                ends.insert((task, *poll), (*ready, *duration, *kept));
            }
        }
        self.events
            .iter()
            .filter_map(|event| {
                let (Some(task), EventKind::PollStart { poll }) = (event.task, &event.kind) else {
                    return None;
                };
                let end = ends.get(&(task, *poll));
                Some(PollSpan {
                    task,
                    poll: *poll,
                    thread: event.thread,
                    start: event.at,
                    duration: end.map(|(_, duration, _)| *duration),
                    ready: end.is_some_and(|(ready, _, _)| *ready),
                    kept: end.map_or(0, |(_, _, kept)| *kept),
                })
            })
            .collect()
    }

    /// A trace of the events `keep` accepts (same names, counters and end).
    pub fn filter(&self, mut keep: impl FnMut(&Event) -> bool) -> Trace {
        Trace {
            events: self.events.iter().filter(|e| keep(e)).cloned().collect(),
            dropped: self.dropped,
            capacity: self.capacity,
            end: self.end,
            task_names: self.task_names.clone(),
            thread_names: self.thread_names.clone(),
        }
    }

    /// A trace of the events of the named tasks only (events of no task are left out).
    pub fn only_tasks(&self, names: &[&str]) -> Trace {
        let tags: Vec<TaskTag> = names.iter().filter_map(|n| self.task_named(n)).collect();
        self.filter(|e| e.task.is_some_and(|t| tags.contains(&t)))
    }
}

impl fmt::Debug for Trace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Trace")
            .field("events", &self.events.len())
            .field("tasks", &self.tasks().len())
            .field("dropped", &self.dropped)
            .field("capacity", &self.capacity)
            .finish_non_exhaustive()
    }
}
