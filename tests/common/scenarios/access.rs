//! Who may call what: private methods, the pause, deposits on non-payable methods, init.

use super::prelude::*;
use super::views::views_answer;

/// The callback and `fail_execution` are private: an outsider calling them
/// directly fails and changes nothing.
pub fn private_methods_refuse_outsiders<B: Backend>(b: &mut B) {
    init(b);
    let req = request(b, SEED_REQUEST, NEAR / 10);
    let id = request_id_of(&req);
    let stored = view(b, "get_request", &id_args(id));
    let before = stats(b);
    for who in [USER, OTHER, OPERATOR, OWNER] {
        for (method, args) in
            [("on_execution_response", id.to_le_bytes().to_vec()), ("fail_execution", b"stolen".to_vec())]
        {
            for deposit in [0, NEAR] {
                let tx = b.call(who, method, &args, deposit, CLI_GAS);
                assert_fails_with(&tx.status, "private method");
                assert!(tx.logs.is_empty());
                assert_eq!(tx.refunded_to(who), deposit);
                assert_eq!(tx.transfers.len(), (deposit > 0) as usize, "no money moves but the deposit's return");
            }
        }
    }
    assert_eq!(view(b, "get_request", &id_args(id)), stored);
    assert_eq!(stats(b), before);
    assert_eq!(b.settle(&req).status, Status::Waiting);
    resolve_ok(b, id, r#"{"Text": "fine"}"#, &Used::NOTHING);
    assert_eq!(b.settle(&req).status, Status::Success(Some(br#""fine""#.to_vec())));
}

/// While paused new requests fail; resolving, submitting, callbacks (also
/// timeouts), cancels and views go on.
pub fn pause_stops_only_new_requests<B: Backend>(b: &mut B) {
    init(b);
    let deposit = NEAR / 10;
    let a = request(b, SEED_REQUEST, deposit);
    let c = request(b, SEED_REQUEST, deposit);
    let d = request(b, SEED_REQUEST, deposit);
    let (a_id, c_id, d_id) = (request_id_of(&a), request_id_of(&c), request_id_of(&d));
    ok(b, OWNER, "set_paused", r#"{"paused": true}"#, 0);
    assert_eq!(view(b, "is_paused", ""), json!(true));
    assert_eq!(view(b, "get_config", "{}")["paused"], true);
    refused(b, USER, "request_execution", SEED_REQUEST, deposit, "paused");
    refused(b, OTHER, "request_execution", SEED_REQUEST, NEAR, "paused");
    assert_eq!(view(b, "get_request", &id_args(d_id + 1)), Value::Null);

    assert!(submit(b, a_id, &text_output("while paused")).status.is_success());
    resolve_ok(b, a_id, "null", &Used::new(1_000_000, 100, None));
    let done = b.settle(&a);
    assert_eq!(done.status, Status::Success(Some(br#""while paused""#.to_vec())));
    assert_eq!(done.refunded_to(USER), deposit - cost(1_000_000, 128, 100));

    refused(b, USER, "cancel_stale_execution", &id_args(c_id), 0, "10 minutes");
    let cancel = ok(b, OWNER, "emergency_cancel_execution", &id_args(c_id), 0);
    assert_eq!(cancel.refunded_to(USER), deposit);

    b.skip_blocks(b.yield_timeout_blocks() + 1);
    let timed_out = b.settle(&d);
    assert_fails_with(&timed_out.status, "timed out");
    assert_eq!(timed_out.refunded_to(USER), deposit);
    assert_fails_with(&b.settle(&c).status, "cancelled");
    for id in [a_id, c_id, d_id] {
        assert_gone(b, id);
    }
    views_answer(b);

    ok(b, OWNER, "set_paused", r#"{"paused": false}"#, 0);
    assert_eq!(view(b, "is_paused", ""), json!(false));
    let e = request(b, SEED_REQUEST, deposit);
    assert_eq!(request_id_of(&e), d_id + 1, "failed requests used no id");
}

/// Methods that are not payable refuse any deposit, and the deposit goes back.
pub fn non_payable_methods_give_any_deposit_back<B: Backend>(b: &mut B) {
    init(b);
    let req = request(b, SEED_REQUEST, NEAR / 10);
    let id = request_id_of(&req);
    for deposit in [1, NEAR] {
        refused(b, OPERATOR, "resolve_execution", &seed_resolve(id), deposit, "takes no deposit");
        refused(
            b,
            OPERATOR,
            "submit_execution_output",
            &format!(r#"{{"request_id": {id}, "output": {{"Text": "x"}}}}"#),
            deposit,
            "takes no deposit",
        );
        refused(b, USER, "cancel_stale_execution", &id_args(id), deposit, "takes no deposit");
        let c = b.contract();
        refused(b, &c, "new", r#"{"owner_id": "owner.testnet"}"#, deposit, "takes no deposit");
    }
    assert_eq!(b.settle(&req).status, Status::Waiting);
    resolve_ok(b, id, "null", &Used::NOTHING);
}

/// `new`: only by the contract account, only once; nothing works before it.
pub fn init_works_once_and_only_from_the_contract<B: Backend>(b: &mut B) {
    let c = b.contract();
    assert!(b.view("get_config", b"{}").is_err(), "views fail before init");
    refused(b, USER, "request_execution", SEED_REQUEST, NEAR / 10, "not initialized");
    refused(b, OWNER, "new", r#"{"owner_id": "owner.testnet"}"#, 0, "only the contract account may initialize");
    refused(b, USER, "new", r#"{"owner_id": "user.testnet"}"#, 0, "only the contract account may initialize");
    refused(b, &c, "new", r#"{"owner_id": "owner.testnet"}"#, 1, "takes no deposit");
    refused(b, &c, "new", r#"{"owner_id": "Owner"}"#, 0, "owner_id");
    refused(b, &c, "new", r#"{"operator_id": "operator.testnet"}"#, 0, "owner_id");
    refused(b, &c, "new", r#"{"owner_id": "owner.testnet", "operator_id": "x"}"#, 0, "operator_id");
    refused(b, &c, "new", "", 0, "");
    ok(b, &c, "new", r#"{"owner_id": "owner.testnet"}"#, 0);
    assert_eq!(
        view(b, "get_config", "{}"),
        json!({"owner_id": OWNER, "operator_id": OWNER, "paused": false, "keystore_account_id": null}),
        "operator defaults to the owner"
    );
    refused(b, &c, "new", r#"{"owner_id": "other.testnet", "operator_id": "other.testnet"}"#, 0, "already initialized");
    assert_eq!(view(b, "get_config", "{}")["owner_id"], OWNER);
    assert_eq!(view(b, "get_pricing", "{}"), Prices::DEFAULT.json());
    assert_eq!(stats(b), (0, 0));
}
