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
    used.saturating_add(callback_gas).saturating_add(REQUEST_TAIL_GAS).saturating_add(EVENT_GAS_PER_BYTE * event_bytes)
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

/// What the contract may send away while every pending request can still be
/// refunded in full and all its storage stays staked (`locked`: the staking of
/// its storage).
pub fn withdrawable(balance: u128, pending_payments: u128, locked: u128) -> u128 {
    // One subtraction of the sum: the same as one after the other, since a
    // sum that saturates is above any balance.
    balance.saturating_sub(pending_payments.saturating_add(locked))
}

/// How much the balance falls short of staking the contract's storage while
/// keeping every pending payment refundable; `None` when it does not.
pub fn stake_shortfall(balance: u128, storage_usage: u64, pending_payments: u128) -> Option<u128> {
    let needed = storage_cost(storage_usage).saturating_add(pending_payments);
    (balance < needed).then(|| needed - balance)
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
        assert_eq!(withdrawable(1000 * BYTE, 100 * BYTE, 500 * BYTE), 400 * BYTE);
        assert_eq!(withdrawable(100 * BYTE, 100 * BYTE, 500 * BYTE), 0);
        assert_eq!(stake_shortfall(1000 * BYTE, 500, 100 * BYTE), None);
        assert_eq!(stake_shortfall(600 * BYTE, 500, 100 * BYTE), None);
        assert_eq!(stake_shortfall(600 * BYTE - 1, 500, 100 * BYTE), Some(1));
        assert_eq!(stake_shortfall(0, u64::MAX, u128::MAX), Some(u128::MAX));
    }
}
