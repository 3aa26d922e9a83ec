//! The contract on the embedded VM with every call checked against a model written from SPEC.md
//! (`common::spec`), never from the contract's code: a failure must be clean and change nothing;
//! a success must do what the spec says; `check` asserts the invariants (money, storage, yields)
//! and `drain` ends every request. Used by the VM fuzz and the callback, limit and gas tests.
#![allow(dead_code)] // each test binary uses its own part

mod helpers;
mod invariants;

pub use helpers::*;

use crate::common::spec::*;
use crate::common::vm::{contract_wasm, CallArgs, FinalResult, Outcome, Vm, YieldId, NEAR, TGAS};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

pub const CONTRACT: &str = "offchainvm.testnet";
pub const OWNER: &str = "owner.testnet";
pub const OPERATOR: &str = "operator.testnet";
pub const USER: &str = "user.testnet";
pub const OTHER: &str = "other.testnet";
/// The five predecessors of the fuzz.
pub const ACTORS: [&str; 5] = [USER, OTHER, OWNER, OPERATOR, CONTRACT];
/// An implicit account (64 hex characters): a refund to it prepays account creation.
pub const IMPLICIT: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// near-cli's default prepaid gas.
pub const CLI_GAS: u64 = 30 * TGAS;
pub const MAX_GAS: u64 = 300 * TGAS;

