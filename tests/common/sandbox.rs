//! `Backend` on a real neard sandbox, through near-workspaces (`--features sandbox`).
//!
//! The node is the binary `NEAR_SANDBOX_BIN_PATH` points at: near-workspaces is built without
//! its `install` feature, so nothing is ever downloaded. [`SandboxBackend::from_env`] returns
//! `None` when the variable is unset, so callers can skip with a note.
//!
//! Accounts keep the scenarios' names: `owner.testnet`, `user.testnet`, the contract
//! `offchainvm.testnet`, ... are sub-accounts of `testnet`, and only `testnet` may create them.
//! `testnet` itself is a short top-level name, which only the registrar may create; the
//! sandbox that near-workspaces starts has a `registrar` genesis account, and
//! `Worker::create_tla` creates top-level accounts with it. So every account a scenario signs
//! with is created on first use, under its own name, by real `CreateAccount` transactions
//! (parents first). The contract sees the same ids on both backends. Implicit accounts (64 hex
//! characters) cannot be created that way with a key of ours: they are written into the
//! sandbox's state (`sandbox_patch_state`) instead.
//!
//! How a transaction is followed: `call` sends it with `transact_async` and polls
//! `EXPERIMENTAL_tx_status` (`wait_until: INCLUDED`, which answers at once with the outcomes
//! so far). It returns when the status is final and no function call receipt of the
//! transaction is still pending, or, for a request, when every receipt still pending is a
//! yield callback (`is_promise_yield`) or, where the node does not show that, nothing has
//! changed for [`STABLE_BLOCKS`] blocks. `settle` polls the same way, except that a waiting
//! request must stay unchanged for `STABLE_BLOCKS` blocks (a resume may be on its way), all
//! within [`SETTLE_TIMEOUT`]. As on chain (and as `VmBackend` attributes them), a yield
//! callback and what it spawns belong to the transaction that created the yield, not to the
//! resolve. Views go to the RPC's `call_function`; a contract panic comes back as the same
//! `Smart contract panicked: ...` text as on the VM.
//!
//! Transfers are read from the receipts themselves (`ActionView::Transfer` deposits): receipts
//! whose predecessor is the contract, plus the `system` balance refunds that give a failed
//! call's attached deposit back (signer `system`; gas refunds, whose signer is the refunded
//! account, are left out, as `VmBackend` has no gas purchase to refund). A receipt counts once
//! it exists, executed or not; receipts not yet executed are fetched with `EXPERIMENTAL_receipt`.
//!
//! Where this backend necessarily differs from `VmBackend`:
//! * Gas: `gas_burnt` is the burnt gas of the contract's receipt outcome, which adds the
//!   runtime's execution fees of the receipt and of its function call action (about 2.4 Tgas
//!   with per-byte argument fees) to what the VM meters; and the chain charges trie-node
//!   touches that `MockedExternal` does not.
//! * Blocks: the sandbox makes blocks in real time, and a call takes about two (one to include
//!   the transaction, one to run its receipt), while on the VM calls take none. So block
//!   counts are only "at least": `skip_blocks(n)` fast-forwards n blocks, then waits
//!   [`AFTER_FORWARD_BLOCKS`] more so that yield timeouts have run. A check on an exact block
//!   boundary cannot hold here (the `timeout` scenario's "still waiting after
//!   `yield_timeout_blocks() - 1`" fails: the calls made since the request already took a few
//!   blocks), and a scenario that keeps a request pending over ~100 calls sees it time out.
//!   `skip_time` fast-forwards until the block timestamp has moved by at least `seconds` (the
//!   sandbox's block time is not the VM's one second).
//! * Balances: accounts pay for gas, the contract for its deploy and `new`, so no balance is
//!   exact; the scenarios compare transfers, which are exact on both.
//! * Results: the chain reports a method that returns nothing as an empty value, so
//!   `Status::Success(None)` here also stands for an empty return value. Failures carry the
//!   contract's panic message as on the VM; other errors (gas exceeded, ...) are nearcore's
//!   `Display` text, worded differently from the VM's.
//! * Request ids, yield data ids, timestamps and block heights come from a real chain.
#![allow(dead_code)]

