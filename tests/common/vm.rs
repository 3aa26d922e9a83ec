//! A small NEAR chain for integration tests, built around nearcore's own contract VM.
//!
//! Contract code runs in `near-vm-runner` (wasmtime backend) with real gas metering and the
//! parameters of the current protocol version, so gas numbers, host-function limits and failure
//! modes are those of mainnet. Around the VM this module follows nearcore's runtime
//! (`runtime/runtime/src/lib.rs`, `ext.rs`, `receipt_manager.rs`, `verifier.rs`):
//!
//! * **Blocks and receipts.** A transaction is converted to a receipt in the block that includes
//!   it and that receipt runs in the next block (a transaction whose signer is its receiver runs
//!   at once, as nearcore's local receipts do). Every receipt a call creates (transfers, function
//!   calls, data receipts for `.then` callbacks, yield resumes, refunds) runs in a later block,
//!   in creation order. A receipt that waits on data (`promise_then`) runs in the block its last
//!   input arrives.
//! * **Yields** as since protocol 83: `promise_yield_resume` returns true while the yield's
//!   callback has not run, even when it was already resumed; each resume sends a resume receipt,
//!   the first one processed runs the callback and later ones are dropped. The timeout is queued
//!   at creation for `created + yield_timeout_length_in_blocks`; at that block, after the block's
//!   receipts, a still waiting yield gets a resume receipt with no data, processed in the next
//!   block like any other (so whichever of a resume and the timeout is processed first wins).
//! * **Money.** Every account has a balance. A transaction's deposit leaves the signer when it is
//!   included and reaches the receiver only when its receipt succeeds; a failed receipt is rolled
//!   back and its deposits go back to its predecessor in a refund receipt; a transfer to an
//!   account that does not exist fails (implicit accounts are created by it) and its amount comes
//!   back the same way. After every block the chain asserts that balances plus the value of every
//!   receipt in flight equal what was ever put in: no yoctoNEAR appears or vanishes. Gas is not
//!   paid for in NEAR here (nor are the contract's gas rewards): balances move only by deposits.
//! * **Storage staking.** After a successful receipt the receiver must hold
//!   `storage_usage × storage_amount_per_byte` (NEP-448's zero-balance allowance aside), or the
//!   receipt fails with `LackBalanceForState` and is rolled back.
//! * **Several accounts and contracts**, each with its own storage; deploy actions replace code.
//! * **Fault injection** ([`Fault`]): the next receipt calling a chosen method fails before it
//!   runs, runs out of gas, or is delayed by some blocks.
//! * **Trie-node charges** ([`Vm::set_trie_depth`]): off by default, so gas figures are exactly
//!   the VM's; in pessimistic mode every storage call pays `touching_trie_node` for that many
//!   nodes (see `trie_charging.rs`).
//!
//! Views run at once against the current state, as the RPC's `call_function` does.
//!
//! Left out: gas prices and the NEAR cost of gas, delayed-receipt congestion, sharding (all
//! accounts are on one shard), access keys and nonces. Any action other than transfers, function
//! calls and deploys panics the test with a clear message, so a gap never passes silently.
#![allow(dead_code)] // each test binary uses its own subset of this module

use super::trie_charging::ChargingExternal;
use near_parameters::{RuntimeConfig, RuntimeConfigStore};
use near_primitives_core::account::AccountContract;
use near_primitives_core::config::ViewConfig;
use near_primitives_core::hash::{hash, CryptoHash, YieldId as UserYieldId};
use near_primitives_core::version::PROTOCOL_VERSION;
use near_vm_runner::logic::mocks::mock_external::{MockAction, MockedExternal};
use near_vm_runner::logic::types::{AccountId, Balance, Gas, PromiseResult};
use near_vm_runner::logic::{ReturnData, VMContext, VMOutcome};
use near_vm_runner::{ContractCode, MockContractRuntimeCache, ProfileDataV3};
use std::collections::{BTreeMap, VecDeque};
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
/// What an account the tests never funded holds when it first signs a transaction: enough for
/// any deposit a test attaches (the fuzz goes up to 10^33 yocto).
pub const DEFAULT_ACCOUNT_BALANCE: u128 = 1_000_000_000_000 * NEAR;
/// Blocks from sending a transaction to its receipt's execution: the block that includes it,
/// then the next one.
pub const TX_TO_RECEIPT_BLOCKS: u64 = 2;
/// The predecessor of refund receipts, as in nearcore.
const SYSTEM: &str = "system";

/// One transaction-level function call.
#[derive(Clone, Debug)]
pub struct CallArgs {
    pub predecessor: String,
    pub method: String,
    pub args: Vec<u8>,
    pub deposit: u128,
    /// Ignored for views: the RPC runs them with `max_gas_burnt` as both limit and prepaid gas.
    pub prepaid_gas: u64,
    pub is_view: bool,
    /// The account called; `None` is the contract the chain was made with.
    pub receiver: Option<String>,
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
            receiver: None,
        }
    }

    /// A view call; the predecessor is irrelevant since views may not ask for it.
    pub fn view(method: &str, args: impl Into<Vec<u8>>) -> Self {
        CallArgs { is_view: true, ..CallArgs::call("viewer.near", method, args) }
    }

    /// The same call to another account.
    pub fn to(self, receiver: &str) -> Self {
        CallArgs { receiver: Some(receiver.into()), ..self }
    }
}

/// Where a chain of receipts ended up: its value or failure, the yield it still waits for, or
/// a receipt that has not run yet.
#[derive(Clone, Debug, PartialEq)]
pub enum FinalResult {
    Success(Option<Vec<u8>>),
    Failure(String),
    AwaitingYield(YieldId),
    Pending,
}

/// What one function call execution did.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The receipt this execution ran, for [`Vm::final_result`] and [`Vm::outcome`].
    pub receipt: usize,
    pub receiver: String,
    pub method: String,
    pub predecessor: String,
    pub block_height: u64,
    /// Set when this execution is the callback of that yield.
    pub yield_id: Option<YieldId>,
    /// The call's own return value (`None` also when it returned a promise) or its error.
    pub result: Result<Option<Vec<u8>>, String>,
    /// The call's result after following `promise_return`, as far as it has run.
    pub final_result: FinalResult,
    pub logs: Vec<String>,
    pub gas_burnt: u64,
    /// As the VM reports it; the unused gas handed to receipts with a gas weight is not in it.
    pub gas_used: u64,
    pub profile: ProfileDataV3,
    /// Transfers this call made that reached their receivers.
    pub transfers: Vec<(String, u128)>,
    /// Transfers this call made that failed (no such account) and came back to it.
    pub bounced: Vec<(String, u128)>,
    /// The attached deposit given back to the predecessor because the call failed.
    pub refund: Option<(String, u128)>,
    pub yields_created: Vec<YieldId>,
    /// Yields whose callbacks this call's resumes delivered.
    pub yields_resumed: Vec<YieldId>,
    /// Function calls and resumed yield callbacks this call caused, in execution order.
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
    pub account: String,
    pub data_id: YieldId,
    pub method: String,
    pub args: Vec<u8>,
    /// The gas given at creation plus its share of the creating call's unused gas by gas weight,
    /// as nearcore's `ReceiptManager::distribute_gas` hands it out.
    pub gas: u64,
    pub deposit: u128,
    pub created_at: u64,
    /// A resume was accepted, and its resume receipt has not been processed yet.
    pub resumed: bool,
}

