//! `request_execution` arguments. Accepted arguments must be within every cap,
//! their strings valid JSON string bodies, the stored record must decode to the
//! same values, and the `execution_requested` event built from it (with every
//! fixed field at its maximum) must be valid JSON within NEAR's log limit and
//! carry the request as sent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use offchainvm_contract::args;
use offchainvm_contract::events;
use offchainvm_contract::limits;
use offchainvm_contract::pricing::Pricing;
use offchainvm_contract::state::Request;
use offchainvm_fuzz::*;

fuzz_target!(|data: &[u8]| {
    let Some(a) = accept(|| args::request_execution(data)) else { return };
    let json = serde_value(data);

    assert_within_caps(&a.limits);
    let c = &a.code;
    assert!(!c.repo.0.is_empty() && c.repo.0.len() <= limits::MAX_REPO);
    assert!(!c.commit.0.is_empty() && c.commit.0.len() <= limits::MAX_COMMIT);
    assert!(c.build_target.map_or(0, |t| t.0.len()) <= limits::MAX_BUILD_TARGET);
    assert!(a.input_data.map_or(0, |d| d.0.len()) <= limits::MAX_INPUT_DATA);
    assert!(a.secrets.as_ref().map_or(0, Vec::len) <= limits::MAX_SECRETS);
    // Every string kept must be a valid JSON string body, as serde_json reads it.
    let cs = &json["code_source"];
    let (repo, commit, target, input) = (raw_text(c.repo), raw_text(c.commit), c.build_target.map(raw_text), a.input_data.map(raw_text));
    assert_eq!(repo, cs["repo"].as_str().unwrap());
    assert_eq!(commit, cs["commit"].as_str().unwrap());
    assert_eq!(target.as_deref(), cs.get("build_target").and_then(|t| t.as_str()));
    assert_eq!(input.as_deref(), json.get("input_data").and_then(|t| t.as_str()));
    // Any cost estimate within the caps fits at the default prices.
    assert!(Pricing::DEFAULT.estimate(&a.limits).is_some());

    let sender = [b'z'; 64];
    let max = Pricing { base_fee: u128::MAX, per_instruction_fee: u128::MAX, per_mb_fee: u128::MAX, per_second_fee: u128::MAX };
    let rec = a.record(u64::MAX, u128::MAX, u64::MAX, &max, &sender).encode();
    let r = Request::decode(&rec).expect("a freshly encoded request must decode");
    assert_eq!((r.code, r.input_data, r.secrets, r.format, *r.limits()), (a.code, a.input_data, a.secrets.as_deref(), a.format, a.limits));

    let event = check_event(&events::execution_requested(&r));
    let data = &event["data"][0];
    let inner: serde_json::Value = serde_json::from_str(data["request_data"].as_str().expect("request_data is a string"))
        .expect("request_data holds JSON");
    let ics = &inner["code_source"];
    assert_eq!((ics["repo"].as_str(), ics["commit"].as_str()), (Some(&repo[..]), Some(&commit[..])));
    assert_eq!((ics["build_target"].as_str(), inner["input_data"].as_str()), (target.as_deref(), Some(input.as_deref().unwrap_or(""))));
    let secrets: Option<Vec<u64>> = inner["encrypted_secrets"].as_array().map(|v| v.iter().map(|b| b.as_u64().unwrap()).collect());
    assert_eq!(secrets, a.secrets.as_ref().map(|s| s.iter().map(|&b| b as u64).collect()));
    assert_eq!(inner["response_format"].as_str().map(str::as_bytes), Some(a.format.name()));
});
