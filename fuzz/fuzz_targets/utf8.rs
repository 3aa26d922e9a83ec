//! `json::valid_utf8` (the contract's own UTF-8 check) against the standard
//! library's.
#![no_main]

use libfuzzer_sys::fuzz_target;
use offchainvm_contract::json::valid_utf8;

fuzz_target!(|data: &[u8]| {
    assert_eq!(valid_utf8(data), std::str::from_utf8(data).is_ok(), "{data:02x?}");
});
