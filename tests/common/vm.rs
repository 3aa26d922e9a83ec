//! A small embedded NEAR runtime for integration tests.
//!
//! Contract code runs in nearcore's own contract VM (`near-vm-runner`, wasmtime backend) with
//! real gas metering and the parameters of the current stable protocol version, so gas numbers,
//! host-function limits and failure modes are those of mainnet. Around the VM this module models
//! the part of the chain runtime that a single contract account sees:
//!
//! * storage persists across calls (the `MockedExternal` fake trie), and a failed call, including
//!   one that fails the storage-staking check afterwards, rolls back everything it did;
//! * a ledger of balances: the contract's balance exactly, and for every other account the amount
//!   this runtime has credited to it (transfers, deposit refunds). Callers' own funds and gas
//!   purchases are outside the model, so attached deposits are not debited from anyone;
//! * receipts the contract creates: transfers are credited, function calls to the contract itself
//!   run right after the call that created them, yields wait for a resume or a timeout.
//!
//! Yields follow protocol 83+ (instant PromiseYield, yield status in state): a yield can be
//! resumed as soon as the call that created it succeeded, and `promise_yield_resume` returns 1
//! while the yield waits and 0 once its callback ran or for an unknown id. A successful call's
//! resumes are delivered right after it, so its callbacks' outcomes are in its
//! [`Outcome::spawned`]. A yield nobody resumed times out: the chain notices at
//! `created + yield_timeout_length_in_blocks` and runs the callback with `PromiseResult::Failed`
//! one block later, in [`Vm::advance_blocks`].
//!
//! Where this differs from the chain:
//! * Receipts the chain runs one block later (transfers, self calls, resumed callbacks) run at
//!   the height of the call that created them, before the next call. So a second resume from a
//!   later call always gets 0, where on chain a resume landing in the same block as the first
//!   (before the callback ran) would also get 1 and then be dropped.
//! * `MockedExternal` charges no trie-node touches (2.28 Ggas per node on chain; a
//!   `storage_write`/`storage_remove` typically touches a few dozen) and does not enforce the
//!   per-receipt storage-proof limit: storage-heavy calls burn slightly more gas on chain, so
//!   keep a margin on gas assertions near a limit.
//! * Anything else a contract might emit (calls to other accounts, keys, deploys, stakes, ...) is
//!   not modelled and panics the test with a clear message, so a gap never passes silently.
#![allow(dead_code)] // each test binary uses its own subset of this module

use near_parameters::{RuntimeConfig, RuntimeConfigStore};
use near_primitives_core::account::AccountContract;
use near_primitives_core::config::ViewConfig;
use near_primitives_core::hash::{hash, CryptoHash, YieldId as UserYieldId};
use near_primitives_core::version::PROTOCOL_VERSION;
use near_vm_runner::logic::mocks::mock_external::{MockAction, MockedExternal};
use near_vm_runner::logic::types::{AccountId, Balance, Gas, PromiseResult};
use near_vm_runner::logic::{ReturnData, VMContext, VMOutcome};
use near_vm_runner::{ContractCode, MockContractRuntimeCache, ProfileDataV3};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};
use std::time::SystemTime;

pub const TGAS: u64 = 1_000_000_000_000;
pub const NEAR: u128 = 1_000_000_000_000_000_000_000_000;

/// Gas in teragas, for readable assertions and reports.
pub fn tgas(gas: u64) -> f64 {
    gas as f64 / TGAS as f64
}

/// The resumption token of a yield: the 32-byte `data_id` that `promise_yield_create` writes to
/// its register and `promise_yield_resume` takes back.
pub type YieldId = [u8; 32];

/// `storage_usage` of an account without any data (nearcore's `num_bytes_account`).
const ACCOUNT_RECORD_BYTES: u64 = 100;
/// NEP-448: an account using at most this many bytes needs no balance for storage
/// (`ZERO_BALANCE_ACCOUNT_STORAGE_LIMIT` in nearcore's runtime; not a config parameter).
const ZERO_BALANCE_ACCOUNT_STORAGE_LIMIT: u64 = 770;
const BLOCK_TIME_NS: u64 = 1_000_000_000;
const EPOCH_LENGTH: u64 = 43_200;

