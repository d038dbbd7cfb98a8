//! [`Recorder`]: where events go — a bounded ring shared by every traced task, park and
//! annotation that records into it.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};
use std::time::{Duration, Instant};

use wakewire_core::Park;

use crate::event::{Event, EventKind, TaskTag};
use crate::park::TracedPark;
use crate::ring::Ring;
use crate::thread;
use crate::trace::Trace;
use crate::traced::Traced;

/// How many events a [`Recorder::new`] keeps: 65 536 events, at most about 6 MiB. When the
/// ring is full the oldest event is overwritten and [`Trace::dropped`] counts it.
pub const DEFAULT_CAPACITY: usize = 1 << 16;

/// The sink of a trace: a bounded ring of [`Event`]s with a dropped-events counter.
///
/// A recorder is a cheap handle (clones share one ring). Give it to futures explicitly
/// ([`trace`](Self::trace), [`TraceExt::traced_in`](crate::TraceExt::traced_in)) or make it
/// current so that [`TraceExt::traced`](crate::TraceExt::traced) finds it: for one thread
/// with [`enter`](Self::enter), for the whole process with
/// [`install_global`](Self::install_global). Take a [`Trace`] out with
/// [`snapshot`](Self::snapshot) at any time, even while tasks still run.
///
/// Recording takes one short mutex per event (push into the ring); see the
/// `trace_overhead` example of this crate for what that costs per poll.
///
/// ```
/// use wakewire_adapter_trace::{Recorder, TraceExt};
///
/// let recorder = Recorder::new();
/// let value = wakewire_core::block_on(async { 7 }.traced_in(&recorder, "seven"));
/// assert_eq!(value, 7);
/// let trace = recorder.snapshot();
/// assert_eq!(trace.task_name(trace.tasks()[0]), "seven");
/// ```
#[derive(Clone)]
pub struct Recorder {
    pub(crate) inner: Arc<RecorderInner>,
}

pub(crate) struct RecorderInner {
    epoch: Instant,
    enabled: AtomicBool,
    next_task: AtomicU64,
    ring: Mutex<Ring<Event>>,
}

static GLOBAL: RwLock<Option<Recorder>> = RwLock::new(None);
static GLOBAL_SET: AtomicBool = AtomicBool::new(false);

thread_local! {
    static ENTERED: RefCell<Vec<Recorder>> = const { RefCell::new(Vec::new()) };
}

impl Recorder {
    /// A recorder keeping the latest [`DEFAULT_CAPACITY`] events.
    pub fn new() -> Self {
        Recorder::with_capacity(DEFAULT_CAPACITY)
    }

    /// A recorder keeping the latest `capacity` events (at least one).
    pub fn with_capacity(capacity: usize) -> Self {
        Recorder {
            inner: Arc::new(RecorderInner {
                epoch: Instant::now(),
                enabled: AtomicBool::new(true),
                next_task: AtomicU64::new(1),
                ring: Mutex::new(Ring::new(capacity)),
            }),
        }
    }

