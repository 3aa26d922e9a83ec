//! The owner's functions: each works for the owner, for nobody else, and checks its arguments.

use super::prelude::*;

/// Every admin function by the owner (works, has its effect) and by others
/// (fails, changes nothing).
pub fn admin_functions_work_only_for_the_owner<B: Backend>(b: &mut B) {
    init(b);
    let config = |b: &mut B| view(b, "get_config", "{}");
    let initial = config(b);
    let calls = [
        ("set_operator", r#"{"new_operator_id": "new-operator.testnet"}"#),
        ("set_owner", r#"{"new_owner_id": "other.testnet"}"#),
        ("set_paused", r#"{"paused": true}"#),
        ("set_pricing", r#"{"base_fee": "1"}"#),
        ("set_keystore_account", r#"{"keystore_account_id": "keystore.testnet"}"#),
        ("emergency_cancel_execution", r#"{"request_id": 0}"#),
    ];
    let req = request(b, SEED_REQUEST, NEAR / 10);
    for who in [USER, OPERATOR, OTHER, KEYSTORE] {
        for (method, args) in calls {
            refused(b, who, method, args, 0, "owner only");
        }
    }
    assert_eq!(config(b), initial);
    assert_eq!(view(b, "get_pricing", "{}"), Prices::DEFAULT.json());
    assert_eq!(b.settle(&req).status, Status::Waiting);

    // set_operator
    ok(b, OWNER, "set_operator", r#"{"new_operator_id": "new-operator.testnet"}"#, 0);
    assert_eq!(config(b)["operator_id"], NEW_OPERATOR);
    for bad in [r#""Bad.Name""#, r#""a""#, r#""alice..near""#, "null", "42", &json_str(&"a".repeat(65))] {
        refused(b, OWNER, "set_operator", &format!(r#"{{"new_operator_id": {bad}}}"#), 0, "new_operator_id");
    }
    refused(b, OWNER, "set_operator", "{}", 0, "new_operator_id");
    assert_eq!(config(b)["operator_id"], NEW_OPERATOR);
    ok(b, OWNER, "set_operator", r#"{"new_operator_id": "operator.testnet"}"#, 0);

    // set_paused, both ways
    ok(b, OWNER, "set_paused", r#"{"paused": true}"#, 0);
    assert_eq!(config(b)["paused"], true);
    refused(b, OWNER, "set_paused", r#"{"paused": "yes"}"#, 0, "paused");
    ok(b, OWNER, "set_paused", r#"{"paused": false}"#, 0);
    assert_eq!(config(b)["paused"], false);

    // set_keystore_account: set, clear with null, bad ids refused
    ok(b, OWNER, "set_keystore_account", r#"{"keystore_account_id": "keystore.testnet"}"#, 0);
    assert_eq!(config(b)["keystore_account_id"], KEYSTORE);
    refused(b, OWNER, "set_keystore_account", r#"{"keystore_account_id": "-bad"}"#, 0, "keystore_account_id");
    ok(b, OWNER, "set_keystore_account", r#"{"keystore_account_id": null}"#, 0);
    assert_eq!(config(b)["keystore_account_id"], Value::Null);

    // set_owner: the new owner rules, the old one no longer does
    ok(b, OWNER, "set_owner", r#"{"new_owner_id": "other.testnet"}"#, 0);
    assert_eq!(config(b)["owner_id"], OTHER);
    refused(b, OWNER, "set_paused", r#"{"paused": true}"#, 0, "owner only");
    refused(b, OWNER, "set_owner", r#"{"new_owner_id": "owner.testnet"}"#, 0, "owner only");
    refused(b, OTHER, "set_owner", r#"{"new_owner_id": "Owner"}"#, 0, "new_owner_id");
    ok(b, OTHER, "set_owner", r#"{"new_owner_id": "owner.testnet"}"#, 0);
    assert_eq!(config(b), initial);

    // The pending request was untouched by all of it.
    resolve_ok(b, request_id_of(&req), "null", &Used::NOTHING);
    assert_eq!(b.settle(&req).refunded_to(USER), NEAR / 10 - BASE_FEE - 128 * PER_MB);
}

/// `set_pricing`: all four, any subset, refusal of prices whose maximum
/// estimate would overflow u128, refusal of malformed amounts.
pub fn set_pricing_refuses_overflow_and_malformed_amounts<B: Backend>(b: &mut B) {
    init(b);
    let pricing = |b: &mut B| view(b, "get_pricing", "{}");
    let p = Prices { base: 2 * BASE_FEE, per_minstr: 3, per_mb: 4 * PER_MB, per_sec: 5 };
    ok(b, OWNER, "set_pricing", &p.json().to_string(), 0);
    assert_eq!(pricing(b), p.json());

    // Any subset: the others stay.
    ok(b, OWNER, "set_pricing", r#"{"per_mb_fee": "7"}"#, 0);
    let p = Prices { per_mb: 7, ..p };
    assert_eq!(pricing(b), p.json());
    ok(b, OWNER, "set_pricing", r#"{"base_fee": "0", "per_second_fee": "11"}"#, 0);
    let p = Prices { base: 0, per_sec: 11, ..p };
    assert_eq!(pricing(b), p.json());
    ok(b, OWNER, "set_pricing", "{}", 0);
    assert_eq!(pricing(b), p.json());
    assert_eq!(
        view(b, "estimate_execution_cost", &json!({"resource_limits": Limits::SEED_EXAMPLE.json()}).to_string()),
        json!(p.estimate(&Limits::SEED_EXAMPLE).to_string())
    );

    // Overflow: exactly at the largest price whose maximum estimate fits u128 it
    // is accepted, one yocto more is refused.
    let zero = Prices { base: 0, per_minstr: 0, per_mb: 0, per_sec: 0 };
    let edge = [
        Prices { base: u128::MAX, ..zero },
        Prices { per_minstr: u128::MAX / 100_000, ..zero },
        Prices { per_mb: u128::MAX / CAP_MEMORY_MB as u128, ..zero },
        Prices { per_sec: u128::MAX / CAP_SECONDS as u128, ..zero },
        Prices { base: u128::MAX - 1024, per_mb: 1, ..zero },
    ];
    for fits in edge {
        assert!(fits.checked_max_estimate().is_some());
        ok(b, OWNER, "set_pricing", &fits.json().to_string(), 0);
        assert_eq!(pricing(b), fits.json());
        let overs = [
            fits.base.checked_add(1).map(|v| Prices { base: v, ..fits }),
            fits.per_minstr.checked_add(1).map(|v| Prices { per_minstr: v, ..fits }),
            fits.per_mb.checked_add(1).map(|v| Prices { per_mb: v, ..fits }),
            fits.per_sec.checked_add(1).map(|v| Prices { per_sec: v, ..fits }),
        ];
        for over in overs.into_iter().flatten() {
            if over.checked_max_estimate().is_some() {
                continue; // still fits: not an overflow case
            }
            refused(b, OWNER, "set_pricing", &over.json().to_string(), 0, "pricing too large");
            assert_eq!(pricing(b), fits.json(), "a refused set_pricing changes nothing");
        }
    }
    // With base_fee = u128::MAX the estimate fits but estimate + storage does not:
    // a request fails cleanly and keeps nothing.
    ok(b, OWNER, "set_pricing", &Prices { base: u128::MAX, ..zero }.json().to_string(), 0);
    refused(b, USER, "request_execution", SEED_REQUEST, NEAR, "overflows u128");
    assert_eq!(view(b, "estimate_execution_cost", "{}"), json!(u128::MAX.to_string()));

    // Malformed amounts, each refused with the field named.
    ok(b, OWNER, "set_pricing", &p.json().to_string(), 0);
    for bad in [
        "1000",
        r#""-1""#,
        r#""+1""#,
        r#"" 1""#,
        r#""1 ""#,
        r#""""#,
        r#""1.5""#,
        r#""1e3""#,
        r#""01""#,
        "null",
        "true",
        r#""340282366920938463463374607431768211456""#,
    ] {
        refused(b, OWNER, "set_pricing", &format!(r#"{{"base_fee": {bad}}}"#), 0, "base_fee");
    }
    refused(b, OWNER, "set_pricing", r#"{"base_fee": "1", "base_fee": "2"}"#, 0, "duplicate");
    refused(b, OWNER, "set_pricing", r#"{"base_fee": "1"} x"#, 0, "trailing");
    assert_eq!(pricing(b), p.json());
    ok(
        b,
        OWNER,
        "set_pricing",
        r#"{"base_fee": "340282366920938463463374607431768211455", "per_instruction_fee": "0", "per_mb_fee": "0", "per_second_fee": "0"}"#,
        0,
    );
}

/// `set_keystore_pubkey` by the owner and by the keystore account, in both
/// formats (stored as lowercase hex), and refusals of others and of bad keys.
pub fn keystore_key_set_by_owner_or_keystore_in_both_formats<B: Backend>(b: &mut B) {
    init(b);
    let key = |b: &mut B| view(b, "get_keystore_pubkey", "{}");
    let set = |pubkey: &str| json!({"pubkey": pubkey}).to_string();
    assert_eq!(key(b), Value::Null);

    let k1 = some_bytes(32);
    ok(b, OWNER, "set_keystore_pubkey", &set(&hex(&k1)), 0);
    assert_eq!(key(b), json!(hex(&k1)));
    ok(b, OWNER, "set_keystore_pubkey", &set(&hex(&k1).to_uppercase()), 0);
    assert_eq!(key(b), json!(hex(&k1)), "stored as lowercase hex");

    refused(b, KEYSTORE, "set_keystore_pubkey", &set(&hex(&[7; 32])), 0, "owner or keystore account only");
    ok(b, OWNER, "set_keystore_account", r#"{"keystore_account_id": "keystore.testnet"}"#, 0);
    for k in [
        [0u8; 32],
        [255; 32],
        {
            let mut k = [9u8; 32];
            k[0] = 0;
            k[1] = 0;
            k
        },
        <[u8; 32]>::try_from(some_bytes(32)).unwrap(),
    ] {
        ok(b, KEYSTORE, "set_keystore_pubkey", &set(&format!("ed25519:{}", base58(&k))), 0);
        assert_eq!(key(b), json!(hex(&k)), "ed25519:base58 of {k:?}");
    }
    let current = key(b);
    for who in [USER, OPERATOR, OTHER] {
        refused(b, who, "set_keystore_pubkey", &set(&hex(&k1)), 0, "owner or keystore account only");
    }
    let bad = [
        String::new(),
        "abc".into(),
        "g".repeat(64),
        "a".repeat(63),
        "a".repeat(65),
        format!(" {}", "a".repeat(63)),
        "ed25519:".into(),
        "ed25519:0OIl".into(),
        format!("ed25519:{}", base58(&[1; 31])),
        format!("ed25519:{}", base58(&[1; 33])),
        format!("ed25519:{}", "1".repeat(33)),
        format!("ED25519:{}", base58(&[1; 32])),
        format!("secp256k1:{}", base58(&[1; 32])),
    ];
    for k in &bad {
        refused(b, OWNER, "set_keystore_pubkey", &set(k), 0, "pubkey");
    }
    refused(b, OWNER, "set_keystore_pubkey", r#"{"pubkey": 5}"#, 0, "pubkey");
    refused(b, OWNER, "set_keystore_pubkey", "{}", 0, "pubkey");
    assert_eq!(key(b), current, "refusals change nothing");

    // Once the keystore account is cleared it can no longer set the key.
    ok(b, OWNER, "set_keystore_account", r#"{"keystore_account_id": null}"#, 0);
    refused(b, KEYSTORE, "set_keystore_pubkey", &set(&hex(&k1)), 0, "owner or keystore account only");
}

/// Admin calls accept no deposit or exactly 1 yocto (which the contract
/// keeps), never 2 or more.
pub fn admin_calls_take_no_deposit_or_one_yocto<B: Backend>(b: &mut B) {
    init(b);
    ok(b, OWNER, "set_keystore_account", r#"{"keystore_account_id": "keystore.testnet"}"#, 0);
    let req = request(b, SEED_REQUEST, NEAR / 10);
    let id = request_id_of(&req);
    let calls = [
        (OWNER, "set_operator", r#"{"new_operator_id": "operator.testnet"}"#.to_string()),
        (OWNER, "set_owner", r#"{"new_owner_id": "owner.testnet"}"#.into()),
        (OWNER, "set_paused", r#"{"paused": false}"#.into()),
        (OWNER, "set_pricing", r#"{"base_fee": "10000000000000000000000"}"#.into()),
        (OWNER, "set_keystore_account", r#"{"keystore_account_id": "keystore.testnet"}"#.into()),
        (OWNER, "set_keystore_pubkey", json!({"pubkey": "a".repeat(64)}).to_string()),
        (KEYSTORE, "set_keystore_pubkey", json!({"pubkey": "b".repeat(64)}).to_string()),
    ];
    for (who, method, args) in &calls {
        for deposit in [2, NEAR] {
            refused(b, who, method, args, deposit, "take 0 or 1 yoctoNEAR");
        }
        let tx = ok(b, who, method, args, 1);
        assert!(tx.transfers.is_empty(), "the 1 yocto stays with the contract");
        ok(b, who, method, args, 0);
    }
    refused(b, OWNER, "emergency_cancel_execution", &id_args(id), 2, "take 0 or 1 yoctoNEAR");
    assert_eq!(b.settle(&req).status, Status::Waiting);
    let cancel = ok(b, OWNER, "emergency_cancel_execution", &id_args(id), 1);
    assert_eq!(cancel.refunded_to(USER), NEAR / 10);
}
