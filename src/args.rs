//! The JSON arguments of every entry point, parsed into plain values. Unknown
//! fields are skipped (as near-sdk's serde does, so existing callers that send
//! extra fields keep working); duplicate known fields, missing required ones and
//! values over their caps are refused.
//!
//! Each entry point declares its fields in a static table (`Spec`: name, kind,
//! cap, required or nullable); one walker reads and checks every value and
//! puts it in its slot (`Got`, by the field's store id), from which the entry
//! point takes its results. The refusal texts come from the same table (and
//! `error.rs`).
//!
//! The walker is not generic over the entry points on purpose: one copy of it
//! in the wasm instead of one per entry point.

use crate::names;
use crate::Bytes;

use crate::error::*;
use crate::json::{Raw, Reader};
use crate::limits::{self, Limits};
use crate::pricing::Pricing;
use crate::state::NewRequest;
use crate::types::{CodeSource, Format};
pub use crate::types::{Output, Response, Usage};

/// What a field holds (`Spec::kind`): the walker reads and checks it. In this
/// order, kinds read alike are neighbours (the order of the least wasm,
/// measured). Numbers, not an enum: a kind shares its byte with the flags.
mod kind {
    /// A string kept JSON-escaped, as sent.
    pub const RAW: u8 = 0;
    /// `"Bytes"`, `"Text"` or `"Json"`.
    pub const FORMAT: u8 = 1;
    /// A string decoded to UTF-8.
    pub const TEXT: u8 = 2;
    pub const ACCOUNT: u8 = 3;
    /// A keystore public key (`encoding::parse_pubkey`), as 64 lowercase hex.
    pub const PUBKEY: u8 = 4;
    /// `[1, 2, 3]`, each 0..=255.
    pub const BYTES: u8 = 5;
    /// `[id, ...]`: at most its cap of u64s (as 8-byte LE words), else
    /// refused with `ERR_BULK_IDS_CAP`.
    pub const IDS: u8 = 6;
    /// Any JSON value, kept as sent.
    pub const JSON: u8 = 7;
    /// Also a page or batch size (its cap `C_PAGE` or `C_BULK`, and
    /// `NONEMPTY`): 1 to its cap, else refused with `ERR_PAGE_LIMIT` or
    /// `ERR_BULK_LIMIT`.
    pub const U64: u8 = 8;
    pub const BOOL: u8 = 9;
    /// A u128 as a decimal string.
    pub const AMOUNT: u8 = 10;
    /// An object: `Spec::cap` names its table (`O_...`).
    pub const OBJECT: u8 = 11;
    /// An object with exactly one of its fields (an output), like `OBJECT`.
    pub const ONE_OF: u8 = 12;
}

// A field's flags share a byte with its kind (the low four bits).
const REQUIRED: u8 = 16;
/// null counts as absent: the default stays.
const NULLABLE: u8 = 32;
/// 0 (an empty string, a limit of 0) is refused too; a limit always has it.
const NONEMPTY: u8 = 64;

/// One field of an argument table: 4 bytes, its name a position and a length
/// in `names::ALL` rather than a slice (8 bytes of pointer and length), and
/// four small numbers two to a byte (6 bytes unpacked: 94 more of data).
#[derive(Clone, Copy)]
struct Spec {
    /// The name's position in `names::ALL` (the low ten bits) and its length.
    name: u16,
    /// Its kind (the low four bits) and its flags.
    kind_flags: u8,
    /// Its slot in `Got` (the low four bits), and its cap (`C_...`,
    /// `NO_CAP`); an object's field count and first field instead (`O_...`).
    id_cap: u8,
}

/// A table entry for the field named `$name` (a slice of `names::ALL`: its
/// position is found at compile time), stored in slot `$id`.
macro_rules! spec {
    ($name:expr, $kind:expr, $id:expr, $flags:expr, $cap:expr) => {
        Spec {
            name: const {
                let at = crate::offset_in!(names::ALL, $name);
                assert!(at < 1 << 10 && $name.len() < 1 << 6 && ($id as usize) < SLOTS && $cap < 16);
                // A limit (`C_PAGE`, `C_BULK`) of 0 is refused as an empty
                // value is (an id list's count is checked by `number_array`).
                assert!($kind != kind::U64 || $cap < C_PAGE || $flags & NONEMPTY != 0);
                // `read`'s one range check takes 1..=cap for a `NONEMPTY`
                // value: with `NO_CAP` it would refuse u64::MAX.
                assert!($flags & NONEMPTY == 0 || $cap != NO_CAP);
                (at | $name.len() << 10) as u16
            },
            kind_flags: $kind | $flags,
            id_cap: $id | $cap << 4,
        }
    };
}