use super::backend::{Backend, Status, Tx};
use super::vm::contract_wasm;
use near_jsonrpc_client::errors::{JsonRpcError, JsonRpcServerError};
use near_jsonrpc_client::{methods, JsonRpcClient};
use near_jsonrpc_primitives::types::query::{QueryResponseKind, RpcQueryError};
use near_jsonrpc_primitives::types::receipts::ReceiptReference;
use near_jsonrpc_primitives::types::transactions::{RpcTransactionError, TransactionInfo};
use near_primitives::errors::{ActionErrorKind, FunctionCallError, TxExecutionError};
use near_primitives::hash::CryptoHash;
use near_primitives::types::{BlockReference, Finality, FunctionArgs};
use near_primitives::views::{
    ActionView, ExecutionOutcomeWithIdView, FinalExecutionOutcomeView, FinalExecutionOutcomeViewEnum,
    FinalExecutionStatus, QueryRequest, ReceiptEnumView, ReceiptView, TxExecutionStatus,
};
use near_workspaces::network::Sandbox;
use near_workspaces::types::{KeyType, NearToken, SecretKey};
use near_workspaces::{AccessKey, Account, AccountDetailsPatch, AccountId, Worker};
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

pub const CONTRACT: &str = "offchainvm.testnet";
/// What every other account gets when it is created.
pub const ACCOUNT_BALANCE: u128 = 1_000 * super::backend::NEAR;
/// What a top-level account (`testnet`, the parent of the scenarios' accounts) gets from the
/// root account `test.near` on top of the registrar's 100 NEAR.
const PARENT_TOP_UP: u128 = 1_000_000 * super::backend::NEAR;
/// A transaction whose pending receipts have not changed for this many blocks is waiting on a
/// yield (no receipt of ours takes more than a block or two to run once its inputs are there).
pub const STABLE_BLOCKS: u64 = 3;
/// How long `call` and `settle` wait for a transaction before failing the test.
pub const SETTLE_TIMEOUT: Duration = Duration::from_secs(120);
/// Extra blocks `skip_blocks`/`skip_time` wait after a fast-forward, for timed-out yields'
/// callbacks to run (the timeout fires when a chunk is applied past it; the callback runs next).
const AFTER_FORWARD_BLOCKS: u64 = 3;
/// The most `skip_time` fast-forwards at once (several epochs already take a while).
const MAX_FORWARD: u64 = 100_000;
const POLL: Duration = Duration::from_millis(100);

/// A transaction sent, for `Tx::handle`.
struct Sent {
    hash: CryptoHash,
    sender: AccountId,
}

/// What the node said about a transaction at one moment.
struct Snapshot {
    outcome: FinalExecutionOutcomeView,
    /// Receipts created by the transaction's executed outcomes that have no outcome yet.
    pending: BTreeSet<CryptoHash>,
    /// Receipts the node sent along (those of executed outcomes).
    receipts: Vec<ReceiptView>,
}

pub struct SandboxBackend {
    // Field order is drop order: the worker (and with it the neard process) goes before the
    // runtime it was started on.
    worker: Worker<Sandbox>,
    rpc: JsonRpcClient,
    /// Every account created so far, by id; the contract is one of them.
    accounts: BTreeMap<String, Account>,
    contract: AccountId,
    txs: Vec<Sent>,
    /// Receipts seen so far (they never change), by id.
    receipts: BTreeMap<CryptoHash, ReceiptView>,
    yield_timeout: u64,
    rt: tokio::runtime::Runtime,
}

impl SandboxBackend {
    /// A sandbox with the contract deployed with `balance` on its account, or `None` when
    /// `NEAR_SANDBOX_BIN_PATH` is not set.
    pub fn from_env(balance: u128) -> Option<SandboxBackend> {
        let path = std::env::var_os("NEAR_SANDBOX_BIN_PATH").filter(|p| !p.is_empty())?;
        assert!(
            std::path::Path::new(&path).is_file(),
            "NEAR_SANDBOX_BIN_PATH={} is not a file: point it at a neard sandbox binary",
            path.to_string_lossy()
        );
        Some(SandboxBackend::new(balance))
    }

