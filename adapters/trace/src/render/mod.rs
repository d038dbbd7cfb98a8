//! Renderers: one recorded [`Trace`](crate::Trace), three pictures of it.
//!
//! - [`text`]: swimlanes for the terminal, one column per task and per waking thread or
//!   reactor, time flowing down;
//! - [`chrome_json`]: Chrome trace-event JSON for Perfetto (`ui.perfetto.dev`) and
//!   `chrome://tracing`, with poll spans and wake arrows;
//! - [`svg`]: one self-contained SVG timeline (no scripts) for docs and browsers.
//!
//! Each takes the doctor's findings to mark them on the timeline (pass `&[]` for none).

mod chrome;
mod lanes;
mod svg;
mod text;

pub use chrome::chrome_json;
pub use svg::{svg, SvgOptions};
pub use text::{text, TextOptions};