impl Spec {
    // Out of line: inlined, its bounds check is repeated at every use.
    #[inline(never)]
    fn name(&self) -> &'static [u8] {
        let at = (self.name & 1023) as usize;
        names::ALL.get(at..at + (self.name >> 10) as usize).unwrap_or(b"")
    }

    fn id(&self) -> usize {
        (self.id_cap & 15) as usize
    }

    fn kind(&self) -> u8 {
        self.kind_flags & 15
    }

    fn cap(&self) -> u8 {
        self.id_cap >> 4
    }
}

// `Spec::cap` of a value: 0 for none, else one more than its cap's index in
// `CAPS`; lengths (of a string as sent, JSON-escaped, or of an array) before
// numbers.
const NO_CAP: u8 = 0;
const C_REPO: u8 = 1;
const C_COMMIT: u8 = 2;
const C_BUILD_TARGET: u8 = 3;
const C_INPUT_DATA: u8 = 4;
const C_SECRETS: u8 = 5;
const C_OUTPUT: u8 = 6;
const C_INSTRUCTIONS: u8 = 7;
const C_MEMORY_MB: u8 = 8;
const C_SECONDS: u8 = 9;
/// The page and batch sizes: refused with texts of their own, not `over`'s.
const C_PAGE: u8 = 10;
const C_BULK: u8 = 11;
const FIRST_NUMBER_CAP: u8 = C_INSTRUCTIONS;

/// The caps but `NO_CAP`'s, each as `m << e` in a u16 (`e` the top five bits):
/// 2 bytes each instead of 8. The instructions cap (10^11) does not fit: `cap`
/// has it as a constant.
static CAPS: [u16; 11] = [
    packed_cap(limits::MAX_REPO as u64),
    packed_cap(limits::MAX_COMMIT as u64),
    packed_cap(limits::MAX_BUILD_TARGET as u64),
    packed_cap(limits::MAX_INPUT_DATA as u64),
    packed_cap(limits::MAX_SECRETS as u64),
    packed_cap(limits::MAX_OUTPUT as u64),
    0,
    packed_cap(Limits::CAP.max_memory_mb),
    packed_cap(Limits::CAP.max_execution_seconds),
    packed_cap(limits::MAX_PENDING_PAGE),
    packed_cap(limits::MAX_BULK_CANCEL as u64),
];

/// `cap` as `m | e << 11` with `cap == m << e`; the build fails if `m` needs
/// more than 11 bits.
const fn packed_cap(cap: u64) -> u16 {
    let e = cap.trailing_zeros();
    let m = cap >> e;
    assert!(m < 1 << 11 && e < 32);
    (m as u16) | (e as u16) << 11
}

// An object's fields: their first's index in `OBJECT_FIELDS` and how many.
const O_CODE_SOURCE: (u8, u8) = (0, 3);
const O_RESOURCE_LIMITS: (u8, u8) = (3, 3);
const O_OUTPUT: (u8, u8) = (6, 3);
const O_USAGE: (u8, u8) = (9, 3);
const O_RESPONSE: (u8, u8) = (12, 4);

/// A table entry for an object (`kind::OBJECT`, `kind::ONE_OF`): it has no
/// slot of its own, so its `Spec::id` is its field count and its `Spec::cap`
/// the first one's index in `OBJECT_FIELDS` (no table of the objects' tables).
macro_rules! object {
    ($name:expr, $kind:expr, $flags:expr, $fields:expr) => {
        spec!($name, $kind, $fields.1, $flags, $fields.0)
    };
}

