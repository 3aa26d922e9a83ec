//! The gas and storage arithmetic of the entry points: what a request must
//! attach (deposit and gas), what storing an output costs, how a payment splits
//! into charge and refund, and what the contract's own balance may stake or send.
//! Pure, so the host tests reach every one of these decisions.

use crate::pricing::{required_deposit, storage_cost, RECORD_OVERHEAD};

pub const TGAS: u64 = 1_000_000_000_000;

/// Gas reserved for `on_execution_response`: its measured worst case (refund
/// transfer, then the `return_output` receipt with the largest stored output
/// and its gas, or the failure receipt) plus a margin for trie-node charges;
/// see README.md.
pub const CALLBACK_GAS: u64 = 8 * TGAS;
/// The same for a refund to an implicit account id: a transfer to one also
/// prepays the execution of an account creation (about 7.2 Tgas since protocol
/// 85), whether or not the account exists.
pub const CALLBACK_GAS_IMPLICIT: u64 = CALLBACK_GAS + 8 * TGAS;
/// Gas attached to the `fail_execution` receipt, which only panics.
pub const FAIL_GAS: u64 = TGAS / 2;
/// Gas attached to the `return_output` receipt (it also gets what the callback
/// leaves unused). Returning a value costs gas per byte for every receipt
/// waiting on it (a contract caller's `.then`): 34.4 Mgas a byte each, 1.5 Tgas
/// for the largest output (43,694 bytes of base64) to one waiting receipt.
pub const RETURN_OUTPUT_GAS: u64 = 5 * TGAS / 2;
/// Gas `upgrade` gives `migrate`, on top of all the gas it leaves unused.
pub const MIGRATE_GAS: u64 = 10 * TGAS;

/// What `request_execution` itself may still need after its gas check: the
/// yield's receipt fees and two storage writes, plus its event, priced per byte
/// (building it: ~0.17 Ggas a byte at worst, logging it: 0.305 Ggas a byte). The
/// event is at most twice the record (every byte escaped once more) plus
/// a fixed part.
const REQUEST_TAIL_GAS: u64 = 2 * TGAS;
const EVENT_GAS_PER_BYTE: u64 = 500_000_000;
const EVENT_FIXED_BYTES: u64 = 512;

/// Request and output records are stored under 9-byte keys (`state::request_key`).
const KEY_BYTES: u64 = 9;

/// The gas the callback reserves: more when its refund goes to an implicit
/// account (see `CALLBACK_GAS_IMPLICIT`).
pub fn callback_gas(refund_to: &[u8]) -> u64 {
    if crate::account::looks_implicit(refund_to) {
        CALLBACK_GAS_IMPLICIT
    } else {
        CALLBACK_GAS
    }
}

/// The least prepaid gas `request_execution` accepts, given what it has used so
/// far, its callback's reserve and the size of the request's record.
pub fn request_gas_needed(used: u64, callback_gas: u64, record_len: usize) -> u64 {
    let event_bytes = 2 * record_len as u64 + EVENT_FIXED_BYTES;
    // One saturating add: with a wasm32 length (under 2^32) and a callback
    // reserve of a few Tgas, the rest sums to under 2^63.
    used.saturating_add(callback_gas + REQUEST_TAIL_GAS + EVENT_GAS_PER_BYTE * event_bytes)
}

/// Gas in whole Tgas, rounded up (what a refusal tells the caller to attach).
pub fn tgas_rounded_up(gas: u64) -> u128 {
    gas.div_ceil(TGAS) as u128
}

/// The least deposit for a request: its estimated cost plus the staking of its
/// record under its key. The record has a fixed-width slot for the data id, so
/// its size is known before the yield exists.
pub fn request_deposit(estimate: u128, record_len: usize) -> Option<u128> {
    required_deposit(estimate, record_len as u64 + KEY_BYTES + RECORD_OVERHEAD)
}

