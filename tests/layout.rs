//! The hand-written storage and payload layouts: byte-for-byte equal to what
//! the `borsh` crate produces for the same shapes, and round trips. Also the
//! events' and the request's JSON, checked with serde_json.

use borsh::BorshSerialize;
use offchainvm_contract::args::{Output, Response, Usage};
use offchainvm_contract::error::refusal;
use offchainvm_contract::events::{self, Settled};
use offchainvm_contract::json::{Raw, Writer};
use offchainvm_contract::limits::Limits;
use offchainvm_contract::payload;
use offchainvm_contract::pricing::Pricing;
use offchainvm_contract::state::{self, Accounts, CodeSource, Config, Format, NewRequest, Request};
use serde_json::{json, Value};

#[path = "common/records.rs"]
mod records;
use records::*;

const ODD_PRICING: Pricing = Pricing {
    base_fee: u128::MAX,
    per_instruction_fee: 1,
    per_mb_fee: 0x0102_0304_0506_0708_090a_0b0c_0d0e_0f10,
    per_second_fee: 7,
};

fn odd_pricing() -> Pricing {
    ODD_PRICING
}

fn borsh_pricing(p: &Pricing) -> BorshPricing {
    BorshPricing {
        base_fee: p.base_fee,
        per_instruction_fee: p.per_instruction_fee,
        per_mb_fee: p.per_mb_fee,
        per_second_fee: p.per_second_fee,
    }
}

#[test]
fn config_layout_equals_borsh() {
    let mut c = Config::new(b"owner.testnet", b"operator.testnet");
    let fresh = BorshConfig {
        version: state::CONFIG_VERSION,
        paused: false,
        next_request_id: 0,
        total_executions: 0,
        total_fees: 0,
        pricing: borsh_pricing(&Pricing::DEFAULT),
        pending_payments: 0,
        total_withdrawn: 0,
        pending_low: 0,
        pending_count: 0,
        owner: "owner.testnet".into(),
        operator: "operator.testnet".into(),
        keystore: None,
    };
    assert_eq!(c.encode(), borsh::to_vec(&fresh).unwrap());
    // every in-place update lands where borsh puts the field
    c.set_paused(true);
    c.set_next_request_id(0x0102_0304_0506_0708);
    *c.pricing_mut() = odd_pricing();
    c.add_execution(u128::MAX - 1);
    c.add_execution(5);
    c.add_pending(7);
    c.add_pending(u128::MAX); // saturates
    c.add_pending(1);
    c.end_pending(3, 0); // not the lowest: low stays
    c.add_withdrawn(9);
    c.add_withdrawn(u128::MAX);
    c.set_accounts(&Accounts {
        owner: b"new-owner.testnet",
        operator: b"op.testnet",
        keystore: Some(b"keystore.testnet"),
    });
    let updated = BorshConfig {
        version: state::CONFIG_VERSION,
        paused: true,
        next_request_id: 0x0102_0304_0506_0708,
        total_executions: 2,
        total_fees: u128::MAX, // saturates
        pricing: borsh_pricing(&odd_pricing()),
        pending_payments: u128::MAX,
        total_withdrawn: u128::MAX,
        pending_low: 0,
        pending_count: 2,
        owner: "new-owner.testnet".into(),
        operator: "op.testnet".into(),
        keystore: Some("keystore.testnet".into()),
    };
    let bytes = borsh::to_vec(&updated).unwrap();
    assert_eq!(c.encode(), bytes);
    let parsed = Config::parse(bytes.clone()).unwrap();
    assert!(parsed.paused());
    assert_eq!(parsed.next_request_id(), 0x0102_0304_0506_0708);
    assert_eq!(*parsed.pricing(), odd_pricing());
    assert_eq!(parsed.stats(), (2, u128::MAX));
    let a = parsed.accounts();
    assert_eq!(
        (a.owner, a.operator, a.keystore),
        (&b"new-owner.testnet"[..], &b"op.testnet"[..], Some(&b"keystore.testnet"[..]))
    );
    // every truncation, a trailing byte, another version or a bad bool is refused
    for n in 0..bytes.len() {
        assert!(Config::parse(bytes[..n].to_vec()).is_none(), "{n}");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(Config::parse(longer).is_none());
    let mut other_version = bytes.clone();
    other_version[0] = 4;
    assert!(Config::parse(other_version.clone()).is_none());
    other_version[0] = 1;
    assert!(Config::parse(other_version).is_none(), "a version-1 record needs migrate");
    let mut bad_bool = bytes.clone();
    bad_bool[1] = 2;
    assert!(Config::parse(bad_bool).is_none());
}

fn new_request<'a>(secrets: Option<&'a [u8]>, input: Option<Raw<'a>>, target: Option<Raw<'a>>) -> NewRequest<'a> {
    NewRequest {
        id: 42,
        payment: 100_000_000_000_000_000_000_000,
        timestamp: 1_700_000_000_000_000_000,
        pricing: &ODD_PRICING,
        limits: &Limits { max_instructions: 10_000_000, max_memory_mb: 64, max_execution_seconds: 5 },
        format: Format::Json,
        sender: b"user.testnet",
        code: CodeSource {
            repo: Raw(b"https://github.com/user/project"),
            commit: Raw(b"abc123"),
            build_target: target,
        },
        input_data: input,
        secrets,
        payer: None,
    }
}

