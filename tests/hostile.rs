//! Hostile tests, on the real optimized wasm run by nearcore's own VM (`common::vm`, real gas):
//!
//! * a seeded fuzzer (`fuzz_seed_*`) that calls every exported method in random order with
//!   valid and mutated arguments, random deposits, predecessors and prepaid gas, interleaved
//!   with block advances (past the yield timeout too) and time jumps, and after every call
//!   checks the outcome against the spec and the money invariant against an independent model;
//! * one named test per NEAR pitfall (`pitfall_*`).
//!
//! `cargo test --test hostile -- --nocapture` prints the fuzz figures (calls, invariant checks,
//! time). The model here is written from SPEC.md, not from the contract's code: prices, charges,
//! storage staking and event shapes are recomputed independently.

mod common;

use base64::Engine as _;
use common::scenarios::base58;
use common::vm::{contract_wasm, CallArgs, FinalResult, Outcome, Vm, YieldId, NEAR, TGAS};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

// ---------------------------------------------------------------------------------------------
// Constants of the spec and of NEAR
// ---------------------------------------------------------------------------------------------

const CONTRACT: &str = "offchainvm.testnet";
const OWNER: &str = "owner.testnet";
const OPERATOR: &str = "operator.testnet";
const USER: &str = "user.testnet";
const OTHER: &str = "other.testnet";
/// The five predecessors of the fuzz.
const ACTORS: [&str; 5] = [USER, OTHER, OWNER, OPERATOR, CONTRACT];
/// An implicit account (64 hex characters): a refund to it prepays account creation.
const IMPLICIT: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/// Whether the fuzz also sends requests from an implicit account. Off until the callback's
/// reserved gas covers a refund to one (`bug_callback_gas_too_small_for_a_refund_to_an_implicit_account`):
/// with a tight prepaid gas such a request's callback runs out of gas.
const FUZZ_IMPLICIT_SENDERS: bool = true;

/// near-cli's default prepaid gas.
const CLI_GAS: u64 = 30 * TGAS;
const MAX_GAS: u64 = 300 * TGAS;
/// NEAR's storage staking price per byte, and the bytes it adds to every record.
const PER_BYTE: u128 = 10_000_000_000_000_000_000;
const RECORD_EXTRA: usize = 40;
const STALE_NS: u64 = 600 * 1_000_000_000;
const YIELD_PAYLOAD_LIMIT: usize = 1024;
const LOG_LIMIT: usize = 16_384;

const CAP_INSTRUCTIONS: u64 = 100_000_000_000;
const CAP_MEMORY_MB: u64 = 1024;
const CAP_SECONDS: u64 = 60;
const CAP_REPO: usize = 512;
const CAP_COMMIT: usize = 128;
const CAP_BUILD_TARGET: usize = 64;
const CAP_INPUT: usize = 4096;
const CAP_SECRETS: usize = 1024;
const CAP_OUTPUT: usize = 32768;

/// Views are not payable, so by SPEC.md ("Every method that is not payable rejects any other
/// attached deposit") they must refuse a deposit (`views_refuse_deposits`; the contract kept it
/// before ee34974). `false` keeps deposits off views in the fuzz.
const VIEWS_REFUSE_DEPOSITS: bool = true;

const VIEWS: [&str; 11] = [
    "get_request",
    "get_stats",
    "get_pricing",
    "get_config",
    "get_keystore_pubkey",
    "estimate_execution_cost",
    "get_max_limits",
    "is_paused",
    "get_pending_output",
    "has_pending_output",
    "contract_source_metadata",
];
const ADMIN: [&str; 7] = [
    "set_operator",
    "set_owner",
    "set_paused",
    "set_pricing",
    "set_keystore_account",
    "set_keystore_pubkey",
    "emergency_cancel_execution",
];

// ---------------------------------------------------------------------------------------------
// Pricing, recomputed from SPEC.md
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Pricing {
    base: u128,
    per_minstr: u128,
    per_mb: u128,
    per_sec: u128,
}

const DEFAULT_PRICING: Pricing =
    Pricing { base: NEAR / 100, per_minstr: NEAR / 1_000_000, per_mb: NEAR / 10_000, per_sec: NEAR / 1000 };

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Limits {
    instructions: u64,
    memory_mb: u64,
    seconds: u64,
}

const DEFAULT_LIMITS: Limits = Limits { instructions: 1_000_000_000, memory_mb: 128, seconds: 60 };
const CAP_LIMITS: Limits = Limits { instructions: CAP_INSTRUCTIONS, memory_mb: CAP_MEMORY_MB, seconds: CAP_SECONDS };

/// ceil(fee × n / d), exactly: fee × n / d = (fee / d) × n + (fee % d) × n / d.
fn mul_div_ceil(fee: u128, n: u64, d: u128) -> Option<u128> {
    let (q, r) = (fee / d, fee % d);
    q.checked_mul(n as u128)?.checked_add((r * n as u128).div_ceil(d))
}

impl Pricing {
    fn cost(&self, instructions: u64, memory_mb: u64, time_ms: u64) -> Option<u128> {
        self.base
            .checked_add(mul_div_ceil(self.per_minstr, instructions, 1_000_000)?)?
            .checked_add(self.per_mb.checked_mul(memory_mb as u128)?)?
            .checked_add(mul_div_ceil(self.per_sec, time_ms, 1000)?)
    }

    fn estimate(&self, l: &Limits) -> Option<u128> {
        self.cost(l.instructions, l.memory_mb, l.seconds * 1000)
    }

    /// SPEC.md: usage above a limit counts as the limit, no memory report counts as the
    /// requested maximum, never more than the payment.
    fn charge(&self, l: &Limits, payment: u128, instructions: u64, time_ms: u64, memory_mb: Option<u64>) -> u128 {
        let memory = memory_mb.unwrap_or(l.memory_mb).min(l.memory_mb);
        let cost = self.cost(instructions.min(l.instructions), memory, time_ms.min(l.seconds * 1000));
        cost.unwrap_or(u128::MAX).min(payment)
    }

    fn of_view(v: &Value) -> Pricing {
        let f = |k: &str| v[k].as_str().unwrap_or_else(|| panic!("get_pricing.{k}: {v}")).parse::<u128>().unwrap();
        Pricing {
            base: f("base_fee"),
            per_minstr: f("per_instruction_fee"),
            per_mb: f("per_mb_fee"),
            per_sec: f("per_second_fee"),
        }
    }
}

fn storage_cost(bytes: usize) -> u128 {
    bytes as u128 * PER_BYTE
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

/// SplitMix64: small, seedable, good enough for fuzzing.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn upto(&mut self, n: usize) -> usize {
        self.below(n as u64 + 1) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
    fn bytes_upto(&mut self, n: usize) -> Vec<u8> {
        let n = self.upto(n);
        self.bytes(n)
    }
}

fn request_key(id: u64) -> Vec<u8> {
    let mut k = vec![b'r'];
    k.extend_from_slice(&id.to_le_bytes());
    k
}

fn output_key(id: u64) -> Vec<u8> {
    let mut k = vec![b'o'];
    k.extend_from_slice(&id.to_le_bytes());
    k
}

fn le_u64(b: &[u8]) -> u64 {
    u64::from_le_bytes(b.try_into().unwrap())
}

fn le_u128(b: &[u8]) -> u128 {
    u128::from_le_bytes(b.try_into().unwrap())
}

/// Bytes of `s` in its JSON-escaped form as serde_json writes it (what the contract's caps count).
fn raw_len(s: &str) -> usize {
    serde_json::to_string(s).unwrap().len() - 2
}

fn json_of(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(bytes)))
}

fn base64(b: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(b)
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The NEP-297 events among `logs`; every log the contract writes must be one, and fit NEAR's
/// log limit.
fn events(logs: &[String], name: &str) -> Vec<Value> {
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
fn credited_to(o: &Outcome, account: &str) -> u128 {
    let own: u128 = o.transfers.iter().filter(|(to, _)| to == account).map(|(_, a)| a).sum();
    let refund = o.refund.as_ref().filter(|(to, _)| to == account).map_or(0, |(_, a)| *a);
    own + refund + o.spawned.iter().map(|s| credited_to(s, account)).sum::<u128>()
}

/// The message of a failed final result.
fn failure(r: &FinalResult) -> &str {
    match r {
        FinalResult::Failure(m) => m,
        other => panic!("expected a failure, got {other:?}"),
    }
}

/// A failed call is clean when it is a short contract panic, or one of the host errors the test
/// provoked on purpose. Returns the kind, for the tally.
fn clean_failure(msg: &str, method: &str, predecessor: &str, gas: u64, args_len: usize) -> &'static str {
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

// ---------------------------------------------------------------------------------------------
// Outputs and the arguments the tests send
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq)]
enum Out {
    Text(String),
    Json(Value),
    Bytes(Vec<u8>),
}

impl Out {
    fn json(&self) -> Value {
        match self {
            Out::Text(s) => json!({ "Text": s }),
            Out::Json(v) => json!({ "Json": v }),
            Out::Bytes(b) => json!({ "Bytes": b }),
        }
    }

    /// The bytes the contract carries in the yield payload or stores: the escaped text, the JSON
    /// as sent, the raw bytes.
    fn body_len(&self) -> usize {
        match self {
            Out::Text(s) => raw_len(s),
            Out::Json(v) => serde_json::to_vec(v).unwrap().len(),
            Out::Bytes(b) => b.len(),
        }
    }

    /// What the caller's final result must be (SPEC.md: Text as a JSON string, Json as the value,
    /// Bytes as a base64 string).
    fn returned(&self) -> Value {
        match self {
            Out::Text(s) => Value::String(s.clone()),
            Out::Json(v) => v.clone(),
            Out::Bytes(b) => Value::String(base64(b)),
        }
    }

    fn of_view(v: &Value) -> Out {
        let (k, x) = v.as_object().and_then(|o| o.iter().next()).unwrap_or_else(|| panic!("not an output: {v}"));
        match k.as_str() {
            "Text" => Out::Text(x.as_str().unwrap().into()),
            "Json" => Out::Json(x.clone()),
            "Bytes" => Out::Bytes(x.as_array().unwrap().iter().map(|b| b.as_u64().unwrap() as u8).collect()),
            _ => panic!("not an output: {v}"),
        }
    }
}

/// A `request_execution` call as built by the generator.
#[derive(Clone, Debug)]
struct RequestArgs {
    repo: String,
    commit: String,
    build_target: Option<String>,
    limits: Option<Limits>,
    input_data: Option<String>,
    secrets: Option<Vec<u8>>,
    format: Option<&'static str>,
}

impl RequestArgs {
    fn simple(limits: Limits) -> RequestArgs {
        RequestArgs {
            repo: "https://github.com/user/project".into(),
            commit: "abc123".into(),
            build_target: Some("wasm32-wasi".into()),
            limits: Some(limits),
            input_data: Some("{\"key\": \"value\"}".into()),
            secrets: None,
            format: None,
        }
    }

    fn json(&self) -> Value {
        let mut code = json!({"repo": self.repo, "commit": self.commit});
        if let Some(t) = &self.build_target {
            code["build_target"] = json!(t);
        }
        let mut v = json!({ "code_source": code });
        if let Some(l) = &self.limits {
            v["resource_limits"] = json!({"max_instructions": l.instructions, "max_memory_mb": l.memory_mb, "max_execution_seconds": l.seconds});
        }
        if let Some(d) = &self.input_data {
            v["input_data"] = json!(d);
        }
        v["encrypted_secrets"] = json!(self.secrets);
        if let Some(f) = self.format {
            v["response_format"] = json!(f);
        }
        v
    }

    fn bytes(&self) -> Vec<u8> {
        serde_json::to_vec(&self.json()).unwrap()
    }

    fn limits(&self) -> Limits {
        self.limits.unwrap_or(DEFAULT_LIMITS)
    }

    /// Within every cap of SPEC.md / get_max_limits.
    fn valid(&self) -> bool {
        let l = self.limits();
        !self.repo.is_empty()
            && !self.commit.is_empty()
            && raw_len(&self.repo) <= CAP_REPO
            && raw_len(&self.commit) <= CAP_COMMIT
            && self.build_target.as_deref().map_or(0, raw_len) <= CAP_BUILD_TARGET
            && self.input_data.as_deref().map_or(0, raw_len) <= CAP_INPUT
            && self.secrets.as_ref().map_or(0, Vec::len) <= CAP_SECRETS
            && l.instructions <= CAP_INSTRUCTIONS
            && l.memory_mb <= CAP_MEMORY_MB
            && l.seconds <= CAP_SECONDS
    }

    /// Bytes NEAR counts for the stored request: key + value + 40. The value is the record of
    /// README "State layout": 154 fixed bytes, then sender, repo, commit (u32 length + bytes),
    /// build_target, input_data, secrets (a tag byte, then u32 length + bytes when present).
    fn stored_bytes(&self, sender: &str) -> usize {
        let s = |len: usize| 4 + len;
        let o = |len: Option<usize>| 1 + len.map_or(0, s);
        let value = 154
            + s(sender.len())
            + s(raw_len(&self.repo))
            + s(raw_len(&self.commit))
            + o(self.build_target.as_deref().map(raw_len))
            + o(self.input_data.as_deref().map(raw_len))
            + o(self.secrets.as_ref().map(Vec::len));
        9 + value + RECORD_EXTRA
    }

    /// The deposit SPEC.md requires: the estimate plus the storage staking of the request.
    fn required(&self, pricing: &Pricing, sender: &str) -> Option<u128> {
        pricing.estimate(&self.limits())?.checked_add(storage_cost(self.stored_bytes(sender)))
    }
}

fn resolve_args(
    id: u64,
    success: bool,
    output: Option<&Out>,
    error: Option<&str>,
    used: (u64, u64, Option<u64>),
) -> Vec<u8> {
    let mut ru = json!({"instructions": used.0, "time_ms": used.1});
    if let Some(m) = used.2 {
        ru["memory_mb"] = json!(m);
    }
    let v = json!({"request_id": id, "response": {"success": success, "output": output.map(Out::json), "error": error, "resources_used": ru}});
    serde_json::to_vec(&v).unwrap()
}

fn submit_args(id: u64, output: &Out) -> Vec<u8> {
    serde_json::to_vec(&json!({"request_id": id, "output": output.json()})).unwrap()
}

