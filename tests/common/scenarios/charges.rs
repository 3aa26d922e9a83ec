//! What a request is charged and refunded: the SPEC.md formula, failures, price changes.

use super::prelude::*;

/// refund = payment − cost, with the cost computed by the SPEC formula: usage
/// above a limit counts as the limit, memory not reported counts as the
/// requested maximum, every term is rounded up to the yocto.
pub fn refund_is_the_payment_minus_the_spec_charge<B: Backend>(b: &mut B) {
    init(b);
    let limits = Limits::SEED_EXAMPLE;
    let args = request_args(&limits, "Text");
    let deposit = NEAR / 20;
    let p = Prices::DEFAULT;
    let estimate = 21_410_000_000_000_000_000_000;
    assert_eq!(p.estimate(&limits), estimate, "the seed's worked example");
    let cases = [
        (Used::new(10_000_000, 5_000, Some(64)), estimate),
        (Used::new(u64::MAX, u64::MAX, Some(u64::MAX)), estimate),
        (Used::new(10_000_001, 5_001, Some(65)), estimate),
        (Used::new(0, 0, None), BASE_FEE + 64 * PER_MB),
        (Used::new(0, 0, Some(0)), BASE_FEE),
        (Used::new(1, 1, Some(1)), BASE_FEE + PER_MINSTR / 1_000_000 + PER_MB + PER_SEC / 1000),
        (Used::new(2_500_000, 1_234, Some(3)), BASE_FEE + 5 * PER_MINSTR / 2 + 3 * PER_MB + 1234 * PER_SEC / 1000),
    ];
    for (used, expected) in cases {
        assert_eq!(p.charge(&limits, deposit, &used), expected, "the formula itself, for {used:?}");
        let req = request(b, &args, deposit);
        resolve_ok(b, request_id_of(&req), "null", &used);
        let done = b.settle(&req);
        assert_eq!(done.status, Status::Success(None));
        assert_eq!(done.refunded_to(USER), deposit - expected, "{used:?}");
    }

    // Rounding: with prices that do not divide evenly, each term rounds up.
    ok(
        b,
        OWNER,
        "set_pricing",
        r#"{"base_fee": "1000", "per_instruction_fee": "3", "per_mb_fee": "5", "per_second_fee": "7"}"#,
        0,
    );
    let odd = Prices { base: 1000, per_minstr: 3, per_mb: 5, per_sec: 7 };
    let cases = [
        (Used::new(1, 1, Some(1)), 1000 + 1 + 5 + 1),
        (Used::new(1_000_001, 1_001, None), 1000 + 4 + 5 * 64 + 8),
        (Used::new(333_333, 999, Some(2)), 1000 + 1 + 10 + 7),
        (Used::new(333_334, 1_000, Some(2)), 1000 + 2 + 10 + 7),
    ];
    let small_deposit = required_deposit(b, &odd, USER, &args);
    for (used, expected) in cases {
        assert_eq!(odd.charge(&limits, small_deposit, &used), expected, "the formula itself, for {used:?}");
        let req = request(b, &args, small_deposit);
        resolve_ok(b, request_id_of(&req), "null", &used);
        assert_eq!(b.settle(&req).refunded_to(USER), small_deposit - expected, "{used:?}");
    }
}

/// `success: false`: the base fee is kept, the rest refunded, the caller's
/// result is a failure carrying the error, the request (and any stored output)
/// is deleted, `execution_completed` says success false with the error.
pub fn failed_execution_keeps_the_base_fee<B: Backend>(b: &mut B) {
    init(b);
    let deposit = NEAR / 10;
    let used = Used::new(5_000_000, 2_000, Some(32));
    for with_stored_output in [false, true] {
        let req = request(b, SEED_REQUEST, deposit);
        let id = request_id_of(&req);
        if with_stored_output {
            assert!(submit(b, id, &text_output(&"x".repeat(2000))).status.is_success());
        }
        let (runs, fees) = stats(b);
        let error = "compilation failed: no `main` in \"src/lib.rs\"";
        let resolved = resolve(b, id, false, "null", &json_str(error), &used);
        assert_eq!(resolved.status, Status::Success(None), "reporting a failure succeeds");
        let done = b.settle(&req);
        assert_fails_with(&done.status, error);
        assert_eq!(done.refunded_to(USER), deposit - BASE_FEE, "base fee kept, the rest refunded");
        assert_completed_failure(&completed(&done), id, USER, &used, error);
        assert_eq!(completed(&done)["error_message"], error);
        assert_gone(b, id);
        assert_eq!(stats(b), (runs + 1, fees + BASE_FEE));
    }

    // No error text at all: still a failure, with a generic message.
    let req = request(b, SEED_REQUEST, deposit);
    let id = request_id_of(&req);
    assert!(resolve(b, id, false, "null", "null", &Used::NOTHING).status.is_success());
    let done = b.settle(&req);
    assert!(matches!(done.status, Status::Failure(_)), "{:?}", done.status);
    assert_eq!(done.refunded_to(USER), deposit - BASE_FEE);
    assert_eq!(completed(&done)["success"], false);
}

