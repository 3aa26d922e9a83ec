//! The invariants asserted after every call, and the final drain.

use super::*;

impl Env {
    /// The invariants, after every call:
    /// * stats, next id and storage agree with the model (only config, pubkey, requests and
    ///   outputs are stored; exactly the pending requests);
    /// * every stored request can still end: its yield is pending;
    /// * money: balance == initial + fees collected + payments of pending requests (read with
    ///   get_request) + admin tips + what the contract credited to itself.
    pub fn check(&mut self) {
        self.checks += 1;
        let entries = self.vm.storage_entries();
        let config = entries.get(&b"c"[..]).expect("config stored");
        assert_eq!(le_u64(&config[2..10]), self.next_id, "next request id");
        assert_eq!(le_u64(&config[10..18]), self.executions);
        assert_eq!(le_u128(&config[18..34]), self.fees);
        // The views are the slow part of a check (a VM run each): they run when the requests or
        // the stats changed since the last time they did, and every fourth check regardless.
        let fingerprint = (
            self.live.iter().map(|(id, r)| (*id, r.payment, r.output.is_some())).collect::<Vec<_>>(),
            self.fees,
            self.executions,
        );
        let through_views = self.checks.is_multiple_of(4) || self.last_viewed.as_ref() != Some(&fingerprint);
        if through_views {
            self.view_checks += 1;
            self.last_viewed = Some(fingerprint);
            let stats = self.view("get_stats", "{}");
            assert_eq!(
                stats,
                json!({"total_executions": self.executions, "total_fees_collected": self.fees.to_string()})
            );
        }
        let mut stored = BTreeSet::new();
        // README "State layout": the config's operator (after the 146 fixed bytes and the
        // owner) is also a key of its own (the operator mark), the only key that is an account id.
        let string_at = |at: usize| {
            let len = u32::from_le_bytes(config[at..at + 4].try_into().unwrap()) as usize;
            (config[at + 4..at + 4 + len].to_vec(), at + 4 + len)
        };
        let (_, after_owner) = string_at(146);
        let (operator, _) = string_at(after_owner);
        assert_eq!(entries.get(&operator), Some(&vec![]), "the operator mark");
        for (k, _) in entries.iter().filter(|(k, _)| **k != operator) {
            match (k.first(), k.len()) {
                (Some(b'c' | b'k'), 1) => {}
                (Some(b'r'), 9) => {
                    stored.insert(le_u64(&k[1..]));
                }
                (Some(b'o'), 9) => {
                    let id = le_u64(&k[1..]);
                    assert!(self.live.get(&id).is_some_and(|r| r.output.is_some()), "an output stored for {id}");
                }
                _ => panic!("unexpected storage key {k:?}"),
            }
        }
        assert_eq!(stored, self.live.keys().copied().collect::<BTreeSet<_>>(), "stored requests");
        let pending = self.pending_yields();
        let mut payments = 0u128;
        for (id, req) in self.live.clone() {
            let record = &entries[&request_key(id)];
            let payment = if through_views {
                let v = self.view("get_request", &format!(r#"{{"request_id":{id}}}"#));
                assert_eq!(v["sender_id"], req.sender.as_str());
                v["payment"].as_str().unwrap().parse().unwrap()
            } else {
                le_u128(&record[9..25])
            };
            assert_eq!(payment, req.payment, "payment of {id}");
            assert_eq!(&record[33..65], &req.data_id, "data id of {id}");
            assert_eq!(record[8] == 1, req.output.is_some(), "has_output of {id}");
            assert!(
                pending.contains(&req.data_id),
                "request {id} is stored but its yield is gone: nothing but a cancel can end it"
            );
            payments += payment;
        }
        assert!(storage_cost(self.vm.storage_usage()) <= self.balance(), "storage is staked");
        let expected = self.initial + self.fees + payments + self.tips + self.self_credits;
        assert_eq!(
            self.balance() + self.self_debits + self.withdrawn,
            expected,
            "money invariant: balance + own deposits + withdrawn vs initial + fees + pending payments + tips + self credits"
        );
        if self.checks.is_multiple_of(50) {
            // The full sweep: every id ever given out, through get_request.
            for id in 0..self.next_id {
                if !self.live.contains_key(&id) {
                    assert_eq!(self.view("get_request", &format!(r#"{{"request_id":{id}}}"#)), Value::Null);
                }
            }
        }
    }

    /// Ends everything: lets every yield time out, then checks nothing is left and every
    /// request ended exactly once with charged + refunded == payment.
    pub fn drain(&mut self) {
        let timeout = self.vm.yield_timeout_blocks();
        self.advance(timeout + 1);
        assert!(self.live.is_empty(), "requests left after every yield timed out: {:?}", self.live.keys());
        assert!(self.vm.pending_yields().is_empty());
        self.check();
        let keys: Vec<Vec<u8>> = self.vm.storage_entries().into_keys().collect();
        let operator = self.operator.as_bytes();
        assert!(keys.iter().all(|k| k == b"c" || k == b"k" || k == operator), "storage left: {keys:?}");
        assert_eq!(
            self.balance() + self.self_debits + self.withdrawn,
            self.initial + self.fees + self.tips + self.self_credits
        );
        assert_eq!(self.ended.len() as u64, self.next_id, "every request ended once");
    }
}