/// The objects' fields, each object's after the one before (`O_...` say
/// where each starts and how many it has).
static OBJECT_FIELDS: [Spec; 16] = [
    // O_CODE_SOURCE: `code_source`.
    spec!(names::REPO, kind::RAW, 0, REQUIRED | NONEMPTY, C_REPO),
    spec!(names::COMMIT, kind::RAW, 1, REQUIRED | NONEMPTY, C_COMMIT),
    spec!(names::BUILD_TARGET, kind::RAW, 2, NULLABLE, C_BUILD_TARGET),
    // O_RESOURCE_LIMITS: missing or null limits take their defaults.
    spec!(names::MAX_INSTRUCTIONS, kind::U64, 3, NULLABLE, C_INSTRUCTIONS),
    spec!(names::MAX_MEMORY_MB, kind::U64, 4, NULLABLE, C_MEMORY_MB),
    spec!(names::MAX_EXECUTION_SECONDS, kind::U64, 5, NULLABLE, C_SECONDS),
    // O_OUTPUT: `{"Text": s}`, `{"Json": value}` or `{"Bytes": [..]}`, at
    // most 32 KiB; the store ids are 3, 4, 5. In `Format`'s order: a
    // `response_format` is looked up here by name (`OUTPUT`).
    spec!(names::BYTES, kind::BYTES, 5, 0, C_OUTPUT),
    spec!(names::TEXT, kind::RAW, 3, 0, C_OUTPUT),
    spec!(names::JSON, kind::JSON, 4, 0, C_OUTPUT),
    // O_USAGE: `resources_used`, store ids 6, 7, 8.
    spec!(names::INSTRUCTIONS, kind::U64, 6, REQUIRED, NO_CAP),
    spec!(names::TIME_MS, kind::U64, 7, REQUIRED, NO_CAP),
    spec!(names::MEMORY_MB, kind::U64, 8, NULLABLE, NO_CAP),
    // O_RESPONSE: `response`.
    spec!(names::SUCCESS, kind::BOOL, 1, REQUIRED, NO_CAP),
    object!(names::OUTPUT, kind::ONE_OF, NULLABLE, O_OUTPUT),
    spec!(names::ERROR, kind::TEXT, 2, NULLABLE, NO_CAP),
    object!(names::RESOURCES_USED, kind::OBJECT, REQUIRED, O_USAGE),
];

/// The output's fields (`O_OUTPUT`).
static OUTPUT: &[Spec] = OBJECT_FIELDS.split_at(O_OUTPUT.0 as usize).1.split_at(O_OUTPUT.1 as usize).0;

// The last object's fields end the table.
const _: () = assert!((O_RESPONSE.0 + O_RESPONSE.1) as usize == OBJECT_FIELDS.len());

/// Every value the walker read, by its store id (`Spec::id`): the entry
/// points take their results from here instead of each matching ids in a
/// callback of its own.
struct Got<'a> {
    /// Bit `id`: the value was given (present and not null).
    given: u32,
    slots: [Slot<'a>; SLOTS],
}

/// One value: its number (u64, bool, format, amount), its slice (a raw string,
/// a JSON value) or its bytes (decoded text, an account id, a byte array).
///
/// All zeros when empty (`None`, not an empty slice or an empty `Bytes`, whose
/// pointer is dangling, not null): the slots then start as one `memory.fill`,
/// not a copy for each.
struct Slot<'a> {
    num: u64,
    /// An amount's high half: a u128 field would make every slot 16-byte
    /// aligned, and bigger.
    high: u64,
    raw: Option<&'a [u8]>,
    owned: Option<Bytes>,
}

impl Slot<'_> {
    const EMPTY: Self = Slot { num: 0, high: 0, raw: None, owned: None };
}

/// Store ids run from 0 to `SLOTS - 1`.
const SLOTS: usize = 11;

impl<'a> Got<'a> {
    /// A constant, not built by a function: an all-zero constant is one
    /// `memory.fill`, where the array built at run time was a loop of them
    /// and a copy.
    const NEW: Got<'static> = Got { given: 0, slots: [Slot::EMPTY; SLOTS] };

    #[inline(never)]
    fn given(&self, id: usize) -> bool {
        self.given & 1 << id != 0
    }

    // Inlined, like `num` and `raw`: with the id a constant each is a load
    // or two at a fixed offset, less than the call (measured).
    #[inline]
    fn amount(&self, id: usize) -> u128 {
        self.slots.get(id).map_or(0, |s| (s.high as u128) << 64 | s.num as u128)
    }

    /// Sets `to` to the amount when given. Its own read of the slot, not
    /// `amount`: that one's zero for an id out of range cost 9 bytes more.
    #[inline(never)]
    fn amount_into(&self, id: usize, to: &mut u128) {
        match self.slots.get(id) {
            Some(s) if self.given(id) => *to = (s.high as u128) << 64 | s.num as u128,
            _ => {}
        }
    }

    #[inline]
    fn num(&self, id: usize) -> u64 {
        self.slots.get(id).map_or(0, |s| s.num)
    }

    /// The number, or `default` when not given.
    #[inline(never)]
    fn num_or(&self, id: usize, default: u64) -> u64 {
        if self.given(id) {
            self.num(id)
        } else {
            default
        }
    }

