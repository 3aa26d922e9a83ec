//! `Backend` on the embedded nearcore VM (`vm.rs`).
//!
//! Receipts are attributed as on chain: a yield's callback (and the failure
//! receipt it may spawn) belongs to the transaction that created the yield, not
//! to the resolve that resumed it.
#![allow(dead_code)]

use super::backend::{Backend, Status, Tx};
use super::vm::{contract_wasm, CallArgs, FinalResult, Outcome, Vm, YieldId};
use std::collections::BTreeMap;

pub const CONTRACT: &str = "offchainvm.testnet";

pub struct VmBackend {
    pub vm: Vm,
    /// Every transaction's first outcome, indexed by `Tx::handle`.
    txs: Vec<Outcome>,
    /// Yield callbacks that have run, by yield.
    callbacks: BTreeMap<YieldId, Outcome>,
}

impl VmBackend {
    /// The contract deployed with `balance` on its account.
    pub fn new(balance: u128) -> VmBackend {
        VmBackend { vm: Vm::new(CONTRACT, &contract_wasm(), balance), txs: Vec::new(), callbacks: BTreeMap::new() }
    }

    pub fn outcome(&self, tx: &Tx) -> &Outcome {
        &self.txs[tx.handle]
    }

    /// The callback outcome of the yield a request created, once it ran.
    pub fn callback_of(&self, tx: &Tx) -> Option<&Outcome> {
        self.txs[tx.handle].yields_created.first().and_then(|y| self.callbacks.get(y))
    }

    fn remember_callbacks(&mut self, o: &Outcome) {
        if let Some(y) = o.yield_id {
            self.callbacks.insert(y, o.clone());
        }
        for s in &o.spawned {
            self.remember_callbacks(s);
        }
    }

    /// The receipts of `o`'s own transaction: itself and what it spawned, but not
    /// yield callbacks it resumed (those belong to the requests).
    fn own_receipts<'a>(o: &'a Outcome, out: &mut Vec<&'a Outcome>) {
        out.push(o);
        for s in o.spawned.iter().filter(|s| s.yield_id.is_none()) {
            Self::own_receipts(s, out);
        }
    }

    fn to_tx(&self, handle: usize) -> Tx {
        let first = &self.txs[handle];
        let mut receipts = Vec::new();
        Self::own_receipts(first, &mut receipts);
        for y in &first.yields_created {
            if let Some(cb) = self.callbacks.get(y) {
                Self::own_receipts(cb, &mut receipts);
            }
        }
        let mut transfers: Vec<(String, u128)> = receipts.iter().flat_map(|o| o.transfers.clone()).collect();
        transfers.extend(receipts.iter().filter_map(|o| o.refund.clone()));
        Tx {
            status: match self.vm.final_result(first) {
                FinalResult::Success(v) => Status::Success(v),
                FinalResult::Failure(e) => Status::Failure(e),
                FinalResult::AwaitingYield(_) | FinalResult::Pending => Status::Waiting,
            },
            logs: receipts.iter().flat_map(|o| o.logs.clone()).collect(),
            transfers,
            gas_burnt: first.gas_burnt,
            handle,
        }
    }
}

impl Backend for VmBackend {
    fn contract(&self) -> String {
        CONTRACT.into()
    }

    fn call(&mut self, signer: &str, method: &str, args: &[u8], deposit: u128, gas: u64) -> Tx {
        let outcome =
            self.vm.call(CallArgs { deposit, prepaid_gas: gas, ..CallArgs::call(signer, method, args.to_vec()) });
        self.remember_callbacks(&outcome);
        for o in self.vm.take_timed_out() {
            self.remember_callbacks(&o);
        }
        self.txs.push(outcome);
        self.to_tx(self.txs.len() - 1)
    }

    fn view(&mut self, method: &str, args: &[u8]) -> Result<Vec<u8>, String> {
        let o = self.vm.call(CallArgs::view(method, args.to_vec()));
        o.result.map(Option::unwrap_or_default)
    }

    fn settle(&mut self, tx: &Tx) -> Tx {
        self.to_tx(tx.handle)
    }

    fn skip_blocks(&mut self, n: u64) {
        for o in self.vm.advance_blocks(n) {
            self.remember_callbacks(&o);
        }
    }

    fn skip_time(&mut self, seconds: u64) {
        // One block a second, as `advance_blocks` produces them.
        self.skip_blocks(seconds);
    }

    fn yield_timeout_blocks(&self) -> u64 {
        self.vm.yield_timeout_blocks()
    }
}
