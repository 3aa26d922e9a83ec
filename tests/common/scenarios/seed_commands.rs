//! The seed README's commands, verbatim.

use super::prelude::*;

/// Every command of the seed README, with its exact arguments and deposits,
/// and near-cli's default 30 Tgas.
pub fn seed_commands_work_unchanged<B: Backend>(b: &mut B) {
    init(b);
    assert_eq!(
        view(b, "get_config", "{}"),
        json!({"owner_id": OWNER, "operator_id": OPERATOR, "paused": false, "keystore_account_id": null})
    );
    assert_eq!(
        view(b, "get_pricing", "{}"),
        json!({"base_fee": "10000000000000000000000", "per_instruction_fee": "1000000000000000000", "per_mb_fee": "100000000000000000000", "per_second_fee": "1000000000000000000000"})
    );
    assert_eq!(view(b, "get_stats", "{}"), json!({"total_executions": 0, "total_fees_collected": "0"}));
    assert_eq!(view(b, "get_keystore_pubkey", ""), Value::Null);

    // Basic execution (no secrets), --deposit 0.1
    let req = request(b, SEED_REQUEST, NEAR / 10);
    let id = request_id_of(&req);
    assert_eq!(id, 0);
    let stored = view(b, "get_request", r#"{"request_id": 0}"#);
    assert_eq!(stored["sender_id"], USER);
    assert_eq!(stored["input_data"], "{\"key\": \"value\"}");
    assert_eq!(stored["payment"], "100000000000000000000000");
    assert_eq!(
        stored["resource_limits"],
        json!({"max_instructions": 1000000000u64, "max_memory_mb": 128, "max_execution_seconds": 60})
    );
    let event = &req.events("execution_requested")[0];
    assert_eq!(event["standard"], "near-offshore");
    assert_eq!(event["data"][0]["data_id"].as_array().unwrap().len(), 32);

    // Small output (<1024 bytes)
    b.skip_blocks(1);
    let resolve = call(b, OPERATOR, "resolve_execution", &seed_resolve(0), 0);
    assert_eq!(resolve.status, Status::Success(None), "resolve");
    let done = b.settle(&req);
    assert_eq!(done.status, Status::Success(Some(br#""Hello, NEAR!""#.to_vec())));
    // memory not reported: charged at the requested 128 MB
    let charged = cost(1_000_000, 128, 100);
    assert_eq!(done.refunded_to(USER), NEAR / 10 - charged);
    let completed = &done.events("execution_completed")[0]["data"][0];
    assert_eq!(completed["success"], true);
    assert_eq!(completed["resources_used"], json!({"instructions": 1000000, "time_ms": 100}));
    assert_eq!(view(b, "get_request", r#"{"request_id": 0}"#), Value::Null);
    assert_eq!(view(b, "get_stats", "{}"), json!({"total_executions": 1, "total_fees_collected": charged.to_string()}));

    // With encrypted secrets
    let with_secrets = r#"{
  "code_source": {"repo": "https://github.com/user/project", "commit": "abc123"},
  "resource_limits": {"max_instructions": 1000000000, "max_memory_mb": 128, "max_execution_seconds": 60},
  "input_data": "{\"prompt\": \"hi\"}",
  "encrypted_secrets": [1, 2, 3]
}"#;
    let req2 = request(b, with_secrets, NEAR / 10);
    assert_eq!(view(b, "get_request", r#"{"request_id": 1}"#)["encrypted_secrets"], json!([1, 2, 3]));

    // Large output: submit, then resolve with output null
    b.skip_blocks(1);
    let submit = call(
        b,
        OPERATOR,
        "submit_execution_output",
        r#"{
  "request_id": 1,
  "output": {"Text": "Very long output..."}
}"#,
        0,
    );
    assert_eq!(submit.status, Status::Success(None), "submit");
    assert_eq!(view(b, "has_pending_output", r#"{"request_id": 1}"#), json!(true));
    assert_eq!(view(b, "get_pending_output", r#"{"request_id": 1}"#), json!({"Text": "Very long output..."}));
    let resolve = call(b, OPERATOR, "resolve_execution", &seed_resolve_null(1), 0);
    assert!(resolve.status.is_success(), "{:?}", resolve.status);
    assert_eq!(b.settle(&req2).status, Status::Success(Some(br#""Very long output...""#.to_vec())));
    assert_eq!(view(b, "has_pending_output", r#"{"request_id": 1}"#), json!(false));

    // cancel_stale_execution '{"request_id": 123}': no such request
    assert_fails_with(
        &call(
            b,
            USER,
            "cancel_stale_execution",
            r#"{
  "request_id": 123
}"#,
            0,
        )
        .status,
        "no pending request",
    );

    // Admin commands
    let set_op = call(
        b,
        OWNER,
        "set_operator",
        r#"{
  "new_operator_id": "new-operator.testnet"
}"#,
        0,
    );
    assert_eq!(set_op.status, Status::Success(None));
    assert_eq!(view(b, "get_config", "{}")["operator_id"], "new-operator.testnet");
    let set_pricing = call(
        b,
        OWNER,
        "set_pricing",
        r#"{
  "base_fee": "10000000000000000000000",
  "per_instruction_fee": "1000000000000000",
  "per_mb_fee": "100000000000000000000",
  "per_second_fee": "1000000000000000000000"
}"#,
        0,
    );
    assert_eq!(set_pricing.status, Status::Success(None));
    assert_eq!(view(b, "get_pricing", "{}")["per_instruction_fee"], "1000000000000000");
    assert_eq!(
        call(
            b,
            OWNER,
            "set_paused",
            r#"{
  "paused": true
}"#,
            0
        )
        .status,
        Status::Success(None)
    );
    assert_eq!(view(b, "is_paused", ""), json!(true));
    assert_fails_with(&call(b, USER, "request_execution", SEED_REQUEST, NEAR / 10).status, "paused");

    // Views of the seed
    assert_eq!(
        view(
            b,
            "get_request",
            r#"{
  "request_id": 123
}"#
        ),
        Value::Null
    );
    assert_eq!(view(b, "get_stats", "{}")["total_executions"], 2);
}