/// One transaction-level function call into the contract.
#[derive(Clone, Debug)]
pub struct CallArgs {
    pub predecessor: String,
    pub method: String,
    pub args: Vec<u8>,
    pub deposit: u128,
    /// Ignored for views: the RPC runs them with `max_gas_burnt` as both limit and prepaid gas.
    pub prepaid_gas: u64,
    pub is_view: bool,
}

impl CallArgs {
    /// A change call with no deposit and 300 Tgas; set `prepaid_gas` to test a tighter budget.
    pub fn call(predecessor: &str, method: &str, args: impl Into<Vec<u8>>) -> Self {
        CallArgs {
            predecessor: predecessor.into(),
            method: method.into(),
            args: args.into(),
            deposit: 0,
            prepaid_gas: 300 * TGAS,
            is_view: false,
        }
    }

    /// A view call; the predecessor is irrelevant since views may not ask for it.
    pub fn view(method: &str, args: impl Into<Vec<u8>>) -> Self {
        CallArgs { is_view: true, ..CallArgs::call("viewer.near", method, args) }
    }
}

/// Where a chain of receipts ended up: its value or failure, or the yield it still waits for.
#[derive(Clone, Debug, PartialEq)]
pub enum FinalResult {
    Success(Option<Vec<u8>>),
    Failure(String),
    AwaitingYield(YieldId),
}

/// What one function call execution did.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub method: String,
    pub predecessor: String,
    /// Set when this execution is the callback of that yield.
    pub yield_id: Option<YieldId>,
    /// The call's own return value (`None` also when it returned a promise) or its error.
    pub result: Result<Option<Vec<u8>>, String>,
    /// The call's result after following `promise_return`; see also [`Vm::final_result`].
    pub final_result: FinalResult,
    pub logs: Vec<String>,
    pub gas_burnt: u64,
    /// As the VM reports it; the chain would add the unused gas handed out to receipts with a
    /// gas weight (they get it here as well, see [`PendingYield::gas`]).
    pub gas_used: u64,
    pub profile: ProfileDataV3,
    /// Transfers this call made, credited to their receivers.
    pub transfers: Vec<(String, u128)>,
    /// The attached deposit given back to the predecessor because the call failed.
    pub refund: Option<(String, u128)>,
    pub yields_created: Vec<YieldId>,
    /// Yields whose callbacks this call's resumes delivered.
    pub yields_resumed: Vec<YieldId>,
    /// Self function calls and resumed yield callbacks this call caused, in execution order.
    pub spawned: Vec<Outcome>,
}

impl Outcome {
    /// Gas of wasm instructions, as opposed to host functions and action fees.
    pub fn wasm_gas(&self) -> u64 {
        self.profile.get_wasm_cost().as_gas()
    }

    /// Gas of the fees for the receipts and actions the call created.
    pub fn action_gas(&self) -> u64 {
        self.profile.action_gas().as_gas()
    }
}

/// A yield waiting for `promise_yield_resume` or its timeout.
#[derive(Clone, Debug)]
pub struct PendingYield {
    pub data_id: YieldId,
    pub method: String,
    pub args: Vec<u8>,
    /// The gas given at creation plus its share of the creating call's unused gas by gas weight,
    /// as nearcore's `ReceiptManager::distribute_gas` hands it out.
    pub gas: u64,
    pub deposit: u128,
    pub created_at: u64,
    user_id: Option<UserYieldId>,
    signer: AccountId,
}

/// One execution the runtime is about to run.
struct Invocation {
    predecessor: AccountId,
    signer: AccountId,
    method: String,
    args: Vec<u8>,
    deposit: u128,
    gas: u64,
    promise_results: Arc<[PromiseResult]>,
    is_view: bool,
    yield_id: Option<YieldId>,
}

/// A function call action as the contract created it.
struct FnCall {
    method: String,
    args: Vec<u8>,
    deposit: u128,
    gas: u64,
}

