//! Renderers: one recorded [`Trace`](crate::Trace), three pictures of it.
//!
//! - [`text`]: swimlanes for the terminal, one column per task and per waking thread or
//!   reactor, time flowing down;
//! - [`chrome_json`]: Chrome trace-event JSON for Perfetto (`ui.perfetto.dev`) and
//!   `chrome://tracing`, with poll spans and wake arrows;
//! - [`svg`]: one self-contained SVG timeline (no scripts) for docs and browsers;
//! - [`story`]: each task's own sequence, one task after another, which stays the same
//!   from run to run when other threads wake the tasks (for tests and golden files).
//!
//! Each takes the doctor's findings to mark them on the timeline (pass `&[]` for none).

mod chrome;
mod lanes;
mod story;
mod svg;
mod text;

pub use chrome::chrome_json;
pub use story::story;
pub use svg::{svg, SvgOptions};
pub use text::{text, TextOptions};