/// A failure the chain injects into the next receipt that calls `method` on `receiver`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Fault {
    /// Fails before the call runs, as a receipt whose execution panics at once would.
    Panic,
    /// Fails as out of gas: nothing it did is kept, its deposit goes back.
    OutOfGas,
    /// Runs that many blocks later than it would have.
    Delay(u64),
}

/// A handle on a submitted transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TxId(pub usize);

struct Account {
    balance: u128,
    storage_usage: u64,
    /// Storage and code; `None` for an account without a contract.
    ext: Option<MockedExternal>,
}

#[derive(Clone, Debug)]
struct FnCall {
    method: String,
    args: Vec<u8>,
    deposit: u128,
    gas: u64,
}

#[derive(Clone, Debug)]
enum Action {
    Transfer(u128),
    Call(FnCall),
    Deploy(Vec<u8>),
}

type DataId = [u8; 32];

#[derive(Clone, Debug)]
enum Body {
    Action { actions: Vec<Action>, inputs: Vec<DataId>, outputs: Vec<(DataId, AccountId)> },
    Data { data_id: DataId, data: Option<Vec<u8>> },
    Resume { data_id: YieldId, data: Option<Vec<u8>> },
    Refund { amount: u128 },
}

#[derive(Clone, Debug)]
struct Receipt {
    predecessor: AccountId,
    receiver: AccountId,
    signer: AccountId,
    body: Body,
    /// The receipt whose execution created this one (none for transactions and timeouts).
    parent: Option<usize>,
    /// Set on a yield's callback receipt.
    yield_id: Option<YieldId>,
}

impl Receipt {
    fn value(&self) -> u128 {
        match &self.body {
            Body::Action { actions, .. } => actions.iter().map(action_value).sum(),
            Body::Refund { amount } => *amount,
            Body::Data { .. } | Body::Resume { .. } => 0,
        }
    }

    fn first_method(&self) -> Option<&str> {
        match &self.body {
            Body::Action { actions, .. } => actions.iter().find_map(|a| match a {
                Action::Call(c) => Some(c.method.as_str()),
                _ => None,
            }),
            _ => None,
        }
    }
}

fn action_value(a: &Action) -> u128 {
    match a {
        Action::Transfer(amount) => *amount,
        Action::Call(c) => c.deposit,
        Action::Deploy(_) => 0,
    }
}

/// What a receipt ended with; `Forward` is a `promise_return`.
#[derive(Clone, Debug)]
enum Settled {
    Value(Option<Vec<u8>>),
    Failure(String),
    Forward(usize),
}

struct YieldState {
    callback: usize,
    created_at: u64,
    user_id: Option<UserYieldId>,
    resumed: bool,
}

/// One execution of a function call, for the outcome tree.
struct Exec {
    outcome: Outcome,
    /// Receipts whose executions nest under this one, in execution order.
    children: Vec<usize>,
}

pub struct Vm {
    contract: AccountId,
    config: Arc<RuntimeConfig>,
    cache: MockContractRuntimeCache,
    accounts: BTreeMap<String, Account>,
    receipts: Vec<Receipt>,
    settled: BTreeMap<usize, Settled>,
    execs: BTreeMap<usize, Exec>,
    /// Transactions submitted since the last block, as receipts to include in the next one.
    pool: Vec<usize>,
    /// Receipts to process in the next block, in order.
    incoming: VecDeque<usize>,
    /// Receipts held back by `Fault::Delay`, by the block they are due in.
    delayed: BTreeMap<u64, Vec<usize>>,
    /// Receipts waiting on data: how many inputs are still missing.
    postponed: BTreeMap<usize, usize>,
    data: BTreeMap<DataId, Option<Vec<u8>>>,
    awaiting: BTreeMap<DataId, usize>,
    yields: BTreeMap<(String, YieldId), YieldState>,
    timeouts: VecDeque<(String, YieldId, u64)>,
    /// Yield callbacks the timeout queue started, not yet handed to the test.
    timed_out: Vec<usize>,
    faults: Vec<(String, String, Fault)>,
    txs: Vec<usize>,
    trie_depth: u64,
    /// Everything ever put in: the balances accounts were created with.
    supply: u128,
    /// What each account was created or funded with.
    funded: BTreeMap<String, u128>,
    /// Value of receipts created and not processed yet.
    in_flight: u128,
    /// Refunds to accounts that no longer exist (nearcore burns them).
    burnt: u128,
    block_height: u64,
    block_timestamp: u64,
    executions: u64,
    data_ids: u64,
}

impl Vm {
    /// A chain with the contract `wasm` deployed on `contract_account` holding `contract_balance`.
    pub fn new(contract_account: &str, wasm: &[u8], contract_balance: u128) -> Vm {
        let mut vm = Vm {
            contract: parse_account(contract_account),
            config: Arc::clone(RuntimeConfigStore::new(None).get_config(PROTOCOL_VERSION)),
            cache: MockContractRuntimeCache::default(),
            accounts: BTreeMap::new(),
            receipts: Vec::new(),
            settled: BTreeMap::new(),
            execs: BTreeMap::new(),
            pool: Vec::new(),
            incoming: VecDeque::new(),
            delayed: BTreeMap::new(),
            postponed: BTreeMap::new(),
            data: BTreeMap::new(),
            awaiting: BTreeMap::new(),
            yields: BTreeMap::new(),
            timeouts: VecDeque::new(),
            timed_out: Vec::new(),
            faults: Vec::new(),
            txs: Vec::new(),
            trie_depth: 0,
            supply: 0,
            funded: BTreeMap::new(),
            in_flight: 0,
            burnt: 0,
            block_height: 100_000_000,
            block_timestamp: 1_700_000_000 * BLOCK_TIME_NS,
            executions: 0,
            data_ids: 0,
        };
        vm.deploy(contract_account, wasm, contract_balance);
        vm
    }

    /// Creates (or replaces) an account holding `balance` with `wasm` deployed on it.
    pub fn deploy(&mut self, account: &str, wasm: &[u8], balance: u128) {
        parse_account(account);
        let code = ContractCode::new(wasm.to_vec(), None);
        self.remove_account(account);
        self.supply += balance;
        self.funded.insert(account.into(), balance);
        let storage_usage = ACCOUNT_RECORD_BYTES + wasm.len() as u64;
        self.accounts
            .insert(account.into(), Account { balance, storage_usage, ext: Some(MockedExternal::with_code(code)) });
    }

