//! `{"request_id": n}`: the argument of cancel_stale_execution,
//! emergency_cancel_execution, get_request, get_pending_output and
//! has_pending_output. The id must be what serde_json reads as a u64.
#![no_main]

use libfuzzer_sys::fuzz_target;
use offchainvm_contract::args;
use offchainvm_fuzz::*;

fuzz_target!(|data: &[u8]| {
    let Some(id) = accept(|| args::request_id(data)) else { return };
    let json = serde_value(data);
    assert_eq!(json["request_id"].as_u64(), Some(id));
});