/// An error longer than the yield payload allows is shortened (at a UTF-8
/// boundary), never fails the resolve; the event carries at most 256 bytes.
pub fn long_errors_are_shortened<B: Backend>(b: &mut B) {
    init(b);
    let deposit = NEAR / 10;
    // 1 + 4 × 2000 bytes: every cut at a byte count not ≡ 1 (mod 4) lands inside a character.
    let error = format!("a{}", "😀".repeat(2000));
    for body in [None, Some(MAX_INLINE_OUTPUT - 1), Some(500)] {
        let output = body.map_or("null".to_string(), |n| text_output(&"o".repeat(n)));
        let req = request(b, SEED_REQUEST, deposit);
        let id = request_id_of(&req);
        let resolved = resolve(b, id, false, &output, &json_str(&error), &Used::NOTHING);
        assert_eq!(resolved.status, Status::Success(None), "a long error never fails the resolve");
        let done = b.settle(&req);
        let msg = done.status.failure();
        const HEAD: &str = "Execution failed: ";
        let carried = &msg[msg.find(HEAD).expect("the error reaches the caller") + HEAD.len()..];
        assert!(error.starts_with(carried), "the caller gets a prefix of the error");
        // A failure carries no output: the error gets all the payload's room,
        // whatever output the operator sent along.
        let room = MAX_INLINE_OUTPUT;
        assert!(carried.len() <= room && carried.len() + 64 > room, "{} bytes carried, {room} room", carried.len());
        assert_eq!(done.refunded_to(USER), deposit - BASE_FEE);
        let logged = completed(&done)["error_message"].as_str().unwrap().to_string();
        assert_eq!(logged, truncate_utf8(carried, 256), "the event carries at most 256 bytes of it");
        assert_gone(b, id);
    }
}

/// A failed execution counts as an execution (README: `total_executions`
/// counts "executions that were resolved, successfully or not"), also when
/// the base fee it keeps is 0.
pub fn failures_count_as_executions<B: Backend>(b: &mut B) {
    init(b);
    for base_fee in ["10000000000000000000000", "0"] {
        ok(b, OWNER, "set_pricing", &format!(r#"{{"base_fee": "{base_fee}"}}"#), 0);
        let (runs, fees) = stats(b);
        let req = request(b, SEED_REQUEST, NEAR / 10);
        assert!(resolve(b, request_id_of(&req), false, "null", r#""boom""#, &Used::NOTHING).status.is_success());
        assert_fails_with(&b.settle(&req).status, "boom");
        assert_eq!(stats(b), (runs + 1, fees + base_fee.parse::<u128>().unwrap()), "base fee {base_fee}");
    }
}

/// A request pays the prices in force when it was made.
pub fn pending_request_pays_the_prices_of_its_time<B: Backend>(b: &mut B) {
    init(b);
    let deposit = NEAR / 10;
    let used = Used::new(3_000_000, 1_500, Some(50));
    let req = request(b, SEED_REQUEST, deposit);
    let dearer = Prices { base: 3 * BASE_FEE, per_minstr: 10 * PER_MINSTR, per_mb: 10 * PER_MB, per_sec: 10 * PER_SEC };
    ok(b, OWNER, "set_pricing", &dearer.json().to_string(), 0);
    assert_eq!(view(b, "estimate_execution_cost", "{}"), json!(dearer.estimate(&Limits::DEFAULT).to_string()));
    let req2 = request(b, SEED_REQUEST, NEAR);
    ok(b, OWNER, "set_pricing", r#"{"base_fee": "0"}"#, 0);
    resolve_ok(b, request_id_of(&req), "null", &used);
    resolve_ok(b, request_id_of(&req2), "null", &used);
    let old = Prices::DEFAULT.charge(&Limits::DEFAULT, deposit, &used);
    assert_eq!(b.settle(&req).refunded_to(USER), deposit - old, "charged at the old prices");
    assert_eq!(
        b.settle(&req2).refunded_to(USER),
        NEAR - dearer.charge(&Limits::DEFAULT, NEAR, &used),
        "charged at the prices of its time"
    );
    assert_eq!(stats(b), (2, old + dearer.charge(&Limits::DEFAULT, NEAR, &used)));
    // A failure keeps the base fee of the request's own time.
    let req3 = request(b, SEED_REQUEST, NEAR);
    ok(b, OWNER, "set_pricing", &dearer.json().to_string(), 0);
    assert!(resolve(b, request_id_of(&req3), false, "null", r#""boom""#, &used).status.is_success());
    assert_eq!(b.settle(&req3).refunded_to(USER), NEAR, "base fee 0 at request time");
}
