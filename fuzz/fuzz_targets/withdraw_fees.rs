//! `withdraw_fees {"amount"?, "receiver_id"?}` (empty input too): the amount is
//! the u128 serde_json reads from its decimal string, the receiver a valid
//! account id equal to serde_json's string; null or missing fields are `None`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use offchainvm_contract::{account, args};
use offchainvm_fuzz::*;

fuzz_target!(|data: &[u8]| {
    let Some((amount, receiver)) = accept(|| args::withdraw_fees(data)) else { return };
    if data.iter().all(u8::is_ascii_whitespace) {
        assert_eq!((amount, receiver), (None, None));
        return;
    }
    let json = serde_value(data);
    let want_amount = json.get("amount").and_then(|a| a.as_str()).map(|s| s.parse::<u128>().expect("a u128 string"));
    assert_eq!(amount, want_amount);
    let want_receiver = json.get("receiver_id").and_then(|r| r.as_str()).map(str::as_bytes);
    assert_eq!(receiver.as_deref(), want_receiver);
    if let Some(r) = &receiver {
        assert!(accept(|| account::validate(r, b"")).is_some());
    }
});