    /// Creates an account without a contract.
    pub fn create_account(&mut self, account: &str, balance: u128) {
        parse_account(account);
        self.remove_account(account);
        self.supply += balance;
        self.funded.insert(account.into(), balance);
        self.accounts.insert(account.into(), Account { balance, storage_usage: ACCOUNT_RECORD_BYTES, ext: None });
    }

    /// Deletes an account and what it holds (a test stand-in for `DeleteAccount`): transfers to
    /// it fail from now on and come back to their senders.
    pub fn delete_account(&mut self, account: &str) {
        self.remove_account(account);
    }

    fn remove_account(&mut self, account: &str) {
        if let Some(old) = self.accounts.remove(account) {
            self.supply -= old.balance;
        }
    }

    pub fn account_exists(&self, account: &str) -> bool {
        self.accounts.contains_key(account)
    }

    pub fn config(&self) -> &RuntimeConfig {
        &self.config
    }

    /// The contract the chain was made with.
    pub fn account(&self) -> &str {
        self.contract.as_str()
    }

    pub fn balance(&self, account: &str) -> u128 {
        self.accounts.get(account).map_or(0, |a| a.balance)
    }

    /// Sets a balance by fiat (what the account was funded with).
    pub fn set_balance(&mut self, account: &str, amount: u128) {
        if !self.account_exists(account) {
            self.create_account(account, 0);
        }
        let a = self.accounts.get_mut(account).expect("just created");
        self.supply = self.supply - a.balance + amount;
        *self.funded.entry(account.into()).or_insert(0) += amount;
        *self.funded.get_mut(account).expect("just set") -= a.balance;
        a.balance = amount;
    }

    /// What an account was created with, plus what tests funded it with since: its balance
    /// less this is what the chain moved in or out of it.
    pub fn funded(&self, account: &str) -> u128 {
        self.funded.get(account).copied().unwrap_or(0)
    }

    /// The block timestamp at which a transaction sent now runs its receipt.
    pub fn next_receipt_timestamp(&self) -> u64 {
        self.block_timestamp + TX_TO_RECEIPT_BLOCKS * BLOCK_TIME_NS
    }

    /// Every account's balance.
    pub fn balances(&self) -> BTreeMap<String, u128> {
        self.accounts.iter().map(|(k, a)| (k.clone(), a.balance)).collect()
    }

    /// The value of receipts created and not yet processed (deposits and refunds in transit).
    pub fn in_flight(&self) -> u128 {
        self.in_flight
    }

    pub fn storage_usage(&self) -> u64 {
        self.storage_usage_of(self.contract.as_str())
    }

    pub fn storage_usage_of(&self, account: &str) -> u64 {
        self.accounts.get(account).map_or(0, |a| a.storage_usage)
    }

    /// A raw value of the contract's storage.
    pub fn storage(&self, key: &[u8]) -> Option<&[u8]> {
        self.ext_of(self.contract.as_str()).fake_trie.get(key).map(Vec::as_slice)
    }

    /// A raw value of any contract's storage.
    pub fn storage_of(&self, account: &str, key: &[u8]) -> Option<Vec<u8>> {
        self.accounts.get(account)?.ext.as_ref()?.fake_trie.get(key).cloned()
    }

    /// Writes a raw value into a contract's storage (a test's way to plant state, e.g. a record
    /// in an older layout). Storage usage follows, as a `storage_write` would make it.
    pub fn put_storage(&mut self, account: &str, key: &[u8], value: &[u8]) {
        let extra = self.config.fees.storage_usage_config.num_extra_bytes_record;
        let a = self.accounts.get_mut(account).expect("an existing contract account");
        let ext = a.ext.as_mut().expect("a contract account");
        let new = (key.len() + value.len()) as u64 + extra;
        match ext.fake_trie.insert(key.to_vec(), value.to_vec()) {
            Some(old) => a.storage_usage = a.storage_usage + value.len() as u64 - old.len() as u64,
            None => a.storage_usage += new,
        }
    }

    /// Removes `key` from a contract's storage (to plant the state an older contract left).
    pub fn remove_storage(&mut self, account: &str, key: &[u8]) {
        let extra = self.config.fees.storage_usage_config.num_extra_bytes_record;
        let a = self.accounts.get_mut(account).expect("an existing contract account");
        let ext = a.ext.as_mut().expect("a contract account");
        if let Some(old) = ext.fake_trie.remove(key) {
            a.storage_usage -= (key.len() + old.len()) as u64 + extra;
        }
    }

    /// Every key and value of the contract's storage, sorted by key.
    pub fn storage_entries(&self) -> BTreeMap<Vec<u8>, Vec<u8>> {
        self.ext_of(self.contract.as_str()).fake_trie.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }

    /// The code deployed on an account.
    pub fn code_of(&self, account: &str) -> Option<Vec<u8>> {
        self.accounts.get(account)?.ext.as_ref()?.code.as_ref().map(|c| c.code().to_vec())
    }

    fn ext_of(&self, account: &str) -> &MockedExternal {
        self.accounts.get(account).and_then(|a| a.ext.as_ref()).expect("a contract account")
    }

    /// Yields whose callbacks have not run, in creation order (resumed ones included until their
    /// resume is processed).
    pub fn pending_yields(&self) -> Vec<PendingYield> {
        let mut out: Vec<PendingYield> = self
            .yields
            .iter()
            .map(|((account, data_id), y)| {
                let call = self.receipts[y.callback].body.clone();
                let Body::Action { actions, .. } = call else { unreachable!("a yield's callback is an action") };
                let call = actions.iter().find_map(|a| match a {
                    Action::Call(c) => Some(c.clone()),
                    _ => None,
                });
                let call = call.unwrap_or(FnCall { method: String::new(), args: Vec::new(), deposit: 0, gas: 0 });
                PendingYield {
                    account: account.clone(),
                    data_id: *data_id,
                    method: call.method,
                    args: call.args,
                    gas: call.gas,
                    deposit: call.deposit,
                    created_at: y.created_at,
                    resumed: y.resumed,
                }
            })
            .collect();
        out.sort_by_key(|y| self.yields[&(y.account.clone(), y.data_id)].callback);
        out
    }

    /// Pessimistic trie-node charges: every storage call pays `touching_trie_node` for `depth`
    /// nodes (0, the default, charges none).
    pub fn set_trie_depth(&mut self, depth: u64) {
        self.trie_depth = depth;
    }

    /// Makes the next receipt that calls `method` on `receiver` suffer `fault`.
    pub fn inject_fault(&mut self, receiver: &str, method: &str, fault: Fault) {
        self.faults.push((receiver.into(), method.into(), fault));
    }

    pub fn block_height(&self) -> u64 {
        self.block_height
    }

    pub fn block_timestamp(&self) -> u64 {
        self.block_timestamp
    }

