//! The gas the request reserves for its callback covers the callback's worst case (the largest
//! output, returned as base64, and the refund) at the least gas `request_execution` accepts,
//! also when the refund goes to an implicit account.

mod common;

use common::checked_env::*;
use common::spec::*;
use common::vm::{NEAR, TGAS};
use serde_json::json;

/// Runs the worst-case callback paths for the largest request made by `sender` with `gas`: the
/// largest output (32 KiB of Bytes, returned as base64) via submit, then success, failure and
/// timeout. Returns (the least gas a yield got, the most gas a callback used).
fn worst_case_callbacks(env: &mut Env, sender: &str, gas: u64) -> (u64, u64) {
    let a = Request::largest("Bytes");
    let output = Output::Bytes(vec![255; CAP_OUTPUT]);
    let deposit = a.required(&env.prices, sender).unwrap() + storage_cost(output_record_bytes(CAP_OUTPUT));
    let mut yield_gas = u64::MAX;
    let mut most = 0;
    for path in ["success", "failure", "timeout"] {
        let o = env.call(sender, "request_execution", a.bytes(), deposit, gas);
        assert!(o.result.is_ok(), "request with {gas} gas: {:?}", o.result);
        let id = env.after_request(sender, deposit, &o, Some(&a));
        let y = env.vm.pending_yields().iter().find(|y| y.data_id == o.yields_created[0]).unwrap().gas;
        yield_gas = yield_gas.min(y);
        let s = env.call(OPERATOR, "submit_execution_output", submit_args(id, &output), 0, CLI_GAS);
        assert_eq!(s.result, Ok(None), "submitting 32 KiB with near-cli's gas");
        env.live.get_mut(&id).unwrap().output = Some(output.clone());
        let cb = match path {
            "success" => env.resolve(id, true, None, None, (u64::MAX, u64::MAX, None)),
            "failure" => env.resolve(id, false, None, Some(&"é".repeat(5000)), (u64::MAX, u64::MAX, None)),
            _ => {
                let cb = env.end_yield(id, None);
                env.finish(&cb, id, 0);
                cb
            }
        };
        if path == "success" {
            assert_eq!(returned(&cb), output.returned());
        }
        // Gas used: burnt, plus what the refund and the failure receipt prepay.
        most = most.max(cb.gas_used);
        println!(
            "    {path:8} callback: burnt {:.2}, used {:.2} of {:.2} Tgas",
            tgas(cb.gas_burnt),
            tgas(cb.gas_used),
            tgas(y)
        );
        env.check();
    }
    (yield_gas, most)
}

/// The least prepaid gas (to 0.01 Tgas) with which `sender`'s largest request is accepted.
fn least_gas_accepted(env: &mut Env, sender: &str) -> u64 {
    let a = Request::largest("Bytes");
    let deposit = a.required(&env.prices, sender).unwrap();
    let (mut lo, mut hi) = (TGAS, CLI_GAS);
    while hi - lo > TGAS / 100 {
        let mid = (lo + hi) / 2;
        let o = env.call(sender, "request_execution", a.bytes(), deposit, mid);
        match &o.result {
            Ok(_) => {
                env.after_request(sender, deposit, &o, Some(&a));
                hi = mid;
            }
            Err(m) => {
                assert!(m.contains("not enough gas") || m.contains("Exceeded the prepaid gas"), "{m}");
                lo = mid;
            }
        }
    }
    hi
}

/// A 64-character named account: the longest sender whose refund is a plain transfer.
const LONGEST_NAMED: &str = concat!("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", ".near");

/// Trie nodes the pessimistic mode charges per storage call: a deep account trie on mainnet,
/// none of it cached.
const PESSIMISTIC_TRIE_DEPTH: u64 = 20;

/// The callback's worst case (largest request, 32 KiB Bytes output returned as base64,
/// refund, event, failure receipt) completes within the gas the request reserved, with
/// near-cli's 30 Tgas and with the least gas request_execution accepts, also when every storage
/// call pays for a deep trie.
#[test]
fn the_largest_output_callback_fits_its_reserved_gas() {
    for depth in [0, PESSIMISTIC_TRIE_DEPTH] {
        println!("trie-node charges for a depth of {depth}:");
        the_largest_output_callback_fits_its_reserved_gas_at(depth);
    }
}

