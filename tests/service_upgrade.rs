//! Issue 8, point 8, as far as the test VM goes: `get_storage_version`,
//! `migrate`'s access control and no-op on current state, `upgrade`'s access
//! control and input check, and the batch it creates (the VM does not model
//! DeployContract yet: it stops at it, which shows the action was made).
//! Migrating today's (version 1) layout is proven byte for byte in
//! tests/layout.rs (`config_v1_migrates`, `request_with_payer_layout`).

#[macro_use]
mod common;

use common::backend::{Backend, Status, TGAS};
use common::scenarios::*;
use common::service::*;
use common::vm::{contract_wasm, CallArgs};

#[test]
fn storage_version_and_migrate_rules() {
    let mut b = vm();
    let c = b.contract();
    assert_eq!(view(&mut b, "get_storage_version", "{}"), 2);
    let req = request(&mut b, SEED_REQUEST, DEPOSIT);
    for who in [OWNER, USER, OPERATOR] {
        refused(&mut b, who, "migrate", "", 0, "only the contract itself");
    }
    let before = b.vm.storage_entries();
    let tx = call(&mut b, &c, "migrate", "", 0);
    assert_eq!(tx.status, Status::Success(None));
    assert_eq!(b.vm.storage_entries(), before, "a no-op on current state");
    // the pending request still resolves
    assert!(call(&mut b, OPERATOR, "resolve_execution", &seed_resolve(request_id_of(&req)), 0).status.is_success());
    assert_eq!(b.settle(&req).refunded_to(USER), DEPOSIT - SEED_CHARGE);
}

#[test]
fn upgrade_rules() {
    let mut b = vm();
    let wasm = contract_wasm();
    for (who, code, deposit, needle) in [
        (USER, &wasm[..], 0, "only the owner"),
        (OPERATOR, &wasm[..], 0, "only the owner"),
        (OWNER, &wasm[..], 2, "exactly 1 yoctoNEAR"),
        (OWNER, &b"{}"[..], 0, "the input must be the new contract's wasm"),
        (OWNER, &b""[..], 0, "the input must be the new contract's wasm"),
    ] {
        let before = b.vm.storage_entries();
        let tx = b.call(who, "upgrade", code, deposit, 300 * TGAS);
        assert_fails_with(&tx.status, needle);
        assert_eq!(b.vm.storage_entries(), before);
    }
    // The owner's upgrade creates the deploy + migrate batch on the contract
    // account; today's VM panics on the DeployContract action it cannot model.
    let vm = &mut b.vm;
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        vm.call(CallArgs { deposit: 1, prepaid_gas: 300 * TGAS, ..CallArgs::call(OWNER, "upgrade", wasm.clone()) })
    }));
    let msg = match r {
        Ok(o) => panic!("the VM now models DeployContract: assert the migrate outcome instead ({:?})", o.result),
        Err(p) => p.downcast_ref::<String>().cloned().unwrap_or_default(),
    };
    assert!(msg.contains("DeployContract"), "{}", &msg[..msg.len().min(300)]);
}
