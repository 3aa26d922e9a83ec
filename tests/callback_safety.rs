//! The callback never panics and only the protocol can call it: a panic would revert its refund
//! and clean-up. Outsiders calling it or `fail_execution` are refused; garbage, truncated and
//! doctored payloads end the request with a full refund; odd contents are charged as they say.

mod common;

use common::checked_env::*;
use common::rng::Rng;
use common::spec::*;
use common::vm::{FinalResult, NEAR};

/// `on_execution_response` and `fail_execution` are private: an outsider's call fails, with
/// or without a deposit, and changes nothing; the request still resolves normally afterwards.
#[test]
fn outsiders_cannot_call_the_callback_or_fail_execution() {
    let mut env = Env::new(10 * NEAR);
    for who in [USER, OTHER, OWNER, OPERATOR, "evil.testnet"] {
        // Fresh requests for each outsider: its 15 calls take blocks, well inside the timeout.
        let (id, _) = env.simple_request(USER);
        let (other_id, _) = env.simple_request(OTHER);
        env.check();
        let cases: [(&str, Vec<u8>); 5] = [
            ("on_execution_response", id.to_le_bytes().to_vec()),
            ("on_execution_response", other_id.to_le_bytes().to_vec()),
            ("on_execution_response", Vec::new()),
            ("fail_execution", b"pwned".to_vec()),
            ("fail_execution", Vec::new()),
        ];
        for (method, args) in cases {
            for deposit in [0, 1, NEAR] {
                let o = env.call(who, method, args.clone(), deposit, CLI_GAS);
                assert_eq!(o.result, Err("Smart contract panicked: private method".into()), "{method} by {who}");
                env.check();
            }
        }
        assert!(env.live.contains_key(&id) && env.live.contains_key(&other_id), "no outsider ended a request");
        env.resolve(id, true, Some(&text("Hello, NEAR!")), None, (1_000_000, 100, None));
        env.resolve(other_id, false, None, Some("boom"), (1, 1, None));
    }
    env.drain();
}

