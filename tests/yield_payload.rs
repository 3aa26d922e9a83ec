//! NEAR's 1024-byte yield payload: what `resolve_execution` carries inline, what must go through
//! `submit_execution_output`, and how a long error is shortened to fit.

mod common;

use common::checked_env::*;
use common::spec::*;
use common::vm::NEAR;
use serde_json::json;

/// NEAR's 1024-byte yield payload: the largest inline output that fits goes through, one
/// byte more is refused with the message to use submit_execution_output (and the two-call flow
/// then delivers it); a huge error is shortened at a UTF-8 boundary so reporting the failure
/// still succeeds.
#[test]
fn outputs_fit_the_yield_payload_or_go_through_submit() {
    let mut env = Env::new(10 * NEAR);
    // Found by trying, from the payload limit down.
    let (probe, payment) = env.simple_request(USER);
    let mut largest = 0;
    for n in (900..=YIELD_PAYLOAD_LIMIT).rev() {
        let o = env.call(
            OPERATOR,
            "resolve_execution",
            resolve_args(probe, true, Some(&text(&"x".repeat(n))), None, (1, 1, None)),
            0,
            CLI_GAS,
        );
        match &o.result {
            Err(m) => assert!(
                m.contains("response.output: over the 1024-byte yield payload: use submit_execution_output first"),
                "{n}: {m}"
            ),
            Ok(_) => {
                largest = n;
                let cb = Env::callbacks(&o).pop().unwrap();
                env.finish(&cb, probe, Prices::DEFAULT.charge(&Limits::SEED_EXAMPLE, payment, (1, 1, None)));
                assert_eq!(returned(&cb), json!("x".repeat(n)));
                break;
            }
        }
    }
    env.check();
    assert_eq!(largest, MAX_INLINE_OUTPUT, "the payload's room, as the spec's payload layout leaves it");
    println!(
        "largest inline output: {largest} bytes without memory_mb, {} with (payload limit {YIELD_PAYLOAD_LIMIT})",
        largest - 8
    );
    // The payload of that output is exactly the limit: nothing is wasted.
    assert_eq!(
        payload(probe, true, (1, 1, None), Some((1, "x".repeat(largest).as_bytes())), None).len(),
        YIELD_PAYLOAD_LIMIT
    );
    for memory in [None, Some(64)] {
        let fits = if memory.is_some() { largest - 8 } else { largest };
        for out in
            [text(&"\"".repeat(fits / 2)), Output::Bytes(vec![255; fits]), Output::Json(json!("j".repeat(fits - 2)))]
        {
            assert_eq!(out.body_len(), fits);
            let bigger = match &out {
                Output::Text(s) => text(&(s.clone() + "x")),
                Output::Bytes(b) => Output::Bytes([b.clone(), vec![0]].concat()),
                Output::Json(v) => Output::Json(json!(format!("{}j", v.as_str().unwrap()))),
            };
            let (id, _) = env.simple_request(USER);
            let o = env.call(
                OPERATOR,
                "resolve_execution",
                resolve_args(id, true, Some(&bigger), None, (1, 1, memory)),
                0,
                CLI_GAS,
            );
            must_fail(&o, "response.output: over the 1024-byte yield payload: use submit_execution_output first");
            env.check();
            // An error alongside a full output on success is dropped, never a reason to fail.
            let cb = env.resolve(id, true, Some(&out), Some(&"e".repeat(3000)), (1, 1, memory));
            assert_eq!(returned(&cb), out.returned());
            // One byte more goes through the two-call flow.
            let (id, _) = env.simple_request(USER);
            assert_eq!(
                env.call(OPERATOR, "submit_execution_output", submit_args(id, &bigger), 0, CLI_GAS).result,
                Ok(None)
            );
            env.live.get_mut(&id).unwrap().output = Some(bigger.clone());
            let cb = env.resolve(id, true, None, None, (1, 1, memory));
            assert_eq!(returned(&cb), bigger.returned());
        }
    }
    // Huge errors, cut so the failure can still be reported, at a character boundary; an
    // output sent with a failure is not carried, so it takes no room from the error.
    for (name, error, output) in [
        ("100 KiB of 2-byte characters", "é".repeat(51_200), None),
        ("a 4-byte character across the cut", "a".to_string() + &"😀".repeat(5000), None),
        ("3-byte characters", "€".repeat(3000), None),
        ("control characters", "\u{1}\n\"".repeat(3000), None),
        ("with a full inline output", "é".repeat(10_000), Some(text(&"x".repeat(largest)))),
        ("with an output over the payload", "é".repeat(10_000), Some(text(&"x".repeat(5000)))),
    ] {
        let (id, _) = env.simple_request(USER);
        let cb = env.resolve(id, false, output.as_ref(), Some(&error), (1, 1, None));
        let msg = failure(&cb.final_result);
        let reported =
            msg.strip_prefix("Smart contract panicked: Execution failed: ").unwrap_or_else(|| panic!("{name}: {msg}"));
        assert!(error.starts_with(reported), "{name}: the reported error is not a prefix of the error");
        assert!(reported.len() + 3 >= YIELD_PAYLOAD_LIMIT - 28 - 4, "{name}: shortened to {} bytes", reported.len());
        let ev = &events(&cb.logs, "execution_completed")[0]["data"][0];
        assert!(error.starts_with(ev["error_message"].as_str().unwrap()), "{name}: the event's error");
    }
    env.drain();
}