fn data_id() -> [u8; 32] {
    core::array::from_fn(|i| i as u8 * 7)
}

/// A stored record as request_execution writes it: encoded, then the data id.
fn stored(r: &NewRequest) -> Vec<u8> {
    let mut bytes = r.encode();
    *state::data_id_mut(&mut bytes).unwrap() = data_id();
    bytes
}

/// What the `borsh` crate writes for `new_request`'s record (its fixed fields are the
/// ones `new_request` sets), with the given optional fields.
fn borsh_request(
    r: &NewRequest,
    build_target: Option<&[u8]>,
    input: Option<&[u8]>,
    secrets: Option<&[u8]>,
) -> BorshRequest {
    let text = |b: &[u8]| String::from_utf8(b.to_vec()).unwrap();
    BorshRequest {
        id: 42,
        has_output: false,
        payment: r.payment,
        timestamp: r.timestamp,
        data_id: data_id(),
        pricing: borsh_pricing(&r.pricing),
        max_instructions: 10_000_000,
        max_memory_mb: 64,
        max_execution_seconds: 5,
        format: 2,
        sender: "user.testnet".into(),
        repo: "https://github.com/user/project".into(),
        commit: "abc123".into(),
        build_target: build_target.map(text),
        input_data: input.map(text),
        secrets: secrets.map(<[u8]>::to_vec),
    }
}

