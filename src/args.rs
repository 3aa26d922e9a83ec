//! The JSON arguments of every entry point, parsed into plain values. Unknown
//! fields are skipped (as near-sdk's serde does, so existing callers that send
//! extra fields keep working); duplicate known fields, missing required ones and
//! values over their caps are refused.
//!
//! The helpers take `dyn` callbacks rather than generics on purpose: one copy of
//! each in the wasm instead of one per call site.

use crate::Bytes;

use crate::error::*;
use crate::json::{Raw, Reader};
use crate::limits::{self, Limits};
use crate::state::{CodeSource, Format};

type Field<'a, 'f> = &'f mut dyn FnMut(&mut Reader<'a>, usize);

/// Parses a whole input as one object (see `fields`); only whitespace may follow.
pub fn parse<'a>(input: &'a [u8], names: &[&'static [u8]], field: Field<'a, '_>) -> u32 {
    let mut r = Reader::new(input);
    let seen = fields(&mut r, names, field);
    r.end();
    seen
}

/// Walks an object, calling `field(reader, index)` for each key found in `names`
/// (each at most once) and skipping others. Returns a bit mask of the keys seen.
pub fn fields<'a>(r: &mut Reader<'a>, names: &[&'static [u8]], field: Field<'a, '_>) -> u32 {
    let mut seen = 0u32;
    let outer = r.field;
    r.object(&mut |r, key| match names.iter().position(|n| *n == key) {
        Some(i) => {
            r.field = names.get(i).copied().unwrap_or(b"");
            if seen & (1 << i) != 0 {
                r.fail(ERR_DUPLICATE);
            }
            seen |= 1 << i;
            field(r, i);
            r.field = outer;
        }
        None => {
            r.value();
        }
    });
    seen
}

/// Refuses when field `i` was not seen.
fn require(seen: u32, i: usize, name: &str) {
    if seen & (1 << i) == 0 {
        abort(name.as_bytes(), ERR_MISSING);
    }
}

/// Refuses `len` over `cap`, naming the field and the cap.
fn cap(field: &[u8], len: usize, cap: usize, msg: &str) {
    if len > cap {
        abort(field, msg);
    }
}

/// An account id argument, decoded and validated.
pub fn account(r: &mut Reader) -> Bytes {
    let id = r.string();
    if let Err(e) = crate::account::validate(&id) {
        r.fail(e);
    }
    id
}

/// An account id, or null for none.
pub fn opt_account(r: &mut Reader) -> Option<Bytes> {
    if r.null() {
        None
    } else {
        Some(account(r))
    }
}

/// `{"<name>": <value>}` with that single field required.
pub fn single<'a>(input: &'a [u8], name: &'static [u8], value: &mut dyn FnMut(&mut Reader<'a>)) {
    if parse(input, &[name], &mut |r, _| value(r)) == 0 {
        abort(name, ERR_MISSING);
    }
}

pub fn request_id(input: &[u8]) -> u64 {
    let mut id = 0;
    single(input, b"request_id", &mut |r| id = r.u64());
    id
}

pub struct RequestArgs<'a> {
    pub code: CodeSource<'a>,
    pub limits: Limits,
    pub input_data: Option<Raw<'a>>,
    pub secrets: Option<Bytes>,
    pub format: Format,
    /// `payer_account_id`: who gets the refunds, when not the sender.
    pub payer: Option<Bytes>,
    /// `estimate_required_deposit` only: the sender to estimate for.
    pub sender_hint: Option<Bytes>,
}

const REQUEST_FIELDS: [&[u8]; 7] = [
    b"code_source",
    b"resource_limits",
    b"input_data",
    b"encrypted_secrets",
    b"response_format",
    b"payer_account_id",
    b"sender_id",
];

pub fn request_execution(input: &[u8]) -> RequestArgs<'_> {
    request_args(input, false)
}

