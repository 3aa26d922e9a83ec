//! Issue 8, point 4: `withdraw_fees` and `get_balance_sheet`. What is owed
//! (pending payments) and what stakes storage never leaves; everything else
//! (fees, tips, the initial balance) is withdrawable.

#[macro_use]
mod common;

use common::backend::{Backend, NEAR};
use common::scenarios::*;
use common::service::*;
use common::spec::*;

#[test]
fn balance_sheet_follows_the_ledger() {
    let mut b = vm();
    let c = b.contract();
    let [balance, pending, locked, withdrawable, fees, withdrawn] = sheet(&mut b);
    assert_eq!(balance, 10 * NEAR);
    assert_eq!((pending, fees, withdrawn), (0, 0, 0));
    assert_eq!(locked, b.vm.storage_usage() as u128 * STORAGE_PRICE);
    assert_eq!(withdrawable, expected_withdrawable(&b, 0));
    let req = request(&mut b, SEED_REQUEST, DEPOSIT);
    let [balance, pending, _, withdrawable, _, _] = sheet(&mut b);
    assert_eq!((balance, pending), (10 * NEAR + DEPOSIT, DEPOSIT));
    assert_eq!(withdrawable, expected_withdrawable(&b, DEPOSIT));
    assert!(call(&mut b, OPERATOR, "resolve_execution", &seed_resolve(request_id_of(&req)), 0).status.is_success());
    let [balance, pending, _, withdrawable, fees, _] = sheet(&mut b);
    assert_eq!((balance, pending, fees), (10 * NEAR + SEED_CHARGE, 0, SEED_CHARGE));
    assert_eq!(balance, b.vm.balance(&c));
    assert_eq!(withdrawable, expected_withdrawable(&b, 0));
}

