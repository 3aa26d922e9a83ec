//! The stored records on arbitrary bytes: decoding never panics, and when it
//! succeeds, every accessor works and re-encoding gives the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use offchainvm_contract::state::{self, Accounts, Config, NewRequest, Request};
use offchainvm_fuzz::*;

fuzz_target!(|data: &[u8]| {
    accept(|| {
        config(data);
        request(data);
        if let Some((kind, body)) = state::decode_output(data) {
            assert_eq!(state::encode_output(kind, body), data);
        }
    })
    .expect("decoding stored records must never refuse");
});

fn config(data: &[u8]) {
    let Some(c) = Config::parse(data.to_vec()) else { return };
    let a = c.accounts();
    let (owner, operator, keystore) = (a.owner.to_vec(), a.operator.to_vec(), a.keystore.map(<[u8]>::to_vec));
    let (paused, next, pricing, stats) = (c.paused(), c.next_request_id(), *c.pricing(), c.stats());
    // Set back what was read, on a second decode: encoding gives the same bytes.
    let Some(mut again) = Config::parse(data.to_vec()) else { panic!("a record parsed once parses again") };
    again.set_accounts(&Accounts { owner: &owner, operator: &operator, keystore: keystore.as_deref() });
    again.set_paused(paused);
    again.set_next_request_id(next);
    *again.pricing_mut() = pricing;
    assert_eq!(again.encode(), data, "config record does not re-encode to itself");
    assert_eq!(again.stats(), stats);
    assert!(Config::parse(again.encode()).is_some());
}

fn request(data: &[u8]) {
    let Some(r) = Request::decode(data) else { return };
    let again = NewRequest {
        id: r.id(),
        payment: r.payment(),
        timestamp: r.timestamp(),
        pricing: &r.pricing(),
        limits: r.limits(),
        format: r.format,
        sender: r.sender,
        code: r.code,
        input_data: r.input_data,
        secrets: r.secrets,
        payer: r.payer,
    }
    .encode();
    // encode() writes has_output = false and a zeroed data id: set them back.
    let mut want = data.to_vec();
    want[state::HAS_OUTPUT_OFFSET] &= 0x10; // the layout nibble stays
    *state::data_id_mut(&mut want).unwrap() = [0; 32];
    assert_eq!(again, want, "request record does not re-encode to itself");
    assert_eq!(r.data_id().len(), 32);
    assert_eq!(Request::decode(&again).map(|q| (q.sender, q.code, q.input_data, q.secrets)), Some((r.sender, r.code, r.input_data, r.secrets)));
}
