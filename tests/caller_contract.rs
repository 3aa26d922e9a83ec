//! A contract calling OffchainVM (`tests/caller/`): it attaches a deposit to
//! `request_execution`, chains `.then` to its own callback and records what that callback
//! receives. It must get exactly what a near-cli caller gets, for every outcome, with refunds
//! landing at the calling contract, at the least gas `request_execution` accepts.

mod common;

use base64::Engine;
use common::caller::*;
use common::vm::{tgas, CallArgs, Fault, FinalResult, NEAR, TGAS};

const SEED: &str = common::seed::SEED_REQUEST;
const OUTPUT_CAP: usize = 32_768;

fn response(id: u64, success: bool, output: &str) -> String {
    format!(
        r#"{{"request_id":{id},"response":{{"success":{success},"output":{output},"error":{},"resources_used":{{"instructions":1,"time_ms":1}}}}}}"#,
        if success { "null" } else { r#""boom""# }
    )
}

fn bytes_json(b: &[u8]) -> String {
    let items: Vec<String> = b.iter().map(u8::to_string).collect();
    format!(r#"{{"Bytes":[{}]}}"#, items.join(","))
}

fn some_bytes(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 7 + 3) as u8).collect()
}

/// What a near-cli caller's transaction ends with for the same response: the oracle is the
/// spec's encoding (Text a JSON string, Json the value, Bytes a base64 string).
fn expected(kind: &str, body: &[u8]) -> Vec<u8> {
    match kind {
        "Text" => [b"\"".as_slice(), body, b"\""].concat(),
        "Json" => body.to_vec(),
        _ => format!("\"{}\"", base64::engine::general_purpose::STANDARD.encode(body)).into_bytes(),
    }
}

