//! `set_pricing` arguments: any subset of the four fees as decimal strings.
//! Each fee read must be what serde_json reads as a u128; fees not given stay.
#![no_main]

use libfuzzer_sys::fuzz_target;
use offchainvm_contract::args;
use offchainvm_contract::pricing::Pricing;
use offchainvm_fuzz::*;

fuzz_target!(|data: &[u8]| {
    let before = Pricing { base_fee: 1, per_instruction_fee: 2, per_mb_fee: 3, per_second_fee: 4 };
    let mut p = before;
    if accept(|| args::set_pricing(data, &mut p)).is_none() {
        return;
    }
    let json = serde_value(data);
    for (name, got, old) in [
        ("base_fee", p.base_fee, before.base_fee),
        ("per_instruction_fee", p.per_instruction_fee, before.per_instruction_fee),
        ("per_mb_fee", p.per_mb_fee, before.per_mb_fee),
        ("per_second_fee", p.per_second_fee, before.per_second_fee),
    ] {
        let want = match json.get(name) {
            Some(v) => {
                let s = v.as_str().expect("a fee accepted from a non-string");
                assert!(s.bytes().all(|c| c.is_ascii_digit()) && (s == "0" || !s.starts_with('0')), "{s:?}");
                s.parse::<u128>().expect("a fee accepted that is no u128")
            }
            None => old,
        };
        assert_eq!(got, want, "{name}");
    }
});
