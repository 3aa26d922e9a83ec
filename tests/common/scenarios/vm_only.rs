//! Scenarios that need the embedded VM's insides: its clock, ledger, pending yields and raw
//! storage.

use super::prelude::*;
use crate::common::vm_backend::{VmBackend, CONTRACT};

#[allow(unused_imports)] // used by integration_tests only
pub use super::money::money_is_conserved;

/// Moves the block clock without producing blocks (slow blocks), so that the
/// receipt of the next transaction runs at `to_ns`; no yield times out. On a
/// chain with ~1 s blocks a yield times out after 200 blocks, long before a
/// request becomes cancellable at 10 minutes; with slow blocks it need not.
pub fn jump_clock(b: &mut VmBackend, to_ns: u64) {
    let h = b.vm.block_height();
    let lead = b.vm.next_receipt_timestamp() - b.vm.block_timestamp();
    b.vm.set_block(h, (to_ns - lead).max(b.vm.block_timestamp()));
}

/// The timestamp of a request, from its event.
pub fn timestamp_of(tx: &Tx) -> u64 {
    request_data(tx)["timestamp"].as_u64().unwrap()
}

/// The data id of a request's yield, from its event.
pub fn data_id_of(tx: &Tx) -> [u8; 32] {
    let ids: Vec<u8> = tx.events("execution_requested")[0]["data"][0]["data_id"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as u8)
        .collect();
    ids.try_into().unwrap()
}

/// `cancel_stale_execution` by the sender once 10 minutes have passed: full
/// refund, request and stored output removed, an event; a callback that
/// arrives afterwards changes nothing and refunds nothing.
pub fn sender_cancels_after_ten_minutes_with_a_full_refund(b: &mut VmBackend) {
    init(b);
    let deposit = NEAR / 10;
    let req = request(b, SEED_REQUEST, deposit);
    let id = request_id_of(&req);
    assert!(submit(b, id, &text_output("stored")).status.is_success());
    let t0 = timestamp_of(&req);
    jump_clock(b, t0 + STALE_NS - 1);
    refused(b, USER, "cancel_stale_execution", &id_args(id), 0, "allowed 10 minutes after");
    jump_clock(b, t0 + STALE_NS);
    refused(b, OTHER, "cancel_stale_execution", &id_args(id), 0, "sender only");
    assert_eq!(b.vm.pending_yields().len(), 1, "still waiting: no block was produced");

    let before = stats(b);
    let balance = b.vm.balance(CONTRACT);
    let cancel = ok(b, USER, "cancel_stale_execution", &id_args(id), 0);
    assert_eq!(cancel.transfers, vec![(USER.to_string(), deposit)], "full refund");
    assert_completed_failure(&completed(&cancel), id, USER, &Used::new(0, 0, None), "cancelled by the sender");
    assert_gone(b, id);
    assert_eq!(b.vm.balance(CONTRACT), balance - deposit);
    refused(b, USER, "cancel_stale_execution", &id_args(id), 0, "no pending request");
    refused(b, OPERATOR, "resolve_execution", &seed_resolve(id), 0, "no pending request");

    // The yield is still there; its callback (here: the timeout) finds no
    // request: nothing changes, nothing is refunded, the caller fails.
    let balance = b.vm.balance(CONTRACT);
    let user = b.vm.balance(USER);
    b.skip_blocks(b.yield_timeout_blocks() + 1);
    assert!(b.vm.pending_yields().is_empty());
    let done = b.settle(&req);
    assert_fails_with(&done.status, "cancelled");
    assert!(done.transfers.is_empty() && done.events("execution_completed").is_empty());
    assert_eq!((b.vm.balance(CONTRACT), b.vm.balance(USER)), (balance, user));
    assert_eq!(stats(b), before);
}

/// The deposit required is the estimate plus exactly the storage staking of
/// the bytes the request adds to the account.
pub fn required_deposit_is_estimate_plus_storage(b: &mut VmBackend) {
    init(b);
    for (args, limits) in [(SEED_REQUEST.to_string(), Limits::DEFAULT), (largest_request_args("Bytes"), Limits::CAP)] {
        let required = required_deposit(b, &Prices::DEFAULT, USER, &args);
        let before = b.vm.storage_usage();
        request(b, &args, required);
        let added = b.vm.storage_usage() - before;
        assert_eq!(added, Request::parse(&args).stored_bytes(USER), "README's state layout, as the VM counts it");
        assert_eq!(required, Prices::DEFAULT.estimate(&limits) + storage_cost(added));
    }
    // The sender's account id is part of the stored request: the longest
    // (64 chars, an implicit account) still works.
    let implicit = "ab".repeat(32);
    let args = largest_request_args("Text");
    let required = required_deposit(b, &Prices::DEFAULT, &implicit, &args);
    let req = request_as(b, &implicit, &args, required);
    assert_eq!(request_data(&req)["sender_id"], implicit);
    let id = request_id_of(&req);
    assert!(submit(b, id, &bytes_output(&some_bytes(1000))).status.is_success());
    resolve_ok(b, id, "null", &Used::NOTHING);
    assert_eq!(b.settle(&req).refunded_to(&implicit), required - BASE_FEE - CAP_MEMORY_MB as u128 * PER_MB);
}
