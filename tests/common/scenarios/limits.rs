//! Every cap at its bound and one over, through real calls; outputs backed by the payment.

use super::prelude::*;

/// Every limit and cap at its bound (accepted) and one over (refused, naming
/// the field and the cap), through real calls.
pub fn every_cap_accepts_its_bound_and_refuses_one_more<B: Backend>(b: &mut B) {
    init(b);
    let deposit = NEAR;
    let base = || json!({"code_source": {"repo": "r", "commit": "c"}});
    let with = |path: &[&str], v: Value| {
        let mut a = base();
        let mut slot = &mut a;
        for p in &path[..path.len() - 1] {
            if slot.get(*p).is_none() {
                slot[*p] = json!({});
            }
            slot = &mut slot[*p];
        }
        slot[path[path.len() - 1]] = v;
        a.to_string()
    };
    let cases: Vec<(Vec<&str>, Value, Value, &str)> = vec![
        (
            vec!["resource_limits", "max_instructions"],
            json!(CAP_INSTRUCTIONS),
            json!(CAP_INSTRUCTIONS + 1),
            "100000000000",
        ),
        (vec!["resource_limits", "max_memory_mb"], json!(CAP_MEMORY_MB), json!(CAP_MEMORY_MB + 1), "1024"),
        (vec!["resource_limits", "max_execution_seconds"], json!(CAP_SECONDS), json!(CAP_SECONDS + 1), "60"),
        (vec!["code_source", "repo"], json!("r".repeat(CAP_REPO)), json!("r".repeat(CAP_REPO + 1)), "512"),
        (vec!["code_source", "commit"], json!("c".repeat(CAP_COMMIT)), json!("c".repeat(CAP_COMMIT + 1)), "128"),
        (
            vec!["code_source", "build_target"],
            json!("t".repeat(CAP_BUILD_TARGET)),
            json!("t".repeat(CAP_BUILD_TARGET + 1)),
            "64",
        ),
        (vec!["input_data"], json!("i".repeat(CAP_INPUT)), json!("i".repeat(CAP_INPUT + 1)), "4096"),
        // Caps count the JSON-escaped form as sent: "\n" is 2 bytes.
        (
            vec!["input_data"],
            json!("\n".repeat(CAP_INPUT / 2)),
            json!(format!("{}a", "\n".repeat(CAP_INPUT / 2))),
            "4096",
        ),
        (vec!["encrypted_secrets"], json!(vec![7u8; CAP_SECRETS]), json!(vec![7u8; CAP_SECRETS + 1]), "1024"),
    ];
    for (path, at, over, cap) in cases {
        let field = path[path.len() - 1];
        let tx = refused(b, USER, "request_execution", &with(&path, over), deposit, field);
        assert_fails_with(&tx.status, cap);
        let req = request(b, &with(&path, at.clone()), deposit);
        let stored = view(b, "get_request", &id_args(request_id_of(&req)));
        let mut slot = &stored;
        for p in &path {
            slot = &slot[*p];
        }
        assert_eq!(slot, &at, "stored as given");
    }
    // Limits of zero are allowed too.
    request(
        b,
        &with(&["resource_limits"], json!({"max_instructions": 0, "max_memory_mb": 0, "max_execution_seconds": 0})),
        deposit,
    );

    // Outputs: inline up to what the yield payload carries, submitted up to 32 KiB.
    let req = request(b, SEED_REQUEST, deposit);
    let id = request_id_of(&req);
    let over = refused(
        b,
        OPERATOR,
        "resolve_execution",
        &response_args(id, true, &text_output(&"o".repeat(MAX_INLINE_OUTPUT + 1)), "null", &Used::NOTHING),
        0,
        "1024-byte yield payload",
    );
    assert_fails_with(&over.status, "submit_execution_output");
    refused(
        b,
        OPERATOR,
        "resolve_execution",
        &response_args(id, true, &bytes_output(&vec![1; MAX_INLINE_OUTPUT + 1]), "null", &Used::NOTHING),
        0,
        "submit_execution_output",
    );
    resolve_ok(b, id, &text_output(&"o".repeat(MAX_INLINE_OUTPUT)), &Used::NOTHING);
    assert_eq!(b.settle(&req).status.value().map(<[u8]>::len), Some(MAX_INLINE_OUTPUT + 2));
    let req = request(b, SEED_REQUEST, deposit);
    resolve_ok(b, request_id_of(&req), &bytes_output(&vec![1; MAX_INLINE_OUTPUT]), &Used::NOTHING);
    assert_eq!(b.settle(&req).status, Status::Success(Some(base64_value(&vec![1; MAX_INLINE_OUTPUT]))));

    let big_json = |n: usize| format!("\"{}\"", "j".repeat(n - 2)); // a JSON string value of n bytes
    for (at, over) in [
        (text_output(&"t".repeat(CAP_OUTPUT)), text_output(&"t".repeat(CAP_OUTPUT + 1))),
        (text_output(&"\n".repeat(CAP_OUTPUT / 2)), text_output(&format!("{}a", "\n".repeat(CAP_OUTPUT / 2)))),
        (bytes_output(&vec![200; CAP_OUTPUT]), bytes_output(&vec![200; CAP_OUTPUT + 1])),
        (format!(r#"{{"Json": {}}}"#, big_json(CAP_OUTPUT)), format!(r#"{{"Json": {}}}"#, big_json(CAP_OUTPUT + 1))),
    ] {
        let req = request(b, SEED_REQUEST, deposit);
        let id = request_id_of(&req);
        refused(
            b,
            OPERATOR,
            "submit_execution_output",
            &format!(r#"{{"request_id": {id}, "output": {over}}}"#),
            0,
            "at most 32768 bytes",
        );
        assert_eq!(view(b, "has_pending_output", &id_args(id)), json!(false));
        // 300 Tgas: this checks the cap, not gas (see `cli_gas_worst_cases`).
        let args = format!(r#"{{"request_id": {id}, "output": {at}}}"#);
        let tx = b.call(OPERATOR, "submit_execution_output", args.as_bytes(), 0, 300 * TGAS);
        assert!(tx.status.is_success(), "a 32 KiB output is accepted: {:?}", tx.status);
        resolve_ok(b, id, "null", &Used::NOTHING);
        assert!(b.settle(&req).status.is_success());
    }
    // Resource usage, however absurd, is accepted and charged at the limits.
    let req = request(b, SEED_REQUEST, deposit);
    resolve_ok(b, request_id_of(&req), "null", &Used::new(u64::MAX, u64::MAX, Some(u64::MAX)));
    assert_eq!(b.settle(&req).refunded_to(USER), deposit - Prices::DEFAULT.estimate(&Limits::DEFAULT));
}

/// A stored output is backed by the request's payment: request and output
/// storage together may cost at most the payment.
pub fn submitted_output_storage_is_backed_by_the_payment<B: Backend>(b: &mut B) {
    init(b);
    let args = SEED_REQUEST;
    let required = required_deposit(b, &Prices::DEFAULT, USER, args);
    let request_bytes = Request::parse(args).stored_bytes(USER);
    let n = 10_000;
    let exact = storage_cost(request_bytes + output_record_bytes(n));
    assert!(output_fits_payment(request_bytes, n, exact) && !output_fits_payment(request_bytes, n + 1, exact));
    assert!(exact > required);
    let req = request(b, args, exact);
    let id = request_id_of(&req);
    let tx = refused(
        b,
        OPERATOR,
        "submit_execution_output",
        &format!(r#"{{"request_id": {id}, "output": {}}}"#, text_output(&"x".repeat(n + 1))),
        0,
        "output too large for the payment",
    );
    assert_fails_with(&tx.status, &(exact + STORAGE_PRICE).to_string());
    assert!(submit(b, id, &text_output(&"x".repeat(n))).status.is_success());
    resolve_ok(b, id, "null", &Used::NOTHING);
    assert_eq!(b.settle(&req).status.value().map(<[u8]>::len), Some(n + 2));
}
