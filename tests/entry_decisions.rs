//! The decisions the entry points take from plain functions (issue 9: no parsing or
//! arithmetic in contract.rs, so host tests reach every one): the admin arguments, the
//! callback's request id, the stale rule, the request id counter and the pending walks'
//! windows. Expected values come from SPEC.md and README, worked out by hand.

use offchainvm_contract::args::{self, Role};
use offchainvm_contract::error::refusal;
use offchainvm_contract::limits::is_stale;
use offchainvm_contract::payload::{callback_args, callback_id};
use offchainvm_contract::state::{Config, Pending};

#[test]
fn admin_arguments() {
    assert_eq!(args::account_field(br#"{"new_operator_id": "op.testnet"}"#, Role::Operator).unwrap(), b"op.testnet");
    assert_eq!(args::account_field(br#"{"keystore_account_id": null}"#, Role::Keystore), None);
    let msg = refusal(|| args::account_field(br#"{"new_owner_id": null}"#, Role::Owner)).unwrap();
    assert!(msg.starts_with("new_owner_id: "), "{msg}");
    let msg = refusal(|| args::account_field(br#"{"new_owner_id": "UPPER"}"#, Role::Owner)).unwrap();
    assert!(msg.contains("invalid account id"), "{msg}");
    assert_eq!(refusal(|| args::account_field(b"{}", Role::Owner)).unwrap(), "new_owner_id: missing field");

    assert!(args::paused(br#"{"paused": true}"#));
    assert!(!args::paused(br#"{"paused": false}"#));
    assert!(refusal(|| args::paused(br#"{"paused": 1}"#)).is_some());

    let hex = "ab".repeat(32);
    assert_eq!(args::pubkey(format!(r#"{{"pubkey": "{hex}"}}"#).as_bytes()), hex.as_bytes());
    // ed25519:<base58 of 32 zero bytes> is 32 '1's.
    let zeros = format!(r#"{{"pubkey": "ed25519:{}"}}"#, "1".repeat(32));
    assert_eq!(args::pubkey(zeros.as_bytes()), "00".repeat(32).as_bytes());
    let msg = refusal(|| args::pubkey(br#"{"pubkey": "abc"}"#)).unwrap();
    assert!(msg.starts_with("pubkey: expected 64 hex chars"), "{msg}");
}

#[test]
fn bulk_ids_come_back_in_order() {
    let words = args::request_ids(br#"{"request_ids": [3, 0, 18446744073709551615]}"#);
    assert_eq!(args::ids(&words).collect::<Vec<_>>(), [3, 0, u64::MAX]);
}

#[test]
fn the_callback_finds_its_request_id() {
    assert_eq!(callback_id(&callback_args(7)), 7);
    assert_eq!(callback_args(1), [1, 0, 0, 0, 0, 0, 0, 0]);
    // Anything but 8 bytes names no request (ids never reach u64::MAX).
    assert_eq!(callback_id(b""), u64::MAX);
    assert_eq!(callback_id(&[1; 9]), u64::MAX);
}

#[test]
fn a_request_is_stale_ten_minutes_after_it_was_made() {
    let ten_minutes = 600_000_000_000;
    assert!(!is_stale(1_000, 1_000 + ten_minutes - 1));
    assert!(is_stale(1_000, 1_000 + ten_minutes));
    assert!(!is_stale(u64::MAX - 5, u64::MAX - 1), "saturates instead of wrapping");
}

#[test]
fn request_ids_and_the_pending_windows() {
    let mut c = Config::new(b"owner.testnet", b"operator.testnet");
    assert_eq!(c.next_request_id(), 0);
    assert!(c.advance_request_id());
    assert_eq!(c.next_request_id(), 1);
    c.set_next_request_id(u64::MAX);
    assert!(!c.advance_request_id(), "ids exhausted");
    assert_eq!(c.next_request_id(), u64::MAX);

    // clear_all examines at most 300 ids from `low`, never past the next id.
    c.set_next_request_id(1_000);
    assert_eq!(c.clear_window(), (0, 300));
    c.raise_low(900);
    assert_eq!(c.clear_window(), (900, 1_000));
    // get_pending_requests starts at `from` or `low`, whichever is higher.
    assert_eq!(c.page_start(None), 900);
    assert_eq!(c.page_start(Some(5)), 900);
    assert_eq!(c.page_start(Some(950)), 950);

    // migrate's downward scan: the lowest id found becomes `low`.
    let mut c = Config::new(b"owner.testnet", b"operator.testnet");
    c.set_next_request_id(50);
    c.count_down(40, 7);
    c.count_down(12, u128::MAX);
    assert_eq!(c.pending(), Pending { payments: u128::MAX, low: 12, count: 2 });
}
