//! Arguments as near-cli users and the operator send them: the seed README's, and builders
//! for every other shape the scenarios need.

use super::prelude::*;

pub use crate::common::seed::SEED_REQUEST;

/// The seed README's small-output resolve, verbatim but for the request id.
pub fn seed_resolve(id: u64) -> String {
    format!(
        r#"{{
  "request_id": {id},
  "response": {{
    "success": true,
    "output": {{"Text": "Hello, NEAR!"}},
    "error": null,
    "resources_used": {{
      "instructions": 1000000,
      "time_ms": 100
    }}
  }}
}}"#
    )
}

/// The seed README's metadata-only resolve (after submit_execution_output).
pub fn seed_resolve_null(id: u64) -> String {
    seed_resolve(id).replace(r#"{"Text": "Hello, NEAR!"}"#, "null")
}

/// The seed request with other limits and a response format.
pub fn request_args(limits: &Limits, format: &str) -> String {
    json!({
        "code_source": {"repo": "https://github.com/user/project", "commit": "abc123", "build_target": "wasm32-wasi"},
        "resource_limits": limits.json(),
        "input_data": "{\"key\": \"value\"}",
        "encrypted_secrets": null,
        "response_format": format,
    })
    .to_string()
}

/// A string of `n` bytes whose JSON-escaped form is `2 n` bytes (`"` escapes):
/// the worst case for the event, where it is escaped once more.
pub fn quotes(n: usize) -> String {
    "\"".repeat(n)
}

/// The largest request the caps allow (`Request::largest`), as JSON.
pub fn largest_request_args(format: &'static str) -> String {
    Request::largest(format).args()
}

/// `resolve_execution` arguments; `output` and `error` are raw JSON.
pub fn response_args(id: u64, success: bool, output: &str, error: &str, used: &Used) -> String {
    format!(
        r#"{{"request_id": {id}, "response": {{"success": {success}, "output": {output}, "error": {error}, "resources_used": {}}}}}"#,
        used.json()
    )
}

pub fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

pub fn text_output(s: &str) -> String {
    format!(r#"{{"Text": {}}}"#, json_str(s))
}

pub fn bytes_output(b: &[u8]) -> String {
    format!(r#"{{"Bytes": {}}}"#, serde_json::to_string(b).unwrap())
}

/// What a caller receives for a Bytes output: a JSON string of its base64.
pub fn base64_value(b: &[u8]) -> Vec<u8> {
    format!("\"{}\"", base64(b)).into_bytes()
}

/// Deterministic bytes 0..=255 repeating, `n` of them.
pub fn some_bytes(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 7 + i / 256) as u8).collect()
}

pub fn id_args(id: u64) -> String {
    format!(r#"{{"request_id": {id}}}"#)
}
