//! How the contract refuses: it aborts the call with a short message. In the
//! wasm that is `panic_utf8` (NEAR reverts every change and reports "Smart
//! contract panicked: <message>"); in host tests it is a panic carrying
//! `Abort`, so tests and fuzzers can tell a clean refusal from a bug.
//!
//! Aborting instead of threading `Result` through every parser keeps the wasm
//! small: each `?` costs a branch and a copy at every call site.

/// `context` names the argument being read (empty when there is none).
#[cfg(target_arch = "wasm32")]
pub fn abort(context: &[u8], msg: &str) -> ! {
    let mut v = crate::Bytes::with_capacity(context.len() + msg.len() + 4);
    if !context.is_empty() {
        v.extend_from_slice(context);
        v.extend_from_slice(b": ");
    }
    v.extend_from_slice(msg.as_bytes());
    crate::host::panic_utf8(&v)
}

#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Abort(pub String);

#[cfg(not(target_arch = "wasm32"))]
pub fn abort(context: &[u8], msg: &str) -> ! {
    let context = String::from_utf8_lossy(context);
    let text = if context.is_empty() { msg.to_string() } else { format!("{context}: {msg}") };
    std::panic::panic_any(Abort(text))
}

/// Runs `f`; returns the abort message if it refused, `None` if it returned.
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

// ---- contract: the refusals of the entry points (src/contract.rs)

pub const NOT_INITIALIZED: &[u8] = b"not initialized";
pub const CONFIG_UNREADABLE: &[u8] = b"config: corrupt or an older layout (call migrate)";
pub const NO_DEPOSIT: &[u8] = b"takes no deposit";
pub const ADMIN_DEPOSIT: &[u8] = b"admin calls take 0 or 1 yoctoNEAR";
pub const OWNER_ONLY: &[u8] = b"owner only";
pub const OPERATOR_ONLY: &[u8] = b"operator only";
pub const PRIVATE: &[u8] = b"private method";
pub const INIT_BY_SELF: &[u8] = b"only the contract account may initialize";
pub const ALREADY_INITIALIZED: &[u8] = b"already initialized";
pub const COST_OVERFLOW: &[u8] = b"estimated cost overflows u128";
pub const DEPOSIT_OVERFLOW: &[u8] = b"required deposit overflows u128";
pub const PAUSED: &[u8] = b"paused: no new requests";
pub const IDS_EXHAUSTED: &[u8] = b"request ids exhausted";
pub const CORRUPT_REQUEST: &[u8] = b"corrupt request record";
pub const NO_PENDING_REQUEST: &[u8] = b"no pending request with this id";
pub const OUTPUT_STORED_RESOLVE_NULL: &[u8] = b"output already stored: resolve with \"output\": null";
pub const OUTPUT_STORED: &[u8] = b"output already stored";
pub const YIELD_NOT_WAITING: &[u8] = b"yield not waiting: already resolved or timed out";
pub const NOT_A_YIELD_CALLBACK: &[u8] = b"not a yield callback";
pub const REQUEST_CANCELLED: &[u8] = b"request was cancelled";
pub const CORRUPT_REQUEST_KEPT: &[u8] = b"corrupt request record: kept for the owner";
pub const TIMED_OUT: &[u8] = b"execution timed out; deposit refunded";
pub const MALFORMED_RESULT: &[u8] = b"malformed result; deposit refunded";
pub const CORRUPT_OUTPUT: &[u8] = b"corrupt stored output";
pub const SENDER_ONLY: &[u8] = b"sender only";
pub const NOT_STALE: &[u8] = b"cancel allowed 10 minutes after the request";
pub const PRICING_OVERFLOW: &[u8] = b"pricing too large: max limits' cost overflows u128";
pub const PUBKEY_SETTER_ONLY: &[u8] = b"owner or keystore account only";
pub const NOTHING_TO_WITHDRAW: &[u8] = b"nothing to withdraw";
pub const UNKNOWN_CONFIG_LAYOUT: &[u8] = b"unknown config layout";
pub const CORRUPT_CONFIG: &[u8] = b"corrupt config";
pub const NOT_WASM: &[u8] = b"input is not wasm";

/// Refusals with an amount in the middle: (text before, text after).
pub type Around = (&'static [u8], &'static [u8]);
pub const DEPOSIT_TOO_SMALL: Around = (b"deposit too small: attach at least ", b" yoctoNEAR (cost estimate + storage)");
pub const GAS_TOO_LOW: Around = (b"not enough gas: attach at least ", b" Tgas");
pub const OUTPUT_OVER_PAYMENT: Around = (b"output too large for the payment: storing it needs ", b" yoctoNEAR");
pub const NO_FREE_BALANCE: Around =
    (b"not enough free balance to stake this: ", b" yoctoNEAR more needed (pending payments are not staked)");
pub const OVER_WITHDRAWABLE: Around = (b"amount over what is withdrawable: at most ", b" yoctoNEAR");
