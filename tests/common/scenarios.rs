//! The scenarios, written once against `Backend`, so the same functions run on
//! the embedded nearcore VM (`tests/integration_tests.rs`) and on a neard
//! sandbox (`tests/sandbox_tests.rs`). Each asserts outcomes, logs/events and
//! money. What the contract must charge is computed here from the pricing rules
//! of SPEC.md (`Prices`), independently of the contract's code.
//!
//! Checks that need the VM's insides (its ledger, its clock, its pending yields,
//! raw storage) are in `vm_only` at the end of this file.
#![allow(dead_code)]

use super::backend::{Backend, Status, Tx, CLI_GAS, NEAR, TGAS};
use base64::Engine as _;
use serde_json::{json, Value};

pub const OWNER: &str = "owner.testnet";
pub const OPERATOR: &str = "operator.testnet";
pub const USER: &str = "user.testnet";
pub const OTHER: &str = "other.testnet";
pub const KEYSTORE: &str = "keystore.testnet";
pub const NEW_OPERATOR: &str = "new-operator.testnet";

pub const BASE_FEE: u128 = NEAR / 100;
pub const PER_MINSTR: u128 = NEAR / 1_000_000;
pub const PER_MB: u128 = NEAR / 10_000;
pub const PER_SEC: u128 = NEAR / 1_000;
/// NEAR's storage staking price, yoctoNEAR per byte.
pub const STORAGE_PRICE: u128 = 10_000_000_000_000_000_000;

/// Caps of SPEC.md / `get_max_limits`.
pub const CAP_INSTRUCTIONS: u64 = 100_000_000_000;
pub const CAP_MEMORY_MB: u64 = 1024;
pub const CAP_SECONDS: u64 = 60;
pub const CAP_REPO: usize = 512;
pub const CAP_COMMIT: usize = 128;
pub const CAP_BUILD_TARGET: usize = 64;
pub const CAP_INPUT: usize = 4096;
pub const CAP_SECRETS: usize = 1024;
pub const CAP_OUTPUT: usize = 32768;
/// The longest output `resolve_execution` carries inline when `memory_mb` is
/// not reported: NEAR's 1024-byte yield payload minus what the contract's
/// payload needs besides the output (request id, flags, usage, output length,
/// error tag): 32 bytes. (8 bytes less when `memory_mb` is reported.) It is
/// also the room a failure's error gets: a failure carries no output.
pub const MAX_INLINE_OUTPUT: usize = 992;

// ---- prices, limits and charges, as SPEC.md defines them ----

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Prices {
    pub base: u128,
    /// Per million instructions.
    pub per_minstr: u128,
    pub per_mb: u128,
    pub per_sec: u128,
}

impl Prices {
    pub const DEFAULT: Prices = Prices { base: BASE_FEE, per_minstr: PER_MINSTR, per_mb: PER_MB, per_sec: PER_SEC };

    /// base + per_instruction × instructions / 10^6 + per_mb × memory + per_second × ms / 1000,
    /// each term rounded up to the yocto.
    pub fn cost(&self, instructions: u64, memory_mb: u64, time_ms: u64) -> u128 {
        self.base
            + (self.per_minstr * instructions as u128).div_ceil(1_000_000)
            + self.per_mb * memory_mb as u128
            + (self.per_sec * time_ms as u128).div_ceil(1000)
    }

    pub fn estimate(&self, l: &Limits) -> u128 {
        self.cost(l.instructions, l.memory_mb, l.seconds * 1000)
    }

    /// What a successful execution is charged: usage above a limit counts as the
    /// limit, missing memory as the requested maximum, never more than the payment.
    pub fn charge(&self, l: &Limits, payment: u128, used: &Used) -> u128 {
        let memory = used.memory_mb.unwrap_or(l.memory_mb).min(l.memory_mb);
        self.cost(used.instructions.min(l.instructions), memory, used.time_ms.min(l.seconds * 1000)).min(payment)
    }

    /// The estimate at every cap, or `None` where it does not fit a u128 (then
    /// `set_pricing` must refuse these prices).
    pub fn checked_max_estimate(&self) -> Option<u128> {
        // per_minstr × 10^11 / 10^6 and per_sec × 60_000 / 1000 divide exactly.
        self.base
            .checked_add(self.per_minstr.checked_mul(100_000)?)?
            .checked_add(self.per_mb.checked_mul(CAP_MEMORY_MB as u128)?)?
            .checked_add(self.per_sec.checked_mul(CAP_SECONDS as u128)?)
    }