#[test]
fn request_layout_equals_borsh() {
    let secrets = [1u8, 2, 3];
    for (s, i, t) in
        [(None, None, None), (Some(&secrets[..]), Some(Raw(br#"{\"key\": \"value\"}"#)), Some(Raw(b"wasm32-wasi")))]
    {
        let r = new_request(s, i, t);
        let b = borsh_request(&r, t.map(|t| t.0), i.map(|i| i.0), s);
        let bytes = stored(&r);
        assert_eq!(bytes, borsh::to_vec(&b).unwrap());
        let d = Request::decode(&bytes).unwrap();
        assert_eq!((d.id(), d.has_output(), d.payment(), d.timestamp()), (42, false, r.payment, r.timestamp));
        assert_eq!(
            (d.data_id(), d.pricing(), *d.limits(), d.format),
            (&data_id()[..], *r.pricing, *r.limits, r.format)
        );
        assert_eq!((d.sender, d.code, d.input_data, d.secrets), (r.sender, r.code, r.input_data, r.secrets));
        let mut flagged = bytes.clone();
        state::set_has_output(&mut flagged);
        assert!(Request::decode(&flagged).unwrap().has_output());
        flagged[state::HAS_OUTPUT_OFFSET] = 2;
        assert_eq!(Request::decode(&flagged), None);
        for n in 0..bytes.len() {
            assert_eq!(Request::decode(&bytes[..n]), None);
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(Request::decode(&longer), None);
    }
}

/// `low` and the count follow the requests' ends; an end of the lowest moves
/// `low` past it, the last end moves it to the next id.
#[test]
fn pending_cursor() {
    let mut c = Config::new(b"owner.testnet", b"operator.testnet");
    for (id, pay) in [(0u64, 5u128), (1, 6), (2, 7)] {
        c.set_next_request_id(id + 1);
        c.add_pending(pay);
    }
    assert_eq!(c.pending(), state::Pending { payments: 18, low: 0, count: 3 });
    c.end_pending(1, 6);
    assert_eq!(c.pending(), state::Pending { payments: 12, low: 0, count: 2 });
    c.end_pending(0, 5);
    assert_eq!(c.pending(), state::Pending { payments: 7, low: 1, count: 1 });
    c.raise_low(2);
    assert_eq!(c.pending().low, 2);
    c.raise_low(1);
    assert_eq!(c.pending().low, 2, "low never goes down");
    c.raise_low(99);
    assert_eq!(c.pending().low, 3, "nor past the next id");
    c.end_pending(2, 7);
    assert_eq!(c.pending(), state::Pending { payments: 0, low: 3, count: 0 });
    // an end that was never booked (a version-1 request) cannot underflow
    c.end_pending(0, 100);
    assert_eq!(c.pending(), state::Pending { payments: 0, low: 3, count: 0 });
}

/// `migrate`'s conversion: today's (version 1) config, written byte for byte by
/// the borsh crate, becomes the current layout with every field kept.
#[test]
fn config_v1_migrates() {
    let v1 = BorshConfigV1 {
        version: 1,
        paused: true,
        next_request_id: 77,
        total_executions: 12,
        total_fees: 345,
        pricing: borsh_pricing(&odd_pricing()),
        owner: "owner.testnet".into(),
        operator: "operator.testnet".into(),
        keystore: Some("keystore.testnet".into()),
    };
    let old = borsh::to_vec(&v1).unwrap();
    assert!(Config::parse(old.clone()).is_none());
    let mut c = Config::from_v1(&old).unwrap();
    // nothing pending yet: `low` at the next id
    assert_eq!(c.pending(), state::Pending { payments: 0, low: 77, count: 0 });
    // migrate's downward scan counts three pending requests in
    c.count_down(75, 600);
    c.count_down(72, 300);
    c.count_down(70, 100);
    let p = state::Pending { payments: 1000, low: 70, count: 3 };
    let want = BorshConfig {
        version: 3, // the version-2 record as is; migrate also writes the operator mark
        paused: true,
        next_request_id: 77,
        total_executions: 12,
        total_fees: 345,
        pricing: borsh_pricing(&odd_pricing()),
        pending_payments: 1000,
        total_withdrawn: 0,
        pending_low: 70,
        pending_count: 3,
        owner: "owner.testnet".into(),
        operator: "operator.testnet".into(),
        keystore: Some("keystore.testnet".into()),
    };
    assert_eq!(c.encode(), borsh::to_vec(&want).unwrap());
    assert_eq!(c.pending(), p);
    // a current record, a truncated or a trailing-byte one is not version 1
    assert!(Config::from_v1(&c.encode()).is_none());
    for n in 0..old.len() {
        assert!(Config::from_v1(&old[..n]).is_none(), "{n}");
    }
    let mut longer = old.clone();
    longer.push(0);
    assert!(Config::from_v1(&longer).is_none());
}

#[derive(BorshSerialize)]
struct BorshRequestWithPayer {
    base: BorshRequest,
    payer: String,
}

/// A request with a payer: layout 1 (flags nibble 1), the seed-era record
/// followed by the payer. Without a payer the record is the seed-era one, byte
/// for byte (request_layout_equals_borsh), so old records decode unchanged.
#[test]
fn request_with_payer_layout() {
    let mut r = new_request(None, None, None);
    r.payer = Some(b"payer.testnet");
    let bytes = stored(&r);
    let base = borsh_request(&r, None, None, None);
    let mut want = borsh::to_vec(&BorshRequestWithPayer { base, payer: "payer.testnet".into() }).unwrap();
    want[state::HAS_OUTPUT_OFFSET] = 0x10;
    assert_eq!(bytes, want);
    let d = Request::decode(&bytes).unwrap();
    assert_eq!((d.payer, d.refund_to(), d.has_output()), (Some(&b"payer.testnet"[..]), &b"payer.testnet"[..], false));
    let mut flagged = bytes.clone();
    state::set_has_output(&mut flagged);
    assert_eq!(flagged[state::HAS_OUTPUT_OFFSET], 0x11);
    let f = Request::decode(&flagged).unwrap();
    assert!(f.has_output() && f.payer == d.payer);
    for n in 0..bytes.len() {
        assert_eq!(Request::decode(&bytes[..n]), None);
    }
    for bad in [0x02, 0x20, 0x30, 0x80] {
        let mut b = bytes.clone();
        b[state::HAS_OUTPUT_OFFSET] = bad;
        assert_eq!(Request::decode(&b), None, "flags {bad:#x}");
    }
    // without a payer, the refunds go to the sender
    let plain = stored(&new_request(None, None, None));
    assert_eq!(Request::decode(&plain).unwrap().refund_to(), b"user.testnet");
}

#[test]
fn keys_are_short_and_distinct() {
    assert_eq!(state::request_key(1), [b'r', 1, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(state::output_key(u64::MAX), [b'o', 255, 255, 255, 255, 255, 255, 255, 255]);
    assert_eq!(state::CONFIG_KEY, b"c");
    assert_eq!(state::PUBKEY_KEY, b"k");
    assert_eq!(state::encode_output(Format::Bytes, &[9, 8]), vec![0, 9, 8]);
    assert_eq!(state::decode_output(&[1, b'h', b'i']), Some((Format::Text, &b"hi"[..])));
    assert_eq!(state::decode_output(&[3]), None);
    assert_eq!(state::decode_output(&[]), None);
}

fn response(
    success: bool,
    output: Option<Output<'static>>,
    error: Option<&str>,
    memory: Option<u64>,
) -> Response<'static> {
    Response {
        success,
        output,
        error: error.map(|e| e.as_bytes().to_vec()),
        usage: Usage { instructions: 5, time_ms: 6, memory_mb: memory },
    }
}

#[test]
fn payload_round_trips() {
    let cases = [
        response(true, Some(Output::Text(Raw(b"Hello, NEAR!"))), None, None),
        response(true, Some(Output::Bytes(vec![0, 255])), None, Some(3)),
        response(true, Some(Output::Json(br#"{"a":1}"#)), None, Some(0)),
        response(true, None, None, None),
        response(false, None, Some("boom \u{e9}"), Some(u64::MAX)),
    ];
    for r in &cases {
        let bytes = payload::encode(9, r);
        assert!(bytes.len() <= 1024);
        let p = payload::decode(&bytes).unwrap();
        assert_eq!(p.id, 9);
        assert_eq!(p.success, r.success);
        assert_eq!(p.usage, r.usage);
        assert_eq!(p.output.map(|(k, b)| (k, b.to_vec())), r.output.as_ref().map(|o| (o.kind(), o.body().to_vec())));
        assert_eq!(p.error, r.error.as_deref());
        for n in 0..bytes.len() {
            assert!(payload::decode(&bytes[..n]).is_none());
        }
    }
}

#[test]
fn payload_limit_and_error_truncation() {
    // The largest inline output that fits, and one byte more.
    let fits = (1..1024).rev().find(|&n| {
        let body: &'static [u8] = Box::leak(vec![b'x'; n].into_boxed_slice());
        refusal(|| payload::encode(1, &response(true, Some(Output::Text(Raw(body))), None, Some(1)))).is_none()
    });
    let max = fits.unwrap();
    assert_eq!(max, 984, "id, flags, usage and two tags take 36 bytes, the output's length 4");
    let over: &'static [u8] = Box::leak(vec![b'x'; max + 1].into_boxed_slice());
    let msg = refusal(|| payload::encode(1, &response(true, Some(Output::Text(Raw(over))), None, Some(1)))).unwrap();
    assert!(msg.contains("submit_execution_output"), "{msg}");
    // A failure's error is shortened at a UTF-8 boundary so reporting never fails.
    let long_error = "é".repeat(2000);
    let bytes = payload::encode(1, &response(false, None, Some(&long_error), None));
    assert!(bytes.len() <= 1024);
    let p = payload::decode(&bytes).unwrap();
    let error = p.error.unwrap();
    assert!(std::str::from_utf8(error).is_ok());
    assert_eq!(error.len(), 992, "all the room the fixed fields leave (no memory_mb reported)");
    // A failed execution carries no output, so a large output cannot crowd out its error.
    let body: &'static [u8] = Box::leak(vec![b'x'; 984].into_boxed_slice());
    let mut failed = response(false, Some(Output::Text(Raw(body))), Some("boom"), Some(7));
    let p = payload::decode(&payload::encode(1, &failed))
        .map(|p| (p.output.is_none(), p.error.map(<[u8]>::to_vec)))
        .unwrap();
    assert_eq!(p, (true, Some(b"boom".to_vec())));
    failed.success = true;
    let full = payload::encode(1, &failed);
    assert_eq!(full.len(), 1024, "the largest inline output fills the payload exactly");
    assert_eq!(payload::decode(&full).unwrap().error, None, "a success's error is dropped when there is no room");
}

#[test]
fn truncate_utf8_never_splits_a_character() {
    let s = "aé€😀".as_bytes();
    for max in 0..=s.len() + 1 {
        let t = events::truncate_utf8(s, max);
        assert!(t.len() <= max);
        assert!(std::str::from_utf8(t).is_ok(), "{max}");
        assert!(s.starts_with(t));
    }
    assert_eq!(events::truncate_utf8(s, 2), b"a");
    assert_eq!(events::truncate_utf8(s, 3), "aé".as_bytes());
}

fn event(log: &[u8]) -> Value {
    let text = std::str::from_utf8(log).unwrap();
    let body = text.strip_prefix("EVENT_JSON:").expect("NEP-297 prefix");
    serde_json::from_str(body).unwrap()
}

#[test]
fn execution_requested_has_the_seed_shape() {
    let secrets = [1u8, 2, 3];
    let bytes = stored(&new_request(Some(&secrets), Some(Raw(br#"{\"key\": \"value\"}"#)), Some(Raw(b"wasm32-wasi"))));
    let r = Request::decode(&bytes).unwrap();
    let e = event(&events::execution_requested(&r));
    assert_eq!(e["standard"], "near-offshore");
    assert_eq!(e["version"], "1.0.0");
    assert_eq!(e["event"], "execution_requested");
    let d = &e["data"][0];
    assert_eq!(d["data_id"], json!(data_id().to_vec()));
    assert_eq!(d["timestamp"], json!(1_700_000_000_000_000_000u64));
    let inner: Value =
        serde_json::from_str(d["request_data"].as_str().expect("request_data is a JSON string")).unwrap();
    assert_eq!(
        inner,
        json!({
            "request_id": 42,
            "sender_id": "user.testnet",
            "code_source": {"repo": "https://github.com/user/project", "commit": "abc123", "build_target": "wasm32-wasi"},
            "resource_limits": {"max_instructions": 10000000, "max_memory_mb": 64, "max_execution_seconds": 5},
            "input_data": "{\"key\": \"value\"}",
            "encrypted_secrets": [1, 2, 3],
            "response_format": "Json",
            "payment": "100000000000000000000000",
            "timestamp": 1700000000000000000u64
        })
    );
    // get_request returns the same object
    let mut w = Writer::new();
    events::request_json(&mut w, &r);
    assert_eq!(serde_json::from_slice::<Value>(&w.0).unwrap(), inner);
}

#[test]
fn execution_completed_shapes() {
    let bytes = stored(&new_request(None, None, None));
    let r = Request::decode(&bytes).unwrap();
    let money = Settled { charged: 3, refunded: u128::MAX };
    let ok = event(&events::execution_completed(
        &r,
        &Usage { instructions: 1, time_ms: 2, memory_mb: Some(3) },
        None,
        money,
        99,
    ));
    assert_eq!(
        ok["data"][0],
        json!({"request_id": 42, "sender_id": "user.testnet",
               "code_source": {"repo": "https://github.com/user/project", "commit": "abc123", "build_target": null},
               "resources_used": {"instructions": 1, "time_ms": 2, "memory_mb": 3}, "success": true,
               "payment_charged": "3", "payment_refunded": u128::MAX.to_string(), "timestamp": 99})
    );
    let long = format!("{}\"\n\u{1}", "é".repeat(300));
    let failed = event(&events::execution_completed(&r, &Usage::ZERO, Some(long.as_bytes()), money, 99));
    let d = &failed["data"][0];
    assert_eq!(d["success"], false);
    assert_eq!(d["resources_used"], json!({"instructions": 0, "time_ms": 0}));
    let msg = d["error_message"].as_str().unwrap();
    assert!(msg.len() <= 256 && long.starts_with(msg), "error shortened at a character boundary");
}

/// The largest events: every capped code_source field at its cap, with characters that
/// need escaping twice, the longest sender and the largest id.
struct Worst {
    repo: String,
    commit: String,
    target: String,
    sender: String,
}

impl Worst {
    fn new() -> Worst {
        let escaped = |n: usize| "\\\"".repeat(n);
        Worst { repo: escaped(256), commit: escaped(64), target: escaped(32), sender: "a".repeat(64) }
    }

    fn request<'a>(&'a self, secrets: Option<&'a [u8]>, input: Option<Raw<'a>>) -> NewRequest<'a> {
        let mut r = new_request(secrets, input, Some(Raw(self.target.as_bytes())));
        r.code.repo = Raw(self.repo.as_bytes());
        r.code.commit = Raw(self.commit.as_bytes());
        r.sender = self.sender.as_bytes();
        r.id = u64::MAX;
        r
    }
}

#[test]
fn largest_request_event_fits_near_log_limit() {
    // Worst case for the escaped request_data: the input and secrets at their caps too.
    let worst = Worst::new();
    let input = "\\\"".repeat(2048);
    let secrets = vec![255u8; 1024];
    let mut r = worst.request(Some(&secrets), Some(Raw(input.as_bytes())));
    r.payment = u128::MAX;
    r.timestamp = u64::MAX;
    let mut bytes = r.encode();
    *state::data_id_mut(&mut bytes).unwrap() = [255; 32];
    let log = events::execution_requested(&Request::decode(&bytes).unwrap());
    assert!(log.len() <= 16_384, "event is {} bytes", log.len());
    event(&log);
}

/// The bulk cancels' cap keeps their logs within NEAR's per-receipt limits
/// (100 logs, 16,384 bytes): the largest `execution_completed` a cancel can
/// log (every field at its cap, escaped, the longest ids and amounts), times
/// the cap.
#[test]
fn bulk_cancel_logs_fit() {
    use offchainvm_contract::limits::{MAX_BULK_CANCEL, MAX_COMPLETED_EVENT};
    let worst = Worst::new();
    let payer = "b".repeat(64);
    let mut r = worst.request(None, None);
    r.payer = Some(payer.as_bytes());
    let bytes = stored(&r);
    let req = Request::decode(&bytes).unwrap();
    let usage = Usage { instructions: u64::MAX, time_ms: u64::MAX, memory_mb: Some(u64::MAX) };
    let money = Settled { charged: u128::MAX, refunded: u128::MAX };
    let log = events::execution_completed(&req, &usage, Some(b"cancelled by the owner"), money, u64::MAX);
    event(&log);
    assert!(log.len() <= MAX_COMPLETED_EVENT, "{} bytes", log.len());
    assert!(MAX_BULK_CANCEL * MAX_COMPLETED_EVENT <= 16_384 && MAX_BULK_CANCEL <= 100);
}

/// Strict worker compatibility: the events and request_data parse into typed
/// structs shaped like an off-chain worker's (plain types; `Option` only where
/// the near-sdk version may write null).
mod strict_worker {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Event<T> {
        pub standard: String,
        pub version: String,
        pub event: String,
        pub data: Vec<T>,
    }

    #[derive(Deserialize)]
    pub struct Requested {
        pub request_data: String,
        pub data_id: Vec<u8>,
        pub timestamp: u64,
    }

    #[derive(Deserialize, Debug, PartialEq)]
    pub struct CodeSource {
        pub repo: String,
        pub commit: String,
        pub build_target: Option<String>,
    }

    #[derive(Deserialize, Debug, PartialEq)]
    pub struct ResourceLimits {
        pub max_instructions: u64,
        pub max_memory_mb: u32,
        pub max_execution_seconds: u64,
    }

    #[derive(Deserialize, Debug, PartialEq)]
    pub enum ResponseFormat {
        Bytes,
        Text,
        Json,
    }

    #[derive(Deserialize, Debug)]
    pub struct RequestData {
        pub request_id: u64,
        pub sender_id: String,
        pub code_source: CodeSource,
        pub resource_limits: ResourceLimits,
        pub input_data: String,
        pub encrypted_secrets: Option<Vec<u8>>,
        pub response_format: ResponseFormat,
        pub payment: String,
        pub timestamp: u64,
    }

    #[derive(Deserialize, Debug)]
    pub struct ResourcesUsed {
        pub instructions: u64,
        pub time_ms: u64,
    }

    #[derive(Deserialize, Debug)]
    pub struct Completed {
        pub request_id: u64,
        pub sender_id: String,
        pub code_source: CodeSource,
        pub resources_used: ResourcesUsed,
        pub success: bool,
        pub error_message: Option<String>,
        pub payment_charged: String,
        pub payment_refunded: String,
        pub timestamp: u64,
    }

    fn parse<T: for<'de> Deserialize<'de>>(log: &[u8]) -> Event<T> {
        let body = std::str::from_utf8(log).unwrap().strip_prefix("EVENT_JSON:").unwrap();
        serde_json::from_str(body).unwrap_or_else(|e| panic!("a strict worker refuses {body}: {e}"))
    }

    #[test]
    fn requests_with_every_optional_field_missing_parse() {
        for (secrets, input, target) in
            [(None, None, None), (Some(&[7u8, 8][..]), Some(Raw(b"hi")), Some(Raw(&b"wasm32-wasip1"[..])))]
        {
            let mut r = new_request(secrets, input, target);
            r.format = Format::Bytes;
            let bytes = stored(&r);
            let req = Request::decode(&bytes).unwrap();
            let e: Event<Requested> = parse(&events::execution_requested(&req));
            assert_eq!((e.standard.as_str(), e.version.as_str()), ("near-offshore", "1.0.0"));
            assert_eq!(e.event, "execution_requested");
            assert_eq!(e.data[0].data_id, data_id().to_vec());
            assert_eq!(e.data[0].timestamp, r.timestamp);
            let d: RequestData = serde_json::from_str(&e.data[0].request_data).expect("request_data");
            assert_eq!(d.input_data, input.map_or("", |i| std::str::from_utf8(i.0).unwrap()), "\"\" when none");
            assert_eq!(d.encrypted_secrets.as_deref(), secrets);
            assert_eq!(d.response_format, ResponseFormat::Bytes);
            assert_eq!(d.code_source.build_target.is_some(), target.is_some());
            assert_eq!(
                d.resource_limits,
                ResourceLimits { max_instructions: 10_000_000, max_memory_mb: 64, max_execution_seconds: 5 }
            );
            assert_eq!(
                (d.request_id, d.sender_id.as_str(), d.payment.as_str()),
                (42, "user.testnet", "100000000000000000000000")
            );
            assert_eq!(d.timestamp, r.timestamp);
            // the get_request JSON is the same object
            let mut w = Writer::new();
            events::request_json(&mut w, &req);
            assert_eq!(
                serde_json::from_slice::<Value>(&w.0).unwrap(),
                serde_json::from_str::<Value>(&e.data[0].request_data).unwrap()
            );
        }
    }

    #[test]
    fn every_outcome_parses() {
        let bytes = stored(&new_request(None, None, None));
        let r = Request::decode(&bytes).unwrap();
        let used = Usage { instructions: 5, time_ms: 6, memory_mb: None };
        for (error, money) in [
            (None, Settled { charged: 10, refunded: 90 }),
            (Some(&b"execution failed"[..]), Settled { charged: 10, refunded: 90 }),
            (Some(&b"execution timed out"[..]), Settled { charged: 0, refunded: 100 }),
        ] {
            let e: Event<Completed> = parse(&events::execution_completed(&r, &used, error, money, 9));
            let c = &e.data[0];
            assert_eq!(e.event, "execution_completed");
            assert_eq!((c.success, c.error_message.as_deref().map(str::as_bytes)), (error.is_none(), error));
            assert_eq!(
                (c.payment_charged.parse::<u128>().unwrap(), c.payment_refunded.parse::<u128>().unwrap()),
                (money.charged, money.refunded)
            );
            assert_eq!((c.request_id, c.sender_id.as_str(), c.timestamp), (42, "user.testnet", 9));
            assert_eq!((c.resources_used.instructions, c.resources_used.time_ms), (5, 6));
            assert_eq!(c.code_source.repo, "https://github.com/user/project");
        }
    }
}
