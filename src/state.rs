//! What the contract stores, in hand-written borsh (see README.md, "State layout").
//!
//! Keys: `c` the config record, `k` the keystore public key, `r`+id (u64 LE) a
//! pending request, `o`+id its submitted output, and the operator's account id
//! itself (an empty value: the operator mark, see `OPERATOR_MARK`). The config
//! record leads with a version byte so a later migration can tell layouts apart.
//!
//! Both records put their fixed-size fields first. A request is read in place
//! at fixed offsets (its limits and variable fields decoded once); the config is copied
//! out of its record when loaded (the pricing decoded) and written back whole
//! when saved, which costs less wasm than reading and writing the stored
//! record in place at every use.
//!
//! Small helpers here are `#[inline(never)]`: inlined at each of their many call
//! sites they cost more wasm than the call (measured with build.sh). Encoders
//! and decoders with a caller or two are `#[inline(always)]`: inlined by LLVM,
//! rather than later by wasm-opt, what they return is built in place in the
//! caller with no copy (measured smaller).

use crate::borsh::{field, u128_field, u64_at as get_u64, u64_field, In, Out};
use crate::json::Raw;
use crate::limits::Limits;
use crate::pricing::Pricing;
use crate::Bytes;

pub const CONFIG_KEY: &[u8] = b"c";
pub const PUBKEY_KEY: &[u8] = b"k";
/// The layout version of the config record, which is also the contract's
/// storage version (`get_storage_version`). 1: the seed-era layout (no
/// treasury or pending-list fields); 2: the same record as 3, without the
/// operator mark; 3: the current one.
pub const CONFIG_VERSION: u8 = 3;
pub const CONFIG_V1: u8 = 1;
pub const CONFIG_V2: u8 = 2;

/// The value stored under the operator's account id. The mark lets the
/// operator's calls check their caller with one `storage_has_key` on the
/// predecessor register instead of reading the config (~20 Ggas less per
/// resolve). No other key is a valid account id: `c` and `k` are one byte
/// (ids have at least two), and request and output keys hold a u64 whose top
/// byte is zero until ids reach 2^56.
pub const OPERATOR_MARK: &[u8] = b"";

pub fn request_key(id: u64) -> [u8; 9] {
    prefixed(b'r', id)
}

#[inline(always)]
pub fn output_key(id: u64) -> [u8; 9] {
    prefixed(b'o', id)
}

#[inline(never)]
fn prefixed(prefix: u8, id: u64) -> [u8; 9] {
    let [a, b, c, d, e, f, g, h] = id.to_le_bytes();
    [prefix, a, b, c, d, e, f, g, h]
}

/// The four fees at byte `at` of a record's fixed part.
fn get_pricing<const M: usize>(fixed: &[u8; M], at: usize) -> Pricing {
    pricing_of(fixed.get(at..).and_then(<[u8]>::first_chunk).unwrap_or(&[0; 64]))
}

#[inline(never)]
fn pricing_of(p: &[u8; 64]) -> Pricing {
    Pricing {
        base_fee: u128_field(p, 0),
        per_instruction_fee: u128_field(p, 16),
        per_mb_fee: u128_field(p, 32),
        per_second_fee: u128_field(p, 48),
    }
}

#[inline(never)]
fn put_pricing<'o>(o: &'o mut Out, p: &Pricing) -> &'o mut Out {
    o.u128(p.base_fee).u128(p.per_instruction_fee).u128(p.per_mb_fee).u128(p.per_second_fee)
}

/// Adds to a stored amount in place, saturating: no total the contract keeps
/// can make a call fail. One copy of the u128 arithmetic for every total.
#[inline(never)]
fn add_to(total: &mut [u8; 16], v: u128) {
    *total = u128::from_le_bytes(*total).saturating_add(v).to_le_bytes();
}

/// The `N` bytes at a constant offset of a fixed part, to change in place:
/// inlined, a plain address (the array's length leaves no check to make).
/// (`None` never happens with the constant offsets here: it folds away.)
#[inline(always)]
fn slot<const N: usize, const M: usize>(fixed: &mut [u8; M], at: usize) -> Option<&mut [u8; N]> {
    fixed.get_mut(at..).and_then(<[u8]>::first_chunk_mut)
}