    pub fn json(&self) -> Value {
        json!({
            "base_fee": self.base.to_string(),
            "per_instruction_fee": self.per_minstr.to_string(),
            "per_mb_fee": self.per_mb.to_string(),
            "per_second_fee": self.per_sec.to_string(),
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub instructions: u64,
    pub memory_mb: u64,
    pub seconds: u64,
}

impl Limits {
    pub const DEFAULT: Limits = Limits { instructions: 1_000_000_000, memory_mb: 128, seconds: 60 };
    pub const CAP: Limits = Limits { instructions: CAP_INSTRUCTIONS, memory_mb: CAP_MEMORY_MB, seconds: CAP_SECONDS };
    /// The seed README's worked example: 0.02141 NEAR.
    pub const SEED_EXAMPLE: Limits = Limits { instructions: 10_000_000, memory_mb: 64, seconds: 5 };

    pub fn json(&self) -> Value {
        json!({"max_instructions": self.instructions, "max_memory_mb": self.memory_mb, "max_execution_seconds": self.seconds})
    }
}

/// `resources_used` as the operator reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Used {
    pub instructions: u64,
    pub time_ms: u64,
    pub memory_mb: Option<u64>,
}

impl Used {
    pub const NOTHING: Used = Used { instructions: 0, time_ms: 0, memory_mb: None };

    pub fn new(instructions: u64, time_ms: u64, memory_mb: Option<u64>) -> Used {
        Used { instructions, time_ms, memory_mb }
    }

    pub fn json(&self) -> Value {
        let mut v = json!({"instructions": self.instructions, "time_ms": self.time_ms});
        if let Some(m) = self.memory_mb {
            v["memory_mb"] = json!(m);
        }
        v
    }
}

/// The charge for the seed resolve (1M instructions, 100 ms, memory not
/// reported) of a request with default limits.
pub fn cost(instructions: u64, memory_mb: u64, time_ms: u64) -> u128 {
    Prices::DEFAULT.cost(instructions, memory_mb, time_ms)
}

// ---- arguments ----

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

/// The seed request with other limits and a response format.
pub fn request_args(limits: &Limits, format: &str) -> String {
    json!({
        "code_source": {"repo": "https://github.com/user/project", "commit": "abc123", "build_target": "wasm32-wasi"},
        "resource_limits": limits.json(),
        "input_data": "{\"key\": \"value\"}",
        "encrypted_secrets": null,
        "response_format": format,
    })
    .to_string()
}

/// A string of `n` bytes whose JSON-escaped form is `2 n` bytes (`"` escapes):
/// the worst case for the event, where it is escaped once more.
pub fn quotes(n: usize) -> String {
    "\"".repeat(n)
}

/// The largest request the caps allow: every limit and every field at its cap,
/// strings made of escapes (the most bytes in the event), secrets all 255.
pub fn largest_request_args(format: &str) -> String {
    json!({
        "code_source": {"repo": quotes(CAP_REPO / 2), "commit": quotes(CAP_COMMIT / 2), "build_target": quotes(CAP_BUILD_TARGET / 2)},
        "resource_limits": Limits::CAP.json(),
        "input_data": quotes(CAP_INPUT / 2),
        "encrypted_secrets": vec![255u8; CAP_SECRETS],
        "response_format": format,
    })
    .to_string()
}

/// `resolve_execution` arguments; `output` and `error` are raw JSON.
pub fn response_args(id: u64, success: bool, output: &str, error: &str, used: &Used) -> String {
    format!(
        r#"{{"request_id": {id}, "response": {{"success": {success}, "output": {output}, "error": {error}, "resources_used": {}}}}}"#,
        used.json()
    )
}

pub fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

pub fn text_output(s: &str) -> String {
    format!(r#"{{"Text": {}}}"#, json_str(s))
}

pub fn bytes_output(b: &[u8]) -> String {
    format!(r#"{{"Bytes": {}}}"#, serde_json::to_string(b).unwrap())
}

pub fn base64(b: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(b)
}

/// What a caller receives for a Bytes output: a JSON string of its base64.
pub fn base64_value(b: &[u8]) -> Vec<u8> {
    format!("\"{}\"", base64(b)).into_bytes()
}

/// Deterministic bytes 0..=255 repeating, `n` of them.
pub fn some_bytes(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 7 + i / 256) as u8).collect()
}

// ---- calls ----

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

/// A call with near-cli's default 30 Tgas.
pub fn call<B: Backend>(b: &mut B, signer: &str, method: &str, args: &str, deposit: u128) -> Tx {
    b.call(signer, method, args.as_bytes(), deposit, CLI_GAS)
}

/// A call that must succeed with no return value.
pub fn ok<B: Backend>(b: &mut B, signer: &str, method: &str, args: &str, deposit: u128) -> Tx {
    let tx = call(b, signer, method, args, deposit);
    assert_eq!(tx.status, Status::Success(None), "{method} {args} by {signer}");
    tx
}

/// A call that must fail with a message containing `needle`, and give back its
/// whole deposit.
pub fn refused<B: Backend>(b: &mut B, signer: &str, method: &str, args: &str, deposit: u128, needle: &str) -> Tx {
    let tx = call(b, signer, method, args, deposit);
    assert_fails_with(&tx.status, needle);
    assert_eq!(tx.refunded_to(signer), deposit, "a refused {method} returns its deposit");
    assert!(
        tx.events("execution_requested").is_empty() && tx.events("execution_completed").is_empty(),
        "a refused call emits nothing"
    );
    tx
}

/// A request made with near-cli's defaults; returns it still waiting.
pub fn request<B: Backend>(b: &mut B, args: &str, deposit: u128) -> Tx {
    request_as(b, USER, args, deposit)
}

pub fn request_as<B: Backend>(b: &mut B, sender: &str, args: &str, deposit: u128) -> Tx {
    let tx = call(b, sender, "request_execution", args, deposit);
    assert_eq!(tx.status, Status::Waiting, "request should wait for its result: {:?}", tx.status);
    assert_eq!(tx.events("execution_requested").len(), 1, "one execution_requested event");
    tx
}

/// The request's JSON as its `execution_requested` event carries it.
pub fn request_data(tx: &Tx) -> Value {
    let e = &tx.events("execution_requested")[0];
    serde_json::from_str(e["data"][0]["request_data"].as_str().expect("request_data is a string")).unwrap()
}

pub fn request_id_of(tx: &Tx) -> u64 {
    request_data(tx)["request_id"].as_u64().unwrap()
}

pub fn resolve<B: Backend>(b: &mut B, id: u64, success: bool, output: &str, error: &str, used: &Used) -> Tx {
    call(b, OPERATOR, "resolve_execution", &response_args(id, success, output, error, used), 0)
}

/// A successful resolve by the operator, accepted.
pub fn resolve_ok<B: Backend>(b: &mut B, id: u64, output: &str, used: &Used) -> Tx {
    let tx = resolve(b, id, true, output, "null", used);
    assert_eq!(tx.status, Status::Success(None), "resolve {id}");
    tx
}

pub fn submit<B: Backend>(b: &mut B, id: u64, output: &str) -> Tx {
    call(b, OPERATOR, "submit_execution_output", &format!(r#"{{"request_id": {id}, "output": {output}}}"#), 0)
}

pub fn id_args(id: u64) -> String {
    format!(r#"{{"request_id": {id}}}"#)
}

/// Fails the test unless `status` is a failure whose message contains `needle`.
pub fn assert_fails_with(status: &Status, needle: &str) {
    let msg = status.failure();
    assert!(msg.contains(needle), "expected a failure containing {needle:?}, got {msg:?}");
}

/// The single `execution_completed` event of `tx`: its `data[0]`.
pub fn completed(tx: &Tx) -> Value {
    let events = tx.events("execution_completed");
    assert_eq!(events.len(), 1, "exactly one execution_completed event: {:?}", tx.logs);
    let e = &events[0];
    assert_eq!((e["standard"].as_str(), e["version"].as_str()), (Some("near-offshore"), Some("1.0.0")));
    assert_eq!(e["data"].as_array().map(Vec::len), Some(1));
    e["data"][0].clone()
}

/// The `execution_completed` event of a failure, timeout or cancel.
pub fn assert_completed_failure(event: &Value, id: u64, sender: &str, used: &Used, error_prefix: &str) {
    assert_eq!(event["request_id"], id);
    assert_eq!(event["sender_id"], sender);
    assert_eq!(event["success"], false);
    assert_eq!(event["resources_used"], used.json());
    let msg = event["error_message"].as_str().expect("error_message");
    assert!(msg.starts_with(error_prefix), "error_message {msg:?} should start with {error_prefix:?}");
    assert!(event["timestamp"].as_u64().is_some());
}

pub fn stats<B: Backend>(b: &mut B) -> (u64, u128) {
    let s = view(b, "get_stats", "{}");
    (s["total_executions"].as_u64().unwrap(), s["total_fees_collected"].as_str().unwrap().parse().unwrap())
}

/// The request and any stored output are gone.
pub fn assert_gone<B: Backend>(b: &mut B, id: u64) {
    assert_eq!(view(b, "get_request", &id_args(id)), Value::Null, "request {id} should be deleted");
    assert_eq!(view(b, "has_pending_output", &id_args(id)), json!(false));
    assert_eq!(view(b, "get_pending_output", &id_args(id)), Value::Null);
}

/// The deposit a request with these arguments needs, from the message of a
/// refused attempt (which must change nothing).
pub fn required_deposit<B: Backend>(b: &mut B, sender: &str, args: &str) -> u128 {
    let tx = refused(b, sender, "request_execution", args, 1, "attached deposit is too small: required ");
    let msg = tx.status.failure();
    let tail = &msg[msg.find("required ").unwrap() + "required ".len()..];
    tail.split(' ').next().unwrap().parse().unwrap_or_else(|_| panic!("no amount in {msg:?}"))
}

// ---- the seed ----

/// Every command of the seed README, with its exact arguments and deposits,
/// and near-cli's default 30 Tgas.
pub fn seed_commands<B: Backend>(b: &mut B) {
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

// ---- outputs and charges ----

/// A request with the seed's arguments and 0.1 NEAR, resolved with `output`
/// inline; checks what the caller receives, the refund, the event and the
/// clean-up. Returns the settled request.
fn resolve_and_check<B: Backend>(b: &mut B, output: &str, used: &Used, expected: Option<&[u8]>) -> Tx {
    let deposit = NEAR / 10;
    let req = request(b, SEED_REQUEST, deposit);
    let id = request_id_of(&req);
    let (runs, fees) = stats(b);
    let resolved = resolve_ok(b, id, output, used);
    assert!(resolved.transfers.is_empty(), "the operator's call moves no money itself");
    let done = b.settle(&req);
    assert_eq!(done.status, Status::Success(expected.map(<[u8]>::to_vec)), "output {output}");
    let charged = Prices::DEFAULT.charge(&Limits::DEFAULT, deposit, used);
    assert_eq!(done.refunded_to(USER), deposit - charged, "refund = payment - cost");
    assert_eq!(done.transfers.len(), 1, "one refund transfer: {:?}", done.transfers);
    let event = completed(&done);
    assert_eq!(event["request_id"], id);
    assert_eq!(event["sender_id"], USER);
    assert_eq!(
        event["code_source"],
        json!({"repo": "https://github.com/user/project", "commit": "abc123", "build_target": "wasm32-wasi"})
    );
    assert_eq!(event["resources_used"], used.json());
    assert_eq!(event["success"], true);
    assert!(event.get("error_message").is_none(), "no error_message on success");
    assert_gone(b, id);
    assert_eq!(stats(b), (runs + 1, fees + charged));
    done
}

/// Small outputs of every kind, inline in `resolve_execution`: Text comes back
/// as a JSON string, Json as the value itself (byte for byte as sent), Bytes as
/// a base64 string; no output returns nothing.
pub fn small_outputs<B: Backend>(b: &mut B) {
    init(b);
    let used = Used::new(1_000_000, 100, Some(64));
    let text = r#"{"Text": "line 1\nline \"2\" \u00e9 中 😀"}"#;
    let done = resolve_and_check(b, text, &used, Some(r#""line 1\nline \"2\" \u00e9 中 😀""#.as_bytes()));
    assert_eq!(json_of(done.status.value().unwrap()), json!("line 1\nline \"2\" é 中 😀"));

    let value = r#"{"a": [1, -2.5e3, {"b": null}], "s": "x\"y", "t": true}"#;
    resolve_and_check(b, &format!(r#"{{"Json": {value}}}"#), &used, Some(value.as_bytes()));
    resolve_and_check(b, r#"{"Json": "just a string"}"#, &used, Some(br#""just a string""#));
    resolve_and_check(b, r#"{"Json": 42}"#, &used, Some(b"42"));
    resolve_and_check(b, r#"{"Json": null}"#, &used, Some(b"null"));

    let bytes = [0u8, 1, 2, 253, 254, 255, b'h', b'i'];
    let done = resolve_and_check(b, &bytes_output(&bytes), &used, Some(&base64_value(&bytes)));
    assert_eq!(json_of(done.status.value().unwrap()), json!("AAEC/f7/aGk="));
    resolve_and_check(b, r#"{"Bytes": []}"#, &used, Some(b"\"\""));
    resolve_and_check(b, r#"{"Text": ""}"#, &used, Some(b"\"\""));

    // No output at all: the caller's call succeeds with nothing.
    resolve_and_check(b, "null", &used, None);
    // The seed's response (memory not reported: charged at the requested 128 MB).
    resolve_and_check(b, r#"{"Text": "Hello, NEAR!"}"#, &Used::new(1_000_000, 100, None), Some(br#""Hello, NEAR!""#));
}

/// Large outputs of every kind through `submit_execution_output`, then
/// `resolve_execution` with `"output": null`.
pub fn submitted_outputs<B: Backend>(b: &mut B) {
    init(b);
    let deposit = NEAR / 5; // backs ~20,000 bytes of storage
    let used = Used::new(7_000_000, 2_500, Some(100));
    let long_text: String = (0..600).map(|i| format!("line {i}: \"é\"\n")).collect();
    let json_value = serde_json::to_string(&(0..1500).map(|i| json!({"i": i})).collect::<Vec<_>>()).unwrap();
    let bytes = some_bytes(3000);
    let cases: [(String, Value, Vec<u8>); 3] = [
        (text_output(&long_text), json!({"Text": long_text}), json_str(&long_text).into_bytes()),
        (
            format!(r#"{{"Json": {json_value}}}"#),
            json!({"Json": json_of(json_value.as_bytes())}),
            json_value.clone().into_bytes(),
        ),
        (bytes_output(&bytes), json!({"Bytes": bytes}), base64_value(&bytes)),
    ];
    for (output, pending_view, expected) in cases {
        assert!(output.len() > 1024, "a large output");
        let req = request(b, SEED_REQUEST, deposit);
        let id = request_id_of(&req);
        assert_eq!(view(b, "has_pending_output", &id_args(id)), json!(false));
        let sub = submit(b, id, &output);
        assert_eq!(sub.status, Status::Success(None), "submit");
        assert!(sub.transfers.is_empty() && sub.logs.is_empty());
        assert_eq!(view(b, "has_pending_output", &id_args(id)), json!(true));
        assert_eq!(view(b, "get_pending_output", &id_args(id)), pending_view);
        assert_eq!(b.settle(&req).status, Status::Waiting, "submitting does not end the request");
        let (runs, fees) = stats(b);
        resolve_ok(b, id, "null", &used);
        let done = b.settle(&req);
        assert_eq!(done.status, Status::Success(Some(expected)));
        let charged = Prices::DEFAULT.charge(&Limits::DEFAULT, deposit, &used);
        assert_eq!(done.refunded_to(USER), deposit - charged);
        assert_eq!(completed(&done)["success"], true);
        assert_gone(b, id);
        assert_eq!(stats(b), (runs + 1, fees + charged));
    }
}

/// refund = payment − cost, with the cost computed by the SPEC formula: usage
/// above a limit counts as the limit, memory not reported counts as the
/// requested maximum, every term is rounded up to the yocto.
pub fn exact_refunds<B: Backend>(b: &mut B) {
    init(b);
    let limits = Limits::SEED_EXAMPLE;
    let args = request_args(&limits, "Text");
    let deposit = NEAR / 20;
    let p = Prices::DEFAULT;
    let estimate = 21_410_000_000_000_000_000_000;
    assert_eq!(p.estimate(&limits), estimate, "the seed's worked example");
    let cases = [
        (Used::new(10_000_000, 5_000, Some(64)), estimate),
        (Used::new(u64::MAX, u64::MAX, Some(u64::MAX)), estimate),
        (Used::new(10_000_001, 5_001, Some(65)), estimate),
        (Used::new(0, 0, None), BASE_FEE + 64 * PER_MB),
        (Used::new(0, 0, Some(0)), BASE_FEE),
        (Used::new(1, 1, Some(1)), BASE_FEE + PER_MINSTR / 1_000_000 + PER_MB + PER_SEC / 1000),
        (Used::new(2_500_000, 1_234, Some(3)), BASE_FEE + 5 * PER_MINSTR / 2 + 3 * PER_MB + 1234 * PER_SEC / 1000),
    ];
    for (used, expected) in cases {
        assert_eq!(p.charge(&limits, deposit, &used), expected, "the formula itself, for {used:?}");
        let req = request(b, &args, deposit);
        resolve_ok(b, request_id_of(&req), "null", &used);
        let done = b.settle(&req);
        assert_eq!(done.status, Status::Success(None));
        assert_eq!(done.refunded_to(USER), deposit - expected, "{used:?}");
    }

    // Rounding: with prices that do not divide evenly, each term rounds up.
    ok(
        b,
        OWNER,
        "set_pricing",
        r#"{"base_fee": "1000", "per_instruction_fee": "3", "per_mb_fee": "5", "per_second_fee": "7"}"#,
        0,
    );
    let odd = Prices { base: 1000, per_minstr: 3, per_mb: 5, per_sec: 7 };
    let cases = [
        (Used::new(1, 1, Some(1)), 1000 + 1 + 5 + 1),
        (Used::new(1_000_001, 1_001, None), 1000 + 4 + 5 * 64 + 8),
        (Used::new(333_333, 999, Some(2)), 1000 + 1 + 10 + 7),
        (Used::new(333_334, 1_000, Some(2)), 1000 + 2 + 10 + 7),
    ];
    let small_deposit = required_deposit(b, USER, &args);
    for (used, expected) in cases {
        assert_eq!(odd.charge(&limits, small_deposit, &used), expected, "the formula itself, for {used:?}");
        let req = request(b, &args, small_deposit);
        resolve_ok(b, request_id_of(&req), "null", &used);
        assert_eq!(b.settle(&req).refunded_to(USER), small_deposit - expected, "{used:?}");
    }
}

// ---- failures, timeouts, cancels ----

/// `success: false`: the base fee is kept, the rest refunded, the caller's
/// result is a failure carrying the error, the request (and any stored output)
/// is deleted, `execution_completed` says success false with the error.
pub fn failed_execution<B: Backend>(b: &mut B) {
    init(b);
    let deposit = NEAR / 10;
    let used = Used::new(5_000_000, 2_000, Some(32));
    for with_stored_output in [false, true] {
        let req = request(b, SEED_REQUEST, deposit);
        let id = request_id_of(&req);
        if with_stored_output {
            assert!(submit(b, id, &text_output(&"x".repeat(2000))).status.is_success());
        }
        let (runs, fees) = stats(b);
        let error = "compilation failed: no `main` in \"src/lib.rs\"";
        let resolved = resolve(b, id, false, "null", &json_str(error), &used);
        assert_eq!(resolved.status, Status::Success(None), "reporting a failure succeeds");
        let done = b.settle(&req);
        assert_fails_with(&done.status, error);
        assert_eq!(done.refunded_to(USER), deposit - BASE_FEE, "base fee kept, the rest refunded");
        assert_completed_failure(&completed(&done), id, USER, &used, error);
        assert_eq!(completed(&done)["error_message"], error);
        assert_gone(b, id);
        assert_eq!(stats(b), (runs + 1, fees + BASE_FEE));
    }

    // No error text at all: still a failure, with a generic message.
    let req = request(b, SEED_REQUEST, deposit);
    let id = request_id_of(&req);
    assert!(resolve(b, id, false, "null", "null", &Used::NOTHING).status.is_success());
    let done = b.settle(&req);
    assert!(matches!(done.status, Status::Failure(_)), "{:?}", done.status);
    assert_eq!(done.refunded_to(USER), deposit - BASE_FEE);
    assert_eq!(completed(&done)["success"], false);
}

/// An error longer than the yield payload allows is shortened (at a UTF-8
/// boundary), never fails the resolve; the event carries at most 256 bytes.
pub fn long_errors_are_shortened<B: Backend>(b: &mut B) {
    init(b);
    let deposit = NEAR / 10;
    // 1 + 4 × 2000 bytes: every cut at a byte count not ≡ 1 (mod 4) lands inside a character.
    let error = format!("a{}", "😀".repeat(2000));
    for body in [None, Some(MAX_INLINE_OUTPUT - 1), Some(500)] {
        let output = body.map_or("null".to_string(), |n| text_output(&"o".repeat(n)));
        let req = request(b, SEED_REQUEST, deposit);
        let id = request_id_of(&req);
        let resolved = resolve(b, id, false, &output, &json_str(&error), &Used::NOTHING);
        assert_eq!(resolved.status, Status::Success(None), "a long error never fails the resolve");
        let done = b.settle(&req);
        let msg = done.status.failure();
        const HEAD: &str = "Execution failed: ";
        let carried = &msg[msg.find(HEAD).expect("the error reaches the caller") + HEAD.len()..];
        assert!(error.starts_with(carried), "the caller gets a prefix of the error");
        // A failure carries no output: the error gets all the payload's room,
        // whatever output the operator sent along.
        let room = MAX_INLINE_OUTPUT;
        assert!(carried.len() <= room && carried.len() + 64 > room, "{} bytes carried, {room} room", carried.len());
        assert_eq!(done.refunded_to(USER), deposit - BASE_FEE);
        let logged = completed(&done)["error_message"].as_str().unwrap().to_string();
        assert_eq!(logged, truncate_utf8(carried, 256), "the event carries at most 256 bytes of it");
        assert_gone(b, id);
    }
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
pub fn truncate_utf8(s: &str, max: usize) -> &str {
    let mut end = max.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// No resolve within the yield timeout: full refund, the caller fails with a
/// timeout message, the request is deleted, an event says so.
pub fn timeout<B: Backend>(b: &mut B) {
    init(b);
    let deposit = NEAR / 10;
    let req = request(b, SEED_REQUEST, deposit);
    let id = request_id_of(&req);
    assert!(submit(b, id, &text_output("partial")).status.is_success());
    let before = stats(b);
    // A margin around the timeout: on a sandbox every call also takes blocks.
    // (The exact boundary is checked on the VM, in hostile.rs's resolve race.)
    b.skip_blocks(b.yield_timeout_blocks() - 30);
    assert_eq!(b.settle(&req).status, Status::Waiting, "not timed out yet");
    assert!(view(b, "get_request", &id_args(id)).is_object());
    b.skip_blocks(40);
    let done = b.settle(&req);
    assert_fails_with(&done.status, "timed out");
    assert_eq!(done.refunded_to(USER), deposit, "full refund");
    assert_completed_failure(&completed(&done), id, USER, &Used::new(0, 0, None), "execution timed out");
    assert_gone(b, id);
    assert_eq!(stats(b), before, "a timeout is not an execution and earns no fee");
    refused(b, OPERATOR, "resolve_execution", &seed_resolve(id), 0, "no pending request");
}

/// What can be checked of `cancel_stale_execution` on any chain: before 10
/// minutes nobody may cancel, someone else never may. (A yield times out after
/// 200 blocks, long before 10 minutes, so on a real chain a request has
/// normally ended by timeout before it can be cancelled; the successful cancel
/// is in `vm_only::cancel_stale_after_ten_minutes`.)
pub fn cancel_stale_refusals<B: Backend>(b: &mut B) {
    init(b);
    let deposit = NEAR / 10;
    let req = request(b, SEED_REQUEST, deposit);
    let id = request_id_of(&req);
    let stored = view(b, "get_request", &id_args(id));
    refused(b, USER, "cancel_stale_execution", &id_args(id), 0, "only 10 minutes after");
    refused(b, OTHER, "cancel_stale_execution", &id_args(id), 0, "only the request's sender");
    refused(b, OWNER, "cancel_stale_execution", &id_args(id), 0, "only the request's sender");
    refused(b, USER, "cancel_stale_execution", &id_args(id + 1), 0, "no pending request");
    refused(b, USER, "cancel_stale_execution", &id_args(id), 1, "does not accept a deposit");
    refused(b, USER, "cancel_stale_execution", "{}", 0, "request_id");
    b.skip_blocks(60);
    refused(b, USER, "cancel_stale_execution", &id_args(id), 0, "only 10 minutes after");
    assert_eq!(view(b, "get_request", &id_args(id)), stored, "refusals change nothing");
    // ...and the request still ends normally.
    resolve_ok(b, id, "null", &Used::NOTHING);
    assert!(b.settle(&req).status.is_success());
}

/// `emergency_cancel_execution`: the owner cancels any pending request with a
/// full refund; nobody else can; a callback arriving later changes nothing.
pub fn emergency_cancel<B: Backend>(b: &mut B) {
    init(b);
    let deposit = NEAR / 10;
    let req = request(b, SEED_REQUEST, deposit);
    let id = request_id_of(&req);
    assert!(submit(b, id, &text_output("stored")).status.is_success());
    for who in [USER, OTHER, OPERATOR] {
        refused(b, who, "emergency_cancel_execution", &id_args(id), 0, "only the owner");
    }
    refused(b, OWNER, "emergency_cancel_execution", &id_args(id + 7), 0, "no pending request");
    let before = stats(b);
    let cancel = ok(b, OWNER, "emergency_cancel_execution", &id_args(id), 0);
    assert_eq!(cancel.refunded_to(USER), deposit, "full refund");
    assert_completed_failure(&completed(&cancel), id, USER, &Used::new(0, 0, None), "cancelled by the owner");
    assert_gone(b, id);
    assert_eq!(stats(b), before);
    // The operator can no longer resolve it; the yield's eventual callback
    // (its timeout) refunds nothing and makes the caller's call fail.
    refused(b, OPERATOR, "resolve_execution", &seed_resolve(id), 0, "no pending request");
    b.skip_blocks(b.yield_timeout_blocks() + 1);
    let done = b.settle(&req);
    assert_fails_with(&done.status, "cancelled");
    assert_eq!(done.refunded_to(USER), 0, "nothing refunded twice");
    assert!(done.events("execution_completed").is_empty(), "no second event");
    assert_eq!(stats(b), before);

    // With the 1 yocto an owner may attach.
    let req = request(b, SEED_REQUEST, deposit);
    let cancel = ok(b, OWNER, "emergency_cancel_execution", &id_args(request_id_of(&req)), 1);
    assert_eq!(cancel.refunded_to(USER), deposit);
}

// ---- the operator's mistakes, outsiders, pause ----

/// Double resolve, resolve/submit by a non-operator or for an unknown id,
/// submit twice, an inline output after a submit: each fails and changes nothing.
pub fn operator_misuse<B: Backend>(b: &mut B) {
    init(b);
    let deposit = NEAR / 10;
    let req = request(b, SEED_REQUEST, deposit);
    let id = request_id_of(&req);
    let stored = view(b, "get_request", &id_args(id));
    for who in [USER, OWNER, OTHER] {
        refused(b, who, "resolve_execution", &seed_resolve(id), 0, "only the operator");
        refused(
            b,
            who,
            "submit_execution_output",
            &format!(r#"{{"request_id": {id}, "output": {{"Text": "x"}}}}"#),
            0,
            "only the operator",
        );
    }
    refused(b, OPERATOR, "resolve_execution", &seed_resolve(999), 0, "no pending request");
    refused(
        b,
        OPERATOR,
        "submit_execution_output",
        r#"{"request_id": 999, "output": {"Text": "x"}}"#,
        0,
        "no pending request",
    );
    refused(b, OPERATOR, "resolve_execution", &seed_resolve(id), 1, "does not accept a deposit");
    refused(
        b,
        OPERATOR,
        "submit_execution_output",
        &format!(r#"{{"request_id": {id}, "output": {{"Text": "x"}}}}"#),
        1,
        "does not accept a deposit",
    );
    assert_eq!(view(b, "get_request", &id_args(id)), stored);
    assert_eq!(view(b, "has_pending_output", &id_args(id)), json!(false));

    assert!(submit(b, id, &text_output("first")).status.is_success());
    refused(
        b,
        OPERATOR,
        "submit_execution_output",
        &format!(r#"{{"request_id": {id}, "output": {{"Text": "second"}}}}"#),
        0,
        "already submitted",
    );
    assert_eq!(view(b, "get_pending_output", &id_args(id)), json!({"Text": "first"}));
    let inline = refused(b, OPERATOR, "resolve_execution", &seed_resolve(id), 0, "already submitted");
    assert_fails_with(&inline.status, r#""output": null"#);
    assert_eq!(b.settle(&req).status, Status::Waiting);

    resolve_ok(b, id, "null", &Used::new(1_000_000, 100, None));
    let done = b.settle(&req);
    assert_eq!(done.status, Status::Success(Some(br#""first""#.to_vec())));
    let after = stats(b);
    // A second resolve fails. (The callback of the first has run and deleted the
    // request by then: "no pending request"; a resume of a yield that has
    // already ended would say the yield is not waiting.)
    let second = call(b, OPERATOR, "resolve_execution", &seed_resolve(id), 0);
    let msg = second.status.failure();
    assert!(msg.contains("no pending request") || msg.contains("not waiting"), "{msg}");
    assert!(second.transfers.is_empty());
    assert_eq!(b.settle(&req).refunded_to(USER), done.refunded_to(USER), "no second refund");
    assert_eq!(stats(b), after);
}

/// The callback and `fail_execution` are private: an outsider calling them
/// directly fails and changes nothing.
pub fn private_methods<B: Backend>(b: &mut B) {
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
pub fn paused<B: Backend>(b: &mut B) {
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

/// Every view method with arguments it accepts.
const VIEWS: &[(&str, &str)] = &[
    ("get_request", r#"{"request_id": 0}"#),
    ("get_stats", "{}"),
    ("get_pricing", "{}"),
    ("get_config", "{}"),
    ("get_keystore_pubkey", "{}"),
    ("estimate_execution_cost", "{}"),
    ("get_max_limits", "{}"),
    ("is_paused", "{}"),
    ("get_pending_output", r#"{"request_id": 0}"#),
    ("has_pending_output", r#"{"request_id": 0}"#),
    ("contract_source_metadata", "{}"),
];

/// Every view answers (with any state).
fn views_answer<B: Backend>(b: &mut B) {
    for &(method, args) in VIEWS {
        view(b, method, args);
    }
}

// ---- admin ----

/// Every admin function by the owner (works, has its effect) and by others
/// (fails, changes nothing).
pub fn admin_functions<B: Backend>(b: &mut B) {
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
            refused(b, who, method, args, 0, "only the owner");
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
    refused(b, OWNER, "set_paused", r#"{"paused": true}"#, 0, "only the owner");
    refused(b, OWNER, "set_owner", r#"{"new_owner_id": "owner.testnet"}"#, 0, "only the owner");
    refused(b, OTHER, "set_owner", r#"{"new_owner_id": "Owner"}"#, 0, "new_owner_id");
    ok(b, OTHER, "set_owner", r#"{"new_owner_id": "owner.testnet"}"#, 0);
    assert_eq!(config(b), initial);

    // The pending request was untouched by all of it.
    resolve_ok(b, request_id_of(&req), "null", &Used::NOTHING);
    assert_eq!(b.settle(&req).refunded_to(USER), NEAR / 10 - BASE_FEE - 128 * PER_MB);
}

/// `set_pricing`: all four, any subset, refusal of prices whose maximum
/// estimate would overflow u128, refusal of malformed amounts.
pub fn set_pricing_rules<B: Backend>(b: &mut B) {
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
    refused(b, USER, "request_execution", SEED_REQUEST, NEAR, "exceeds u128::MAX");
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

/// Base58 (Bitcoin alphabet) of 32 bytes, for `ed25519:` keys.
pub fn base58(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    let mut digits: Vec<u8> = Vec::new(); // little-endian base-58 digits
    for &byte in bytes {
        let mut carry = byte as u32;
        for d in digits.iter_mut() {
            carry += (*d as u32) << 8;
            *d = (carry % 58) as u8;
            carry /= 58;
        }
        while carry > 0 {
            digits.push((carry % 58) as u8);
            carry /= 58;
        }
    }
    let zeros = bytes.iter().take_while(|&&b| b == 0).count();
    std::iter::repeat(b'1')
        .take(zeros)
        .chain(digits.iter().rev().map(|&d| ALPHABET[d as usize]))
        .map(char::from)
        .collect()
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `set_keystore_pubkey` by the owner and by the keystore account, in both
/// formats (stored as lowercase hex), and refusals of others and of bad keys.
pub fn keystore_pubkey<B: Backend>(b: &mut B) {
    init(b);
    let key = |b: &mut B| view(b, "get_keystore_pubkey", "{}");
    let set = |pubkey: &str| json!({"pubkey": pubkey}).to_string();
    assert_eq!(key(b), Value::Null);

    let k1 = some_bytes(32);
    ok(b, OWNER, "set_keystore_pubkey", &set(&hex(&k1)), 0);
    assert_eq!(key(b), json!(hex(&k1)));
    ok(b, OWNER, "set_keystore_pubkey", &set(&hex(&k1).to_uppercase()), 0);
    assert_eq!(key(b), json!(hex(&k1)), "stored as lowercase hex");

    refused(b, KEYSTORE, "set_keystore_pubkey", &set(&hex(&[7; 32])), 0, "only the owner or the keystore account");
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
        refused(b, who, "set_keystore_pubkey", &set(&hex(&k1)), 0, "only the owner or the keystore account");
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
    refused(b, KEYSTORE, "set_keystore_pubkey", &set(&hex(&k1)), 0, "only the owner or the keystore account");
}

/// Admin calls accept no deposit or exactly 1 yocto (which the contract
/// keeps), never 2 or more.
pub fn admin_deposits<B: Backend>(b: &mut B) {
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
            refused(b, who, method, args, deposit, "no deposit or exactly 1 yoctoNEAR");
        }
        let tx = ok(b, who, method, args, 1);
        assert!(tx.transfers.is_empty(), "the 1 yocto stays with the contract");
        ok(b, who, method, args, 0);
    }
    refused(b, OWNER, "emergency_cancel_execution", &id_args(id), 2, "no deposit or exactly 1 yoctoNEAR");
    assert_eq!(b.settle(&req).status, Status::Waiting);
    let cancel = ok(b, OWNER, "emergency_cancel_execution", &id_args(id), 1);
    assert_eq!(cancel.refunded_to(USER), NEAR / 10);
}

/// Methods that are not payable refuse any deposit, and the deposit goes back.
pub fn non_payable_methods<B: Backend>(b: &mut B) {
    init(b);
    let req = request(b, SEED_REQUEST, NEAR / 10);
    let id = request_id_of(&req);
    for deposit in [1, NEAR] {
        refused(b, OPERATOR, "resolve_execution", &seed_resolve(id), deposit, "does not accept a deposit");
        refused(
            b,
            OPERATOR,
            "submit_execution_output",
            &format!(r#"{{"request_id": {id}, "output": {{"Text": "x"}}}}"#),
            deposit,
            "does not accept a deposit",
        );
        refused(b, USER, "cancel_stale_execution", &id_args(id), deposit, "does not accept a deposit");
        let c = b.contract();
        refused(b, &c, "new", r#"{"owner_id": "owner.testnet"}"#, deposit, "does not accept a deposit");
    }
    assert_eq!(b.settle(&req).status, Status::Waiting);
    resolve_ok(b, id, "null", &Used::NOTHING);
}

/// The views, called as transactions with a deposit (near-cli `call` on a view
/// method): they are not payable, so the deposit must come back.
pub fn views_as_calls_refuse_deposits<B: Backend>(b: &mut B) {
    init(b);
    for &(method, args) in VIEWS {
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

/// `new`: only by the contract account, only once; nothing works before it.
pub fn init_rules<B: Backend>(b: &mut B) {
    let c = b.contract();
    assert!(b.view("get_config", b"{}").is_err(), "views fail before init");
    refused(b, USER, "request_execution", SEED_REQUEST, NEAR / 10, "not initialized");
    refused(b, OWNER, "new", r#"{"owner_id": "owner.testnet"}"#, 0, "only the contract account itself");
    refused(b, USER, "new", r#"{"owner_id": "user.testnet"}"#, 0, "only the contract account itself");
    refused(b, &c, "new", r#"{"owner_id": "owner.testnet"}"#, 1, "does not accept a deposit");
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

/// Every view's JSON, exactly.
pub fn views_json<B: Backend>(b: &mut B) {
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
        (&Value::Null, &Value::Null, &json!("Text"))
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

// ---- limits ----

/// Every limit and cap at its bound (accepted) and one over (refused, naming
/// the field and the cap), through real calls.
pub fn limits_and_caps<B: Backend>(b: &mut B) {
    init(b);
    let deposit = NEAR;
    let base = || json!({"code_source": {"repo": "r", "commit": "c"}});
    let with = |path: &[&str], v: Value| {
        let mut a = base();
        let mut slot = &mut a;
        for p in &path[..path.len() - 1] {
            if slot.get(*p).is_none() {
                slot[*p] = json!({});
            }
            slot = &mut slot[*p];
        }
        slot[path[path.len() - 1]] = v;
        a.to_string()
    };
    let cases: Vec<(Vec<&str>, Value, Value, &str)> = vec![
        (
            vec!["resource_limits", "max_instructions"],
            json!(CAP_INSTRUCTIONS),
            json!(CAP_INSTRUCTIONS + 1),
            "100000000000",
        ),
        (vec!["resource_limits", "max_memory_mb"], json!(CAP_MEMORY_MB), json!(CAP_MEMORY_MB + 1), "1024"),
        (vec!["resource_limits", "max_execution_seconds"], json!(CAP_SECONDS), json!(CAP_SECONDS + 1), "60"),
        (vec!["code_source", "repo"], json!("r".repeat(CAP_REPO)), json!("r".repeat(CAP_REPO + 1)), "512"),
        (vec!["code_source", "commit"], json!("c".repeat(CAP_COMMIT)), json!("c".repeat(CAP_COMMIT + 1)), "128"),
        (
            vec!["code_source", "build_target"],
            json!("t".repeat(CAP_BUILD_TARGET)),
            json!("t".repeat(CAP_BUILD_TARGET + 1)),
            "64",
        ),
        (vec!["input_data"], json!("i".repeat(CAP_INPUT)), json!("i".repeat(CAP_INPUT + 1)), "4096"),
        // Caps count the JSON-escaped form as sent: "\n" is 2 bytes.
        (
            vec!["input_data"],
            json!("\n".repeat(CAP_INPUT / 2)),
            json!(format!("{}a", "\n".repeat(CAP_INPUT / 2))),
            "4096",
        ),
        (vec!["encrypted_secrets"], json!(vec![7u8; CAP_SECRETS]), json!(vec![7u8; CAP_SECRETS + 1]), "1024"),
    ];
    for (path, at, over, cap) in cases {
        let field = path[path.len() - 1];
        let tx = refused(b, USER, "request_execution", &with(&path, over), deposit, field);
        assert_fails_with(&tx.status, cap);
        let req = request(b, &with(&path, at.clone()), deposit);
        let stored = view(b, "get_request", &id_args(request_id_of(&req)));
        let mut slot = &stored;
        for p in &path {
            slot = &slot[*p];
        }
        assert_eq!(slot, &at, "stored as given");
    }
    // Limits of zero are allowed too.
    request(
        b,
        &with(&["resource_limits"], json!({"max_instructions": 0, "max_memory_mb": 0, "max_execution_seconds": 0})),
        deposit,
    );

    // Outputs: inline up to what the yield payload carries, submitted up to 32 KiB.
    let req = request(b, SEED_REQUEST, deposit);
    let id = request_id_of(&req);
    let over = refused(
        b,
        OPERATOR,
        "resolve_execution",
        &response_args(id, true, &text_output(&"o".repeat(MAX_INLINE_OUTPUT + 1)), "null", &Used::NOTHING),
        0,
        "1024-byte yield payload",
    );
    assert_fails_with(&over.status, "submit_execution_output");
    refused(
        b,
        OPERATOR,
        "resolve_execution",
        &response_args(id, true, &bytes_output(&vec![1; MAX_INLINE_OUTPUT + 1]), "null", &Used::NOTHING),
        0,
        "submit_execution_output",
    );
    resolve_ok(b, id, &text_output(&"o".repeat(MAX_INLINE_OUTPUT)), &Used::NOTHING);
    assert_eq!(b.settle(&req).status.value().map(<[u8]>::len), Some(MAX_INLINE_OUTPUT + 2));
    let req = request(b, SEED_REQUEST, deposit);
    resolve_ok(b, request_id_of(&req), &bytes_output(&vec![1; MAX_INLINE_OUTPUT]), &Used::NOTHING);
    assert_eq!(b.settle(&req).status, Status::Success(Some(base64_value(&vec![1; MAX_INLINE_OUTPUT]))));

    let big_json = |n: usize| format!("\"{}\"", "j".repeat(n - 2)); // a JSON string value of n bytes
    for (at, over) in [
        (text_output(&"t".repeat(CAP_OUTPUT)), text_output(&"t".repeat(CAP_OUTPUT + 1))),
        (text_output(&"\n".repeat(CAP_OUTPUT / 2)), text_output(&format!("{}a", "\n".repeat(CAP_OUTPUT / 2)))),
        (bytes_output(&vec![200; CAP_OUTPUT]), bytes_output(&vec![200; CAP_OUTPUT + 1])),
        (format!(r#"{{"Json": {}}}"#, big_json(CAP_OUTPUT)), format!(r#"{{"Json": {}}}"#, big_json(CAP_OUTPUT + 1))),
    ] {
        let req = request(b, SEED_REQUEST, deposit);
        let id = request_id_of(&req);
        refused(
            b,
            OPERATOR,
            "submit_execution_output",
            &format!(r#"{{"request_id": {id}, "output": {over}}}"#),
            0,
            "over its cap of 32768 bytes",
        );
        assert_eq!(view(b, "has_pending_output", &id_args(id)), json!(false));
        // 300 Tgas: this checks the cap, not gas (see `cli_gas_worst_cases`).
        let args = format!(r#"{{"request_id": {id}, "output": {at}}}"#);
        let tx = b.call(OPERATOR, "submit_execution_output", args.as_bytes(), 0, 300 * TGAS);
        assert!(tx.status.is_success(), "a 32 KiB output is accepted: {:?}", tx.status);
        resolve_ok(b, id, "null", &Used::NOTHING);
        assert!(b.settle(&req).status.is_success());
    }
    // Resource usage, however absurd, is accepted and charged at the limits.
    let req = request(b, SEED_REQUEST, deposit);
    resolve_ok(b, request_id_of(&req), "null", &Used::new(u64::MAX, u64::MAX, Some(u64::MAX)));
    assert_eq!(b.settle(&req).refunded_to(USER), deposit - Prices::DEFAULT.estimate(&Limits::DEFAULT));
}

/// A stored output is backed by the request's payment: request and output
/// storage together may cost at most the payment.
pub fn submit_backed_by_payment<B: Backend>(b: &mut B) {
    init(b);
    let args = SEED_REQUEST;
    let required = required_deposit(b, USER, args);
    let request_bytes = (required - Prices::DEFAULT.estimate(&Limits::DEFAULT)) / STORAGE_PRICE;
    // An output of n bytes is stored as 1 + n bytes under a 9-byte key, plus
    // NEAR's 40 bytes per record.
    let output_bytes = |n: usize| n as u128 + 1 + 9 + 40;
    let n = 10_000;
    let exact = (request_bytes + output_bytes(n)) * STORAGE_PRICE;
    assert!(exact > required);
    let req = request(b, args, exact);
    let id = request_id_of(&req);
    let tx = refused(
        b,
        OPERATOR,
        "submit_execution_output",
        &format!(r#"{{"request_id": {id}, "output": {}}}"#, text_output(&"x".repeat(n + 1))),
        0,
        "output too large for this request's payment",
    );
    assert_fails_with(&tx.status, &(exact + STORAGE_PRICE).to_string());
    assert!(submit(b, id, &text_output(&"x".repeat(n))).status.is_success());
    resolve_ok(b, id, "null", &Used::NOTHING);
    assert_eq!(b.settle(&req).status.value().map(<[u8]>::len), Some(n + 2));
}

// ---- deposits and gas ----

/// Too small a deposit fails up front and says how much is required; nothing is
/// stored, the deposit comes back; exactly the required amount works. The
/// requirement covers the estimate and the request's storage.
pub fn deposit_too_small<B: Backend>(b: &mut B) {
    init(b);
    let required = required_deposit(b, USER, SEED_REQUEST);
    let estimate = Prices::DEFAULT.estimate(&Limits::DEFAULT);
    let storage = required - estimate;
    assert!(
        storage % STORAGE_PRICE == 0 && (200..1000).contains(&(storage / STORAGE_PRICE)),
        "storage part: {storage}"
    );
    for deposit in [0, 1, estimate, required - 1] {
        let tx =
            refused(b, USER, "request_execution", SEED_REQUEST, deposit, &format!("required {required} yoctoNEAR"));
        assert!(tx.logs.is_empty());
    }
    assert_eq!(view(b, "get_request", &id_args(0)), Value::Null, "nothing stored");
    let req = request(b, SEED_REQUEST, required);
    assert_eq!(request_id_of(&req), 0, "refused requests used no id");
    resolve_ok(b, 0, "null", &Used::new(u64::MAX, u64::MAX, None));
    let done = b.settle(&req);
    assert_eq!(done.refunded_to(USER), required - estimate, "charged the full estimate");

    // The largest request needs more storage.
    let largest = required_deposit(b, USER, &largest_request_args("Bytes"));
    assert!(largest - Prices::DEFAULT.estimate(&Limits::CAP) > 5000 * STORAGE_PRICE);
    request(b, &largest_request_args("Bytes"), largest);
}

/// Too little prepaid gas for `request_execution`: it fails before any write
/// or yield: no event, no stored request, no id used, the deposit back.
pub fn too_little_gas<B: Backend>(b: &mut B) {
    init(b);
    for gas in [TGAS / 2, 3 * TGAS, 5 * TGAS] {
        let tx = b.call(USER, "request_execution", SEED_REQUEST.as_bytes(), NEAR / 10, gas);
        assert!(matches!(tx.status, Status::Failure(_)), "{gas}: {:?}", tx.status);
        assert!(tx.logs.is_empty(), "no event");
        assert_eq!(tx.refunded_to(USER), NEAR / 10);
        assert_eq!(view(b, "get_request", &id_args(0)), Value::Null);
    }
    let tx = b.call(USER, "request_execution", SEED_REQUEST.as_bytes(), NEAR / 10, 5 * TGAS);
    assert_fails_with(&tx.status, "not enough gas");
    let req = request(b, SEED_REQUEST, NEAR / 10);
    assert_eq!(request_id_of(&req), 0);
}

/// The whole flow with near-cli's default 30 Tgas on every call, for the
/// largest request (every cap) with the largest output (32 KiB through
/// submit_execution_output) of each kind, and for a failure with the longest
/// error.
pub fn cli_gas_worst_cases<B: Backend>(b: &mut B) {
    init(b);
    let deposit = NEAR / 2;
    let used = Used::new(u64::MAX, 59_999, Some(1000));
    let charged = Prices::DEFAULT.charge(&Limits::CAP, deposit, &used);

    // Failure with the longest error next to the largest inline output.
    let req = request(b, &largest_request_args("Text"), deposit);
    let id = request_id_of(&req);
    let error = "é".repeat(4000);
    let tx = resolve(b, id, false, &text_output(&"o".repeat(MAX_INLINE_OUTPUT)), &json_str(&error), &used);
    assert_eq!(tx.status, Status::Success(None));
    let done = b.settle(&req);
    assert_fails_with(&done.status, "Execution failed");
    assert_eq!(done.refunded_to(USER), deposit - BASE_FEE);
    assert_gone(b, id);
    // A timeout of the largest request.
    let req = request(b, &largest_request_args("Json"), deposit);
    b.skip_blocks(b.yield_timeout_blocks() + 1);
    let done = b.settle(&req);
    assert_fails_with(&done.status, "timed out");
    assert_eq!(done.refunded_to(USER), deposit);

    // Success with a 32 KiB stored output of each kind. `Bytes` comes last and
    // all 255: the longest arguments (4 characters per byte) the operator sends.
    let text = "\"".repeat(CAP_OUTPUT / 2);
    let json_value = format!("[{}11]", "1,".repeat(CAP_OUTPUT / 2 - 2));
    assert_eq!(json_value.len(), CAP_OUTPUT);
    let bytes = vec![255u8; CAP_OUTPUT];
    for (format, output, expected) in [
        ("Text", text_output(&text), json_str(&text).into_bytes()),
        ("Json", format!(r#"{{"Json": {json_value}}}"#), json_value.clone().into_bytes()),
        ("Bytes", bytes_output(&bytes), base64_value(&bytes)),
    ] {
        let req = request(b, &largest_request_args(format), deposit);
        let id = request_id_of(&req);
        assert_eq!(request_data(&req)["encrypted_secrets"].as_array().unwrap().len(), CAP_SECRETS);
        let sub = submit(b, id, &output);
        assert_eq!(sub.status, Status::Success(None), "submit a 32 KiB {format} output with 30 Tgas");
        resolve_ok(b, id, "null", &used);
        let done = b.settle(&req);
        assert_eq!(done.status, Status::Success(Some(expected)), "{format}");
        assert_eq!(done.refunded_to(USER), deposit - charged);
        assert_eq!(completed(&done)["code_source"]["repo"], quotes(CAP_REPO / 2));
        assert_gone(b, id);
    }
}

// ---- changes while a request is pending ----

/// A request pays the prices in force when it was made.
pub fn pricing_change_while_pending<B: Backend>(b: &mut B) {
    init(b);
    let deposit = NEAR / 10;
    let used = Used::new(3_000_000, 1_500, Some(50));
    let req = request(b, SEED_REQUEST, deposit);
    let dearer = Prices { base: 3 * BASE_FEE, per_minstr: 10 * PER_MINSTR, per_mb: 10 * PER_MB, per_sec: 10 * PER_SEC };
    ok(b, OWNER, "set_pricing", &dearer.json().to_string(), 0);
    assert_eq!(view(b, "estimate_execution_cost", "{}"), json!(dearer.estimate(&Limits::DEFAULT).to_string()));
    let req2 = request(b, SEED_REQUEST, NEAR);
    ok(b, OWNER, "set_pricing", r#"{"base_fee": "0"}"#, 0);
    resolve_ok(b, request_id_of(&req), "null", &used);
    resolve_ok(b, request_id_of(&req2), "null", &used);
    let old = Prices::DEFAULT.charge(&Limits::DEFAULT, deposit, &used);
    assert_eq!(b.settle(&req).refunded_to(USER), deposit - old, "charged at the old prices");
    assert_eq!(
        b.settle(&req2).refunded_to(USER),
        NEAR - dearer.charge(&Limits::DEFAULT, NEAR, &used),
        "charged at the prices of its time"
    );
    assert_eq!(stats(b), (2, old + dearer.charge(&Limits::DEFAULT, NEAR, &used)));
    // A failure keeps the base fee of the request's own time.
    let req3 = request(b, SEED_REQUEST, NEAR);
    ok(b, OWNER, "set_pricing", &dearer.json().to_string(), 0);
    assert!(resolve(b, request_id_of(&req3), false, "null", r#""boom""#, &used).status.is_success());
    assert_eq!(b.settle(&req3).refunded_to(USER), NEAR, "base fee 0 at request time");
}

/// A failed execution counts as an execution (README: `total_executions`
/// counts "executions that were resolved, successfully or not"), also when
/// the base fee it keeps is 0.
pub fn failures_count_as_executions<B: Backend>(b: &mut B) {
    init(b);
    for base_fee in ["10000000000000000000000", "0"] {
        ok(b, OWNER, "set_pricing", &format!(r#"{{"base_fee": "{base_fee}"}}"#), 0);
        let (runs, fees) = stats(b);
        let req = request(b, SEED_REQUEST, NEAR / 10);
        assert!(resolve(b, request_id_of(&req), false, "null", r#""boom""#, &Used::NOTHING).status.is_success());
        assert_fails_with(&b.settle(&req).status, "boom");
        assert_eq!(stats(b), (runs + 1, fees + base_fee.parse::<u128>().unwrap()), "base fee {base_fee}");
    }
}

/// The operator changes while a request is pending: the new one resolves it,
/// the old one cannot.
pub fn operator_change_while_pending<B: Backend>(b: &mut B) {
    init(b);
    let req = request(b, SEED_REQUEST, NEAR / 10);
    let id = request_id_of(&req);
    ok(b, OWNER, "set_operator", r#"{"new_operator_id": "new-operator.testnet"}"#, 0);
    refused(b, OPERATOR, "resolve_execution", &seed_resolve(id), 0, "only the operator");
    refused(
        b,
        OPERATOR,
        "submit_execution_output",
        &format!(r#"{{"request_id": {id}, "output": {{"Text": "x"}}}}"#),
        0,
        "only the operator",
    );
    assert!(call(
        b,
        NEW_OPERATOR,
        "submit_execution_output",
        &format!(r#"{{"request_id": {id}, "output": {{"Text": "new"}}}}"#),
        0
    )
    .status
    .is_success());
    let tx = call(b, NEW_OPERATOR, "resolve_execution", &seed_resolve_null(id), 0);
    assert_eq!(tx.status, Status::Success(None));
    let done = b.settle(&req);
    assert_eq!(done.status, Status::Success(Some(br#""new""#.to_vec())));
    assert_eq!(done.refunded_to(USER), NEAR / 10 - cost(1_000_000, 128, 100));
}

/// Checks that need the embedded VM: its clock, ledger, pending yields and raw
/// storage.
pub mod vm_only {
    use super::*;
    use crate::common::vm_backend::{VmBackend, CONTRACT};

    pub const STALE_NS: u64 = 600 * 1_000_000_000;

    /// Moves the block clock without producing blocks, so no yield times out.
    /// On chain a yield times out after 200 blocks (2-4 minutes), long before a
    /// request becomes cancellable at 10 minutes; this is how a test gets a
    /// request that is still stored after 10 minutes.
    pub fn jump_clock(b: &mut VmBackend, to_ns: u64) {
        let h = b.vm.block_height();
        b.vm.set_block(h, to_ns);
    }

    /// The timestamp of a request, from its event.
    pub fn timestamp_of(tx: &Tx) -> u64 {
        request_data(tx)["timestamp"].as_u64().unwrap()
    }

    /// The data id of a request's yield, from its event.
    pub fn data_id_of(tx: &Tx) -> [u8; 32] {
        let ids: Vec<u8> = tx.events("execution_requested")[0]["data"][0]["data_id"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as u8)
            .collect();
        ids.try_into().unwrap()
    }

    /// `cancel_stale_execution` by the sender once 10 minutes have passed: full
    /// refund, request and stored output removed, an event; a callback that
    /// arrives afterwards changes nothing and refunds nothing.
    pub fn cancel_stale_after_ten_minutes(b: &mut VmBackend) {
        init(b);
        let deposit = NEAR / 10;
        let req = request(b, SEED_REQUEST, deposit);
        let id = request_id_of(&req);
        assert!(submit(b, id, &text_output("stored")).status.is_success());
        let t0 = timestamp_of(&req);
        jump_clock(b, t0 + STALE_NS - 1);
        refused(b, USER, "cancel_stale_execution", &id_args(id), 0, "only 10 minutes after");
        jump_clock(b, t0 + STALE_NS);
        refused(b, OTHER, "cancel_stale_execution", &id_args(id), 0, "only the request's sender");
        assert_eq!(b.vm.pending_yields().len(), 1, "still waiting: no block was produced");

        let before = stats(b);
        let balance = b.vm.balance(CONTRACT);
        let cancel = ok(b, USER, "cancel_stale_execution", &id_args(id), 0);
        assert_eq!(cancel.transfers, vec![(USER.to_string(), deposit)], "full refund");
        assert_completed_failure(&completed(&cancel), id, USER, &Used::new(0, 0, None), "cancelled by the sender");
        assert_gone(b, id);
        assert_eq!(b.vm.balance(CONTRACT), balance - deposit);
        refused(b, USER, "cancel_stale_execution", &id_args(id), 0, "no pending request");
        refused(b, OPERATOR, "resolve_execution", &seed_resolve(id), 0, "no pending request");

        // The yield is still there; its callback (here: the timeout) finds no
        // request: nothing changes, nothing is refunded, the caller fails.
        let balance = b.vm.balance(CONTRACT);
        let user = b.vm.balance(USER);
        b.skip_blocks(b.yield_timeout_blocks() + 1);
        assert!(b.vm.pending_yields().is_empty());
        let done = b.settle(&req);
        assert_fails_with(&done.status, "cancelled");
        assert!(done.transfers.is_empty() && done.events("execution_completed").is_empty());
        assert_eq!((b.vm.balance(CONTRACT), b.vm.balance(USER)), (balance, user));
        assert_eq!(stats(b), before);
    }

    /// The deposit required is the estimate plus exactly the storage staking of
    /// the bytes the request adds to the account.
    pub fn required_deposit_is_estimate_plus_storage(b: &mut VmBackend) {
        init(b);
        for (args, limits) in
            [(SEED_REQUEST.to_string(), Limits::DEFAULT), (largest_request_args("Bytes"), Limits::CAP)]
        {
            let required = required_deposit(b, USER, &args);
            let before = b.vm.storage_usage();
            request(b, &args, required);
            let added = (b.vm.storage_usage() - before) as u128;
            assert_eq!(required, Prices::DEFAULT.estimate(&limits) + added * STORAGE_PRICE);
        }
        // The sender's account id is part of the stored request: the longest
        // (64 chars, an implicit account) still works.
        let implicit = "ab".repeat(32);
        let args = largest_request_args("Text");
        let required = required_deposit(b, &implicit, &args);
        let req = request_as(b, &implicit, &args, required);
        assert_eq!(request_data(&req)["sender_id"], implicit);
        let id = request_id_of(&req);
        assert!(submit(b, id, &bytes_output(&some_bytes(1000))).status.is_success());
        resolve_ok(b, id, "null", &Used::NOTHING);
        assert_eq!(b.settle(&req).refunded_to(&implicit), required - BASE_FEE - CAP_MEMORY_MB as u128 * PER_MB);
    }

    // ---- money across random sequences ----

    /// xorshift64*: small, seeded, good enough to pick actions.
    pub struct Rng(u64);

    impl Rng {
        pub fn new(seed: u64) -> Rng {
            Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
        }
        pub fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        /// 0..n
        pub fn below(&mut self, n: u64) -> u64 {
            self.next() % n.max(1)
        }
        pub fn chance(&mut self, percent: u64) -> bool {
            self.below(100) < percent
        }
        pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
            &items[self.below(items.len() as u64) as usize]
        }
        /// A u64 that is often at an edge: 0, the bound, one over, u64::MAX.
        pub fn edgy(&mut self, bound: u64) -> u64 {
            match self.below(6) {
                0 => 0,
                1 => bound,
                2 => bound.saturating_add(1),
                3 => u64::MAX,
                _ => self.below(bound.saturating_add(2)),
            }
        }
    }

    struct Pending {
        tx: Tx,
        sender: &'static str,
        payment: u128,
        prices: Prices,
        limits: Limits,
        data_id: [u8; 32],
        timestamp: u64,
        created_height: u64,
        /// What the request adds to the account's storage, in bytes.
        storage: u64,
        has_output: bool,
    }

    /// What the contract must hold, computed from what the test did.
    struct Model {
        initial: u128,
        deposits: u128,
        tips: u128,
        fees: u128,
        executions: u64,
        prices: Prices,
        paused: bool,
        next_id: u64,
        pending: std::collections::BTreeMap<u64, Pending>,
    }

    const SENDERS: [&str; 3] = [USER, OTHER, "carol.testnet"];

    /// Randomized sequences of requests, resolves, submits, timeouts, cancels,
    /// emergency cancels, pricing changes and pauses. After every step: the
    /// contract's balance is its initial balance + the fees collected + the
    /// payments of pending requests + the 1-yocto admin tips; every deposited
    /// yocto is a refund, a fee, a pending payment or a tip; the fees and
    /// counters match an independent model; every stored request has a
    /// waiting yield (so it can still end).
    pub fn money_is_conserved(seed: u64, steps: usize) {
        let initial = 10 * NEAR;
        let mut b = VmBackend::new(initial);
        init(&mut b);
        let mut m = Model {
            initial,
            deposits: 0,
            tips: 0,
            fees: 0,
            executions: 0,
            prices: Prices::DEFAULT,
            paused: false,
            next_id: 0,
            pending: Default::default(),
        };
        let mut rng = Rng::new(seed);
        for step in 0..steps {
            let action = rng.below(100);
            let what = match action {
                0..=29 => step_request(&mut b, &mut m, &mut rng),
                30..=54 => step_resolve(&mut b, &mut m, &mut rng),
                55..=64 => step_submit(&mut b, &mut m, &mut rng),
                65..=72 => step_blocks(&mut b, &mut m, &mut rng),
                73..=78 => step_stale_cancel(&mut b, &mut m, &mut rng),
                79..=84 => step_emergency_cancel(&mut b, &mut m, &mut rng),
                85..=94 => step_pricing(&mut b, &mut m, &mut rng),
                _ => step_pause(&mut b, &mut m, &mut rng),
            };
            check_invariants(&mut b, &m, &format!("seed {seed} step {step} ({what})"));
        }
        // Everything still pending ends by timeout, refunded in full.
        step_timeout_all(&mut b, &mut m);
        check_invariants(&mut b, &m, &format!("seed {seed} final timeout"));
        assert!(m.pending.is_empty());
        assert_eq!(b.vm.balance(CONTRACT), m.initial + m.fees + m.tips);
    }

    fn check_invariants(b: &mut VmBackend, m: &Model, at: &str) {
        let (executions, fees) = stats(b);
        assert_eq!((executions, fees), (m.executions, m.fees), "{at}: stats");
        let pending: u128 = m.pending.values().map(|p| p.payment).sum();
        assert_eq!(b.vm.balance(CONTRACT), m.initial + fees + pending + m.tips, "{at}: contract balance");
        let refunded: u128 = b.vm.balances().iter().filter(|(a, _)| *a != CONTRACT).map(|(_, v)| v).sum();
        assert_eq!(refunded + fees + pending + m.tips, m.deposits, "{at}: every deposited yocto is accounted for");
        let waiting: Vec<[u8; 32]> = b.vm.pending_yields().iter().map(|y| y.data_id).collect();
        for id in 0..m.next_id + 2 {
            let mut key = vec![b'r'];
            key.extend_from_slice(&id.to_le_bytes());
            let stored = b.vm.storage(&key).is_some();
            assert_eq!(stored, m.pending.contains_key(&id), "{at}: request {id} stored?");
            if let Some(p) = m.pending.get(&id) {
                assert!(waiting.contains(&p.data_id), "{at}: request {id} has no waiting yield");
            }
        }
        assert!(b.vm.storage_usage() as u128 * STORAGE_PRICE <= b.vm.balance(CONTRACT), "{at}: storage staked");
    }

    fn attach(m: &mut Model, deposit: u128) -> u128 {
        m.deposits += deposit;
        deposit
    }

    fn random_limits(rng: &mut Rng) -> (Value, Limits, bool) {
        let mut json = json!({});
        let mut limits = Limits::DEFAULT;
        let mut valid = true;
        for (name, cap, slot) in [
            ("max_instructions", CAP_INSTRUCTIONS, &mut limits.instructions),
            ("max_memory_mb", CAP_MEMORY_MB, &mut limits.memory_mb),
            ("max_execution_seconds", CAP_SECONDS, &mut limits.seconds),
        ] {
            match rng.below(10) {
                0 => {}
                1 => json[name] = Value::Null,
                2 if rng.chance(30) => {
                    json[name] = json!(cap + 1);
                    valid = false;
                }
                3 => {
                    json[name] = json!(cap);
                    *slot = cap;
                }
                _ => {
                    let v = rng.below(cap + 1);
                    json[name] = json!(v);
                    *slot = v;
                }
            }
        }
        (json, limits, valid)
    }

    fn step_request(b: &mut VmBackend, m: &mut Model, rng: &mut Rng) -> String {
        let sender = *rng.pick(&SENDERS);
        let (limits_json, limits, valid) = random_limits(rng);
        let format = *rng.pick(&["Text", "Json", "Bytes"]);
        let input: String = "x".repeat(rng.below(300) as usize);
        let args = json!({
            "code_source": {"repo": "https://github.com/u/p", "commit": format!("c{}", rng.below(1000))},
            "resource_limits": limits_json,
            "input_data": input,
            "response_format": format,
        })
        .to_string();
        let gas = if rng.chance(5) { 5 * TGAS } else { CLI_GAS };
        let required = if valid && !m.paused {
            let probe = b.call(sender, "request_execution", args.as_bytes(), attach(m, 0), CLI_GAS);
            let msg = probe.status.failure();
            let tail = &msg[msg.find("required ").expect(msg) + 9..];
            Some(tail.split(' ').next().unwrap().parse::<u128>().unwrap())
        } else {
            None
        };
        let deposit = match (required, rng.below(10)) {
            (Some(r), 0) => r - 1,
            (Some(r), 1..=3) => r,
            (Some(r), _) => r + rng.below(1_000_000) as u128 * (NEAR / 2_000_000) * rng.below(3) as u128,
            (None, _) => rng.below(1_000_000) as u128 * (NEAR / 1_000_000),
        };
        let storage_before = b.vm.storage_usage();
        let tx = b.call(sender, "request_execution", args.as_bytes(), attach(m, deposit), gas);
        let accepted = required.is_some_and(|r| deposit >= r) && gas == CLI_GAS;
        if !accepted {
            assert!(matches!(tx.status, Status::Failure(_)), "refused: {:?}", tx.status);
            assert_eq!(tx.refunded_to(sender), deposit);
            assert!(tx.logs.is_empty());
            return format!("refused request by {sender}: {}", tx.status.failure());
        }
        assert_eq!(tx.status, Status::Waiting);
        let id = request_id_of(&tx);
        assert_eq!(id, m.next_id);
        assert_eq!(
            required.unwrap(),
            m.prices.estimate(&limits) + (b.vm.storage_usage() - storage_before) as u128 * STORAGE_PRICE
        );
        m.next_id += 1;
        let p = Pending {
            sender,
            payment: deposit,
            prices: m.prices,
            limits,
            data_id: data_id_of(&tx),
            timestamp: timestamp_of(&tx),
            created_height: b.vm.block_height(),
            storage: b.vm.storage_usage() - storage_before,
            has_output: false,
            tx,
        };
        m.pending.insert(id, p);
        format!("request {id}")
    }

    /// A pending id (usually) or one that is not pending.
    fn target(m: &Model, rng: &mut Rng) -> u64 {
        if !m.pending.is_empty() && rng.chance(85) {
            *m.pending.keys().nth(rng.below(m.pending.len() as u64) as usize).unwrap()
        } else {
            rng.below(m.next_id + 2)
        }
    }

    fn random_output(rng: &mut Rng, max: usize) -> (String, usize) {
        let n = rng.below(max as u64 + 1) as usize;
        match rng.below(3) {
            0 => (text_output(&"t".repeat(n)), n),
            1 => (format!(r#"{{"Json": "{}"}}"#, "j".repeat(n.saturating_sub(2))), n.max(2)),
            _ => (bytes_output(&some_bytes(n)), n),
        }
    }

    fn step_resolve(b: &mut VmBackend, m: &mut Model, rng: &mut Rng) -> String {
        let id = target(m, rng);
        let success = rng.chance(70);
        let limits = m.pending.get(&id).map_or(Limits::CAP, |p| p.limits);
        let used = Used::new(
            rng.edgy(limits.instructions),
            rng.edgy(limits.seconds * 1000),
            if rng.chance(30) { None } else { Some(rng.edgy(limits.memory_mb)) },
        );
        let has_output = m.pending.get(&id).is_some_and(|p| p.has_output);
        let (output, inline) =
            if has_output || rng.chance(30) { ("null".to_string(), false) } else { (random_output(rng, 900).0, true) };
        let error = if success || rng.chance(20) {
            "null".to_string()
        } else {
            json_str(&"e".repeat(rng.below(3000) as usize))
        };
        let who = if rng.chance(95) { OPERATOR } else { OTHER };
        let tx = b.call(
            who,
            "resolve_execution",
            response_args(id, success, &output, &error, &used).as_bytes(),
            attach(m, 0),
            CLI_GAS,
        );
        if who != OPERATOR || !m.pending.contains_key(&id) {
            assert!(matches!(tx.status, Status::Failure(_)), "{:?}", tx.status);
            return format!("refused resolve {id}");
        }
        assert_eq!(tx.status, Status::Success(None), "resolve {id}");
        let p = m.pending.remove(&id).unwrap();
        let kept = if success { p.prices.charge(&p.limits, p.payment, &used) } else { p.prices.base.min(p.payment) };
        let done = b.settle(&p.tx);
        assert_eq!(done.refunded_to(p.sender), p.payment - kept, "refund of {id}");
        assert_eq!(done.status.is_success(), success);
        if success && !inline && !has_output {
            assert_eq!(done.status, Status::Success(None));
        }
        m.fees += kept;
        m.executions += 1;
        format!("resolve {id} success={success}")
    }

    fn step_submit(b: &mut VmBackend, m: &mut Model, rng: &mut Rng) -> String {
        let id = target(m, rng);
        let (output, len) = if rng.chance(3) {
            (text_output(&"t".repeat(CAP_OUTPUT + 1)), CAP_OUTPUT + 1)
        } else {
            random_output(rng, 12_000)
        };
        let tx = b.call(
            OPERATOR,
            "submit_execution_output",
            format!(r#"{{"request_id": {id}, "output": {output}}}"#).as_bytes(),
            attach(m, 0),
            CLI_GAS,
        );
        let fits = |p: &Pending| (p.storage as u128 + len as u128 + 50) * STORAGE_PRICE <= p.payment;
        let accepted = len <= CAP_OUTPUT && m.pending.get(&id).is_some_and(|p| !p.has_output && fits(p));
        assert_eq!(tx.status.is_success(), accepted, "submit {len} bytes to {id}: {:?}", tx.status);
        assert!(tx.transfers.is_empty());
        if accepted {
            m.pending.get_mut(&id).unwrap().has_output = true;
        }
        format!("submit {len} bytes to {id}: {accepted}")
    }

    /// Lets blocks pass; the requests whose yields expire are refunded in full.
    fn step_blocks(b: &mut VmBackend, m: &mut Model, rng: &mut Rng) -> String {
        let n = if rng.chance(20) { b.yield_timeout_blocks() + 1 } else { rng.below(60) + 1 };
        b.skip_blocks(n);
        let height = b.vm.block_height();
        let expired: Vec<u64> = m
            .pending
            .iter()
            .filter(|(_, p)| p.created_height + b.yield_timeout_blocks() < height)
            .map(|(id, _)| *id)
            .collect();
        for id in &expired {
            let p = m.pending.remove(id).unwrap();
            let done = b.settle(&p.tx);
            assert_fails_with(&done.status, "timed out");
            assert_eq!(done.refunded_to(p.sender), p.payment);
        }
        format!("{n} blocks, {} timed out", expired.len())
    }

    fn step_timeout_all(b: &mut VmBackend, m: &mut Model) {
        b.skip_blocks(b.yield_timeout_blocks() + 1);
        for (_, p) in std::mem::take(&mut m.pending) {
            let done = b.settle(&p.tx);
            assert_fails_with(&done.status, "timed out");
            assert_eq!(done.refunded_to(p.sender), p.payment);
        }
    }

    fn step_stale_cancel(b: &mut VmBackend, m: &mut Model, rng: &mut Rng) -> String {
        let id = target(m, rng);
        if let Some(p) = m.pending.get(&id) {
            if rng.chance(60) {
                let to = (p.timestamp + STALE_NS + rng.below(3) - 1).max(b.vm.block_timestamp());
                jump_clock(b, to);
            }
        }
        let who = match m.pending.get(&id) {
            Some(p) if rng.chance(80) => p.sender,
            _ => *rng.pick(&SENDERS),
        };
        let now = b.vm.block_timestamp();
        let tx = b.call(who, "cancel_stale_execution", id_args(id).as_bytes(), attach(m, 0), CLI_GAS);
        let accepted = m.pending.get(&id).is_some_and(|p| p.sender == who && now >= p.timestamp + STALE_NS);
        assert_eq!(tx.status.is_success(), accepted, "cancel {id} by {who}: {:?}", tx.status);
        if accepted {
            let p = m.pending.remove(&id).unwrap();
            assert_eq!(tx.transfers, vec![(p.sender.to_string(), p.payment)]);
        }
        format!("stale cancel {id} by {who}: {accepted}")
    }

    fn step_emergency_cancel(b: &mut VmBackend, m: &mut Model, rng: &mut Rng) -> String {
        let id = target(m, rng);
        let who = if rng.chance(80) { OWNER } else { OPERATOR };
        let tip = rng.below(2) as u128;
        let tx = b.call(who, "emergency_cancel_execution", id_args(id).as_bytes(), attach(m, tip), CLI_GAS);
        let accepted = who == OWNER && m.pending.contains_key(&id);
        assert_eq!(tx.status.is_success(), accepted, "{:?}", tx.status);
        if accepted {
            m.tips += tip;
            let p = m.pending.remove(&id).unwrap();
            assert_eq!(tx.refunded_to(p.sender), p.payment);
        }
        format!("emergency cancel {id} by {who}: {accepted}")
    }

    fn step_pricing(b: &mut VmBackend, m: &mut Model, rng: &mut Rng) -> String {
        let mut p = m.prices;
        let mut args = json!({});
        for (name, slot) in [
            ("base_fee", &mut p.base),
            ("per_instruction_fee", &mut p.per_minstr),
            ("per_mb_fee", &mut p.per_mb),
            ("per_second_fee", &mut p.per_sec),
        ] {
            if rng.chance(50) {
                let v = match rng.below(10) {
                    0 => 0,
                    1 => u128::MAX / rng.below(2000).max(1) as u128, // usually overflows
                    _ => rng.below(1 << 40) as u128 * rng.below(1 << 40) as u128,
                };
                *slot = v;
                args[name] = json!(v.to_string());
            }
        }
        let tip = rng.below(2) as u128;
        let tx = b.call(OWNER, "set_pricing", args.to_string().as_bytes(), attach(m, tip), CLI_GAS);
        // Prices the contract accepts but whose requests would cost more than a
        // million NEAR are put back at once, to keep the model's sums in u128.
        let accepted = p.checked_max_estimate().is_some_and(|e| e <= NEAR * 1_000_000);
        if p.checked_max_estimate().is_some() {
            assert!(tx.status.is_success(), "{args}: {:?}", tx.status);
        } else {
            assert_fails_with(&tx.status, "pricing too large");
        }
        if tx.status.is_success() {
            m.tips += tip;
            m.prices = p;
            if !accepted {
                // Keep the money model in u128: restore prices that requests can pay.
                ok(b, OWNER, "set_pricing", &Prices::DEFAULT.json().to_string(), 0);
                m.prices = Prices::DEFAULT;
            }
        }
        format!("set_pricing {args}: {}", tx.status.is_success())
    }

    fn step_pause(b: &mut VmBackend, m: &mut Model, rng: &mut Rng) -> String {
        // Mostly unpaused: a paused contract refuses every request.
        let paused = if m.paused { rng.chance(10) } else { rng.chance(15) };
        let who = if rng.chance(85) { OWNER } else { USER };
        let tip = rng.below(2) as u128;
        let tx = b.call(who, "set_paused", json!({"paused": paused}).to_string().as_bytes(), attach(m, tip), CLI_GAS);
        assert_eq!(tx.status.is_success(), who == OWNER);
        if who == OWNER {
            m.tips += tip;
            m.paused = paused;
        }
        format!("set_paused {paused} by {who}")
    }
}
