//! How a request ends without a resolve: the yield's timeout, the sender's cancel, the owner's.

use super::prelude::*;

/// No resolve within the yield timeout: full refund, the caller fails with a
/// timeout message, the request is deleted, an event says so.
pub fn timeout_refunds_in_full<B: Backend>(b: &mut B) {
    init(b);
    let deposit = NEAR / 10;
    let req = request(b, SEED_REQUEST, deposit);
    let id = request_id_of(&req);
    assert!(submit(b, id, &text_output("partial")).status.is_success());
    let before = stats(b);
    // A margin around the timeout: on a sandbox every call also takes blocks.
    // (The exact boundary is checked on the VM, in tests/while_pending.rs.)
    b.skip_blocks(b.yield_timeout_blocks() - 30);
    assert_eq!(b.settle(&req).status, Status::Waiting, "not timed out yet");
    assert!(view(b, "get_request", &id_args(id)).is_object());
    b.skip_blocks(40);
    let done = b.settle(&req);
    assert_fails_with(&done.status, "timed out");
    assert_eq!(done.refunded_to(USER), deposit, "full refund");
    assert_completed_failure(&completed(&done), id, USER, &Used::new(0, 0, None), "execution timed out");
    assert_gone(b, id);
    assert_eq!(stats(b), before, "a timeout is not an execution and earns no fee");
    refused(b, OPERATOR, "resolve_execution", &seed_resolve(id), 0, "no pending request");
}

/// What can be checked of `cancel_stale_execution` on any chain: before 10
/// minutes nobody may cancel, someone else never may. (A yield times out after
/// 200 blocks, long before 10 minutes, so on a real chain a request has
/// normally ended by timeout before it can be cancelled; the successful cancel
/// is in `vm_only::sender_cancels_after_ten_minutes_with_a_full_refund`.)
pub fn stale_cancel_refused_before_ten_minutes_and_to_others<B: Backend>(b: &mut B) {
    init(b);
    let deposit = NEAR / 10;
    let req = request(b, SEED_REQUEST, deposit);
    let id = request_id_of(&req);
    let stored = view(b, "get_request", &id_args(id));
    refused(b, USER, "cancel_stale_execution", &id_args(id), 0, "allowed 10 minutes after");
    refused(b, OTHER, "cancel_stale_execution", &id_args(id), 0, "sender only");
    refused(b, OWNER, "cancel_stale_execution", &id_args(id), 0, "sender only");
    refused(b, USER, "cancel_stale_execution", &id_args(id + 1), 0, "no pending request");
    refused(b, USER, "cancel_stale_execution", &id_args(id), 1, "takes no deposit");
    refused(b, USER, "cancel_stale_execution", "{}", 0, "request_id");
    b.skip_blocks(60);
    refused(b, USER, "cancel_stale_execution", &id_args(id), 0, "allowed 10 minutes after");
    assert_eq!(view(b, "get_request", &id_args(id)), stored, "refusals change nothing");
    // ...and the request still ends normally.
    resolve_ok(b, id, "null", &Used::NOTHING);
    assert!(b.settle(&req).status.is_success());
}

/// `emergency_cancel_execution`: the owner cancels any pending request with a
/// full refund; nobody else can; a callback arriving later changes nothing.
pub fn owner_cancel_refunds_in_full<B: Backend>(b: &mut B) {
    init(b);
    let deposit = NEAR / 10;
    let req = request(b, SEED_REQUEST, deposit);
    let id = request_id_of(&req);
    assert!(submit(b, id, &text_output("stored")).status.is_success());
    for who in [USER, OTHER, OPERATOR] {
        refused(b, who, "emergency_cancel_execution", &id_args(id), 0, "owner only");
    }
    refused(b, OWNER, "emergency_cancel_execution", &id_args(id + 7), 0, "no pending request");
    let before = stats(b);
    let cancel = ok(b, OWNER, "emergency_cancel_execution", &id_args(id), 0);
    assert_eq!(cancel.refunded_to(USER), deposit, "full refund");
    assert_completed_failure(&completed(&cancel), id, USER, &Used::new(0, 0, None), "cancelled by the owner");
    assert_gone(b, id);
    assert_eq!(stats(b), before);
    // The operator can no longer resolve it; the yield's eventual callback
    // (its timeout) refunds nothing and makes the caller's call fail.
    refused(b, OPERATOR, "resolve_execution", &seed_resolve(id), 0, "no pending request");
    b.skip_blocks(b.yield_timeout_blocks() + 1);
    let done = b.settle(&req);
    assert_fails_with(&done.status, "cancelled");
    assert_eq!(done.refunded_to(USER), 0, "nothing refunded twice");
    assert!(done.events("execution_completed").is_empty(), "no second event");
    assert_eq!(stats(b), before);

    // With the 1 yocto an owner may attach.
    let req = request(b, SEED_REQUEST, deposit);
    let cancel = ok(b, OWNER, "emergency_cancel_execution", &id_args(request_id_of(&req)), 1);
    assert_eq!(cancel.refunded_to(USER), deposit);
}