    /// Like `from_env`, but fails without `NEAR_SANDBOX_BIN_PATH`.
    pub fn new(balance: u128) -> SandboxBackend {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime");
        let worker = rt
            .block_on(async { near_workspaces::sandbox().await })
            .unwrap_or_else(|e| panic!("cannot start the neard sandbox at NEAR_SANDBOX_BIN_PATH: {e:?}"));
        let rpc = JsonRpcClient::connect(worker.rpc_addr());
        let contract: AccountId = CONTRACT.parse().unwrap();
        let mut backend = SandboxBackend {
            worker,
            rpc,
            accounts: BTreeMap::new(),
            contract,
            txs: Vec::new(),
            receipts: BTreeMap::new(),
            yield_timeout: 0,
            rt,
        };
        backend.yield_timeout = backend.query_yield_timeout();
        let account = backend.create_account(CONTRACT, balance);
        let wasm = contract_wasm();
        let deployed = backend.rt.block_on(account.deploy(&wasm)).expect("deploy transaction");
        assert!(deployed.is_success(), "deploying the contract failed: {:?}", deployed.details);
        backend
    }

    pub fn worker(&self) -> &Worker<Sandbox> {
        &self.worker
    }

    /// Runs a future of this backend to completion.
    pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        self.rt.block_on(f)
    }

    /// The account `id`, created (with its parents) on first use.
    pub fn account(&mut self, id: &str) -> Account {
        match self.accounts.get(id) {
            Some(account) => account.clone(),
            None => self.create_account(id, ACCOUNT_BALANCE),
        }
    }

    fn create_account(&mut self, id: &str, balance: u128) -> Account {
        let account_id: AccountId = id.parse().unwrap_or_else(|e| panic!("invalid account id {id:?}: {e}"));
        let sk = SecretKey::from_random(KeyType::ED25519);
        let account = match id.split_once('.') {
            // No transaction creates an implicit account with a key of ours (a transfer creates
            // one keyed by its id): write it into the sandbox's state, with our key.
            _ if account_id.get_account_type().is_implicit() => {
                let patched = self.rt.block_on(
                    self.worker
                        .patch(&account_id)
                        .account(AccountDetailsPatch::default().balance(NearToken::from_yoctonear(balance)))
                        .access_key(sk.public_key(), AccessKey::full_access())
                        .transact(),
                );
                patched.unwrap_or_else(|e| panic!("creating {id} by a state patch failed: {e}"));
                Account::from_secret_key(account_id, sk, &self.worker)
            }
            // Top-level: only the registrar may create short names.
            None => {
                let created = self.rt.block_on(self.worker.create_tla(account_id, sk)).expect("create_tla");
                let account = created.into_result().unwrap_or_else(|e| panic!("creating {id} failed: {e:?}"));
                let root = self.worker.root_account().expect("root account");
                let topped = self
                    .rt
                    .block_on(root.transfer_near(account.id(), NearToken::from_yoctonear(PARENT_TOP_UP)))
                    .expect("top-up transaction");
                assert!(topped.is_success(), "topping up {id} failed: {topped:?}");
                account
            }
            Some((prefix, parent)) => {
                let parent = self.account(parent);
                let created = self
                    .rt
                    .block_on(
                        parent
                            .create_subaccount(prefix)
                            .initial_balance(NearToken::from_yoctonear(balance))
                            .keys(sk)
                            .transact(),
                    )
                    .expect("create account transaction");
                created.into_result().unwrap_or_else(|e| panic!("creating {id} failed: {e:?}"))
            }
        };
        self.accounts.insert(id.to_string(), account.clone());
        account
    }

    fn query_yield_timeout(&self) -> u64 {
        let request = methods::EXPERIMENTAL_protocol_config::RpcProtocolConfigRequest {
            block_reference: BlockReference::Finality(Finality::None),
        };
        let config = self.rt.block_on(self.rpc.call(request)).expect("EXPERIMENTAL_protocol_config");
        config.runtime_config.wasm_config.limit_config.yield_timeout_length_in_blocks
    }

    /// (height, timestamp in ns) of the latest block.
    fn head(&self) -> (u64, u64) {
        let block = self.rt.block_on(async { self.worker.view_block().await }).expect("view_block");
        (block.height(), block.timestamp())
    }

    fn wait_for_height(&self, height: u64) {
        let deadline = Instant::now() + SETTLE_TIMEOUT;
        while self.head().0 < height {
            assert!(Instant::now() < deadline, "the sandbox did not reach block {height} in time");
            std::thread::sleep(POLL);
        }
    }

    fn fast_forward(&self, blocks: u64) {
        self.rt.block_on(self.worker.fast_forward(blocks)).expect("fast_forward");
    }

    /// The transaction's outcomes so far, or `None` while the node has none.
    #[allow(deprecated)] // EXPERIMENTAL_tx_status: every neard version serves it, unlike tx_status
    fn snapshot(&self, sent: &Sent) -> Result<Option<Snapshot>, String> {
        let request = methods::EXPERIMENTAL_tx_status::RpcTransactionStatusRequest {
            transaction_info: TransactionInfo::TransactionId {
                tx_hash: sent.hash,
                sender_account_id: sent.sender.clone(),
            },
            wait_until: TxExecutionStatus::Included,
        };
        let response = match self.rt.block_on(self.rpc.call(request)) {
            Ok(response) => response,
            // The chain refused it: it will never run (`VmBackend` panics on these too).
            Err(JsonRpcError::ServerError(JsonRpcServerError::HandlerError(
                RpcTransactionError::InvalidTransaction { context },
            ))) => panic!("invalid transaction {} from {}: {context}", sent.hash, sent.sender),
            // Unknown yet, or not yet included: ask again.
            Err(e) => return Err(e.to_string()),
        };
        let (outcome, receipts) = match response.final_execution_outcome {
            Some(FinalExecutionOutcomeViewEnum::FinalExecutionOutcomeWithReceipt(o)) => (o.final_outcome, o.receipts),
            Some(FinalExecutionOutcomeViewEnum::FinalExecutionOutcome(o)) => (o, Vec::new()),
            None => return Ok(None),
        };
        let executed: BTreeSet<CryptoHash> = outcome.receipts_outcome.iter().map(|o| o.id).collect();
        let pending = std::iter::once(&outcome.transaction_outcome)
            .chain(&outcome.receipts_outcome)
            .flat_map(|o| o.outcome.receipt_ids.iter().copied())
            .filter(|id| !executed.contains(id))
            .collect();
        Ok(Some(Snapshot { outcome, pending, receipts }))
    }

    /// The receipt `id`, from the cache or the node (which also knows receipts not yet executed).
    fn receipt(&mut self, id: &CryptoHash) -> Option<ReceiptView> {
        if let Some(r) = self.receipts.get(id) {
            return Some(r.clone());
        }
        let request = methods::EXPERIMENTAL_receipt::RpcReceiptRequest {
            receipt_reference: ReceiptReference { receipt_id: *id },
        };
        let receipt = self.rt.block_on(self.rpc.call(request)).ok()?;
        self.receipts.insert(*id, receipt.clone());
        Some(receipt)
    }

    /// True for a receipt that only moves tokens: nothing in it can log or change a result.
    fn is_transfer_only(&mut self, id: &CryptoHash) -> bool {
        match self.receipt(id).map(|r| r.receipt) {
            Some(ReceiptEnumView::Action { actions, .. }) => {
                actions.iter().all(|a| matches!(a, ActionView::Transfer { .. }))
            }
            Some(_) => true,
            None => false,
        }
    }

    /// True for a yield's callback receipt (nearcore's `PromiseYield`), when the node shows it.
    fn is_yield(&mut self, id: &CryptoHash) -> bool {
        matches!(self.receipt(id).map(|r| r.receipt), Some(ReceiptEnumView::Action { is_promise_yield: true, .. }))
    }

    /// Polls the transaction until it is final with no function call left to run, or until it
    /// has not changed for `STABLE_BLOCKS` blocks (waiting on a yield). `just_sent`: nobody can
    /// have resumed a yield it created yet, so once every receipt still pending is a yield
    /// callback it is waiting, without watching blocks go by.
    fn wait(&mut self, handle: usize, just_sent: bool) -> Snapshot {
        let deadline = Instant::now() + SETTLE_TIMEOUT;
        // (executed outcomes, pending receipts) as last seen, and the height they were first seen at.
        let mut last: Option<(usize, BTreeSet<CryptoHash>, u64)> = None;
        let mut last_error = String::new();
        loop {
            let (height, _) = self.head();
            match self.snapshot(&self.txs[handle]) {
                // Failed before any receipt ran (the transaction itself was invalid).
                Ok(Some(s))
                    if s.outcome.receipts_outcome.is_empty()
                        && matches!(s.outcome.status, FinalExecutionStatus::Failure(_)) =>
                {
                    return s;
                }
                Ok(Some(mut s)) if !s.outcome.receipts_outcome.is_empty() => {
                    for r in std::mem::take(&mut s.receipts) {
                        self.receipts.insert(r.receipt_id, r);
                    }
                    let is_final = matches!(
                        s.outcome.status,
                        FinalExecutionStatus::SuccessValue(_) | FinalExecutionStatus::Failure(_)
                    );
                    let pending: Vec<CryptoHash> = s.pending.iter().copied().collect();
                    if is_final && pending.iter().all(|id| self.is_transfer_only(id)) {
                        return s;
                    }
                    if just_sent && !is_final && !pending.is_empty() && pending.iter().all(|id| self.is_yield(id)) {
                        return s;
                    }
                    let key = (s.outcome.receipts_outcome.len(), s.pending.clone());
                    match &last {
                        Some((n, p, since)) if (n, p) == (&key.0, &key.1) => {
                            if height >= since + STABLE_BLOCKS {
                                return s;
                            }
                        }
                        _ => last = Some((key.0, key.1, height)),
                    }
                }
                Ok(_) => {}
                Err(e) => last_error = e,
            }
            if Instant::now() > deadline {
                let sent = &self.txs[handle];
                panic!(
                    "transaction {} from {} did not settle within {:?} (last RPC error: {last_error:?})",
                    sent.hash, sent.sender, SETTLE_TIMEOUT
                );
            }
            std::thread::sleep(POLL);
        }
    }

    fn to_tx(&mut self, handle: usize, s: Snapshot) -> Tx {
        let outcome = s.outcome;
        let first_receipt = outcome.transaction_outcome.outcome.receipt_ids.first().copied();
        let first: Option<&ExecutionOutcomeWithIdView> =
            outcome.receipts_outcome.iter().find(|o| Some(o.id) == first_receipt);
        let gas_burnt = first.map_or(0, |o| o.outcome.gas_burnt.as_gas());
        let logs = outcome.receipts_outcome.iter().flat_map(|o| o.outcome.logs.clone()).collect();
        let ids: Vec<CryptoHash> =
            outcome.receipts_outcome.iter().map(|o| o.id).chain(s.pending.iter().copied()).collect();
        let mut transfers = Vec::new();
        for id in ids {
            let Some(r) = self.receipt(&id) else { continue };
            let ReceiptEnumView::Action { signer_id, actions, .. } = &r.receipt else {
                continue;
            };
            let from_contract = r.predecessor_id == self.contract;
            let deposit_refund = r.predecessor_id.as_str() == "system" && signer_id.as_str() == "system";
            if from_contract || deposit_refund {
                for action in actions {
                    if let ActionView::Transfer { deposit } = action {
                        transfers.push((r.receiver_id.to_string(), deposit.as_yoctonear()));
                    }
                }
            }
        }
        Tx { status: status_of(&outcome.status), logs, transfers, gas_burnt, handle }
    }
}

