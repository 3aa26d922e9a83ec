//! Calls through `Backend` and the checks every scenario makes of their outcomes.

use super::prelude::*;

pub use crate::common::accounts::{KEYSTORE, NEW_OPERATOR, OPERATOR, OTHER, OWNER, USER};

/// SPEC.md's cost of this usage at the default prices.
pub fn cost(instructions: u64, memory_mb: u64, time_ms: u64) -> u128 {
    Prices::DEFAULT.cost(instructions, memory_mb, time_ms)
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

/// The deposit SPEC.md requires for a request with these arguments from `sender` at `prices`
/// (the estimate plus the storage staking of the record README "State layout" describes).
/// Checks that one yocto less is refused with exactly that amount, and changes nothing.
pub fn required_deposit<B: Backend>(b: &mut B, prices: &Prices, sender: &str, args: &str) -> u128 {
    let required = Request::parse(args).required(prices, sender).expect("the deposit fits a u128");
    let needle = format!("deposit too small: attach at least {required} yoctoNEAR");
    refused(b, sender, "request_execution", args, required - 1, &needle);
    required
}
