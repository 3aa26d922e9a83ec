//! `estimate_execution_cost` arguments (`{"resource_limits": ...}`, all
//! optional, empty input too): limits within their caps, as serde_json reads
//! them, and an estimate that fits at the default prices.
#![no_main]

use libfuzzer_sys::fuzz_target;
use offchainvm_contract::args;
use offchainvm_contract::limits::Limits;
use offchainvm_contract::pricing::Pricing;
use offchainvm_fuzz::*;

fuzz_target!(|data: &[u8]| {
    let Some(l) = accept(|| args::estimate(data)) else { return };
    assert_within_caps(&l);
    assert!(Pricing::DEFAULT.estimate(&l).is_some());
    if data.iter().all(u8::is_ascii_whitespace) {
        assert_eq!(l, Limits::DEFAULT);
        return;
    }
    let json = serde_value(data);
    let rl = &json["resource_limits"];
    for (name, got, default) in [
        ("max_instructions", l.max_instructions, Limits::DEFAULT.max_instructions),
        ("max_memory_mb", l.max_memory_mb, Limits::DEFAULT.max_memory_mb),
        ("max_execution_seconds", l.max_execution_seconds, Limits::DEFAULT.max_execution_seconds),
    ] {
        assert_eq!(got, rl.get(name).and_then(|v| v.as_u64()).unwrap_or(default), "{name}");
    }
});