/// The contract's message out of the RPC's `vm_error`, which nearcore writes as
/// `wasm execution failed with error: ExecutionError("Smart contract panicked: ...")` (Rust
/// `Debug`): unescaped, it reads as `VmBackend`'s view errors do. Anything else as it is.
pub fn contract_error(vm_error: &str) -> String {
    const HEAD: &str = "ExecutionError(\"";
    match (vm_error.find(HEAD), vm_error.rfind("\")")) {
        (Some(start), Some(end)) if end >= start + HEAD.len() => unescape_debug(&vm_error[start + HEAD.len()..end]),
        _ => vm_error.to_string(),
    }
}

/// Undoes `str`'s `Debug` escaping.
fn unescape_debug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('0') => out.push('\0'),
            // \u{XXXX}
            Some('u') => {
                let hex: String = chars.by_ref().skip(1).take_while(|&c| c != '}').collect();
                out.extend(u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32));
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// An error with all its sources (near-workspaces' errors only name their kind otherwise).
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text = format!("{text}: {s}");
        source = s.source();
    }
    text
}

fn status_of(status: &FinalExecutionStatus) -> Status {
    match status {
        FinalExecutionStatus::NotStarted | FinalExecutionStatus::Started => Status::Waiting,
        FinalExecutionStatus::SuccessValue(v) if v.is_empty() => Status::Success(None),
        FinalExecutionStatus::SuccessValue(v) => Status::Success(Some(v.clone())),
        FinalExecutionStatus::Failure(e) => Status::Failure(failure_message(e)),
    }
}

