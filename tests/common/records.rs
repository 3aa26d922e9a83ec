//! The `borsh` crate's model of the stored records (README "State layout"): the
//! layout tests compare the contract's hand-written bytes with it, and the
//! upgrade tests plant older state with it. Kept free of the rest of `common`
//! so that tests/layout.rs can include it alone.
#![allow(dead_code)] // each test binary uses its own part

use borsh::BorshSerialize;

/// A price snapshot, in the order records store it.
#[derive(BorshSerialize)]
pub struct BorshPricing {
    pub base_fee: u128,
    pub per_instruction_fee: u128,
    pub per_mb_fee: u128,
    pub per_second_fee: u128,
}

/// The config record today (version 3; version 2 is the same bytes).
#[derive(BorshSerialize)]
pub struct BorshConfig {
    pub version: u8,
    pub paused: bool,
    pub next_request_id: u64,
    pub total_executions: u64,
    pub total_fees: u128,
    pub pricing: BorshPricing,
    pub pending_payments: u128,
    pub total_withdrawn: u128,
    pub pending_low: u64,
    pub pending_count: u64,
    pub owner: String,
    pub operator: String,
    pub keystore: Option<String>,
}

/// The seed-era (version 1) config, as deployed contracts hold it.
#[derive(BorshSerialize)]
pub struct BorshConfigV1 {
    pub version: u8,
    pub paused: bool,
    pub next_request_id: u64,
    pub total_executions: u64,
    pub total_fees: u128,
    pub pricing: BorshPricing,
    pub owner: String,
    pub operator: String,
    pub keystore: Option<String>,
}

/// A request record in layout 0: the seed-era record, still written for every
/// request without a payer.
#[derive(BorshSerialize)]
pub struct BorshRequest {
    pub id: u64,
    pub has_output: bool,
    pub payment: u128,
    pub timestamp: u64,
    pub data_id: [u8; 32],
    pub pricing: BorshPricing,
    pub max_instructions: u64,
    pub max_memory_mb: u64,
    pub max_execution_seconds: u64,
    pub format: u8,
    pub sender: String,
    pub repo: String,
    pub commit: String,
    pub build_target: Option<String>,
    pub input_data: Option<String>,
    pub secrets: Option<Vec<u8>>,
}