/// `estimate_required_deposit`: request_execution's arguments and an optional
/// `sender_id` (request_execution skips that key, as it skips every unknown one).
pub fn estimate_required_deposit(input: &[u8]) -> RequestArgs<'_> {
    request_args(input, true)
}

fn request_args(input: &[u8], estimate: bool) -> RequestArgs<'_> {
    let mut a = RequestArgs {
        code: CodeSource { repo: Raw(b""), commit: Raw(b""), build_target: None },
        limits: Limits::DEFAULT,
        input_data: None,
        secrets: None,
        format: Format::Text,
        payer: None,
        sender_hint: None,
    };
    let names = REQUEST_FIELDS.get(..if estimate { 7 } else { 6 }).unwrap_or(&[]);
    let seen = parse(input, names, &mut |r, i| {
        // null means "not given": the default stays.
        if i != 0 && r.null() {
            return;
        }
        match i {
            0 => a.code = code_source(r),
            1 => a.limits = resource_limits(r),
            2 => a.input_data = Some(r.raw_string()),
            3 => a.secrets = Some(byte_array(r, limits::MAX_SECRETS, ERR_SECRETS_CAP)),
            5 => a.payer = Some(account(r)),
            6 => a.sender_hint = Some(account(r)),
            _ => a.format = Format::from_name(r.raw_string().0).unwrap_or_else(|| r.fail(ERR_FORMAT)),
        }
    });
    require(seen, 0, "code_source");
    cap(b"input_data", a.input_data.map_or(0, |d| d.0.len()), limits::MAX_INPUT_DATA, ERR_INPUT_DATA_CAP);
    a
}

fn code_source<'a>(r: &mut Reader<'a>) -> CodeSource<'a> {
    let mut c = CodeSource { repo: Raw(b""), commit: Raw(b""), build_target: None };
    let seen = fields(r, &[b"repo", b"commit", b"build_target"], &mut |r, i| match i {
        0 => c.repo = r.raw_string(),
        1 => c.commit = r.raw_string(),
        _ => c.build_target = if r.null() { None } else { Some(r.raw_string()) },
    });
    require(seen, 0, "code_source.repo");
    require(seen, 1, "code_source.commit");
    if c.repo.0.is_empty() || c.commit.0.is_empty() {
        abort(b"code_source", ERR_EMPTY_CODE);
    }
    cap(b"code_source.repo", c.repo.0.len(), limits::MAX_REPO, ERR_REPO_CAP);
    cap(b"code_source.commit", c.commit.0.len(), limits::MAX_COMMIT, ERR_COMMIT_CAP);
    cap(
        b"code_source.build_target",
        c.build_target.map_or(0, |t| t.0.len()),
        limits::MAX_BUILD_TARGET,
        ERR_BUILD_TARGET_CAP,
    );
    c
}

/// Missing or null limits take their defaults; each must be within its cap.
pub fn resource_limits(r: &mut Reader) -> Limits {
    let mut l = Limits::DEFAULT;
    fields(r, &[b"max_instructions", b"max_memory_mb", b"max_execution_seconds"], &mut |r, i| {
        if r.null() {
            return;
        }
        let v = r.u64();
        let (slot, cap, msg) = match i {
            0 => (&mut l.max_instructions, Limits::CAP.max_instructions, ERR_INSTRUCTIONS_CAP),
            1 => (&mut l.max_memory_mb, Limits::CAP.max_memory_mb, ERR_MEMORY_CAP),
            _ => (&mut l.max_execution_seconds, Limits::CAP.max_execution_seconds, ERR_SECONDS_CAP),
        };
        if v > cap {
            r.fail(msg);
        }
        *slot = v;
    });
    l
}