    /// The recorder `.traced(name)` uses on this thread: the innermost [`enter`](Self::enter)ed
    /// one, else that of the traced task being polled here (a task traced inside a traced
    /// task records with its parent), else the [global](Self::install_global) one, else
    /// none (tracing off).
    pub fn current() -> Option<Recorder> {
        let entered = ENTERED
            .try_with(|stack| stack.borrow().last().cloned())
            .ok()
            .flatten();
        if entered.is_some() {
            return entered;
        }
        if let Some(parent) = crate::task::polling_recorder() {
            return Some(parent);
        }
        if !GLOBAL_SET.load(Ordering::Acquire) {
            return None;
        }
        GLOBAL
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Makes this recorder current on the calling thread until the guard is dropped.
    /// Guards nest; the innermost wins.
    pub fn enter(&self) -> EnterGuard {
        let _ = ENTERED.try_with(|stack| stack.borrow_mut().push(self.clone()));
        EnterGuard {
            _not_send: PhantomData,
        }
    }

    /// Makes this recorder current on every thread that has not [`enter`](Self::enter)ed
    /// one (replacing an earlier global recorder).
    pub fn install_global(&self) {
        *GLOBAL.write().unwrap_or_else(PoisonError::into_inner) = Some(self.clone());
        GLOBAL_SET.store(true, Ordering::Release);
    }

    /// Removes the global recorder, if any: `.traced(name)` then traces nothing on threads
    /// that have not entered a recorder.
    pub fn uninstall_global() {
        GLOBAL_SET.store(false, Ordering::Release);
        let old = GLOBAL
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        drop(old);
    }

    /// Wraps `future` as a traced task called `name`, recording into this recorder.
    pub fn trace<F: Future>(&self, name: impl Into<Arc<str>>, future: F) -> Traced<F> {
        Traced::new_in(self, name.into(), future)
    }

    /// Wraps `park` so every park, wake-up and unpark of it is recorded here.
    pub fn traced_park<P: Park>(&self, park: P) -> TracedPark<P> {
        TracedPark::new(park, self.clone())
    }

    /// Pauses (`false`) or resumes (`true`) recording. While paused, every recording
    /// point costs one relaxed load and a branch, and traced futures are polled with the
    /// executor's own waker: a trace taken across a pause may show wakes of wakers whose
    /// polls were not recorded.
    pub fn set_enabled(&self, on: bool) {
        self.inner.enabled.store(on, Ordering::Relaxed);
    }

    /// Whether recording is on.
    pub fn is_enabled(&self) -> bool {
        self.inner.enabled.load(Ordering::Relaxed)
    }

    /// How many events the ring holds at most.
    pub fn capacity(&self) -> usize {
        self.ring().capacity()
    }

    /// How many events were overwritten because the ring was full.
    pub fn dropped(&self) -> u64 {
        self.ring().dropped()
    }

    /// Forgets every recorded event and resets the dropped counter (task and thread tags
    /// keep counting).
    pub fn clear(&self) {
        let mut ring = self.ring();
        ring.clear();
    }

    /// A copy of what was recorded so far, in recording order.
    pub fn snapshot(&self) -> Trace {
        let end = self.now();
        let (events, dropped, capacity) = {
            let ring = self.ring();
            (
                ring.iter().cloned().collect::<Vec<_>>(),
                ring.dropped(),
                ring.capacity(),
            )
        };
        Trace::new(events, dropped, capacity, end)
    }

    /// Records a free-form annotation on the calling thread's lane, outside any task.
    pub fn mark(&self, label: impl Into<std::borrow::Cow<'static, str>>) {
        self.record(
            None,
            EventKind::Mark {
                label: label.into(),
            },
        );
    }

    /// Time since this recorder was created.
    pub(crate) fn now(&self) -> Duration {
        self.inner.epoch.elapsed()
    }

    pub(crate) fn next_task(&self) -> TaskTag {
        TaskTag(self.inner.next_task.fetch_add(1, Ordering::Relaxed))
    }

    /// Records one event at the current time on the calling thread.
    pub(crate) fn record(&self, task: Option<TaskTag>, kind: EventKind) {
        if self.is_enabled() {
            self.record_at(self.now(), task, kind);
        }
    }

    /// Records one event at `at` (from [`now`](Self::now)) on the calling thread.
    pub(crate) fn record_at(&self, at: Duration, task: Option<TaskTag>, kind: EventKind) {
        if !self.is_enabled() {
            return;
        }
        let event = Event {
            at,
            thread: thread::current(),
            task,
            kind,
        };
        let evicted = self.ring().push(event);
        drop(evicted); // after unlocking: an event may hold the last reference to a name
    }

    fn ring(&self) -> MutexGuard<'_, Ring<Event>> {
        // Events are plain data: a panic while the lock was held left the ring consistent.
        self.inner
            .ring
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl Default for Recorder {
    fn default() -> Self {
        Recorder::new()
    }
}

impl fmt::Debug for Recorder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recorder")
            .field("enabled", &self.is_enabled())
            .field("capacity", &self.capacity())
            .field("dropped", &self.dropped())
            .finish_non_exhaustive()
    }
}

/// Keeps a recorder current on this thread; see [`Recorder::enter`].
#[must_use = "the recorder is current only while the guard lives"]
pub struct EnterGuard {
    /// Dropped on the thread that entered: it pops that thread's stack.
    _not_send: PhantomData<*const ()>,
}

impl Drop for EnterGuard {
    fn drop(&mut self) {
        let _ = ENTERED.try_with(|stack| stack.borrow_mut().pop());
    }
}

impl fmt::Debug for EnterGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnterGuard").finish_non_exhaustive()
    }
}
