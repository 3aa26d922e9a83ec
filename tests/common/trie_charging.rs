//! The chain's `External`: nearcore's `MockedExternal` (a fake trie and an action log), plus
//! the trie-node charges the chain adds to every storage operation.
//!
//! `MockedExternal` charges no trie-node touches. On chain a `storage_*` call pays
//! `touching_trie_node` for every trie node on the key's path that the chunk has not touched
//! yet (and `read_cached_trie_node` for the others). In pessimistic mode this charges the full
//! `touching_trie_node` fee for `depth` nodes on every storage call, as if nothing were cached:
//! an upper bound for a trie of that depth. Everything else is delegated unchanged.
#![allow(dead_code)]

use near_crypto::PublicKey;
use near_primitives_core::hash::{CryptoHash, YieldId};
use near_primitives_core::types::{AccountId, Balance, Gas, GasWeight, Nonce, NonceIndex};
use near_primitives_core::universal_state_init::{DecodeMode, RawStateInit, StateInitError, UniversalStateInitCounts};
use near_vm_runner::logic::mocks::mock_external::MockedExternal;
use near_vm_runner::logic::types::{ActionIndex, GlobalContractDeployMode, GlobalContractIdentifier, ReceiptIndex};
use near_vm_runner::logic::{External, StorageAccessTracker, VMLogicError, ValuePtr};

type Result<T, E = VMLogicError> = std::result::Result<T, E>;

pub struct ChargingExternal<'a> {
    pub inner: &'a mut MockedExternal,
    /// Trie nodes charged per storage operation; 0 charges nothing (the VM's exact figures).
    pub depth: u64,
}

impl ChargingExternal<'_> {
    fn touch(&self, tracker: &mut dyn StorageAccessTracker) -> Result<()> {
        if self.depth > 0 {
            tracker.trie_node_touched(self.depth)?;
        }
        Ok(())
    }
}

