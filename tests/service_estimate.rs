//! Issue 8, point 7: `estimate_required_deposit` returns exactly the least
//! deposit `request_execution` accepts: that deposit is accepted, one yocto
//! less is refused.

#[macro_use]
mod common;

use common::backend::{Backend, Status};
use common::scenarios::*;
use common::service::*;
use common::spec::*;
use serde_json::Value;

fn estimate(b: &mut common::vm_backend::VmBackend, args: &str, sender: Option<&str>) -> u128 {
    let mut v: Value = serde_json::from_str(args).unwrap();
    if let Some(s) = sender {
        v["sender_id"] = Value::from(s);
    }
    view(b, "estimate_required_deposit", &v.to_string()).as_str().expect("a decimal string").parse().unwrap()
}

#[test]
fn the_estimate_is_the_least_deposit_accepted() {
    let mut b = vm();
    let longest = "ab".repeat(32);
    for (args, sender) in [
        (SEED_REQUEST.to_string(), USER),
        (MINIMAL.to_string(), USER),
        (with_payer(PAYER), USER),
        (largest_request_args("Bytes"), USER),
        (with_payer(IMPLICIT), &longest[..]),
    ] {
        let want = estimate(&mut b, &args, Some(sender));
        let before = b.vm.storage_usage();
        let short = call(&mut b, sender, "request_execution", &args, want - 1);
        assert_fails_with(&short.status, "deposit too small");
        let tx = call(&mut b, sender, "request_execution", &args, want);
        assert_eq!(tx.status, Status::Waiting, "{args}");
        // independently: the estimate at the limits plus the stored bytes
        let limits: Value = request_data(&tx)["resource_limits"].clone();
        let l = Limits {
            instructions: limits["max_instructions"].as_u64().unwrap(),
            memory_mb: limits["max_memory_mb"].as_u64().unwrap(),
            seconds: limits["max_execution_seconds"].as_u64().unwrap(),
        };
        let added = (b.vm.storage_usage() - before) as u128;
        assert_eq!(want, Prices::DEFAULT.estimate(&l) + added * STORAGE_PRICE);
    }
    // without sender_id: enough for any sender (the longest id), exact for it
    let any = estimate(&mut b, SEED_REQUEST, None);
    assert_eq!(any, estimate(&mut b, SEED_REQUEST, Some(&longest)));
    assert!(any > estimate(&mut b, SEED_REQUEST, Some(USER)));
    // a price change moves it
    ok(&mut b, OWNER, "set_pricing", r#"{"base_fee": "1"}"#, 0);
    assert_eq!(estimate(&mut b, SEED_REQUEST, Some(USER)) + BASE_FEE - 1, {
        ok(&mut b, OWNER, "set_pricing", r#"{"base_fee": "10000000000000000000000"}"#, 0);
        estimate(&mut b, SEED_REQUEST, Some(USER))
    });
}

#[test]
fn bad_input_and_deposits_are_refused() {
    let mut b = vm();
    for (args, needle) in [
        ("{}", "code_source: missing field"),
        (r#"{"code_source": {"repo": "r", "commit": "c"}, "sender_id": "Bad"}"#, "sender_id"),
        (r#"{"code_source": {"repo": "r", "commit": "c"}, "payer_account_id": 1}"#, "payer_account_id"),
        (r#"{"code_source": {"repo": "r", "commit": "c"}, "resource_limits": {"max_memory_mb": 1025}}"#, "1024"),
    ] {
        let e = b.view("estimate_required_deposit", args.as_bytes()).unwrap_err();
        assert!(e.contains(needle), "{args}: {e}");
    }
    refused(&mut b, USER, "estimate_required_deposit", MINIMAL, 1, "takes no deposit");
}