    #[inline]
    fn raw(&self, id: usize) -> Raw<'a> {
        Raw(self.slots.get(id).and_then(|s| s.raw).unwrap_or_default())
    }

    /// A slice slot is `Some` exactly when given.
    fn opt_raw(&self, id: usize) -> Option<Raw<'a>> {
        self.slots.get(id).and_then(|s| s.raw).map(Raw)
    }

    // Not through `opt_take`: its `Option` came back through memory to be
    // checked again (-19 bytes).
    #[inline(never)]
    fn take(&mut self, id: usize) -> Bytes {
        self.slots.get_mut(id).and_then(|s| s.owned.take()).unwrap_or_default()
    }

    /// A bytes slot is `Some` exactly when given.
    #[inline(never)]
    fn opt_take(&mut self, id: usize) -> Option<Bytes> {
        self.slots.get_mut(id).and_then(|s| s.owned.take())
    }
}

/// Parses a whole input as one object of `specs`; only whitespace may follow.
/// Out of line, but the `pub fn` readers that call it (one or two callers) are
/// always inlined: LLVM then builds their results in place in the contract
/// method, where wasm-opt's later inlining still copied them (-348 bytes).
#[inline(never)]
fn parse<'a>(input: &'a [u8], specs: &[Spec]) -> Got<'a> {
    let mut got = Got::NEW;
    let mut r = Reader::new(input);
    walk(&mut r, b"", specs, &mut got);
    r.end();
    got
}

/// Empty input (near-cli's `'{}'` or nothing at all) counts as `{}`.
fn parse_opt<'a>(input: &'a [u8], specs: &[Spec]) -> Got<'a> {
    parse(if input.iter().all(u8::is_ascii_whitespace) { b"{}" } else { input }, specs)
}

/// Walks an object, reading each key found in `specs` (each at most once) and
/// skipping others; then refuses a missing required one. Returns a bit mask of
/// the keys seen. `parent` names the object in refusals about its fields.
fn walk<'a>(r: &mut Reader<'a>, parent: &[u8], specs: &[Spec], got: &mut Got<'a>) -> u32 {
    let mut seen = 0u32;
    let outer = r.field;
    let (mut open, mut decoded) = (false, Bytes::new());
    while let Some(key) = r.next_member(&mut open, &mut decoded) {
        let i = find(specs, key);
        match specs.get(i) {
            Some(s) => {
                r.field = s.name();
                let bit = 1 << i;
                if seen & bit != 0 {
                    r.refuse(ERR_DUPLICATE);
                }
                seen |= bit;
                read(r, parent, s, got);
                r.field = outer;
            }
            None => {
                r.value();
            }
        }
    }
    let mut bit = 1;
    for s in specs {
        if s.kind_flags & REQUIRED != 0 && seen & bit == 0 {
            refuse_in(parent, s.name(), ERR_MISSING);
        }
        bit <<= 1;
    }
    seen
}

/// The index of the spec named `key`, or `specs.len()` when none is. Out of
/// line: a format's name is looked up in `OUTPUT` with it too. A counted loop,
/// not `position`: its `Option` cost 12 bytes more.
#[inline(never)]
fn find(specs: &[Spec], key: &[u8]) -> usize {
    let mut i = 0;
    while let Some(s) = specs.get(i) {
        if *s.name() == *key {
            break;
        }
        i += 1;
    }
    i
}

