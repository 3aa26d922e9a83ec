//! The operator's mistakes, and a change of operator while requests are pending.

use super::prelude::*;

/// Double resolve, resolve/submit by a non-operator or for an unknown id,
/// submit twice, an inline output after a submit: each fails and changes nothing.
pub fn operator_mistakes_fail_and_change_nothing<B: Backend>(b: &mut B) {
    init(b);
    let deposit = NEAR / 10;
    let req = request(b, SEED_REQUEST, deposit);
    let id = request_id_of(&req);
    let stored = view(b, "get_request", &id_args(id));
    for who in [USER, OWNER, OTHER] {
        refused(b, who, "resolve_execution", &seed_resolve(id), 0, "operator only");
        refused(
            b,
            who,
            "submit_execution_output",
            &format!(r#"{{"request_id": {id}, "output": {{"Text": "x"}}}}"#),
            0,
            "operator only",
        );
    }
    refused(b, OPERATOR, "resolve_execution", &seed_resolve(999), 0, "no pending request");
    refused(
        b,
        OPERATOR,
        "submit_execution_output",
        r#"{"request_id": 999, "output": {"Text": "x"}}"#,
        0,
        "no pending request",
    );
    refused(b, OPERATOR, "resolve_execution", &seed_resolve(id), 1, "takes no deposit");
    refused(
        b,
        OPERATOR,
        "submit_execution_output",
        &format!(r#"{{"request_id": {id}, "output": {{"Text": "x"}}}}"#),
        1,
        "takes no deposit",
    );
    assert_eq!(view(b, "get_request", &id_args(id)), stored);
    assert_eq!(view(b, "has_pending_output", &id_args(id)), json!(false));

    assert!(submit(b, id, &text_output("first")).status.is_success());
    refused(
        b,
        OPERATOR,
        "submit_execution_output",
        &format!(r#"{{"request_id": {id}, "output": {{"Text": "second"}}}}"#),
        0,
        "output already stored",
    );
    assert_eq!(view(b, "get_pending_output", &id_args(id)), json!({"Text": "first"}));
    let inline = refused(b, OPERATOR, "resolve_execution", &seed_resolve(id), 0, "output already stored");
    assert_fails_with(&inline.status, r#""output": null"#);
    assert_eq!(b.settle(&req).status, Status::Waiting);

    resolve_ok(b, id, "null", &Used::new(1_000_000, 100, None));
    let done = b.settle(&req);
    assert_eq!(done.status, Status::Success(Some(br#""first""#.to_vec())));
    let after = stats(b);
    // A second resolve fails. (The callback of the first has run and deleted the
    // request by then: "no pending request"; a resume of a yield that has
    // already ended would say the yield is not waiting.)
    let second = call(b, OPERATOR, "resolve_execution", &seed_resolve(id), 0);
    let msg = second.status.failure();
    assert!(msg.contains("no pending request") || msg.contains("not waiting"), "{msg}");
    assert!(second.transfers.is_empty());
    assert_eq!(b.settle(&req).refunded_to(USER), done.refunded_to(USER), "no second refund");
    assert_eq!(stats(b), after);
}

/// The operator changes while a request is pending: the new one resolves it,
/// the old one cannot.
pub fn new_operator_resolves_pending_requests<B: Backend>(b: &mut B) {
    init(b);
    let req = request(b, SEED_REQUEST, NEAR / 10);
    let id = request_id_of(&req);
    ok(b, OWNER, "set_operator", r#"{"new_operator_id": "new-operator.testnet"}"#, 0);
    refused(b, OPERATOR, "resolve_execution", &seed_resolve(id), 0, "operator only");
    refused(
        b,
        OPERATOR,
        "submit_execution_output",
        &format!(r#"{{"request_id": {id}, "output": {{"Text": "x"}}}}"#),
        0,
        "operator only",
    );
    assert!(call(
        b,
        NEW_OPERATOR,
        "submit_execution_output",
        &format!(r#"{{"request_id": {id}, "output": {{"Text": "new"}}}}"#),
        0
    )
    .status
    .is_success());
    let tx = call(b, NEW_OPERATOR, "resolve_execution", &seed_resolve_null(id), 0);
    assert_eq!(tx.status, Status::Success(None));
    let done = b.settle(&req);
    assert_eq!(done.status, Status::Success(Some(br#""new""#.to_vec())));
    assert_eq!(done.refunded_to(USER), NEAR / 10 - cost(1_000_000, 128, 100));
}