    /// Moves the clock without producing blocks (as when blocks come slowly): heights, and so
    /// yield timeouts, are where the next block puts them.
    pub fn set_block(&mut self, height: u64, timestamp_ns: u64) {
        assert!(height >= self.block_height, "the chain does not go back");
        self.block_height = height;
        self.block_timestamp = timestamp_ns;
    }

    /// The protocol's yield timeout, from the config.
    pub fn yield_timeout_blocks(&self) -> u64 {
        self.config.wasm_config.limit_config.yield_timeout_length_in_blocks
    }

    /// Sends a transaction, to be included in the next block.
    pub fn submit(&mut self, call: CallArgs) -> TxId {
        assert!(!call.is_view, "a view is not a transaction: use call()");
        self.check_valid_transaction(&call);
        let signer = parse_account(&call.predecessor);
        let receiver = call.receiver.as_deref().map_or(self.contract.clone(), parse_account);
        if !self.account_exists(signer.as_str()) {
            self.create_account(signer.as_str(), DEFAULT_ACCOUNT_BALANCE);
        }
        let call = FnCall { method: call.method, args: call.args, deposit: call.deposit, gas: call.prepaid_gas };
        let body = Body::Action { actions: vec![Action::Call(call)], inputs: Vec::new(), outputs: Vec::new() };
        let id = self.new_receipt(Receipt {
            predecessor: signer.clone(),
            receiver,
            signer,
            body,
            parent: None,
            yield_id: None,
        });
        self.pool.push(id);
        self.txs.push(id);
        TxId(id)
    }

    /// Runs a transaction and every receipt it sets going, block by block, until nothing is in
    /// flight but yields (a view runs at once). Callbacks of yields that time out meanwhile are
    /// kept for [`Vm::advance_blocks`] / [`Vm::take_timed_out`].
    pub fn call(&mut self, call: CallArgs) -> Outcome {
        if call.is_view {
            return self.view(call);
        }
        let tx = self.submit(call);
        self.run_until_idle();
        self.outcome(tx.0).expect("the transaction ran")
    }

    /// Produces blocks until no transaction or receipt is in flight (yields and delayed receipts
    /// aside). Returns how many blocks that took.
    pub fn run_until_idle(&mut self) -> u64 {
        let mut blocks = 0;
        while !self.pool.is_empty() || !self.incoming.is_empty() {
            self.step();
            blocks += 1;
        }
        blocks
    }

    /// Produces one block: includes the submitted transactions, processes the receipts due, then
    /// queues timeouts that expired. Returns the function-call executions of this block.
    pub fn step(&mut self) -> Vec<Outcome> {
        self.block_height += 1;
        self.block_timestamp += BLOCK_TIME_NS;
        let mut due: VecDeque<usize> = std::mem::take(&mut self.incoming);
        if let Some(late) = self.delayed.remove(&self.block_height) {
            due.extend(late);
        }
        let mut local = VecDeque::new();
        for id in std::mem::take(&mut self.pool) {
            let r = &self.receipts[id];
            let (signer, value) = (r.signer.to_string(), r.value());
            let a = self.accounts.get_mut(&signer).expect("signers exist");
            assert!(a.balance >= value, "invalid transaction: {signer} cannot pay a deposit of {value}");
            a.balance -= value;
            // verifier.rs: what is left must still stake the signer's storage.
            let stake = u128::from(a.storage_usage) * self.config.storage_amount_per_byte().as_yoctonear();
            assert!(
                a.storage_usage <= ZERO_BALANCE_ACCOUNT_STORAGE_LIMIT || a.balance >= stake,
                "invalid transaction: {signer} would not stake its storage after a deposit of {value}"
            );
            self.in_flight += value;
            // nearcore's local receipts: a transaction to oneself runs in the block including it.
            if r.signer == r.receiver {
                local.push_back(id);
            } else {
                self.incoming.push_back(id);
            }
        }
        let mut executed = Vec::new();
        for id in local.into_iter().chain(due) {
            self.process(id, &mut executed);
        }
        self.queue_timeouts();
        self.assert_conserved();
        executed.into_iter().filter_map(|id| self.outcome(id)).collect()
    }

    /// Produces `n` blocks, ~1 s apart, then lets what they set going finish. Returns the
    /// callbacks of yields that timed out (since the last call that handed them out).
    pub fn advance_blocks(&mut self, n: u64) -> Vec<Outcome> {
        for _ in 0..n {
            self.step();
        }
        self.run_until_idle();
        self.take_timed_out()
    }

    /// Callbacks the timeout queue started that no test has been handed yet.
    pub fn take_timed_out(&mut self) -> Vec<Outcome> {
        let ids = std::mem::take(&mut self.timed_out);
        ids.into_iter().filter_map(|id| self.outcome(id)).collect()
    }

    /// Ends a pending yield with a result of the test's choosing, as a resume receipt would
    /// (`Some(payload)`, `PromiseResult::Successful`) or a timeout (`None`, `Failed`), then runs
    /// until idle. For hostile tests: payloads `resolve_execution` would never produce. Returns
    /// the callback's outcome, or `None` (running nothing) when no such yield waits.
    pub fn end_yield_with(&mut self, data_id: &YieldId, payload: Option<Vec<u8>>) -> Option<Outcome> {
        let key = (self.contract.to_string(), *data_id);
        let callback = self.yields.get(&key)?.callback;
        let id = self.new_receipt(Receipt {
            predecessor: self.contract.clone(),
            receiver: self.contract.clone(),
            signer: self.contract.clone(),
            body: Body::Resume { data_id: *data_id, data: payload },
            parent: None,
            yield_id: None,
        });
        self.incoming.push_back(id);
        self.run_until_idle();
        self.timed_out.retain(|&c| c != callback);
        self.outcome(callback)
    }

    /// The outcome tree of an executed receipt (a transaction's, given its `TxId.0`).
    pub fn outcome(&self, receipt: usize) -> Option<Outcome> {
        let exec = self.execs.get(&receipt)?;
        let mut o = exec.outcome.clone();
        o.final_result = self.final_of(receipt);
        o.spawned = exec.children.iter().filter_map(|&c| self.outcome(c)).collect();
        Some(o)
    }

    pub fn tx_outcome(&self, tx: TxId) -> Option<Outcome> {
        self.outcome(tx.0)
    }

    /// The final result of the chain an outcome started, as far as it has run.
    pub fn final_result(&self, outcome: &Outcome) -> FinalResult {
        self.final_of(outcome.receipt)
    }

