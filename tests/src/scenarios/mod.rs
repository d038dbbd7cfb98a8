//! The scenarios of the kit: generic ones for any leaf source, and the executor contract.

pub(crate) mod contract;
pub(crate) mod contract_join;
mod contract_local;
mod contract_runtime;
pub(crate) mod leaf;
pub(crate) mod support;
