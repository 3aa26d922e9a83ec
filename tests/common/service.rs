//! Helpers for the service-feature scenarios (`tests/service_*.rs`, issue 8).
//! Expected amounts are computed here from SPEC.md's formulas, never read
//! back from the contract's messages.
#![allow(dead_code)]

use super::backend::{Backend, Tx, NEAR};
use super::scenarios::*;
use super::spec::*;
use super::vm_backend::VmBackend;
use serde_json::{json, Value};

pub const PAYER: &str = "payer.testnet";
/// An implicit account id (64 hex chars).
pub const IMPLICIT: &str = "98793cd91a3f870fb126f66285808c7e094afcfc4eda8a970f6648cdf0dbd6de";
pub const DEPOSIT: u128 = NEAR / 10;
/// The seed resolve's charge on a request with default limits: 1M
/// instructions, 100 ms, memory not reported (the requested 128 MB).
pub const SEED_CHARGE: u128 = BASE_FEE + PER_MINSTR + 128 * PER_MB + PER_SEC / 10;

/// A fresh, initialized contract with 10 NEAR on its account; the payer and
/// `other.testnet` exist (a transfer to a missing account bounces).
pub fn vm() -> VmBackend {
    let mut b = VmBackend::new(10 * NEAR);
    for a in [PAYER, OTHER] {
        if !b.vm.account_exists(a) {
            b.vm.create_account(a, 0);
        }
    }
    init(&mut b);
    b
}

/// The seed request with `payer_account_id` added.
pub fn with_payer(payer: &str) -> String {
    let mut v: Value = serde_json::from_str(SEED_REQUEST).unwrap();
    v["payer_account_id"] = json!(payer);
    v.to_string()
}

/// The seed request with every optional field missing.
pub const MINIMAL: &str = r#"{"code_source": {"repo": "r", "commit": "c"}}"#;

pub fn completed_money(tx: &Tx) -> (u128, u128) {
    let e = completed(tx);
    (e["payment_charged"].as_str().unwrap().parse().unwrap(), e["payment_refunded"].as_str().unwrap().parse().unwrap())
}

/// The `get_balance_sheet` fields as numbers.
pub fn sheet(b: &mut VmBackend) -> [u128; 6] {
    let v = view(b, "get_balance_sheet", "{}");
    ["balance", "pending_payments", "storage_locked", "withdrawable", "total_fees_collected", "total_withdrawn"]
        .map(|k| v[k].as_str().unwrap_or_else(|| panic!("{k} is a decimal string: {v}")).parse().unwrap())
}

/// What withdrawable must be, from the VM's own ledger.
pub fn expected_withdrawable(b: &VmBackend, pending: u128) -> u128 {
    b.vm.balance(&b.contract()).saturating_sub(pending).saturating_sub(b.vm.storage_usage() as u128 * STORAGE_PRICE)
}

/// Gas burnt by a view, read from the VM.
pub fn view_gas(b: &mut VmBackend, method: &str, args: &str) -> u64 {
    use super::vm::CallArgs;
    let o = b.vm.call(CallArgs::view(method, args.as_bytes().to_vec()));
    assert!(o.result.is_ok(), "{method}: {:?}", o.result);
    o.gas_burnt
}

