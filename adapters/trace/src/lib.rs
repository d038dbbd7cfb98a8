//! See the wake: a waker tracer for any executor, timelines of what it recorded, and an
//! async doctor that reads them.
//!
//! Poll → Wait → Wake: the only thing an executor and a reactor share is the task's
//! [`Waker`](std::task::Waker). This crate wraps it. [`Traced`] (built by
//! [`.traced(name)`](TraceExt::traced)) hands the future an instrumented waker around the
//! executor's own, and records into a [`Recorder`] every **poll** (start, end, `Pending` or
//! `Ready`, duration), what the future kept of its waker while it **waits** (clones handed
//! to reactors, and when the last one is dropped), and every **wake** (by which thread,
//! which reactor, which task). Nothing about the executor or the reactors changes, so it
//! works on Wakewire's executors and on tokio, smol and futures-executor alike.
//!
//! ```
//! use wakewire_adapter_trace::{doctor, render, Recorder, TraceExt};
//! use wakewire_core::future::yield_now;
//!
//! let recorder = Recorder::new();
//! wakewire_core::block_on(
//!     async {
//!         yield_now().await; // Pending once: the future wakes its own waker
//!     }
//!     .traced_in(&recorder, "yielder"),
//! );
//! let trace = recorder.snapshot();
//! assert!(doctor::doctor(&trace).is_empty());
//! let text = render::text(&trace, &[], &render::TextOptions::default());
//! assert!(text.contains("yielder"));
//! ```
//!
//! | piece | what it does |
//! | --- | --- |
//! | [`Recorder`] | a bounded ring of [`Event`]s ([`DEFAULT_CAPACITY`], overwrites the oldest, counts what it dropped); current per thread ([`Recorder::enter`]) or process-wide ([`Recorder::install_global`]) |
//! | [`Traced`], [`TraceExt`] | the instrumented task; with no recorder current it records nothing and costs one branch per poll |
//! | [`TracedPark`] | records park / unpark around any [`Park`](wakewire_core::Park), no executor change |
//! | [`registered`], [`mark`], [`current_task`], [`TaskHandle::cancel_requested`] | what reactors, leaf futures and cancel code report from inside a poll |
//! | [`render`] | text swimlanes, Chrome trace-event JSON (Perfetto, `chrome://tracing`), an SVG timeline |
//! | [`doctor`] | lints over a [`Trace`]: lost waker, stale waker, self-wake storm, long poll, never yielded, wake after completion, cancel ignored |
//!
//! # Why an adapter and not a feature of core
//!
//! Tracing wraps futures and parks from the outside, through the same `Waker` and `Park`
//! every executor and reactor already speak, so core needs no hook and no feature flag,
//! and the tracer runs unchanged on foreign executors. The one thing a wrapper cannot see
//! — which reactor is waking — core already publishes
//! ([`wake_source`](wakewire_core::waker::wake_source)).
//!
//! # What is and is not seen
//!
//! `std::task::Wake` reports wakes and the drop of a waker's last clone, not each clone:
//! seeing those would take a hand-written `RawWakerVTable`, which needs `unsafe`, and this
//! crate forbids it. So the tracer gives each poll its own waker *generation* and records,
//! at the end of the poll, how many clones of it the future kept (`kept`), and when the last
//! clone of each generation is dropped, by which thread and reactor.
#![doc(test(attr(deny(warnings))))]
#![forbid(unsafe_code)]

pub mod doctor;
mod event;
mod park;
mod recorder;
pub mod render;
mod ring;
mod task;
mod thread;
mod trace;
mod traced;
mod waker;

pub use event::{Event, EventKind, TaskTag, ThreadTag};
pub use park::{TracedPark, TracedUnpark};
pub use recorder::{EnterGuard, Recorder, DEFAULT_CAPACITY};
pub use task::{current_task, mark, registered, TaskHandle};
pub use trace::{PollSpan, Trace};
pub use traced::{TraceExt, Traced};