fn id_args(id: u64) -> Vec<u8> {
    format!(r#"{{"request_id": {id}}}"#).into_bytes()
}

/// The payload `resolve_execution` resumes the yield with (README "State layout"), built here
/// independently so the callback can be handed valid, truncated and doctored payloads.
fn payload(
    id: u64,
    success: bool,
    used: (u64, u64, Option<u64>),
    output: Option<(u8, &[u8])>,
    error: Option<&[u8]>,
) -> Vec<u8> {
    let mut p = id.to_le_bytes().to_vec();
    p.push(success as u8);
    p.extend_from_slice(&used.0.to_le_bytes());
    p.extend_from_slice(&used.1.to_le_bytes());
    match used.2 {
        Some(m) => {
            p.push(1);
            p.extend_from_slice(&m.to_le_bytes());
        }
        None => p.push(0),
    }
    match output {
        Some((kind, body)) => {
            p.push(kind);
            p.extend_from_slice(&(body.len() as u32).to_le_bytes());
            p.extend_from_slice(body);
        }
        None => p.push(0xFF),
    }
    match error {
        Some(e) => {
            p.push(1);
            p.extend_from_slice(&(e.len() as u32).to_le_bytes());
            p.extend_from_slice(e);
        }
        None => p.push(0),
    }
    p
}

// ---------------------------------------------------------------------------------------------
// The environment: the VM, and a model of what the contract must hold
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
struct Req {
    sender: String,
    payment: u128,
    /// Prices in force when the request was made.
    pricing: Pricing,
    limits: Limits,
    data_id: YieldId,
    timestamp: u64,
    output: Option<Out>,
}

/// What the views showed at the last check that used them: pending requests (id, payment,
/// has output), fees, executions.
type Fingerprint = (Vec<(u64, u128, bool)>, u128, u64);

struct Env {
    vm: Vm,
    /// The contract's balance right after `new`.
    initial: u128,
    /// 1-yocto deposits kept by successful admin calls.
    tips: u128,
    /// Amounts the contract credited to its own account (refunds of requests it made itself,
    /// deposits of its own failed calls): the VM's ledger does not debit callers.
    self_credits: u128,
    /// Deposits kept by views called as transactions (must stay 0 once views refuse deposits).
    view_kept: u128,
    fees: u128,
    executions: u64,
    next_id: u64,
    live: BTreeMap<u64, Req>,
    by_yield: BTreeMap<YieldId, u64>,
    /// (charged, refunded) of every request that ended.
    ended: BTreeMap<u64, (u128, u128)>,
    pricing: Pricing,
    owner: String,
    operator: String,
    keystore: Option<String>,
    paused: bool,
    calls: u64,
    /// View calls (RPC `call_function`) the checks made.
    views: u64,
    checks: u64,
    /// Checks that read stats and payments through get_stats and get_request.
    view_checks: u64,
    last_viewed: Option<Fingerprint>,
    tally: BTreeMap<String, u64>,
}

impl Env {
    /// The contract deployed with `balance` and initialized as the seed README does.
    fn new(balance: u128) -> Env {
        let mut vm = Vm::new(CONTRACT, &contract_wasm(), balance);
        let init = vm.call(CallArgs::call(
            CONTRACT,
            "new",
            br#"{"owner_id": "owner.testnet", "operator_id": "operator.testnet"}"#.to_vec(),
        ));
        assert_eq!(init.result, Ok(None), "init");
        Env {
            initial: vm.balance(CONTRACT),
            vm,
            tips: 0,
            self_credits: 0,
            view_kept: 0,
            fees: 0,
            executions: 0,
            next_id: 0,
            live: BTreeMap::new(),
            by_yield: BTreeMap::new(),
            ended: BTreeMap::new(),
            pricing: DEFAULT_PRICING,
            owner: OWNER.into(),
            operator: OPERATOR.into(),
            keystore: None,
            paused: false,
            calls: 1,
            views: 0,
            checks: 0,
            view_checks: 0,
            last_viewed: None,
            tally: BTreeMap::new(),
        }
    }

    /// As `new`, then the contract's own balance cut to exactly what its code and config stake.
    fn at_minimum_balance() -> Env {
        let mut env = Env::new(10 * NEAR);
        let minimum = storage_cost(env.vm.storage_usage() as usize);
        env.vm.set_balance(CONTRACT, minimum);
        env.initial = minimum;
        env
    }

    fn count(&mut self, what: impl Into<String>) {
        *self.tally.entry(what.into()).or_insert(0) += 1;
    }

    fn balance(&self) -> u128 {
        self.vm.balance(CONTRACT)
    }

    fn pending_yields(&self) -> BTreeSet<YieldId> {
        self.vm.pending_yields().iter().map(|y| y.data_id).collect()
    }

    fn view(&mut self, method: &str, args: &str) -> Value {
        self.views += 1;
        let o = self.vm.call(CallArgs::view(method, args.as_bytes().to_vec()));
        match o.result {
            Ok(v) => json_of(&v.unwrap_or_default()),
            Err(e) => panic!("view {method}({args}) failed: {e}"),
        }
    }

    /// One transaction. A failure must be clean and change nothing (storage, yields, balance
    /// but for the deposit given back); what a success did is checked by the caller.
    fn call(&mut self, predecessor: &str, method: &str, args: impl Into<Vec<u8>>, deposit: u128, gas: u64) -> Outcome {
        let args = args.into();
        let storage = self.vm.storage_entries();
        let balance = self.balance();
        let yields = self.pending_yields();
        let o =
            self.vm.call(CallArgs { deposit, prepaid_gas: gas, ..CallArgs::call(predecessor, method, args.clone()) });
        self.calls += 1;
        self.self_credits += credited_to(&o, CONTRACT);
        if let Err(msg) = &o.result {
            let kind = clean_failure(msg, method, predecessor, gas, args.len());
            self.count(format!("failed: {kind}"));
            if std::env::var("HOSTILE_MESSAGES").is_ok() {
                let short: String = msg.chars().take(90).collect();
                self.count(format!("    {method}: {short}"));
            }
            assert!(self.vm.storage_entries() == storage, "a failed {method} changed storage: {msg}");
            assert_eq!(self.pending_yields(), yields, "a failed {method} changed the pending yields");
            let given_back = if deposit > 0 {
                assert_eq!(o.refund, Some((predecessor.to_string(), deposit)), "a failed {method} kept its deposit");
                if predecessor == CONTRACT {
                    deposit
                } else {
                    0
                }
            } else {
                0
            };
            assert_eq!(self.balance(), balance + given_back, "a failed {method} changed the contract's balance");
            assert!(o.spawned.is_empty() && o.transfers.is_empty(), "a failed {method} left receipts behind");
        } else {
            self.count(format!("ok: {method}"));
        }
        o
    }

    /// A request made with near-cli's gas; returns its id and outcome.
    fn request(&mut self, sender: &str, args: &RequestArgs, deposit: u128) -> (u64, Outcome) {
        let o = self.call(sender, "request_execution", args.bytes(), deposit, CLI_GAS);
        assert!(o.result.is_ok(), "request refused: {:?}", o.result);
        let id = self.after_request(sender, deposit, &o, Some(args));
        (id, o)
    }

    /// Checks a successful request against the spec and adds it to the model.
    fn after_request(&mut self, sender: &str, deposit: u128, o: &Outcome, args: Option<&RequestArgs>) -> u64 {
        assert!(!self.paused, "a request succeeded while paused");
        let id = self.next_id;
        assert_eq!(o.yields_created.len(), 1, "a request creates exactly one yield");
        let data_id = o.yields_created[0];
        assert_eq!(o.final_result, FinalResult::AwaitingYield(data_id), "the request returns its yield");
        assert_eq!(o.logs.len(), 1, "a request logs exactly one event");
        let ev = &events(&o.logs, "execution_requested")[0]["data"][0];
        let data: Value = serde_json::from_str(ev["request_data"].as_str().unwrap()).unwrap();
        assert_eq!(data["request_id"], id);
        assert_eq!(data["sender_id"], sender);
        assert_eq!(data["payment"], deposit.to_string());
        assert_eq!(data["timestamp"], self.vm.block_timestamp());
        assert_eq!(ev["timestamp"], self.vm.block_timestamp());
        let data_id_json: Vec<u8> =
            ev["data_id"].as_array().unwrap().iter().map(|b| b.as_u64().unwrap() as u8).collect();
        assert_eq!(data_id_json, data_id.to_vec(), "the event's data_id is the yield's");
        let view = self.view("get_request", &format!(r#"{{"request_id":{id}}}"#));
        assert_eq!(view, data, "get_request and request_data agree");
        let limits = Limits {
            instructions: view["resource_limits"]["max_instructions"].as_u64().unwrap(),
            memory_mb: view["resource_limits"]["max_memory_mb"].as_u64().unwrap(),
            seconds: view["resource_limits"]["max_execution_seconds"].as_u64().unwrap(),
        };
        // The deposit covers the estimate at the prices in force plus the storage staking.
        let record = self.vm.storage(&request_key(id)).expect("the request is stored").len();
        let required = self.pricing.estimate(&limits).unwrap() + storage_cost(9 + record + RECORD_EXTRA);
        assert!(deposit >= required, "request {id} accepted with {deposit} < required {required}");
        if let Some(a) = args {
            assert_eq!(limits, a.limits());
            assert_eq!(9 + record + RECORD_EXTRA, a.stored_bytes(sender), "stored request size");
            assert_eq!(view["code_source"]["repo"], a.repo.as_str());
            assert_eq!(view["input_data"], json!(a.input_data));
            assert_eq!(view["encrypted_secrets"], json!(a.secrets));
            assert_eq!(view["response_format"], a.format.unwrap_or("Text"));
        }
        self.live.insert(
            id,
            Req {
                sender: sender.into(),
                payment: deposit,
                pricing: self.pricing,
                limits,
                data_id,
                timestamp: self.vm.block_timestamp(),
                output: None,
            },
        );
        self.by_yield.insert(data_id, id);
        self.next_id += 1;
        id
    }

    /// A callback has run (resumed, timed out, handed a payload by the test, or called directly
    /// by the contract account): it must have succeeded, and if the request was pending, ended it
    /// exactly once: charged `expected_charge` when known, the rest refunded to the sender,
    /// request and output deleted, one event. Returns (charged, refunded), or None when the
    /// request had already ended (then nothing may be refunded).
    fn finish(&mut self, cb: &Outcome, id: u64, expected_charge: Option<u128>) -> Option<(u128, u128)> {
        assert_eq!(cb.method, "on_execution_response");
        assert!(
            cb.result.is_ok(),
            "the callback failed, reverting its refund and clean-up: {:?} (burnt {} gas)\n{:?}",
            cb.result,
            cb.gas_burnt,
            cb.profile
        );
        let completed = events(&cb.logs, "execution_completed");
        let Some(req) = self.live.remove(&id) else {
            assert!(cb.transfers.is_empty(), "a callback for an ended request refunded again: {:?}", cb.transfers);
            assert!(cb.logs.is_empty(), "a callback for an ended request logged {:?}", cb.logs);
            assert!(failure(&cb.final_result).contains("cancelled"), "{:?}", cb.final_result);
            self.count("callback after the request ended");
            return None;
        };
        assert!(self.vm.storage(&request_key(id)).is_none(), "the callback left request {id} stored");
        assert!(self.vm.storage(&output_key(id)).is_none(), "the callback left the output of {id} stored");
        let mut refund = 0;
        for (to, amount) in &cb.transfers {
            assert_eq!(to, &req.sender, "a refund to someone else than the sender");
            refund += amount;
        }
        assert!(refund <= req.payment, "refunded {refund} of a payment of {}", req.payment);
        let charged = req.payment - refund;
        if let Some(e) = expected_charge {
            assert_eq!(charged, e, "request {id}: charged {charged}, expected {e}");
        }
        assert_eq!(cb.logs.len(), 1, "one event per outcome");
        let ev = &completed[0]["data"][0];
        assert_eq!(ev["request_id"], id);
        assert_eq!(ev["sender_id"], req.sender.as_str());
        let success = ev["success"] == true;
        if success {
            assert!(matches!(cb.final_result, FinalResult::Success(_)), "{:?}", cb.final_result);
        } else {
            assert!(ev["error_message"].is_string());
            let msg = failure(&cb.final_result);
            assert!(msg.starts_with("Smart contract panicked: Execution failed: "), "{msg}");
        }
        self.fees += charged;
        // An execution that ran counts, successful or not (README: get_stats); a timeout or a
        // malformed result is no execution.
        let nothing_ran = !success && {
            let msg = failure(&cb.final_result);
            msg.contains("execution timed out") || msg.contains("malformed result")
        };
        if nothing_ran {
            assert_eq!(charged, 0, "charged for an execution that did not run");
        } else {
            self.executions += 1;
        }
        assert!(self.ended.insert(id, (charged, refund)).is_none(), "request {id} ended twice");
        self.count(if success { "request ended: success" } else { "request ended: failure" });
        Some((charged, refund))
    }

    /// The callbacks a call caused (resumes), by yield.
    fn callbacks(o: &Outcome) -> Vec<Outcome> {
        let mut v = Vec::new();
        if o.yield_id.is_some() {
            v.push(o.clone());
        }
        for s in &o.spawned {
            v.extend(Self::callbacks(s));
        }
        v
    }

    /// Produces blocks; every yield timing out must end its request with a full refund.
    fn advance(&mut self, n: u64) {
        for cb in self.vm.advance_blocks(n) {
            self.self_credits += credited_to(&cb, CONTRACT);
            let id = self.by_yield[&cb.yield_id.expect("a timeout runs a yield callback")];
            if self.finish(&cb, id, Some(0)).is_some() {
                assert!(failure(&cb.final_result).contains("timed out"), "{:?}", cb.final_result);
                self.count("request ended: timeout");
            }
        }
    }

    /// Lets `seconds` of block time pass without new blocks (slow blocks): no timeout fires.
    fn jump_time(&mut self, seconds: u64) {
        self.vm.set_block(self.vm.block_height(), self.vm.block_timestamp() + seconds * 1_000_000_000);
    }

    /// A cancel (by the sender or the owner) succeeded: full refund, request gone, one event.
    fn after_cancel(&mut self, o: &Outcome, id: u64) {
        let req = self.live.remove(&id).expect("cancelled a request that was pending");
        assert!(self.vm.storage(&request_key(id)).is_none() && self.vm.storage(&output_key(id)).is_none());
        let refunded: u128 = o
            .transfers
            .iter()
            .map(|(to, a)| {
                assert_eq!(to, &req.sender);
                *a
            })
            .sum();
        assert_eq!(refunded, req.payment, "a cancel refunds in full");
        assert_eq!(o.logs.len(), 1);
        let ev = &events(&o.logs, "execution_completed")[0]["data"][0];
        assert_eq!(ev["request_id"], id);
        assert_eq!(ev["success"], false);
        assert!(self.ended.insert(id, (0, refunded)).is_none(), "request {id} ended twice");
        self.count("request ended: cancelled");
    }

    /// The invariants, after every call:
    /// * stats, next id and storage agree with the model (only config, pubkey, requests and
    ///   outputs are stored; exactly the pending requests);
    /// * every stored request can still end: its yield is pending;
    /// * money: balance == initial + fees collected + payments of pending requests (read with
    ///   get_request) + admin tips + what the contract credited to itself.
    fn check(&mut self) {
        self.checks += 1;
        let entries = self.vm.storage_entries();
        let config = entries.get(&b"c"[..]).expect("config stored");
        assert_eq!(le_u64(&config[2..10]), self.next_id, "next request id");
        assert_eq!(le_u64(&config[10..18]), self.executions);
        assert_eq!(le_u128(&config[18..34]), self.fees);
        // The views are the slow part of a check (a VM run each): they run when the requests or
        // the stats changed since the last time they did, and every fourth check regardless.
        let fingerprint = (
            self.live.iter().map(|(id, r)| (*id, r.payment, r.output.is_some())).collect::<Vec<_>>(),
            self.fees,
            self.executions,
        );
        let through_views = self.checks.is_multiple_of(4) || self.last_viewed.as_ref() != Some(&fingerprint);
        if through_views {
            self.view_checks += 1;
            self.last_viewed = Some(fingerprint);
            let stats = self.view("get_stats", "{}");
            assert_eq!(
                stats,
                json!({"total_executions": self.executions, "total_fees_collected": self.fees.to_string()})
            );
        }
        let mut stored = BTreeSet::new();
        for k in entries.keys() {
            match (k.first(), k.len()) {
                (Some(b'c' | b'k'), 1) => {}
                (Some(b'r'), 9) => {
                    stored.insert(le_u64(&k[1..]));
                }
                (Some(b'o'), 9) => {
                    let id = le_u64(&k[1..]);
                    assert!(self.live.get(&id).is_some_and(|r| r.output.is_some()), "an output stored for {id}");
                }
                _ => panic!("unexpected storage key {k:?}"),
            }
        }
        assert_eq!(stored, self.live.keys().copied().collect::<BTreeSet<_>>(), "stored requests");
        let pending = self.pending_yields();
        let mut payments = 0u128;
        for (id, req) in self.live.clone() {
            let record = &entries[&request_key(id)];
            let payment = if through_views {
                let v = self.view("get_request", &format!(r#"{{"request_id":{id}}}"#));
                assert_eq!(v["sender_id"], req.sender.as_str());
                v["payment"].as_str().unwrap().parse().unwrap()
            } else {
                le_u128(&record[9..25])
            };
            assert_eq!(payment, req.payment, "payment of {id}");
            assert_eq!(&record[33..65], &req.data_id, "data id of {id}");
            assert_eq!(record[8] == 1, req.output.is_some(), "has_output of {id}");
            assert!(
                pending.contains(&req.data_id),
                "request {id} is stored but its yield is gone: nothing but a cancel can end it"
            );
            payments += payment;
        }
        let expected = self.initial + self.fees + payments + self.tips + self.self_credits + self.view_kept;
        assert_eq!(
            self.balance(),
            expected,
            "money invariant: balance vs initial + fees + pending payments + tips + self credits"
        );
        if self.checks.is_multiple_of(50) {
            // The full sweep: every id ever given out, through get_request.
            for id in 0..self.next_id {
                if !self.live.contains_key(&id) {
                    assert_eq!(self.view("get_request", &format!(r#"{{"request_id":{id}}}"#)), Value::Null);
                }
            }
        }
    }

    /// Ends everything: lets every yield time out, then checks nothing is left and every
    /// request ended exactly once with charged + refunded == payment.
    fn drain(&mut self) {
        let timeout = self.vm.yield_timeout_blocks();
        self.advance(timeout + 1);
        assert!(self.live.is_empty(), "requests left after every yield timed out: {:?}", self.live.keys());
        assert!(self.vm.pending_yields().is_empty());
        self.check();
        let keys: Vec<Vec<u8>> = self.vm.storage_entries().into_keys().collect();
        assert!(keys.iter().all(|k| k == b"c" || k == b"k"), "storage left: {keys:?}");
        assert_eq!(self.balance(), self.initial + self.fees + self.tips + self.self_credits + self.view_kept);
        assert_eq!(self.ended.len() as u64, self.next_id, "every request ended once");
    }
}

// ---------------------------------------------------------------------------------------------
// The fuzzer
// ---------------------------------------------------------------------------------------------

/// What the generator meant a call to do, when its arguments were not mutated.
#[derive(Clone, Debug)]
enum Intent {
    Request(RequestArgs),
    Resolve {
        id: u64,
        success: bool,
        output: Option<Out>,
        error: Option<String>,
        used: (u64, u64, Option<u64>),
    },
    Submit {
        id: u64,
        output: Out,
    },
    Cancel(u64),
    Emergency(u64),
    SetOperator(String),
    SetOwner(String),
    SetKeystore(Option<String>),
    SetPaused(bool),
    SetPricing([Option<u128>; 4]),
    /// The key as stored: lowercase hex.
    SetPubkey(String),
    Other,
}

const INTERESTING_BYTES: &[u8] = b"\"\\{}[],:0-+.eE \t\n\x00\x7f\xff\xc3\xed\xf0u";
const TYPE_SWAPS: &[&str] = &[
    "\"1\"",
    "1",
    "-1",
    "1.5",
    "1e3",
    "true",
    "null",
    "[]",
    "{}",
    "\"\"",
    "\"01\"",
    "01",
    "-0",
    "\"340282366920938463463374607431768211455\"",
    "\"340282366920938463463374607431768211456\"",
    "\"-1\"",
    "\"+1\"",
    "\" 1\"",
    "\"1 \"",
    "\"1.0\"",
    "\"1e3\"",
    "18446744073709551615",
    "18446744073709551616",
    "99999999999999999999999999999999999999999",
    "\"\\ud800\"",
    "\"\\udc00\\ud800\"",
    "\"\\u0000\"",
    "\"a\\\"b\"",
    "\"\\u00e9\\ud83d\\ude00\"",
    "[1,2,3]",
    "{\"Text\":\"x\"}",
    "\"Text\"",
];
const INVALID_UTF8: &[&[u8]] =
    &[b"\xff", b"\xc0\x80", b"\xed\xa0\x80", b"\xe2\x82", b"\xf4\x90\x80\x80", b"\x80", b"\xf0\x9f\x98"];
const ESCAPES: &[&str] = &[
    "\\\"",
    "\\\\",
    "\\u0000",
    "\\ud800",
    "\\udc00",
    "\\ud83d\\ude00",
    "\\x",
    "\\u12",
    "\\",
    "\\n\\t\\b\\f\\r\\/",
    "\\u00",
];
const WHOLE: &[&[u8]] = &[
    b"",
    b" ",
    b"null",
    b"[]",
    b"{}",
    b"\"\"",
    b"0",
    b"{\"request_id\":}",
    b"{\"request_id\":1,}",
    b"{,}",
    b"{\"a\"}",
    b"{\"code_source\":null}",
    b"\xef\xbb\xbf{}",
];

/// Start offsets of the scalar values (after a ':' or '[' or ','), and their ends.
fn scalar_spans(a: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut i = 0;
    while i < a.len() {
        if matches!(a[i], b':' | b'[' | b',') {
            let mut j = i + 1;
            while j < a.len() && a[j].is_ascii_whitespace() {
                j += 1;
            }
            if j < a.len() {
                let start = j;
                if a[j] == b'"' {
                    j += 1;
                    while j < a.len() && a[j] != b'"' {
                        j += if a[j] == b'\\' { 2 } else { 1 };
                    }
                    j = (j + 1).min(a.len());
                    if i < a.len() && a[i] != b':' {
                        // a string after '[' or ',' may be a key: keep it only in arrays
                        if j < a.len()
                            && a.get(j..).is_some_and(|r| r.iter().find(|c| !c.is_ascii_whitespace()) == Some(&b':'))
                        {
                            i += 1;
                            continue;
                        }
                    }
                } else {
                    while j < a.len() && (a[j].is_ascii_alphanumeric() || matches!(a[j], b'-' | b'+' | b'.')) {
                        j += 1;
                    }
                }
                if j > start {
                    spans.push((start, j));
                }
            }
        }
        i += 1;
    }
    spans
}

/// Positions just inside a string (after its opening quote).
fn string_starts(a: &[u8]) -> Vec<usize> {
    let mut v = Vec::new();
    let mut inside = false;
    let mut i = 0;
    while i < a.len() {
        match a[i] {
            b'\\' if inside => i += 1,
            b'"' => {
                inside = !inside;
                if inside {
                    v.push(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    v
}

/// The keys of the objects in `a` (their raw text with quotes).
fn keys(a: &[u8]) -> Vec<Vec<u8>> {
    let mut v = Vec::new();
    for s in string_starts(a) {
        let mut j = s;
        while j < a.len() && a[j] != b'"' {
            j += if a[j] == b'\\' { 2 } else { 1 };
        }
        if a.get(j + 1..).is_some_and(|r| r.iter().find(|c| !c.is_ascii_whitespace()) == Some(&b':')) {
            v.push(a[s - 1..=j.min(a.len() - 1)].to_vec());
        }
    }
    v
}

/// 1 to 3 mutations of valid arguments.
fn mutate(rng: &mut Rng, a: &mut Vec<u8>, donors: &[Vec<u8>]) {
    for _ in 0..1 + rng.below(3) {
        let pos = rng.upto(a.len());
        match rng.below(17) {
            0 if !a.is_empty() => {
                let i = rng.below(a.len() as u64) as usize;
                a[i] ^= 1 << rng.below(8);
            }
            1 => {
                let b = *rng.pick(INTERESTING_BYTES);
                a.insert(pos, b);
            }
            2 if !a.is_empty() => {
                let end = (pos + 1 + rng.upto(8)).min(a.len());
                a.drain(pos.min(a.len() - 1)..end);
            }
            3 => a.truncate(pos),
            4 | 5 => {
                let d = rng.pick(donors);
                let s = rng.upto(d.len());
                let e = (s + rng.upto(40)).min(d.len());
                let piece = d[s..e].to_vec();
                if rng.chance(50) {
                    a.splice(pos..pos, piece);
                } else {
                    let end = (pos + rng.upto(20)).min(a.len());
                    a.splice(pos..end, piece);
                }
            }
            6 => {
                // a duplicate key, before the last '}'
                let ks = keys(a);
                if let (Some(close), false) = (a.iter().rposition(|&c| c == b'}'), ks.is_empty()) {
                    let k = rng.pick(&ks).clone();
                    let mut ins = b",".to_vec();
                    ins.extend_from_slice(&k);
                    ins.push(b':');
                    ins.extend_from_slice(rng.pick(TYPE_SWAPS).as_bytes());
                    a.splice(close..close, ins);
                }
            }
            7 | 8 => {
                let spans = scalar_spans(a);
                if !spans.is_empty() {
                    let (s, e) = *rng.pick(&spans);
                    a.splice(s..e, rng.pick(TYPE_SWAPS).bytes());
                }
            }
            9 => {
                let depth = *rng.pick(&[31usize, 32, 33, 200, 5000]);
                let spans = scalar_spans(a);
                let (s, e) = if spans.is_empty() || rng.chance(30) { (0, a.len()) } else { *rng.pick(&spans) };
                let (open, close) = if rng.chance(50) { (&b"["[..], &b"]"[..]) } else { (&b"{\"a\":"[..], &b"}"[..]) };
                let inner = a[s..e].to_vec();
                let mut w = open.repeat(depth);
                w.extend_from_slice(&inner);
                w.extend_from_slice(&close.repeat(depth));
                a.splice(s..e, w);
            }
            10 => {
                let starts = string_starts(a);
                let at = if starts.is_empty() { pos } else { *rng.pick(&starts) + rng.upto(2) };
                let at = at.min(a.len());
                a.splice(at..at, rng.pick(INVALID_UTF8).iter().copied());
            }
            11 => {
                let starts = string_starts(a);
                let at = if starts.is_empty() { pos } else { *rng.pick(&starts) };
                let at = at.min(a.len());
                a.splice(at..at, rng.pick(ESCAPES).bytes());
            }
            12 => {
                let junk: &[&[u8]] = &[b"x", b"}", b" \n", b"\x00", b",", b"{}", b"\xff"];
                let j: &[u8] = rng.pick::<&[u8]>(junk);
                a.extend_from_slice(j)
            }
            13 => {
                let ws = *rng.pick(&[&b" "[..], b"\t", b"\n\r", b"\x0b", b"\xc2\xa0"]);
                a.splice(pos..pos, ws.iter().copied());
            }
            14 => *a = rng.pick(WHOLE).to_vec(),
            15 => {
                let starts = string_starts(a);
                let at = if starts.is_empty() { pos } else { *rng.pick(&starts) };
                let at = at.min(a.len());
                a.splice(at..at, rng.pick(&["é", "😀", "\u{2028}", "\u{7f}", "ﬀ"]).bytes());
            }
            _ => {
                // a key with different case or an escape for the same name
                let ks = keys(a);
                if !ks.is_empty() {
                    let k = rng.pick(&ks).clone();
                    if let Some(p) = a.windows(k.len()).position(|w| w == &k[..]) {
                        let mut nk = k.clone();
                        if nk.len() > 2 {
                            if rng.chance(50) {
                                nk[1] = nk[1].to_ascii_uppercase();
                            } else {
                                let c = nk[1];
                                nk.splice(1..2, format!("\\u{:04x}", c).bytes());
                            }
                        }
                        a.splice(p..p + k.len(), nk);
                    }
                }
            }
        }
    }
}

struct Fuzz {
    env: Env,
    rng: Rng,
    donors: Vec<Vec<u8>>,
    /// Accounts that may become owner, operator or keystore (besides invalid ones).
    names: Vec<String>,
}

impl Fuzz {
    fn text(&mut self, max_raw: usize) -> String {
        let r = &mut self.rng;
        match r.below(8) {
            0 if r.chance(30) => String::new(),
            0 | 1 => "https://github.com/user/project".into(),
            2 => "a\"b\\c\nd\u{1}é😀\u{2028}".into(),
            3 => "\"".repeat(max_raw / 2),
            4 => "x".repeat(max_raw),
            5 => "x".repeat(max_raw + 1),
            6 => "é".repeat(r.upto(max_raw / 2)),
            _ => (0..r.upto(40)).map(|_| (b'a' + r.below(26) as u8) as char).collect(),
        }
    }

    fn limits(&mut self) -> Limits {
        let r = &mut self.rng;
        let mut pick = |cap: u64, default: u64| match r.below(6) {
            0 => default,
            1 => 0,
            2 => cap,
            3 => cap + 1,
            _ => r.below(cap + 1),
        };
        Limits {
            instructions: pick(CAP_INSTRUCTIONS, 1_000_000_000),
            memory_mb: pick(CAP_MEMORY_MB, 128),
            seconds: pick(CAP_SECONDS, 60),
        }
    }

    fn output(&mut self, max: usize) -> Out {
        match self.rng.below(3) {
            0 => {
                let n = self.rng.upto(max);
                Out::Text(match self.rng.below(3) {
                    0 => "x".repeat(n),
                    1 => "\"".repeat(n / 2),
                    _ => "é😀\\".repeat(n / 7),
                })
            }
            1 => Out::Json(match self.rng.below(4) {
                0 => json!({"result": [1, -2.5, 1e300, null, true, "s\"", {"k": []}]}),
                1 => json!("x".repeat(self.rng.upto(max.saturating_sub(2)))),
                2 => json!(12345678901234567890u64),
                _ => Value::Null,
            }),
            _ => {
                let n = self.rng.upto(max);
                Out::Bytes(self.rng.bytes(n))
            }
        }
    }

    fn live_or_random_id(&mut self) -> u64 {
        let ids: Vec<u64> = self.env.live.keys().copied().collect();
        if !ids.is_empty() && self.rng.chance(75) {
            *self.rng.pick(&ids)
        } else {
            let any = self.rng.below(1000);
            *self.rng.pick(&[0, self.env.next_id, self.env.next_id.saturating_sub(1), u64::MAX, any])
        }
    }

    fn account(&mut self) -> String {
        let names = self.names.clone();
        if self.rng.chance(90) {
            self.rng.pick(&names).clone()
        } else {
            self.rng
                .pick(&["A.near", "a", "a..b", "-a", &"a".repeat(65), "ab", &"a".repeat(64), "a b", "é.near"])
                .to_string()
        }
    }

    /// Valid arguments for `method` and what they mean.
    fn args(&mut self, method: &str) -> (Vec<u8>, Intent) {
        let v = |v: Value| serde_json::to_vec(&v).unwrap();
        match method {
            "new" => (v(json!({"owner_id": OWNER, "operator_id": OPERATOR})), Intent::Other),
            "request_execution" => {
                let a = if self.rng.chance(40) {
                    RequestArgs::simple(
                        *self
                            .rng
                            .pick(&[DEFAULT_LIMITS, Limits { instructions: 10_000_000, memory_mb: 64, seconds: 5 }]),
                    )
                } else {
                    let repo = self.text(CAP_REPO);
                    let commit = self.text(CAP_COMMIT);
                    let bt = self.rng.chance(50).then(|| self.text(CAP_BUILD_TARGET));
                    let limits = self.rng.chance(70).then(|| self.limits());
                    let input = self.rng.chance(60).then(|| self.text(CAP_INPUT));
                    let secrets = self.rng.chance(40).then(|| {
                        let n = *self.rng.pick(&[0, 3, 64, CAP_SECRETS, CAP_SECRETS + 1]);
                        self.rng.bytes(n)
                    });
                    let format = self.rng.chance(60).then(|| *self.rng.pick(&["Bytes", "Text", "Json"]));
                    RequestArgs { repo, commit, build_target: bt, limits, input_data: input, secrets, format }
                };
                (a.bytes(), Intent::Request(a))
            }
            "resolve_execution" => {
                let id = self.live_or_random_id();
                let success = self.rng.chance(80);
                let max = *self.rng.pick(&[16, 980, 1100]);
                let output = self.rng.chance(60).then(|| self.output(max));
                let error = match self.rng.below(4) {
                    0 => None,
                    1 => Some("boom \"quoted\" \u{1} é".to_string()),
                    2 => Some("é😀".repeat(self.rng.upto(500))),
                    _ => Some("e".repeat(self.rng.upto(3000))),
                };
                let big = |r: &mut Rng| {
                    let any = r.next();
                    *r.pick(&[0, 1, 1_000_000, 10_000_000_000, 100_000_000_000, u64::MAX, any])
                };
                let used = (big(&mut self.rng), big(&mut self.rng), self.rng.chance(50).then(|| big(&mut self.rng)));
                (
                    resolve_args(id, success, output.as_ref(), error.as_deref(), used),
                    Intent::Resolve { id, success, output, error, used },
                )
            }
            "submit_execution_output" => {
                let id = self.live_or_random_id();
                let max = *self.rng.pick(&[64, 2000, 8000]);
                let output = self.output(max);
                (submit_args(id, &output), Intent::Submit { id, output })
            }
            "cancel_stale_execution" => {
                let id = self.live_or_random_id();
                (id_args(id), Intent::Cancel(id))
            }
            "emergency_cancel_execution" => {
                let id = self.live_or_random_id();
                (id_args(id), Intent::Emergency(id))
            }
            "on_execution_response" => {
                let id = self.live_or_random_id();
                let a = if self.rng.chance(80) { id.to_le_bytes().to_vec() } else { self.rng.bytes_upto(12) };
                (a, Intent::Other)
            }
            "fail_execution" => (self.rng.bytes_upto(20), Intent::Other),
            "set_operator" => {
                let a = self.account();
                (v(json!({ "new_operator_id": a })), Intent::SetOperator(a))
            }
            "set_owner" => {
                let a = self.account();
                (v(json!({ "new_owner_id": a })), Intent::SetOwner(a))
            }
            "set_keystore_account" => {
                let a = self.rng.chance(80).then(|| self.account());
                (v(json!({ "keystore_account_id": a })), Intent::SetKeystore(a))
            }
            "set_paused" => {
                // mostly unpause, so requests keep coming
                let p = if self.env.paused { self.rng.chance(10) } else { self.rng.chance(15) };
                (v(json!({ "paused": p })), Intent::SetPaused(p))
            }
            "set_pricing" => {
                let mut fees = [None; 4];
                let mut m = serde_json::Map::new();
                // Back to the defaults when requests have become unaffordable.
                let restore =
                    self.env.pricing.estimate(&DEFAULT_LIMITS).is_none_or(|e| e > 10 * NEAR) && self.rng.chance(80);
                for (i, name) in ["base_fee", "per_instruction_fee", "per_mb_fee", "per_second_fee"].iter().enumerate()
                {
                    if restore {
                        let d = [
                            DEFAULT_PRICING.base,
                            DEFAULT_PRICING.per_minstr,
                            DEFAULT_PRICING.per_mb,
                            DEFAULT_PRICING.per_sec,
                        ][i];
                        fees[i] = Some(d);
                        m.insert(name.to_string(), json!(d.to_string()));
                    } else if self.rng.chance(50) {
                        let d = [
                            DEFAULT_PRICING.base,
                            DEFAULT_PRICING.per_minstr,
                            DEFAULT_PRICING.per_mb,
                            DEFAULT_PRICING.per_sec,
                        ][i];
                        let fee = match self.rng.below(12) {
                            0 => 0,
                            1 => 1,
                            2 => u128::MAX,
                            3 if self.rng.chance(30) => u128::MAX / 100_000,
                            4 => d * 10,
                            _ => d / (1 + self.rng.below(10) as u128),
                        };
                        fees[i] = Some(fee);
                        m.insert(name.to_string(), json!(fee.to_string()));
                    }
                }
                (v(Value::Object(m)), Intent::SetPricing(fees))
            }
            "set_keystore_pubkey" => {
                let key = self.rng.bytes(32);
                let text = if self.rng.chance(50) {
                    hex(&key).chars().map(|c| if self.rng.chance(30) { c.to_ascii_uppercase() } else { c }).collect()
                } else {
                    format!("ed25519:{}", base58(&key))
                };
                (v(json!({ "pubkey": text })), Intent::SetPubkey(hex(&key)))
            }
            "get_request" | "get_pending_output" | "has_pending_output" => {
                (id_args(self.live_or_random_id()), Intent::Other)
            }
            "estimate_execution_cost" => {
                let a = match self.rng.below(3) {
                    0 => Vec::new(),
                    1 => b"{}".to_vec(),
                    _ => {
                        let l = self.limits();
                        let l = Limits {
                            instructions: l.instructions.min(CAP_INSTRUCTIONS),
                            memory_mb: l.memory_mb.min(CAP_MEMORY_MB),
                            seconds: l.seconds.min(CAP_SECONDS),
                        };
                        v(
                            json!({"resource_limits": {"max_instructions": l.instructions, "max_memory_mb": l.memory_mb, "max_execution_seconds": l.seconds}}),
                        )
                    }
                };
                (a, Intent::Other)
            }
            _ => (b"{}".to_vec(), Intent::Other),
        }
    }

    fn method(&mut self) -> &'static str {
        if !self.env.live.is_empty() && self.rng.chance(12) {
            return if self.rng.chance(80) { "resolve_execution" } else { "submit_execution_output" };
        }
        let r = self.rng.below(100);
        match r {
            0..=21 => "request_execution",
            22..=37 => "resolve_execution",
            38..=43 => "submit_execution_output",
            44..=47 => "cancel_stale_execution",
            48..=51 => "on_execution_response",
            52..=53 => "fail_execution",
            54 => "new",
            55..=71 => self.rng.pick::<&str>(&ADMIN),
            _ => self.rng.pick::<&str>(&VIEWS),
        }
    }

    /// The account that is allowed to make the call, when there is one.
    fn rightful(&self, method: &str, intent: &Intent) -> Option<String> {
        match method {
            "resolve_execution" | "submit_execution_output" => Some(self.env.operator.clone()),
            "on_execution_response" | "fail_execution" | "new" => Some(CONTRACT.into()),
            "cancel_stale_execution" => match intent {
                Intent::Cancel(id) => self.env.live.get(id).map(|r| r.sender.clone()),
                _ => None,
            },
            "set_keystore_pubkey" if self.rng.0.is_multiple_of(2) => {
                self.env.keystore.clone().or(Some(self.env.owner.clone()))
            }
            m if ADMIN.contains(&m) => Some(self.env.owner.clone()),
            _ => None,
        }
    }

    fn deposit(&mut self, method: &str, intent: &Intent, predecessor: &str, honest: bool) -> u128 {
        if VIEWS.contains(&method) && !VIEWS_REFUSE_DEPOSITS {
            return 0;
        }
        if let Intent::Request(a) = intent {
            if honest {
                let required =
                    a.required(&self.env.pricing, predecessor).filter(|&r| r < 1_000_000 * NEAR).unwrap_or(NEAR);
                return required + *self.rng.pick(&[0, 0, 1, NEAR / 10, NEAR]);
            }
            if self.rng.chance(85) {
                if let Some(req) = a.required(&self.env.pricing, predecessor).filter(|&r| r < 1_000_000 * NEAR) {
                    return match self.rng.below(7) {
                        0 => req.saturating_sub(1),
                        1 | 2 => req,
                        3 => req + 1,
                        _ => req + self.rng.below(NEAR as u64) as u128 * 1_000_000,
                    };
                }
            }
        }
        if honest || self.rng.chance(70) {
            // what the method takes
            return if ADMIN.contains(&method) { self.rng.below(2) as u128 } else { 0 };
        }
        match self.rng.below(20) {
            0..=8 => 0,
            9..=11 => 1,
            12..=16 => self.rng.below(u64::MAX) as u128 * self.rng.below(1_000_000_000) as u128,
            17 => NEAR,
            _ => 10u128.pow(30 + self.rng.below(4) as u32),
        }
    }

    fn gas(&mut self) -> u64 {
        match self.rng.below(20) {
            0..=11 => CLI_GAS,
            12..=16 => MAX_GAS,
            17 => self.rng.below(3 * TGAS) + 1,
            _ => 2 * TGAS + self.rng.below(13 * TGAS),
        }
    }

    /// Whether the call must succeed (true), must fail (false), or either is possible (None).
    fn expectation(
        &mut self,
        method: &str,
        intent: &Intent,
        mutated: bool,
        predecessor: &str,
        deposit: u128,
        gas: u64,
    ) -> Option<bool> {
        let env = &self.env;
        let admin = ADMIN.contains(&method);
        // What the arguments cannot change: who may call, which deposits.
        let pred_ok = match method {
            "resolve_execution" | "submit_execution_output" => predecessor == env.operator,
            "on_execution_response" => predecessor == CONTRACT,
            "set_keystore_pubkey" => predecessor == env.owner || env.keystore.as_deref() == Some(predecessor),
            m if admin => {
                let _ = m;
                predecessor == env.owner
            }
            _ => true,
        };
        let deposit_ok = match method {
            "request_execution" | "on_execution_response" => true,
            m if ADMIN.contains(&m) => deposit <= 1,
            m if VIEWS.contains(&m) => !VIEWS_REFUSE_DEPOSITS || deposit == 0,
            _ => deposit == 0,
        };
        // The callback called directly (even by the contract account) is not a yield ending.
        if matches!(method, "new" | "fail_execution" | "on_execution_response") || !pred_ok || !deposit_ok {
            return Some(false);
        }
        if mutated || gas < CLI_GAS {
            return None;
        }
        Some(match intent {
            Intent::Request(a) => {
                let required = a.required(&env.pricing, predecessor);
                a.valid() && !env.paused && required.is_some_and(|r| deposit >= r)
            }
            Intent::Resolve { id, success, output, used, .. } => match env.live.get(id) {
                Some(r) => !(r.output.is_some() && output.is_some()) && payload_fits(*success, output.as_ref(), used.2),
                None => false,
            },
            Intent::Submit { id, output } => match (env.live.get(id), self.env.vm.storage(&request_key(*id))) {
                (Some(r), Some(rec)) => {
                    let bytes = (9 + rec.len() + RECORD_EXTRA) + (9 + 1 + output.body_len() + RECORD_EXTRA);
                    r.output.is_none() && output.body_len() <= CAP_OUTPUT && storage_cost(bytes) <= r.payment
                }
                _ => false,
            },
            Intent::Cancel(id) => env
                .live
                .get(id)
                .is_some_and(|r| r.sender == predecessor && env.vm.block_timestamp() >= r.timestamp + STALE_NS),
            Intent::Emergency(id) => env.live.contains_key(id),
            Intent::SetOperator(a) | Intent::SetOwner(a) => common_account_ok(a),
            Intent::SetKeystore(a) => a.as_deref().is_none_or(common_account_ok),
            Intent::SetPricing(fees) => {
                let mut p = env.pricing;
                for (slot, fee) in [&mut p.base, &mut p.per_minstr, &mut p.per_mb, &mut p.per_sec].into_iter().zip(fees)
                {
                    if let Some(f) = fee {
                        *slot = *f;
                    }
                }
                p.estimate(&CAP_LIMITS).is_some()
            }
            Intent::SetPaused(_) | Intent::SetPubkey(_) => true,
            Intent::Other => return if VIEWS.contains(&method) { Some(true) } else { None },
        })
    }

    fn step(&mut self) {
        // Blocks and time.
        match self.rng.below(100) {
            0..=19 => {
                let n = 1 + self.rng.below(3);
                self.env.advance(n);
            }
            30 => {
                let n = self.env.vm.yield_timeout_blocks() + self.rng.below(3);
                self.env.advance(n);
            }
            33..=34 => self.env.jump_time(601),
            _ => {}
        }
        let method = self.method();
        let (mut args, mut intent) = self.args(method);
        // An honest call: valid arguments from the account allowed to make it, with the deposit
        // and gas it needs. The others vary every dimension at random.
        let honest = self.rng.chance(40);
        for _ in 0..10 {
            match &intent {
                Intent::Request(a) if honest && !a.valid() => (args, intent) = self.args(method),
                _ => break,
            }
        }
        let mutated = !honest && self.rng.chance(50);
        if mutated {
            let donors = self.donors.clone();
            mutate(&mut self.rng, &mut args, &donors);
            if method != "on_execution_response" {
                intent = Intent::Other;
            }
        }
        let predecessor = match self.rightful(method, &intent) {
            Some(p) if honest || self.rng.chance(60) => p,
            _ if FUZZ_IMPLICIT_SENDERS && self.rng.chance(17) => IMPLICIT.to_string(),
            _ => self.rng.pick(&ACTORS).to_string(),
        };
        let deposit = self.deposit(method, &intent, &predecessor, honest);
        // Honest callers attach near-cli's default, the maximum, or just a little more than the
        // least a request accepts (7 to 11 Tgas).
        let tight = 7 * TGAS + self.rng.below(4 * TGAS);
        let gas = if honest { *self.rng.pick(&[CLI_GAS, CLI_GAS, MAX_GAS, tight]) } else { self.gas() };
        let expect = self.expectation(method, &intent, mutated, &predecessor, deposit, gas);
        let before = self.env.vm.storage_entries();
        let balance_before = self.env.balance();
        let o = self.env.call(&predecessor, method, args.clone(), deposit, gas);
        let ok = o.result.is_ok();
        let ctx = || {
            format!(
                "{method} from {predecessor}, deposit {deposit}, {} Tgas, args {:?}: {:?}",
                gas / TGAS,
                String::from_utf8_lossy(&args),
                o.result
            )
        };
        match expect {
            Some(true) if !ok && !o.result.as_ref().unwrap_err().starts_with("LackBalanceForState") => {
                panic!("must succeed: {}", ctx())
            }
            Some(false) if ok => panic!("must fail: {}", ctx()),
            _ => {}
        }
        if !ok {
            if let (Intent::Request(a), Err(msg)) = (&intent, &o.result) {
                // Too small a deposit: the message says exactly how much is required.
                if !mutated && a.valid() && !self.env.paused && gas >= CLI_GAS {
                    if let Some(r) = a.required(&self.env.pricing, &predecessor).filter(|&r| deposit < r) {
                        assert!(msg.contains(&format!("required {r} yoctoNEAR")), "{msg} (required {r})");
                        self.env.count("refused: deposit too small, message exact");
                    }
                }
            }
        } else {
            self.after_success(method, &intent, &predecessor, deposit, &o, &before, balance_before);
        }
        self.env.check();
    }

    #[allow(clippy::too_many_arguments)]
    fn after_success(
        &mut self,
        method: &str,
        intent: &Intent,
        predecessor: &str,
        deposit: u128,
        o: &Outcome,
        before: &BTreeMap<Vec<u8>, Vec<u8>>,
        balance_before: u128,
    ) {
        let env = &mut self.env;
        match method {
            "request_execution" => {
                let a = match intent {
                    Intent::Request(a) => Some(a),
                    _ => None,
                };
                env.after_request(predecessor, deposit, o, a);
            }
            "resolve_execution" => {
                assert_eq!(o.yields_resumed.len(), 1, "a resolve resumes exactly one yield");
                let cbs = Env::callbacks(o);
                assert_eq!(cbs.len(), 1);
                let cb = &cbs[0];
                let id = env.by_yield[&o.yields_resumed[0]];
                let req = env.live.get(&id).cloned().expect("resolved a pending request");
                let mut expected_charge = None;
                let mut expected_return = None;
                if let Intent::Resolve { success: false, error, .. } = intent {
                    // The event carries a prefix of the operator's error (or a default).
                    let ev = events(&cb.logs, "execution_completed");
                    let logged = ev[0]["data"][0]["error_message"].as_str().unwrap_or_default().to_string();
                    if let Some(e) = error {
                        assert!(e.starts_with(&logged), "logged error {logged:?} is not a prefix of {e:?}");
                    }
                }
                if let Intent::Resolve { id: iid, success, output, used, .. } = intent {
                    assert_eq!(*iid, id);
                    expected_charge = Some(if *success {
                        req.pricing.charge(&req.limits, req.payment, used.0, used.1, used.2)
                    } else {
                        req.pricing.base.min(req.payment)
                    });
                    if *success {
                        expected_return = Some(output.clone().or(req.output.clone()));
                    }
                }
                let ended = env.finish(cb, id, expected_charge);
                assert!(ended.is_some());
                if let Some(ret) = expected_return {
                    match (&cb.final_result, ret) {
                        (FinalResult::Success(None), None) => {}
                        (FinalResult::Success(Some(v)), Some(out)) => {
                            assert_eq!(json_of(v), out.returned(), "the caller's result")
                        }
                        (r, out) => panic!("final result {r:?}, expected {out:?}"),
                    }
                    env.count("resolve: exact charge and result checked");
                }
            }
            "submit_execution_output" => {
                let added: Vec<Vec<u8>> =
                    env.vm.storage_entries().into_keys().filter(|k| !before.contains_key(k)).collect();
                assert_eq!(added.len(), 1, "a submit stores exactly one output");
                assert_eq!(added[0][0], b'o');
                let id = le_u64(&added[0][1..]);
                let stored = Out::of_view(&env.view("get_pending_output", &format!(r#"{{"request_id":{id}}}"#)));
                if let Intent::Submit { id: iid, output } = intent {
                    assert_eq!(*iid, id);
                    assert_eq!(&stored, output, "get_pending_output returns the submitted output");
                }
                assert_eq!(env.view("has_pending_output", &format!(r#"{{"request_id":{id}}}"#)), json!(true));
                let req = env.live.get_mut(&id).expect("submitted for a pending request");
                assert!(req.output.is_none(), "a second output was accepted");
                req.output = Some(stored);
            }
            "cancel_stale_execution" | "emergency_cancel_execution" => {
                let removed: Vec<u64> =
                    env.live.keys().copied().filter(|id| env.vm.storage(&request_key(*id)).is_none()).collect();
                assert_eq!(removed.len(), 1, "a cancel ends exactly one request");
                let id = removed[0];
                let req = &env.live[&id];
                if method == "cancel_stale_execution" {
                    assert_eq!(req.sender, predecessor, "only the sender cancels");
                    assert!(env.vm.block_timestamp() >= req.timestamp + STALE_NS, "cancelled before 10 minutes");
                } else {
                    env.tips += deposit;
                }
                env.after_cancel(o, id);
            }
            "set_operator" | "set_owner" | "set_keystore_account" | "set_paused" | "set_pricing" => {
                env.tips += deposit;
                let config = env.view("get_config", "{}");
                let pricing = Pricing::of_view(&env.view("get_pricing", "{}"));
                let (owner, operator, paused) = (
                    config["owner_id"].as_str().unwrap().to_string(),
                    config["operator_id"].as_str().unwrap().to_string(),
                    config["paused"].as_bool().unwrap(),
                );
                let keystore = config["keystore_account_id"].as_str().map(String::from);
                assert_eq!(env.view("is_paused", ""), json!(paused));
                // Only the field of the method changed.
                match method {
                    "set_operator" => assert!(
                        (&owner, &keystore, paused, pricing) == (&env.owner, &env.keystore, env.paused, env.pricing)
                    ),
                    "set_owner" => assert!(
                        (&operator, &keystore, paused, pricing)
                            == (&env.operator, &env.keystore, env.paused, env.pricing)
                    ),
                    "set_keystore_account" => assert!(
                        (&owner, &operator, paused, pricing) == (&env.owner, &env.operator, env.paused, env.pricing)
                    ),
                    "set_paused" => assert!(
                        (&owner, &operator, &keystore, pricing)
                            == (&env.owner, &env.operator, &env.keystore, env.pricing)
                    ),
                    _ => assert!(
                        (&owner, &operator, &keystore, paused)
                            == (&env.owner, &env.operator, &env.keystore, env.paused)
                    ),
                }
                match intent {
                    Intent::SetOperator(a) => assert_eq!(&operator, a),
                    Intent::SetOwner(a) => assert_eq!(&owner, a),
                    Intent::SetKeystore(a) => assert_eq!(&keystore, a),
                    Intent::SetPaused(p) => assert_eq!(paused, *p),
                    Intent::SetPricing(fees) => {
                        let got = [pricing.base, pricing.per_minstr, pricing.per_mb, pricing.per_sec];
                        let old = [env.pricing.base, env.pricing.per_minstr, env.pricing.per_mb, env.pricing.per_sec];
                        for i in 0..4 {
                            assert_eq!(got[i], fees[i].unwrap_or(old[i]));
                        }
                    }
                    _ => {}
                }
                assert!(
                    pricing.estimate(&CAP_LIMITS).is_some(),
                    "a pricing whose maximum estimate overflows was accepted"
                );
                for a in [&owner, &operator].into_iter().chain(keystore.as_ref()) {
                    assert!(common_account_ok(a), "an invalid account id was stored: {a:?}");
                }
                (env.owner, env.operator, env.keystore, env.paused, env.pricing) =
                    (owner, operator, keystore, paused, pricing);
            }
            "set_keystore_pubkey" => {
                env.tips += deposit;
                let key = env.view("get_keystore_pubkey", "");
                let key = key.as_str().expect("a key is set");
                assert!(
                    key.len() == 64 && key.bytes().all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c)),
                    "stored key {key:?}"
                );
                if let Intent::SetPubkey(h) = intent {
                    assert_eq!(key, h);
                }
            }
            m if VIEWS.contains(&m) => {
                assert!(env.vm.storage_entries() == *before, "a view changed storage");
                assert!(o.logs.is_empty() && o.spawned.is_empty());
                assert_eq!(env.balance(), balance_before + deposit);
                env.view_kept += deposit;
                json_of(o.result.as_ref().unwrap().as_deref().unwrap_or_default());
            }
            m => panic!("{m} must never succeed"),
        }
    }
}

/// Whether a resolve's payload fits NEAR's 1024 bytes (README "State layout"): a success carries
/// its output; a failure carries none, and its error is shortened to fit.
fn payload_fits(success: bool, output: Option<&Out>, memory_mb: Option<u64>) -> bool {
    let header = 8 + 1 + 8 + 8 + if memory_mb.is_some() { 9 } else { 1 } + 1 + 1;
    !success || header + output.map_or(0, |o| 4 + o.body_len()) <= YIELD_PAYLOAD_LIMIT
}

/// NEAR account id rules (2..64 of a-z 0-9 - _ ., no separator at either end or twice in a row).
fn common_account_ok(a: &str) -> bool {
    let b = a.as_bytes();
    (2..=64).contains(&b.len())
        && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || b"-_.".contains(c))
        && !b"-_.".contains(&b[0])
        && !b"-_.".contains(&b[b.len() - 1])
        && !b.windows(2).any(|w| b"-_.".contains(&w[0]) && b"-_.".contains(&w[1]))
}

/// CPU time of the calling thread (Linux: utime + stime of /proc/thread-self/stat), so the
/// figures do not depend on what else the machine runs; None elsewhere.
fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

struct Figures {
    calls: u64,
    checks: u64,
}

fn fuzz(seed: u64, steps: u32, balance: Option<u128>) -> Figures {
    let start = Instant::now();
    let cpu = thread_cpu_seconds();
    let env = match balance {
        Some(b) => Env::new(b),
        None => Env::at_minimum_balance(),
    };
    let mut f = Fuzz {
        env,
        rng: Rng(seed),
        donors: Vec::new(),
        names: [USER, OTHER, OWNER, OPERATOR, CONTRACT, "new-operator.testnet", "keystore.testnet", &"k".repeat(64)]
            .iter()
            .map(|s| s.to_string())
            .collect(),
    };
    let donor_methods = [
        "request_execution",
        "resolve_execution",
        "submit_execution_output",
        "set_pricing",
        "set_keystore_pubkey",
        "new",
        "get_request",
    ];
    f.donors = donor_methods.iter().map(|m| f.args(m).0).collect();
    for _ in 0..steps {
        f.step();
    }
    f.env.drain();
    let env = &f.env;
    let cpu = cpu.zip(thread_cpu_seconds()).map_or(String::new(), |(a, b)| format!(", {:.1}s CPU", b - a));
    println!(
        "fuzz seed {seed:#x}: {steps} steps, {} calls (+{} view calls by the checks), {} invariant checks ({} through the views), {} requests made and ended, {:.1}s wall{cpu}",
        env.calls,
        env.views,
        env.checks,
        env.view_checks,
        env.next_id,
        start.elapsed().as_secs_f64()
    );
    for (k, n) in &env.tally {
        println!("    {n:6}  {k}");
    }
    Figures { calls: env.calls, checks: env.checks }
}

const FUZZ_STEPS: u32 = 400;

#[test]
fn fuzz_seed_1() {
    let f = fuzz(0x0ff_c4a1_0001, FUZZ_STEPS, Some(10 * NEAR));
    assert!(f.calls > FUZZ_STEPS as u64 && f.checks >= FUZZ_STEPS as u64);
}

#[test]
fn fuzz_seed_2() {
    let f = fuzz(0x5eed_0002, FUZZ_STEPS, Some(10 * NEAR));
    assert!(f.calls > FUZZ_STEPS as u64 && f.checks >= FUZZ_STEPS as u64);
}

/// The contract's own balance at the bare minimum its code and config stake: every request and
/// output must bring its own storage.
#[test]
fn fuzz_seed_3_minimum_balance() {
    let f = fuzz(0xdead_beef_0003, FUZZ_STEPS, None);
    assert!(f.calls > FUZZ_STEPS as u64 && f.checks >= FUZZ_STEPS as u64);
}

#[test]
fn fuzz_seed_4() {
    let f = fuzz(0x1234_5678_0004, FUZZ_STEPS, Some(NEAR));
    assert!(f.calls > FUZZ_STEPS as u64 && f.checks >= FUZZ_STEPS as u64);
}

// ---------------------------------------------------------------------------------------------
// One test per NEAR pitfall
// ---------------------------------------------------------------------------------------------

const SEED_LIMITS: Limits = Limits { instructions: 10_000_000, memory_mb: 64, seconds: 5 };

fn text(s: &str) -> Out {
    Out::Text(s.into())
}

fn must_fail(o: &Outcome, needle: &str) {
    match &o.result {
        Err(m) => assert!(m.contains(needle), "expected a failure containing {needle:?}, got {m:?}"),
        Ok(v) => panic!("expected a failure containing {needle:?}, got success {v:?}"),
    }
}

impl Env {
    /// A request with the seed's limits and a comfortable deposit; returns (id, payment).
    fn simple_request(&mut self, sender: &str) -> (u64, u128) {
        let a = RequestArgs::simple(SEED_LIMITS);
        let deposit = a.required(&self.pricing, sender).unwrap() + NEAR / 10;
        let (id, _) = self.request(sender, &a, deposit);
        (id, deposit)
    }

    /// The operator's resolve (near-cli gas); the callback must end the request, charged
    /// exactly what SPEC.md says. Returns the callback.
    fn resolve(
        &mut self,
        id: u64,
        success: bool,
        output: Option<&Out>,
        error: Option<&str>,
        used: (u64, u64, Option<u64>),
    ) -> Outcome {
        let operator = self.operator.clone();
        let o = self.call(&operator, "resolve_execution", resolve_args(id, success, output, error, used), 0, CLI_GAS);
        assert_eq!(o.result, Ok(None), "resolve {id}");
        let req = self.live[&id].clone();
        let expected = if success {
            req.pricing.charge(&req.limits, req.payment, used.0, used.1, used.2)
        } else {
            req.pricing.base.min(req.payment)
        };
        let cb = Env::callbacks(&o).pop().expect("the callback ran");
        self.finish(&cb, id, Some(expected)).expect("the request was pending");
        self.check();
        cb
    }

    fn end_yield(&mut self, id: u64, payload: Option<Vec<u8>>) -> Outcome {
        let data_id = self.live[&id].data_id;
        let cb = self.vm.end_yield_with(&data_id, payload).expect("the yield was pending");
        self.self_credits += credited_to(&cb, CONTRACT);
        cb
    }
}

/// (a) `on_execution_response` and `fail_execution` are private: an outsider's call fails, with
/// or without a deposit, and changes nothing; the request still resolves normally afterwards.
#[test]
fn pitfall_a_private_callback_refuses_outsiders() {
    let mut env = Env::new(10 * NEAR);
    let (id, _) = env.simple_request(USER);
    let (other_id, _) = env.simple_request(OTHER);
    env.check();
    for who in [USER, OTHER, OWNER, OPERATOR, "evil.testnet"] {
        let cases: [(&str, Vec<u8>); 5] = [
            ("on_execution_response", id.to_le_bytes().to_vec()),
            ("on_execution_response", other_id.to_le_bytes().to_vec()),
            ("on_execution_response", Vec::new()),
            ("fail_execution", b"pwned".to_vec()),
            ("fail_execution", Vec::new()),
        ];
        for (method, args) in cases {
            for deposit in [0, 1, NEAR] {
                let o = env.call(who, method, args.clone(), deposit, CLI_GAS);
                assert_eq!(
                    o.result,
                    Err("Smart contract panicked: private method: only the contract itself may call it".into()),
                    "{method} by {who}"
                );
                env.check();
            }
        }
    }
    assert_eq!(env.ended.len(), 0, "no outsider ended a request");
    env.resolve(id, true, Some(&text("Hello, NEAR!")), None, (1_000_000, 100, None));
    env.resolve(other_id, false, None, Some("boom"), (1, 1, None));
    env.drain();
}

/// (b) A panic in the callback would revert its refund and clean-up. Handed garbage, truncated
/// and doctored payloads, another request's payload, or a failed promise, the callback must
/// succeed, refund in full, delete the request (and its submitted output), and report a failure
/// to the caller.
#[test]
fn pitfall_b_callback_survives_hostile_payloads() {
    let mut env = Env::new(10 * NEAR);
    let mut rng = Rng(0xb0b);
    // The payload format is right: the real resolve's payload, fed by hand, is charged as usual.
    let (id, _) = env.simple_request(USER);
    let cb = env.end_yield(id, Some(payload(id, true, (2_000_000, 1500, Some(10)), Some((1, b"hi")), None)));
    let req_pricing = DEFAULT_PRICING;
    env.finish(&cb, id, Some(req_pricing.charge(&SEED_LIMITS, u128::MAX, 2_000_000, 1500, Some(10))));
    assert_eq!(cb.final_result, FinalResult::Success(Some(b"\"hi\"".to_vec())));
    env.check();

    let good = |id: u64| payload(id, true, (1_000_000, 100, Some(64)), Some((1, b"Hello")), Some(b"unused"));
    let template = good(0);
    type Make = Box<dyn Fn(u64, u64) -> Option<Vec<u8>>>;
    let mut cases: Vec<(String, Make)> = vec![
        ("a failed promise (what a timeout delivers)".into(), Box::new(|_, _| None)),
        ("an empty payload".into(), Box::new(|_, _| Some(Vec::new()))),
        ("a valid payload plus a trailing byte".into(), Box::new(move |id, _| Some([good(id), vec![0]].concat()))),
        ("another pending request's payload".into(), Box::new(move |_, other| Some(good(other)))),
        ("a payload for id u64::MAX".into(), Box::new(move |_, _| Some(good(u64::MAX)))),
        (
            "success flag 2".into(),
            Box::new(move |id, _| {
                Some({
                    let mut p = good(id);
                    p[8] = 2;
                    p
                })
            }),
        ),
        (
            "memory flag 7".into(),
            Box::new(move |id, _| {
                Some({
                    let mut p = good(id);
                    p[25] = 7;
                    p
                })
            }),
        ),
        ("output kind 3".into(), Box::new(move |id, _| Some(payload(id, true, (1, 1, None), Some((3, b"x")), None)))),
        (
            "output length u32::MAX".into(),
            Box::new(move |id, _| {
                Some({
                    let mut p = payload(id, true, (1, 1, None), Some((1, b"")), None);
                    let at = p.len() - 5;
                    p[at..at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
                    p
                })
            }),
        ),
        (
            "error tag 9".into(),
            Box::new(move |id, _| {
                Some({
                    let mut p = payload(id, false, (1, 1, None), None, None);
                    *p.last_mut().unwrap() = 9;
                    p
                })
            }),
        ),
        ("2000 bytes of 0xff".into(), Box::new(|_, _| Some(vec![0xff; 2000]))),
    ];
    for n in 0..template.len() {
        cases.push((
            format!("the valid payload truncated to {n} bytes"),
            Box::new(move |id, _| Some(good(id)[..n].to_vec())),
        ));
    }
    for k in 0..8 {
        let junk = rng.bytes_upto(64);
        cases.push((
            format!("random bytes #{k}"),
            Box::new(move |id, _| {
                Some({
                    let mut j = junk.clone();
                    if j.len() >= 8 {
                        j[..8].copy_from_slice(&id.to_le_bytes());
                    }
                    j
                })
            }),
        ));
    }
    let (other, _) = env.simple_request(OTHER);
    for (i, (name, make)) in cases.iter().enumerate() {
        let (id, payment) = env.simple_request(USER);
        if i % 2 == 0 {
            // with a submitted output too, which must be deleted as well
            let o = env.call(OPERATOR, "submit_execution_output", submit_args(id, &text("stored")), 0, CLI_GAS);
            assert!(o.result.is_ok(), "{:?}", o.result);
            env.live.get_mut(&id).unwrap().output = Some(text("stored"));
        }
        let user_before = env.vm.balance(USER);
        let cb = env.end_yield(id, make(id, other));
        assert!(cb.result.is_ok(), "{name}: the callback panicked: {:?}", cb.result);
        assert_eq!(env.finish(&cb, id, Some(0)), Some((0, payment)), "{name}: refunded in full");
        assert_eq!(env.vm.balance(USER) - user_before, payment, "{name}");
        let msg = failure(&cb.final_result);
        assert!(msg.contains("malformed result") || msg.contains("timed out"), "{name}: {msg}");
        env.check();
    }
    assert!(env.live.contains_key(&other), "another request's payload did not end that request");
    env.drain();
}

/// (b, continued) Payloads of the right shape with contents the real resolve would send too
/// (a 64 KiB error, absurd usage) or that it could not (a Text output that is not UTF-8): the
/// callback must not panic, and charges what the payload says.
#[test]
fn pitfall_b_callback_survives_odd_contents() {
    let mut env = Env::new(10 * NEAR);
    let absurd = (u64::MAX, u64::MAX, Some(u64::MAX));
    let estimate = DEFAULT_PRICING.estimate(&SEED_LIMITS).unwrap();
    let cases: Vec<(&str, Vec<u8>, u128)> = vec![
        (
            "a failure with an error of 64 KiB",
            payload(0, false, absurd, None, Some(&vec![b'e'; 65536])),
            DEFAULT_PRICING.base,
        ),
        ("a failure with no error", payload(0, false, absurd, None, None), DEFAULT_PRICING.base),
        ("a failure carrying an output", payload(0, false, absurd, Some((1, b"x")), Some(b"e")), DEFAULT_PRICING.base),
        ("a Text output that is not UTF-8", payload(0, true, absurd, Some((1, b"\xff\xfe")), None), estimate),
        ("a Json output that is not JSON", payload(0, true, absurd, Some((2, b"{{{")), None), estimate),
        ("a 64 KiB Bytes output", payload(0, true, absurd, Some((0, &vec![7; 65536])), None), estimate),
    ];
    for (name, mut p, expected) in cases {
        let (id, _) = env.simple_request(USER);
        p[..8].copy_from_slice(&id.to_le_bytes());
        let cb = env.end_yield(id, Some(p));
        assert!(cb.result.is_ok(), "{name}: the callback failed: {:?}", cb.result);
        env.finish(&cb, id, Some(expected));
        env.check();
    }
    env.drain();
}

/// A payload whose error is not UTF-8 (unreachable today: only this contract resumes its yields,
/// and resolve_execution always sends UTF-8) must not make `log_utf8` abort the callback, which
/// would revert its refund: the callback reports a generic "execution failed" instead.
#[test]
fn hardening_callback_with_an_error_that_is_not_utf8() {
    let mut env = Env::new(10 * NEAR);
    for error in [&b"bad \xff\xfe error"[..], b"caf\xc3"] {
        let (id, payment) = env.simple_request(USER);
        let cb = env.end_yield(id, Some(payload(id, false, (1, 1, None), None, Some(error))));
        assert!(cb.result.is_ok(), "the callback failed, reverting its refund: {:?}", cb.result);
        let (charged, refunded) = env.finish(&cb, id, None).unwrap();
        assert_eq!(charged + refunded, payment);
        env.check();
    }
}

/// (c) Storage staking is paid by the deposit: with the contract's own balance at the bare
/// minimum its code and config stake, many pending requests (and outputs) still fit, a deposit
/// one yocto short is refused up front with the exact amount, and no call ever fails with
/// LackBalanceForState.
#[test]
fn pitfall_c_storage_staking_paid_by_the_deposit() {
    let mut env = Env::at_minimum_balance();
    assert_eq!(env.balance(), storage_cost(env.vm.storage_usage() as usize));
    let mut ids = Vec::new();
    for i in 0..24usize {
        let a = RequestArgs {
            repo: format!("https://github.com/user/project-{i}"),
            commit: "c".repeat(1 + i * 5),
            build_target: (i % 2 == 0).then(|| "wasm32-wasi".into()),
            limits: Some(if i % 3 == 0 { Limits { instructions: 0, memory_mb: 0, seconds: 0 } } else { SEED_LIMITS }),
            input_data: Some("\"".repeat(i * 80)),
            secrets: (i % 4 == 0).then(|| vec![7; i * 40]),
            format: Some("Bytes"),
        };
        let required = a.required(&env.pricing, USER).unwrap();
        let short = env.call(USER, "request_execution", a.bytes(), required - 1, CLI_GAS);
        must_fail(&short, &format!("attached deposit is too small: required {required} yoctoNEAR"));
        let (id, _) = env.request(USER, &a, required);
        ids.push(id);
        env.check();
    }
    // Everything the contract stores is backed: it holds exactly the minimum plus the payments.
    assert!(storage_cost(env.vm.storage_usage() as usize) <= env.balance());
    // A submitted output is backed by the payment: the largest that the payment covers fits,
    // one byte more is refused.
    let id = ids[1];
    let record = env.vm.storage(&request_key(id)).unwrap().len();
    let payment = env.live[&id].payment;
    let room = (payment / PER_BYTE) as usize - (9 + record + RECORD_EXTRA) - (9 + 1 + RECORD_EXTRA);
    let too_big =
        env.call(OPERATOR, "submit_execution_output", submit_args(id, &text(&"x".repeat(room + 1))), 0, MAX_GAS);
    must_fail(&too_big, "output too large for this request's payment");
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
    env.pricing = Pricing { base: 0, per_minstr: 0, per_mb: 0, per_sec: 0 };
    let a = RequestArgs::simple(DEFAULT_LIMITS);
    let required = a.required(&env.pricing, USER).unwrap();
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

/// (d) u128 overflow: prices whose maximum estimate would overflow are refused with a clear
/// message; usage reported as u64::MAX everywhere is charged exactly the estimate (capped at the
/// limits), never more than the payment, on default and on large prices.
#[test]
fn pitfall_d_u128_overflow() {
    let mut env = Env::new(10 * NEAR);
    for name in ["base_fee", "per_instruction_fee", "per_mb_fee", "per_second_fee"] {
        let o = env.call(OWNER, "set_pricing", format!(r#"{{"{name}":"{}"}}"#, u128::MAX), 0, CLI_GAS);
        must_fail(&o, "pricing too large: the cost of the maximum limits would overflow u128");
    }
    let max = u128::MAX.to_string();
    let all = format!(
        r#"{{"base_fee":"{max}","per_instruction_fee":"{max}","per_mb_fee":"{max}","per_second_fee":"{max}"}}"#
    );
    must_fail(&env.call(OWNER, "set_pricing", all, 0, CLI_GAS), "pricing too large");
    must_fail(
        &env.call(OWNER, "set_pricing", &br#"{"base_fee":"340282366920938463463374607431768211456"}"#[..], 0, CLI_GAS),
        "exceeds u128::MAX",
    );
    must_fail(
        &env.call(OWNER, "set_pricing", &br#"{"base_fee":340282366920938463463374607431768211455}"#[..], 0, CLI_GAS),
        "decimal strings",
    );
    env.check();

    // The largest base fee the maximum limits allow is accepted, one more is not; a request at
    // that price cannot be paid and fails cleanly.
    let rest = Pricing { base: 0, ..DEFAULT_PRICING }.estimate(&CAP_LIMITS).unwrap();
    let largest = u128::MAX - rest;
    must_fail(
        &env.call(OWNER, "set_pricing", format!(r#"{{"base_fee":"{}"}}"#, largest + 1), 0, CLI_GAS),
        "pricing too large",
    );
    assert_eq!(env.call(OWNER, "set_pricing", format!(r#"{{"base_fee":"{largest}"}}"#), 0, CLI_GAS).result, Ok(None));
    env.pricing.base = largest;
    assert_eq!(env.view("estimate_execution_cost", &serde_json::to_string(&json!({"resource_limits": {"max_instructions": CAP_INSTRUCTIONS, "max_memory_mb": CAP_MEMORY_MB, "max_execution_seconds": CAP_SECONDS}})).unwrap()), json!(u128::MAX.to_string()));
    let o = env.call(USER, "request_execution", RequestArgs::simple(CAP_LIMITS).bytes(), 1000 * NEAR, CLI_GAS);
    assert!(
        o.result.as_ref().unwrap_err().contains("u128::MAX") || o.result.as_ref().unwrap_err().contains("too small"),
        "{:?}",
        o.result
    );
    env.check();
    assert_eq!(
        env.call(OWNER, "set_pricing", format!(r#"{{"base_fee":"{}"}}"#, DEFAULT_PRICING.base), 0, CLI_GAS).result,
        Ok(None)
    );
    env.pricing = DEFAULT_PRICING;

    let absurd = (u64::MAX, u64::MAX, Some(u64::MAX));
    for (limits, memory) in [
        (SEED_LIMITS, Some(u64::MAX)),
        (SEED_LIMITS, None),
        (CAP_LIMITS, Some(u64::MAX)),
        (Limits { instructions: 1, memory_mb: 0, seconds: 0 }, Some(u64::MAX)),
    ] {
        let a = RequestArgs::simple(limits);
        let deposit = a.required(&env.pricing, USER).unwrap() + NEAR;
        let (id, _) = env.request(USER, &a, deposit);
        let cb = env.resolve(id, true, None, None, (u64::MAX, u64::MAX, memory));
        assert_eq!(env.ended[&id].0, env.pricing.estimate(&limits).unwrap(), "charged exactly the estimate");
        assert!(cb.result.is_ok());
    }
    // Large (but allowed) prices: 1 NEAR per million instructions, per MB and per second.
    let big = Pricing { base: NEAR, per_minstr: NEAR, per_mb: NEAR, per_sec: NEAR };
    let o = env.call(
        OWNER,
        "set_pricing",
        format!(
            r#"{{"base_fee":"{NEAR}","per_instruction_fee":"{NEAR}","per_mb_fee":"{NEAR}","per_second_fee":"{NEAR}"}}"#
        ),
        1,
        CLI_GAS,
    );
    assert_eq!(o.result, Ok(None));
    env.tips += 1;
    env.pricing = big;
    let a = RequestArgs::simple(CAP_LIMITS);
    let estimate = big.estimate(&CAP_LIMITS).unwrap();
    assert_eq!(estimate, NEAR * (1 + 100_000 + 1024 + 60));
    let payment = a.required(&big, USER).unwrap();
    let (id, _) = env.request(USER, &a, payment);
    env.resolve(id, true, None, None, absurd);
    assert_eq!(env.ended[&id], (estimate, payment - estimate));
    let (id, _) = env.request(USER, &a, a.required(&big, USER).unwrap());
    env.resolve(id, false, None, Some("x"), absurd);
    assert_eq!(env.ended[&id].0, NEAR, "a failure keeps the base fee");
    env.drain();
}

/// Every field at its cap, with the escape-heaviest content (`\"`, each byte of which is escaped
/// again inside `request_data`), a 64-character sender, and Bytes output.
fn largest_request() -> RequestArgs {
    RequestArgs {
        repo: "\"".repeat(CAP_REPO / 2),
        commit: "\\".repeat(CAP_COMMIT / 2),
        build_target: Some("\"".repeat(CAP_BUILD_TARGET / 2)),
        limits: Some(CAP_LIMITS),
        input_data: Some("\"".repeat(CAP_INPUT / 2)),
        secrets: Some(vec![255; CAP_SECRETS]),
        format: Some("Bytes"),
    }
}

const LONGEST_SENDER: &str = IMPLICIT;

/// (e) NEAR's log limit (16 KiB per log and per receipt) with the largest allowed request: it
/// succeeds with near-cli's gas and its event fits; one byte over any cap is refused by name.
#[test]
fn pitfall_e_log_limit_with_the_largest_request() {
    let mut env = Env::new(10 * NEAR);
    let variants = [
        ("escaped quotes", largest_request()),
        (
            "\\u0001 escapes",
            RequestArgs {
                repo: "\u{1}".repeat(CAP_REPO / 6),
                commit: "\u{1}".repeat(CAP_COMMIT / 6),
                build_target: Some("\u{1}".repeat(CAP_BUILD_TARGET / 6)),
                input_data: Some("\u{1}".repeat(CAP_INPUT / 6)),
                ..largest_request()
            },
        ),
        (
            "4-byte characters",
            RequestArgs {
                repo: "😀".repeat(CAP_REPO / 4),
                commit: "😀".repeat(CAP_COMMIT / 4),
                build_target: Some("😀".repeat(CAP_BUILD_TARGET / 4)),
                input_data: Some("😀".repeat(CAP_INPUT / 4)),
                ..largest_request()
            },
        ),
    ];
    let mut largest_log = 0;
    for (name, a) in &variants {
        assert!(a.valid(), "{name}");
        let deposit = a.required(&env.pricing, LONGEST_SENDER).unwrap();
        let (id, o) = env.request(LONGEST_SENDER, a, deposit);
        let log = o.logs[0].len();
        assert!(log < LOG_LIMIT, "{name}: a {log}-byte event");
        largest_log = largest_log.max(log);
        let data: Value = serde_json::from_str(
            events(&o.logs, "execution_requested")[0]["data"][0]["request_data"].as_str().unwrap(),
        )
        .unwrap();
        assert_eq!(data["input_data"], json!(a.input_data), "{name}: request_data round-trips");
        assert_eq!(data["code_source"]["repo"], json!(a.repo));
        // The callback's event, with the longest error the payload carries (control characters:
        // six bytes each once escaped), fits too.
        let error = "\u{1}".repeat(2000);
        let cb = env.resolve(id, false, None, Some(&error), (u64::MAX, u64::MAX, Some(u64::MAX)));
        let total: usize = cb.logs.iter().map(String::len).sum();
        assert!(total < LOG_LIMIT, "{name}: callback logs {total} bytes");
        let ev = &events(&cb.logs, "execution_completed")[0]["data"][0];
        assert!(ev["error_message"].as_str().unwrap().len() <= 256);
    }
    println!("largest execution_requested event: {largest_log} bytes (limit {LOG_LIMIT})");
    // One over each cap: refused, naming the field and the cap.
    let over: [(&str, RequestArgs); 8] = [
        (
            "code_source.repo: over its cap of 512 bytes",
            RequestArgs { repo: "x".repeat(CAP_REPO + 1), ..largest_request() },
        ),
        (
            "code_source.commit: over its cap of 128 bytes",
            RequestArgs { commit: "\"".repeat(CAP_COMMIT / 2) + "x", ..largest_request() },
        ),
        (
            "code_source.build_target: over its cap of 64 bytes",
            RequestArgs { build_target: Some("x".repeat(CAP_BUILD_TARGET + 1)), ..largest_request() },
        ),
        (
            "input_data: over its cap of 4096 bytes",
            RequestArgs { input_data: Some("\"".repeat(CAP_INPUT / 2) + "x"), ..largest_request() },
        ),
        (
            "encrypted_secrets: over its cap of 1024 bytes",
            RequestArgs { secrets: Some(vec![1; CAP_SECRETS + 1]), ..largest_request() },
        ),
        (
            "max_instructions: over its cap of 100000000000",
            RequestArgs {
                limits: Some(Limits { instructions: CAP_INSTRUCTIONS + 1, ..CAP_LIMITS }),
                ..largest_request()
            },
        ),
        (
            "max_memory_mb: over its cap of 1024",
            RequestArgs { limits: Some(Limits { memory_mb: CAP_MEMORY_MB + 1, ..CAP_LIMITS }), ..largest_request() },
        ),
        (
            "max_execution_seconds: over its cap of 60",
            RequestArgs { limits: Some(Limits { seconds: CAP_SECONDS + 1, ..CAP_LIMITS }), ..largest_request() },
        ),
    ];
    for (msg, a) in over {
        assert!(!a.valid());
        must_fail(&env.call(USER, "request_execution", a.bytes(), 10 * NEAR, CLI_GAS), msg);
        env.check();
    }
    let limits = env.view("get_max_limits", "");
    assert_eq!(
        (
            limits["max_repo_bytes"].as_u64(),
            limits["max_commit_bytes"].as_u64(),
            limits["max_input_data_bytes"].as_u64(),
            limits["max_encrypted_secrets_bytes"].as_u64()
        ),
        (Some(512), Some(128), Some(4096), Some(1024))
    );
    env.drain();
}

/// (f) NEAR's 1024-byte yield payload: the largest inline output that fits goes through, one
/// byte more is refused with the message to use submit_execution_output (and the two-call flow
/// then delivers it); a huge error is shortened at a UTF-8 boundary so reporting the failure
/// still succeeds.
#[test]
fn pitfall_f_yield_payload_limit() {
    let mut env = Env::new(10 * NEAR);
    // Found by trying, from the payload limit down.
    let (probe, _) = env.simple_request(USER);
    let mut largest = 0;
    for n in (900..=YIELD_PAYLOAD_LIMIT).rev() {
        let o = env.call(
            OPERATOR,
            "resolve_execution",
            resolve_args(probe, true, Some(&text(&"x".repeat(n))), None, (1, 1, None)),
            0,
            CLI_GAS,
        );
        match &o.result {
            Err(m) => assert!(m.contains("store it with submit_execution_output, then resolve with"), "{n}: {m}"),
            Ok(_) => {
                largest = n;
                let cb = Env::callbacks(&o).pop().unwrap();
                env.finish(&cb, probe, None);
                assert_eq!(returned(&cb), json!("x".repeat(n)));
                break;
            }
        }
    }
    env.check();
    println!(
        "largest inline output: {largest} bytes without memory_mb, {} with (payload limit {YIELD_PAYLOAD_LIMIT})",
        largest - 8
    );
    // The payload of that output is exactly the limit: nothing is wasted.
    assert_eq!(
        payload(probe, true, (1, 1, None), Some((1, "x".repeat(largest).as_bytes())), None).len(),
        YIELD_PAYLOAD_LIMIT
    );
    for memory in [None, Some(64)] {
        let fits = if memory.is_some() { largest - 8 } else { largest };
        for out in [text(&"\"".repeat(fits / 2)), Out::Bytes(vec![255; fits]), Out::Json(json!("j".repeat(fits - 2)))] {
            assert_eq!(out.body_len(), fits);
            let bigger = match &out {
                Out::Text(s) => text(&(s.clone() + "x")),
                Out::Bytes(b) => Out::Bytes([b.clone(), vec![0]].concat()),
                Out::Json(v) => Out::Json(json!(format!("{}j", v.as_str().unwrap()))),
            };
            let (id, _) = env.simple_request(USER);
            let o = env.call(
                OPERATOR,
                "resolve_execution",
                resolve_args(id, true, Some(&bigger), None, (1, 1, memory)),
                0,
                CLI_GAS,
            );
            must_fail(&o, "store it with submit_execution_output, then resolve with");
            env.check();
            // An error alongside a full output on success is dropped, never a reason to fail.
            let cb = env.resolve(id, true, Some(&out), Some(&"e".repeat(3000)), (1, 1, memory));
            assert_eq!(returned(&cb), out.returned());
            // One byte more goes through the two-call flow.
            let (id, _) = env.simple_request(USER);
            assert_eq!(
                env.call(OPERATOR, "submit_execution_output", submit_args(id, &bigger), 0, CLI_GAS).result,
                Ok(None)
            );
            env.live.get_mut(&id).unwrap().output = Some(bigger.clone());
            let cb = env.resolve(id, true, None, None, (1, 1, memory));
            assert_eq!(returned(&cb), bigger.returned());
        }
    }
    // Huge errors, cut so the failure can still be reported, at a character boundary; an
    // output sent with a failure is not carried, so it takes no room from the error.
    for (name, error, output) in [
        ("100 KiB of 2-byte characters", "é".repeat(51_200), None),
        ("a 4-byte character across the cut", "a".to_string() + &"😀".repeat(5000), None),
        ("3-byte characters", "€".repeat(3000), None),
        ("control characters", "\u{1}\n\"".repeat(3000), None),
        ("with a full inline output", "é".repeat(10_000), Some(text(&"x".repeat(largest)))),
        ("with an output over the payload", "é".repeat(10_000), Some(text(&"x".repeat(5000)))),
    ] {
        let (id, _) = env.simple_request(USER);
        let cb = env.resolve(id, false, output.as_ref(), Some(&error), (1, 1, None));
        let msg = failure(&cb.final_result);
        let reported =
            msg.strip_prefix("Smart contract panicked: Execution failed: ").unwrap_or_else(|| panic!("{name}: {msg}"));
        assert!(error.starts_with(reported), "{name}: the reported error is not a prefix of the error");
        assert!(reported.len() + 3 >= YIELD_PAYLOAD_LIMIT - 28 - 4, "{name}: shortened to {} bytes", reported.len());
        let ev = &events(&cb.logs, "execution_completed")[0]["data"][0];
        assert!(error.starts_with(ev["error_message"].as_str().unwrap()), "{name}: the event's error");
    }
    env.drain();
}

/// The caller's successful result, parsed.
fn returned(cb: &Outcome) -> Value {
    match &cb.final_result {
        FinalResult::Success(Some(v)) => json_of(v),
        r => panic!("expected a returned value, got {r:?}"),
    }
}

/// Runs the worst-case callback paths for the largest request made by `sender` with `gas`: the
/// largest output (32 KiB of Bytes, returned as base64) via submit, then success, failure and
/// timeout. Returns (the least gas a yield got, the most gas a callback used).
fn worst_case_callbacks(env: &mut Env, sender: &str, gas: u64) -> (u64, u64) {
    let a = largest_request();
    let output = Out::Bytes(vec![255; CAP_OUTPUT]);
    let deposit = a.required(&env.pricing, sender).unwrap() + storage_cost(CAP_OUTPUT + 100);
    let mut yield_gas = u64::MAX;
    let mut most = 0;
    for path in ["success", "failure", "timeout"] {
        let o = env.call(sender, "request_execution", a.bytes(), deposit, gas);
        assert!(o.result.is_ok(), "request with {gas} gas: {:?}", o.result);
        let id = env.after_request(sender, deposit, &o, Some(&a));
        let y = env.vm.pending_yields().iter().find(|y| y.data_id == o.yields_created[0]).unwrap().gas;
        yield_gas = yield_gas.min(y);
        let s = env.call(OPERATOR, "submit_execution_output", submit_args(id, &output), 0, CLI_GAS);
        assert_eq!(s.result, Ok(None), "submitting 32 KiB with near-cli's gas");
        env.live.get_mut(&id).unwrap().output = Some(output.clone());
        let cb = match path {
            "success" => env.resolve(id, true, None, None, (u64::MAX, u64::MAX, None)),
            "failure" => env.resolve(id, false, None, Some(&"é".repeat(5000)), (u64::MAX, u64::MAX, None)),
            _ => {
                let cb = env.end_yield(id, None);
                env.finish(&cb, id, Some(0));
                cb
            }
        };
        if path == "success" {
            assert_eq!(returned(&cb), output.returned());
        }
        // Gas used: burnt, plus what the refund and the failure receipt prepay.
        most = most.max(cb.gas_used);
        println!(
            "    {path:8} callback: burnt {:.2}, used {:.2} of {:.2} Tgas",
            tgas(cb.gas_burnt),
            tgas(cb.gas_used),
            tgas(y)
        );
        env.check();
    }
    (yield_gas, most)
}

fn tgas(gas: u64) -> f64 {
    gas as f64 / TGAS as f64
}

/// The least prepaid gas (to 0.01 Tgas) with which `sender`'s largest request is accepted.
fn least_gas_accepted(env: &mut Env, sender: &str) -> u64 {
    let a = largest_request();
    let deposit = a.required(&env.pricing, sender).unwrap();
    let (mut lo, mut hi) = (TGAS, CLI_GAS);
    while hi - lo > TGAS / 100 {
        let mid = (lo + hi) / 2;
        let o = env.call(sender, "request_execution", a.bytes(), deposit, mid);
        match &o.result {
            Ok(_) => {
                env.after_request(sender, deposit, &o, Some(&a));
                hi = mid;
            }
            Err(m) => {
                assert!(m.contains("not enough gas attached") || m.contains("Exceeded the prepaid gas"), "{m}");
                lo = mid;
            }
        }
    }
    hi
}

/// A 64-character named account: the longest sender whose refund is a plain transfer.
const LONGEST_NAMED: &str = concat!("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", ".near");

/// (g) The callback's worst case (largest request, 32 KiB Bytes output returned as base64,
/// refund, event, failure receipt) completes within the gas the request reserved, with
/// near-cli's 30 Tgas and with the least gas request_execution accepts.
#[test]
fn pitfall_g_largest_output_callback_within_reserved_gas() {
    assert_eq!(LONGEST_NAMED.len(), 64);
    let mut env = Env::new(10 * NEAR);
    // What the operator's submit of the largest output costs, per kind.
    for out in [
        Out::Bytes(vec![255; CAP_OUTPUT]),
        text(&"\"".repeat(CAP_OUTPUT / 2)),
        Out::Json(json!("j".repeat(CAP_OUTPUT - 2))),
    ] {
        let (id, _) = env.request(USER, &RequestArgs::simple(SEED_LIMITS), 2 * NEAR);
        let o = env.call(OPERATOR, "submit_execution_output", submit_args(id, &out), 0, CLI_GAS);
        assert_eq!(o.result, Ok(None), "the largest output, submitted with near-cli's 30 Tgas");
        env.live.get_mut(&id).unwrap().output = Some(out.clone());
        let kind = ["Bytes", "Text", "Json"][match out {
            Out::Bytes(_) => 0,
            Out::Text(_) => 1,
            Out::Json(_) => 2,
        }];
        println!(
            "submit_execution_output, largest {kind} output ({} bytes of arguments): {:.1} Tgas",
            submit_args(id, &out).len(),
            tgas(o.gas_burnt)
        );
        env.resolve(id, true, None, None, (1, 1, None));
    }
    println!("largest request from {LONGEST_NAMED} with near-cli's 30 Tgas:");
    let (y, used) = worst_case_callbacks(&mut env, LONGEST_NAMED, CLI_GAS);
    assert!(used <= y);
    let least = least_gas_accepted(&mut env, LONGEST_NAMED);
    println!("least gas accepted for the largest request: {:.2} Tgas; with it:", tgas(least));
    let (y, used) = worst_case_callbacks(&mut env, LONGEST_NAMED, least);
    println!(
        "reserved {:.2} Tgas, worst callback used {:.2} Tgas, headroom {:.2} Tgas",
        tgas(y),
        tgas(used),
        tgas(y - used)
    );
    // The VM charges no trie-node touches (a few per storage call on chain): keep a margin.
    assert!(y >= used + TGAS / 2, "the callback's worst case leaves less than 0.5 Tgas of the reserved gas");
    env.drain();
}

/// The refund of a request made by an implicit account (64 hex characters, or 0x + 40 for an
/// Ethereum-style one) is a transfer that may create the account: since protocol 85 it prepays
/// create_account's execution fee (7.2 Tgas). Found here when the callback reserved 5 Tgas for
/// every sender: with the least gas `request_execution` accepted, the callback ran out of gas,
/// reverting its refund. Now such senders get CALLBACK_GAS_IMPLICIT: every callback path
/// completes even with the least gas the request accepts.
#[test]
fn callback_gas_covers_a_refund_to_an_implicit_account() {
    for sender in [LONGEST_SENDER, "0x1234567890abcdef1234567890abcdef12345678"] {
        let mut env = Env::new(10 * NEAR);
        // The seed's small request, with the least gas accepted for it.
        let a = RequestArgs::simple(SEED_LIMITS);
        let deposit = a.required(&env.pricing, sender).unwrap();
        let mut gas = TGAS;
        let o = loop {
            let o = env.call(sender, "request_execution", a.bytes(), deposit, gas);
            if o.result.is_ok() {
                break o;
            }
            gas += TGAS / 10;
        };
        let id = env.after_request(sender, deposit, &o, Some(&a));
        println!("{sender}: request accepted with {:.1} Tgas", tgas(gas));
        env.resolve(id, true, None, None, (1, 1, None));
        // and the largest request: every callback path
        let least = least_gas_accepted(&mut env, sender);
        worst_case_callbacks(&mut env, sender, least);
        env.drain();
    }
}

/// (h) Operator and owner changed while requests are pending: the new operator resolves them,
/// the old one cannot; the new owner cancels, the old one cannot; a price change while pending
/// does not change what a pending request pays.
#[test]
fn pitfall_h_operator_or_owner_changed_while_pending() {
    let mut env = Env::new(10 * NEAR);
    let (a, _) = env.simple_request(USER);
    let (b, _) = env.simple_request(USER);
    let (c, _) = env.simple_request(OTHER);
    let (d, _) = env.simple_request(OTHER);
    assert_eq!(
        env.call(OWNER, "set_operator", &br#"{"new_operator_id": "new-operator.testnet"}"#[..], 0, CLI_GAS).result,
        Ok(None)
    );
    env.operator = "new-operator.testnet".into();
    must_fail(
        &env.call(OPERATOR, "resolve_execution", resolve_args(a, true, None, None, (1, 1, None)), 0, CLI_GAS),
        "only the operator",
    );
    must_fail(
        &env.call(OPERATOR, "submit_execution_output", submit_args(a, &text("x")), 0, CLI_GAS),
        "only the operator",
    );
    env.check();
    env.resolve(a, true, Some(&text("by the new operator")), None, (1_000_000, 1000, Some(1)));
    // Prices change while b is pending: b pays the prices of when it was made.
    let o = env.call(
        OWNER,
        "set_pricing",
        &br#"{"base_fee": "90000000000000000000000", "per_second_fee": "9000000000000000000000"}"#[..],
        1,
        CLI_GAS,
    );
    assert_eq!(o.result, Ok(None));
    env.tips += 1;
    env.pricing = Pricing { base: 9 * NEAR / 100, per_sec: 9 * NEAR / 1000, ..DEFAULT_PRICING };
    env.resolve(b, true, None, None, (5_000_000, 2500, None));
    assert_eq!(
        env.ended[&b].0,
        DEFAULT_PRICING.charge(&SEED_LIMITS, u128::MAX, 5_000_000, 2500, None),
        "charged at the old prices"
    );
    assert_eq!(
        env.call(OWNER, "set_owner", &br#"{"new_owner_id": "new-owner.testnet"}"#[..], 0, CLI_GAS).result,
        Ok(None)
    );
    env.owner = "new-owner.testnet".into();
    must_fail(&env.call(OWNER, "emergency_cancel_execution", id_args(c), 0, CLI_GAS), "only the owner");
    must_fail(
        &env.call(OWNER, "set_operator", &br#"{"new_operator_id": "operator.testnet"}"#[..], 0, CLI_GAS),
        "only the owner",
    );
    must_fail(&env.call(OWNER, "set_paused", &br#"{"paused": true}"#[..], 0, CLI_GAS), "only the owner");
    env.check();
    let o = env.call("new-owner.testnet", "emergency_cancel_execution", id_args(c), 1, CLI_GAS);
    assert_eq!(o.result, Ok(None));
    env.tips += 1;
    env.after_cancel(&o, c);
    env.check();
    // The operator becomes the old owner: roles are just accounts.
    assert_eq!(
        env.call("new-owner.testnet", "set_operator", &br#"{"new_operator_id": "owner.testnet"}"#[..], 0, CLI_GAS)
            .result,
        Ok(None)
    );
    env.operator = OWNER.into();
    env.resolve(d, false, None, Some("x"), (0, 0, None));
    env.drain();
}

/// (i) A resolve racing the timeout: at the last block before the timeout fires it succeeds; one
/// block later the request has ended as timed out, refunded once, and the resolve fails. A
/// resolve after a cancel fails and the later timeout refunds nothing again.
#[test]
fn pitfall_i_resolve_racing_timeout_and_cancel() {
    let mut env = Env::new(10 * NEAR);
    let timeout = env.vm.yield_timeout_blocks();
    // At the last block: still pending, resolves.
    let (a, _) = env.simple_request(USER);
    env.advance(timeout);
    env.check();
    assert!(env.live.contains_key(&a) && env.pending_yields().contains(&env.live[&a].data_id));
    env.resolve(a, true, Some(&text("just in time")), None, (1, 1, None));

    // One block later: timed out, refunded once; the resolve fails.
    let (b, payment) = env.simple_request(USER);
    let user_before = env.vm.balance(USER);
    env.advance(timeout + 1);
    assert_eq!(env.ended[&b], (0, payment), "timed out, refunded in full");
    let o = env.call(OPERATOR, "resolve_execution", resolve_args(b, true, None, None, (1, 1, None)), 0, CLI_GAS);
    must_fail(&o, "no pending request");
    env.advance(timeout + 1);
    assert_eq!(env.vm.balance(USER) - user_before, payment, "refunded exactly once");
    env.check();

    // Cancelled by the owner, then resolved: fails; the timeout then refunds nothing.
    let (c, payment) = env.simple_request(USER);
    let user_before = env.vm.balance(USER);
    let o = env.call(OWNER, "emergency_cancel_execution", id_args(c), 0, CLI_GAS);
    assert_eq!(o.result, Ok(None));
    env.after_cancel(&o, c);
    must_fail(
        &env.call(OPERATOR, "resolve_execution", resolve_args(c, true, None, None, (1, 1, None)), 0, CLI_GAS),
        "no pending request",
    );
    must_fail(
        &env.call(OPERATOR, "submit_execution_output", submit_args(c, &text("late")), 0, CLI_GAS),
        "no pending request",
    );
    env.advance(timeout + 1);
    assert_eq!(env.vm.balance(USER) - user_before, payment, "refunded exactly once");
    env.check();

    // Cancelled by the sender after 10 minutes of slow blocks, then resolved: same.
    let (d, payment) = env.simple_request(USER);
    must_fail(&env.call(USER, "cancel_stale_execution", id_args(d), 1, CLI_GAS), "does not accept a deposit");
    let user_before = env.vm.balance(USER);
    env.jump_time(599);
    must_fail(&env.call(USER, "cancel_stale_execution", id_args(d), 0, CLI_GAS), "only 10 minutes after");
    env.jump_time(1);
    must_fail(&env.call(OTHER, "cancel_stale_execution", id_args(d), 0, CLI_GAS), "only the request's sender");
    let o = env.call(USER, "cancel_stale_execution", id_args(d), 0, CLI_GAS);
    assert_eq!(o.result, Ok(None));
    env.after_cancel(&o, d);
    must_fail(&env.call(USER, "cancel_stale_execution", id_args(d), 0, CLI_GAS), "no pending request");
    must_fail(
        &env.call(OPERATOR, "resolve_execution", resolve_args(d, false, None, Some("late"), (1, 1, None)), 0, CLI_GAS),
        "no pending request",
    );
    env.advance(timeout + 1);
    assert_eq!(env.vm.balance(USER) - user_before, payment, "refunded exactly once");

    // Resolved, then resolved again: the second fails and nothing is paid twice.
    let (e, _) = env.simple_request(USER);
    env.resolve(e, true, None, None, (1, 1, None));
    must_fail(
        &env.call(OPERATOR, "resolve_execution", resolve_args(e, true, None, None, (1, 1, None)), 0, CLI_GAS),
        "no pending request",
    );
    env.drain();
}

/// (j) Arguments at NEAR's own size limit (max_arguments_length, 4 MiB): each fails cleanly (a
/// cap error or out of gas), writes nothing and gives the deposit back.
#[test]
fn pitfall_j_inputs_at_near_size_limits() {
    let mut env = Env::new(10 * NEAR);
    let (pending, _) = env.simple_request(USER);
    let max = env.vm.config().wasm_config.limit_config.max_arguments_length as usize;
    let fill = |head: &str, filler: &str, tail: &str| -> Vec<u8> {
        let n = (max - head.len() - tail.len()) / filler.len();
        [head.as_bytes(), filler.repeat(n).as_bytes(), tail.as_bytes()].concat()
    };
    let code = r#"{"code_source":{"repo":"r","commit":"c"},"#;
    let cases: Vec<(&str, &str, Vec<u8>)> = vec![
        ("request_execution", "input_data", fill(&format!(r#"{code}"input_data":""#), "x", "\"}")),
        ("request_execution", "unknown field", fill(&format!(r#"{code}"junk":""#), "x", "\"}")),
        ("request_execution", "secrets", fill(&format!(r#"{code}"encrypted_secrets":["#), "1,", "1]}")),
        ("request_execution", "repo", fill(r#"{"code_source":{"commit":"c","repo":""#, "\\\"", "\"}}")),
        ("request_execution", "whitespace", fill("{", " ", "}")),
        ("request_execution", "nesting", fill(&format!(r#"{code}"junk":"#), "[", "")),
        ("request_execution", "unknown numbers", fill(&format!(r#"{code}"junk":"#), "9", "}")),
        (
            "resolve_execution",
            "Text output",
            fill(
                &format!(
                    r#"{{"request_id":{pending},"response":{{"success":true,"resources_used":{{"instructions":1,"time_ms":1}},"output":{{"Text":""#
                ),
                "x",
                "\"}}}",
            ),
        ),
        (
            "resolve_execution",
            "error",
            fill(
                &format!(
                    r#"{{"request_id":{pending},"response":{{"success":false,"resources_used":{{"instructions":1,"time_ms":1}},"error":""#
                ),
                "é",
                "\"}}",
            ),
        ),
        (
            "submit_execution_output",
            "Bytes output",
            fill(&format!(r#"{{"request_id":{pending},"output":{{"Bytes":["#), "255,", "1]}}"),
        ),
        ("set_pricing", "a 4 MiB amount", fill(r#"{"base_fee":""#, "9", "\"}")),
        ("set_operator", "a 4 MiB account id", fill(r#"{"new_operator_id":""#, "a", "\"}")),
        ("get_request", "a 4 MiB id", fill(r#"{"request_id":"#, "1", "}")),
    ];
    for (method, name, args) in cases {
        assert!(args.len() <= max && args.len() > max - 8, "{name}: {} bytes", args.len());
        for gas in [CLI_GAS, MAX_GAS] {
            let (who, deposit) = match method {
                "request_execution" => (USER, NEAR),
                "set_pricing" | "set_operator" => (OWNER, 0),
                "get_request" => (OTHER, 0),
                _ => (OPERATOR, 0),
            };
            let o = env.call(who, method, args.clone(), deposit, gas);
            let Err(msg) = &o.result else {
                println!("    {method:24} {name:18} {:3} Tgas: ok, burnt {:.1} Tgas", gas / TGAS, tgas(o.gas_burnt));
                match name {
                    // The operator's long error is shortened to fit the payload.
                    "error" => {
                        let cb = Env::callbacks(&o).pop().unwrap();
                        env.finish(&cb, pending, Some(DEFAULT_PRICING.base));
                    }
                    // Unknown fields are skipped (as near-sdk's serde does): the request is
                    // stored without it.
                    "unknown field" | "unknown numbers" => {
                        let id = env.after_request(who, deposit, &o, None);
                        assert!(env.vm.storage(&request_key(id)).unwrap().len() < 300);
                    }
                    _ => panic!("{method} with {name} succeeded"),
                }
                env.check();
                continue;
            };
            println!(
                "    {method:24} {name:18} {:3} Tgas: burnt {:6.1} Tgas, {msg}",
                gas / TGAS,
                o.gas_burnt as f64 / TGAS as f64
            );
            env.check();
        }
    }
    env.drain();
}

/// SPEC.md: "Every method that is not payable rejects any other attached deposit". A view called
/// in a transaction with a deposit must fail and give it back (it would otherwise be locked: in
/// no request, no fee and no tip).
#[test]
fn views_refuse_deposits() {
    let mut env = Env::new(10 * NEAR);
    for view in VIEWS {
        let args = if view.contains("request") || view.contains("pending") { id_args(0) } else { b"{}".to_vec() };
        let o = env.call(USER, view, args, NEAR, CLI_GAS);
        must_fail(&o, "does not accept a deposit");
        env.check();
    }
}
