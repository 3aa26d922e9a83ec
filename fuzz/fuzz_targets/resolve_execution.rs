//! `resolve_execution` arguments, then the yield payload they become: it must
//! fit NEAR's 1024-byte limit, be refused only for a successful output too
//! large for it (a failure carries no output and its error is shortened, at a
//! UTF-8 boundary and no more than needed, so it can always be reported), and
//! decode back to the same response. The `execution_completed` event the callback would log
//! (for a request with every field at its cap) must be valid JSON within the
//! log limit.
#![no_main]

use libfuzzer_sys::fuzz_target;
use offchainvm_contract::args::{self, Output, Response};
use offchainvm_contract::events;
use offchainvm_contract::limits::MAX_YIELD_PAYLOAD;
use offchainvm_contract::payload;
use offchainvm_contract::state::{Format, Request};
use offchainvm_fuzz::*;

/// The payload's bytes besides the output and the error (see payload.rs):
/// id, success, instructions, time_ms, memory_mb option, output tag, error tag.
fn header(resp: &Response) -> usize {
    8 + 1 + 8 + 8 + if resp.usage.memory_mb.is_some() { 9 } else { 1 } + 1 + 1
}
/// The u32 length before an output body or an error.
const LEN: usize = 4;

fuzz_target!(|data: &[u8]| {
    let Some((id, resp)) = accept(|| args::resolve_execution(data)) else { return };
    let json = serde_value(data);
    assert_eq!(json["request_id"].as_u64(), Some(id));
    let r = &json["response"];
    assert_eq!(r["success"].as_bool(), Some(resp.success));
    assert_eq!(resp.error.as_deref(), r.get("error").and_then(|e| e.as_str()).map(str::as_bytes));
    if let Some(out) = &resp.output {
        check_output(out);
    }

    // A failure carries no output: the caller only gets the error.
    let output = resp.output.as_ref().filter(|_| resp.success).map(|o| (o.kind(), o.body()));
    let too_large = output.is_some_and(|(_, body)| header(&resp) + LEN + body.len() > MAX_YIELD_PAYLOAD);
    let p = match run(|| payload::encode(id, &resp)) {
        Ok(p) => p,
        Err(msg) => {
            assert!(too_large, "payload refused: {msg}");
            return;
        }
    };
    assert!(!too_large, "an output too large for the payload was accepted");
    assert!(p.len() <= MAX_YIELD_PAYLOAD, "payload of {} bytes", p.len());
    let d = payload::decode(&p).expect("our own payload must decode");
    assert_eq!((d.id, d.success, d.usage, d.output), (id, resp.success, resp.usage, output));
    // The payload without the error's length and text.
    let base = p.len() - d.error.map_or(0, |e| LEN + e.len());
    match (&resp.error, d.error) {
        (None, None) => {}
        (Some(full), Some(short)) => {
            assert!(full.starts_with(short), "error is not a prefix of the one sent");
            assert!(std::str::from_utf8(short).is_ok(), "error cut inside a UTF-8 character");
            if short.len() < full.len() {
                // Shortened only as far as needed: the next character would not fit.
                let next = std::str::from_utf8(&full[short.len()..]).unwrap().chars().next().unwrap().len_utf8();
                assert!(base + LEN + short.len() + next > MAX_YIELD_PAYLOAD, "error shortened more than needed");
            }
        }
        (Some(_), None) => {
            assert!(resp.success, "a failure's error was dropped");
            assert!(base + LEN > MAX_YIELD_PAYLOAD, "an error dropped that had room");
        }
        (None, Some(_)) => panic!("an error appeared in the payload"),
    }

    let rec = worst_request_record(Format::Text);
    let req = Request::decode(&rec).unwrap();
    check_event(&events::execution_completed(&req, &d.usage, d.error, events::Settled { charged: u128::MAX, refunded: u128::MAX }, u64::MAX));
});

fn check_output(out: &Output) {
    match out {
        Output::Text(t) => {
            raw_text(*t);
        }
        Output::Json(j) => {
            serde_value(j);
        }
        Output::Bytes(_) => {}
    }
    assert!(out.body().len() <= offchainvm_contract::limits::MAX_OUTPUT);
}