/// Reads one value of `s`, checks it and puts it in its slot. Out of line: the
/// walker's loop then keeps a small frame.
#[inline(never)]
fn read<'a>(r: &mut Reader<'a>, parent: &[u8], s: &Spec, got: &mut Got<'a>) {
    if s.kind_flags & NULLABLE != 0 && r.null() {
        return;
    }
    if let kind::OBJECT | kind::ONE_OF = s.kind() {
        let at = s.cap() as usize;
        let sub = OBJECT_FIELDS.get(at..at + s.id()).unwrap_or(&[]);
        let name = r.field;
        if walk(r, name, sub, got).count_ones() != 1 && s.kind() == kind::ONE_OF {
            r.refuse(ERR_OUTPUT_KIND);
        }
        return;
    }
    // Marked given before it is read (a refusal ends the call anyway), and
    // read straight into its slot, still empty (each is read at most once): a
    // value built aside and copied in cost 12 bytes more. Every id is below
    // `SLOTS` (checked by `spec!`).
    got.given |= 1 << s.id();
    let Some(v) = got.slots.get_mut(s.id()) else { return };
    let max = cap(s);
    // What the cap is on: a number, or a slice's length (0 for the rest).
    let mut size = 0;
    match s.kind() {
        // A limit's own check is with the caps', below.
        kind::U64 => {
            v.num = r.u64();
            size = v.num;
        }
        kind::BOOL => v.num = r.bool() as u64,
        // One slot store for a string and a value kept as sent (-4 bytes).
        kind::RAW | kind::FORMAT | kind::JSON => {
            let raw = if s.kind() == kind::JSON { r.value() } else { r.raw_string().0 };
            if s.kind() != kind::FORMAT {
                v.raw = Some(raw);
                size = raw.len() as u64;
            } else {
                // `OUTPUT` is in the formats' order. Kept xor `Text`, so an
                // empty slot (0) reads back as the default with no `given`
                // check.
                let f = find(OUTPUT, raw);
                if f >= OUTPUT.len() {
                    r.refuse(ERR_FORMAT);
                }
                v.num = (f ^ Format::Text as usize) as u64;
            }
        }
        // One string read for the three kinds that decode one.
        kind::TEXT | kind::ACCOUNT | kind::PUBKEY => {
            let text = v.owned.insert(r.string());
            if s.kind() == kind::ACCOUNT {
                crate::account::validate(text, r.field);
            }
            if s.kind() == kind::PUBKEY {
                crate::encoding::parse_pubkey(text, r.field);
            }
        }
        kind::AMOUNT => {
            let a = r.u128_string();
            (v.num, v.high) = (a as u64, (a >> 64) as u64);
        }
        kind::BYTES | kind::IDS => number_array(r, parent, s, max, v.owned.insert(Bytes::new())),
        // Objects, read above.
        _ => {}
    }
    // `NO_CAP` is u64::MAX, which no size is over.
    // One check for every way a size can be wrong: over its cap, and for a
    // `NONEMPTY` value (limits included) also 0, `low` then 1 for the range
    // 1..=max (such a value always has a cap: `spec!` checks). Which refusal it is, a limit's
    // own, empty or over, is only worked out on the way out (-10 bytes).
    let low = (s.kind_flags & NONEMPTY != 0) as u64;
    if size.wrapping_sub(low) > max - low {
        // Only a limit has these caps and gets here: an id list's size
        // here is 0.
        if s.cap() >= C_PAGE {
            r.refuse(if s.cap() == C_PAGE { ERR_PAGE_LIMIT } else { ERR_BULK_LIMIT });
        }
        if size == 0 {
            refuse_in(parent, r.field, ERR_EMPTY);
        }
        over(r, parent, s, max);
    }
}

/// `{"request_id"}`: submit_and_resolve's first field alone.
static REQUEST_ID: &[Spec] = SUBMIT_AND_RESOLVE.split_at(1).0;

#[inline(always)]
pub fn request_id(input: &[u8]) -> u64 {
    parse(input, &REQUEST_ID).num(0)
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

impl<'a> RequestArgs<'a> {
    /// The record these arguments make: request `id` from `sender`, made at
    /// `timestamp`, paying `payment` at `pricing` (snapshotted into the record).
    pub fn record(
        &'a self,
        id: u64,
        payment: u128,
        timestamp: u64,
        pricing: &'a Pricing,
        sender: &'a [u8],
    ) -> NewRequest<'a> {
        NewRequest {
            id,
            payment,
            timestamp,
            pricing,
            limits: &self.limits,
            format: self.format,
            sender,
            code: self.code,
            input_data: self.input_data,
            secrets: self.secrets.as_deref(),
            payer: self.payer.as_deref(),
        }
    }
}

/// request_execution's arguments; `sender_id` (the last) is
/// estimate_required_deposit's only.
static REQUEST: [Spec; 7] = [
    object!(names::CODE_SOURCE, kind::OBJECT, REQUIRED, O_CODE_SOURCE),
    object!(names::RESOURCE_LIMITS, kind::OBJECT, NULLABLE, O_RESOURCE_LIMITS),
    spec!(names::INPUT_DATA, kind::RAW, 6, NULLABLE, C_INPUT_DATA),
    spec!(names::ENCRYPTED_SECRETS, kind::BYTES, 7, NULLABLE, C_SECRETS),
    spec!(names::RESPONSE_FORMAT, kind::FORMAT, 8, NULLABLE, NO_CAP),
    spec!(names::PAYER_ACCOUNT_ID, kind::ACCOUNT, 9, NULLABLE, NO_CAP),
    spec!(names::SENDER_ID, kind::ACCOUNT, 10, NULLABLE, NO_CAP),
];

static REQUEST_EXECUTION: &[Spec] = REQUEST.split_at(6).0;
static ESTIMATE_DEPOSIT: &[Spec] = &REQUEST;

pub fn request_execution(input: &[u8]) -> RequestArgs<'_> {
    request_args(input, false)
}

/// `estimate_required_deposit`: request_execution's arguments and an optional
/// `sender_id` (request_execution skips that key, as it skips every unknown one).
pub fn estimate_required_deposit(input: &[u8]) -> RequestArgs<'_> {
    request_args(input, true)
}

