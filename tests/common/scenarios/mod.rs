//! The scenarios, written once against `Backend`, so the same functions run on the embedded
//! nearcore VM (`tests/integration_tests.rs`) and on a neard sandbox (`tests/sandbox_tests.rs`).
//! Each asserts outcomes, events and money; what the contract must charge, refund and require
//! comes from `common::spec`, never from the contract.
//!
//! One file per topic; `generic_scenarios!` in `common/mod.rs` lists the scenarios both
//! backends run. The ones that need the VM's insides are in `vm_only`.
#![allow(dead_code)]

mod access;
mod admin;
pub mod args;
pub mod calls;
mod cancels;
mod charges;
mod deposit_and_gas;
mod limits;
mod money;
mod operator;
mod outputs;
mod seed_commands;
mod views;
pub mod vm_only;

// Re-exported so that `scenarios::NAME` names every scenario (`generic_scenarios!`).
#[allow(unused_imports)]
pub use access::*;
#[allow(unused_imports)]
pub use admin::*;
#[allow(unused_imports)]
pub use args::*;
#[allow(unused_imports)]
pub use calls::*;
#[allow(unused_imports)]
pub use cancels::*;
#[allow(unused_imports)]
pub use charges::*;
#[allow(unused_imports)]
pub use deposit_and_gas::*;
#[allow(unused_imports)]
pub use limits::*;
#[allow(unused_imports)]
pub use operator::*;
#[allow(unused_imports)]
pub use outputs::*;
#[allow(unused_imports)]
pub use seed_commands::*;
#[allow(unused_imports)]
pub use views::*;

/// What every scenario file uses.
mod prelude {
    pub use super::args::*;
    pub use super::calls::*;
    pub use crate::common::backend::{Backend, Status, Tx, CLI_GAS, NEAR, TGAS};
    pub use crate::common::spec::*;
    pub use serde_json::{json, Value};
}
