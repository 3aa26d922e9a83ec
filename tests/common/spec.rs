//! The contract's rules, written once for every test from SPEC.md and README ("Pricing",
//! "Limits", "State layout"), never from `src/`: caps, prices and charges, the deposit a
//! request needs, the bytes the contract stores, the yield payload, what a caller receives.
//! A test that compares the contract with this module is an independent check of it.
#![allow(dead_code)] // each test binary uses its own part

use base64::Engine as _;
use serde_json::{json, Value};

const NEAR: u128 = 1_000_000_000_000_000_000_000_000;

// ---- NEAR's own numbers ----

/// Storage staking price, yoctoNEAR per byte.
pub const STORAGE_PRICE: u128 = 10_000_000_000_000_000_000;
/// Bytes nearcore adds to every stored key/value pair (`num_extra_bytes_record`).
pub const RECORD_EXTRA: u64 = 40;
/// The most `promise_yield_resume` carries.
pub const YIELD_PAYLOAD_LIMIT: usize = 1024;
/// The most one log (and all logs of a receipt) may hold.
pub const LOG_LIMIT: usize = 16_384;

// ---- the contract's rules ----

/// `cancel_stale_execution` works 10 minutes after the request, not before.
pub const STALE_NS: u64 = 600 * 1_000_000_000;
/// `execution_completed` carries at most this much of an error.
pub const EVENT_ERROR_BYTES: usize = 256;

pub const CAP_INSTRUCTIONS: u64 = 100_000_000_000;
pub const CAP_MEMORY_MB: u64 = 1024;
pub const CAP_SECONDS: u64 = 60;
pub const CAP_REPO: usize = 512;
pub const CAP_COMMIT: usize = 128;
pub const CAP_BUILD_TARGET: usize = 64;
pub const CAP_INPUT: usize = 4096;
pub const CAP_SECRETS: usize = 1024;
pub const CAP_OUTPUT: usize = 32768;

pub const BASE_FEE: u128 = NEAR / 100;
/// Per million instructions.
pub const PER_MINSTR: u128 = NEAR / 1_000_000;
pub const PER_MB: u128 = NEAR / 10_000;
pub const PER_SEC: u128 = NEAR / 1_000;

// ---- prices, limits, usage, charges ----

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Prices {
    pub base: u128,
    /// Per million instructions.
    pub per_minstr: u128,
    pub per_mb: u128,
    pub per_sec: u128,
}

/// ceil(fee × n / d) without overflowing on the way: (fee / d) × n + ceil((fee % d) × n / d).
fn mul_div_ceil(fee: u128, n: u64, d: u128) -> Option<u128> {
    let (q, r) = (fee / d, fee % d);
    q.checked_mul(n as u128)?.checked_add((r * n as u128).div_ceil(d))
}

impl Prices {
    pub const DEFAULT: Prices = Prices { base: BASE_FEE, per_minstr: PER_MINSTR, per_mb: PER_MB, per_sec: PER_SEC };
    pub const ZERO: Prices = Prices { base: 0, per_minstr: 0, per_mb: 0, per_sec: 0 };

    /// base + per_instruction × instructions / 10^6 + per_mb × memory + per_second × ms / 1000,
    /// each term rounded up to the yocto; `None` when it does not fit a u128.
    pub fn checked_cost(&self, instructions: u64, memory_mb: u64, time_ms: u64) -> Option<u128> {
        self.base
            .checked_add(mul_div_ceil(self.per_minstr, instructions, 1_000_000)?)?
            .checked_add(self.per_mb.checked_mul(memory_mb as u128)?)?
            .checked_add(mul_div_ceil(self.per_sec, time_ms, 1000)?)
    }

    pub fn cost(&self, instructions: u64, memory_mb: u64, time_ms: u64) -> u128 {
        self.checked_cost(instructions, memory_mb, time_ms).expect("the cost overflows u128")
    }

    pub fn checked_estimate(&self, l: &Limits) -> Option<u128> {
        self.checked_cost(l.instructions, l.memory_mb, l.seconds * 1000)
    }

    pub fn estimate(&self, l: &Limits) -> u128 {
        self.checked_estimate(l).expect("the estimate overflows u128")
    }