/// A non-yield receipt the contract created.
struct Receipt {
    receiver: AccountId,
    depends_on: Vec<usize>,
    transfers: Vec<u128>,
    call: Option<FnCall>,
}

/// The receipts and resumes of one successful call, keyed by their index in the action log
/// (which is also what `ReturnData::ReceiptIndex` and `promise_then` dependencies refer to).
struct Effects {
    /// The transaction's signer, which every receipt of the chain keeps.
    signer: AccountId,
    receipts: BTreeMap<usize, Receipt>,
    yields: BTreeMap<usize, PendingYield>,
    /// Log indices of receipts to run and resumes to deliver, in creation order.
    steps: Vec<Step>,
    /// Function calls with a gas weight: (log index of their receipt, weight).
    weights: Vec<(usize, u64)>,
}

enum Step {
    Receipt(usize),
    Resume(YieldId, Vec<u8>),
}

pub struct Vm {
    account: AccountId,
    config: Arc<RuntimeConfig>,
    ext: MockedExternal,
    cache: MockContractRuntimeCache,
    storage_usage: u64,
    balances: BTreeMap<String, u128>,
    /// In creation order, which is also the order of nearcore's timeout queue.
    pending: Vec<PendingYield>,
    /// Final results of yield callbacks, to follow `FinalResult::AwaitingYield`.
    resolved: BTreeMap<YieldId, FinalResult>,
    block_height: u64,
    block_timestamp: u64,
    executions: u64,
}

impl Vm {
    pub fn new(contract_account: &str, wasm: &[u8], contract_balance: u128) -> Vm {
        let account = parse_account(contract_account);
        let code = ContractCode::new(wasm.to_vec(), None);
        let storage_usage = ACCOUNT_RECORD_BYTES + wasm.len() as u64;
        Vm {
            balances: BTreeMap::from([(account.to_string(), contract_balance)]),
            account,
            config: Arc::clone(RuntimeConfigStore::new(None).get_config(PROTOCOL_VERSION)),
            ext: MockedExternal::with_code(code),
            cache: MockContractRuntimeCache::default(),
            storage_usage,
            pending: Vec::new(),
            resolved: BTreeMap::new(),
            block_height: 100_000_000,
            block_timestamp: 1_700_000_000 * BLOCK_TIME_NS,
            executions: 0,
        }
    }

    pub fn config(&self) -> &RuntimeConfig {
        &self.config
    }

    pub fn account(&self) -> &str {
        self.account.as_str()
    }

    pub fn balance(&self, account: &str) -> u128 {
        self.balances.get(account).copied().unwrap_or(0)
    }

    pub fn set_balance(&mut self, account: &str, amount: u128) {
        self.balances.insert(account.into(), amount);
    }

    pub fn balances(&self) -> &BTreeMap<String, u128> {
        &self.balances
    }

    pub fn storage_usage(&self) -> u64 {
        self.storage_usage
    }

    /// A raw value of the contract's storage.
    pub fn storage(&self, key: &[u8]) -> Option<&[u8]> {
        self.ext.fake_trie.get(key).map(Vec::as_slice)
    }

    pub fn pending_yields(&self) -> &[PendingYield] {
        &self.pending
    }

    /// Every key and value of the contract's storage, sorted by key: a snapshot to compare
    /// before and after a call, or to list what the contract holds.
    pub fn storage_entries(&self) -> BTreeMap<Vec<u8>, Vec<u8>> {
        self.ext.fake_trie.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }

    /// Ends a pending yield with a result of the test's choosing and runs its callback (as the
    /// contract itself, with the yield's own gas, at the current block): `Some(payload)` is a
    /// resume carrying `payload` (`PromiseResult::Successful`), `None` a failed promise (what a
    /// timeout delivers). For hostile tests: it hands the callback payloads that the contract's
    /// own `resolve_execution` would never produce (garbage, truncated, another request's id).
    /// Returns `None`, and runs nothing, when no such yield is pending.
    pub fn end_yield_with(&mut self, data_id: &YieldId, payload: Option<Vec<u8>>) -> Option<Outcome> {
        let y = self.take_pending(data_id)?;
        let result = match payload {
            Some(p) => PromiseResult::Successful(p.into()),
            None => PromiseResult::Failed,
        };
        Some(self.run_yield_callback(y, result))
    }