impl External for ChargingExternal<'_> {
    fn storage_set<'a>(
        &'a mut self,
        tracker: &mut dyn StorageAccessTracker,
        key: &[u8],
        value: &[u8],
    ) -> Result<Option<Vec<u8>>> {
        self.touch(tracker)?;
        self.inner.storage_set(tracker, key, value)
    }

    fn storage_get<'a>(
        &'a self,
        tracker: &mut dyn StorageAccessTracker,
        key: &[u8],
    ) -> Result<Option<Box<dyn ValuePtr + 'a>>> {
        self.touch(tracker)?;
        self.inner.storage_get(tracker, key)
    }

    fn storage_remove(&mut self, tracker: &mut dyn StorageAccessTracker, key: &[u8]) -> Result<Option<Vec<u8>>> {
        self.touch(tracker)?;
        self.inner.storage_remove(tracker, key)
    }

    fn storage_has_key(&mut self, tracker: &mut dyn StorageAccessTracker, key: &[u8]) -> Result<bool> {
        self.touch(tracker)?;
        self.inner.storage_has_key(tracker, key)
    }

    fn generate_data_id(&mut self) -> CryptoHash {
        self.inner.generate_data_id()
    }
    fn get_recorded_storage_size(&self) -> usize {
        self.inner.get_recorded_storage_size()
    }
    fn storage_proof_size_before_receipt(&self) -> usize {
        self.inner.storage_proof_size_before_receipt()
    }
    fn validator_stake(&self, account_id: &AccountId) -> Result<Option<Balance>> {
        self.inner.validator_stake(account_id)
    }
    fn validator_total_stake(&self) -> Result<Balance> {
        self.inner.validator_total_stake()
    }
    fn chain_id(&self) -> String {
        self.inner.chain_id()
    }
    fn create_action_receipt(
        &mut self,
        receipt_indices: Vec<ReceiptIndex>,
        receiver_id: AccountId,
    ) -> Result<ReceiptIndex> {
        self.inner.create_action_receipt(receipt_indices, receiver_id)
    }
    fn create_promise_yield_receipt(&mut self, receiver_id: AccountId) -> Result<(ReceiptIndex, CryptoHash)> {
        self.inner.create_promise_yield_receipt(receiver_id)
    }
    fn create_promise_yield_receipt_with_id(
        &mut self,
        receiver_id: AccountId,
        user_yield_id: YieldId,
    ) -> Result<Option<(ReceiptIndex, CryptoHash)>> {
        self.inner.create_promise_yield_receipt_with_id(receiver_id, user_yield_id)
    }
    fn submit_promise_resume_data(&mut self, data_id: CryptoHash, data: Vec<u8>) -> Result<bool> {
        self.inner.submit_promise_resume_data(data_id, data)
    }
    fn submit_promise_resume_data_with_yield_id(&mut self, user_yield_id: YieldId, data: Vec<u8>) -> Result<bool> {
        self.inner.submit_promise_resume_data_with_yield_id(user_yield_id, data)
    }
    fn append_action_create_account(&mut self, receipt_index: ReceiptIndex) {
        self.inner.append_action_create_account(receipt_index)
    }
    fn append_action_deploy_contract(&mut self, receipt_index: ReceiptIndex, code: Vec<u8>) {
        self.inner.append_action_deploy_contract(receipt_index, code)
    }
    fn append_action_deploy_global_contract(
        &mut self,
        receipt_index: ReceiptIndex,
        code: Vec<u8>,
        mode: GlobalContractDeployMode,
    ) {
        self.inner.append_action_deploy_global_contract(receipt_index, code, mode)
    }
    fn append_action_use_global_contract(
        &mut self,
        receipt_index: ReceiptIndex,
        contract_id: GlobalContractIdentifier,
    ) {
        self.inner.append_action_use_global_contract(receipt_index, contract_id)
    }
    fn append_action_deterministic_state_init(
        &mut self,
        receipt_index: ReceiptIndex,
        contract_id: GlobalContractIdentifier,
        amount: Balance,
    ) -> ActionIndex {
        self.inner.append_action_deterministic_state_init(receipt_index, contract_id, amount)
    }
    fn set_deterministic_state_init_data_entry(
        &mut self,
        receipt_index: ReceiptIndex,
        action_index: ActionIndex,
        key: Vec<u8>,
        value: Vec<u8>,
    ) -> Result<()> {
        self.inner.set_deterministic_state_init_data_entry(receipt_index, action_index, key, value)
    }
    fn check_state_init(&self, state_init: &RawStateInit) -> Result<(), StateInitError> {
        self.inner.check_state_init(state_init)
    }
    fn state_init_send_counts(&self, state_init: &RawStateInit, mode: DecodeMode) -> UniversalStateInitCounts {
        self.inner.state_init_send_counts(state_init, mode)
    }
    fn append_action_universal_state_init(
        &mut self,
        receipt_index: ReceiptIndex,
        state_init: RawStateInit,
        amount: Balance,
    ) {
        self.inner.append_action_universal_state_init(receipt_index, state_init, amount)
    }
    fn append_action_function_call_weight(
        &mut self,
        receipt_index: ReceiptIndex,
        method_name: Vec<u8>,
        args: Vec<u8>,
        attached_deposit: Balance,
        prepaid_gas: Gas,
        gas_weight: GasWeight,
    ) -> Result<()> {
        self.inner.append_action_function_call_weight(
            receipt_index,
            method_name,
            args,
            attached_deposit,
            prepaid_gas,
            gas_weight,
        )
    }
    fn append_action_transfer(&mut self, receipt_index: ReceiptIndex, deposit: Balance) {
        self.inner.append_action_transfer(receipt_index, deposit)
    }
    fn append_action_transfer_to_gas_key(
        &mut self,
        receipt_index: ReceiptIndex,
        public_key: PublicKey,
        deposit: Balance,
    ) {
        self.inner.append_action_transfer_to_gas_key(receipt_index, public_key, deposit)
    }
    fn append_action_add_gas_key_with_full_access(
        &mut self,
        receipt_index: ReceiptIndex,
        public_key: PublicKey,
        num_nonces: NonceIndex,
    ) {
        self.inner.append_action_add_gas_key_with_full_access(receipt_index, public_key, num_nonces)
    }
    fn append_action_add_gas_key_with_function_call(
        &mut self,
        receipt_index: ReceiptIndex,
        public_key: PublicKey,
        num_nonces: NonceIndex,
        allowance: Option<Balance>,
        receiver_id: AccountId,
        method_names: Vec<Vec<u8>>,
    ) -> Result<()> {
        self.inner.append_action_add_gas_key_with_function_call(
            receipt_index,
            public_key,
            num_nonces,
            allowance,
            receiver_id,
            method_names,
        )
    }
    fn append_action_stake(&mut self, receipt_index: ReceiptIndex, stake: Balance, public_key: PublicKey) {
        self.inner.append_action_stake(receipt_index, stake, public_key)
    }
    fn append_action_add_key_with_full_access(
        &mut self,
        receipt_index: ReceiptIndex,
        public_key: PublicKey,
        nonce: Nonce,
    ) {
        self.inner.append_action_add_key_with_full_access(receipt_index, public_key, nonce)
    }
    fn append_action_add_key_with_function_call(
        &mut self,
        receipt_index: ReceiptIndex,
        public_key: PublicKey,
        nonce: Nonce,
        allowance: Option<Balance>,
        receiver_id: AccountId,
        method_names: Vec<Vec<u8>>,
    ) -> Result<()> {
        self.inner.append_action_add_key_with_function_call(
            receipt_index,
            public_key,
            nonce,
            allowance,
            receiver_id,
            method_names,
        )
    }
    fn append_action_delete_key(&mut self, receipt_index: ReceiptIndex, public_key: PublicKey) {
        self.inner.append_action_delete_key(receipt_index, public_key)
    }
    fn append_action_delete_account(&mut self, receipt_index: ReceiptIndex, beneficiary_id: AccountId) {
        self.inner.append_action_delete_account(receipt_index, beneficiary_id)
    }
    fn get_receipt_receiver(&self, receipt_index: ReceiptIndex) -> &AccountId {
        self.inner.get_receipt_receiver(receipt_index)
    }
    fn set_refund_to(&mut self, receipt_index: ReceiptIndex, refund_to: AccountId) {
        self.inner.set_refund_to(receipt_index, refund_to)
    }
    fn post_quantum_keys_enabled(&self) -> bool {
        self.inner.post_quantum_keys_enabled()
    }
}