/// Stores `v` at a constant offset of a fixed part.
#[inline(always)]
fn put<const N: usize, const M: usize>(fixed: &mut [u8; M], at: usize, v: [u8; N]) {
    if let Some(dst) = slot(fixed, at) {
        *dst = v;
    }
}

/// The config record (version 3; version 2 is the same bytes): `version u8, paused bool, next_request_id
/// u64, total_executions u64, total_fees_collected u128, pricing 4 x u128,
/// pending_payments u128, total_withdrawn u128, pending_low u64, pending_count
/// u64` (146 bytes at fixed offsets), then `owner String, operator String,
/// keystore Option<String>`. Version 1 is the same without the four fields
/// after the pricing (98 fixed bytes).
///
/// Loaded, the fixed fields stay the stored bytes on either side of the
/// pricing (a copy each way, where field-by-field code was measured larger);
/// each accessor is a load at a constant offset, as a plain field's is. The
/// pricing is decoded: the setter and the estimates use it as a `Pricing`.
pub struct Config {
    /// Bytes 0..34: version (always the current one), paused, next_request_id,
    /// total_executions, total_fees_collected.
    head: [u8; PRICING],
    pricing: Pricing,
    /// Bytes 98..146: pending_payments, total_withdrawn, pending_low, pending_count.
    rest: [u8; CONFIG_FIXED - V1_FIXED],
    /// The accounts part, as stored.
    tail: Bytes,
}

// Offsets in `head` (the record's own).
const PAUSED: usize = 1;
const NEXT_ID: usize = 2;
const EXECUTIONS: usize = 10;
const FEES: usize = 18;
const PRICING: usize = 34;
const V1_FIXED: usize = 98;
// Offsets in `rest` (the record's, less `V1_FIXED`).
const PENDING_PAYMENTS: usize = 0;
const WITHDRAWN: usize = 16;
const PENDING_LOW: usize = 32;
const PENDING_COUNT: usize = 40;
const CONFIG_FIXED: usize = 146;

/// A fresh record's `head`: the current version, nothing else set.
const FRESH_HEAD: [u8; PRICING] = {
    let mut h = [0; PRICING];
    h[0] = CONFIG_VERSION;
    h
};

/// What the config knows of the pending requests: the sum of their payments
/// (what the contract owes until they end), how many there are, and `low`, an
/// id no pending request is below (the pending list starts its walk there).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Pending {
    pub payments: u128,
    pub low: u64,
    pub count: u64,
}

/// The accounts a config names.
pub struct Accounts<'a> {
    pub owner: &'a [u8],
    pub operator: &'a [u8],
    pub keystore: Option<&'a [u8]>,
}

impl<'a> Accounts<'a> {
    /// The accounts part of a config record (`owner String, operator String,
    /// keystore Option<String>`), already checked by `Config::parse`. Inlined
    /// in its three callers, so the accounts are read into the caller's
    /// value with no copy (measured smaller).
    #[inline(always)]
    pub fn decode(tail: &'a [u8]) -> Accounts<'a> {
        let mut a = Accounts { owner: &[], operator: &[], keystore: None };
        a.read(&mut In::new(tail));
        a
    }

    /// Reads the accounts into place, as `Request::decode` does its fields;
    /// `Config::decode` checks the record with it too.
    #[inline(never)]
    fn read(&mut self, i: &mut In<'a>) {
        i.bytes_into(&mut self.owner);
        i.bytes_into(&mut self.operator);
        i.opt_bytes_into(&mut self.keystore);
    }
}

impl Config {
    /// A fresh config: not paused, default pricing, no requests yet.
    #[inline(always)]
    pub fn new(owner: &[u8], operator: &[u8]) -> Config {
        let mut c = Config {
            head: FRESH_HEAD,
            pricing: Pricing::DEFAULT,
            rest: [0; CONFIG_FIXED - V1_FIXED],
            tail: Bytes::new(),
        };
        c.set_accounts(&Accounts { owner, operator, keystore: None });
        c
    }