    pub fn block_height(&self) -> u64 {
        self.block_height
    }

    pub fn block_timestamp(&self) -> u64 {
        self.block_timestamp
    }

    /// Jumps to a block without firing timeouts in between; use `advance_blocks` to let them.
    pub fn set_block(&mut self, height: u64, timestamp_ns: u64) {
        self.block_height = height;
        self.block_timestamp = timestamp_ns;
    }

    /// The protocol's yield timeout, from the config.
    pub fn yield_timeout_blocks(&self) -> u64 {
        self.config.wasm_config.limit_config.yield_timeout_length_in_blocks
    }

    /// Runs a transaction's function call (signer = predecessor) and everything it triggers.
    pub fn call(&mut self, call: CallArgs) -> Outcome {
        self.check_valid_transaction(&call);
        let predecessor = parse_account(&call.predecessor);
        if !call.is_view {
            self.balances.entry(call.predecessor).or_insert(0);
        }
        self.execute(Invocation {
            signer: predecessor.clone(),
            predecessor,
            method: call.method,
            args: call.args,
            deposit: call.deposit,
            gas: if call.is_view { self.max_gas_burnt() } else { call.prepaid_gas },
            promise_results: [].into(),
            is_view: call.is_view,
            yield_id: None,
        })
    }

    /// Produces `n` blocks, ~1 s apart. A yield times out at `created + timeout`; its callback
    /// runs in the next block with `PromiseResult::Failed`. Returns those callbacks' outcomes.
    pub fn advance_blocks(&mut self, n: u64) -> Vec<Outcome> {
        let mut outcomes = Vec::new();
        for _ in 0..n {
            self.block_height += 1;
            self.block_timestamp += BLOCK_TIME_NS;
            for expired in self.take_expired_yields() {
                outcomes.push(self.run_yield_callback(expired, PromiseResult::Failed));
            }
        }
        outcomes
    }

    /// The final result of the chain an outcome started, following yields whose callbacks ran.
    pub fn final_result(&self, outcome: &Outcome) -> FinalResult {
        let mut result = outcome.final_result.clone();
        while let FinalResult::AwaitingYield(id) = result {
            match self.resolved.get(&id) {
                Some(next) => result = next.clone(),
                None => break,
            }
        }
        result
    }

    /// A transaction the chain would reject never runs, so a test sending one is a test bug.
    fn check_valid_transaction(&self, call: &CallArgs) {
        let limits = &self.config.wasm_config.limit_config;
        assert!(
            call.prepaid_gas <= limits.max_total_prepaid_gas.as_gas(),
            "invalid transaction: prepaid gas above max_total_prepaid_gas"
        );
        assert!(
            call.args.len() as u64 <= limits.max_arguments_length,
            "invalid transaction: arguments longer than max_arguments_length"
        );
        assert!(!call.is_view || call.deposit == 0, "a view call cannot attach a deposit");
    }

    fn max_gas_burnt(&self) -> u64 {
        self.config.wasm_config.limit_config.max_gas_burnt.as_gas()
    }

    fn take_expired_yields(&mut self) -> Vec<PendingYield> {
        let deadline = self.yield_timeout_blocks();
        let height = self.block_height;
        let (expired, pending) = self.pending.drain(..).partition(|y| height > y.created_at + deadline);
        self.pending = pending;
        expired
    }

    fn run_yield_callback(&mut self, y: PendingYield, result: PromiseResult) -> Outcome {
        let outcome = self.execute(Invocation {
            predecessor: self.account.clone(),
            signer: y.signer,
            method: y.method,
            args: y.args,
            deposit: y.deposit,
            gas: y.gas,
            promise_results: [result].into(),
            is_view: false,
            yield_id: Some(y.data_id),
        });
        self.resolved.insert(y.data_id, outcome.final_result.clone());
        outcome
    }

