//! The contract's rules, written once for every test from SPEC.md and README ("Pricing",
//! "Limits", "State layout"), never from `src/`: caps, prices and charges, the deposit a
//! request needs, the bytes the contract stores, the yield payload, what a caller receives.
//! A test that compares the contract with this module is an independent check of it.
#![allow(dead_code)] // each test binary uses its own part

mod charges;
mod output;
mod request;
mod storage;
mod text;

pub use charges::*;
pub use output::*;
pub use request::*;
pub use storage::*;
pub use text::*;

const NEAR: u128 = 1_000_000_000_000_000_000_000_000;

// ---- NEAR's own numbers ----

/// Storage staking price, yoctoNEAR per byte.
pub const STORAGE_PRICE: u128 = 10_000_000_000_000_000_000;
/// Bytes nearcore adds to every stored key/value pair (`num_extra_bytes_record`).
pub const RECORD_EXTRA: u64 = 40;
/// The most `promise_yield_resume` carries.
pub const YIELD_PAYLOAD_LIMIT: usize = 1024;
/// The most one log (and all logs of a receipt) may hold.
pub const LOG_LIMIT: usize = 16_384;

// ---- the contract's rules ----

/// `cancel_stale_execution` works 10 minutes after the request, not before.
pub const STALE_NS: u64 = 600 * 1_000_000_000;
/// `execution_completed` carries at most this much of an error.
pub const EVENT_ERROR_BYTES: usize = 256;

pub const CAP_INSTRUCTIONS: u64 = 100_000_000_000;
pub const CAP_MEMORY_MB: u64 = 1024;
pub const CAP_SECONDS: u64 = 60;
pub const CAP_REPO: usize = 512;
pub const CAP_COMMIT: usize = 128;
pub const CAP_BUILD_TARGET: usize = 64;
pub const CAP_INPUT: usize = 4096;
pub const CAP_SECRETS: usize = 1024;
pub const CAP_OUTPUT: usize = 32768;

// ---- the methods ----

/// SPEC.md's view methods.
pub const VIEWS: [&str; 15] = [
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
    "get_pending_requests",
    "get_balance_sheet",
    "estimate_required_deposit",
    "get_storage_version",
];

/// Arguments every view accepts: a request id for those about one request, the seed's
/// request for the deposit estimate, none for the others.
pub fn view_args(view: &str) -> &'static str {
    match view {
        "get_request" | "get_pending_output" | "has_pending_output" => r#"{"request_id": 0}"#,
        "estimate_required_deposit" => crate::common::seed::SEED_REQUEST,
        "get_pending_requests" => r#"{"from_id": 0, "limit": 5}"#,
        _ => "{}",
    }
}
/// SPEC.md's admin methods (the owner's; `set_keystore_pubkey` also the keystore account's).
pub const ADMIN: [&str; 7] = [
    "set_operator",
    "set_owner",
    "set_paused",
    "set_pricing",
    "set_keystore_account",
    "set_keystore_pubkey",
    "emergency_cancel_execution",
];

// ---- the default prices ----

pub const BASE_FEE: u128 = NEAR / 100;
/// Per million instructions.
pub const PER_MINSTR: u128 = NEAR / 1_000_000;
pub const PER_MB: u128 = NEAR / 10_000;
pub const PER_SEC: u128 = NEAR / 1_000;
