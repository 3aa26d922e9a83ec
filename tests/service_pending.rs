//! Issue 8, point 5: `get_pending_requests` (O(limit)), and the owner's bulk
//! ends `cancel_pending_requests` / `clear_all_pending_requests`.

#[macro_use]
mod common;

use common::backend::{Backend, CLI_GAS};
use common::scenarios::*;
use common::service::*;
use common::vm::CallArgs;
use serde_json::{json, Value};

fn ids(v: &Value) -> Vec<u64> {
    v.as_array().unwrap().iter().map(|r| r["request_id"].as_u64().unwrap()).collect()
}

#[test]
fn pending_list_pages_in_id_order() {
    let mut b = vm();
    assert_eq!(view(&mut b, "get_pending_requests", "{}"), json!([]));
    refused(&mut b, USER, "get_pending_requests", "{}", 1, "takes no deposit");
    let reqs: Vec<_> = (0..5)
        .map(|i| request(&mut b, &if i == 2 { with_payer(PAYER) } else { SEED_REQUEST.into() }, DEPOSIT))
        .collect();
    for i in [0u64, 3] {
        assert!(call(&mut b, OPERATOR, "resolve_execution", &seed_resolve(i), 0).status.is_success());
    }
    let all = view(&mut b, "get_pending_requests", "{}");
    assert_eq!(ids(&all), [1, 2, 4]);
    for r in all.as_array().unwrap() {
        let id = r["request_id"].as_u64().unwrap();
        assert_eq!(*r, view(&mut b, "get_request", &id_args(id)), "the get_request object");
    }
    assert_eq!(all[1]["payer_account_id"], PAYER);
    assert_eq!(ids(&view(&mut b, "get_pending_requests", r#"{"from_id": 2}"#)), [2, 4]);
    assert_eq!(ids(&view(&mut b, "get_pending_requests", r#"{"from_id": 3, "limit": 1}"#)), [4]);
    assert_eq!(ids(&view(&mut b, "get_pending_requests", r#"{"limit": 2}"#)), [1, 2]);
    assert_eq!(ids(&view(&mut b, "get_pending_requests", r#"{"from_id": 99}"#)), Vec::<u64>::new());
    assert_eq!(ids(&view(&mut b, "get_pending_requests", r#"{"from_id": null, "limit": null}"#)), [1, 2, 4]);
    assert_eq!(ids(&view(&mut b, "get_pending_requests", "")), [1, 2, 4]);
    for (args, needle) in [
        (r#"{"limit": 0}"#, "limit: must be 1 to 100"),
        (r#"{"limit": 101}"#, "limit: must be 1 to 100"),
        (r#"{"from_id": -1}"#, "from_id"),
        (r#"{"from_id": "1"}"#, "from_id"),
        ("[]", "expected"),
    ] {
        let e = b.view("get_pending_requests", args.as_bytes()).unwrap_err();
        assert!(e.contains(needle), "{args}: {e}");
    }
    drop(reqs);
}

/// After hundreds of ended requests the list costs what it costs on a fresh
/// contract: the walk starts at the lowest pending id.
#[test]
fn pending_list_cost_does_not_grow_with_ended_requests() {
    let mut b = vm();
    for _ in 0..3 {
        request(&mut b, SEED_REQUEST, DEPOSIT);
    }
    let fresh = view_gas(&mut b, "get_pending_requests", "{}");
    let timeout = b.yield_timeout_blocks();
    b.skip_blocks(timeout + 1);
    for i in 3..303 {
        request(&mut b, SEED_REQUEST, DEPOSIT);
        assert!(call(&mut b, OPERATOR, "resolve_execution", &seed_resolve(i), 0).status.is_success());
    }
    for _ in 0..3 {
        request(&mut b, SEED_REQUEST, DEPOSIT);
    }
    assert_eq!(ids(&view(&mut b, "get_pending_requests", "{}")), [303, 304, 305]);
    let after = view_gas(&mut b, "get_pending_requests", "{}");
    assert!(after <= fresh + fresh / 20, "fresh {fresh}, after 303 ended requests {after}");
}

#[test]
fn owner_cancels_in_bulk_with_full_refunds() {
    let mut b = vm();
    for i in 0..4 {
        request(&mut b, &if i == 1 { with_payer(PAYER) } else { SEED_REQUEST.into() }, DEPOSIT + i as u128);
    }
    refused(&mut b, USER, "cancel_pending_requests", r#"{"request_ids": [0]}"#, 0, "owner only");
    refused(
        &mut b,
        OWNER,
        "cancel_pending_requests",
        r#"{"request_ids": [0,1,2,3,4,5,6,7,8,9,10]}"#,
        0,
        "at most 10 ids",
    );
    refused(&mut b, OWNER, "cancel_pending_requests", r#"{"request_ids": [-1]}"#, 0, "request_ids");
    refused(&mut b, OWNER, "cancel_pending_requests", r#"{}"#, 0, "request_ids: missing field");
    let tx = call(&mut b, OWNER, "cancel_pending_requests", r#"{"request_ids": [1, 99, 0, 1]}"#, 0);
    assert_eq!(tx.status.value(), Some(&b"2"[..]), "unknown and already ended ids are skipped");
    assert_eq!((tx.refunded_to(PAYER), tx.refunded_to(USER)), (DEPOSIT + 1, DEPOSIT));
    let evs = tx.events("execution_completed");
    assert_eq!(evs.len(), 2);
    for e in &evs {
        assert_eq!(e["data"][0]["error_message"], "cancelled by the owner");
        assert_eq!(e["data"][0]["payment_charged"], "0");
    }
    assert_eq!(ids(&view(&mut b, "get_pending_requests", "{}")), [2, 3]);
    assert_eq!(sheet(&mut b)[1], 2 * DEPOSIT + 5, "pending payments");
}

#[test]
fn clear_all_ends_the_oldest_first() {
    let mut b = vm();
    for _ in 0..13 {
        request(&mut b, SEED_REQUEST, DEPOSIT);
    }
    assert!(call(&mut b, OPERATOR, "resolve_execution", &seed_resolve(1), 0).status.is_success());
    refused(&mut b, OWNER, "clear_all_pending_requests", r#"{"limit": 11}"#, 0, "must be 1 to 10");
    refused(&mut b, OTHER, "clear_all_pending_requests", "{}", 0, "owner only");
    let tx = call(&mut b, OWNER, "clear_all_pending_requests", r#"{"limit": 3}"#, 1);
    assert_eq!(tx.status.value(), Some(&b"3"[..]));
    assert_eq!(tx.refunded_to(USER), 3 * DEPOSIT);
    assert_eq!(ids(&view(&mut b, "get_pending_requests", r#"{"limit": 1}"#)), [4]);
    let tx = call(&mut b, OWNER, "clear_all_pending_requests", "{}", 0);
    assert_eq!(tx.status.value(), Some(&b"9"[..]));
    assert_eq!(tx.events("execution_completed").len(), 9);
    assert!(tx.logs.iter().map(String::len).sum::<usize>() <= 16_384);
    let tx = call(&mut b, OWNER, "clear_all_pending_requests", "", 0);
    assert_eq!(tx.status.value(), Some(&b"0"[..]));
    assert_eq!(view(&mut b, "get_pending_requests", "{}"), json!([]));
    let [_, pending, _, _, _, _] = sheet(&mut b);
    assert_eq!(pending, 0);
    // the cancelled requests' yields still time out later: nothing more is paid
    let timeout = b.yield_timeout_blocks();
    let before = b.vm.balance(USER);
    b.skip_blocks(timeout + 1);
    assert_eq!(b.vm.balance(USER), before);
}

/// `clear_all_pending_requests` examines at most 300 ids a call and moves the
/// walk's start past them, so requests that ended out of order above a long
/// pending one never make it (or the list) run out of gas.
#[test]
fn clear_all_walks_in_bounded_steps() {
    let mut b = vm();
    // All in a few blocks (one block of transactions each), well within the
    // yield timeout: 0 and 321 stay pending, 1..=320 end.
    let tx = |signer: &str, method: &str, args: String, deposit: u128| CallArgs {
        deposit,
        prepaid_gas: CLI_GAS,
        ..CallArgs::call(signer, method, args.into_bytes())
    };
    for _ in 0..=321 {
        b.vm.submit(tx(USER, "request_execution", SEED_REQUEST.into(), DEPOSIT));
    }
    b.vm.run_until_idle();
    for i in 1..=320u64 {
        b.vm.submit(tx(OPERATOR, "resolve_execution", seed_resolve(i), 0));
    }
    b.vm.run_until_idle();
    assert_eq!(ids(&view(&mut b, "get_pending_requests", "{}")), [0, 321]);
    // 0 ends: the walk starts at 1, above which 320 requests have ended
    let tx = call(&mut b, OWNER, "cancel_pending_requests", r#"{"request_ids": [0]}"#, 0);
    assert_eq!(tx.status.value(), Some(&b"1"[..]));
    assert_eq!(ids(&view(&mut b, "get_pending_requests", "{}")), [321]);
    let tx = call(&mut b, OWNER, "clear_all_pending_requests", "{}", 0);
    assert_eq!(tx.status.value(), Some(&b"0"[..]), "ids 1..=300 examined, all ended");
    let gas_after_first = view_gas(&mut b, "get_pending_requests", "{}");
    let tx = call(&mut b, OWNER, "clear_all_pending_requests", "{}", 0);
    assert_eq!(tx.status.value(), Some(&b"1"[..]));
    assert_eq!(tx.refunded_to(USER), DEPOSIT);
    assert_eq!(view(&mut b, "get_pending_requests", "{}"), json!([]));
    assert!(view_gas(&mut b, "get_pending_requests", "{}") < gas_after_first);
}

/// A record that fails to decode (kept by the callback for a fixed contract to
/// settle) never blocks the list or the bulk ends: it is left out and skipped.
#[test]
fn a_corrupt_record_blocks_nothing() {
    let mut b = vm();
    let c = b.contract();
    for _ in 0..3 {
        request(&mut b, SEED_REQUEST, DEPOSIT);
    }
    let key = [&[b'r'][..], &1u64.to_le_bytes()].concat();
    let record = b.vm.storage(&key).unwrap().to_vec();
    b.vm.put_storage(&c, &key, &record[..record.len() - 3]);
    assert_eq!(ids(&view(&mut b, "get_pending_requests", "{}")), [0, 2]);
    let tx = call(&mut b, OWNER, "cancel_pending_requests", r#"{"request_ids": [1]}"#, 0);
    assert_eq!(tx.status.value(), Some(&b"0"[..]));
    let tx = call(&mut b, OWNER, "clear_all_pending_requests", "{}", 0);
    assert_eq!(tx.status.value(), Some(&b"2"[..]));
    assert_eq!(tx.refunded_to(USER), 2 * DEPOSIT);
    assert_eq!(b.vm.storage(&key).map(<[u8]>::len), Some(record.len() - 3), "kept byte for byte");
    assert_eq!(sheet(&mut b)[1], DEPOSIT, "its payment stays owed");
}
