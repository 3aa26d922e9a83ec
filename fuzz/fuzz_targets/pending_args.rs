//! The pending-list arguments: `get_pending_requests {"from_id"?, "limit"?}`
//! (limit 1..=100), `clear_all_pending_requests {"limit"?}` (1..=10) and
//! `cancel_pending_requests {"request_ids": [..]}` (at most 10), each as
//! serde_json reads them.
#![no_main]

use libfuzzer_sys::fuzz_target;
use offchainvm_contract::args;
use offchainvm_contract::limits::{MAX_BULK_CANCEL, MAX_PENDING_PAGE};
use offchainvm_fuzz::*;

fuzz_target!(|data: &[u8]| {
    let blank = data.iter().all(u8::is_ascii_whitespace);
    for (with_from, max) in [(true, MAX_PENDING_PAGE), (false, MAX_BULK_CANCEL as u64)] {
        let Some((from, limit)) = accept(|| args::from_and_limit(data, with_from)) else {
            continue;
        };
        assert!((1..=max).contains(&limit));
        assert!(with_from || from.is_none());
        if blank {
            assert_eq!((from, limit), (None, max));
            continue;
        }
        let json = serde_value(data);
        assert_eq!(limit, json.get("limit").and_then(|v| v.as_u64()).unwrap_or(max));
        if with_from {
            assert_eq!(from, json.get("from_id").and_then(|v| v.as_u64()));
        }
    }
    if let Some(ids) = accept(|| args::request_ids(data)) {
        assert!(ids.len() % 8 == 0 && ids.len() / 8 <= MAX_BULK_CANCEL);
        let got: Vec<u64> = ids.chunks_exact(8).map(|w| u64::from_le_bytes(w.try_into().unwrap())).collect();
        let json = serde_value(data);
        let want: Vec<u64> = json["request_ids"].as_array().expect("an array").iter().map(|v| v.as_u64().expect("a u64")).collect();
        assert_eq!(got, want);
    }
});