    /// Runs one execution; on failure undoes its storage writes and refunds its deposit, on
    /// success commits balance and storage usage and then processes the receipts it created.
    fn execute(&mut self, inv: Invocation) -> Outcome {
        let trie_before = self.ext.fake_trie.clone();
        let seeded = self.seed_action_log();
        let vm = self.run_vm(&inv);
        let mut outcome = new_outcome(&inv, &vm);
        if inv.is_view {
            // Host functions already refuse writes in views; restoring keeps that a guarantee.
            self.ext.fake_trie = trie_before;
            return outcome;
        }
        let failure = match &vm.aborted {
            Some(error) => Some(error.to_string()),
            None => self.lack_balance_for_state(&vm),
        };
        if let Some(error) = failure {
            self.ext.fake_trie = trie_before;
            self.refund(&inv, &mut outcome);
            outcome.result = Err(error.clone());
            outcome.final_result = FinalResult::Failure(error);
            return outcome;
        }
        self.balances.insert(self.account.to_string(), vm.balance.as_yoctonear());
        self.storage_usage = vm.storage_usage;
        let mut effects = self.collect_effects(seeded, &inv);
        effects.distribute_gas(inv.gas.saturating_sub(vm.used_gas.as_gas()));
        self.apply_effects(effects, &vm.return_data, &mut outcome);
        outcome
    }

    /// Starts the action log with the pending yields, so that `MockedExternal` answers
    /// `promise_yield_resume` (and `promise_yield_create_with_id` duplicates) as the chain
    /// would: 1 only for a yield that is still waiting. Returns how many entries were seeded.
    fn seed_action_log(&mut self) -> usize {
        let receiver_id = self.account.clone();
        self.ext.action_log = self
            .pending
            .iter()
            .map(|y| MockAction::YieldCreate {
                data_id: CryptoHash(y.data_id),
                receiver_id: receiver_id.clone(),
                yield_id: y.user_id,
            })
            .collect();
        self.pending.len()
    }

    fn run_vm(&mut self, inv: &Invocation) -> VMOutcome {
        let context = self.context(inv);
        let wasm_config = Arc::clone(&self.config.wasm_config);
        let gas_counter = context.make_gas_counter(&wasm_config);
        let prepared = near_vm_runner::prepare(&self.ext, wasm_config, Some(&self.cache), gas_counter, &inv.method);
        near_vm_runner::run(prepared, &mut self.ext, &context, Arc::clone(&self.config.fees))
            .unwrap_or_else(|e| panic!("near-vm-runner failed internally: {e:?}"))
    }

    fn context(&mut self, inv: &Invocation) -> VMContext {
        self.executions += 1;
        VMContext {
            current_account_id: self.account.clone(),
            signer_account_id: inv.signer.clone(),
            // Borsh of an ED25519 key: the key type byte, then 32 key bytes.
            signer_account_pk: vec![0; 33],
            predecessor_account_id: inv.predecessor.clone(),
            refund_to_account_id: inv.predecessor.clone(),
            input: inv.args.as_slice().into(),
            promise_results: Arc::clone(&inv.promise_results),
            block_height: self.block_height,
            block_timestamp: self.block_timestamp,
            epoch_height: self.block_height / EPOCH_LENGTH,
            account_balance: Balance::from_yoctonear(self.balance(self.account.as_str())),
            account_locked_balance: Balance::ZERO,
            storage_usage: self.storage_usage,
            account_contract: AccountContract::Local(self.ext.code_hash),
            attached_deposit: Balance::from_yoctonear(inv.deposit),
            prepaid_gas: Gas::from_gas(inv.gas),
            random_seed: hash(&self.executions.to_le_bytes()).as_bytes().to_vec(),
            view_config: inv.is_view.then(|| ViewConfig { max_gas_burnt: Gas::from_gas(self.max_gas_burnt()) }),
            output_data_receivers: Vec::new(),
        }
    }

