//! How the contract refuses, and every refusal text.
//!
//! One word for each of the three ways a request or a call can go wrong:
//! - *refuse*: this call ends with a short message and changes nothing. In the
//!   wasm that is `panic_utf8` (NEAR reverts every change and reports "Smart
//!   contract panicked: <message>"); in host tests it is a panic carrying
//!   `Abort`, so tests and fuzzers can tell a clean refusal from a bug.
//! - *report a failure* (`contract::report_failure`): the callback, which must
//!   commit its refund, makes the caller's result a failure through the
//!   separate `fail_execution` receipt.
//! - *unsuccessful*: a request that ended without an output (failed, timed
//!   out, malformed result, cancelled): still settled and refunded.
//!
//! Refusing instead of threading `Result` through every parser keeps the wasm
//! small: each `?` costs a branch and a copy at every call site.

use crate::limits::cap;

/// Refuses the call with `msg`.
pub fn refuse(msg: &[u8]) -> ! {
    refuse_at(b"", msg)
}

/// Refuses naming the argument being read: "`context`: `msg`" (just `msg`
/// when `context` is empty).
pub fn refuse_at(context: &[u8], msg: &[u8]) -> ! {
    refuse_with(b"", context, msg, None, b"")
}

/// `refuse_at` naming `field` of the object `parent` ("code_source.repo"), or
/// `field` alone when `parent` is empty.
// Inlined: its two callers pushing refuse_with's arguments cost less than a
// function with a signature of its own.
#[inline(always)]
pub fn refuse_in(parent: &[u8], field: &[u8], msg: &[u8]) -> ! {
    refuse_with(parent, field, msg, None, b"")
}

/// Refuses a value over its cap: "code_source.repo: at most 512 bytes" when
/// `bytes` (a length), "resource_limits.max_memory_mb: at most 1024" otherwise.
/// Written out here from the cap itself, so no cap has a text of its own.
pub fn refuse_over(parent: &[u8], field: &[u8], cap: u64, bytes: bool) -> ! {
    let unit = if bytes { ERR_BYTES } else { b"" };
    refuse_with(parent, field, ERR_AT_MOST, Some(cap as u128), unit)
}

/// Refuses with `msg` exactly as given, not unpacked: for a text made at run
/// time, whose bytes may be anything (`fail_execution`).
pub fn refuse_plain(msg: &[u8]) -> ! {
    refuse_text(msg)
}

/// Refuses with a message that says how much: "`around.0``amount``around.1`".
/// Inlined: at each caller the amount then goes to `refuse_with` as it is,
/// not through a function of its own (measured smaller).
#[inline(always)]
pub fn refuse_amount(around: Around, amount: u128) -> ! {
    refuse_with(b"", b"", around.0, Some(amount), around.1)
}

/// Every refusal's text, built in one place: "`parent`.`field`: " (the parts
/// given), then `head`, `n` in decimal when given, and `tail`.
#[inline(never)]
fn refuse_with(parent: &[u8], field: &[u8], head: &[u8], n: Option<u128>, tail: &[u8]) -> ! {
    // Room for nearly every refusal text without working its length out
    // here (a longer one just grows the buffer, on a path that ends the call).
    let mut v = crate::Bytes::with_capacity(128);
    if !parent.is_empty() {
        v.extend_from_slice(parent);
        v.push(b'.');
    }
    v.extend_from_slice(field);
    if !v.is_empty() {
        v.extend_from_slice(b": ");
    }
    crate::packed::unpack(&mut v, head);
    if let Some(n) = n {
        crate::json::write_u128(&mut v, n);
    }
    crate::packed::unpack(&mut v, tail);
    refuse_text(&v)
}

// Inlined, like `host::panic_utf8`: a wrapper function of its own cost
// more than the call it forwards to (measured).
#[cfg(target_arch = "wasm32")]
#[inline(always)]
fn refuse_text(text: &[u8]) -> ! {
    crate::host::panic_utf8(text)
}

#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Abort(pub String);

#[cfg(not(target_arch = "wasm32"))]
fn refuse_text(text: &[u8]) -> ! {
    std::panic::panic_any(Abort(String::from_utf8_lossy(text).into_owned()))
}

/// Runs `f`; returns the message if it refused, `None` if it returned.
/// Any other panic (a bug) is propagated.
#[cfg(not(target_arch = "wasm32"))]
pub fn refusal<R>(f: impl FnOnce() -> R) -> Option<String> {
    static QUIET: std::sync::Once = std::sync::Once::new();
    QUIET.call_once(|| {
        // Refusals are expected in tests: keep them out of the output, but still
        // print every other panic.
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if info.payload().downcast_ref::<Abort>().is_none() {
                default(info);
            }
        }));
    });
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(_) => None,
        Err(p) => match p.downcast::<Abort>() {
            Ok(a) => Some(a.0),
            Err(p) => std::panic::resume_unwind(p),
        },
    }
}

