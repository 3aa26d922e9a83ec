//! NEAR's limits at their edges: u128 amounts, the 16 KiB log limit with the largest request,
//! 4 MiB arguments. (The yield payload's limit: `yield_payload.rs`.)

mod common;

use common::checked_env::*;
use common::spec::*;
use common::vm::{NEAR, TGAS};
use serde_json::{json, Value};

/// u128 overflow: prices whose maximum estimate would overflow are refused with a clear
/// message; usage reported as u64::MAX everywhere is charged exactly the estimate (capped at the
/// limits), never more than the payment, on default and on large prices.
#[test]
fn prices_and_usage_never_overflow_u128() {
    let mut env = Env::new(10 * NEAR);
    for name in ["base_fee", "per_instruction_fee", "per_mb_fee", "per_second_fee"] {
        let o = env.call(OWNER, "set_pricing", format!(r#"{{"{name}":"{}"}}"#, u128::MAX), 0, CLI_GAS);
        must_fail(&o, "pricing too large: max limits' cost overflows u128");
    }
    let max = u128::MAX.to_string();
    let all = format!(
        r#"{{"base_fee":"{max}","per_instruction_fee":"{max}","per_mb_fee":"{max}","per_second_fee":"{max}"}}"#
    );
    must_fail(&env.call(OWNER, "set_pricing", all, 0, CLI_GAS), "pricing too large");
    must_fail(
        &env.call(OWNER, "set_pricing", &br#"{"base_fee":"340282366920938463463374607431768211456"}"#[..], 0, CLI_GAS),
        "base_fee: over u128::MAX",
    );
    must_fail(
        &env.call(OWNER, "set_pricing", &br#"{"base_fee":340282366920938463463374607431768211455}"#[..], 0, CLI_GAS),
        "base_fee: expected a decimal string",
    );
    env.check();

    // The largest base fee the maximum limits allow is accepted, one more is not; a request at
    // that price cannot be paid and fails cleanly.
    let rest = Prices { base: 0, ..Prices::DEFAULT }.estimate(&Limits::CAP);
    let largest = u128::MAX - rest;
    must_fail(
        &env.call(OWNER, "set_pricing", format!(r#"{{"base_fee":"{}"}}"#, largest + 1), 0, CLI_GAS),
        "pricing too large",
    );
    assert_eq!(env.call(OWNER, "set_pricing", format!(r#"{{"base_fee":"{largest}"}}"#), 0, CLI_GAS).result, Ok(None));
    env.prices.base = largest;
    assert_eq!(env.view("estimate_execution_cost", &serde_json::to_string(&json!({"resource_limits": {"max_instructions": CAP_INSTRUCTIONS, "max_memory_mb": CAP_MEMORY_MB, "max_execution_seconds": CAP_SECONDS}})).unwrap()), json!(u128::MAX.to_string()));
    let o = env.call(USER, "request_execution", Request::seed(Limits::CAP).bytes(), 1000 * NEAR, CLI_GAS);
    assert!(
        o.result.as_ref().unwrap_err().contains("overflows u128")
            || o.result.as_ref().unwrap_err().contains("too small"),
        "{:?}",
        o.result
    );
    env.check();
    assert_eq!(
        env.call(OWNER, "set_pricing", format!(r#"{{"base_fee":"{}"}}"#, Prices::DEFAULT.base), 0, CLI_GAS).result,
        Ok(None)
    );
    env.prices = Prices::DEFAULT;

    let absurd = (u64::MAX, u64::MAX, Some(u64::MAX));
    for (limits, memory) in [
        (Limits::SEED_EXAMPLE, Some(u64::MAX)),
        (Limits::SEED_EXAMPLE, None),
        (Limits::CAP, Some(u64::MAX)),
        (Limits { instructions: 1, memory_mb: 0, seconds: 0 }, Some(u64::MAX)),
    ] {
        let a = Request::seed(limits);
        let deposit = a.required(&env.prices, USER).unwrap() + NEAR;
        let (id, _) = env.request(USER, &a, deposit);
        let cb = env.resolve(id, true, None, None, (u64::MAX, u64::MAX, memory));
        assert_eq!(env.ended[&id].0, env.prices.estimate(&limits), "charged exactly the estimate");
        assert!(cb.result.is_ok());
    }
    // Large (but allowed) prices: 1 NEAR per million instructions, per MB and per second.
    let big = Prices { base: NEAR, per_minstr: NEAR, per_mb: NEAR, per_sec: NEAR };
    let o = env.call(
        OWNER,
        "set_pricing",
        format!(
            r#"{{"base_fee":"{NEAR}","per_instruction_fee":"{NEAR}","per_mb_fee":"{NEAR}","per_second_fee":"{NEAR}"}}"#
        ),
        1,
        CLI_GAS,
    );
    assert_eq!(o.result, Ok(None));
    env.tips += 1;
    env.prices = big;
    let a = Request::seed(Limits::CAP);
    let estimate = big.estimate(&Limits::CAP);
    assert_eq!(estimate, NEAR * (1 + 100_000 + 1024 + 60));
    let payment = a.required(&big, USER).unwrap();
    let (id, _) = env.request(USER, &a, payment);
    env.resolve(id, true, None, None, absurd);
    assert_eq!(env.ended[&id], (estimate, payment - estimate));
    let (id, _) = env.request(USER, &a, a.required(&big, USER).unwrap());
    env.resolve(id, false, None, Some("x"), absurd);
    assert_eq!(env.ended[&id].0, NEAR, "a failure keeps the base fee");
    env.drain();
}

const LONGEST_SENDER: &str = IMPLICIT;

/// NEAR's log limit (16 KiB per log and per receipt) with the largest allowed request: it
/// succeeds with near-cli's gas and its event fits; one byte over any cap is refused by name.
#[test]
fn the_largest_request_fits_the_log_limit() {
    let mut env = Env::new(10 * NEAR);
    let variants = [
        ("escaped quotes", Request::largest("Bytes")),
        (
            "\\u0001 escapes",
            Request {
                repo: "\u{1}".repeat(CAP_REPO / 6),
                commit: "\u{1}".repeat(CAP_COMMIT / 6),
                build_target: Some("\u{1}".repeat(CAP_BUILD_TARGET / 6)),
                input_data: Some("\u{1}".repeat(CAP_INPUT / 6)),
                ..Request::largest("Bytes")
            },
        ),
        (
            "4-byte characters",
            Request {
                repo: "😀".repeat(CAP_REPO / 4),
                commit: "😀".repeat(CAP_COMMIT / 4),
                build_target: Some("😀".repeat(CAP_BUILD_TARGET / 4)),
                input_data: Some("😀".repeat(CAP_INPUT / 4)),
                ..Request::largest("Bytes")
            },
        ),
    ];
    let mut largest_log = 0;
    for (name, a) in &variants {
        assert!(a.valid(), "{name}");
        let deposit = a.required(&env.prices, LONGEST_SENDER).unwrap();
        let (id, o) = env.request(LONGEST_SENDER, a, deposit);
        let log = o.logs[0].len();
        assert!(log < LOG_LIMIT, "{name}: a {log}-byte event");
        largest_log = largest_log.max(log);
        let data: Value = serde_json::from_str(
            events(&o.logs, "execution_requested")[0]["data"][0]["request_data"].as_str().unwrap(),
        )
        .unwrap();
        assert_eq!(data["input_data"], json!(a.input_data), "{name}: request_data round-trips");
        assert_eq!(data["code_source"]["repo"], json!(a.repo));
        // The callback's event, with the longest error the payload carries (control characters:
        // six bytes each once escaped), fits too.
        let error = "\u{1}".repeat(2000);
        let cb = env.resolve(id, false, None, Some(&error), (u64::MAX, u64::MAX, Some(u64::MAX)));
        let total: usize = cb.logs.iter().map(String::len).sum();
        assert!(total < LOG_LIMIT, "{name}: callback logs {total} bytes");
        let ev = &events(&cb.logs, "execution_completed")[0]["data"][0];
        assert!(ev["error_message"].as_str().unwrap().len() <= 256);
    }
    println!("largest execution_requested event: {largest_log} bytes (limit {LOG_LIMIT})");
    // One over each cap: refused, naming the field and the cap.
    let over: [(&str, Request); 8] = [
        (
            "code_source.repo: at most 512 bytes",
            Request { repo: "x".repeat(CAP_REPO + 1), ..Request::largest("Bytes") },
        ),
        (
            "code_source.commit: at most 128 bytes",
            Request { commit: "\"".repeat(CAP_COMMIT / 2) + "x", ..Request::largest("Bytes") },
        ),
        (
            "code_source.build_target: at most 64 bytes",
            Request { build_target: Some("x".repeat(CAP_BUILD_TARGET + 1)), ..Request::largest("Bytes") },
        ),
        (
            "input_data: at most 4096 bytes",
            Request { input_data: Some("\"".repeat(CAP_INPUT / 2) + "x"), ..Request::largest("Bytes") },
        ),
        (
            "encrypted_secrets: at most 1024 bytes",
            Request { secrets: Some(vec![1; CAP_SECRETS + 1]), ..Request::largest("Bytes") },
        ),
        (
            "max_instructions: at most 100000000000",
            Request {
                limits: Some(Limits { instructions: CAP_INSTRUCTIONS + 1, ..Limits::CAP }),
                ..Request::largest("Bytes")
            },
        ),
        (
            "max_memory_mb: at most 1024",
            Request {
                limits: Some(Limits { memory_mb: CAP_MEMORY_MB + 1, ..Limits::CAP }),
                ..Request::largest("Bytes")
            },
        ),
        (
            "max_execution_seconds: at most 60",
            Request { limits: Some(Limits { seconds: CAP_SECONDS + 1, ..Limits::CAP }), ..Request::largest("Bytes") },
        ),
    ];
    for (msg, a) in over {
        assert!(!a.valid());
        must_fail(&env.call(USER, "request_execution", a.bytes(), 10 * NEAR, CLI_GAS), msg);
        env.check();
    }
    // get_max_limits reports every cap, each the spec's number (tests/common/spec) (the contract writes each
    // once, for its check, its message and this view).
    assert_eq!(
        env.view("get_max_limits", ""),
        json!({
            "max_instructions": CAP_INSTRUCTIONS,
            "max_memory_mb": CAP_MEMORY_MB,
            "max_execution_seconds": CAP_SECONDS,
            "max_repo_bytes": CAP_REPO,
            "max_commit_bytes": CAP_COMMIT,
            "max_build_target_bytes": CAP_BUILD_TARGET,
            "max_input_data_bytes": CAP_INPUT,
            "max_encrypted_secrets_bytes": CAP_SECRETS,
            "max_output_bytes": CAP_OUTPUT,
            "max_yield_payload_bytes": YIELD_PAYLOAD_LIMIT,
        })
    );
    env.drain();
}

/// Arguments at NEAR's own size limit (max_arguments_length, 4 MiB): each fails cleanly (a
/// cap error or out of gas), writes nothing and gives the deposit back.
#[test]
fn four_mib_arguments_fail_cleanly() {
    let mut env = Env::new(10 * NEAR);
    let (pending, _) = env.simple_request(USER);
    let max = env.vm.config().wasm_config.limit_config.max_arguments_length as usize;
    let fill = |head: &str, filler: &str, tail: &str| -> Vec<u8> {
        let n = (max - head.len() - tail.len()) / filler.len();
        [head.as_bytes(), filler.repeat(n).as_bytes(), tail.as_bytes()].concat()
    };
    let code = r#"{"code_source":{"repo":"r","commit":"c"},"#;
    let cases: Vec<(&str, &str, Vec<u8>)> = vec![
        ("request_execution", "input_data", fill(&format!(r#"{code}"input_data":""#), "x", "\"}")),
        ("request_execution", "unknown field", fill(&format!(r#"{code}"junk":""#), "x", "\"}")),
        ("request_execution", "secrets", fill(&format!(r#"{code}"encrypted_secrets":["#), "1,", "1]}")),
        ("request_execution", "repo", fill(r#"{"code_source":{"commit":"c","repo":""#, "\\\"", "\"}}")),
        ("request_execution", "whitespace", fill("{", " ", "}")),
        ("request_execution", "nesting", fill(&format!(r#"{code}"junk":"#), "[", "")),
        ("request_execution", "unknown numbers", fill(&format!(r#"{code}"junk":"#), "9", "}")),
        (
            "resolve_execution",
            "Text output",
            fill(
                &format!(
                    r#"{{"request_id":{pending},"response":{{"success":true,"resources_used":{{"instructions":1,"time_ms":1}},"output":{{"Text":""#
                ),
                "x",
                "\"}}}",
            ),
        ),
        (
            "resolve_execution",
            "error",
            fill(
                &format!(
                    r#"{{"request_id":{pending},"response":{{"success":false,"resources_used":{{"instructions":1,"time_ms":1}},"error":""#
                ),
                "é",
                "\"}}",
            ),
        ),
        (
            "submit_execution_output",
            "Bytes output",
            fill(&format!(r#"{{"request_id":{pending},"output":{{"Bytes":["#), "255,", "1]}}"),
        ),
        ("set_pricing", "a 4 MiB amount", fill(r#"{"base_fee":""#, "9", "\"}")),
        ("set_operator", "a 4 MiB account id", fill(r#"{"new_operator_id":""#, "a", "\"}")),
        ("get_request", "a 4 MiB id", fill(r#"{"request_id":"#, "1", "}")),
    ];
    for (method, name, args) in cases {
        assert!(args.len() <= max && args.len() > max - 8, "{name}: {} bytes", args.len());
        for gas in [CLI_GAS, MAX_GAS] {
            let (who, deposit) = match method {
                "request_execution" => (USER, NEAR),
                "set_pricing" | "set_operator" => (OWNER, 0),
                "get_request" => (OTHER, 0),
                _ => (OPERATOR, 0),
            };
            let o = env.call(who, method, args.clone(), deposit, gas);
            let Err(msg) = &o.result else {
                println!("    {method:24} {name:18} {:3} Tgas: ok, burnt {:.1} Tgas", gas / TGAS, tgas(o.gas_burnt));
                match name {
                    // The operator's long error is shortened to fit the payload.
                    "error" => {
                        let cb = Env::callbacks(&o).pop().unwrap();
                        env.finish(&cb, pending, Prices::DEFAULT.base);
                    }
                    // Unknown fields are skipped (as near-sdk's serde does): the request is
                    // stored without it.
                    "unknown field" | "unknown numbers" => {
                        let id = env.after_request(who, deposit, &o, None);
                        assert!(env.vm.storage(&request_key(id)).unwrap().len() < 300);
                    }
                    _ => panic!("{method} with {name} succeeded"),
                }
                env.check();
                continue;
            };
            println!(
                "    {method:24} {name:18} {:3} Tgas: burnt {:6.1} Tgas, {msg}",
                gas / TGAS,
                o.gas_burnt as f64 / TGAS as f64
            );
            env.check();
        }
    }
    env.drain();
}

/// The wasm's 4 KiB stack (build.sh) holds the deepest JSON the reader accepts, in both readers
/// that recurse: an unknown field's value (skipped) and a Json output (kept). Deeper input is
/// refused by the depth cap with its message, never by a trap.
#[test]
fn the_deepest_json_accepted_fits_the_wasm_stack() {
    let mut env = Env::new(10 * NEAR);
    // Arrays and objects in turn, `levels` deep, around a null.
    let nested = |levels: usize| {
        let (mut open, mut close) = (String::new(), String::new());
        for i in 0..levels {
            if i % 2 == 0 {
                open.push('[');
                close.insert(0, ']');
            } else {
                open.push_str(r#"{"a":"#);
                close.insert(0, '}');
            }
        }
        format!("{open}null{close}")
    };
    let mut deepest = [0; 2];
    for levels in 1..=40 {
        let skipped = format!(r#"{{"code_source":{{"repo":"r","commit":"c"}},"junk":{}}}"#, nested(levels));
        let kept = format!(r#"{{"request_id":999,"output":{{"Json":{}}}}}"#, nested(levels));
        let calls = [
            // A view's result when it parsed; the request id is unknown, so a submit that parsed
            // is refused for that instead.
            (OTHER, "estimate_required_deposit", skipped, None),
            (OPERATOR, "submit_execution_output", kept, Some("no pending request with this id")),
        ];
        for (i, (who, method, args, after_parse)) in calls.into_iter().enumerate() {
            let o = env.call(who, method, args, 0, CLI_GAS);
            let parsed = match (&o.result, after_parse) {
                (Ok(_), None) => true,
                (Err(m), Some(after)) if m.contains(after) => true,
                (Err(m), _) if m.ends_with("nested too deeply") => false,
                (r, _) => panic!("{method} at {levels} levels: {r:?}"),
            };
            if parsed {
                assert_eq!(deepest[i], levels - 1, "{method}: accepted {levels} levels after refusing fewer");
                deepest[i] = levels;
            }
        }
    }
    // The top-level object and the output's object count as levels of the 32 allowed.
    assert_eq!(deepest, [31, 30], "the deepest nesting each reader accepted");
    env.check();
}