    /// `None` unless the bytes are a well-formed record of this version.
    #[inline(always)]
    pub fn parse(b: Bytes) -> Option<Config> {
        Config::decode(&b)
    }

    fn decode(b: &[u8]) -> Option<Config> {
        let (f, tail) = b.split_first_chunk::<CONFIG_FIXED>()?;
        let mut i = In::new(tail);
        Accounts { owner: &[], operator: &[], keystore: None }.read(&mut i);
        let (head, _) = f.split_first_chunk::<PRICING>()?;
        let [v, paused] = *head.first_chunk()?;
        if !(i.finish() && v == CONFIG_VERSION && paused <= 1) {
            return None;
        }
        Some(Config {
            head: *head,
            pricing: get_pricing(f, PRICING),
            rest: field(f, V1_FIXED),
            tail: Bytes::from(tail),
        })
    }

    /// The record as stored.
    #[inline(always)]
    pub fn encode(&self) -> Bytes {
        // The accounts part fits 256 bytes (see `set_accounts`).
        let mut o = Out::with_capacity(CONFIG_FIXED + 256);
        o.raw(&self.head);
        put_pricing(&mut o, &self.pricing).raw(&self.rest).raw(&self.tail);
        o.0
    }

    /// A version-1 record brought to the current layout, nothing pending yet
    /// (`low` at the next id; `migrate` then counts the pending requests in
    /// with `count_down`); `None` unless `b` is a well-formed version-1 record.
    /// The fields version 1 lacks are put in place and the result read as a
    /// current record, which checks the rest.
    pub fn from_v1(b: &[u8]) -> Option<Config> {
        let (fixed, tail) = b.split_at_checked(V1_FIXED)?;
        let (&CONFIG_V1, fixed) = fixed.split_first()? else {
            return None;
        };
        let mut o = Out::with_capacity(b.len() + CONFIG_FIXED - V1_FIXED);
        // pending_payments and total_withdrawn (the bytes before `low`): 0.
        o.u8(CONFIG_VERSION).raw(fixed).raw(&[0; PENDING_LOW]);
        o.u64(Config::v1_next_request_id(b)).u64(0).raw(tail);
        Config::decode(&o.0)
    }

    pub fn accounts(&self) -> Accounts<'_> {
        Accounts::decode(&self.tail)
    }

    /// The accounts part, moved out (no copy) to read the old accounts from
    /// (`Accounts::decode`) while `set_accounts` replaces them; until then the
    /// config has no accounts.
    pub fn take_accounts(&mut self) -> Bytes {
        core::mem::take(&mut self.tail)
    }

    /// Rewrites the accounts part, keeping the fixed fields.
    #[inline(always)]
    pub fn set_accounts(&mut self, a: &Accounts) {
        // Room for three account ids of at most 64 bytes and their 13 bytes
        // of framing: a constant, no sum to compute (a longer part would grow).
        let mut o = Out::with_capacity(256);
        o.bytes(a.owner);
        o.bytes(a.operator);
        o.opt_bytes(a.keystore);
        self.tail = o.0;
    }

    pub fn paused(&self) -> bool {
        // 0 or 1: `decode` refuses any other byte.
        self.head[PAUSED] != 0
    }

    pub fn set_paused(&mut self, paused: bool) {
        self.head[PAUSED] = paused as u8;
    }

    pub fn next_request_id(&self) -> u64 {
        u64_field(&self.head, NEXT_ID)
    }

    pub fn set_next_request_id(&mut self, id: u64) {
        put(&mut self.head, NEXT_ID, id.to_le_bytes());
    }

    pub fn pricing(&self) -> &Pricing {
        &self.pricing
    }

    /// The prices, changed in place by `set_pricing` (a refusal aborts the
    /// call, so a half-changed config is never saved).
    pub fn pricing_mut(&mut self) -> &mut Pricing {
        &mut self.pricing
    }

    /// (total executions, total fees collected).
    pub fn stats(&self) -> (u64, u128) {
        (u64_field(&self.head, EXECUTIONS), u128_field(&self.head, FEES))
    }