// The refusal texts, each written once. `refuse_at(context, msg)` puts the field
// name in front ("request_id: expected an unsigned integer"), so a text says
// only what is wrong with the value and, where it helps, what to send instead.
// A cap's number comes from `limits::cap!`, like the check and get_max_limits.
//
// Each is stored packed (`packed!`, src/packed.rs) and written out by
// `refuse_with`. Left plain: the texts a call commits (the callback's
// messages: ERR_REQUEST_CANCELLED to ERR_MALFORMED_RESULT). Where other
// constants carve a word from a text with `within!` (ERR_BOOL, and the heads
// of ERR_NO_FREE_BALANCE and ERR_OVER_WITHDRAWABLE), `keep` leaves just that
// word plain in it.

// ---- json: the Reader
pub const ERR_NOT_UTF8: &[u8] = crate::packed!(b"arguments are not valid UTF-8");
pub const ERR_TRAILING: &[u8] = crate::packed!(b"trailing characters after the JSON");
pub const ERR_TOO_DEEP: &[u8] = crate::packed!(b"nested too deeply");
pub const ERR_OBJECT: &[u8] = crate::packed!(b"expected an object");
pub const ERR_COLON: &[u8] = crate::packed!(b"expected ':'");
pub const ERR_OBJECT_SEP: &[u8] = crate::packed!(b"expected ',' or '}'");
pub const ERR_ARRAY: &[u8] = crate::packed!(b"expected an array");
pub const ERR_ARRAY_SEP: &[u8] = crate::packed!(b"expected ',' or ']'");
pub const ERR_STRING: &[u8] = crate::packed!(b"expected a string");
pub const ERR_UNTERMINATED: &[u8] = crate::packed!(b"unterminated string");
pub const ERR_CONTROL_CHAR: &[u8] = crate::packed!(b"control character in string");
pub const ERR_ESCAPE: &[u8] = crate::packed!(b"invalid escape");
pub const ERR_SURROGATE: &[u8] = crate::packed!(b"lone surrogate in escape");
pub const ERR_UNSIGNED: &[u8] = crate::packed!(b"expected an unsigned integer");
pub const ERR_OVER_U64: &[u8] = crate::packed!(b"over u64::MAX");
pub const ERR_LEADING_ZERO: &[u8] = crate::packed!(b"leading zero in number");
pub const ERR_NUMBER: &[u8] = crate::packed!(b"invalid number");
pub const ERR_VALUE: &[u8] = crate::packed!(b"invalid JSON value");
pub const ERR_BOOL: &[u8] = crate::packed!(b"expected true or false", keep b"true", b"false");
pub const ERR_AMOUNT: &[u8] = crate::packed!(b"expected a decimal string without sign or leading zeros, e.g. \"1000\"");
pub const ERR_OVER_U128: &[u8] = crate::packed!(b"over u128::MAX");

// ---- args
pub const ERR_DUPLICATE: &[u8] = crate::packed!(b"duplicate field");
pub const ERR_MISSING: &[u8] = crate::packed!(b"missing field");
pub const ERR_EMPTY: &[u8] = crate::packed!(b"must not be empty");
pub const ERR_FORMAT: &[u8] = crate::packed!(b"expected \"Bytes\", \"Text\" or \"Json\"");
pub const ERR_OUTPUT_KIND: &[u8] = crate::packed!(b"expected exactly one of Text, Json, Bytes");
pub const ERR_PUBKEY: &[u8] = crate::packed!(b"expected 64 hex chars or ed25519:<base58 of 32 bytes>");
pub const ERR_BYTE: &[u8] = crate::packed!(b"elements must be 0 to 255");
/// A cap's refusal is "at most <cap>", " bytes" after it for a length
/// (`refuse_over`).
pub const ERR_AT_MOST: &[u8] = crate::within!(ERR_BULK_IDS_CAP, crate::packed!(b"at most "));
pub const ERR_BYTES: &[u8] = crate::within!(ERR_PUBKEY, crate::packed!(b" bytes"));
/// The page and batch refusals of `args::request_ids` and
/// `args::from_and_limit` (the numbers here come from the caps themselves).
pub const ERR_BULK_IDS_CAP: &[u8] = crate::packed!(concat!("at most ", cap!(bulk_cancel), " ids per call").as_bytes());
pub const ERR_BULK_LIMIT: &[u8] = crate::packed!(concat!("must be 1 to ", cap!(bulk_cancel)).as_bytes());
pub const ERR_PAGE_LIMIT: &[u8] = crate::packed!(concat!("must be 1 to ", cap!(pending_page)).as_bytes());

// ---- account
pub const ERR_ACCOUNT_LEN: &[u8] = crate::packed!(b"invalid account id: 2 to 64 characters");
pub const ERR_ACCOUNT_CHARS: &[u8] = crate::packed!(b"invalid account id: only a-z, 0-9, '-', '_' and '.'");
pub const ERR_ACCOUNT_SEPARATOR: &[u8] = crate::packed!(b"invalid account id: misplaced separator");

// ---- payload
pub const ERR_PAYLOAD_OUTPUT: &[u8] = crate::packed!(concat!(
    "over the ",
    cap!(yield_payload),
    "-byte yield payload: use submit_execution_output first, then \"output\": null"
)
.as_bytes());