    /// The estimate at every cap: `set_pricing` must refuse prices for which it is `None`.
    pub fn checked_max_estimate(&self) -> Option<u128> {
        self.checked_estimate(&Limits::CAP)
    }

    /// What a successful execution is charged: usage above a limit counts as the limit,
    /// missing memory as the requested maximum, never more than the payment.
    pub fn charge(&self, l: &Limits, payment: u128, used: impl Into<Used>) -> u128 {
        let used = used.into();
        let memory = used.memory_mb.unwrap_or(l.memory_mb).min(l.memory_mb);
        let cost = self.checked_cost(used.instructions.min(l.instructions), memory, used.time_ms.min(l.seconds * 1000));
        cost.unwrap_or(u128::MAX).min(payment)
    }

    /// What a failed execution keeps: the base fee, never more than the payment.
    pub fn failure_charge(&self, payment: u128) -> u128 {
        self.base.min(payment)
    }

    /// `set_pricing`'s arguments, and `get_pricing`'s answer.
    pub fn json(&self) -> Value {
        json!({
            "base_fee": self.base.to_string(),
            "per_instruction_fee": self.per_minstr.to_string(),
            "per_mb_fee": self.per_mb.to_string(),
            "per_second_fee": self.per_sec.to_string(),
        })
    }

