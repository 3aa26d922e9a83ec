//! Who pays for what: a request's deposit stakes its storage (the contract at its bare minimum
//! balance still takes every request), the contract stakes its own config from its balance, and
//! views called with a deposit give it back.

mod common;

use common::checked_env::*;
use common::spec::*;
use common::vm::NEAR;
use serde_json::json;

/// Storage staking is paid by the deposit: with the contract's own balance at the bare
/// minimum its code and config stake, many pending requests (and outputs) still fit, a deposit
/// one yocto short is refused up front with the exact amount, and no call ever fails with
/// LackBalanceForState.
#[test]
fn deposits_pay_for_storage_at_the_contracts_minimum_balance() {
    let mut env = Env::at_minimum_balance();
    assert_eq!(env.balance(), storage_cost(env.vm.storage_usage()));
    let mut ids = Vec::new();
    for i in 0..24usize {
        let a = Request {
            repo: format!("https://github.com/user/project-{i}"),
            commit: "c".repeat(1 + i * 5),
            build_target: (i % 2 == 0).then(|| "wasm32-wasi".into()),
            limits: Some(if i % 3 == 0 {
                Limits { instructions: 0, memory_mb: 0, seconds: 0 }
            } else {
                Limits::SEED_EXAMPLE
            }),
            input_data: Some("\"".repeat(i * 80)),
            secrets: (i % 4 == 0).then(|| vec![7; i * 40]),
            format: Some("Bytes"),
        };
        let required = a.required(&env.prices, USER).unwrap();
        let short = env.call(USER, "request_execution", a.bytes(), required - 1, CLI_GAS);
        must_fail(&short, &format!("deposit too small: attach at least {required} yoctoNEAR"));
        let (id, _) = env.request(USER, &a, required);
        ids.push(id);
        env.check();
    }
    // Everything the contract stores is backed: it holds exactly the minimum plus the payments.
    assert!(storage_cost(env.vm.storage_usage()) <= env.balance());
    // A submitted output is backed by the payment: the largest that the payment covers fits,
    // one byte more is refused.
    let id = ids[1];
    let record = env.vm.storage(&request_key(id)).unwrap().len();
    let payment = env.live[&id].payment;
    let request_bytes = 9 + record as u64 + RECORD_EXTRA;
    let room = ((payment / STORAGE_PRICE) as u64 - request_bytes - output_record_bytes(0)) as usize;
    assert!(
        output_fits_payment(request_bytes, room, payment) && !output_fits_payment(request_bytes, room + 1, payment)
    );
    let too_big =
        env.call(OPERATOR, "submit_execution_output", submit_args(id, &text(&"x".repeat(room + 1))), 0, MAX_GAS);
    must_fail(&too_big, "output too large for the payment");
    let o = env.call(OPERATOR, "submit_execution_output", submit_args(id, &text(&"x".repeat(room))), 0, MAX_GAS);
    assert_eq!(o.result, Ok(None));
    env.live.get_mut(&id).unwrap().output = Some(text(&"x".repeat(room)));
    env.check();
    for (k, id) in ids.iter().enumerate() {
        match k % 3 {
            0 => drop(env.resolve(*id, true, None, None, (1, 1, Some(1)))),
            1 => drop(env.resolve(*id, false, None, Some("failed"), (0, 0, None))),
            _ => {}
        }
    }
    // With every fee at zero a request stakes only its storage; it still ends cleanly.
    let o = env.call(
        OWNER,
        "set_pricing",
        &br#"{"base_fee":"0","per_instruction_fee":"0","per_mb_fee":"0","per_second_fee":"0"}"#[..],
        0,
        CLI_GAS,
    );
    assert_eq!(o.result, Ok(None));
    env.prices = Prices { base: 0, per_minstr: 0, per_mb: 0, per_sec: 0 };
    let a = Request::seed(Limits::DEFAULT);
    let required = a.required(&env.prices, USER).unwrap();
    assert_eq!(required, storage_cost(a.stored_bytes(USER)));
    let (free, _) = env.request(USER, &a, required);
    must_fail(
        &env.call(OPERATOR, "submit_execution_output", submit_args(free, &text("x")), 0, CLI_GAS),
        "output too large",
    );
    env.resolve(free, true, Some(&text("free")), None, (5, 5, None));
    env.drain();
    assert!(!env.tally.keys().any(|k| k.contains("LackBalanceForState")), "{:?}", env.tally);
}

