//! Resource limits a request may ask for, and the caps on every stored field.
//! The field caps keep the `execution_requested` event (each byte at most twice
//! its size after being escaped into `request_data`) under NEAR's 16 KiB log
//! limit and keep the stored request small.

/// Every cap's number, written once: the checks (the constants below), their
/// refusal texts (`error.rs`) and `get_max_limits` (`MAX_LIMITS_JSON`) all
/// expand it, so they cannot drift apart. A macro rather than a `const` because
/// `concat!` only takes literals.
#[rustfmt::skip]
macro_rules! cap {
    (instructions) => { 100_000_000_000 };
    (memory_mb) => { 1024 };
    (seconds) => { 60 };
    (repo) => { 512 };
    (commit) => { 128 };
    (build_target) => { 64 };
    (input_data) => { 4096 };
    (secrets) => { 1024 };
    (output) => { 32768 };
    (yield_payload) => { 1024 };
    (pending_page) => { 100 };
    (bulk_cancel) => { 10 };
}
pub(crate) use cap;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Limits {
    pub max_instructions: u64,
    pub max_memory_mb: u64,
    pub max_execution_seconds: u64,
}

impl Limits {
    pub const DEFAULT: Limits =
        Limits { max_instructions: 1_000_000_000, max_memory_mb: 128, max_execution_seconds: 60 };
    pub const CAP: Limits = Limits {
        max_instructions: cap!(instructions),
        max_memory_mb: cap!(memory_mb),
        max_execution_seconds: cap!(seconds),
    };
}

/// Byte caps, on the JSON-escaped form of strings as sent.
pub const MAX_REPO: usize = cap!(repo);
pub const MAX_COMMIT: usize = cap!(commit);
pub const MAX_BUILD_TARGET: usize = cap!(build_target);
pub const MAX_INPUT_DATA: usize = cap!(input_data);
pub const MAX_SECRETS: usize = cap!(secrets);
/// A stored (submitted) output: the text, JSON or bytes as they will be returned.
pub const MAX_OUTPUT: usize = cap!(output);
/// NEAR's limit on a `promise_yield_resume` payload.
pub const MAX_YIELD_PAYLOAD: usize = cap!(yield_payload);
/// An error message is shortened to this many bytes in the completed event.
pub const MAX_LOGGED_ERROR: usize = 256;

/// `get_pending_requests` returns at most this many requests (its default).
pub const MAX_PENDING_PAGE: u64 = cap!(pending_page);
/// Requests one `cancel_pending_requests` / `clear_all_pending_requests` call
/// ends at most: each logs one `execution_completed` of at most
/// `MAX_COMPLETED_EVENT` bytes, and NEAR allows 16,384 bytes (and 100 logs) of
/// logs per receipt (`tests/layout.rs` checks the product).
pub const MAX_BULK_CANCEL: usize = cap!(bulk_cancel);
pub const MAX_COMPLETED_EVENT: usize = 1600;
/// Ids one `clear_all_pending_requests` call examines at most (about 17 Tgas of
/// storage reads when all are ended requests).
pub const MAX_CLEAR_PROBES: u64 = 300;
/// How many of the latest request ids `migrate` examines when it brings a
/// version-1 state up to date (see README, "Upgrades").
pub const MIGRATE_SCAN: u64 = 1024;

/// Minutes after which the sender may cancel a request that is still pending.
pub const STALE_AFTER_NS: u64 = 10 * 60 * 1_000_000_000;

/// `get_max_limits`' JSON, a macro so that `names::ALL` can `concat!` it.
#[rustfmt::skip]
macro_rules! max_limits_json {
    () => {
        concat!(
            "{\"max_instructions\":",
            $crate::limits::cap!(instructions),
            ",\"max_memory_mb\":",
            $crate::limits::cap!(memory_mb),
            ",\"max_execution_seconds\":",
            $crate::limits::cap!(seconds),
            ",\"max_repo_bytes\":",
            $crate::limits::cap!(repo),
            ",\"max_commit_bytes\":",
            $crate::limits::cap!(commit),
            ",\"max_build_target_bytes\":",
            $crate::limits::cap!(build_target),
            ",\"max_input_data_bytes\":",
            $crate::limits::cap!(input_data),
            ",\"max_encrypted_secrets_bytes\":",
            $crate::limits::cap!(secrets),
            ",\"max_output_bytes\":",
            $crate::limits::cap!(output),
            ",\"max_yield_payload_bytes\":",
            $crate::limits::cap!(yield_payload),
            "}"
        )
    };
}
pub(crate) use max_limits_json;

/// The `get_max_limits` view: the head of `names::ALL`, the one constant
/// every field name of the argument tables lives in.
pub const MAX_LIMITS_JSON: &[u8] = crate::names::ALL.split_at(max_limits_json!().len()).0;

/// Whether a request made at `requested_at` may be cancelled by its sender at
/// `now` (both in nanoseconds).
pub fn is_stale(requested_at: u64, now: u64) -> bool {
    now >= requested_at.saturating_add(STALE_AFTER_NS)
}
