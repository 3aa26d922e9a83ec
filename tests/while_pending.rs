//! What may happen while a request is pending: the operator, the owner or the prices change; the
//! yield times out, or the request is cancelled, just before a resolve.

mod common;

use common::checked_env::*;
use common::spec::*;
use common::vm::NEAR;

/// Operator and owner changed while requests are pending: the new operator resolves them,
/// the old one cannot; the new owner cancels, the old one cannot; a price change while pending
/// does not change what a pending request pays.
#[test]
fn operator_owner_and_price_changes_while_pending() {
    let mut env = Env::new(10 * NEAR);
    let (a, _) = env.simple_request(USER);
    let (b, _) = env.simple_request(USER);
    let (c, _) = env.simple_request(OTHER);
    let (d, _) = env.simple_request(OTHER);
    assert_eq!(
        env.call(OWNER, "set_operator", &br#"{"new_operator_id": "new-operator.testnet"}"#[..], 0, CLI_GAS).result,
        Ok(None)
    );
    env.operator = "new-operator.testnet".into();
    must_fail(
        &env.call(OPERATOR, "resolve_execution", resolve_args(a, true, None, None, (1, 1, None)), 0, CLI_GAS),
        "operator only",
    );
    must_fail(&env.call(OPERATOR, "submit_execution_output", submit_args(a, &text("x")), 0, CLI_GAS), "operator only");
    env.check();
    env.resolve(a, true, Some(&text("by the new operator")), None, (1_000_000, 1000, Some(1)));
    // Prices change while b is pending: b pays the prices of when it was made.
    let o = env.call(
        OWNER,
        "set_pricing",
        &br#"{"base_fee": "90000000000000000000000", "per_second_fee": "9000000000000000000000"}"#[..],
        1,
        CLI_GAS,
    );
    assert_eq!(o.result, Ok(None));
    env.tips += 1;
    env.prices = Prices { base: 9 * NEAR / 100, per_sec: 9 * NEAR / 1000, ..Prices::DEFAULT };
    env.resolve(b, true, None, None, (5_000_000, 2500, None));
    assert_eq!(
        env.ended[&b].0,
        Prices::DEFAULT.charge(&Limits::SEED_EXAMPLE, u128::MAX, (5_000_000, 2500, None)),
        "charged at the old prices"
    );
    assert_eq!(
        env.call(OWNER, "set_owner", &br#"{"new_owner_id": "new-owner.testnet"}"#[..], 0, CLI_GAS).result,
        Ok(None)
    );
    env.owner = "new-owner.testnet".into();
    must_fail(&env.call(OWNER, "emergency_cancel_execution", id_args(c), 0, CLI_GAS), "owner only");
    must_fail(
        &env.call(OWNER, "set_operator", &br#"{"new_operator_id": "operator.testnet"}"#[..], 0, CLI_GAS),
        "owner only",
    );
    must_fail(&env.call(OWNER, "set_paused", &br#"{"paused": true}"#[..], 0, CLI_GAS), "owner only");
    env.check();
    let o = env.call("new-owner.testnet", "emergency_cancel_execution", id_args(c), 1, CLI_GAS);
    assert_eq!(o.result, Ok(None));
    env.tips += 1;
    env.after_cancel(&o, c);
    env.check();
    // The operator becomes the old owner: roles are just accounts.
    assert_eq!(
        env.call("new-owner.testnet", "set_operator", &br#"{"new_operator_id": "owner.testnet"}"#[..], 0, CLI_GAS)
            .result,
        Ok(None)
    );
    env.operator = OWNER.into();
    env.resolve(d, false, None, Some("x"), (0, 0, None));
    env.drain();
}

/// A resolve shortly before the timeout succeeds; after it the request has ended as timed out,
/// refunded once, and the resolve fails (the race at the exact block, in both orders, is in
/// chain_races.rs). A resolve after a cancel fails and the later timeout refunds nothing again.
#[test]
fn resolve_after_timeout_or_cancel_fails_and_nothing_is_paid_twice() {
    let mut env = Env::new(10 * NEAR);
    let timeout = env.vm.yield_timeout_blocks();
    // Shortly before the timeout (the env lets a timeout due within a call's blocks fire first):
    // still pending, resolves.
    let (a, _) = env.simple_request(USER);
    env.advance(timeout - 10);
    env.check();
    assert!(env.live.contains_key(&a) && env.pending_yields().contains(&env.live[&a].data_id));
    env.resolve(a, true, Some(&text("just in time")), None, (1, 1, None));

    // Past the timeout: timed out, refunded once; the resolve fails.
    let (b, payment) = env.simple_request(USER);
    let user_before = env.vm.balance(USER);
    env.advance(timeout + 1);
    assert_eq!(env.ended[&b], (0, payment), "timed out, refunded in full");
    let o = env.call(OPERATOR, "resolve_execution", resolve_args(b, true, None, None, (1, 1, None)), 0, CLI_GAS);
    must_fail(&o, "no pending request");
    env.advance(timeout + 1);
    assert_eq!(env.vm.balance(USER) - user_before, payment, "refunded exactly once");
    env.check();

    // Cancelled by the owner, then resolved: fails; the timeout then refunds nothing.
    let (c, payment) = env.simple_request(USER);
    let user_before = env.vm.balance(USER);
    let o = env.call(OWNER, "emergency_cancel_execution", id_args(c), 0, CLI_GAS);
    assert_eq!(o.result, Ok(None));
    env.after_cancel(&o, c);
    must_fail(
        &env.call(OPERATOR, "resolve_execution", resolve_args(c, true, None, None, (1, 1, None)), 0, CLI_GAS),
        "no pending request",
    );
    must_fail(
        &env.call(OPERATOR, "submit_execution_output", submit_args(c, &text("late")), 0, CLI_GAS),
        "no pending request",
    );
    env.advance(timeout + 1);
    assert_eq!(env.vm.balance(USER) - user_before, payment, "refunded exactly once");
    env.check();

    // Cancelled by the sender after 10 minutes of slow blocks, then resolved: same.
    let (d, payment) = env.simple_request(USER);
    must_fail(&env.call(USER, "cancel_stale_execution", id_args(d), 1, CLI_GAS), "takes no deposit");
    let user_before = env.vm.balance(USER);
    let t0 = env.live[&d].timestamp;
    env.next_receipt_at(t0 + STALE_NS - 1);
    must_fail(&env.call(USER, "cancel_stale_execution", id_args(d), 0, CLI_GAS), "allowed 10 minutes after");
    env.next_receipt_at(t0 + STALE_NS);
    must_fail(&env.call(OTHER, "cancel_stale_execution", id_args(d), 0, CLI_GAS), "sender only");
    let o = env.call(USER, "cancel_stale_execution", id_args(d), 0, CLI_GAS);
    assert_eq!(o.result, Ok(None));
    env.after_cancel(&o, d);
    must_fail(&env.call(USER, "cancel_stale_execution", id_args(d), 0, CLI_GAS), "no pending request");
    must_fail(
        &env.call(OPERATOR, "resolve_execution", resolve_args(d, false, None, Some("late"), (1, 1, None)), 0, CLI_GAS),
        "no pending request",
    );
    env.advance(timeout + 1);
    assert_eq!(env.vm.balance(USER) - user_before, payment, "refunded exactly once");

    // Resolved, then resolved again: the second fails and nothing is paid twice.
    let (e, _) = env.simple_request(USER);
    env.resolve(e, true, None, None, (1, 1, None));
    must_fail(
        &env.call(OPERATOR, "resolve_execution", resolve_args(e, true, None, None, (1, 1, None)), 0, CLI_GAS),
        "no pending request",
    );
    env.drain();
}
