//! `json::Reader::value` (the validator used to skip unknown fields and to
//! accept `{"Json": value}` outputs, which are passed on verbatim) against
//! serde_json: exactly the same texts must be JSON, except that we also refuse
//! nesting deeper than 32. The slice returned must be the value itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use offchainvm_contract::json::Reader;
use offchainvm_fuzz::*;

fuzz_target!(|data: &[u8]| {
    let ours = run(|| {
        let mut r = Reader::new(data);
        let v = r.value();
        r.end();
        v
    });
    let theirs = serde_json::from_slice::<serde_json::Value>(data);
    match (ours, theirs) {
        (Ok(v), Ok(_)) => {
            let trimmed = data.trim_ascii();
            assert_eq!(v, trimmed, "value() returned a different span");
        }
        (Err(_), Err(_)) => {}
        (Ok(_), Err(e)) => panic!("we accept what serde_json refuses: {e}"),
        (Err(m), Ok(_)) => assert!(m.contains("nested too deeply"), "we refuse ({m}) what serde_json accepts"),
    }
});