fn request_args(input: &[u8], estimate: bool) -> RequestArgs<'_> {
    let mut g = parse(input, if estimate { &ESTIMATE_DEPOSIT } else { &REQUEST_EXECUTION });
    RequestArgs {
        code: CodeSource { repo: g.raw(0), commit: g.raw(1), build_target: g.opt_raw(2) },
        limits: limits_of(&g),
        input_data: g.opt_raw(6),
        secrets: g.opt_take(7),
        format: Format::from_u8(g.num(8) as u8 ^ Format::Text as u8).unwrap_or(Format::Text),
        payer: g.opt_take(9),
        sender_hint: g.opt_take(10),
    }
}

/// `resource_limits` (store ids 3, 4, 5), each default when not given.
/// Inlined into both callers (measured).
#[inline(always)]
fn limits_of(g: &Got) -> Limits {
    let d = Limits::DEFAULT;
    Limits {
        max_instructions: g.num_or(3, d.max_instructions),
        max_memory_mb: g.num_or(4, d.max_memory_mb),
        max_execution_seconds: g.num_or(5, d.max_execution_seconds),
    }
}

// Out of line: `read`, its one caller now, looks it up once; inlined it is
// the same size and 0.0001 Tgas dearer on request_execution (measured).
#[inline(never)]
fn cap(s: &Spec) -> u64 {
    if s.cap() == C_INSTRUCTIONS {
        return Limits::CAP.max_instructions;
    }
    CAPS.get((s.cap() as usize).wrapping_sub(1)).map_or(u64::MAX, |&c| ((c & 0x7FF) as u64) << (c >> 11))
}

fn over(r: &Reader, parent: &[u8], s: &Spec, max: u64) -> ! {
    refuse_over(parent, r.field, max, s.cap() < FIRST_NUMBER_CAP)
}

/// `[1, 2, 3]` of whole numbers, at most `s`'s cap of them, appended to `v`:
/// for `kind::BYTES` each 0..=255, kept as bytes; for `kind::IDS` kept as
/// 8-byte LE words (no Vec<u64> type in the wasm). Into the slot's own buffer,
/// not a returned one copied in (-41 bytes).
fn number_array(r: &mut Reader, parent: &[u8], s: &Spec, max: u64, v: &mut Bytes) {
    let ids = s.kind() == kind::IDS;
    let (mut open, mut n) = (false, 0);
    while r.next_item(&mut open) {
        let x = r.u64();
        if !ids && x > 255 {
            r.refuse(ERR_BYTE);
        }
        if n == max {
            if ids {
                r.refuse(ERR_BULK_IDS_CAP);
            }
            over(r, parent, s, max);
        }
        n += 1;
        if ids {
            v.extend_from_slice(&x.to_le_bytes());
        } else {
            v.push(x as u8);
        }
    }
}

/// The output given (at most one is). Always inlined, as are `response` and
/// `operator` (one caller each): LLVM then builds the output and the response
/// in place in the caller instead of copying them out (-273 bytes).
#[inline(always)]
fn output<'a>(g: &mut Got<'a>) -> Option<Output<'a>> {
    if let Some(text) = g.opt_raw(3) {
        Some(Output::Text(text))
    } else if let Some(json) = g.opt_raw(4) {
        Some(Output::Json(json.0))
    } else {
        g.opt_take(5).map(Output::Bytes)
    }
}

/// The response's fields but its output: `success` (1), `error` (2) and
/// `resources_used`.
#[inline(always)]
fn response<'a>(g: &mut Got<'a>, output: Option<Output<'a>>) -> Response<'a> {
    let usage = Usage { instructions: g.num(6), time_ms: g.num(7), memory_mb: g.given(8).then(|| g.num(8)) };
    Response { success: g.num(1) != 0, output, error: g.opt_take(2), usage }
}

static RESOLVE: [Spec; 2] = [
    spec!(names::REQUEST_ID, kind::U64, 0, REQUIRED, NO_CAP),
    object!(names::RESPONSE, kind::OBJECT, REQUIRED, O_RESPONSE),
];

/// The operator's three calls on a pending request.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    /// `resolve_execution {"request_id", "response"}`.
    Resolve,
    /// `submit_execution_output {"request_id", "output"}`.
    Submit,
    /// `submit_execution_output_and_resolve {"request_id", "output", "success",
    /// "error"?, "resources_used"}`: the output to store, and the response to
    /// resume with (its `output` is `None`: the callback uses the stored one).
    SubmitAndResolve,
}

