//! OffchainVM: a raw, no-SDK NEAR contract that takes requests to run WASM
//! off-chain, pauses the caller with yield/resume until an operator answers,
//! then charges for what was used and refunds the rest.
//!
//! Everything but `host` and `contract` is plain Rust that the host tests cover;
//! those two only exist in the wasm build.
#![cfg_attr(target_arch = "wasm32", no_std)]
// Every `unsafe` block lives in `host`, the one module allowed them: the
// compiler checks it.
#![deny(unsafe_code)]

/// The contract's growable byte buffer: `host::Buf` (a bump-allocated buffer
/// with no `alloc` crate behind it) in the wasm, a plain `Vec` in host tests.
#[cfg(target_arch = "wasm32")]
pub use host::Buf as Bytes;
#[cfg(not(target_arch = "wasm32"))]
pub type Bytes = std::vec::Vec<u8>;

// Modules by layer, from the host up to the entry points: each uses only the
// layers listed before it and its own, except `error`, whose cap refusals write
// a cap's number (from `limits`, with `json`).

// The host: the one safe layer over near-sys, and the allocator (wasm only).
#[cfg(target_arch = "wasm32")]
#[allow(unsafe_code)]
mod host;

// Refusals: how a call ends with an error, and every message text.
pub mod error;

// Codecs: bytes in and out, no NEAR or OffchainVM meaning.
pub mod borsh;
pub mod encoding;
pub mod json;
pub mod num;
pub mod packed;
pub mod substr;

// The domain: accounts, limits, prices and budgets, the values requests and
// responses are made of.
pub mod account;
pub mod budget;
pub mod limits;
pub mod pricing;
pub mod types;
// The JSON field names the tables, views and events share.
pub mod names;

// State: the stored records and their layouts.
pub mod state;

// What records become on the way out: events and views' JSON, the yield payload.
pub mod events;
pub mod payload;

// Entry points: each method's arguments, then the methods themselves (wasm only).
pub mod args;
#[cfg(target_arch = "wasm32")]
mod contract;

/// Each exported method is one line: the logic lives in `contract`.
macro_rules! exports {
    ($($name:ident),* $(,)?) => {
        $(
            #[cfg(target_arch = "wasm32")]
            // `no_mangle` counts as unsafe code to the lint: the export name
            // is the contract's ABI, and nothing else here is unsafe.
            #[allow(unsafe_code)]
            #[no_mangle]
            pub extern "C" fn $name() {
                contract::$name()
            }
        )*
    };
}

exports!(
    new,
    request_execution,
    cancel_stale_execution,
    resolve_execution,
    submit_execution_output,
    on_execution_response,
    return_output,
    fail_execution,
    set_operator,
    set_owner,
    set_paused,
    set_pricing,
    set_keystore_account,
    set_keystore_pubkey,
    emergency_cancel_execution,
    get_request,
    get_stats,
    get_pricing,
    get_config,
    get_keystore_pubkey,
    estimate_execution_cost,
    estimate_required_deposit,
    get_max_limits,
    is_paused,
    get_pending_output,
    has_pending_output,
    contract_source_metadata,
    get_pending_requests,
    get_balance_sheet,
    get_storage_version,
    withdraw_fees,
    cancel_pending_requests,
    clear_all_pending_requests,
    submit_execution_output_and_resolve,
    migrate,
    upgrade,
);