/// `[1, 2, 3]`: each element a whole number 0..=255, at most `max` of them.
fn byte_array(r: &mut Reader, max: usize, over: &str) -> Bytes {
    let mut v = Bytes::new();
    r.array(&mut |r| {
        let b = r.u64();
        if b > 255 {
            r.fail(ERR_BYTE);
        }
        if v.len() == max {
            r.fail(over);
        }
        v.push(b as u8);
    });
    v
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

/// `{"Text": s}`, `{"Json": value}` or `{"Bytes": [..]}`, at most 32 KiB.
pub fn output<'a>(r: &mut Reader<'a>) -> Output<'a> {
    let mut out = Output::Json(b"null");
    let seen = fields(r, &[b"Text", b"Json", b"Bytes"], &mut |r, i| {
        out = match i {
            0 => Output::Text(r.raw_string()),
            1 => Output::Json(r.value()),
            _ => Output::Bytes(byte_array(r, limits::MAX_OUTPUT, ERR_OUTPUT_CAP)),
        }
    });
    if seen.count_ones() != 1 {
        r.fail(ERR_OUTPUT_KIND);
    }
    if out.body().len() > limits::MAX_OUTPUT {
        r.fail(ERR_OUTPUT_CAP);
    }
    out
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Usage {
    pub instructions: u64,
    pub time_ms: u64,
    pub memory_mb: Option<u64>,
}

impl Usage {
    pub const ZERO: Usage = Usage { instructions: 0, time_ms: 0, memory_mb: None };
}

pub struct Response<'a> {
    pub success: bool,
    pub output: Option<Output<'a>>,
    /// UTF-8 text, decoded.
    pub error: Option<Bytes>,
    pub usage: Usage,
}

// The response's fields live in separate locals until the end (here and in
// `submit_and_resolve`): zero-initialised as one struct, they became a
// `memset` call, which linked compiler_builtins' 375-byte memset.
pub fn resolve_execution(input: &[u8]) -> (u64, Response<'_>) {
    let mut id = 0;
    let (mut success, mut out, mut error, mut used) = (false, None, None, Usage::ZERO);
    let seen = parse(input, &[b"request_id", b"response"], &mut |r, i| {
        if i == 0 {
            id = r.u64();
            return;
        }
        let seen = fields(r, &[b"success", b"output", b"error", b"resources_used"], &mut |r, i| match i {
            0 => success = r.bool(),
            1 => out = if r.null() { None } else { Some(output(r)) },
            2 => error = if r.null() { None } else { Some(r.string()) },
            _ => used = usage(r),
        });
        require(seen, 0, "response.success");
        require(seen, 3, "response.resources_used");
    });
    require(seen, 0, "request_id");
    require(seen, 1, "response");
    (id, Response { success, output: out, error, usage: used })
}

fn usage(r: &mut Reader) -> Usage {
    let mut u = Usage::ZERO;
    let seen = fields(r, &[b"instructions", b"time_ms", b"memory_mb"], &mut |r, i| match i {
        0 => u.instructions = r.u64(),
        1 => u.time_ms = r.u64(),
        _ => u.memory_mb = if r.null() { None } else { Some(r.u64()) },
    });
    require(seen, 0, "resources_used.instructions");
    require(seen, 1, "resources_used.time_ms");
    u
}

pub fn submit_execution_output(input: &[u8]) -> (u64, Output<'_>) {
    let mut id = 0;
    let mut out = Output::Json(b"null");
    let seen = parse(input, &[b"request_id", b"output"], &mut |r, i| {
        if i == 0 {
            id = r.u64();
        } else {
            out = output(r);
        }
    });
    require(seen, 0, "request_id");
    require(seen, 1, "output");
    (id, out)
}

pub fn new(input: &[u8]) -> (Bytes, Option<Bytes>) {
    let mut owner = Bytes::new();
    let mut operator = None;
    let seen = parse(input, &[b"owner_id", b"operator_id"], &mut |r, i| {
        if i == 0 {
            owner = account(r);
        } else {
            operator = opt_account(r);
        }
    });
    require(seen, 0, "owner_id");
    (owner, operator)
}

