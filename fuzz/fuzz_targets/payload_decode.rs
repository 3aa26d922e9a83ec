//! The yield payload on arbitrary bytes (what the callback decodes): decoding
//! never panics, and a payload that decodes, fits the 1024-byte limit and could
//! have been written by `encode` (a failure's carries no output) re-encodes to
//! the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use offchainvm_contract::args::{Output, Response};
use offchainvm_contract::json::Raw;
use offchainvm_contract::limits::MAX_YIELD_PAYLOAD;
use offchainvm_contract::payload;
use offchainvm_contract::state::Format;
use offchainvm_fuzz::*;

fuzz_target!(|data: &[u8]| {
    let Some(d) = accept(|| payload::decode(data)).expect("payload::decode must never refuse") else { return };
    if data.len() > MAX_YIELD_PAYLOAD || (!d.success && d.output.is_some()) {
        return;
    }
    let resp = Response {
        success: d.success,
        output: d.output.map(|(kind, body)| match kind {
            Format::Text => Output::Text(Raw(body)),
            Format::Json => Output::Json(body),
            Format::Bytes => Output::Bytes(body.to_vec()),
        }),
        error: d.error.map(<[u8]>::to_vec),
        usage: d.usage,
    };
    let again = accept(|| payload::encode(d.id, &resp)).expect("a payload within the limit must re-encode");
    assert_eq!(again, data);
});