pub const VIEWS: [&str; 11] = [
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
pub const ADMIN: [&str; 7] = [
    "set_operator",
    "set_owner",
    "set_paused",
    "set_pricing",
    "set_keystore_account",
    "set_keystore_pubkey",
    "emergency_cancel_execution",
];

#[derive(Clone, Debug)]
pub struct Req {
    pub sender: String,
    pub payment: u128,
    /// Prices in force when the request was made.
    pub prices: Prices,
    pub limits: Limits,
    pub data_id: YieldId,
    pub timestamp: u64,
    pub output: Option<Output>,
}

/// What the views showed at the last check that used them: pending requests (id, payment,
/// has output), fees, executions.
pub type Fingerprint = (Vec<(u64, u128, bool)>, u128, u64);

pub struct Env {
    pub vm: Vm,
    /// The contract's balance right after `new`.
    pub initial: u128,
    /// 1-yocto deposits kept by successful admin calls.
    pub tips: u128,
    /// Amounts the contract credited to its own account (refunds of requests it made itself,
    /// deposits of its own failed calls): the VM's ledger does not debit callers.
    pub self_credits: u128,
    /// Deposits kept by views called as transactions (must stay 0 once views refuse deposits).
    pub view_kept: u128,
    pub fees: u128,
    pub executions: u64,
    pub next_id: u64,
    pub live: BTreeMap<u64, Req>,
    pub by_yield: BTreeMap<YieldId, u64>,
    /// (charged, refunded) of every request that ended.
    pub ended: BTreeMap<u64, (u128, u128)>,
    pub prices: Prices,
    pub owner: String,
    pub operator: String,
    pub keystore: Option<String>,
    /// The keystore key, as stored (lowercase hex), once one was set.
    pub pubkey: Option<String>,
    pub paused: bool,
    pub calls: u64,
    /// View calls (RPC `call_function`) the checks made.
    pub views: u64,
    pub checks: u64,
    /// Checks that read stats and payments through get_stats and get_request.
    pub view_checks: u64,
    pub last_viewed: Option<Fingerprint>,
    pub tally: BTreeMap<String, u64>,
}

impl Env {
    /// The contract deployed with `balance` and initialized as the seed README does.
    pub fn new(balance: u128) -> Env {
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
            prices: Prices::DEFAULT,
            owner: OWNER.into(),
            operator: OPERATOR.into(),
            keystore: None,
            pubkey: None,
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
    pub fn at_minimum_balance() -> Env {
        let mut env = Env::new(10 * NEAR);
        let minimum = storage_cost(env.vm.storage_usage());
        env.vm.set_balance(CONTRACT, minimum);
        env.initial = minimum;
        env
    }

    pub fn count(&mut self, what: impl Into<String>) {
        *self.tally.entry(what.into()).or_insert(0) += 1;
    }

    pub fn balance(&self) -> u128 {
        self.vm.balance(CONTRACT)
    }

    pub fn pending_yields(&self) -> BTreeSet<YieldId> {
        self.vm.pending_yields().iter().map(|y| y.data_id).collect()
    }

    pub fn view(&mut self, method: &str, args: &str) -> Value {
        self.views += 1;
        let o = self.vm.call(CallArgs::view(method, args.as_bytes().to_vec()));
        match o.result {
            Ok(v) => json_of(&v.unwrap_or_default()),
            Err(e) => panic!("view {method}({args}) failed: {e}"),
        }
    }

    /// One transaction. A failure must be clean and change nothing (storage, yields, balance
    /// but for the deposit given back); what a success did is checked by the caller.
    pub fn call(
        &mut self,
        predecessor: &str,
        method: &str,
        args: impl Into<Vec<u8>>,
        deposit: u128,
        gas: u64,
    ) -> Outcome {
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
    pub fn request(&mut self, sender: &str, args: &Request, deposit: u128) -> (u64, Outcome) {
        let o = self.call(sender, "request_execution", args.bytes(), deposit, CLI_GAS);
        assert!(o.result.is_ok(), "request refused: {:?}", o.result);
        let id = self.after_request(sender, deposit, &o, Some(args));
        (id, o)
    }

    /// Checks a successful request against the spec and adds it to the model.
    pub fn after_request(&mut self, sender: &str, deposit: u128, o: &Outcome, args: Option<&Request>) -> u64 {
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
        let stored = 9 + record as u64 + RECORD_EXTRA;
        let required = self.prices.estimate(&limits) + storage_cost(stored);
        assert!(deposit >= required, "request {id} accepted with {deposit} < required {required}");
        if let Some(a) = args {
            assert_eq!(limits, a.limits());
            assert_eq!(stored, a.stored_bytes(sender), "stored request size");
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
                prices: self.prices,
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
    pub fn finish(&mut self, cb: &Outcome, id: u64, expected_charge: Option<u128>) -> Option<(u128, u128)> {
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
    pub fn callbacks(o: &Outcome) -> Vec<Outcome> {
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
    pub fn advance(&mut self, n: u64) {
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
    pub fn jump_time(&mut self, seconds: u64) {
        self.vm.set_block(self.vm.block_height(), self.vm.block_timestamp() + seconds * 1_000_000_000);
    }

    /// A cancel (by the sender or the owner) succeeded: full refund, request gone, one event.
    pub fn after_cancel(&mut self, o: &Outcome, id: u64) {
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
}

impl Env {
    /// A request with the seed's limits and a comfortable deposit; returns (id, payment).
    pub fn simple_request(&mut self, sender: &str) -> (u64, u128) {
        let a = Request::seed(Limits::SEED_EXAMPLE);
        let deposit = a.required(&self.prices, sender).unwrap() + NEAR / 10;
        let (id, _) = self.request(sender, &a, deposit);
        (id, deposit)
    }

    /// The operator's resolve (near-cli gas); the callback must end the request, charged
    /// exactly what SPEC.md says. Returns the callback.
    pub fn resolve(
        &mut self,
        id: u64,
        success: bool,
        output: Option<&Output>,
        error: Option<&str>,
        used: (u64, u64, Option<u64>),
    ) -> Outcome {
        let operator = self.operator.clone();
        let o = self.call(&operator, "resolve_execution", resolve_args(id, success, output, error, used), 0, CLI_GAS);
        assert_eq!(o.result, Ok(None), "resolve {id}");
        let req = self.live[&id].clone();
        let expected =
            if success { req.prices.charge(&req.limits, req.payment, used) } else { req.prices.base.min(req.payment) };
        let cb = Env::callbacks(&o).pop().expect("the callback ran");
        self.finish(&cb, id, Some(expected)).expect("the request was pending");
        self.check();
        cb
    }

    pub fn end_yield(&mut self, id: u64, payload: Option<Vec<u8>>) -> Outcome {
        let data_id = self.live[&id].data_id;
        let cb = self.vm.end_yield_with(&data_id, payload).expect("the yield was pending");
        self.self_credits += credited_to(&cb, CONTRACT);
        cb
    }
}