/// One request through the caller, resolved with `output` (submitted first when `stored`),
/// with `gas_request` attached to `request_execution`. Returns the record and what came back
/// to the caller contract.
fn flow(d: &mut Dapp, output: &str, stored: bool, deposit: u128, gas_request: u64) -> (Option<Vec<u8>>, u128) {
    let before = d.vm.balance(CALLER);
    let req = d.request(SEED, deposit, gas_request, 30 * TGAS);
    let mut inner = Vec::new();
    find(&req, "request_execution", &mut inner);
    assert_eq!(d.vm.final_result(inner[0]), FinalResult::AwaitingYield(req_yield(&req)), "waits on the yield");
    assert_eq!(d.vm.final_result(&req), FinalResult::Pending, "the caller's callback waits on it");
    let id = Dapp::last_request_id(&req);
    if stored {
        let submit = d.operator("submit_execution_output", &format!(r#"{{"request_id":{id},"output":{output}}}"#));
        assert_eq!(submit.result, Ok(None), "submit");
        assert_eq!(d.operator("resolve_execution", &response(id, true, "null")).result, Ok(None));
    } else {
        assert_eq!(d.operator("resolve_execution", &response(id, true, output)).result, Ok(None));
    }
    let records = d.new_records();
    assert_eq!(records.len(), 1, "one result recorded");
    let done = d.vm.final_result(&req);
    assert!(!matches!(done, FinalResult::Pending | FinalResult::AwaitingYield(_)), "{done:?}");
    let back = d.vm.balance(CALLER) + deposit - before;
    (records[0].clone(), back)
}

/// Compares a record with what was expected without printing 40 KB on a mismatch.
fn assert_same(record: &Option<Vec<u8>>, want: &[u8], what: &str) {
    match record {
        Some(got) => assert!(
            got == want,
            "{what}: got {} bytes starting {:?}, want {} bytes starting {:?}",
            got.len(),
            String::from_utf8_lossy(&got[..got.len().min(60)]),
            want.len(),
            String::from_utf8_lossy(&want[..want.len().min(60)])
        ),
        None => panic!("{what}: the caller's callback got a failed promise"),
    }
}

fn req_yield(req: &common::vm::Outcome) -> [u8; 32] {
    let mut found = Vec::new();
    find(req, "request_execution", &mut found);
    found[0].yields_created[0]
}

#[test]
fn outputs_reach_the_calling_contract_as_a_cli_caller_gets_them() {
    let mut d = Dapp::new();
    let big_text = "t".repeat(OUTPUT_CAP - 2);
    let big_bytes = some_bytes(OUTPUT_CAP);
    let cases: Vec<(String, bool, Vec<u8>)> = vec![
        (r#"{"Text":"Hello, NEAR!"}"#.into(), false, expected("Text", b"Hello, NEAR!")),
        (r#"{"Json":{"a":[1,2,{"b":null}]}}"#.into(), false, expected("Json", br#"{"a":[1,2,{"b":null}]}"#)),
        (bytes_json(&[0, 1, 254, 255]), false, expected("Bytes", &[0, 1, 254, 255])),
        (format!(r#"{{"Text":"{big_text}"}}"#), true, expected("Text", big_text.as_bytes())),
        (bytes_json(&big_bytes), true, expected("Bytes", &big_bytes)),
    ];
    for (output, stored, want) in cases {
        let (record, back) = flow(&mut d, &output, stored, NEAR, GAS_LOTS);
        assert_same(&record, &want, "the caller's callback got the output");
        assert_eq!(back, NEAR - FEE, "the refund reached the calling contract");
    }
}

#[test]
fn failures_reach_the_calling_contract_as_failed_promises() {
    let mut d = Dapp::new();
    // Execution failed: the base fee is kept, the rest comes back to the caller.
    let before = d.vm.balance(CALLER);
    let req = d.request(SEED, DEPOSIT, GAS_LOTS, 30 * TGAS);
    let id = Dapp::last_request_id(&req);
    assert_eq!(d.operator("resolve_execution", &response(id, false, "null")).result, Ok(None));
    assert_eq!(d.new_records(), vec![None]);
    assert_eq!(d.vm.balance(CALLER), before - FEE);

    // Timeout: a full refund.
    let before = d.vm.balance(CALLER);
    d.request(SEED, DEPOSIT, GAS_LOTS, 30 * TGAS);
    let timeout = d.vm.yield_timeout_blocks();
    d.vm.advance_blocks(timeout + 1);
    assert_eq!(d.new_records(), vec![None]);
    assert_eq!(d.vm.balance(CALLER), before);

    // The owner cancels: a full refund now; the timeout later pays nothing more.
    let before = d.vm.balance(CALLER);
    let req = d.request(SEED, DEPOSIT, GAS_LOTS, 30 * TGAS);
    let id = Dapp::last_request_id(&req);
    let cancel = d.vm.call(CallArgs::call(OWNER, "emergency_cancel_execution", format!(r#"{{"request_id":{id}}}"#)));
    assert_eq!(cancel.transfers, vec![(CALLER.to_string(), DEPOSIT)]);
    d.vm.advance_blocks(timeout + 1);
    assert_eq!(d.new_records(), vec![None], "the caller learns it ended");
    assert_eq!(d.vm.balance(CALLER), before, "refunded exactly once");
}

/// The calling contract is the sender: it may cancel its own request after 10 minutes (here
/// the chain's blocks come slowly, so the yield has not timed out yet).
#[test]
fn the_calling_contract_cancels_its_own_stale_request() {
    let mut d = Dapp::new();
    let before = d.vm.balance(CALLER);
    let req = d.request(SEED, DEPOSIT, GAS_LOTS, 30 * TGAS);
    let id = Dapp::last_request_id(&req);
    let args = format!(r#"{{"request_id":{id}}}"#);
    let user_try = d.vm.call(CallArgs::call(USER, "cancel_stale_execution", args.clone()));
    assert!(user_try.result.unwrap_err().contains("sender only"));
    let (h, t) = (d.vm.block_height(), d.vm.block_timestamp());
    d.vm.set_block(h, t + STALE_NS);
    let cancel = d.forward("cancel_stale_execution", &args);
    assert_eq!(d.vm.final_result(&cancel), FinalResult::Success(None));
    assert_eq!(d.vm.balance(CALLER), before, "full refund to the calling contract");
    d.vm.advance_blocks(d.vm.yield_timeout_blocks() + 1);
    assert_eq!(d.new_records(), vec![None]);
    assert_eq!(d.vm.balance(CALLER), before, "the late timeout pays nothing");
}

/// The least gas `request_execution` accepts from a contract, found by search.
fn least_gas_accepted(d: &mut Dapp) -> u64 {
    let (mut lo, mut hi) = (TGAS, 100 * TGAS);
    while hi - lo > TGAS / 1000 {
        let mid = (lo + hi) / 2;
        let before = d.vm.pending_yields().len();
        let req = d.request(SEED, NEAR, mid, 30 * TGAS);
        let mut found = Vec::new();
        find(&req, "request_execution", &mut found);
        let accepted = found[0].result.is_ok();
        if accepted {
            assert_eq!(d.vm.pending_yields().len(), before + 1);
            let id = Dapp::last_request_id(&req);
            d.vm.call(CallArgs::call(OWNER, "emergency_cancel_execution", format!(r#"{{"request_id":{id}}}"#)));
            hi = mid;
        } else {
            assert!(found[0].result.as_ref().unwrap_err().contains("not enough gas"));
            lo = mid;
        }
    }
    d.vm.advance_blocks(d.vm.yield_timeout_blocks() + 1);
    d.new_records();
    hi
}

/// At the least gas accepted, every output kind and size reaches the caller, the refund
/// commits, and nothing is left stored, also with pessimistic trie-node charges.
#[test]
fn the_least_gas_accepted_carries_every_output_to_a_calling_contract() {
    for trie_depth in [0, 20] {
        let mut d = Dapp::new();
        d.vm.set_trie_depth(trie_depth);
        let least = least_gas_accepted(&mut d);
        println!(
            "trie depth {trie_depth}: least gas request_execution accepts from a contract: {:.3} Tgas",
            tgas(least)
        );
        let inline_max = some_bytes(992);
        let big_bytes = some_bytes(OUTPUT_CAP);
        let cases: Vec<(String, bool, Vec<u8>)> = vec![
            (bytes_json(&inline_max), false, expected("Bytes", &inline_max)),
            (format!(r#"{{"Text":"{}"}}"#, "x".repeat(992 - 2)), false, expected("Text", "x".repeat(990).as_bytes())),
            (bytes_json(&big_bytes), true, expected("Bytes", &big_bytes)),
            (format!(r#"{{"Json":[{}1]}}"#, "1,".repeat(OUTPUT_CAP / 2 - 8)), true, {
                format!("[{}1]", "1,".repeat(OUTPUT_CAP / 2 - 8)).into_bytes()
            }),
        ];
        for (output, stored, want) in cases {
            let storage_before = d.vm.storage_entries().len();
            let (record, back) = flow(&mut d, &output, stored, NEAR, least);
            assert_same(&record, &want, &format!("depth {trie_depth}: output delivered"));
            assert_eq!(back, NEAR - FEE, "depth {trie_depth}: refund committed");
            assert_eq!(d.vm.storage_entries().len(), storage_before, "depth {trie_depth}: nothing left stored");
        }
    }
}

/// A caller that chains more receipts on the result than the reserve was sized for makes only
/// the output's own receipt fail: the refund and clean-up of the callback stay committed.
#[test]
fn a_failing_output_receipt_never_undoes_the_refund() {
    let mut d = Dapp::new();
    d.vm.inject_fault(OFFCHAINVM, "return_output", Fault::OutOfGas);
    let big = some_bytes(OUTPUT_CAP);
    let (record, back) = flow(&mut d, &bytes_json(&big), true, NEAR, GAS_LOTS);
    assert!(record.is_none(), "the caller learns the output was lost");
    assert_eq!(back, NEAR - FEE, "the refund committed anyway");
    let stats = d.vm.call(CallArgs::view("get_stats", ""));
    let stats: serde_json::Value = serde_json::from_slice(&stats.result.unwrap().unwrap()).unwrap();
    assert_eq!(stats["total_executions"], 1);
}
