//! `estimate_required_deposit`: request_execution's arguments plus an optional
//! `sender_id`. Whatever it accepts, request_execution accepts with the same
//! values (it skips `sender_id`); ids are valid; the record of the worst
//! sender encodes and decodes back with the payer.
#![no_main]

use libfuzzer_sys::fuzz_target;
use offchainvm_contract::state::Request;
use offchainvm_contract::{account, args};
use offchainvm_fuzz::*;

fuzz_target!(|data: &[u8]| {
    let Some(a) = accept(|| args::estimate_required_deposit(data)) else { return };
    let r = accept(|| args::request_execution(data)).expect("request_execution accepts what the estimate accepts");
    assert_eq!((a.code, a.limits, a.input_data, a.format), (r.code, r.limits, r.input_data, r.format));
    assert_eq!((&a.secrets, &a.payer), (&r.secrets, &r.payer));
    for id in [&a.payer, &a.sender_hint].into_iter().flatten() {
        assert!(accept(|| account::validate(id, b"")).is_some());
    }
    let json = serde_value(data);
    assert_eq!(a.payer.as_deref(), json.get("payer_account_id").and_then(|p| p.as_str()).map(str::as_bytes));
    assert_eq!(a.sender_hint.as_deref(), json.get("sender_id").and_then(|p| p.as_str()).map(str::as_bytes));
    let sender = a.sender_hint.clone().unwrap_or_else(|| vec![b'a'; 64]);
    let rec = a.record(u64::MAX, u128::MAX, u64::MAX, &offchainvm_contract::pricing::Pricing::DEFAULT, &sender).encode();
    let d = Request::decode(&rec).expect("a fresh record decodes");
    assert_eq!((d.payer, d.refund_to()), (a.payer.as_deref(), a.payer.as_deref().unwrap_or(&sender)));
    check_event(&offchainvm_contract::events::execution_requested(&d));
});
