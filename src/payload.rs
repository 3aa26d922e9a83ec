//! The payload `resolve_execution` hands to the callback through
//! `promise_yield_resume`: borsh-style binary, so the callback (paid from the
//! user's gas) decodes it cheaply and cannot fail on it. At most 1024 bytes,
//! NEAR's yield payload limit.

use crate::Bytes;

use crate::args::{Output, Response, Usage};
use crate::borsh::{In, Out};
use crate::events::truncate_utf8;
use crate::error::abort;
use crate::limits::MAX_YIELD_PAYLOAD;
use crate::state::Format;

/// Bytes of everything but the output body and the error text.
const FIXED: usize = 8 + 1 + 8 + 8 + 9 + 1 + 4 + 1 + 4;

pub fn encode(id: u64, r: &Response) -> Bytes {
    let body = r.output.as_ref().map_or(&[][..], Output::body);
    if FIXED + body.len() > MAX_YIELD_PAYLOAD {
        abort(b"response.output", "too large for the 1024-byte yield payload: store it with submit_execution_output, then resolve with \"output\": null");
    }
    // A failure can always be reported: the error is shortened to what fits.
    let error = r.error.as_deref().map(|e| truncate_utf8(e, MAX_YIELD_PAYLOAD - FIXED - body.len()));
    let mut o = Out::with_capacity(FIXED + body.len() + error.map_or(0, <[u8]>::len));
    o.u64(id);
    o.u8(r.success as u8);
    o.u64(r.usage.instructions);
    o.u64(r.usage.time_ms);
    match r.usage.memory_mb {
        Some(m) => {
            o.u8(1);
            o.u64(m);
        }
        None => o.u8(0),
    }
    match &r.output {
        Some(out) => {
            o.u8(out.kind() as u8);
            o.bytes(body);
        }
        None => o.u8(NO_OUTPUT),
    }
    o.opt_bytes(error);
    o.0
}

const NO_OUTPUT: u8 = 0xFF;

pub struct Resumed<'a> {
    pub id: u64,
    pub success: bool,
    pub usage: Usage,
    pub output: Option<(Format, &'a [u8])>,
    pub error: Option<&'a [u8]>,
}

/// `None` for anything malformed: the callback treats that as a failure.
pub fn decode(b: &[u8]) -> Option<Resumed<'_>> {
    let mut i = In::new(b);
    let id = i.u64();
    let success = i.flag();
    let usage = Usage { instructions: i.u64(), time_ms: i.u64(), memory_mb: if i.flag() { Some(i.u64()) } else { None } };
    let output = match i.u8() {
        NO_OUTPUT => None,
        kind => Some((Format::from_u8(kind)?, i.bytes())),
    };
    let error = i.opt_bytes();
    i.finish().then_some(Resumed { id, success, usage, output, error })
}
