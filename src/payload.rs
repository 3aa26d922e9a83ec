//! The payload `resolve_execution` hands to the callback through
//! `promise_yield_resume`: borsh-style binary, so the callback (paid from the
//! user's gas) decodes it cheaply and cannot fail on it. At most 1024 bytes,
//! NEAR's yield payload limit.

use crate::Bytes;

use crate::borsh::{In, Out};
use crate::error::{refuse_at, ERR_PAYLOAD_OUTPUT};
use crate::events::truncate_utf8;
use crate::limits::MAX_YIELD_PAYLOAD;
use crate::types::{Format, Response, Usage};

/// The u32 length before an output body or an error text.
const LEN: usize = 4;

/// The payload for `r`. A failed execution carries no output (the caller only
/// gets the error), so its error always has the room to be reported.
// Inlined by LLVM rather than later by wasm-opt: its result is then built in
// place in its caller, with no copy of a returned value (measured smaller).
#[inline(always)]
pub fn encode(id: u64, r: &Response) -> Bytes {
    let mut o = Out::with_capacity(MAX_YIELD_PAYLOAD);
    o.u64(id);
    o.u8(r.success as u8);
    o.u64(r.usage.instructions);
    o.u64(r.usage.time_ms);
    o.u8(r.usage.memory_mb.is_some() as u8);
    if let Some(m) = r.usage.memory_mb {
        o.u64(m);
    }
    match r.output.as_ref().filter(|_| r.success) {
        Some(out) => {
            // The output's tag and length, then (after it) the error's tag.
            if o.0.len() + 1 + LEN + out.body().len() + 1 > MAX_YIELD_PAYLOAD {
                refuse_at(b"response.output", ERR_PAYLOAD_OUTPUT);
            }
            o.u8(out.kind() as u8);
            o.bytes(out.body());
        }
        None => {
            o.u8(NO_OUTPUT);
        }
    }
    // A failure can always be reported: it carries no output, and its error is
    // shortened to what fits after its tag and length. (A success's error,
    // which nobody reads, is dropped when the output leaves no room for it.)
    let room = (MAX_YIELD_PAYLOAD - 1 - LEN).checked_sub(o.0.len());
    o.opt_bytes(r.error.as_deref().zip(room).map(|(e, room)| truncate_utf8(e, room)));
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
// Inlined by LLVM rather than later by wasm-opt: its result is then built in
// place in its caller, with no copy of a returned value (measured smaller).
#[inline(always)]
pub fn decode(b: &[u8]) -> Option<Resumed<'_>> {
    let mut i = In::new(b);
    let id = i.u64();
    let success = i.flag();
    let usage =
        Usage { instructions: i.u64(), time_ms: i.u64(), memory_mb: if i.flag() { Some(i.u64()) } else { None } };
    let mut r = Resumed { id, success, usage, output: None, error: None };
    // Slices are read straight into place: one returned by a call goes
    // through the stack, and then would be copied here.
    if let kind @ 0..NO_OUTPUT = i.u8() {
        i.bytes_into(&mut r.output.insert((Format::from_u8(kind)?, &[])).1);
    }
    i.opt_bytes_into(&mut r.error);
    i.finish().then_some(r)
}

/// The callback's arguments: the request id, 8 bytes LE.
pub fn callback_args(id: u64) -> [u8; 8] {
    id.to_le_bytes()
}

/// The request id in the callback's arguments; `u64::MAX` (never an id the
/// contract gave out) when they are not 8 bytes.
pub fn callback_id(args: &[u8]) -> u64 {
    args.try_into().map_or(u64::MAX, u64::from_le_bytes)
}