/// An operator call's arguments: the request id, the output to store (submit)
/// and the response to resume the yield with (resolve). One reader for the
/// three, so the output and the response are built in one place in the wasm.
#[inline(always)]
pub fn operator(input: &[u8], call: Operator) -> (u64, Option<Output<'_>>, Option<Response<'_>>) {
    let table: &[Spec] = match call {
        Operator::Resolve => &RESOLVE,
        Operator::Submit => SUBMIT,
        Operator::SubmitAndResolve => &SUBMIT_AND_RESOLVE,
    };
    let mut g = parse(input, table);
    let mut out = output(&mut g);
    // A submit's output is required, so it is always there.
    let store = (call != Operator::Resolve).then(|| out.take().unwrap_or(Output::Json(names::NULL)));
    let resume = (call != Operator::Submit).then(|| response(&mut g, out));
    (g.num(0), store, resume)
}

/// `operator` with the shape each call always has (host tests and fuzzers).
#[cfg(not(target_arch = "wasm32"))]
pub fn resolve_execution(input: &[u8]) -> (u64, Response<'_>) {
    match operator(input, Operator::Resolve) {
        (id, _, Some(resp)) => (id, resp),
        _ => unreachable!("resolve always has a response"),
    }
}

/// `{"request_id", "output"}`: submit_and_resolve's first two fields.
static SUBMIT: &[Spec] = SUBMIT_AND_RESOLVE.split_at(2).0;

/// `operator` with the shape each call always has (host tests and fuzzers).
#[cfg(not(target_arch = "wasm32"))]
pub fn submit_execution_output(input: &[u8]) -> (u64, Output<'_>) {
    match operator(input, Operator::Submit) {
        (id, Some(out), _) => (id, out),
        _ => unreachable!("submit always has an output"),
    }
}

static NEW: [Spec; 2] = [
    spec!(names::OWNER_ID, kind::ACCOUNT, 0, REQUIRED, NO_CAP),
    spec!(names::OPERATOR_ID, kind::ACCOUNT, 1, NULLABLE, NO_CAP),
];

#[inline(always)]
pub fn new(input: &[u8]) -> (Bytes, Option<Bytes>) {
    let mut g = parse(input, &NEW);
    (g.take(0), g.opt_take(1))
}

static PRICING: [Spec; 4] = [
    spec!(names::BASE_FEE, kind::AMOUNT, 0, 0, NO_CAP),
    spec!(names::PER_INSTRUCTION_FEE, kind::AMOUNT, 1, 0, NO_CAP),
    spec!(names::PER_MB_FEE, kind::AMOUNT, 2, 0, NO_CAP),
    spec!(names::PER_SECOND_FEE, kind::AMOUNT, 3, 0, NO_CAP),
];

/// `set_pricing`: any subset of the four fees.
#[inline(always)]
pub fn set_pricing(input: &[u8], p: &mut Pricing) {
    let g = parse(input, &PRICING);
    g.amount_into(0, &mut p.base_fee);
    g.amount_into(1, &mut p.per_instruction_fee);
    g.amount_into(2, &mut p.per_mb_fee);
    g.amount_into(3, &mut p.per_second_fee);
}

/// `{"resource_limits"}`: request_execution's second field alone.
static ESTIMATE: &[Spec] = REQUEST.split_at(1).1.split_at(1).0;

/// `estimate_execution_cost`: `{"resource_limits": ...}`, all optional; empty
/// input too.
#[inline(always)]
pub fn estimate(input: &[u8]) -> Limits {
    limits_of(&parse_opt(input, &ESTIMATE))
}

static WITHDRAW: [Spec; 2] = [
    spec!(names::AMOUNT, kind::AMOUNT, 0, NULLABLE, NO_CAP),
    spec!(names::RECEIVER_ID, kind::ACCOUNT, 1, NULLABLE, NO_CAP),
];

/// `withdraw_fees {"amount"?, "receiver_id"?}`: (amount, receiver), each
/// `None` when missing or null.
#[inline(always)]
pub fn withdraw_fees(input: &[u8]) -> (Option<u128>, Option<Bytes>) {
    let mut g = parse_opt(input, &WITHDRAW);
    (g.given(0).then(|| g.amount(0)), g.opt_take(1))
}

static PAGE_FROM: [Spec; 2] = [
    spec!(names::LIMIT, kind::U64, 0, NULLABLE | NONEMPTY, C_PAGE),
    spec!(names::FROM_ID, kind::U64, 1, NULLABLE, NO_CAP),
];

static PAGE_LIMIT: [Spec; 1] = [spec!(names::LIMIT, kind::U64, 0, NULLABLE | NONEMPTY, C_BULK)];