/// SPEC.md: "Every method that is not payable rejects any other attached deposit". A view called
/// in a transaction with a deposit must fail and give it back (it would otherwise be locked: in
/// no request, no fee and no tip).
#[test]
fn views_called_with_a_deposit_fail_and_return_it() {
    let mut env = Env::new(10 * NEAR);
    for view in VIEWS {
        let o = env.call(USER, view, view_args(view).as_bytes().to_vec(), NEAR, CLI_GAS);
        must_fail(&o, "takes no deposit");
        env.check();
    }
}

/// The config and the keystore key are the contract's own storage, staked from its own balance,
/// with the sizes README's state layout gives them: at its bare minimum balance an admin call
/// that grows them is refused and changes nothing, one that shrinks them works, and once a fee
/// has come in the growth is paid for.
#[test]
fn the_contract_stakes_its_own_config_from_its_balance() {
    let mut env = Env::at_minimum_balance();
    let set_operator = |name: &str| json!({ "new_operator_id": name }).to_string().into_bytes();
    let set_pubkey = json!({"pubkey": "ab".repeat(32)}).to_string().into_bytes();
    let longer = "a-much-longer-operator-name.testnet";
    const REFUSED: &str = "not enough free balance to stake this";
    must_fail(&env.call(OWNER, "set_operator", set_operator(longer), 0, CLI_GAS), REFUSED);
    must_fail(&env.call(OWNER, "set_keystore_pubkey", set_pubkey.clone(), 0, CLI_GAS), REFUSED);
    env.check();

    // A pending payment is no one's to stake: with a request pending, the growth is still
    // refused (before, it passed the storage check on the payment's money, and the request's
    // full refund then failed with LackBalanceForState, found by the VM fuzz).
    let (pending, payment) = env.simple_request(USER);
    assert!(env.balance() >= storage_cost(env.vm.storage_usage() + PUBKEY_RECORD_BYTES));
    must_fail(&env.call(OWNER, "set_keystore_pubkey", set_pubkey.clone(), 0, CLI_GAS), REFUSED);
    let user = env.vm.balance(USER);
    let o = env.call(OWNER, "emergency_cancel_execution", id_args(pending), 0, CLI_GAS);
    assert_eq!(o.result, Ok(None), "the full refund still goes through");
    env.after_cancel(&o, pending);
    assert_eq!(env.vm.balance(USER) - user, payment);
    env.check();

    let shorter = "op.testnet";
    let usage = env.vm.storage_usage();
    assert_eq!(env.call(OWNER, "set_operator", set_operator(shorter), 0, CLI_GAS).result, Ok(None));
    env.operator = shorter.into();
    // The config names the operator and the operator mark is its id: both shrink.
    let own =
        |operator: &str| config_record_bytes(OWNER.len(), operator.len(), None) + operator_mark_bytes(operator.len());
    assert_eq!(usage - env.vm.storage_usage(), own(OPERATOR) - own(shorter), "the config and the mark shrank");
    env.check();

    // A failed execution keeps the base fee, which pays for the key and a longer name.
    let (id, _) = env.simple_request(USER);
    env.resolve(id, false, None, Some("failed"), (0, 0, None));
    assert!(env.balance() - storage_cost(env.vm.storage_usage()) >= storage_cost(PUBKEY_RECORD_BYTES + 100));
    let usage = env.vm.storage_usage();
    assert_eq!(env.call(OWNER, "set_keystore_pubkey", set_pubkey, 0, CLI_GAS).result, Ok(None));
    assert_eq!(env.vm.storage_usage() - usage, PUBKEY_RECORD_BYTES, "the key's record");
    let usage = env.vm.storage_usage();
    assert_eq!(env.call(OWNER, "set_operator", set_operator(longer), 0, CLI_GAS).result, Ok(None));
    env.operator = longer.into();
    assert_eq!(env.vm.storage_usage() - usage, own(longer) - own(shorter), "the config and the mark grew");
    env.drain();
}