    /// The runtime's storage-staking check after a successful call (`LackBalanceForState`).
    fn lack_balance_for_state(&self, vm: &VMOutcome) -> Option<String> {
        let per_byte = self.config.storage_amount_per_byte().as_yoctonear();
        let required = u128::from(vm.storage_usage) * per_byte;
        let balance = vm.balance.as_yoctonear();
        let exempt = vm.storage_usage <= ZERO_BALANCE_ACCOUNT_STORAGE_LIMIT;
        (balance < required && !exempt).then(|| {
            let amount = required - balance;
            format!("LackBalanceForState {{ account_id: {}, amount: {amount} }}", self.account)
        })
    }

    fn refund(&mut self, inv: &Invocation, outcome: &mut Outcome) {
        if inv.deposit > 0 {
            self.credit(&inv.predecessor, inv.deposit);
            outcome.refund = Some((inv.predecessor.to_string(), inv.deposit));
        }
    }

    fn credit(&mut self, account: &AccountId, amount: u128) {
        *self.balances.entry(account.to_string()).or_insert(0) += amount;
    }

    /// Reads the receipts, yields and resumes the call appended to the action log.
    fn collect_effects(&self, seeded: usize, inv: &Invocation) -> Effects {
        let mut effects = Effects {
            signer: inv.signer.clone(),
            receipts: BTreeMap::new(),
            yields: BTreeMap::new(),
            steps: Vec::new(),
            weights: Vec::new(),
        };
        for (index, action) in self.ext.action_log.iter().enumerate().skip(seeded) {
            match action {
                MockAction::CreateReceipt { receipt_indices, receiver_id } => {
                    let depends_on = receipt_indices.iter().map(|&i| i as usize).collect();
                    let receipt =
                        Receipt { receiver: receiver_id.clone(), depends_on, transfers: Vec::new(), call: None };
                    effects.receipts.insert(index, receipt);
                    effects.steps.push(Step::Receipt(index));
                }
                MockAction::YieldCreate { data_id, yield_id, .. } => {
                    let y = self.new_yield(data_id.0, *yield_id, &inv.signer);
                    effects.yields.insert(index, y);
                }
                MockAction::FunctionCallWeight {
                    receipt_index,
                    method_name,
                    args,
                    attached_deposit,
                    prepaid_gas,
                    gas_weight,
                } => {
                    let call = FnCall {
                        method: String::from_utf8(method_name.clone()).expect("method name is UTF-8"),
                        args: args.clone(),
                        deposit: attached_deposit.as_yoctonear(),
                        gas: prepaid_gas.as_gas(),
                    };
                    let receipt_index = *receipt_index as usize;
                    if gas_weight.0 > 0 {
                        effects.weights.push((receipt_index, gas_weight.0));
                    }
                    effects.attach_call(receipt_index, call);
                }
                MockAction::Transfer { receipt_index, deposit } => {
                    let receipt = effects.receipts.get_mut(&(*receipt_index as usize));
                    receipt.expect("transfer on a known receipt").transfers.push(deposit.as_yoctonear());
                }
                MockAction::YieldResume { data_id, data } => {
                    effects.steps.push(Step::Resume(data_id.0, data.clone()));
                }
                other => panic!("the test VM does not model this action: {other:?}"),
            }
        }
        effects
    }

    fn new_yield(&self, data_id: YieldId, user_id: Option<UserYieldId>, signer: &AccountId) -> PendingYield {
        PendingYield {
            data_id,
            method: String::new(),
            args: Vec::new(),
            gas: 0,
            deposit: 0,
            created_at: self.block_height,
            user_id,
            signer: signer.clone(),
        }
    }

