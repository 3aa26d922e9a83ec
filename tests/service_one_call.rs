//! Issue 8, point 6: `submit_execution_output_and_resolve` stores a large
//! output and resumes the yield in one operator transaction, with the 2-call
//! flow's validation and storage rules.

#[macro_use]
mod common;

use common::backend::{Backend, Status};
use common::scenarios::*;
use common::service::*;
use common::spec::*;

fn args(id: u64, output: &str, success: bool) -> String {
    format!(
        r#"{{"request_id": {id}, "output": {output}, "success": {success}, "error": null, "resources_used": {{"instructions": 1000000, "time_ms": 100}}}}"#
    )
}

#[test]
fn large_output_in_one_call() {
    let mut b = vm();
    let req = request(&mut b, SEED_REQUEST, DEPOSIT);
    let id = request_id_of(&req);
    let text = "x".repeat(5000);
    let before = b.vm.storage_usage();
    let tx = call(&mut b, OPERATOR, "submit_execution_output_and_resolve", &args(id, &text_output(&text), true), 0);
    assert_eq!(tx.status, Status::Success(None));
    let done = b.settle(&req);
    assert_eq!(done.status, Status::Success(Some(format!("\"{text}\"").into_bytes())));
    assert_eq!(done.refunded_to(USER), DEPOSIT - SEED_CHARGE);
    assert_eq!(completed_money(&done), (SEED_CHARGE, DEPOSIT - SEED_CHARGE));
    assert!(b.vm.storage_usage() < before, "request and output removed");
    assert_gone(&mut b, id);
    assert_eq!(view(&mut b, "has_pending_output", &id_args(id)), false);
    // once only
    refused(
        &mut b,
        OPERATOR,
        "submit_execution_output_and_resolve",
        &args(id, &text_output("a"), true),
        0,
        "no pending request",
    );
}

#[test]
fn refusals_change_nothing() {
    let mut b = vm();
    let req = request(&mut b, SEED_REQUEST, DEPOSIT);
    let id = request_id_of(&req);
    let snapshot = b.vm.storage_entries();
    let huge = bytes_output(&some_bytes(CAP_OUTPUT));
    for (who, a, needle) in [
        (USER, args(id, &text_output("a"), true), "operator only"),
        (OPERATOR, args(id + 1, &text_output("a"), true), "no pending request"),
        (OPERATOR, args(id, &huge, true), "output too large for the payment"),
        (OPERATOR, args(id, "null", true), "output"),
        (
            OPERATOR,
            format!(r#"{{"request_id": {id}, "output": {{"Text": "a"}}, "success": true}}"#),
            "resources_used: missing field",
        ),
        (
            OPERATOR,
            format!(
                r#"{{"request_id": {id}, "output": {{"Text": "a"}}, "resources_used": {{"instructions": 1, "time_ms": 1}}}}"#
            ),
            "success: missing field",
        ),
    ] {
        refused(&mut b, who, "submit_execution_output_and_resolve", &a, 0, needle);
        assert_eq!(b.vm.storage_entries(), snapshot, "{a}");
    }
    // an output already submitted with the 2-call flow: refused
    assert!(submit(&mut b, id, &text_output("first")).status.is_success());
    refused(
        &mut b,
        OPERATOR,
        "submit_execution_output_and_resolve",
        &args(id, &text_output("a"), true),
        0,
        "output already stored",
    );
    // after a timeout the request is gone: refused, nothing stored
    let r2 = request(&mut b, SEED_REQUEST, DEPOSIT);
    let id2 = request_id_of(&r2);
    let timeout = b.yield_timeout_blocks();
    b.skip_blocks(timeout + 1);
    let snapshot = b.vm.storage_entries();
    refused(
        &mut b,
        OPERATOR,
        "submit_execution_output_and_resolve",
        &args(id2, &text_output("a"), true),
        0,
        "no pending request",
    );
    assert_eq!(b.vm.storage_entries(), snapshot);
}

/// A failed execution reported in one call: the base fee is kept, the stored
/// output is dropped, the caller gets the error.
#[test]
fn failure_in_one_call() {
    let mut b = vm();
    let req = request(&mut b, &with_payer(PAYER), DEPOSIT);
    let id = request_id_of(&req);
    let a = format!(
        r#"{{"request_id": {id}, "output": {{"Text": "partial"}}, "success": false, "error": "boom", "resources_used": {{"instructions": 1, "time_ms": 1}}}}"#
    );
    assert!(call(&mut b, OPERATOR, "submit_execution_output_and_resolve", &a, 0).status.is_success());
    let done = b.settle(&req);
    assert_fails_with(&done.status, "boom");
    assert_eq!(done.refunded_to(PAYER), DEPOSIT - BASE_FEE);
    assert_eq!(view(&mut b, "has_pending_output", &id_args(id)), false);
}