    pub fn of_json(v: &Value) -> Prices {
        let f = |k: &str| v[k].as_str().unwrap_or_else(|| panic!("pricing.{k}: {v}")).parse::<u128>().unwrap();
        Prices {
            base: f("base_fee"),
            per_minstr: f("per_instruction_fee"),
            per_mb: f("per_mb_fee"),
            per_sec: f("per_second_fee"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub instructions: u64,
    pub memory_mb: u64,
    pub seconds: u64,
}

impl Limits {
    pub const DEFAULT: Limits = Limits { instructions: 1_000_000_000, memory_mb: 128, seconds: 60 };
    pub const CAP: Limits = Limits { instructions: CAP_INSTRUCTIONS, memory_mb: CAP_MEMORY_MB, seconds: CAP_SECONDS };
    /// The seed README's worked example: 0.02141 NEAR.
    pub const SEED_EXAMPLE: Limits = Limits { instructions: 10_000_000, memory_mb: 64, seconds: 5 };
    pub const ZERO: Limits = Limits { instructions: 0, memory_mb: 0, seconds: 0 };

    pub fn json(&self) -> Value {
        json!({"max_instructions": self.instructions, "max_memory_mb": self.memory_mb, "max_execution_seconds": self.seconds})
    }

    pub fn within_caps(&self) -> bool {
        self.instructions <= CAP_INSTRUCTIONS && self.memory_mb <= CAP_MEMORY_MB && self.seconds <= CAP_SECONDS
    }
}

/// `resources_used` as the operator reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Used {
    pub instructions: u64,
    pub time_ms: u64,
    pub memory_mb: Option<u64>,
}

impl Used {
    pub const NOTHING: Used = Used { instructions: 0, time_ms: 0, memory_mb: None };
    pub const ABSURD: Used = Used { instructions: u64::MAX, time_ms: u64::MAX, memory_mb: Some(u64::MAX) };

    pub fn new(instructions: u64, time_ms: u64, memory_mb: Option<u64>) -> Used {
        Used { instructions, time_ms, memory_mb }
    }

    pub fn json(&self) -> Value {
        let mut v = json!({"instructions": self.instructions, "time_ms": self.time_ms});
        if let Some(m) = self.memory_mb {
            v["memory_mb"] = json!(m);
        }
        v
    }
}

impl From<&Used> for Used {
    fn from(u: &Used) -> Used {
        *u
    }
}

impl From<&(u64, u64, Option<u64>)> for Used {
    fn from(&(instructions, time_ms, memory_mb): &(u64, u64, Option<u64>)) -> Used {
        Used { instructions, time_ms, memory_mb }
    }
}

impl From<(u64, u64, Option<u64>)> for Used {
    fn from((instructions, time_ms, memory_mb): (u64, u64, Option<u64>)) -> Used {
        Used { instructions, time_ms, memory_mb }
    }
}

// ---- storage ----

pub fn storage_cost(bytes: u64) -> u128 {
    bytes as u128 * STORAGE_PRICE
}

/// Bytes of `s` in its JSON-escaped form, as the caps count them and the contract stores them.
/// The tests send strings escaped as serde_json escapes them, so this is the form as sent.
pub fn escaped_len(s: &str) -> usize {
    serde_json::to_string(s).unwrap().len() - 2
}

/// README "State layout": the request record is 154 fixed bytes, then sender, repo and commit
/// (u32 length + bytes each), then build_target, input_data and encrypted_secrets (a tag byte,
/// then u32 length + bytes when present), under a 9-byte key (`r` + u64).
pub fn request_record_bytes(
    sender: usize,
    repo: usize,
    commit: usize,
    build_target: Option<usize>,
    input_data: Option<usize>,
    secrets: Option<usize>,
) -> u64 {
    let string = |len: usize| 4 + len;
    let option = |len: Option<usize>| 1 + len.map_or(0, string);
    let value = 154
        + string(sender)
        + string(repo)
        + string(commit)
        + option(build_target)
        + option(input_data)
        + option(secrets);
    9 + value as u64 + RECORD_EXTRA
}

/// A submitted output: a kind byte and the body, under a 9-byte key (`o` + u64).
pub fn output_record_bytes(body_len: usize) -> u64 {
    9 + 1 + body_len as u64 + RECORD_EXTRA
}

/// The config record under `c`: version, paused, next id, executions, fees, four prices (98
/// fixed bytes), then owner and operator (u32 length + bytes) and the keystore account (a tag
/// byte, then u32 length + bytes when set).
pub fn config_record_bytes(owner: usize, operator: usize, keystore: Option<usize>) -> u64 {
    let value = 98 + 4 + owner + 4 + operator + 1 + keystore.map_or(0, |k| 4 + k);
    1 + value as u64 + RECORD_EXTRA
}

/// The keystore key under `k`: 64 lowercase hex characters.
pub const PUBKEY_RECORD_BYTES: u64 = 1 + 64 + RECORD_EXTRA;

/// SPEC.md: the deposit must cover the estimate and the storage staking of the pending request.
pub fn deposit_required(prices: &Prices, limits: &Limits, request_bytes: u64) -> Option<u128> {
    prices.checked_estimate(limits)?.checked_add(storage_cost(request_bytes))
}

/// SPEC.md: a submitted output fits when request and output storage cost at most the payment.
pub fn output_fits_payment(request_bytes: u64, body_len: usize, payment: u128) -> bool {
    storage_cost(request_bytes + output_record_bytes(body_len)) <= payment
}

// ---- a request ----

/// `request_execution`'s arguments, field by field.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    pub repo: String,
    pub commit: String,
    pub build_target: Option<String>,
    pub limits: Option<Limits>,
    pub input_data: Option<String>,
    pub secrets: Option<Vec<u8>>,
    pub format: Option<&'static str>,
}

impl Request {
    /// The seed README's request with other limits.
    pub fn seed(limits: Limits) -> Request {
        Request {
            repo: "https://github.com/user/project".into(),
            commit: "abc123".into(),
            build_target: Some("wasm32-wasi".into()),
            limits: Some(limits),
            input_data: Some("{\"key\": \"value\"}".into()),
            secrets: None,
            format: None,
        }
    }

    /// The largest request the caps allow: every limit and field at its cap, strings made of
    /// `"` (each byte escaped once more inside the event's `request_data`), secrets all 255.
    pub fn largest(format: &'static str) -> Request {
        Request {
            repo: "\"".repeat(CAP_REPO / 2),
            commit: "\"".repeat(CAP_COMMIT / 2),
            build_target: Some("\"".repeat(CAP_BUILD_TARGET / 2)),
            limits: Some(Limits::CAP),
            input_data: Some("\"".repeat(CAP_INPUT / 2)),
            secrets: Some(vec![255; CAP_SECRETS]),
            format: Some(format),
        }
    }