fn the_largest_output_callback_fits_its_reserved_gas_at(depth: u64) {
    assert_eq!(LONGEST_NAMED.len(), 64);
    let mut env = Env::new(10 * NEAR);
    env.vm.set_trie_depth(depth);
    // What the operator's submit of the largest output costs, per kind.
    for out in [
        Output::Bytes(vec![255; CAP_OUTPUT]),
        text(&"\"".repeat(CAP_OUTPUT / 2)),
        Output::Json(json!("j".repeat(CAP_OUTPUT - 2))),
    ] {
        let (id, _) = env.request(USER, &Request::seed(Limits::SEED_EXAMPLE), 2 * NEAR);
        let o = env.call(OPERATOR, "submit_execution_output", submit_args(id, &out), 0, CLI_GAS);
        assert_eq!(o.result, Ok(None), "the largest output, submitted with near-cli's 30 Tgas");
        env.live.get_mut(&id).unwrap().output = Some(out.clone());
        let kind = ["Bytes", "Text", "Json"][match out {
            Output::Bytes(_) => 0,
            Output::Text(_) => 1,
            Output::Json(_) => 2,
        }];
        println!(
            "submit_execution_output, largest {kind} output ({} bytes of arguments): {:.1} Tgas",
            submit_args(id, &out).len(),
            tgas(o.gas_burnt)
        );
        env.resolve(id, true, None, None, (1, 1, None));
    }
    println!("largest request from {LONGEST_NAMED} with near-cli's 30 Tgas:");
    let (y, used) = worst_case_callbacks(&mut env, LONGEST_NAMED, CLI_GAS);
    assert!(used <= y);
    let least = least_gas_accepted(&mut env, LONGEST_NAMED);
    println!("least gas accepted for the largest request: {:.2} Tgas; with it:", tgas(least));
    let (y, used) = worst_case_callbacks(&mut env, LONGEST_NAMED, least);
    println!(
        "reserved {:.2} Tgas, worst callback used {:.2} Tgas, headroom {:.2} Tgas",
        tgas(y),
        tgas(used),
        tgas(y - used)
    );
    // The VM charges no trie-node touches (a few per storage call on chain): keep a margin.
    assert!(y >= used + TGAS / 2, "the callback's worst case leaves less than 0.5 Tgas of the reserved gas");
    env.drain();
}

/// The refund of a request made by an implicit account (64 hex characters, or 0x + 40 for an
/// Ethereum-style one) is a transfer that may create the account: since protocol 85 it prepays
/// create_account's execution fee (7.2 Tgas). Found here when the callback reserved 5 Tgas for
/// every sender: with the least gas `request_execution` accepted, the callback ran out of gas,
/// reverting its refund. Now such senders get CALLBACK_GAS_IMPLICIT: every callback path
/// completes even with the least gas the request accepts.
#[test]
fn callback_gas_covers_a_refund_to_an_implicit_account() {
    for (sender, depth) in [IMPLICIT, "0x1234567890abcdef1234567890abcdef12345678"]
        .into_iter()
        .flat_map(|s| [(s, 0), (s, PESSIMISTIC_TRIE_DEPTH)])
    {
        let mut env = Env::new(10 * NEAR);
        env.vm.set_trie_depth(depth);
        // The seed's small request, with the least gas accepted for it.
        let a = Request::seed(Limits::SEED_EXAMPLE);
        let deposit = a.required(&env.prices, sender).unwrap();
        let mut gas = TGAS;
        let o = loop {
            let o = env.call(sender, "request_execution", a.bytes(), deposit, gas);
            if o.result.is_ok() {
                break o;
            }
            gas += TGAS / 10;
        };
        let id = env.after_request(sender, deposit, &o, Some(&a));
        println!("{sender}: request accepted with {:.1} Tgas", tgas(gas));
        env.resolve(id, true, None, None, (1, 1, None));
        // and the largest request: every callback path
        let least = least_gas_accepted(&mut env, sender);
        worst_case_callbacks(&mut env, sender, least);
        env.drain();
    }
}
