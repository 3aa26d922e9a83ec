//! What the contract stores, in hand-written borsh (see README.md, "State layout").
//!
//! Keys: `c` the config record, `k` the keystore public key, `r`+id (u64 LE) a
//! pending request, `o`+id its submitted output. The config record leads with a
//! version byte so a later migration can tell layouts apart.

use crate::Bytes;


use crate::borsh::{In, Out};
use crate::json::Raw;
use crate::limits::Limits;
use crate::pricing::Pricing;

pub const CONFIG_KEY: &[u8] = b"c";
pub const PUBKEY_KEY: &[u8] = b"k";
pub const CONFIG_VERSION: u8 = 1;

pub fn request_key(id: u64) -> [u8; 9] {
    prefixed(b'r', id)
}

pub fn output_key(id: u64) -> [u8; 9] {
    prefixed(b'o', id)
}

fn prefixed(prefix: u8, id: u64) -> [u8; 9] {
    let mut k = [prefix; 9];
    k[1..].copy_from_slice(&id.to_le_bytes());
    k
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Config {
    pub owner: Bytes,
    pub operator: Bytes,
    pub keystore: Option<Bytes>,
    pub paused: bool,
    pub next_request_id: u64,
    pub pricing: Pricing,
    pub total_executions: u64,
    pub total_fees: u128,
}

impl Config {
    pub fn encode(&self) -> Bytes {
        let mut o = Out::with_capacity(200);
        o.u8(CONFIG_VERSION);
        o.bytes(&self.owner);
        o.bytes(&self.operator);
        o.opt_bytes(self.keystore.as_deref());
        o.u8(self.paused as u8);
        o.u64(self.next_request_id);
        write_pricing(&mut o, &self.pricing);
        o.u64(self.total_executions);
        o.u128(self.total_fees);
        o.0
    }

    pub fn decode(b: &[u8]) -> Option<Config> {
        let mut i = In::new(b);
        let version = i.u8();
        let c = Config {
            owner: Bytes::from(i.bytes()),
            operator: Bytes::from(i.bytes()),
            keystore: i.opt_bytes().map(Bytes::from),
            paused: i.flag(),
            next_request_id: i.u64(),
            pricing: read_pricing(&mut i),
            total_executions: i.u64(),
            total_fees: i.u128(),
        };
        (version == CONFIG_VERSION && i.finish()).then_some(c)
    }
}

fn write_pricing(o: &mut Out, p: &Pricing) {
    o.u128(p.base_fee);
    o.u128(p.per_instruction_fee);
    o.u128(p.per_mb_fee);
    o.u128(p.per_second_fee);
}

fn read_pricing(i: &mut In) -> Pricing {
    Pricing { base_fee: i.u128(), per_instruction_fee: i.u128(), per_mb_fee: i.u128(), per_second_fee: i.u128() }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Format {
    Bytes = 0,
    Text = 1,
    Json = 2,
}

impl Format {
    pub fn name(self) -> &'static [u8] {
        match self {
            Format::Bytes => b"Bytes",
            Format::Text => b"Text",
            Format::Json => b"Json",
        }
    }

    pub fn from_name(n: &[u8]) -> Option<Format> {
        [Format::Bytes, Format::Text, Format::Json].into_iter().find(|f| f.name() == n)
    }

    pub fn from_u8(v: u8) -> Option<Format> {
        [Format::Bytes, Format::Text, Format::Json].get(v as usize).copied()
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct CodeSource<'a> {
    pub repo: Raw<'a>,
    pub commit: Raw<'a>,
    pub build_target: Option<Raw<'a>>,
}

/// A pending request. Strings stay in their JSON-escaped form (`Raw`): they are
/// only ever written back out as JSON.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Request<'a> {
    pub id: u64,
    pub has_output: bool,
    pub payment: u128,
    pub timestamp: u64,
    pub data_id: [u8; 32],
    /// Prices in force when the request was made: what it will be charged at.
    pub pricing: Pricing,
    pub limits: Limits,
    pub format: Format,
    pub sender: &'a [u8],
    pub code: CodeSource<'a>,
    pub input_data: Option<Raw<'a>>,
    pub secrets: Option<&'a [u8]>,
}

/// Byte offset of `has_output`: fixed, so `submit_execution_output` can set it
/// without decoding the record.
pub const HAS_OUTPUT_OFFSET: usize = 8;
/// Byte offset of `data_id`, filled in once the yield exists.
pub const DATA_ID_OFFSET: usize = 8 + 1 + 16 + 8;

impl<'a> Request<'a> {
    pub fn encode(&self) -> Bytes {
        let mut o = Out::with_capacity(256);
        o.u64(self.id);
        o.u8(self.has_output as u8);
        o.u128(self.payment);
        o.u64(self.timestamp);
        o.0.extend_from_slice(&self.data_id);
        write_pricing(&mut o, &self.pricing);
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
        o.0
    }

    pub fn decode(b: &'a [u8]) -> Option<Request<'a>> {
        let mut i = In::new(b);
        let r = Request {
            id: i.u64(),
            has_output: i.flag(),
            payment: i.u128(),
            timestamp: i.u64(),
            data_id: i.array32(),
            pricing: read_pricing(&mut i),
            limits: Limits { max_instructions: i.u64(), max_memory_mb: i.u64(), max_execution_seconds: i.u64() },
            format: Format::from_u8(i.u8())?,
            sender: i.bytes(),
            code: CodeSource { repo: Raw(i.bytes()), commit: Raw(i.bytes()), build_target: i.opt_bytes().map(Raw) },
            input_data: i.opt_bytes().map(Raw),
            secrets: i.opt_bytes(),
        };
        i.finish().then_some(r)
    }
}

/// A submitted output: its kind, then the bytes (`Text`: the JSON string body as
/// sent; `Json`: the JSON value; `Bytes`: the raw bytes).
pub fn encode_output(kind: Format, body: &[u8]) -> Bytes {
    let mut v = Bytes::with_capacity(body.len() + 1);
    v.push(kind as u8);
    v.extend_from_slice(body);
    v
}

pub fn decode_output(b: &[u8]) -> Option<(Format, &[u8])> {
    let (&kind, body) = b.split_first()?;
    Some((Format::from_u8(kind)?, body))
}