/// The contract's own message where there is one, worded like `VmBackend`'s.
fn failure_message(e: &TxExecutionError) -> String {
    match e {
        TxExecutionError::ActionError(a) => match &a.kind {
            ActionErrorKind::FunctionCallError(FunctionCallError::ExecutionError(msg)) => msg.clone(),
            ActionErrorKind::LackBalanceForState { account_id, amount } => {
                format!("LackBalanceForState {{ account_id: {account_id}, amount: {} }}", amount.as_yoctonear())
            }
            _ => e.to_string(),
        },
        TxExecutionError::InvalidTxError(_) => e.to_string(),
    }
}

impl Backend for SandboxBackend {
    fn contract(&self) -> String {
        CONTRACT.into()
    }

    fn call(&mut self, signer: &str, method: &str, args: &[u8], deposit: u128, gas: u64) -> Tx {
        let account = self.account(signer);
        let status = self
            .rt
            .block_on(
                account
                    .call(&self.contract, method)
                    .args(args.to_vec())
                    .deposit(NearToken::from_yoctonear(deposit))
                    .gas(near_workspaces::types::Gas::from_gas(gas))
                    .transact_async(),
            )
            .unwrap_or_else(|e| panic!("sending {method} from {signer} failed: {e}"));
        self.txs.push(Sent { hash: CryptoHash(status.hash().0), sender: account.id().clone() });
        let handle = self.txs.len() - 1;
        let snapshot = self.wait(handle, true);
        self.to_tx(handle, snapshot)
    }

