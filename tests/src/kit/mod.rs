//! The conformance kit: what an executor and a reactor are to the matrix, scenarios, and
//! how one cell runs.

pub(crate) mod cell;
pub(crate) mod context;
pub(crate) mod executor;
pub(crate) mod leaf;
pub(crate) mod reactor;
pub(crate) mod report;