    /// Books one more execution and its fee; the fees saturate, so statistics
    /// can never make a callback fail.
    #[inline(always)]
    pub fn add_execution(&mut self, fee: u128) {
        // One per ended request, each with its own id below `next_request_id`:
        // the count cannot wrap.
        let executions = u64_field(&self.head, EXECUTIONS) + 1;
        put(&mut self.head, EXECUTIONS, executions.to_le_bytes());
        if let Some(fees) = slot(&mut self.head, FEES) {
            add_to(fees, fee);
        }
    }

    pub fn pending(&self) -> Pending {
        Pending { payments: u128_field(&self.rest, PENDING_PAYMENTS), low: self.low(), count: self.count() }
    }

    fn low(&self) -> u64 {
        u64_field(&self.rest, PENDING_LOW)
    }

    fn set_low(&mut self, low: u64) {
        put(&mut self.rest, PENDING_LOW, low.to_le_bytes());
    }

    fn count(&self) -> u64 {
        u64_field(&self.rest, PENDING_COUNT)
    }

    fn set_count(&mut self, count: u64) {
        put(&mut self.rest, PENDING_COUNT, count.to_le_bytes());
    }

    /// A new pending request and its payment.
    pub fn add_pending(&mut self, payment: u128) {
        if let Some(payments) = slot(&mut self.rest, PENDING_PAYMENTS) {
            add_to(payments, payment);
        }
        // Never above the requests pending, each with its own id below
        // `next_request_id`: this cannot wrap.
        self.set_count(self.count() + 1);
    }

    /// Request `id`, which held `payment`, has ended. `low` moves past it when
    /// it was the lowest, and to the next id when nothing is pending any more:
    /// O(1), no storage probes. Saturating: a callback can never fail on it.
    pub fn end_pending(&mut self, id: u64, payment: u128) {
        let payments = u128_field(&self.rest, PENDING_PAYMENTS).saturating_sub(payment);
        put(&mut self.rest, PENDING_PAYMENTS, payments.to_le_bytes());
        let count = self.count().saturating_sub(1);
        self.set_count(count);
        if count == 0 {
            self.set_low(self.next_request_id());
        } else if id == self.low() {
            // A request's id is below `next_request_id` (a call that would
            // take u64::MAX is refused), so this cannot wrap.
            self.set_low(id + 1);
        }
    }

    /// Counts in a pending request found while scanning ids downwards
    /// (`migrate`): `low` ends at the lowest found.
    pub fn count_down(&mut self, id: u64, payment: u128) {
        self.add_pending(payment);
        self.set_low(id);
    }

    /// Takes the next request id: false once ids are exhausted.
    pub fn advance_request_id(&mut self) -> bool {
        match self.next_request_id().checked_add(1) {
            Some(next) => {
                self.set_next_request_id(next);
                true
            }
            None => false,
        }
    }

    /// The ids `clear_all_pending_requests` examines, `start..stop`: from `low`,
    /// at most `MAX_CLEAR_PROBES` of them, so a call always fits its gas and
    /// commits its progress.
    pub fn clear_window(&self) -> (u64, u64) {
        let start = self.low();
        (start, self.next_request_id().min(start.saturating_add(crate::limits::MAX_CLEAR_PROBES)))
    }

    /// Where a walk of the pending requests from `from` starts: no pending
    /// request is below `low`.
    pub fn page_start(&self, from: Option<u64>) -> u64 {
        from.unwrap_or(0).max(self.low())
    }

    /// A version-1 record's next request id (the same offset as today's).
    pub fn v1_next_request_id(raw: &[u8]) -> u64 {
        get_u64(raw, NEXT_ID)
    }

    /// Moves `low` up to `id` (every id below it is known not to be pending).
    pub fn raise_low(&mut self, id: u64) {
        if id > self.low() {
            self.set_low(id.min(self.next_request_id()));
        }
    }

    pub fn total_withdrawn(&self) -> u128 {
        u128_field(&self.rest, WITHDRAWN)
    }

    pub fn add_withdrawn(&mut self, amount: u128) {
        if let Some(withdrawn) = slot(&mut self.rest, WITHDRAWN) {
            add_to(withdrawn, amount);
        }
    }
}

