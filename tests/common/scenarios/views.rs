//! Every view's JSON, and views called as transactions.

use super::prelude::*;

/// Every view method with arguments it accepts.
fn view_calls() -> impl Iterator<Item = (&'static str, &'static str)> {
    VIEWS.into_iter().map(|m| (m, view_args(m)))
}

/// Every view answers (with any state).
pub(super) fn views_answer<B: Backend>(b: &mut B) {
    for (method, args) in view_calls() {
        view(b, method, args);
    }
}

/// The views, called as transactions with a deposit (near-cli `call` on a view
/// method): they are not payable, so the deposit must come back.
pub fn views_as_calls_refuse_deposits<B: Backend>(b: &mut B) {
    init(b);
    for (method, args) in view_calls() {
        let without = call(b, USER, method, args, 0);
        assert!(without.status.is_success(), "{method} as a call without deposit: {:?}", without.status);
        let with = call(b, USER, method, args, NEAR);
        assert!(
            matches!(with.status, Status::Failure(_)),
            "{method} called with 1 NEAR attached must fail, got {:?}",
            with.status
        );
        assert_eq!(with.refunded_to(USER), NEAR, "{method}: deposit returned");
    }
}

/// Every view's JSON, exactly.
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
        // input_data is always a string ("" when none was given): strict workers refuse null.
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
        ("has_pending_output", "", "expected an object"),
    ] {
        let err = b.view(method, args.as_bytes()).unwrap_err();
        assert!(err.contains(needle), "{method} {args}: {err}");
    }
}