    /// Commits a successful call's effects: credits transfers, registers yields, then runs the
    /// self calls and delivers the resumes in the order the contract created them.
    fn apply_effects(&mut self, mut effects: Effects, returned: &ReturnData, outcome: &mut Outcome) {
        self.credit_transfers(&effects, outcome);
        for y in effects.yields.values() {
            outcome.yields_created.push(y.data_id);
            self.pending.push(y.clone());
        }
        let mut results: BTreeMap<usize, FinalResult> = BTreeMap::new();
        for step in std::mem::take(&mut effects.steps) {
            match step {
                Step::Receipt(index) => {
                    let (result, spawned) = self.run_receipt(&effects, index, &results);
                    results.insert(index, result);
                    outcome.spawned.extend(spawned);
                }
                Step::Resume(data_id, payload) => {
                    // A resume of a yield that is no longer pending (an unknown id, or a second
                    // resume of the same yield) is dropped, as the chain drops it.
                    if let Some(y) = self.take_pending(&data_id) {
                        let payload = PromiseResult::Successful(payload.into());
                        outcome.spawned.push(self.run_yield_callback(y, payload));
                        outcome.yields_resumed.push(data_id);
                    }
                }
            }
        }
        outcome.final_result = match returned {
            ReturnData::Value(value) => FinalResult::Success(Some(value.clone())),
            ReturnData::None => FinalResult::Success(None),
            ReturnData::ReceiptIndex(index) => {
                let index = *index as usize;
                match effects.yields.get(&index) {
                    Some(y) => FinalResult::AwaitingYield(y.data_id),
                    None => results.remove(&index).expect("returned promise was executed"),
                }
            }
        };
    }

    fn credit_transfers(&mut self, effects: &Effects, outcome: &mut Outcome) {
        for receipt in effects.receipts.values() {
            for &amount in &receipt.transfers {
                self.credit(&receipt.receiver, amount);
                outcome.transfers.push((receipt.receiver.to_string(), amount));
            }
        }
    }

    fn take_pending(&mut self, data_id: &YieldId) -> Option<PendingYield> {
        let position = self.pending.iter().position(|y| &y.data_id == data_id)?;
        Some(self.pending.remove(position))
    }

    /// Runs a receipt's function call, if it has one, on the contract itself. A receipt of
    /// transfers only succeeds with no value, as on chain.
    fn run_receipt(
        &mut self,
        effects: &Effects,
        index: usize,
        results: &BTreeMap<usize, FinalResult>,
    ) -> (FinalResult, Option<Outcome>) {
        let receipt = &effects.receipts[&index];
        let Some(call) = &receipt.call else {
            return (FinalResult::Success(None), None);
        };
        assert!(
            receipt.receiver == self.account,
            "the test VM does not model calls to other accounts ({} on {})",
            call.method,
            receipt.receiver
        );
        assert!(receipt.transfers.is_empty(), "the test VM does not model a transfer and a call in one receipt");
        let promise_results = receipt.depends_on.iter().map(|i| promise_result_of(i, results)).collect();
        let outcome = self.execute(Invocation {
            predecessor: self.account.clone(),
            signer: effects.signer.clone(),
            method: call.method.clone(),
            args: call.args.clone(),
            deposit: call.deposit,
            gas: call.gas,
            promise_results,
            is_view: false,
            yield_id: None,
        });
        (outcome.final_result.clone(), Some(outcome))
    }
}

impl Effects {
    /// Puts a function call on its receipt: on a yield it is the callback to run later.
    fn attach_call(&mut self, receipt_index: usize, call: FnCall) {
        if let Some(y) = self.yields.get_mut(&receipt_index) {
            y.method = call.method;
            y.args = call.args;
            y.deposit = call.deposit;
            y.gas = call.gas;
            return;
        }
        let receipt = self.receipts.get_mut(&receipt_index).expect("function call on a known receipt");
        assert!(receipt.call.is_none(), "the test VM does not model several function calls in one receipt");
        receipt.call = Some(call);
    }

    /// Hands the call's unused gas to its weighted function calls, as the chain does.
    fn distribute_gas(&mut self, unused_gas: u64) {
        for (receipt_index, share) in gas_shares(&self.weights, unused_gas) {
            match self.yields.get_mut(&receipt_index) {
                Some(y) => y.gas += share,
                None => {
                    self.receipts
                        .get_mut(&receipt_index)
                        .and_then(|r| r.call.as_mut())
                        .expect("a weighted call on a known receipt")
                        .gas += share
                }
            }
        }
    }
}