pub use crate::types::{CodeSource, Format};

/// What a request record is made from. Strings stay in their JSON-escaped form
/// (`Raw`): they are only ever written back out as JSON.
pub struct NewRequest<'a> {
    pub id: u64,
    pub payment: u128,
    pub timestamp: u64,
    /// Prices in force when the request was made: what it will be charged at.
    pub pricing: &'a Pricing,
    pub limits: &'a Limits,
    pub format: Format,
    pub sender: &'a [u8],
    pub code: CodeSource<'a>,
    pub input_data: Option<Raw<'a>>,
    pub secrets: Option<&'a [u8]>,
    /// Who gets every refund of the request, when not the sender.
    pub payer: Option<&'a [u8]>,
}

/// Byte offsets in the request record. The flags byte and `data_id` are fixed
/// so they can be set without decoding the record.
///
/// The flags byte (`has_output` in the seed-era layout, 0 or 1) carries the
/// record's layout version in its high nibble: bit 0 is `has_output`; layout 0
/// (nibble 0) is the seed-era record, byte for byte; layout 1 (nibble 1)
/// appends `payer String`. A request without a payer is still written in
/// layout 0, so records made before and after this change decode alike and
/// need no migration.
pub const HAS_OUTPUT_OFFSET: usize = 8;
const FLAG_OUTPUT: u8 = 1;
const LAYOUT_PAYER: u8 = 0x10;
const PAYMENT: usize = 9;
const TIMESTAMP: usize = 25;
const DATA_ID_OFFSET: usize = 33;
const REQ_PRICING: usize = 65;
const LIMITS: usize = 129;
const FORMAT: usize = 153;
const REQUEST_FIXED: usize = 154;

impl NewRequest<'_> {
    /// The record: `id u64, has_output bool, payment u128, timestamp u64,
    /// data_id [u8; 32], pricing 4 x u128, limits 3 x u64, format u8` (154 bytes
    /// at fixed offsets), then `sender String, repo String, commit String,
    /// build_target Option<String>, input_data Option<String>,
    /// encrypted_secrets Option<Vec<u8>>` (layout 1: then `payer String`). The
    /// data id starts zeroed: the yield that provides it is only created once
    /// the record's size is known.
    #[inline(always)]
    pub fn encode(&self) -> Bytes {
        let mut o = Out::with_capacity(REQUEST_FIXED + 256);
        o.u64(self.id);
        o.u8(if self.payer.is_some() { LAYOUT_PAYER } else { 0 });
        o.u128(self.payment);
        o.u64(self.timestamp);
        o.raw(&[0; 32]);
        put_pricing(&mut o, self.pricing);
        o.u64(self.limits.max_instructions);
        o.u64(self.limits.max_memory_mb);
        o.u64(self.limits.max_execution_seconds);
        o.u8(self.format as u8);
        o.bytes(self.sender);
        o.bytes(self.code.repo.0);
        o.bytes(self.code.commit.0);
        o.opt_bytes(self.code.build_target.map(|r| r.0));
        o.opt_bytes(self.input_data.map(|r| r.0));
        o.opt_bytes(self.secrets);
        if let Some(p) = self.payer {
            o.bytes(p);
        }
        o.0
    }
}

/// The record's data-id slot, so the yield's data id is read straight into
/// place (no stack copy). None only for a record shorter than its fixed part.
pub fn data_id_mut(rec: &mut [u8]) -> Option<&mut [u8; 32]> {
    rec.get_mut(DATA_ID_OFFSET..).and_then(<[u8]>::first_chunk_mut)
}

/// The data id of the request's yield, read from its record (any layout).
pub fn data_id(rec: &[u8]) -> &[u8] {
    rec.get(DATA_ID_OFFSET..DATA_ID_OFFSET + 32).unwrap_or(&[])
}

/// Marks a stored record as having a submitted output (any layout).
pub fn set_has_output(rec: &mut [u8]) {
    if let Some(flags) = rec.get_mut(HAS_OUTPUT_OFFSET) {
        *flags |= FLAG_OUTPUT;
    }
}

