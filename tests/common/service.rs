//! Helpers for the service-feature scenarios (`tests/service_*.rs`, issue 8).
//! Expected amounts are computed here from SPEC.md's formulas, never read
//! back from the contract's messages.
#![allow(dead_code)]

use super::backend::{Backend, Tx, NEAR};
use super::scenarios::*;
use super::spec::*;
use super::vm_backend::VmBackend;
use serde_json::{json, Value};

pub const PAYER: &str = "payer.testnet";
/// An implicit account id (64 hex chars).
pub const IMPLICIT: &str = "98793cd91a3f870fb126f66285808c7e094afcfc4eda8a970f6648cdf0dbd6de";
pub const DEPOSIT: u128 = NEAR / 10;
/// The seed resolve's charge on a request with default limits: 1M
/// instructions, 100 ms, memory not reported (the requested 128 MB).
pub const SEED_CHARGE: u128 = BASE_FEE + PER_MINSTR + 128 * PER_MB + PER_SEC / 10;

/// A fresh, initialized contract with 10 NEAR on its account; the payer and
/// `other.testnet` exist (a transfer to a missing account bounces).
pub fn vm() -> VmBackend {
    let mut b = VmBackend::new(10 * NEAR);
    for a in [PAYER, OTHER] {
        if !b.vm.account_exists(a) {
            b.vm.create_account(a, 0);
        }
    }
    init(&mut b);
    b
}

/// The seed request with `payer_account_id` added.
pub fn with_payer(payer: &str) -> String {
    let mut v: Value = serde_json::from_str(SEED_REQUEST).unwrap();
    v["payer_account_id"] = json!(payer);
    v.to_string()
}

/// The seed request with every optional field missing.
pub const MINIMAL: &str = r#"{"code_source": {"repo": "r", "commit": "c"}}"#;

pub fn completed_money(tx: &Tx) -> (u128, u128) {
    let e = completed(tx);
    (e["payment_charged"].as_str().unwrap().parse().unwrap(), e["payment_refunded"].as_str().unwrap().parse().unwrap())
}

/// The `get_balance_sheet` fields as numbers.
pub fn sheet(b: &mut VmBackend) -> [u128; 6] {
    let v = view(b, "get_balance_sheet", "{}");
    ["balance", "pending_payments", "storage_locked", "withdrawable", "total_fees_collected", "total_withdrawn"]
        .map(|k| v[k].as_str().unwrap_or_else(|| panic!("{k} is a decimal string: {v}")).parse().unwrap())
}

/// What withdrawable must be, from the VM's own ledger.
pub fn expected_withdrawable(b: &VmBackend, pending: u128) -> u128 {
    b.vm.balance(&b.contract()).saturating_sub(pending).saturating_sub(b.vm.storage_usage() as u128 * STORAGE_PRICE)
}

/// Gas burnt by a view, read from the VM.
pub fn view_gas(b: &mut VmBackend, method: &str, args: &str) -> u64 {
    use super::vm::CallArgs;
    let o = b.vm.call(CallArgs::view(method, args.as_bytes().to_vec()));
    assert!(o.result.is_ok(), "{method}: {:?}", o.result);
    o.gas_burnt
}