/// A panic in the callback would revert its refund and clean-up. Handed garbage, truncated
/// and doctored payloads, another request's payload, or a failed promise, the callback must
/// succeed, refund in full, delete the request (and its submitted output), and report a failure
/// to the caller.
#[test]
fn malformed_payloads_end_the_request_with_a_full_refund() {
    let mut env = Env::new(10 * NEAR);
    let mut rng = Rng(0xb0b);
    // The payload format is right: the real resolve's payload, fed by hand, is charged as usual.
    let (id, _) = env.simple_request(USER);
    let cb = env.end_yield(id, Some(payload(id, true, (2_000_000, 1500, Some(10)), Some((1, b"hi")), None)));
    env.finish(&cb, id, Prices::DEFAULT.charge(&Limits::SEED_EXAMPLE, u128::MAX, (2_000_000, 1500, Some(10))));
    assert_eq!(cb.final_result, FinalResult::Success(Some(b"\"hi\"".to_vec())));
    env.check();

    let good = |id: u64| payload(id, true, (1_000_000, 100, Some(64)), Some((1, b"Hello")), Some(b"unused"));
    let template = good(0);
    type Make = Box<dyn Fn(u64, u64) -> Option<Vec<u8>>>;
    let mut cases: Vec<(String, Make)> = vec![
        ("a failed promise (what a timeout delivers)".into(), Box::new(|_, _| None)),
        ("an empty payload".into(), Box::new(|_, _| Some(Vec::new()))),
        ("a valid payload plus a trailing byte".into(), Box::new(move |id, _| Some([good(id), vec![0]].concat()))),
        ("another pending request's payload".into(), Box::new(move |_, other| Some(good(other)))),
        ("a payload for id u64::MAX".into(), Box::new(move |_, _| Some(good(u64::MAX)))),
        (
            "success flag 2".into(),
            Box::new(move |id, _| {
                Some({
                    let mut p = good(id);
                    p[8] = 2;
                    p
                })
            }),
        ),
        (
            "memory flag 7".into(),
            Box::new(move |id, _| {
                Some({
                    let mut p = good(id);
                    p[25] = 7;
                    p
                })
            }),
        ),
        ("output kind 3".into(), Box::new(move |id, _| Some(payload(id, true, (1, 1, None), Some((3, b"x")), None)))),
        (
            "output length u32::MAX".into(),
            Box::new(move |id, _| {
                Some({
                    let mut p = payload(id, true, (1, 1, None), Some((1, b"")), None);
                    let at = p.len() - 5;
                    p[at..at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
                    p
                })
            }),
        ),
        (
            "error tag 9".into(),
            Box::new(move |id, _| {
                Some({
                    let mut p = payload(id, false, (1, 1, None), None, None);
                    *p.last_mut().unwrap() = 9;
                    p
                })
            }),
        ),
        ("2000 bytes of 0xff".into(), Box::new(|_, _| Some(vec![0xff; 2000]))),
    ];
    for n in 0..template.len() {
        cases.push((
            format!("the valid payload truncated to {n} bytes"),
            Box::new(move |id, _| Some(good(id)[..n].to_vec())),
        ));
    }
    for k in 0..8 {
        let junk = rng.bytes_upto(64);
        cases.push((
            format!("random bytes #{k}"),
            Box::new(move |id, _| {
                Some({
                    let mut j = junk.clone();
                    if j.len() >= 8 {
                        j[..8].copy_from_slice(&id.to_le_bytes());
                    }
                    j
                })
            }),
        ));
    }
    for (i, (name, make)) in cases.iter().enumerate() {
        // A fresh other request each time: the cases' calls take blocks, and an old one would
        // time out before its payload is tried.
        let (other, _) = env.simple_request(OTHER);
        let (id, payment) = env.simple_request(USER);
        if i % 2 == 0 {
            // with a submitted output too, which must be deleted as well
            let o = env.call(OPERATOR, "submit_execution_output", submit_args(id, &text("stored")), 0, CLI_GAS);
            assert!(o.result.is_ok(), "{:?}", o.result);
            env.live.get_mut(&id).unwrap().output = Some(text("stored"));
        }
        let user_before = env.vm.balance(USER);
        let cb = env.end_yield(id, make(id, other));
        assert!(cb.result.is_ok(), "{name}: the callback panicked: {:?}", cb.result);
        assert_eq!(env.finish(&cb, id, 0), Some((0, payment)), "{name}: refunded in full");
        assert_eq!(env.vm.balance(USER) - user_before, payment, "{name}");
        let msg = failure(&cb.final_result);
        assert!(msg.contains("malformed result") || msg.contains("timed out"), "{name}: {msg}");
        env.check();
        assert!(env.live.contains_key(&other), "{name}: another request's payload did not end that request");
    }
    env.drain();
}

/// Payloads of the right shape with contents the real resolve would send too
/// (a 64 KiB error, absurd usage) or that it could not (a Text output that is not UTF-8): the
/// callback must not panic, and charges what the payload says.
#[test]
fn odd_payload_contents_are_charged_as_the_payload_says() {
    let mut env = Env::new(10 * NEAR);
    let absurd = (u64::MAX, u64::MAX, Some(u64::MAX));
    let estimate = Prices::DEFAULT.estimate(&Limits::SEED_EXAMPLE);
    let cases: Vec<(&str, Vec<u8>, u128)> = vec![
        (
            "a failure with an error of 64 KiB",
            payload(0, false, absurd, None, Some(&vec![b'e'; 65536])),
            Prices::DEFAULT.base,
        ),
        ("a failure with no error", payload(0, false, absurd, None, None), Prices::DEFAULT.base),
        ("a failure carrying an output", payload(0, false, absurd, Some((1, b"x")), Some(b"e")), Prices::DEFAULT.base),
        ("a Text output that is not UTF-8", payload(0, true, absurd, Some((1, b"\xff\xfe")), None), estimate),
        ("a Json output that is not JSON", payload(0, true, absurd, Some((2, b"{{{")), None), estimate),
        ("a 64 KiB Bytes output", payload(0, true, absurd, Some((0, &vec![7; 65536])), None), estimate),
    ];
    for (name, mut p, expected) in cases {
        let (id, _) = env.simple_request(USER);
        p[..8].copy_from_slice(&id.to_le_bytes());
        let cb = env.end_yield(id, Some(p));
        assert!(cb.result.is_ok(), "{name}: the callback failed: {:?}", cb.result);
        env.finish(&cb, id, expected);
        env.check();
    }
    env.drain();
}

/// A payload whose error is not UTF-8 (unreachable today: only this contract resumes its yields,
/// and resolve_execution always sends UTF-8) must not make `log_utf8` abort the callback, which
/// would revert its refund: the callback reports a generic "execution failed" instead.
#[test]
fn an_error_that_is_not_utf8_does_not_abort_the_callback() {
    let mut env = Env::new(10 * NEAR);
    for error in [&b"bad \xff\xfe error"[..], b"caf\xc3"] {
        let (id, payment) = env.simple_request(USER);
        let cb = env.end_yield(id, Some(payload(id, false, (1, 1, None), None, Some(error))));
        assert!(cb.result.is_ok(), "the callback failed, reverting its refund: {:?}", cb.result);
        let (charged, refunded) = env.finish(&cb, id, Prices::DEFAULT.failure_charge(payment)).unwrap();
        assert_eq!(charged + refunded, payment);
        env.check();
    }
}