    fn view(&mut self, method: &str, args: &[u8]) -> Result<Vec<u8>, String> {
        let request = methods::query::RpcQueryRequest {
            block_reference: BlockReference::Finality(Finality::None),
            request: QueryRequest::CallFunction {
                account_id: self.contract.clone(),
                method_name: method.to_string(),
                args: FunctionArgs::from(args.to_vec()),
            },
        };
        match self.rt.block_on(self.rpc.call(request)) {
            Ok(response) => match response.kind {
                QueryResponseKind::CallResult(r) => Ok(r.result),
                other => Err(format!("unexpected answer to call_function: {other:?}")),
            },
            Err(JsonRpcError::ServerError(JsonRpcServerError::HandlerError(
                RpcQueryError::ContractExecutionError { vm_error, .. },
            ))) => Err(contract_error(&vm_error)),
            Err(e) => Err(error_chain(&e)),
        }
    }

    fn settle(&mut self, tx: &Tx) -> Tx {
        let snapshot = self.wait(tx.handle, false);
        self.to_tx(tx.handle, snapshot)
    }

    fn skip_blocks(&mut self, n: u64) {
        let (start, _) = self.head();
        if n > 0 {
            self.fast_forward(n);
        }
        self.wait_for_height(start + n + AFTER_FORWARD_BLOCKS);
    }

    fn skip_time(&mut self, seconds: u64) {
        let (h0, t0) = self.head();
        let target = t0 + seconds * 1_000_000_000;
        // Block time as last measured; one second a block to start with.
        let mut per_block = 1_000_000_000u64;
        let (mut h, mut t) = (h0, t0);
        for round in 0.. {
            if t >= target {
                break;
            }
            assert!(round < 20, "skip_time({seconds}): the sandbox's block time does not follow fast-forwards");
            let blocks = (target - t).div_ceil(per_block).clamp(1, MAX_FORWARD);
            self.fast_forward(blocks);
            let (h1, t1) = self.head();
            if h1 > h && t1 > t {
                per_block = ((t1 - t) / (h1 - h)).max(1);
            }
            (h, t) = (h1, t1);
        }
        self.wait_for_height(h + AFTER_FORWARD_BLOCKS);
    }

    fn yield_timeout_blocks(&self) -> u64 {
        self.yield_timeout
    }
}
