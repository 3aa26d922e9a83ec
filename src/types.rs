//! The values that pass between the entry points, the records and the yield
//! payload: a request's code source and response format, and what the operator
//! reports (output, usage, the response as a whole). One definition each, used
//! by `args` (which parses them), `state` and `payload` (which store and carry
//! them) and `events` (which show them).

use crate::json::Raw;
use crate::Bytes;

/// A request's `response_format`, and an output's kind. The discriminants are
/// the stored byte (request records, stored outputs, the yield payload).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Format {
    Bytes = 0,
    Text = 1,
    Json = 2,
}

/// The formats' names, by stored byte.
const NAMES: [&[u8]; 3] = [crate::names::BYTES, crate::names::TEXT, crate::names::JSON];

impl Format {
    pub fn name(self) -> &'static [u8] {
        NAMES.get(self as usize).copied().unwrap_or(b"")
    }

    // Inlined by LLVM rather than later by wasm-opt: the `Option` then folds
    // into each caller's own check (measured smaller).
    #[inline(always)]
    pub fn from_u8(v: u8) -> Option<Format> {
        match v {
            0 => Some(Format::Bytes),
            1 => Some(Format::Text),
            2 => Some(Format::Json),
            _ => None,
        }
    }
}

/// A request's `code_source`. Strings stay JSON-escaped (`Raw`): they are only
/// ever written back out as JSON.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct CodeSource<'a> {
    pub repo: Raw<'a>,
    pub commit: Raw<'a>,
    pub build_target: Option<Raw<'a>>,
}

/// An execution output as the operator sends it.
#[derive(Debug, PartialEq, Eq)]
pub enum Output<'a> {
    Text(Raw<'a>),
    Json(&'a [u8]),
    Bytes(Bytes),
}

impl Output<'_> {
    pub fn kind(&self) -> Format {
        match self {
            Output::Text(_) => Format::Text,
            Output::Json(_) => Format::Json,
            Output::Bytes(_) => Format::Bytes,
        }
    }

    /// The bytes stored or carried for this output (see `state::encode_output`).
    pub fn body(&self) -> &[u8] {
        match self {
            Output::Text(t) => t.0,
            Output::Json(j) => j,
            Output::Bytes(b) => b,
        }
    }
}

/// `resources_used` as the operator reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Usage {
    pub instructions: u64,
    pub time_ms: u64,
    pub memory_mb: Option<u64>,
}

impl Usage {
    pub const ZERO: Usage = Usage { instructions: 0, time_ms: 0, memory_mb: None };
}

/// `resolve_execution`'s `response`, validated.
pub struct Response<'a> {
    pub success: bool,
    pub output: Option<Output<'a>>,
    /// UTF-8 text, decoded.
    pub error: Option<Bytes>,
    pub usage: Usage,
}