    /// The fields of arguments written as JSON (by serde_json or as the seed README has them).
    pub fn parse(args: &str) -> Request {
        let v: Value = serde_json::from_str(args).unwrap_or_else(|e| panic!("request arguments ({e}): {args}"));
        let text = |v: &Value| v.as_str().map(String::from);
        let limits = v.get("resource_limits").filter(|l| !l.is_null()).map(|l| {
            let field = |k: &str, default: u64| l.get(k).and_then(Value::as_u64).unwrap_or(default);
            Limits {
                instructions: field("max_instructions", Limits::DEFAULT.instructions),
                memory_mb: field("max_memory_mb", Limits::DEFAULT.memory_mb),
                seconds: field("max_execution_seconds", Limits::DEFAULT.seconds),
            }
        });
        let format = v["response_format"].as_str().map(|f| match f {
            "Bytes" => "Bytes",
            "Text" => "Text",
            "Json" => "Json",
            other => panic!("response_format {other}"),
        });
        Request {
            repo: text(&v["code_source"]["repo"]).expect("code_source.repo"),
            commit: text(&v["code_source"]["commit"]).expect("code_source.commit"),
            build_target: text(&v["code_source"]["build_target"]),
            limits,
            input_data: text(&v["input_data"]),
            secrets: v["encrypted_secrets"]
                .as_array()
                .map(|a| a.iter().map(|b| b.as_u64().expect("a byte") as u8).collect()),
            format,
        }
    }

    pub fn json(&self) -> Value {
        let mut code = json!({"repo": self.repo, "commit": self.commit});
        if let Some(t) = &self.build_target {
            code["build_target"] = json!(t);
        }
        let mut v = json!({ "code_source": code });
        if let Some(l) = &self.limits {
            v["resource_limits"] = l.json();
        }
        if let Some(d) = &self.input_data {
            v["input_data"] = json!(d);
        }
        v["encrypted_secrets"] = json!(self.secrets);
        if let Some(f) = self.format {
            v["response_format"] = json!(f);
        }
        v
    }

    pub fn args(&self) -> String {
        self.json().to_string()
    }

    pub fn bytes(&self) -> Vec<u8> {
        self.args().into_bytes()
    }

    /// Missing limits take the defaults.
    pub fn limits(&self) -> Limits {
        self.limits.unwrap_or(Limits::DEFAULT)
    }

    /// Within every cap of SPEC.md / `get_max_limits`.
    pub fn valid(&self) -> bool {
        !self.repo.is_empty()
            && !self.commit.is_empty()
            && escaped_len(&self.repo) <= CAP_REPO
            && escaped_len(&self.commit) <= CAP_COMMIT
            && self.build_target.as_deref().map_or(0, escaped_len) <= CAP_BUILD_TARGET
            && self.input_data.as_deref().map_or(0, escaped_len) <= CAP_INPUT
            && self.secrets.as_ref().map_or(0, Vec::len) <= CAP_SECRETS
            && self.limits().within_caps()
    }

    /// The bytes the pending request adds to the contract's storage.
    pub fn stored_bytes(&self, sender: &str) -> u64 {
        request_record_bytes(
            sender.len(),
            escaped_len(&self.repo),
            escaped_len(&self.commit),
            self.build_target.as_deref().map(escaped_len),
            self.input_data.as_deref().map(escaped_len),
            self.secrets.as_ref().map(Vec::len),
        )
    }

    /// The deposit it needs from `sender` at `prices`; `None` when that overflows a u128.
    pub fn required(&self, prices: &Prices, sender: &str) -> Option<u128> {
        deposit_required(prices, &self.limits(), self.stored_bytes(sender))
    }
}

// ---- outputs ----

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

// ---- text ----

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary: how
/// errors are shortened.
pub fn truncate_utf8(s: &str, max: usize) -> &str {
    let mut end = max.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// NEAR account id rules: 2..64 of a-z 0-9 - _ ., no separator at either end or twice in a row.
pub fn valid_account_id(a: &str) -> bool {
    let b = a.as_bytes();
    let separator = |c: &u8| b"-_.".contains(c);
    (2..=64).contains(&b.len())
        && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || separator(c))
        && !separator(&b[0])
        && !separator(&b[b.len() - 1])
        && !b.windows(2).any(|w| separator(&w[0]) && separator(&w[1]))
}
