//! The scenarios, written once against `Backend`. Each asserts outcomes, logs
//! and money. Amounts the contract must charge are computed here from the
//! pricing rules of SPEC.md, independently of the contract's code.
#![allow(dead_code)]

use super::backend::{Backend, Status, Tx, CLI_GAS, NEAR, TGAS};
use serde_json::{json, Value};

pub const OWNER: &str = "owner.testnet";
pub const OPERATOR: &str = "operator.testnet";
pub const USER: &str = "user.testnet";
pub const OTHER: &str = "other.testnet";

pub const BASE_FEE: u128 = NEAR / 100;
pub const PER_MINSTR: u128 = NEAR / 1_000_000;
pub const PER_MB: u128 = NEAR / 10_000;
pub const PER_SEC: u128 = NEAR / 1_000;

pub use super::seed::SEED_REQUEST;

/// The seed README's small-output resolve, verbatim but for the request id.
pub fn seed_resolve(id: u64) -> String {
    format!(
        r#"{{
  "request_id": {id},
  "response": {{
    "success": true,
    "output": {{"Text": "Hello, NEAR!"}},
    "error": null,
    "resources_used": {{
      "instructions": 1000000,
      "time_ms": 100
    }}
  }}
}}"#
    )
}

/// The seed README's metadata-only resolve (after submit_execution_output).
pub fn seed_resolve_null(id: u64) -> String {
    seed_resolve(id).replace(r#"{"Text": "Hello, NEAR!"}"#, "null")
}

pub fn json_of(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(bytes)))
}

pub fn view<B: Backend>(b: &mut B, method: &str, args: &str) -> Value {
    json_of(&b.view(method, args.as_bytes()).unwrap_or_else(|e| panic!("view {method} failed: {e}")))
}

/// `near deploy ... --initFunction new --initArgs '{"owner_id": ..., "operator_id": ...}'`
pub fn init<B: Backend>(b: &mut B) {
    let c = b.contract();
    let tx = b.call(&c, "new", br#"{"owner_id": "owner.testnet", "operator_id": "operator.testnet"}"#, 0, CLI_GAS);
    assert_eq!(tx.status, Status::Success(None), "init");
}

pub fn call<B: Backend>(b: &mut B, signer: &str, method: &str, args: &str, deposit: u128) -> Tx {
    b.call(signer, method, args.as_bytes(), deposit, CLI_GAS)
}

/// A request made with near-cli's defaults; returns it still waiting.
pub fn request<B: Backend>(b: &mut B, args: &str, deposit: u128) -> Tx {
    let tx = call(b, USER, "request_execution", args, deposit);
    assert_eq!(tx.status, Status::Waiting, "request should wait for its result: {:?}", tx.status);
    tx
}

pub fn request_id_of(tx: &Tx) -> u64 {
    let e = &tx.events("execution_requested")[0];
    let data: Value = serde_json::from_str(e["data"][0]["request_data"].as_str().unwrap()).unwrap();
    data["request_id"].as_u64().unwrap()
}

/// Fails the test unless `status` is a failure whose message contains `needle`.
pub fn assert_fails_with(status: &Status, needle: &str) {
    let msg = status.failure();
    assert!(msg.contains(needle), "expected a failure containing {needle:?}, got {msg:?}");
}

pub fn cost(instructions: u64, memory_mb: u64, time_ms: u64) -> u128 {
    BASE_FEE + (PER_MINSTR * instructions as u128).div_ceil(1_000_000) + PER_MB * memory_mb as u128 + (PER_SEC * time_ms as u128).div_ceil(1000)
}

/// Every command of the seed README, with its exact arguments and deposits,
/// and near-cli's default 30 Tgas.
pub fn seed_commands<B: Backend>(b: &mut B) {
    init(b);
    assert_eq!(view(b, "get_config", "{}"), json!({"owner_id": OWNER, "operator_id": OPERATOR, "paused": false, "keystore_account_id": null}));
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
    assert_eq!(stored["resource_limits"], json!({"max_instructions": 1000000000u64, "max_memory_mb": 128, "max_execution_seconds": 60}));
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
    let submit = call(b, OPERATOR, "submit_execution_output", r#"{
  "request_id": 1,
  "output": {"Text": "Very long output..."}
}"#, 0);
    assert_eq!(submit.status, Status::Success(None), "submit");
    assert_eq!(view(b, "has_pending_output", r#"{"request_id": 1}"#), json!(true));
    assert_eq!(view(b, "get_pending_output", r#"{"request_id": 1}"#), json!({"Text": "Very long output..."}));
    let resolve = call(b, OPERATOR, "resolve_execution", &seed_resolve_null(1), 0);
    assert!(resolve.status.is_success(), "{:?}", resolve.status);
    assert_eq!(b.settle(&req2).status, Status::Success(Some(br#""Very long output...""#.to_vec())));
    assert_eq!(view(b, "has_pending_output", r#"{"request_id": 1}"#), json!(false));

    // cancel_stale_execution '{"request_id": 123}': no such request
    assert_fails_with(&call(b, USER, "cancel_stale_execution", r#"{
  "request_id": 123
}"#, 0).status, "no pending request");

    // Admin commands
    let set_op = call(b, OWNER, "set_operator", r#"{
  "new_operator_id": "new-operator.testnet"
}"#, 0);
    assert_eq!(set_op.status, Status::Success(None));
    assert_eq!(view(b, "get_config", "{}")["operator_id"], "new-operator.testnet");
    let set_pricing = call(b, OWNER, "set_pricing", r#"{
  "base_fee": "10000000000000000000000",
  "per_instruction_fee": "1000000000000000",
  "per_mb_fee": "100000000000000000000",
  "per_second_fee": "1000000000000000000000"
}"#, 0);
    assert_eq!(set_pricing.status, Status::Success(None));
    assert_eq!(view(b, "get_pricing", "{}")["per_instruction_fee"], "1000000000000000");
    assert_eq!(call(b, OWNER, "set_paused", r#"{
  "paused": true
}"#, 0).status, Status::Success(None));
    assert_eq!(view(b, "is_paused", ""), json!(true));
    assert_fails_with(&call(b, USER, "request_execution", SEED_REQUEST, NEAR / 10).status, "paused");

    // Views of the seed
    assert_eq!(view(b, "get_request", r#"{
  "request_id": 123
}"#), Value::Null);
    assert_eq!(view(b, "get_stats", "{}")["total_executions"], 2);
}
