//! `new` arguments: the owner, and the operator if given, must be valid
//! account ids, exactly as serde_json reads them.
#![no_main]

use libfuzzer_sys::fuzz_target;
use offchainvm_contract::{account, args};
use offchainvm_fuzz::*;

fuzz_target!(|data: &[u8]| {
    let Some((owner, operator)) = accept(|| args::new(data)) else { return };
    let json = serde_value(data);
    assert!(accept(|| account::validate(&owner, b"")).is_some());
    assert_eq!(Some(&owner[..]), json["owner_id"].as_str().map(str::as_bytes));
    match &operator {
        Some(op) => {
            assert!(accept(|| account::validate(op, b"")).is_some());
            assert_eq!(Some(&op[..]), json["operator_id"].as_str().map(str::as_bytes));
        }
        None => assert!(json.get("operator_id").is_none_or(|v| v.is_null())),
    }
});
