//! `submit_execution_output_and_resolve {"request_id", "output", "success",
//! "error"?, "resources_used"}`: the output within its cap, and the response
//! (no inline output: the stored one is used) always fits the yield payload
//! and decodes back to the same id, success and usage.
#![no_main]

use libfuzzer_sys::fuzz_target;
use offchainvm_contract::args;
use offchainvm_contract::limits::{MAX_OUTPUT, MAX_YIELD_PAYLOAD};
use offchainvm_contract::payload;
use offchainvm_fuzz::*;

fuzz_target!(|data: &[u8]| {
    let Some((id, out, resp)) = accept(|| args::submit_and_resolve(data)) else { return };
    assert!(out.body().len() <= MAX_OUTPUT);
    assert!(resp.output.is_none());
    let json = serde_value(data);
    assert_eq!(json["request_id"].as_u64(), Some(id));
    assert_eq!(json["success"].as_bool(), Some(resp.success));
    assert_eq!(resp.error.as_deref(), json.get("error").and_then(|e| e.as_str()).map(str::as_bytes));
    let p = payload::encode(id, &resp); // never refused: no inline output
    assert!(p.len() <= MAX_YIELD_PAYLOAD);
    let d = payload::decode(&p).expect("the payload decodes");
    assert_eq!((d.id, d.success, d.usage, d.output), (id, resp.success, resp.usage, None));
});