/// scenarios::views_return_the_documented_json with `input_data` "" when none
/// was given (issue 8 point 1): every view's JSON, exactly.
pub fn views_return_the_documented_json<B: Backend>(b: &mut B) {
    init(b);
    let deposit = NEAR / 10;
    let req = request(b, SEED_REQUEST, deposit);
    let id = request_id_of(&req);
    let timestamp = req.events("execution_requested")[0]["data"][0]["timestamp"].as_u64().unwrap();
    let expected = json!({
        "request_id": id,
        "sender_id": USER,
        "code_source": {"repo": "https://github.com/user/project", "commit": "abc123", "build_target": "wasm32-wasi"},
        "resource_limits": {"max_instructions": 1_000_000_000u64, "max_memory_mb": 128, "max_execution_seconds": 60},
        "input_data": "{\"key\": \"value\"}",
        "encrypted_secrets": null,
        "response_format": "Text",
        "payment": deposit.to_string(),
        "timestamp": timestamp,
    });
    assert_eq!(view(b, "get_request", &id_args(id)), expected);
    assert_eq!(request_data(&req), expected, "the event's request_data is the get_request JSON");
    assert_eq!(view(b, "get_request", &id_args(id + 1)), Value::Null);
    let event = &req.events("execution_requested")[0];
    let mut keys: Vec<&String> = event["data"][0].as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["data_id", "request_data", "timestamp"]);

    // A request with every optional field missing takes the defaults.
    let minimal = request(b, r#"{"code_source": {"repo": "r", "commit": "c"}}"#, deposit);
    let m = view(b, "get_request", &id_args(request_id_of(&minimal)));
    assert_eq!(m["code_source"], json!({"repo": "r", "commit": "c", "build_target": null}));
    assert_eq!(m["resource_limits"], Limits::DEFAULT.json());
    assert_eq!(
        (&m["input_data"], &m["encrypted_secrets"], &m["response_format"]),
        (&json!(""), &Value::Null, &json!("Text"))
    );

    assert_eq!(view(b, "get_stats", "{}"), json!({"total_executions": 0, "total_fees_collected": "0"}));
    assert_eq!(view(b, "get_pricing", "{}"), Prices::DEFAULT.json());
    assert_eq!(
        view(b, "get_config", "{}"),
        json!({"owner_id": OWNER, "operator_id": OPERATOR, "paused": false, "keystore_account_id": null})
    );
    ok(b, OWNER, "set_keystore_account", r#"{"keystore_account_id": "keystore.testnet"}"#, 0);
    assert_eq!(view(b, "get_config", "{}")["keystore_account_id"], KEYSTORE);
    assert_eq!(view(b, "get_keystore_pubkey", ""), Value::Null);
    assert_eq!(view(b, "get_keystore_pubkey", "{}"), Value::Null);
    ok(b, OWNER, "set_keystore_pubkey", &json!({"pubkey": "ab".repeat(32)}).to_string(), 0);
    assert_eq!(view(b, "get_keystore_pubkey", "{}"), json!("ab".repeat(32)));

    // estimate_execution_cost: the seed's example, defaults with and without args.
    let seed_example =
        r#"{"resource_limits": {"max_instructions": 10000000, "max_memory_mb": 64, "max_execution_seconds": 5}}"#;
    assert_eq!(view(b, "estimate_execution_cost", seed_example), json!("21410000000000000000000"));
    let default = json!(Prices::DEFAULT.estimate(&Limits::DEFAULT).to_string());
    assert_eq!(default, json!("83800000000000000000000"));
    for args in ["", "{}", r#"{"resource_limits": null}"#, r#"{"resource_limits": {}}"#] {
        assert_eq!(view(b, "estimate_execution_cost", args), default, "{args:?}");
    }
    assert_eq!(
        view(b, "estimate_execution_cost", r#"{"resource_limits": {"max_memory_mb": 1}}"#),
        json!(Prices::DEFAULT.estimate(&Limits { memory_mb: 1, ..Limits::DEFAULT }).to_string())
    );
    assert_eq!(
        view(b, "estimate_execution_cost", &json!({"resource_limits": Limits::CAP.json()}).to_string()),
        json!("272400000000000000000000")
    );
    assert!(b
        .view("estimate_execution_cost", br#"{"resource_limits": {"max_memory_mb": 1025}}"#)
        .unwrap_err()
        .contains("max_memory_mb"));

    assert_eq!(
        view(b, "get_max_limits", "{}"),
        json!({
            "max_instructions": CAP_INSTRUCTIONS, "max_memory_mb": CAP_MEMORY_MB, "max_execution_seconds": CAP_SECONDS,
            "max_repo_bytes": CAP_REPO, "max_commit_bytes": CAP_COMMIT, "max_build_target_bytes": CAP_BUILD_TARGET,
            "max_input_data_bytes": CAP_INPUT, "max_encrypted_secrets_bytes": CAP_SECRETS,
            "max_output_bytes": CAP_OUTPUT, "max_yield_payload_bytes": 1024,
        })
    );
    assert_eq!(view(b, "is_paused", ""), json!(false));
    assert_eq!(view(b, "is_paused", "{}"), json!(false));

    assert_eq!(view(b, "has_pending_output", &id_args(id)), json!(false));
    assert_eq!(view(b, "get_pending_output", &id_args(id)), Value::Null);
    assert!(submit(b, id, r#"{"Bytes": [0, 1, 255]}"#).status.is_success());
    assert_eq!(view(b, "has_pending_output", &id_args(id)), json!(true));
    assert_eq!(view(b, "get_pending_output", &id_args(id)), json!({"Bytes": [0, 1, 255]}));
    let minimal_id = request_id_of(&minimal);
    assert!(submit(b, minimal_id, r#"{"Json": {"k": [1, "two"]}}"#).status.is_success());
    assert_eq!(view(b, "get_pending_output", &id_args(minimal_id)), json!({"Json": {"k": [1, "two"]}}));

    let metadata = view(b, "contract_source_metadata", "{}");
    assert!(metadata["version"].is_string() && metadata["link"].is_string(), "{metadata}");
    let standards = metadata["standards"].as_array().unwrap();
    assert!(standards.contains(&json!({"standard": "nep330", "version": "1.2.0"})), "{metadata}");
    assert!(standards.contains(&json!({"standard": "nep297", "version": "1.0.0"})), "{metadata}");

    // Bad view arguments fail with the argument named.
    for (method, args, needle) in [
        ("get_request", "{}", "request_id"),
        ("get_request", r#"{"request_id": "0"}"#, "request_id"),
        ("get_request", r#"{"request_id": -1}"#, "request_id"),
        ("get_request", r#"{"request_id": 18446744073709551616}"#, "request_id"),
        ("get_pending_output", r#"{"request_id": 1.0}"#, "request_id"),
        ("has_pending_output", "", "JSON object"),
    ] {
        let err = b.view(method, args.as_bytes()).unwrap_err();
        assert!(err.contains(needle), "{method} {args}: {err}");
    }
}