// ---- contract: the refusals of the entry points (src/contract.rs)

pub const ERR_NOT_INITIALIZED: &[u8] = crate::packed!(b"not initialized");
pub const ERR_CONFIG_UNREADABLE: &[u8] = crate::packed!(b"config: corrupt or an older layout (call migrate)");
pub const ERR_NO_DEPOSIT: &[u8] = crate::packed!(b"takes no deposit");
pub const ERR_ADMIN_DEPOSIT: &[u8] = crate::packed!(b"admin calls take 0 or 1 yoctoNEAR");
pub const ERR_OWNER_ONLY: &[u8] = crate::packed!(b"owner only");
pub const ERR_OPERATOR_ONLY: &[u8] = crate::packed!(b"operator only");
pub const ERR_PRIVATE: &[u8] = crate::packed!(b"private method");
pub const ERR_INIT_BY_SELF: &[u8] = crate::packed!(b"only the contract account may initialize");
pub const ERR_ALREADY_INITIALIZED: &[u8] = crate::packed!(b"already initialized");
pub const ERR_COST_OVERFLOW: &[u8] = crate::packed!(b"estimated cost overflows u128");
pub const ERR_DEPOSIT_OVERFLOW: &[u8] = crate::packed!(b"required deposit overflows u128");
pub const ERR_PAUSED: &[u8] = crate::packed!(b"paused: no new requests");
pub const ERR_IDS_EXHAUSTED: &[u8] = crate::packed!(b"request ids exhausted");
pub const ERR_CORRUPT_REQUEST: &[u8] = crate::within!(ERR_CORRUPT_REQUEST_KEPT, b"corrupt request record");
pub const ERR_NO_PENDING_REQUEST: &[u8] = crate::packed!(b"no pending request with this id");
pub const ERR_OUTPUT_STORED_RESOLVE_NULL: &[u8] =
    crate::packed!(b"output already stored: resolve with \"output\": null");
pub const ERR_OUTPUT_STORED: &[u8] =
    crate::within!(ERR_OUTPUT_STORED_RESOLVE_NULL, crate::packed!(b"output already stored"));
pub const ERR_YIELD_NOT_WAITING: &[u8] = crate::packed!(b"yield not waiting: already resolved or timed out");
pub const ERR_NOT_A_YIELD_CALLBACK: &[u8] = crate::packed!(b"not a yield callback");
pub const ERR_REQUEST_CANCELLED: &[u8] = b"request was cancelled";
pub const ERR_CORRUPT_REQUEST_KEPT: &[u8] = b"corrupt request record: kept for the owner";
pub const ERR_TIMED_OUT: &[u8] = b"execution timed out; deposit refunded";
pub const ERR_MALFORMED_RESULT: &[u8] = b"malformed result; deposit refunded";
pub const ERR_CORRUPT_OUTPUT: &[u8] = crate::packed!(b"corrupt stored output");
pub const ERR_SENDER_ONLY: &[u8] = crate::packed!(b"sender only");
pub const ERR_NOT_STALE: &[u8] = crate::packed!(b"cancel allowed 10 minutes after the request");
pub const ERR_PRICING_OVERFLOW: &[u8] = crate::packed!(b"pricing too large: max limits' cost overflows u128");
pub const ERR_PUBKEY_SETTER_ONLY: &[u8] = crate::packed!(b"owner or keystore account only");
pub const ERR_NOTHING_TO_WITHDRAW: &[u8] = crate::packed!(b"nothing to withdraw");
pub const ERR_UNKNOWN_CONFIG_LAYOUT: &[u8] = crate::packed!(b"unknown config layout");
pub const ERR_CORRUPT_CONFIG: &[u8] = crate::packed!(b"corrupt config");
pub const ERR_NOT_WASM: &[u8] = crate::packed!(b"input is not wasm");

/// Refusals with an amount in the middle: (text before, text after).
pub type Around = (&'static [u8], &'static [u8]);
pub const ERR_DEPOSIT_TOO_SMALL: Around =
    (crate::packed!(b"deposit too small: attach at least "), crate::packed!(b" yoctoNEAR (cost estimate + storage)"));
pub const ERR_GAS_TOO_LOW: Around = (crate::packed!(b"not enough gas: attach at least "), crate::packed!(b" Tgas"));
pub const ERR_OUTPUT_OVER_PAYMENT: Around =
    (crate::packed!(b"output too large for the payment: storing it needs "), YOCTO);
pub const ERR_NO_FREE_BALANCE: Around = (
    crate::packed!(b"not enough free balance to stake this: ", keep b"balance"),
    crate::packed!(b" yoctoNEAR more needed (pending payments are not staked)"),
);
pub const ERR_OVER_WITHDRAWABLE: Around =
    (crate::packed!(b"amount over what is withdrawable: at most ", keep b"withdrawable"), YOCTO);
/// The unit after an amount, from a longer tail that has it.
const YOCTO: &[u8] = crate::within!(ERR_DEPOSIT_TOO_SMALL.1, crate::packed!(b" yoctoNEAR"));
