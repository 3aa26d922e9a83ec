//! `submit_execution_output` arguments: the output must be within its cap,
//! Text a valid JSON string body, Json a valid JSON value, the stored record
//! must decode back to it, and it must be what serde_json reads.
#![no_main]

use libfuzzer_sys::fuzz_target;
use offchainvm_contract::args::{self, Output};
use offchainvm_contract::limits::MAX_OUTPUT;
use offchainvm_contract::state;
use offchainvm_fuzz::*;

fuzz_target!(|data: &[u8]| {
    let Some((id, out)) = accept(|| args::submit_execution_output(data)) else { return };
    assert!(out.body().len() <= MAX_OUTPUT);
    let stored = state::encode_output(out.kind(), out.body());
    assert_eq!(state::decode_output(&stored), Some((out.kind(), out.body())));

    let json = serde_value(data);
    assert_eq!(json["request_id"].as_u64(), Some(id));
    let sent = &json["output"];
    match &out {
        Output::Text(t) => assert_eq!(raw_text(*t), sent["Text"].as_str().unwrap()),
        Output::Json(j) => assert_eq!(serde_value(j), sent["Json"]),
        Output::Bytes(b) => {
            let arr: Vec<u8> = sent["Bytes"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as u8).collect();
            assert_eq!(&arr, b);
        }
    }
});
