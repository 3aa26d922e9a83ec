//! The contract on the embedded VM with every call checked against a model written from SPEC.md
//! (`common::spec`), never from the contract's code: a failure must be clean and change nothing;
//! a success must do what the spec says; `check` asserts the invariants (money, storage, yields)
//! and `drain` ends every request. Used by the VM fuzz and the callback, limit and gas tests.
#![allow(dead_code)] // each test binary uses its own part

mod endings;
mod helpers;
mod invariants;

pub use helpers::*;

use crate::common::spec::*;
use crate::common::vm::{contract_wasm, CallArgs, FinalResult, Outcome, Vm, YieldId, NEAR, TGAS};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

#[allow(unused_imports)] // re-exported for the test binaries
pub use crate::common::accounts::{CONTRACT, IMPLICIT, OPERATOR, OTHER, OWNER, USER};

/// The five predecessors of the fuzz.
pub const ACTORS: [&str; 5] = [USER, OTHER, OWNER, OPERATOR, CONTRACT];

pub use crate::common::backend::CLI_GAS;
pub const MAX_GAS: u64 = 300 * TGAS;

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
    /// Amounts the chain credited to the contract's own account (refunds of requests it made
    /// itself, deposits of its own failed calls given back)...
    pub self_credits: u128,
    /// ...and deposits it attached to transactions it signed itself.
    pub self_debits: u128,
    /// What `withdraw_fees` sent out (and did not bounce back).
    pub withdrawn: u128,
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
            self_debits: 0,
            withdrawn: 0,
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

    /// Calls take blocks (inclusion, receipt, callback, refund): a yield that would time out
    /// meanwhile does so first, through `advance`, where the model sees it.
    pub fn let_due_timeouts_fire(&mut self) {
        const CALL_BLOCKS: u64 = 8;
        let timeout = self.vm.yield_timeout_blocks();
        loop {
            let height = self.vm.block_height();
            let Some(first) = self.vm.pending_yields().iter().map(|y| y.created_at + timeout).min() else { return };
            if first > height + CALL_BLOCKS {
                return;
            }
            self.advance((first + 1).saturating_sub(height).max(1));
        }
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
        self.let_due_timeouts_fire();
        let storage = self.vm.storage_entries();
        let balance = self.balance();
        let yields = self.pending_yields();
        let o =
            self.vm.call(CallArgs { deposit, prepaid_gas: gas, ..CallArgs::call(predecessor, method, args.clone()) });
        self.calls += 1;
        let (credited, debited) = (credited_to(&o, CONTRACT), if predecessor == CONTRACT { deposit } else { 0 });
        self.self_credits += credited;
        self.self_debits += debited;
        if let Err(msg) = &o.result {
            let kind = clean_failure(msg, method, predecessor, gas, args.len());
            self.count(format!("failed: {kind}"));
            if std::env::var("FUZZ_MESSAGES").is_ok() {
                let short: String = msg.chars().take(90).collect();
                self.count(format!("    {method}: {short}"));
            }
            assert!(self.vm.storage_entries() == storage, "a failed {method} changed storage: {msg}");
            assert_eq!(self.pending_yields(), yields, "a failed {method} changed the pending yields");
            if deposit > 0 {
                assert_eq!(o.refund, Some((predecessor.to_string(), deposit)), "a failed {method} kept its deposit");
            }
            // The contract signing a call of its own pays its deposit and gets it back.
            assert_eq!(
                self.balance() + debited,
                balance + credited,
                "a failed {method} changed the contract's balance"
            );
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
            // Always a string: "" when none was given (strict workers refuse null).
            assert_eq!(view["input_data"], json!(a.input_data.as_deref().unwrap_or("")));
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
}