/// `set_pricing`: any subset of the four fees.
pub fn set_pricing(input: &[u8], p: &mut crate::pricing::Pricing) {
    parse(input, &[b"base_fee", b"per_instruction_fee", b"per_mb_fee", b"per_second_fee"], &mut |r, i| {
        let fee = r.u128_string();
        match i {
            0 => p.base_fee = fee,
            1 => p.per_instruction_fee = fee,
            2 => p.per_mb_fee = fee,
            _ => p.per_second_fee = fee,
        }
    });
}

/// `estimate_execution_cost`: `{"resource_limits": ...}`, all optional; empty
/// input too.
pub fn estimate(input: &[u8]) -> Limits {
    let mut l = Limits::DEFAULT;
    parse_opt(input, &[b"resource_limits"], &mut |r, _| {
        if !r.null() {
            l = resource_limits(r);
        }
    });
    l
}

/// Empty input (near-cli's `'{}'` or nothing at all) counts as `{}`.
fn parse_opt<'a>(input: &'a [u8], names: &[&'static [u8]], field: Field<'a, '_>) {
    if !input.iter().all(u8::is_ascii_whitespace) {
        parse(input, names, field);
    }
}

/// `withdraw_fees {"amount"?, "receiver_id"?}`: (amount, receiver), each
/// `None` when missing or null.
pub fn withdraw_fees(input: &[u8]) -> (Option<u128>, Option<Bytes>) {
    let (mut amount, mut receiver) = (None, None);
    parse_opt(input, &[b"amount", b"receiver_id"], &mut |r, i| {
        if r.null() {
            return;
        }
        if i == 0 {
            amount = Some(r.u128_string());
        } else {
            receiver = Some(account(r));
        }
    });
    (amount, receiver)
}

/// `{"from_id"?, "limit"?}` (get_pending_requests) or `{"limit"?}`
/// (clear_all_pending_requests): each `None` when missing or null; a limit
/// must be 1 to `max`.
pub fn from_and_limit(input: &[u8], with_from: bool, max: u64, over: &str) -> (Option<u64>, Option<u64>) {
    let (mut from, mut limit) = (None, None);
    let names: &[&[u8]] = if with_from { &[b"limit", b"from_id"] } else { &[b"limit"] };
    parse_opt(input, names, &mut |r, i| {
        if r.null() {
            return;
        }
        let v = r.u64();
        if i == 1 {
            from = Some(v);
            return;
        }
        if v == 0 || v > max {
            r.fail(over);
        }
        limit = Some(v);
    });
    (from, limit)
}

/// `cancel_pending_requests {"request_ids": [..]}`: at most `max` ids.
pub fn request_ids(input: &[u8], max: usize, over: &str) -> Bytes {
    // The ids as 8-byte LE words: no Vec<u64> type in the wasm.
    let mut ids = Bytes::new();
    single(input, b"request_ids", &mut |r| {
        r.array(&mut |r| {
            let id = r.u64();
            if ids.len() == max * 8 {
                r.fail(over);
            }
            ids.extend_from_slice(&id.to_le_bytes());
        })
    });
    ids
}

/// `submit_execution_output_and_resolve {"request_id", "output", "success",
/// "error"?, "resources_used"}`: the output to store and the response to
/// resume with (its `output` is `None`: the callback uses the stored one).
pub fn submit_and_resolve(input: &[u8]) -> (u64, Output<'_>, Response<'_>) {
    let mut id = 0;
    let mut out = Output::Json(b"null");
    let (mut success, mut error, mut used) = (false, None, Usage::ZERO);
    let seen =
        parse(input, &[b"request_id", b"output", b"success", b"error", b"resources_used"], &mut |r, i| match i {
            0 => id = r.u64(),
            1 => out = output(r),
            2 => success = r.bool(),
            3 => error = if r.null() { None } else { Some(r.string()) },
            _ => used = usage(r),
        });
    require(seen, 0, "request_id");
    require(seen, 1, "output");
    require(seen, 2, "success");
    require(seen, 4, "resources_used");
    (id, out, Response { success, output: None, error, usage: used })
}
