//! Full-flow scenarios on the optimized wasm, run by nearcore's own VM
//! (`common::vm`). The scenarios are generic over `Backend` (the sandbox
//! backend runs the same functions); the ones in `scenarios::vm_only` need the
//! VM's clock, ledger and pending yields. `cargo test --test integration_tests`
//! runs them.

#[macro_use]
mod common;

use common::backend::NEAR;
use common::scenarios::{self, vm_only};
use common::vm_backend::VmBackend;

fn vm() -> VmBackend {
    VmBackend::new(10 * NEAR)
}

macro_rules! on_vm {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                scenarios::$name(&mut vm());
            }
        )*
    };
}

generic_scenarios!(on_vm);

#[test]
fn sender_cancels_after_ten_minutes_with_a_full_refund() {
    vm_only::sender_cancels_after_ten_minutes_with_a_full_refund(&mut vm());
}

#[test]
fn required_deposit_is_estimate_plus_storage() {
    vm_only::required_deposit_is_estimate_plus_storage(&mut vm());
}

/// Several seeds, a few hundred random steps each; see `money_is_conserved`.
#[test]
fn money_is_conserved_seed_1() {
    vm_only::money_is_conserved(1, 250);
}

#[test]
fn money_is_conserved_seed_2() {
    vm_only::money_is_conserved(2, 250);
}

#[test]
fn money_is_conserved_seed_3() {
    vm_only::money_is_conserved(3, 250);
}

#[test]
fn money_is_conserved_seed_4() {
    vm_only::money_is_conserved(4, 250);
}