#[test]
fn withdraw_everything_and_pending_requests_still_refund_in_full() {
    let mut b = vm();
    let c = b.contract();
    let r1 = request(&mut b, SEED_REQUEST, DEPOSIT);
    let r2 = request(&mut b, &with_payer(PAYER), 2 * DEPOSIT);
    let all = expected_withdrawable(&b, 3 * DEPOSIT);
    // more than withdrawable: refused, and says how much is
    let msg = format!("at most {all} yoctoNEAR");
    refused(&mut b, OWNER, "withdraw_fees", &format!(r#"{{"amount": "{}"}}"#, all + 1), 0, &msg);
    let tx = call(&mut b, OWNER, "withdraw_fees", "{}", 0);
    assert_eq!(tx.status.value(), Some(format!("\"{all}\"").as_bytes()));
    assert_eq!(tx.refunded_to(OWNER), all);
    let [balance, pending, locked, withdrawable, _, withdrawn] = sheet(&mut b);
    assert_eq!((pending, withdrawable, withdrawn), (3 * DEPOSIT, 0, all));
    assert_eq!(balance, pending + locked, "exactly what is owed and staked is left");
    refused(&mut b, OWNER, "withdraw_fees", "{}", 0, "nothing to withdraw");
    // both pending requests still end with a full refund (timeout), and the
    // storage staking check (the VM's LackBalanceForState) passes throughout
    let timeout = b.yield_timeout_blocks();
    b.skip_blocks(timeout + 1);
    assert_eq!(b.settle(&r1).refunded_to(USER), DEPOSIT);
    assert_eq!(b.settle(&r2).refunded_to(PAYER), 2 * DEPOSIT);
    let [balance, pending, locked, withdrawable, _, _] = sheet(&mut b);
    assert_eq!(pending, 0);
    assert_eq!(balance, b.vm.balance(&c));
    assert_eq!(withdrawable, balance - locked, "the freed storage is withdrawable");
}

#[test]
fn receiver_amount_tips_and_access() {
    let mut b = vm();
    // a 1-yocto tip is owed to no one: withdrawable
    let before = sheet(&mut b)[3];
    let tx = call(&mut b, OWNER, "withdraw_fees", r#"{"amount": "5", "receiver_id": "other.testnet"}"#, 1);
    assert_eq!(tx.status.value(), Some(&b"\"5\""[..]));
    assert_eq!((tx.refunded_to(OTHER), tx.refunded_to(OWNER)), (5, 0));
    let [_, _, _, withdrawable, _, withdrawn] = sheet(&mut b);
    assert_eq!((withdrawable, withdrawn), (before + 1 - 5, 5));
    // null fields take the defaults
    let tx = call(&mut b, OWNER, "withdraw_fees", r#"{"amount": null, "receiver_id": null}"#, 0);
    assert_eq!(tx.refunded_to(OWNER), withdrawable);
    assert_eq!(sheet(&mut b)[5], 5 + withdrawable);
    for (who, args, deposit, needle) in [
        (USER, "{}", 0, "owner only"),
        (OPERATOR, "{}", 0, "owner only"),
        (OWNER, "{}", 2, "take 0 or 1 yoctoNEAR"),
        (OWNER, r#"{"amount": 5}"#, 0, "amount"),
        (OWNER, r#"{"amount": "-5"}"#, 0, "amount"),
        (OWNER, r#"{"amount": "0"}"#, 0, "nothing to withdraw"),
        (OWNER, r#"{"receiver_id": "Not Valid"}"#, 0, "receiver_id"),
        (OWNER, r#"{"amount": "1", "amount": "1"}"#, 0, "duplicate"),
        (OWNER, "[]", 0, "expected"),
    ] {
        let before = b.vm.storage_entries();
        refused(&mut b, who, "withdraw_fees", args, deposit, needle);
        assert_eq!(b.vm.storage_entries(), before, "{args}: nothing changed");
    }
    refused(&mut b, USER, "get_balance_sheet", "{}", 1, "takes no deposit");
}

/// What bounces comes back owed to no one: a withdrawal to a missing account
/// and a refund to a deleted payer both return to the balance and are
/// withdrawable again (`total_withdrawn` keeps counting what was sent).
#[test]
fn bounced_withdrawals_and_refunds_become_withdrawable() {
    let mut b = vm();
    let c = b.contract();
    let before = sheet(&mut b)[3];
    let tx = call(&mut b, OWNER, "withdraw_fees", r#"{"amount": "1000", "receiver_id": "nobody.testnet"}"#, 0);
    assert!(tx.status.is_success());
    assert_eq!(tx.refunded_to("nobody.testnet"), 0);
    assert!(!b.vm.account_exists("nobody.testnet"));
    let [balance, _, _, withdrawable, _, withdrawn] = sheet(&mut b);
    assert_eq!((withdrawable, withdrawn), (before, 1000), "the 1000 yocto came back");
    assert_eq!(balance, b.vm.balance(&c));

    // a refund to a payer deleted meanwhile: the payment leaves pending_payments
    // and comes back as withdrawable
    let req = request(&mut b, &with_payer(PAYER), DEPOSIT);
    b.vm.delete_account(PAYER);
    let [_, _, locked0, w0, _, _] = sheet(&mut b);
    assert!(call(&mut b, OPERATOR, "resolve_execution", &seed_resolve(request_id_of(&req)), 0).status.is_success());
    let done = b.settle(&req);
    assert_eq!(done.refunded_to(PAYER), 0, "the refund bounced");
    let [balance, pending, locked, withdrawable, _, _] = sheet(&mut b);
    assert_eq!(pending, 0);
    assert_eq!(balance, b.vm.balance(&c));
    assert_eq!(withdrawable, balance - locked);
    assert_eq!(withdrawable, w0 + DEPOSIT + (locked0 - locked), "the charge, the bounced refund and the freed storage");
    let tx = call(&mut b, OWNER, "withdraw_fees", "{}", 0);
    assert_eq!(tx.refunded_to(OWNER), withdrawable);
}