    fn final_of(&self, mut receipt: usize) -> FinalResult {
        loop {
            match self.settled.get(&receipt) {
                Some(Settled::Value(v)) => return FinalResult::Success(v.clone()),
                Some(Settled::Failure(e)) => return FinalResult::Failure(e.clone()),
                Some(Settled::Forward(next)) => receipt = *next,
                None => {
                    return match self.receipts[receipt].yield_id {
                        Some(y) if self.yields.contains_key(&(self.receipts[receipt].receiver.to_string(), y)) => {
                            FinalResult::AwaitingYield(y)
                        }
                        _ => FinalResult::Pending,
                    }
                }
            }
        }
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

    fn new_receipt(&mut self, r: Receipt) -> usize {
        self.receipts.push(r);
        self.receipts.len() - 1
    }

    fn new_data_id(&mut self) -> DataId {
        self.data_ids += 1;
        let mut id = [0xda; 32];
        id[..8].copy_from_slice(&self.data_ids.to_le_bytes());
        id
    }

    /// Sends a receipt created in this block to the next one.
    fn send(&mut self, id: usize) {
        self.in_flight += self.receipts[id].value();
        self.incoming.push_back(id);
    }

    fn process(&mut self, id: usize, executed: &mut Vec<usize>) {
        let r = self.receipts[id].clone();
        match r.body {
            Body::Refund { amount } => {
                self.in_flight -= amount;
                match self.accounts.get_mut(r.receiver.as_str()) {
                    Some(a) => a.balance += amount,
                    None => self.burnt += amount,
                }
            }
            Body::Data { data_id, data } => {
                self.data.insert(data_id, data);
                if let Some(waiting) = self.awaiting.remove(&data_id) {
                    let missing = self.postponed.get_mut(&waiting).expect("a postponed receipt");
                    *missing -= 1;
                    if *missing == 0 {
                        self.postponed.remove(&waiting);
                        self.run_action(waiting, executed);
                    }
                }
            }
            Body::Resume { data_id, data } => {
                let key = (r.receiver.to_string(), data_id);
                // Only the first resume receipt of a yield is delivered; nearcore drops the rest.
                let Some(y) = self.yields.remove(&key) else { return };
                let result = match data {
                    Some(payload) => PromiseResult::Successful(payload.into()),
                    None => PromiseResult::Failed,
                };
                let callback = y.callback;
                match r.parent {
                    Some(resumer) => {
                        if let Some(e) = self.execs.get_mut(&resumer) {
                            e.children.push(callback);
                            e.outcome.yields_resumed.push(data_id);
                        }
                    }
                    None => self.timed_out.push(callback),
                }
                self.execute(callback, vec![result], executed);
            }
            Body::Action { ref inputs, .. } => {
                if let Some(Fault::Delay(blocks)) = self.take_fault(&r, true) {
                    self.delayed.entry(self.block_height + blocks).or_default().push(id);
                    return;
                }
                let missing: Vec<DataId> = inputs.iter().filter(|d| !self.data.contains_key(*d)).copied().collect();
                if !missing.is_empty() {
                    self.postponed.insert(id, missing.len());
                    for d in missing {
                        self.awaiting.insert(d, id);
                    }
                    return;
                }
                self.run_action(id, executed);
            }
        }
    }

    /// Takes the first fault aimed at this receipt's call off the list: a `Delay` when the
    /// receipt arrives (`delay`), any other when it is about to run.
    fn take_fault(&mut self, r: &Receipt, delay: bool) -> Option<Fault> {
        let method = r.first_method()?;
        let i = self.faults.iter().position(|(acc, m, f)| {
            acc == r.receiver.as_str() && m == method && matches!(f, Fault::Delay(_)) == delay
        })?;
        Some(self.faults.remove(i).2)
    }

    fn run_action(&mut self, id: usize, executed: &mut Vec<usize>) {
        let Body::Action { inputs, .. } = &self.receipts[id].body else { unreachable!() };
        let results = inputs
            .iter()
            .map(|d| match self.data.remove(d).expect("all inputs arrived") {
                Some(v) => PromiseResult::Successful(v.into()),
                None => PromiseResult::Failed,
            })
            .collect();
        self.execute(id, results, executed);
    }

    /// Applies an action receipt: its actions in order, all or nothing.
    fn execute(&mut self, id: usize, promise_results: Vec<PromiseResult>, executed: &mut Vec<usize>) {
        let r = self.receipts[id].clone();
        let Body::Action { actions, outputs, .. } = &r.body else { unreachable!() };
        let value = r.value();
        self.in_flight -= value;
        let receiver = r.receiver.to_string();
        if !self.account_exists(&receiver) {
            let only_transfers = actions.iter().all(|a| matches!(a, Action::Transfer(_)));
            if only_transfers && is_implicit(&receiver) {
                self.create_account(&receiver, 0);
            } else {
                let error = format!("AccountDoesNotExist {{ account_id: {receiver} }}");
                return self.fail(id, value, error, first_call(actions), executed);
            }
        }
        let fault = self.take_fault(&r, false);
        let promise_results: Arc<[PromiseResult]> = promise_results.into();
        let snapshot = self.snapshot(&receiver);
        let mut last: Option<(VMOutcome, Effects)> = None;
        for action in actions {
            match action {
                Action::Transfer(amount) => self.accounts.get_mut(&receiver).expect("exists").balance += amount,
                Action::Deploy(code) => self.deploy_code(&receiver, code),
                Action::Call(call) => {
                    // The VM adds the attached deposit to the balance it is given.
                    if let Some(f) = fault {
                        let error = match f {
                            Fault::OutOfGas => "Exceeded the prepaid gas.".to_string(),
                            _ => "Smart contract panicked: injected fault".to_string(),
                        };
                        self.restore(&receiver, snapshot);
                        return self.fail(id, value, error, Some(call), executed);
                    }
                    let Some(vm) = self.run_vm(&r, call, Arc::clone(&promise_results), outputs, false) else {
                        self.restore(&receiver, snapshot);
                        let error = format!("CodeDoesNotExist {{ account_id: {receiver} }}");
                        return self.fail(id, value, error, Some(call), executed);
                    };
                    if let Some(error) = &vm.aborted {
                        let error = error.to_string();
                        self.restore(&receiver, snapshot);
                        return self.fail_with_outcome(id, value, error, &r, call, &vm, executed);
                    }
                    let a = self.accounts.get_mut(&receiver).expect("exists");
                    a.balance = vm.balance.as_yoctonear();
                    a.storage_usage = vm.storage_usage;
                    let mut effects = self.collect_effects(&r);
                    effects.distribute_gas(call.gas.saturating_sub(vm.used_gas.as_gas()));
                    last = Some((vm, effects));
                }
            }
        }
        if let Some(error) = self.lack_balance_for_state(&receiver) {
            self.restore(&receiver, snapshot);
            return match &last {
                Some((vm, _)) => {
                    let call = first_call(actions).expect("a call ran");
                    self.fail_with_outcome(id, value, error, &r, call, vm, executed)
                }
                None => self.fail(id, value, error, None, executed),
            };
        }
        let Some((vm, effects)) = last else {
            // Transfers (and deploys) only: credited to the receiver, reported on the sender.
            self.settled.insert(id, Settled::Value(None));
            if let Some(parent) = r.parent.and_then(|p| self.execs.get_mut(&p)) {
                parent.outcome.transfers.push((receiver, value));
            }
            self.send_outputs(outputs, Some(Vec::new()), &r);
            return;
        };
        let call = first_call(actions).expect("a call ran");
        let mut outcome = new_outcome(id, &r, call, &vm, self.block_height);
        let forward = self.apply_effects(id, effects, &vm.return_data, &mut outcome);
        self.execs.insert(id, Exec { outcome, children: Vec::new() });
        self.attach_to_parent(id, &r);
        executed.push(id);
        match forward {
            Some(next) => {
                self.settled.insert(id, Settled::Forward(next));
                self.forward_outputs(next, outputs.clone());
            }
            None => {
                let value = match &vm.return_data {
                    ReturnData::Value(v) => Some(v.clone()),
                    _ => None,
                };
                self.settled.insert(id, Settled::Value(value.clone()));
                self.send_outputs(outputs, Some(value.unwrap_or_default()), &r);
            }
        }
    }

    fn attach_to_parent(&mut self, id: usize, r: &Receipt) {
        // A yield's callback nests under whoever resumed it (see `Body::Resume`), not its creator.
        if r.yield_id.is_some() {
            return;
        }
        if let Some(parent) = r.parent.and_then(|p| self.execs.get_mut(&p)) {
            parent.children.push(id);
        }
    }

    /// A receipt that failed before or without running a call: rolled back, deposits refunded.
    fn fail(&mut self, id: usize, value: u128, error: String, call: Option<&FnCall>, executed: &mut Vec<usize>) {
        let r = self.receipts[id].clone();
        self.settled.insert(id, Settled::Failure(error.clone()));
        let refund = self.refund(&r, value);
        match call {
            Some(call) => {
                let mut outcome = empty_outcome(id, &r, call, self.block_height);
                outcome.result = Err(error);
                outcome.refund = refund;
                self.execs.insert(id, Exec { outcome, children: Vec::new() });
                self.attach_to_parent(id, &r);
                executed.push(id);
            }
            None => {
                // A failed transfer: its amount comes back to the sender.
                if let Some(parent) = r.parent.and_then(|p| self.execs.get_mut(&p)) {
                    parent.outcome.bounced.push((r.receiver.to_string(), value));
                }
            }
        }
        let Body::Action { outputs, .. } = &r.body else { unreachable!() };
        self.send_outputs(outputs, None, &r);
    }

    #[allow(clippy::too_many_arguments)]
    fn fail_with_outcome(
        &mut self,
        id: usize,
        value: u128,
        error: String,
        r: &Receipt,
        call: &FnCall,
        vm: &VMOutcome,
        executed: &mut Vec<usize>,
    ) {
        self.settled.insert(id, Settled::Failure(error.clone()));
        let mut outcome = new_outcome(id, r, call, vm, self.block_height);
        outcome.result = Err(error);
        outcome.refund = self.refund(r, value);
        self.execs.insert(id, Exec { outcome, children: Vec::new() });
        self.attach_to_parent(id, r);
        executed.push(id);
        let Body::Action { outputs, .. } = &r.body else { unreachable!() };
        self.send_outputs(outputs, None, r);
    }

    /// nearcore's deposit refund: a receipt from `system` to the predecessor, next block.
    fn refund(&mut self, r: &Receipt, value: u128) -> Option<(String, u128)> {
        if value == 0 || r.predecessor.as_str() == SYSTEM {
            return None;
        }
        let id = self.new_receipt(Receipt {
            predecessor: parse_account(SYSTEM),
            receiver: r.predecessor.clone(),
            signer: r.signer.clone(),
            body: Body::Refund { amount: value },
            parent: None,
            yield_id: None,
        });
        self.send(id);
        Some((r.predecessor.to_string(), value))
    }

    fn send_outputs(&mut self, outputs: &[(DataId, AccountId)], data: Option<Vec<u8>>, from: &Receipt) {
        for (data_id, to) in outputs {
            let id = self.new_receipt(Receipt {
                predecessor: from.receiver.clone(),
                receiver: to.clone(),
                signer: from.signer.clone(),
                body: Body::Data { data_id: *data_id, data: data.clone() },
                parent: None,
                yield_id: None,
            });
            self.send(id);
        }
    }

    /// `promise_return`: whoever waited on this receipt's result now waits on `next`'s.
    fn forward_outputs(&mut self, next: usize, outputs: Vec<(DataId, AccountId)>) {
        if let Body::Action { outputs: theirs, .. } = &mut self.receipts[next].body {
            theirs.extend(outputs);
        }
    }

    fn queue_timeouts(&mut self) {
        while let Some((account, data_id, expires_at)) = self.timeouts.front().cloned() {
            if expires_at > self.block_height {
                break;
            }
            self.timeouts.pop_front();
            if self.yields.contains_key(&(account.clone(), data_id)) {
                let account = parse_account(&account);
                let id = self.new_receipt(Receipt {
                    predecessor: account.clone(),
                    receiver: account.clone(),
                    signer: account,
                    body: Body::Resume { data_id, data: None },
                    parent: None,
                    yield_id: None,
                });
                self.send(id);
            }
        }
    }

    fn assert_conserved(&self) {
        let held: u128 = self.accounts.values().map(|a| a.balance).sum();
        assert_eq!(
            held + self.in_flight + self.burnt,
            self.supply,
            "NEAR not conserved at block {}: balances {held} + in flight {} + burnt {} != supply {}",
            self.block_height,
            self.in_flight,
            self.burnt,
            self.supply
        );
    }

    fn snapshot(&self, account: &str) -> (u128, u64, Option<MockedExternal>) {
        let a = &self.accounts[account];
        (a.balance, a.storage_usage, a.ext.clone())
    }

    fn restore(&mut self, account: &str, (balance, storage_usage, ext): (u128, u64, Option<MockedExternal>)) {
        let a = self.accounts.get_mut(account).expect("exists");
        a.balance = balance;
        a.storage_usage = storage_usage;
        a.ext = ext;
    }

    fn deploy_code(&mut self, account: &str, code: &[u8]) {
        let a = self.accounts.get_mut(account).expect("exists");
        let ext = a.ext.get_or_insert_with(MockedExternal::new);
        let old = ext.code.as_ref().map_or(0, |c| c.code().len() as u64);
        let code = ContractCode::new(code.to_vec(), None);
        a.storage_usage = a.storage_usage - old + code.code().len() as u64;
        ext.code_hash = *code.hash();
        ext.code = Some(Arc::new(code));
    }

    fn view(&mut self, call: CallArgs) -> Outcome {
        self.check_valid_transaction(&call);
        let receiver = call.receiver.as_deref().map_or(self.contract.clone(), parse_account);
        let r = Receipt {
            predecessor: parse_account(&call.predecessor),
            receiver: receiver.clone(),
            signer: parse_account(&call.predecessor),
            body: Body::Action { actions: Vec::new(), inputs: Vec::new(), outputs: Vec::new() },
            parent: None,
            yield_id: None,
        };
        let fc = FnCall { method: call.method, args: call.args, deposit: 0, gas: self.max_gas_burnt() };
        let snapshot = self.snapshot(receiver.as_str());
        let vm = self.run_vm(&r, &fc, Arc::new([]), &[], true).expect("a view of a contract account");
        // Host functions already refuse writes in views; restoring keeps that a guarantee.
        self.restore(receiver.as_str(), snapshot);
        let mut o = new_outcome(usize::MAX, &r, &fc, &vm, self.block_height);
        o.final_result = match &o.result {
            Ok(v) => FinalResult::Success(v.clone()),
            Err(e) => FinalResult::Failure(e.clone()),
        };
        o
    }

    fn run_vm(
        &mut self,
        r: &Receipt,
        call: &FnCall,
        results: Arc<[PromiseResult]>,
        outputs: &[(DataId, AccountId)],
        is_view: bool,
    ) -> Option<VMOutcome> {
        self.executions += 1;
        let account = r.receiver.to_string();
        let seeded = self.seed_action_log(&account);
        let (balance, storage_usage) = (self.accounts[&account].balance, self.accounts[&account].storage_usage);
        let ext = self.accounts.get_mut(&account)?.ext.as_mut()?;
        ext.code.as_ref()?;
        ext.action_log = seeded;
        let context = VMContext {
            current_account_id: r.receiver.clone(),
            signer_account_id: r.signer.clone(),
            // Borsh of an ED25519 key: the key type byte, then 32 key bytes.
            signer_account_pk: vec![0; 33],
            predecessor_account_id: r.predecessor.clone(),
            refund_to_account_id: r.predecessor.clone(),
            input: call.args.as_slice().into(),
            promise_results: results,
            block_height: self.block_height,
            block_timestamp: self.block_timestamp,
            epoch_height: self.block_height / EPOCH_LENGTH,
            account_balance: Balance::from_yoctonear(balance),
            account_locked_balance: Balance::ZERO,
            storage_usage,
            account_contract: AccountContract::Local(ext.code_hash),
            attached_deposit: Balance::from_yoctonear(call.deposit),
            prepaid_gas: Gas::from_gas(call.gas),
            random_seed: hash(&self.executions.to_le_bytes()).as_bytes().to_vec(),
            view_config: is_view
                .then(|| ViewConfig { max_gas_burnt: self.config.wasm_config.limit_config.max_gas_burnt }),
            output_data_receivers: outputs.iter().map(|(_, a)| a.clone()).collect(),
        };
        let wasm_config = Arc::clone(&self.config.wasm_config);
        let gas_counter = context.make_gas_counter(&wasm_config);
        let prepared = near_vm_runner::prepare(&*ext, wasm_config, Some(&self.cache), gas_counter, &call.method);
        let mut charging = ChargingExternal { inner: ext, depth: self.trie_depth };
        let outcome = near_vm_runner::run(prepared, &mut charging, &context, Arc::clone(&self.config.fees))
            .unwrap_or_else(|e| panic!("near-vm-runner failed internally: {e:?}"));
        Some(outcome)
    }

    /// The yields of `account` whose callbacks have not run, as `YieldCreate` entries, so that
    /// `MockedExternal` answers `promise_yield_resume` (and `promise_yield_create_with_id`
    /// duplicates) as nearcore does: true while the yield's callback has not run.
    fn seed_action_log(&self, account: &str) -> Vec<MockAction> {
        let receiver_id = parse_account(account);
        self.yields
            .iter()
            .filter(|((a, _), _)| a == account)
            .map(|((_, data_id), y)| MockAction::YieldCreate {
                data_id: CryptoHash(*data_id),
                receiver_id: receiver_id.clone(),
                yield_id: y.user_id,
            })
            .collect()
    }

    /// The runtime's storage-staking check after a successful receipt (`LackBalanceForState`).
    fn lack_balance_for_state(&self, account: &str) -> Option<String> {
        let a = &self.accounts[account];
        let per_byte = self.config.storage_amount_per_byte().as_yoctonear();
        let required = u128::from(a.storage_usage) * per_byte;
        let exempt = a.storage_usage <= ZERO_BALANCE_ACCOUNT_STORAGE_LIMIT;
        (a.balance < required && !exempt).then(|| {
            let amount = required - a.balance;
            format!("LackBalanceForState {{ account_id: {account}, amount: {amount} }}")
        })
    }

    /// Reads the receipts, yields and resumes the call appended to the action log.
    fn collect_effects(&self, r: &Receipt) -> Effects {
        let account = r.receiver.to_string();
        let ext = self.ext_of(&account);
        let seeded = self.yields.keys().filter(|(a, _)| *a == account).count();
        let mut effects = Effects::default();
        for (index, action) in ext.action_log.iter().enumerate().skip(seeded) {
            match action {
                MockAction::CreateReceipt { receipt_indices, receiver_id } => {
                    let depends_on = receipt_indices.iter().map(|&i| i as usize).collect();
                    effects.receipts.insert(index, NewReceipt::new(receiver_id.clone(), depends_on));
                    effects.order.push(Step::Receipt(index));
                }
                MockAction::YieldCreate { data_id, yield_id, .. } => {
                    let mut y = NewReceipt::new(r.receiver.clone(), Vec::new());
                    y.yield_of = Some((data_id.0, *yield_id));
                    effects.receipts.insert(index, y);
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
                    let receipt = effects.receipts.get_mut(&(*receipt_index as usize)).expect("a known receipt");
                    receipt.actions.push(Action::Call(call));
                    if gas_weight.0 > 0 {
                        effects.weights.push((*receipt_index as usize, receipt.actions.len() - 1, gas_weight.0));
                    }
                }
                MockAction::Transfer { receipt_index, deposit } => {
                    let receipt = effects.receipts.get_mut(&(*receipt_index as usize)).expect("a known receipt");
                    receipt.actions.push(Action::Transfer(deposit.as_yoctonear()));
                }
                MockAction::DeployContract { receipt_index, code } => {
                    let receipt = effects.receipts.get_mut(&(*receipt_index as usize)).expect("a known receipt");
                    receipt.actions.push(Action::Deploy(code.clone()));
                }
                MockAction::YieldResume { data_id, .. } => {
                    // MockedExternal logs every resume; only one of a yield that waits (seeded)
                    // or was made by this call returned true, and only those send a receipt.
                    let waits = self.yields.contains_key(&(account.clone(), data_id.0));
                    let made_here = effects.receipts.values().any(|n| n.yield_of.map(|y| y.0) == Some(data_id.0));
                    if waits || made_here {
                        let payload = match action {
                            MockAction::YieldResume { data, .. } => data.clone(),
                            _ => unreachable!(),
                        };
                        effects.order.push(Step::Resume(data_id.0, payload));
                    }
                }
                other => panic!("the test chain does not model this action: {other:?}"),
            }
        }
        effects
    }

    /// Commits a successful call's receipts, yields and resumes. Returns the receipt its
    /// `promise_return` forwards to, if any.
    fn apply_effects(
        &mut self,
        id: usize,
        effects: Effects,
        returned: &ReturnData,
        outcome: &mut Outcome,
    ) -> Option<usize> {
        let r = self.receipts[id].clone();
        let mut ids: BTreeMap<usize, usize> = BTreeMap::new();
        for (&index, n) in &effects.receipts {
            let new = self.new_receipt(Receipt {
                predecessor: r.receiver.clone(),
                receiver: n.receiver.clone(),
                signer: r.signer.clone(),
                body: Body::Action { actions: n.actions.clone(), inputs: Vec::new(), outputs: Vec::new() },
                parent: Some(id),
                yield_id: n.yield_of.map(|y| y.0),
            });
            ids.insert(index, new);
        }
        // promise_then: a data dependency from each receipt depended on to the dependent.
        for (&index, n) in &effects.receipts {
            for dep in &n.depends_on {
                let data_id = self.new_data_id();
                let receiver = n.receiver.clone();
                let from = ids[dep];
                if let Body::Action { outputs, .. } = &mut self.receipts[from].body {
                    outputs.push((data_id, receiver));
                }
                if let Body::Action { inputs, .. } = &mut self.receipts[ids[&index]].body {
                    inputs.push(data_id);
                }
            }
        }
        for (&index, n) in &effects.receipts {
            if let Some((data_id, user_id)) = n.yield_of {
                let callback = ids[&index];
                // Never sent: its deposit is in flight from now until the callback runs.
                self.in_flight += self.receipts[callback].value();
                self.yields.insert(
                    (r.receiver.to_string(), data_id),
                    YieldState { callback, created_at: self.block_height, user_id, resumed: false },
                );
                let expires = self.block_height + self.yield_timeout_blocks();
                self.timeouts.push_back((r.receiver.to_string(), data_id, expires));
                outcome.yields_created.push(data_id);
            }
        }
        for step in effects.order {
            match step {
                Step::Receipt(index) => self.send(ids[&index]),
                Step::Resume(data_id, payload) => {
                    if let Some(y) = self.yields.get_mut(&(r.receiver.to_string(), data_id)) {
                        y.resumed = true;
                    }
                    let resume = self.new_receipt(Receipt {
                        predecessor: r.receiver.clone(),
                        receiver: r.receiver.clone(),
                        signer: r.signer.clone(),
                        body: Body::Resume { data_id, data: Some(payload) },
                        parent: Some(id),
                        yield_id: None,
                    });
                    self.send(resume);
                }
            }
        }
        match returned {
            ReturnData::ReceiptIndex(index) => Some(ids[&(*index as usize)]),
            _ => None,
        }
    }
}

#[derive(Default)]
struct Effects {
    /// New receipts (yield callbacks too), by their index in the action log, which is what
    /// promise indices, `promise_then` dependencies and `ReturnData::ReceiptIndex` refer to.
    receipts: BTreeMap<usize, NewReceipt>,
    /// Receipts to send and resumes to make, in creation order.
    order: Vec<Step>,
    /// Function calls with a gas weight: (receipt's log index, action index, weight).
    weights: Vec<(usize, usize, u64)>,
}

struct NewReceipt {
    receiver: AccountId,
    depends_on: Vec<usize>,
    actions: Vec<Action>,
    yield_of: Option<(YieldId, Option<UserYieldId>)>,
}

impl NewReceipt {
    fn new(receiver: AccountId, depends_on: Vec<usize>) -> Self {
        NewReceipt { receiver, depends_on, actions: Vec::new(), yield_of: None }
    }
}

enum Step {
    Receipt(usize),
    Resume(YieldId, Vec<u8>),
}

impl Effects {
    /// Hands the call's unused gas to its weighted function calls, as the chain does.
    fn distribute_gas(&mut self, unused_gas: u64) {
        for ((index, action), share) in gas_shares(&self.weights, unused_gas) {
            if let Some(Action::Call(c)) = self.receipts.get_mut(&index).and_then(|r| r.actions.get_mut(action)) {
                c.gas += share;
            }
        }
    }
}

/// nearcore's `ReceiptManager::distribute_gas`: each weighted call gets the floor of its share
/// of the unused gas, and the last one also gets the remainder.
fn gas_shares(weights: &[(usize, usize, u64)], unused_gas: u64) -> Vec<((usize, usize), u64)> {
    let total_weight: u128 = weights.iter().map(|&(_, _, w)| u128::from(w)).sum();
    if total_weight == 0 {
        return Vec::new();
    }
    let share = |weight: u64| (u128::from(unused_gas) * u128::from(weight) / total_weight) as u64;
    let mut shares: Vec<((usize, usize), u64)> = weights.iter().map(|&(i, a, w)| ((i, a), share(w))).collect();
    let distributed: u64 = shares.iter().map(|&(_, share)| share).sum();
    shares.last_mut().expect("weights is not empty").1 += unused_gas - distributed;
    shares
}

fn first_call(actions: &[Action]) -> Option<&FnCall> {
    actions.iter().find_map(|a| match a {
        Action::Call(c) => Some(c),
        _ => None,
    })
}

fn empty_outcome(id: usize, r: &Receipt, call: &FnCall, height: u64) -> Outcome {
    Outcome {
        receipt: id,
        receiver: r.receiver.to_string(),
        method: call.method.clone(),
        predecessor: r.predecessor.to_string(),
        block_height: height,
        yield_id: r.yield_id,
        result: Ok(None),
        final_result: FinalResult::Pending,
        logs: Vec::new(),
        gas_burnt: 0,
        gas_used: 0,
        profile: ProfileDataV3::default(),
        transfers: Vec::new(),
        bounced: Vec::new(),
        refund: None,
        yields_created: Vec::new(),
        yields_resumed: Vec::new(),
        spawned: Vec::new(),
    }
}

fn new_outcome(id: usize, r: &Receipt, call: &FnCall, vm: &VMOutcome, height: u64) -> Outcome {
    let mut o = empty_outcome(id, r, call, height);
    o.result = match (&vm.aborted, &vm.return_data) {
        (Some(error), _) => Err(error.to_string()),
        (None, ReturnData::Value(value)) => Ok(Some(value.clone())),
        (None, _) => Ok(None),
    };
    o.logs = vm.logs.clone();
    o.gas_burnt = vm.burnt_gas.as_gas();
    o.gas_used = vm.used_gas.as_gas();
    o.profile = vm.profile.clone();
    o
}

/// NEAR-implicit (64 hex chars) and ETH-implicit (`0x` + 40 hex chars) ids: a transfer to one
/// that does not exist creates it.
fn is_implicit(account: &str) -> bool {
    let hex = |s: &str| s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    (account.len() == 64 && hex(account)) || (account.len() == 42 && account.starts_with("0x") && hex(&account[2..]))
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

pub fn newest_modification(path: &Path) -> SystemTime {
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
