//! NEP-297 events (`EVENT_JSON:` logs, standard "near-offshore" 1.0.0) and the
//! request's JSON form, which `get_request` returns and `request_data` carries.

use crate::names;
use crate::Bytes;

use crate::json::Writer;
use crate::limits::MAX_LOGGED_ERROR;
use crate::state::Request;
use crate::types::Usage;

/// The completed event's head, whose start every event shares (`PREFIX`):
/// one constant, so that event writes it with one call.
const COMPLETED: &[u8] =
    b"EVENT_JSON:{\"standard\":\"near-offshore\",\"version\":\"1.0.0\",\"event\":\"execution_completed\",\"data\":[{";
const PREFIX: &[u8] = crate::within!(COMPLETED, b"EVENT_JSON:{\"standard\":\"near-offshore\",\"version\":\"1.0.0\",\"event\":\"");

/// `"request_id":..,"sender_id":..,"code_source":{..}`: how both the request
/// and the completed event begin, right after their object's `{`.
fn request_head(w: &mut Writer, r: &Request) {
    w.key(names::REQUEST_ID).u64(r.id());
    w.key(names::SENDER_ID).str(r.sender);
    w.key(names::CODE_SOURCE).byte(b'{').key(names::REPO).raw_str(r.code.repo);
    w.key(names::COMMIT).raw_str(r.code.commit);
    w.key(names::BUILD_TARGET).opt_raw_str(r.code.build_target).byte(b'}');
}

pub fn request_json(w: &mut Writer, r: &Request) {
    let limits = r.limits();
    w.byte(b'{');
    request_head(w, r);
    w.key(names::RESOURCE_LIMITS).byte(b'{').key(names::MAX_INSTRUCTIONS).u64(limits.max_instructions);
    w.key(names::MAX_MEMORY_MB).u64(limits.max_memory_mb);
    w.key(names::MAX_EXECUTION_SECONDS).u64(limits.max_execution_seconds).byte(b'}');
    // Always a string (`""` when none was given), as the near-sdk version
    // writes it: workers read it into a plain `String`.
    w.key(names::INPUT_DATA).raw_str(r.input_data.unwrap_or(crate::json::Raw(b"")));
    w.key(names::ENCRYPTED_SECRETS);
    match r.secrets {
        Some(s) => w.byte_array(s),
        None => w.raw(names::NULL),
    };
    w.key(names::RESPONSE_FORMAT).str(r.format.name());
    w.key(names::PAYMENT).u128_str(r.payment());
    if let Some(p) = r.payer {
        w.key(names::PAYER_ACCOUNT_ID).str(p);
    }
    w.key(b"timestamp").u64(r.timestamp()).byte(b'}');
}

// Inlined by LLVM rather than later by wasm-opt: its result is then built in
// place in its caller, with no copy of a returned value (measured smaller).
#[inline(always)]
pub fn execution_requested(r: &Request) -> Bytes {
    let mut inner = Writer::new();
    request_json(&mut inner, r);
    let mut w = Writer(Bytes::with_capacity(inner.0.len() * 2 + 300));
    w.raw(PREFIX).raw(b"execution_requested\",\"data\":[{\"request_data\":").str(&inner.0);
    w.key(b"data_id").byte_array(r.data_id());
    w.key(b"timestamp").u64(r.timestamp()).raw(b"}]}");
    w.0
}

/// What a request's end did with its payment: kept as the fee, and refunded.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Settled {
    pub charged: u128,
    pub refunded: u128,
}

/// One event per outcome: resolved, failed, timed out or cancelled. `usage` is
/// what the operator reported (all zero when nothing ran); an error is logged
/// shortened so the log stays small whatever the operator sent.
// Inlined by LLVM rather than later by wasm-opt: its result is then built in
// place in its caller, with no copy of a returned value (measured smaller).
#[inline(always)]
pub fn execution_completed(r: &Request, usage: &Usage, error: Option<&[u8]>, money: Settled, timestamp: u64) -> Bytes {
    let mut w = Writer(Bytes::with_capacity(512));
    w.raw(COMPLETED);
    request_head(&mut w, r);
    w.key(names::RESOURCES_USED).byte(b'{').key(names::INSTRUCTIONS).u64(usage.instructions);
    w.key(names::TIME_MS).u64(usage.time_ms);
    if let Some(m) = usage.memory_mb {
        w.key(names::MEMORY_MB).u64(m);
    }
    w.byte(b'}').key(names::SUCCESS).bool(error.is_none());
    if let Some(e) = error {
        w.key(names::ERROR_MESSAGE).str(truncate_utf8(e, MAX_LOGGED_ERROR));
    }
    w.key(names::PAYMENT_CHARGED).u128_str(money.charged);
    w.key(b"payment_refunded").u128_str(money.refunded);
    w.key(b"timestamp").u64(timestamp).raw(b"}]}");
    w.0
}

/// The longest prefix of at most `max` bytes that ends on a UTF-8 boundary.
pub fn truncate_utf8(s: &[u8], max: usize) -> &[u8] {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    // Continuation bytes are 0b10xx_xxxx: back up to the start of a character.
    while end > 0 && s.get(end).is_some_and(|c| c & 0xC0 == 0x80) {
        end -= 1;
    }
    // `end` is within `s` here: falling back to all of it leaves only the
    // length to choose.
    s.get(..end).unwrap_or(s)
}
