//! Issue 8, points 2 and 3: `payer_account_id` gets every refund of its
//! request, and `execution_completed` carries `payment_charged` and
//! `payment_refunded`, on every outcome.

#[macro_use]
mod common;

use common::backend::{Backend, Status, TGAS};
use common::scenarios::vm_only::{data_id_of, jump_clock, timestamp_of};
use common::scenarios::*;
use common::service::*;
use common::spec::*;
use serde_json::json;

#[test]
fn success_refund_goes_to_the_payer() {
    let mut b = vm();
    let req = request(&mut b, &with_payer(PAYER), DEPOSIT);
    let id = request_id_of(&req);
    assert_eq!(request_data(&req)["payer_account_id"], PAYER);
    assert_eq!(view(&mut b, "get_request", &id_args(id))["payer_account_id"], PAYER);
    assert_eq!(request_data(&req)["sender_id"], USER);
    assert!(call(&mut b, OPERATOR, "resolve_execution", &seed_resolve(id), 0).status.is_success());
    let done = b.settle(&req);
    assert_eq!(done.status, Status::Success(Some(b"\"Hello, NEAR!\"".to_vec())));
    assert_eq!(done.refunded_to(PAYER), DEPOSIT - SEED_CHARGE);
    assert_eq!(done.refunded_to(USER), 0);
    assert_eq!(completed_money(&done), (SEED_CHARGE, DEPOSIT - SEED_CHARGE));
    assert_eq!(completed(&done)["sender_id"], USER);
}

#[test]
fn failure_timeout_and_malformed_refund_the_payer() {
    let mut b = vm();
    // failed execution: the base fee is kept
    let req = request(&mut b, &with_payer(PAYER), DEPOSIT);
    let id = request_id_of(&req);
    assert!(resolve(&mut b, id, false, "null", "\"boom\"", &Used::new(5, 5, None)).status.is_success());
    let done = b.settle(&req);
    assert_fails_with(&done.status, "boom");
    assert_eq!((done.refunded_to(PAYER), done.refunded_to(USER)), (DEPOSIT - BASE_FEE, 0));
    assert_eq!(completed_money(&done), (BASE_FEE, DEPOSIT - BASE_FEE));

    // timeout: everything back
    let req = request(&mut b, &with_payer(PAYER), DEPOSIT);
    let timeout = b.yield_timeout_blocks();
    b.skip_blocks(timeout + 1);
    let done = b.settle(&req);
    assert_fails_with(&done.status, "timed out");
    assert_eq!((done.refunded_to(PAYER), done.refunded_to(USER)), (DEPOSIT, 0));
    assert_eq!(completed_money(&done), (0, DEPOSIT));

    // a malformed result: everything back
    let req = request(&mut b, &with_payer(PAYER), DEPOSIT);
    let cb = b.vm.end_yield_with(&data_id_of(&req), Some(b"garbage".to_vec())).expect("pending yield");
    let refunds: u128 = cb.transfers.iter().filter(|(to, _)| to == PAYER).map(|(_, a)| a).sum();
    assert_eq!(refunds, DEPOSIT);
    assert!(cb.transfers.iter().all(|(to, _)| to != USER));
    let ev = cb.logs.iter().find(|l| l.contains("execution_completed")).unwrap();
    let ev: serde_json::Value = serde_json::from_str(ev.strip_prefix("EVENT_JSON:").unwrap()).unwrap();
    assert_eq!(
        (ev["data"][0]["payment_charged"].clone(), ev["data"][0]["payment_refunded"].clone()),
        (json!("0"), json!(DEPOSIT.to_string()))
    );
}

#[test]
fn cancels_refund_the_payer_and_only_the_sender_may_cancel() {
    let mut b = vm();
    let req = request(&mut b, &with_payer(PAYER), DEPOSIT);
    let id = request_id_of(&req);
    jump_clock(&mut b, timestamp_of(&req) + 600 * 1_000_000_000);
    refused(&mut b, PAYER, "cancel_stale_execution", &id_args(id), 0, "sender only");
    let tx = ok(&mut b, USER, "cancel_stale_execution", &id_args(id), 0);
    assert_eq!((tx.refunded_to(PAYER), tx.refunded_to(USER)), (DEPOSIT, 0));
    assert_eq!(completed_money(&tx), (0, DEPOSIT));
    assert_gone(&mut b, id);

    let req = request(&mut b, &with_payer(PAYER), DEPOSIT);
    let id = request_id_of(&req);
    let tx = ok(&mut b, OWNER, "emergency_cancel_execution", &id_args(id), 0);
    assert_eq!((tx.refunded_to(PAYER), tx.refunded_to(USER)), (DEPOSIT, 0));
    assert_eq!(completed_money(&tx), (0, DEPOSIT));
    assert_eq!(completed(&tx)["error_message"], "cancelled by the owner");
}

#[test]
fn no_payer_refunds_the_sender_and_the_shapes_stay() {
    let mut b = vm();
    for args in [SEED_REQUEST.to_string(), with_payer("x").replace("\"x\"", "null")] {
        let req = request(&mut b, &args, DEPOSIT);
        let id = request_id_of(&req);
        assert!(request_data(&req).get("payer_account_id").is_none(), "carried only when set");
        assert!(call(&mut b, OPERATOR, "resolve_execution", &seed_resolve(id), 0).status.is_success());
        let done = b.settle(&req);
        assert_eq!(done.refunded_to(USER), DEPOSIT - SEED_CHARGE);
        assert_eq!(completed_money(&done), (SEED_CHARGE, DEPOSIT - SEED_CHARGE));
    }
}

#[test]
fn payer_must_be_a_valid_account_id() {
    let mut b = vm();
    for bad in ["\"Payer\"", "\"a\"", "7", "\"payer..testnet\"", "[]"] {
        let args = with_payer("x").replace("\"x\"", bad);
        refused(&mut b, USER, "request_execution", &args, DEPOSIT, "payer_account_id");
    }
    assert_eq!(view(&mut b, "get_pending_requests", "{}"), json!([]));
}

/// The callback's reserved gas follows the payer: an implicit payer gets the
/// 16 Tgas that cover the account creation a transfer to an implicit account
/// prepays, 8 more than the 8 Tgas of a named one (README, "Gas"), and so does
/// the request's up-front gas check.
#[test]
fn callback_gas_follows_the_payer() {
    let mut b = vm();
    let least = |b: &mut common::vm_backend::VmBackend, args: &str| -> u64 {
        let tx = b.call(USER, "request_execution", args.as_bytes(), DEPOSIT, 6 * TGAS);
        let msg = tx.status.failure().to_string();
        let tail = &msg[msg.find("at least ").expect(&msg) + 9..];
        tail.split(' ').next().unwrap().parse().unwrap()
    };
    let named = least(&mut b, &with_payer(PAYER));
    let implicit = least(&mut b, &with_payer(IMPLICIT));
    assert_eq!(implicit, named + 8, "named {named} Tgas, implicit {implicit} Tgas");
    // an implicit payer's request at that least gas: every refund still arrives
    let tx = b.call(USER, "request_execution", with_payer(IMPLICIT).as_bytes(), DEPOSIT, implicit * TGAS);
    assert_eq!(tx.status, Status::Waiting);
    let timeout = b.yield_timeout_blocks();
    b.skip_blocks(timeout + 1);
    let done = b.settle(&tx);
    assert_eq!(done.refunded_to(IMPLICIT), DEPOSIT);
}
