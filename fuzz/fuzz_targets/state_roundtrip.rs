//! Stored records from arbitrary field values: encode then decode gives the
//! same values back, and the in-place setters change only their own field.
#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use offchainvm_contract::json::Raw;
use offchainvm_contract::limits::Limits;
use offchainvm_contract::pricing::Pricing;
use offchainvm_contract::state::{Accounts, CodeSource, Config, Format, NewRequest, Request};

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    id: u64,
    payment: u128,
    timestamp: u64,
    fees: [u128; 4],
    limits: [u64; 3],
    format: u8,
    sender: &'a [u8],
    repo: &'a [u8],
    commit: &'a [u8],
    build_target: Option<&'a [u8]>,
    input_data: Option<&'a [u8]>,
    secrets: Option<&'a [u8]>,
    owner: &'a [u8],
    operator: &'a [u8],
    keystore: Option<&'a [u8]>,
    paused: bool,
    next_id: u64,
    executions: u8,
    fee: u128,
}

fuzz_target!(|x: Input| {
    let pricing = Pricing { base_fee: x.fees[0], per_instruction_fee: x.fees[1], per_mb_fee: x.fees[2], per_second_fee: x.fees[3] };
    let limits = Limits { max_instructions: x.limits[0], max_memory_mb: x.limits[1], max_execution_seconds: x.limits[2] };
    let format = Format::from_u8(x.format % 3).unwrap();
    let code = CodeSource { repo: Raw(x.repo), commit: Raw(x.commit), build_target: x.build_target.map(Raw) };
    let rec = NewRequest {
        id: x.id,
        payment: x.payment,
        timestamp: x.timestamp,
        pricing: &pricing,
        limits: &limits,
        format,
        sender: x.sender,
        code,
        input_data: x.input_data.map(Raw),
        secrets: x.secrets,
        payer: None,
    }
    .encode();
    let r = Request::decode(&rec).expect("an encoded request must decode");
    assert_eq!((r.id(), r.payment(), r.timestamp(), r.pricing(), *r.limits()), (x.id, x.payment, x.timestamp, pricing, limits));
    assert_eq!((r.format, r.sender, r.code, r.input_data, r.secrets), (format, x.sender, code, x.input_data.map(Raw), x.secrets));
    assert!(!r.has_output());
    assert_eq!(r.data_id(), &[0u8; 32]);

    let mut c = Config::new(x.owner, x.operator);
    c.set_accounts(&Accounts { owner: x.owner, operator: x.operator, keystore: x.keystore });
    c.set_paused(x.paused);
    c.set_next_request_id(x.next_id);
    *c.pricing_mut() = pricing;
    let mut fees = 0u128;
    for _ in 0..x.executions % 4 {
        c.add_execution(x.fee);
        fees = fees.saturating_add(x.fee);
    }
    let c = Config::parse(c.encode()).expect("an encoded config must parse");
    let a = c.accounts();
    assert_eq!((a.owner, a.operator, a.keystore), (x.owner, x.operator, x.keystore));
    assert_eq!((c.paused(), c.next_request_id(), *c.pricing()), (x.paused, x.next_id, pricing));
    assert_eq!(c.stats(), ((x.executions % 4) as u64, fees));
});