/// A stored request, read in place: its fixed part through accessors at their
/// offsets (plain loads), the limits, which most users read, and the variable
/// fields decoded once.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Request<'a> {
    /// The fixed part: every read of it is a load at a known offset.
    rec: &'a [u8; REQUEST_FIXED],
    limits: Limits,
    pub format: Format,
    pub sender: &'a [u8],
    pub code: CodeSource<'a>,
    pub input_data: Option<Raw<'a>>,
    pub secrets: Option<&'a [u8]>,
    pub payer: Option<&'a [u8]>,
}

impl<'a> Request<'a> {
    /// `None` unless `b` is a well-formed request record of a known layout.
    pub fn decode(b: &'a [u8]) -> Option<Request<'a>> {
        let (b, rest) = b.split_first_chunk::<REQUEST_FIXED>()?;
        let flags = u8::from_le_bytes(field(b, HAS_OUTPUT_OFFSET));
        let known = flags & !(FLAG_OUTPUT | LAYOUT_PAYER) == 0;
        let format = Format::from_u8(u8::from_le_bytes(field(b, FORMAT))).filter(|_| known)?;
        let mut i = In::new(rest);
        // Each field is read straight into its place: a slice returned by a
        // call goes through the stack, and then would be copied here.
        let mut r = Request {
            rec: b,
            limits: Limits {
                max_instructions: u64_field(b, LIMITS),
                max_memory_mb: u64_field(b, LIMITS + 8),
                max_execution_seconds: u64_field(b, LIMITS + 16),
            },
            format,
            sender: &[],
            code: CodeSource { repo: Raw(&[]), commit: Raw(&[]), build_target: None },
            input_data: None,
            secrets: None,
            payer: None,
        };
        i.bytes_into(&mut r.sender);
        i.bytes_into(&mut r.code.repo.0);
        i.bytes_into(&mut r.code.commit.0);
        opt_raw_into(&mut i, &mut r.code.build_target);
        opt_raw_into(&mut i, &mut r.input_data);
        i.opt_bytes_into(&mut r.secrets);
        if flags & LAYOUT_PAYER != 0 {
            i.bytes_into(r.payer.insert(&[]));
        }
        i.finish().then_some(r)
    }

    /// Where every refund of this request goes: the payer, else the sender.
    #[inline(always)]
    pub fn refund_to(&self) -> &'a [u8] {
        self.payer.unwrap_or(self.sender)
    }

    pub fn id(&self) -> u64 {
        u64_field(self.rec, 0)
    }

    pub fn has_output(&self) -> bool {
        self.rec.get(HAS_OUTPUT_OFFSET).is_some_and(|f| f & FLAG_OUTPUT != 0)
    }

    pub fn payment(&self) -> u128 {
        u128_field(self.rec, PAYMENT)
    }

    pub fn timestamp(&self) -> u64 {
        u64_field(self.rec, TIMESTAMP)
    }

    pub fn data_id(&self) -> &'a [u8] {
        data_id(&self.rec[..])
    }

    pub fn pricing(&self) -> Pricing {
        get_pricing(self.rec, REQ_PRICING)
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }
}

/// `In::opt_bytes_into` for a JSON-escaped string. It compiles to the same
/// code, which wasm-opt then keeps one copy of.
#[inline(never)]
fn opt_raw_into<'a>(i: &mut In<'a>, dst: &mut Option<Raw<'a>>) {
    *dst = None;
    if i.flag() {
        i.bytes_into(&mut dst.insert(Raw(&[])).0);
    }
}

/// A submitted output: its kind, then the bytes (`Text`: the JSON string body as
/// sent; `Json`: the JSON value; `Bytes`: the raw bytes).
#[inline(always)]
pub fn encode_output(kind: Format, body: &[u8]) -> Bytes {
    let mut o = Out::with_capacity(body.len() + 1);
    o.u8(kind as u8).raw(body);
    o.0
}

pub fn decode_output(b: &[u8]) -> Option<(Format, &[u8])> {
    let (&kind, body) = b.split_first()?;
    Some((Format::from_u8(kind)?, body))
}
