//! Outputs and the yield payload that carries them: what the caller receives, what fits.

use super::*;
use base64::Engine as _;
use serde_json::{json, Value};

/// An operator's output, and what the caller receives for it.
#[derive(Clone, Debug, PartialEq)]
pub enum Output {
    Text(String),
    Json(Value),
    Bytes(Vec<u8>),
}

impl Output {
    pub fn json(&self) -> Value {
        match self {
            Output::Text(s) => json!({ "Text": s }),
            Output::Json(v) => json!({ "Json": v }),
            Output::Bytes(b) => json!({ "Bytes": b }),
        }
    }

    /// The body the contract carries in the payload or stores: the escaped text, the JSON as
    /// sent, the raw bytes.
    pub fn body_len(&self) -> usize {
        match self {
            Output::Text(s) => escaped_len(s),
            Output::Json(v) => serde_json::to_vec(v).unwrap().len(),
            Output::Bytes(b) => b.len(),
        }
    }

    /// SPEC.md: Text as a JSON string, Json as the value itself, Bytes as a base64 string.
    pub fn returned(&self) -> Value {
        match self {
            Output::Text(s) => Value::String(s.clone()),
            Output::Json(v) => v.clone(),
            Output::Bytes(b) => Value::String(base64(b)),
        }
    }

    /// An output as `get_pending_output` (or `resolve_execution`'s argument) writes it.
    pub fn of_json(v: &Value) -> Output {
        let (k, x) = v.as_object().and_then(|o| o.iter().next()).unwrap_or_else(|| panic!("not an output: {v}"));
        match k.as_str() {
            "Text" => Output::Text(x.as_str().unwrap().into()),
            "Json" => Output::Json(x.clone()),
            "Bytes" => Output::Bytes(x.as_array().unwrap().iter().map(|b| b.as_u64().unwrap() as u8).collect()),
            _ => panic!("not an output: {v}"),
        }
    }
}

pub fn base64(b: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(b)
}

// ---- the yield payload ----

/// The fixed part of the payload `resolve_execution` resumes the yield with: request id u64,
/// success u8, instructions u64, time_ms u64, memory (tag u8 + u64 when reported), output kind
/// u8 (0xFF: none), error tag u8.
pub fn payload_header(memory_reported: bool) -> usize {
    8 + 1 + 8 + 8 + if memory_reported { 9 } else { 1 } + 1 + 1
}

/// The longest output carried inline when `memory_mb` is not reported (8 bytes less when it
/// is): the payload limit minus the header and the output's u32 length. It is also the room a
/// failure's error gets, since a failure carries no output.
pub const MAX_INLINE_OUTPUT: usize = YIELD_PAYLOAD_LIMIT - 28 - 4;

/// Whether a resolve fits the payload: a success carries its output; a failure carries none,
/// and its error is shortened to fit.
pub fn payload_fits(success: bool, output: Option<&Output>, memory_mb: Option<u64>) -> bool {
    !success || payload_header(memory_mb.is_some()) + output.map_or(0, |o| 4 + o.body_len()) <= YIELD_PAYLOAD_LIMIT
}

/// The payload itself, so that tests can hand the callback valid, truncated and doctored ones.
/// `output` is (kind: 0 Bytes, 1 Text, 2 Json; body).
pub fn payload(
    id: u64,
    success: bool,
    used: impl Into<Used>,
    output: Option<(u8, &[u8])>,
    error: Option<&[u8]>,
) -> Vec<u8> {
    let used = used.into();
    let mut p = id.to_le_bytes().to_vec();
    p.push(success as u8);
    p.extend_from_slice(&used.instructions.to_le_bytes());
    p.extend_from_slice(&used.time_ms.to_le_bytes());
    match used.memory_mb {
        Some(m) => {
            p.push(1);
            p.extend_from_slice(&m.to_le_bytes());
        }
        None => p.push(0),
    }
    match output {
        Some((kind, body)) => {
            p.push(kind);
            p.extend_from_slice(&(body.len() as u32).to_le_bytes());
            p.extend_from_slice(body);
        }
        None => p.push(0xFF),
    }
    match error {
        Some(e) => {
            p.push(1);
            p.extend_from_slice(&(e.len() as u32).to_le_bytes());
            p.extend_from_slice(e);
        }
        None => p.push(0),
    }
    p
}
