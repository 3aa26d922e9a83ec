//! What a request must attach: the deposit SPEC.md requires, and enough gas for the whole flow.

use super::prelude::*;

/// Too small a deposit fails up front and says how much is required; nothing is
/// stored, the deposit comes back; exactly the required amount works. The
/// requirement covers the estimate and the request's storage.
pub fn too_small_a_deposit_is_refused_with_the_amount_required<B: Backend>(b: &mut B) {
    init(b);
    let required = required_deposit(b, &Prices::DEFAULT, USER, SEED_REQUEST);
    let estimate = Prices::DEFAULT.estimate(&Limits::DEFAULT);
    // README "State layout": 154 fixed bytes, the sender (12), repo (31), commit (6), build
    // target (11), input (20) with their lengths and tags, the 9-byte key and NEAR's 40.
    let record = 9 + 154 + (4 + 12) + (4 + 31) + (4 + 6) + (1 + 4 + 11) + (1 + 4 + 20) + 1 + 40;
    assert_eq!(required, estimate + record * STORAGE_PRICE, "estimate + the request's storage");
    for deposit in [0, 1, estimate, required - 1] {
        let tx = refused(
            b,
            USER,
            "request_execution",
            SEED_REQUEST,
            deposit,
            &format!("attach at least {required} yoctoNEAR"),
        );
        assert!(tx.logs.is_empty());
    }
    assert_eq!(view(b, "get_request", &id_args(0)), Value::Null, "nothing stored");
    let req = request(b, SEED_REQUEST, required);
    assert_eq!(request_id_of(&req), 0, "refused requests used no id");
    resolve_ok(b, 0, "null", &Used::new(u64::MAX, u64::MAX, None));
    let done = b.settle(&req);
    assert_eq!(done.refunded_to(USER), required - estimate, "charged the full estimate");

    // The largest request needs more storage.
    let largest = required_deposit(b, &Prices::DEFAULT, USER, &largest_request_args("Bytes"));
    let record = Request::largest("Bytes").stored_bytes(USER);
    assert!(record > 6000, "every cap's worth of bytes");
    assert_eq!(largest, Prices::DEFAULT.estimate(&Limits::CAP) + storage_cost(record));
    request(b, &largest_request_args("Bytes"), largest);
}

/// Too little prepaid gas for `request_execution`: it fails before any write
/// or yield: no event, no stored request, no id used, the deposit back.
pub fn too_little_gas_fails_before_any_write<B: Backend>(b: &mut B) {
    init(b);
    for gas in [TGAS / 2, 3 * TGAS, 5 * TGAS] {
        let tx = b.call(USER, "request_execution", SEED_REQUEST.as_bytes(), NEAR / 10, gas);
        assert!(matches!(tx.status, Status::Failure(_)), "{gas}: {:?}", tx.status);
        assert!(tx.logs.is_empty(), "no event");
        assert_eq!(tx.refunded_to(USER), NEAR / 10);
        assert_eq!(view(b, "get_request", &id_args(0)), Value::Null);
    }
    let tx = b.call(USER, "request_execution", SEED_REQUEST.as_bytes(), NEAR / 10, 5 * TGAS);
    assert_fails_with(&tx.status, "not enough gas");
    let req = request(b, SEED_REQUEST, NEAR / 10);
    assert_eq!(request_id_of(&req), 0);
}

/// The whole flow with near-cli's default 30 Tgas on every call, for the
/// largest request (every cap) with the largest output (32 KiB through
/// submit_execution_output) of each kind, and for a failure with the longest
/// error.
pub fn worst_cases_work_with_near_cli_default_gas<B: Backend>(b: &mut B) {
    init(b);
    let deposit = NEAR / 2;
    let used = Used::new(u64::MAX, 59_999, Some(1000));
    let charged = Prices::DEFAULT.charge(&Limits::CAP, deposit, &used);

    // Failure with the longest error next to the largest inline output.
    let req = request(b, &largest_request_args("Text"), deposit);
    let id = request_id_of(&req);
    let error = "é".repeat(4000);
    let tx = resolve(b, id, false, &text_output(&"o".repeat(MAX_INLINE_OUTPUT)), &json_str(&error), &used);
    assert_eq!(tx.status, Status::Success(None));
    let done = b.settle(&req);
    assert_fails_with(&done.status, "Execution failed");
    assert_eq!(done.refunded_to(USER), deposit - BASE_FEE);
    assert_gone(b, id);
    // A timeout of the largest request.
    let req = request(b, &largest_request_args("Json"), deposit);
    b.skip_blocks(b.yield_timeout_blocks() + 1);
    let done = b.settle(&req);
    assert_fails_with(&done.status, "timed out");
    assert_eq!(done.refunded_to(USER), deposit);

    // Success with a 32 KiB stored output of each kind. `Bytes` comes last and
    // all 255: the longest arguments (4 characters per byte) the operator sends.
    let text = "\"".repeat(CAP_OUTPUT / 2);
    let json_value = format!("[{}11]", "1,".repeat(CAP_OUTPUT / 2 - 2));
    assert_eq!(json_value.len(), CAP_OUTPUT);
    let bytes = vec![255u8; CAP_OUTPUT];
    for (format, output, expected) in [
        ("Text", text_output(&text), json_str(&text).into_bytes()),
        ("Json", format!(r#"{{"Json": {json_value}}}"#), json_value.clone().into_bytes()),
        ("Bytes", bytes_output(&bytes), base64_value(&bytes)),
    ] {
        let req = request(b, &largest_request_args(format), deposit);
        let id = request_id_of(&req);
        assert_eq!(request_data(&req)["encrypted_secrets"].as_array().unwrap().len(), CAP_SECRETS);
        let sub = submit(b, id, &output);
        assert_eq!(sub.status, Status::Success(None), "submit a 32 KiB {format} output with 30 Tgas");
        resolve_ok(b, id, "null", &used);
        let done = b.settle(&req);
        assert_eq!(done.status, Status::Success(Some(expected)), "{format}");
        assert_eq!(done.refunded_to(USER), deposit - charged);
        assert_eq!(completed(&done)["code_source"]["repo"], quotes(CAP_REPO / 2));
        assert_gone(b, id);
    }
}