/// nearcore's `ReceiptManager::distribute_gas`: each weighted call gets the floor of its share
/// of the unused gas, and the last one also gets the remainder.
fn gas_shares(weights: &[(usize, u64)], unused_gas: u64) -> Vec<(usize, u64)> {
    let total_weight: u128 = weights.iter().map(|&(_, w)| u128::from(w)).sum();
    if total_weight == 0 {
        return Vec::new();
    }
    let share = |weight: u64| (u128::from(unused_gas) * u128::from(weight) / total_weight) as u64;
    let mut shares: Vec<(usize, u64)> = weights.iter().map(|&(i, w)| (i, share(w))).collect();
    let distributed: u64 = shares.iter().map(|&(_, share)| share).sum();
    shares.last_mut().unwrap().1 += unused_gas - distributed;
    shares
}

/// What a callback sees of a receipt it depends on.
fn promise_result_of(index: &usize, results: &BTreeMap<usize, FinalResult>) -> PromiseResult {
    match results.get(index) {
        Some(FinalResult::Success(value)) => PromiseResult::Successful(value.clone().unwrap_or_default().into()),
        Some(FinalResult::Failure(_)) => PromiseResult::Failed,
        Some(FinalResult::AwaitingYield(_)) | None => {
            panic!("the test VM does not model callbacks on yields or on other accounts' receipts")
        }
    }
}

fn new_outcome(inv: &Invocation, vm: &VMOutcome) -> Outcome {
    let result = match (&vm.aborted, &vm.return_data) {
        (Some(error), _) => Err(error.to_string()),
        (None, ReturnData::Value(value)) => Ok(Some(value.clone())),
        (None, _) => Ok(None),
    };
    Outcome {
        method: inv.method.clone(),
        predecessor: inv.predecessor.to_string(),
        yield_id: inv.yield_id,
        final_result: match &result {
            Ok(value) => FinalResult::Success(value.clone()),
            Err(error) => FinalResult::Failure(error.clone()),
        },
        result,
        logs: vm.logs.clone(),
        gas_burnt: vm.burnt_gas.as_gas(),
        gas_used: vm.used_gas.as_gas(),
        profile: vm.profile.clone(),
        transfers: Vec::new(),
        refund: None,
        yields_created: Vec::new(),
        yields_resumed: Vec::new(),
        spawned: Vec::new(),
    }
}

fn parse_account(account: &str) -> AccountId {
    account.parse().unwrap_or_else(|e| panic!("invalid account id {account:?}: {e}"))
}

/// The contract's wasm, `res/offchainvm_contract.wasm`, rebuilt with `./build.sh` (once per test
/// binary) when it is missing or older than any file in `src/` or `Cargo.toml`.
pub fn contract_wasm() -> Vec<u8> {
    // CI also runs the scenarios on the wasm of the seed README's own build
    // command (`cargo build --release --target wasm32-unknown-unknown`).
    if let Ok(path) = std::env::var("OFFCHAINVM_WASM") {
        return std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read OFFCHAINVM_WASM={path}: {e}"));
    }
    static BUILT: OnceLock<()> = OnceLock::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let wasm = root.join("res/offchainvm_contract.wasm");
    BUILT.get_or_init(|| {
        if is_stale(root, &wasm) {
            run_build_script(root);
        }
    });
    std::fs::read(&wasm).unwrap_or_else(|e| panic!("cannot read {}: {e}", wasm.display()))
}

fn is_stale(root: &Path, wasm: &Path) -> bool {
    let Ok(built) = std::fs::metadata(wasm).and_then(|m| m.modified()) else {
        return true;
    };
    newest_modification(&root.join("src")).max(newest_modification(&root.join("Cargo.toml"))) > built
}

fn newest_modification(path: &Path) -> SystemTime {
    let own = std::fs::metadata(path).and_then(|m| m.modified()).unwrap_or(SystemTime::UNIX_EPOCH);
    let children = std::fs::read_dir(path).into_iter().flatten().flatten();
    children.map(|entry| newest_modification(&entry.path())).fold(own, SystemTime::max)
}

fn run_build_script(root: &Path) {
    let output = std::process::Command::new("./build.sh")
        .current_dir(root)
        .output()
        .unwrap_or_else(|e| panic!("cannot run ./build.sh: {e}"));
    assert!(
        output.status.success(),
        "./build.sh failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
