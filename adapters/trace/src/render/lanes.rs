//! Which lane each event is drawn in: one per task, one per reactor that names itself
//! (and thread it runs on), one per other thread (parks, plain wakes).

use std::collections::HashMap;

use crate::event::{Event, EventKind, TaskTag, ThreadTag};
use crate::trace::Trace;

/// A lane's identity.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub(crate) enum LaneKey {
    Task(TaskTag),
    /// A reactor that named itself, on one thread (a reactor driven by an executor's park
    /// runs on that executor's thread, and the lane says so).
    Reactor(&'static str, ThreadTag),
    Thread(ThreadTag),
}

/// The lanes of a trace, in drawing order: tasks by tag, then reactors and threads in
/// the order they first appear.
pub(crate) struct Lanes {
    pub(crate) lanes: Vec<(LaneKey, String)>,
    index: HashMap<LaneKey, usize>,
}

impl Lanes {
    pub(crate) fn new(trace: &Trace) -> Self {
        let mut keys: Vec<LaneKey> = trace.tasks().into_iter().map(LaneKey::Task).collect();
        for event in trace.events() {
            let key = lane_of(event);
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
        let lanes: Vec<(LaneKey, String)> = keys
            .into_iter()
            .map(|key| {
                let title = match key {
                    LaneKey::Task(task) => trace.task_name(task),
                    LaneKey::Reactor(name, thread) => {
                        format!("[{name} on {}]", trace.thread_name(thread))
                    }
                    LaneKey::Thread(thread) => format!("<{}>", trace.thread_name(thread)),
                };
                (key, title)
            })
            .collect();
        let index = lanes
            .iter()
            .enumerate()
            .map(|(i, (key, _))| (*key, i))
            .collect();
        Lanes { lanes, index }
    }

    pub(crate) fn index(&self, key: LaneKey) -> usize {
        self.index[&key]
    }

    pub(crate) fn of(&self, event: &Event) -> usize {
        self.index(lane_of(event))
    }

    pub(crate) fn len(&self) -> usize {
        self.lanes.len()
    }
}

/// The lane an event is drawn in: a wake or waker drop in the lane of whoever did it.
pub(crate) fn lane_of(event: &Event) -> LaneKey {
    match (&event.kind, event.task) {
        (
            EventKind::Wake {
                source, by_task, ..
            }
            | EventKind::WakerDropped {
                source, by_task, ..
            },
            _,
        ) => match (by_task, source) {
            (Some(task), _) => LaneKey::Task(*task),
            (None, Some(reactor)) => LaneKey::Reactor(reactor, event.thread),
            (None, None) => LaneKey::Thread(event.thread),
        },
        (_, Some(task)) => LaneKey::Task(task),
        (_, None) => LaneKey::Thread(event.thread),
    }
}
