//! What the fuzz targets share: running a parser under the refusal model,
//! checking refusal messages, and the reference decoders (serde_json) that the
//! differential checks compare against.
//!
//! The refusal model (see `offchainvm_contract::error`): on bad input the
//! contract's parsers panic with an `Abort` payload, which `error::refusal`
//! catches. Every other panic (index out of bounds, overflow, `unwrap`, a
//! failed assertion here) reaches libFuzzer as a crash: that is a bug.

use offchainvm_contract::error::refusal;
use offchainvm_contract::json::Raw;
use offchainvm_contract::limits::{self, Limits};
use offchainvm_contract::pricing::Pricing;
use offchainvm_contract::state::{CodeSource, Format, NewRequest};

/// A refusal message must say something, and briefly: it ends up in the
/// caller's "Smart contract panicked: ..." error.
pub const MAX_MESSAGE: usize = 200;

/// NEAR's limit on the bytes logged by one call.
pub const MAX_LOG: usize = 16384;

pub fn check_message(msg: &str) {
    assert!(!msg.is_empty(), "empty refusal message");
    assert!(msg.len() < MAX_MESSAGE, "refusal message of {} bytes: {msg:?}", msg.len());
}

/// Runs `f`: `Ok(value)` if it returned, `Err(message)` if it refused cleanly
/// (the message checked). Any other panic propagates: a crash.
pub fn run<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    let mut out = None;
    match refusal(|| out = Some(f())) {
        None => Ok(out.expect("returned without a value")),
        Some(msg) => {
            check_message(&msg);
            Err(msg)
        }
    }
}

/// `run`, keeping only the accepted value.
pub fn accept<R>(f: impl FnOnce() -> R) -> Option<R> {
    run(f).ok()
}

/// `data`, which our reader accepted, must be JSON for serde_json too: the
/// contract's reader must never accept what standard JSON tooling would refuse.
pub fn serde_value(data: &[u8]) -> serde_json::Value {
    match serde_json::from_slice(data) {
        Ok(v) => v,
        Err(e) => panic!("our reader accepted JSON that serde_json refuses ({e}): {:?}", String::from_utf8_lossy(data)),
    }
}

/// A JSON text that must be one string, decoded strictly (into a `String`):
/// lone surrogates, invalid escapes, raw control characters and invalid UTF-8
/// are refused.
pub fn serde_strict_string(text: &[u8]) -> Result<String, serde_json::Error> {
    serde_json::from_slice::<String>(text)
}

/// The same, decoded leniently as serde_json does for byte strings
/// (`deserialize_bytes`): lone surrogates come out as WTF-8 bytes and raw bytes
/// are not checked for UTF-8. Only used to document how we differ.
pub fn serde_lenient_bytes(text: &[u8]) -> Result<Vec<u8>, serde_json::Error> {
    struct V;
    impl<'de> serde::de::Visitor<'de> for V {
        type Value = Vec<u8>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON string")
        }
        fn visit_bytes<E>(self, v: &[u8]) -> Result<Vec<u8>, E> {
            Ok(v.to_vec())
        }
        fn visit_str<E>(self, v: &str) -> Result<Vec<u8>, E> {
            Ok(v.as_bytes().to_vec())
        }
    }
    let mut de = serde_json::Deserializer::from_slice(text);
    let v = serde::Deserializer::deserialize_bytes(&mut de, V)?;
    de.end()?;
    Ok(v)
}

/// The decoded text of a `Raw` string body (kept escaped by the contract): it
/// must be a valid JSON string body, since it is written back out verbatim.
pub fn raw_text(raw: Raw) -> String {
    let mut text = Vec::with_capacity(raw.0.len() + 2);
    text.push(b'"');
    text.extend_from_slice(raw.0);
    text.push(b'"');
    match serde_strict_string(&text) {
        Ok(s) => s,
        Err(e) => panic!("accepted string body is not a valid JSON string ({e}): {:?}", String::from_utf8_lossy(raw.0)),
    }
}

pub fn assert_within_caps(l: &Limits) {
    assert!(l.max_instructions <= Limits::CAP.max_instructions, "{l:?}");
    assert!(l.max_memory_mb <= Limits::CAP.max_memory_mb, "{l:?}");
    assert!(l.max_execution_seconds <= Limits::CAP.max_execution_seconds, "{l:?}");
}

/// An `EVENT_JSON:` log: within NEAR's log limit and valid JSON after the
/// prefix. Returns the parsed event.
pub fn check_event(log: &[u8]) -> serde_json::Value {
    assert!(log.len() <= MAX_LOG, "event log of {} bytes", log.len());
    let body = log.strip_prefix(b"EVENT_JSON:").expect("event without EVENT_JSON: prefix");
    match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => panic!("event is not valid JSON ({e}): {}", String::from_utf8_lossy(log)),
    }
}

/// The largest a stored request can be: every field at its cap, every fixed
/// number at its maximum, the strings made of characters that grow most when
/// escaped again (`\\` escapes to `\\\\`).
pub fn worst_request_record(format: Format) -> Vec<u8> {
    let sender = [b'a'; 64];
    let repo = b"\\\\".repeat(limits::MAX_REPO / 2);
    let commit = b"\\\\".repeat(limits::MAX_COMMIT / 2);
    let target = b"\\\\".repeat(limits::MAX_BUILD_TARGET / 2);
    let input = b"\\\\".repeat(limits::MAX_INPUT_DATA / 2);
    let secrets = [255u8; limits::MAX_SECRETS];
    NewRequest {
        id: u64::MAX,
        payment: u128::MAX,
        timestamp: u64::MAX,
        pricing: &Pricing { base_fee: u128::MAX, per_instruction_fee: u128::MAX, per_mb_fee: u128::MAX, per_second_fee: u128::MAX },
        limits: &Limits::CAP,
        format,
        sender: &sender,
        code: CodeSource { repo: Raw(&repo), commit: Raw(&commit), build_target: Some(Raw(&target)) },
        input_data: Some(Raw(&input)),
        secrets: Some(&secrets),
        payer: Some(&[b'p'; 64]),
    }
    .encode()
}
