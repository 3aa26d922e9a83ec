//! What the caller receives for each kind and size of output, inline or submitted.

use super::prelude::*;

/// A request with the seed's arguments and 0.1 NEAR, resolved with `output`
/// inline; checks what the caller receives, the refund, the event and the
/// clean-up. Returns the settled request.
fn resolve_and_check<B: Backend>(b: &mut B, output: &str, used: &Used, expected: Option<&[u8]>) -> Tx {
    let deposit = NEAR / 10;
    let req = request(b, SEED_REQUEST, deposit);
    let id = request_id_of(&req);
    let (runs, fees) = stats(b);
    let resolved = resolve_ok(b, id, output, used);
    assert!(resolved.transfers.is_empty(), "the operator's call moves no money itself");
    let done = b.settle(&req);
    assert_eq!(done.status, Status::Success(expected.map(<[u8]>::to_vec)), "output {output}");
    let charged = Prices::DEFAULT.charge(&Limits::DEFAULT, deposit, used);
    assert_eq!(done.refunded_to(USER), deposit - charged, "refund = payment - cost");
    assert_eq!(done.transfers.len(), 1, "one refund transfer: {:?}", done.transfers);
    let event = completed(&done);
    assert_eq!(event["request_id"], id);
    assert_eq!(event["sender_id"], USER);
    assert_eq!(
        event["code_source"],
        json!({"repo": "https://github.com/user/project", "commit": "abc123", "build_target": "wasm32-wasi"})
    );
    assert_eq!(event["resources_used"], used.json());
    assert_eq!(event["success"], true);
    assert!(event.get("error_message").is_none(), "no error_message on success");
    assert_gone(b, id);
    assert_eq!(stats(b), (runs + 1, fees + charged));
    done
}

/// Small outputs of every kind, inline in `resolve_execution`: Text comes back
/// as a JSON string, Json as the value itself (byte for byte as sent), Bytes as
/// a base64 string; no output returns nothing.
pub fn small_outputs_of_every_kind_reach_the_caller<B: Backend>(b: &mut B) {
    init(b);
    let used = Used::new(1_000_000, 100, Some(64));
    let text = r#"{"Text": "line 1\nline \"2\" \u00e9 中 😀"}"#;
    let done = resolve_and_check(b, text, &used, Some(r#""line 1\nline \"2\" \u00e9 中 😀""#.as_bytes()));
    assert_eq!(json_of(done.status.value().unwrap()), json!("line 1\nline \"2\" é 中 😀"));

    let value = r#"{"a": [1, -2.5e3, {"b": null}], "s": "x\"y", "t": true}"#;
    resolve_and_check(b, &format!(r#"{{"Json": {value}}}"#), &used, Some(value.as_bytes()));
    resolve_and_check(b, r#"{"Json": "just a string"}"#, &used, Some(br#""just a string""#));
    resolve_and_check(b, r#"{"Json": 42}"#, &used, Some(b"42"));
    resolve_and_check(b, r#"{"Json": null}"#, &used, Some(b"null"));

    let bytes = [0u8, 1, 2, 253, 254, 255, b'h', b'i'];
    let done = resolve_and_check(b, &bytes_output(&bytes), &used, Some(&base64_value(&bytes)));
    assert_eq!(json_of(done.status.value().unwrap()), json!("AAEC/f7/aGk="));
    resolve_and_check(b, r#"{"Bytes": []}"#, &used, Some(b"\"\""));
    resolve_and_check(b, r#"{"Text": ""}"#, &used, Some(b"\"\""));

    // No output at all: the caller's call succeeds with nothing.
    resolve_and_check(b, "null", &used, None);
    // The seed's response (memory not reported: charged at the requested 128 MB).
    resolve_and_check(b, r#"{"Text": "Hello, NEAR!"}"#, &Used::new(1_000_000, 100, None), Some(br#""Hello, NEAR!""#));
}

/// Large outputs of every kind through `submit_execution_output`, then
/// `resolve_execution` with `"output": null`.
pub fn submitted_outputs_of_every_kind_reach_the_caller<B: Backend>(b: &mut B) {
    init(b);
    let deposit = NEAR / 5; // backs ~20,000 bytes of storage
    let used = Used::new(7_000_000, 2_500, Some(100));
    let long_text: String = (0..600).map(|i| format!("line {i}: \"é\"\n")).collect();
    let json_value = serde_json::to_string(&(0..1500).map(|i| json!({"i": i})).collect::<Vec<_>>()).unwrap();
    let bytes = some_bytes(3000);
    let cases: [(String, Value, Vec<u8>); 3] = [
        (text_output(&long_text), json!({"Text": long_text}), json_str(&long_text).into_bytes()),
        (
            format!(r#"{{"Json": {json_value}}}"#),
            json!({"Json": json_of(json_value.as_bytes())}),
            json_value.clone().into_bytes(),
        ),
        (bytes_output(&bytes), json!({"Bytes": bytes}), base64_value(&bytes)),
    ];
    for (output, pending_view, expected) in cases {
        assert!(output.len() > 1024, "a large output");
        let req = request(b, SEED_REQUEST, deposit);
        let id = request_id_of(&req);
        assert_eq!(view(b, "has_pending_output", &id_args(id)), json!(false));
        let sub = submit(b, id, &output);
        assert_eq!(sub.status, Status::Success(None), "submit");
        assert!(sub.transfers.is_empty() && sub.logs.is_empty());
        assert_eq!(view(b, "has_pending_output", &id_args(id)), json!(true));
        assert_eq!(view(b, "get_pending_output", &id_args(id)), pending_view);
        assert_eq!(b.settle(&req).status, Status::Waiting, "submitting does not end the request");
        let (runs, fees) = stats(b);
        resolve_ok(b, id, "null", &used);
        let done = b.settle(&req);
        assert_eq!(done.status, Status::Success(Some(expected)));
        let charged = Prices::DEFAULT.charge(&Limits::DEFAULT, deposit, &used);
        assert_eq!(done.refunded_to(USER), deposit - charged);
        assert_eq!(completed(&done)["success"], true);
        assert_gone(b, id);
        assert_eq!(stats(b), (runs + 1, fees + charged));
    }
}
