//! Storage keys, argument builders and outcome readers for `Env`.

use super::{CLI_GAS, CONTRACT};
use crate::common::spec::*;
#[allow(unused_imports)] // for the tests that print gas
pub use crate::common::vm::tgas;
use crate::common::vm::{FinalResult, Outcome, TGAS};
use serde_json::{json, Value};

pub fn request_key(id: u64) -> Vec<u8> {
    let mut k = vec![b'r'];
    k.extend_from_slice(&id.to_le_bytes());
    k
}

pub fn output_key(id: u64) -> Vec<u8> {
    let mut k = vec![b'o'];
    k.extend_from_slice(&id.to_le_bytes());
    k
}

pub fn le_u64(b: &[u8]) -> u64 {
    u64::from_le_bytes(b.try_into().unwrap())
}

pub fn le_u128(b: &[u8]) -> u128 {
    u128::from_le_bytes(b.try_into().unwrap())
}

/// The NEP-297 events among `logs`; every log the contract writes must be one, and fit NEAR's
/// log limit.
pub fn events(logs: &[String], name: &str) -> Vec<Value> {
    logs.iter()
        .map(|l| {
            assert!(l.len() < LOG_LIMIT, "a log of {} bytes", l.len());
            let e = l.strip_prefix("EVENT_JSON:").unwrap_or_else(|| panic!("a log that is not an event: {l}"));
            let v: Value = serde_json::from_str(e).unwrap_or_else(|err| panic!("event is not JSON ({err}): {e}"));
            assert_eq!(v["standard"], "near-offshore");
            assert_eq!(v["version"], "1.0.0");
            v
        })
        .filter(|v| v["event"] == name)
        .collect()
}

/// Everything the contract sent to `account` in `o` and the receipts it spawned: transfers, and
/// deposits given back because a call failed.
pub fn credited_to(o: &Outcome, account: &str) -> u128 {
    let own: u128 = o.transfers.iter().filter(|(to, _)| to == account).map(|(_, a)| a).sum();
    let refund = o.refund.as_ref().filter(|(to, _)| to == account).map_or(0, |(_, a)| *a);
    own + refund + o.spawned.iter().map(|s| credited_to(s, account)).sum::<u128>()
}

/// The message of a failed final result.
pub fn failure(r: &FinalResult) -> &str {
    match r {
        FinalResult::Failure(m) => m,
        other => panic!("expected a failure, got {other:?}"),
    }
}

/// A failed call is clean when it is a short contract panic, or one of the host errors the test
/// provoked on purpose. Returns the kind, for the tally.
pub fn clean_failure(msg: &str, method: &str, predecessor: &str, gas: u64, args_len: usize) -> &'static str {
    if let Some(m) = msg.strip_prefix("Smart contract panicked: ") {
        if method == "fail_execution" && predecessor == CONTRACT {
            return "panic (fail_execution called by the contract itself)";
        }
        assert!(msg.len() < 300, "{method}: a failure message of {} bytes: {msg}", msg.len());
        assert!(!m.is_empty(), "{method}: an empty failure message");
        return "contract panic";
    }
    if msg == "Exceeded the prepaid gas." {
        assert!(
            gas < CLI_GAS || args_len > 100_000,
            "{method} ran out of {} Tgas with {args_len} bytes of arguments",
            gas / TGAS
        );
        return "out of gas (tiny prepaid gas)";
    }
    if msg.starts_with("LackBalanceForState") {
        return "LackBalanceForState";
    }
    if method == "fail_execution" && predecessor == CONTRACT {
        // fail_execution only ever panics; called by the contract account itself with arguments
        // that are not UTF-8 the host refuses the panic message instead.
        return "host error (fail_execution called by the contract itself)";
    }
    panic!("{method} (from {predecessor}) failed uncleanly: {msg}")
}

pub fn resolve_args(
    id: u64,
    success: bool,
    output: Option<&Output>,
    error: Option<&str>,
    used: (u64, u64, Option<u64>),
) -> Vec<u8> {
    let ru = resources_used(used);
    let v = json!({"request_id": id, "response": {"success": success, "output": output.map(Output::json), "error": error, "resources_used": ru}});
    serde_json::to_vec(&v).unwrap()
}

pub fn submit_args(id: u64, output: &Output) -> Vec<u8> {
    serde_json::to_vec(&json!({"request_id": id, "output": output.json()})).unwrap()
}

/// `resources_used` as an operator sends it (`memory_mb` only when reported).
fn resources_used(used: (u64, u64, Option<u64>)) -> Value {
    let mut ru = json!({"instructions": used.0, "time_ms": used.1});
    if let Some(m) = used.2 {
        ru["memory_mb"] = json!(m);
    }
    ru
}

pub fn submit_and_resolve_args(
    id: u64,
    output: &Output,
    success: bool,
    error: Option<&str>,
    used: (u64, u64, Option<u64>),
) -> Vec<u8> {
    let ru = resources_used(used);
    let v =
        json!({"request_id": id, "output": output.json(), "success": success, "error": error, "resources_used": ru});
    serde_json::to_vec(&v).unwrap()
}

pub fn id_args(id: u64) -> Vec<u8> {
    format!(r#"{{"request_id": {id}}}"#).into_bytes()
}

/// The payload `resolve_execution` resumes the yield with (README "State layout"), built here

pub fn text(s: &str) -> Output {
    Output::Text(s.into())
}

pub fn must_fail(o: &Outcome, needle: &str) {
    match &o.result {
        Err(m) => assert!(m.contains(needle), "expected a failure containing {needle:?}, got {m:?}"),
        Ok(v) => panic!("expected a failure containing {needle:?}, got success {v:?}"),
    }
}

/// The caller's successful result, parsed.
pub fn returned(cb: &Outcome) -> Value {
    match &cb.final_result {
        FinalResult::Success(Some(v)) => json_of(v),
        r => panic!("expected a returned value, got {r:?}"),
    }
}
