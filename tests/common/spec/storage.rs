//! README "State layout": the bytes each record stakes, and what the deposit and the payment
//! must cover.

use super::*;

pub fn storage_cost(bytes: u64) -> u128 {
    bytes as u128 * STORAGE_PRICE
}

/// Bytes of `s` in its JSON-escaped form, as the caps count them and the contract stores them.
/// The tests send strings escaped as serde_json escapes them, so this is the form as sent.
pub fn escaped_len(s: &str) -> usize {
    serde_json::to_string(s).unwrap().len() - 2
}

/// README "State layout": the request record is 154 fixed bytes, then sender, repo and commit
/// (u32 length + bytes each), then build_target, input_data and encrypted_secrets (a tag byte,
/// then u32 length + bytes when present), under a 9-byte key (`r` + u64).
pub fn request_record_bytes(
    sender: usize,
    repo: usize,
    commit: usize,
    build_target: Option<usize>,
    input_data: Option<usize>,
    secrets: Option<usize>,
) -> u64 {
    let string = |len: usize| 4 + len;
    let option = |len: Option<usize>| 1 + len.map_or(0, string);
    let value = 154
        + string(sender)
        + string(repo)
        + string(commit)
        + option(build_target)
        + option(input_data)
        + option(secrets);
    9 + value as u64 + RECORD_EXTRA
}

/// A submitted output: a kind byte and the body, under a 9-byte key (`o` + u64).
pub fn output_record_bytes(body_len: usize) -> u64 {
    9 + 1 + body_len as u64 + RECORD_EXTRA
}

/// The config record under `c`: version, paused, next id, executions, fees, four prices (98
/// fixed bytes), then owner and operator (u32 length + bytes) and the keystore account (a tag
/// byte, then u32 length + bytes when set).
pub fn config_record_bytes(owner: usize, operator: usize, keystore: Option<usize>) -> u64 {
    let value = 98 + 4 + owner + 4 + operator + 1 + keystore.map_or(0, |k| 4 + k);
    1 + value as u64 + RECORD_EXTRA
}

/// The operator mark: the operator's account id as a key, with an empty value.
pub fn operator_mark_bytes(operator: usize) -> u64 {
    operator as u64 + RECORD_EXTRA
}

/// The keystore key under `k`: 64 lowercase hex characters.
pub const PUBKEY_RECORD_BYTES: u64 = 1 + 64 + RECORD_EXTRA;

/// SPEC.md: the deposit must cover the estimate and the storage staking of the pending request.
pub fn deposit_required(prices: &Prices, limits: &Limits, request_bytes: u64) -> Option<u128> {
    prices.checked_estimate(limits)?.checked_add(storage_cost(request_bytes))
}

/// SPEC.md: a submitted output fits when request and output storage cost at most the payment.
pub fn output_fits_payment(request_bytes: u64, body_len: usize, payment: u128) -> bool {
    storage_cost(request_bytes + output_record_bytes(body_len)) <= payment
}