/// `{"from_id"?, "limit"?}` (get_pending_requests, a limit 1 to
/// `MAX_PENDING_PAGE`) or `{"limit"?}` (clear_all_pending_requests, 1 to
/// `MAX_BULK_CANCEL`): the start, `None` when missing or null, and the
/// limit, its cap when missing or null.
#[inline(always)]
pub fn from_and_limit(input: &[u8], with_from: bool) -> (Option<u64>, u64) {
    let specs: &[Spec] = if with_from { &PAGE_FROM } else { &PAGE_LIMIT };
    let g = parse_opt(input, specs);
    // The table's cap (`C_PAGE` or `C_BULK`), as a constant at each caller
    // rather than looked up at run time (-9 bytes).
    let max = if with_from { limits::MAX_PENDING_PAGE } else { limits::MAX_BULK_CANCEL as u64 };
    (g.given(1).then(|| g.num(1)), g.num_or(0, max))
}

static REQUEST_IDS: [Spec; 1] = [spec!(names::REQUEST_IDS, kind::IDS, 0, REQUIRED, C_BULK)];

/// `cancel_pending_requests {"request_ids": [..]}`: at most `MAX_BULK_CANCEL`
/// ids.
#[inline(always)]
pub fn request_ids(input: &[u8]) -> Bytes {
    parse(input, &REQUEST_IDS).take(0)
}

static SUBMIT_AND_RESOLVE: [Spec; 5] = [
    spec!(names::REQUEST_ID, kind::U64, 0, REQUIRED, NO_CAP),
    object!(names::OUTPUT, kind::ONE_OF, REQUIRED, O_OUTPUT),
    spec!(names::SUCCESS, kind::BOOL, 1, REQUIRED, NO_CAP),
    spec!(names::ERROR, kind::TEXT, 2, NULLABLE, NO_CAP),
    object!(names::RESOURCES_USED, kind::OBJECT, REQUIRED, O_USAGE),
];

/// `operator` with the shape each call always has (host tests and fuzzers).
#[cfg(not(target_arch = "wasm32"))]
pub fn submit_and_resolve(input: &[u8]) -> (u64, Output<'_>, Response<'_>) {
    match operator(input, Operator::SubmitAndResolve) {
        (id, Some(out), Some(resp)) => (id, out, resp),
        _ => unreachable!("submit-and-resolve always has both"),
    }
}

/// The account set_owner, set_operator or set_keystore_account replaces.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Owner,
    Operator,
    Keystore,
}

/// The one field of each `Role`'s call, in `Role`'s order; only the keystore
/// account may be null (None).
static ACCOUNT_FIELDS: [Spec; 3] = [
    spec!(names::NEW_OWNER_ID, kind::ACCOUNT, 0, REQUIRED, NO_CAP),
    spec!(names::NEW_OPERATOR_ID, kind::ACCOUNT, 0, REQUIRED, NO_CAP),
    spec!(names::KEYSTORE_ACCOUNT_ID, kind::ACCOUNT, 0, REQUIRED | NULLABLE, NO_CAP),
];

/// `{"new_owner_id" | "new_operator_id" | "keystore_account_id": "<account id>"}`:
/// the account `role`'s call sets.
#[inline(always)]
pub fn account_field(input: &[u8], role: Role) -> Option<Bytes> {
    let i = role as usize;
    parse(input, ACCOUNT_FIELDS.get(i..=i).unwrap_or(&[])).opt_take(0)
}

static PAUSED: [Spec; 1] = [spec!(names::PAUSED, kind::BOOL, 0, REQUIRED, NO_CAP)];

/// `{"paused": bool}`.
#[inline(always)]
pub fn paused(input: &[u8]) -> bool {
    parse(input, &PAUSED).num(0) != 0
}

static PUBKEY: [Spec; 1] = [spec!(names::PUBKEY, kind::PUBKEY, 0, REQUIRED, NO_CAP)];

/// `{"pubkey": "<64 hex chars>" | "ed25519:<base58>"}`: the key as 64 lowercase
/// hex characters, the form it is stored and shown in.
#[inline(always)]
pub fn pubkey(input: &[u8]) -> Bytes {
    parse(input, &PUBKEY).take(0)
}

/// The ids `request_ids` read, in order (8-byte LE words).
pub fn ids(words: &[u8]) -> impl Iterator<Item = u64> + '_ {
    words.chunks_exact(8).map(|w| w.try_into().map_or(u64::MAX, u64::from_le_bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_names_are_in_the_formats_order() {
        for f in [Format::Bytes, Format::Text, Format::Json] {
            assert_eq!(find(OUTPUT, f.name()), f as usize);
        }
    }
}