/// The staking of a request record of `record_len` bytes plus an output record
/// of `value_len` bytes: what the request's payment must cover before the
/// output is stored.
pub fn output_storage_cost(record_len: usize, value_len: usize) -> u128 {
    storage_cost(record_len as u64 + value_len as u64 + 2 * (KEY_BYTES + RECORD_OVERHEAD))
}

/// A payment split into (kept, refunded): `charged` is what the execution cost
/// (`None`: nothing ran, a full refund); the charge never exceeds the payment.
pub fn split_payment(payment: u128, charged: Option<u128>) -> (u128, u128) {
    let kept = charged.unwrap_or(0).min(payment);
    (kept, payment - kept)
}

/// The balance against what it must keep (every pending payment refundable in
/// full, all its storage staked: `locked`): `Ok(what it may send away)`, or
/// `Err(how much it falls short)`.
pub fn free_balance(balance: u128, pending_payments: u128, locked: u128) -> Result<u128, u128> {
    // A sum that saturates is above any balance: short by the rest.
    let needed = pending_payments.saturating_add(locked);
    balance.checked_sub(needed).ok_or_else(|| needed - balance)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// NEAR's storage price: 10^19 yoctoNEAR a byte.
    const BYTE: u128 = 10_000_000_000_000_000_000;

    #[test]
    fn implicit_refund_receivers_get_the_larger_reserve() {
        assert_eq!(callback_gas(b"user.testnet"), 8 * TGAS);
        assert_eq!(callback_gas(&[b'a'; 64]), 16 * TGAS);
        assert_eq!(callback_gas(b"0x1234567890abcdef1234567890abcdef12345678"), 16 * TGAS);
    }

    #[test]
    fn request_gas_covers_callback_tail_and_event() {
        // 100-byte record: event ≤ 2*100 + 512 = 712 bytes at 0.5 Ggas.
        assert_eq!(request_gas_needed(TGAS, 8 * TGAS, 100), TGAS + 8 * TGAS + 2 * TGAS + 712 * 500_000_000);
        assert_eq!(request_gas_needed(u64::MAX, 8 * TGAS, 100), u64::MAX);
        assert_eq!(tgas_rounded_up(TGAS), 1);
        assert_eq!(tgas_rounded_up(TGAS + 1), 2);
        assert_eq!(tgas_rounded_up(0), 0);
    }

    #[test]
    fn deposits_stake_key_value_and_record_overhead() {
        // A 200-byte record: 200 + 9 (key) + 40 (NEAR's per-record bytes).
        assert_eq!(request_deposit(5, 200), Some(5 + 249 * BYTE));
        assert_eq!(request_deposit(u128::MAX, 200), None);
        // Request and output records, each with its key and overhead.
        assert_eq!(output_storage_cost(200, 1000), (200 + 1000 + 2 * 49) * BYTE);
    }

    #[test]
    fn a_payment_splits_into_charge_and_refund() {
        assert_eq!(split_payment(100, Some(30)), (30, 70));
        assert_eq!(split_payment(100, Some(300)), (100, 0));
        assert_eq!(split_payment(100, None), (0, 100));
    }

    #[test]
    fn pending_payments_and_staking_are_never_withdrawable() {
        // 1000 held, 100 owed, 500 staked: 400 over what must stay.
        assert_eq!(free_balance(1000 * BYTE, 100 * BYTE, 500 * BYTE), Ok(400 * BYTE));
        // Exactly what must stay: nothing to send, nothing missing.
        assert_eq!(free_balance(600 * BYTE, 100 * BYTE, 500 * BYTE), Ok(0));
        assert_eq!(free_balance(600 * BYTE - 1, 100 * BYTE, 500 * BYTE), Err(1));
        assert_eq!(free_balance(100 * BYTE, 100 * BYTE, 500 * BYTE), Err(500 * BYTE));
        // What must stay saturates: short by all but the balance.
        assert_eq!(free_balance(0, u128::MAX, storage_cost(u64::MAX)), Err(u128::MAX));
        assert_eq!(free_balance(7, u128::MAX, 1), Err(u128::MAX - 7));
        assert_eq!(free_balance(u128::MAX, u128::MAX, 1), Ok(0));
    }
}
