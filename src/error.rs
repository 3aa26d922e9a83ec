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
    crate::host::fail(&v)
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
