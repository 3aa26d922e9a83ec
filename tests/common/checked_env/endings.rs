//! How requests end in the model: a callback (resumed, timed out or handed a payload), a
//! cancel; and the shortcuts tests use to make and end requests.

use super::*;

impl Env {
    /// A callback has run (resumed, timed out, handed a payload by the test, or called directly
    /// by the contract account): it must have succeeded, and if the request was pending, ended it
    /// exactly once: charged `expected_charge`, the rest refunded to the sender,
    /// request and output deleted, one event. Returns (charged, refunded), or None when the
    /// request had already ended (then nothing may be refunded).
    pub fn finish(&mut self, cb: &Outcome, id: u64, expected_charge: u128) -> Option<(u128, u128)> {
        assert_eq!(cb.method, "on_execution_response");
        assert!(
            cb.result.is_ok(),
            "the callback failed, reverting its refund and clean-up: {:?} (burnt {} gas)\n{:?}",
            cb.result,
            cb.gas_burnt,
            cb.profile
        );
        let completed = events(&cb.logs, "execution_completed");
        let Some(req) = self.live.remove(&id) else {
            assert!(cb.transfers.is_empty(), "a callback for an ended request refunded again: {:?}", cb.transfers);
            assert!(cb.logs.is_empty(), "a callback for an ended request logged {:?}", cb.logs);
            assert!(failure(&cb.final_result).contains("cancelled"), "{:?}", cb.final_result);
            self.count("callback after the request ended");
            return None;
        };
        assert!(self.vm.storage(&request_key(id)).is_none(), "the callback left request {id} stored");
        assert!(self.vm.storage(&output_key(id)).is_none(), "the callback left the output of {id} stored");
        let mut refund = 0;
        for (to, amount) in &cb.transfers {
            assert_eq!(to, &req.sender, "a refund to someone else than the sender");
            refund += amount;
        }
        assert!(refund <= req.payment, "refunded {refund} of a payment of {}", req.payment);
        let charged = req.payment - refund;
        assert_eq!(charged, expected_charge, "request {id}: charged {charged}, expected {expected_charge}");
        assert_eq!(cb.logs.len(), 1, "one event per outcome");
        let ev = &completed[0]["data"][0];
        assert_eq!(ev["request_id"], id);
        assert_eq!(ev["sender_id"], req.sender.as_str());
        let success = ev["success"] == true;
        if success {
            assert!(matches!(cb.final_result, FinalResult::Success(_)), "{:?}", cb.final_result);
        } else {
            assert!(ev["error_message"].is_string());
            let msg = failure(&cb.final_result);
            assert!(msg.starts_with("Smart contract panicked: Execution failed: "), "{msg}");
        }
        self.fees += charged;
        // An execution that ran counts, successful or not (README: get_stats); a timeout or a
        // malformed result is no execution.
        let nothing_ran = !success && {
            let msg = failure(&cb.final_result);
            msg.contains("execution timed out") || msg.contains("malformed result")
        };
        if nothing_ran {
            assert_eq!(charged, 0, "charged for an execution that did not run");
        } else {
            self.executions += 1;
        }
        assert!(self.ended.insert(id, (charged, refund)).is_none(), "request {id} ended twice");
        self.count(if success { "request ended: success" } else { "request ended: failure" });
        Some((charged, refund))
    }

    /// The callbacks a call caused (resumes), by yield.
    pub fn callbacks(o: &Outcome) -> Vec<Outcome> {
        let mut v = Vec::new();
        if o.yield_id.is_some() {
            v.push(o.clone());
        }
        for s in &o.spawned {
            v.extend(Self::callbacks(s));
        }
        v
    }

    /// Produces blocks; every yield timing out must end its request with a full refund.
    pub fn advance(&mut self, n: u64) {
        for cb in self.vm.advance_blocks(n) {
            self.self_credits += credited_to(&cb, CONTRACT);
            let id = self.by_yield[&cb.yield_id.expect("a timeout runs a yield callback")];
            if self.finish(&cb, id, 0).is_some() {
                assert!(failure(&cb.final_result).contains("timed out"), "{:?}", cb.final_result);
                self.count("request ended: timeout");
            }
        }
    }

    /// Lets `seconds` of block time pass without new blocks (slow blocks): no timeout fires.
    pub fn jump_time(&mut self, seconds: u64) {
        self.vm.set_block(self.vm.block_height(), self.vm.block_timestamp() + seconds * 1_000_000_000);
    }

    /// A cancel (by the sender or the owner) succeeded: full refund, request gone, one event.
    pub fn after_cancel(&mut self, o: &Outcome, id: u64) {
        let req = self.live.remove(&id).expect("cancelled a request that was pending");
        assert!(self.vm.storage(&request_key(id)).is_none() && self.vm.storage(&output_key(id)).is_none());
        let refunded: u128 = o
            .transfers
            .iter()
            .map(|(to, a)| {
                assert_eq!(to, &req.sender);
                *a
            })
            .sum();
        assert_eq!(refunded, req.payment, "a cancel refunds in full");
        assert_eq!(o.logs.len(), 1);
        let ev = &events(&o.logs, "execution_completed")[0]["data"][0];
        assert_eq!(ev["request_id"], id);
        assert_eq!(ev["success"], false);
        assert!(self.ended.insert(id, (0, refunded)).is_none(), "request {id} ended twice");
        self.count("request ended: cancelled");
    }

    /// A request with the seed's limits and a comfortable deposit; returns (id, payment).
    pub fn simple_request(&mut self, sender: &str) -> (u64, u128) {
        let a = Request::seed(Limits::SEED_EXAMPLE);
        let deposit = a.required(&self.prices, sender).unwrap() + NEAR / 10;
        let (id, _) = self.request(sender, &a, deposit);
        (id, deposit)
    }

    /// The operator's resolve (near-cli gas); the callback must end the request, charged
    /// exactly what SPEC.md says. Returns the callback.
    pub fn resolve(
        &mut self,
        id: u64,
        success: bool,
        output: Option<&Output>,
        error: Option<&str>,
        used: (u64, u64, Option<u64>),
    ) -> Outcome {
        let operator = self.operator.clone();
        let o = self.call(&operator, "resolve_execution", resolve_args(id, success, output, error, used), 0, CLI_GAS);
        assert_eq!(o.result, Ok(None), "resolve {id}");
        let req = self.live[&id].clone();
        let expected =
            if success { req.prices.charge(&req.limits, req.payment, used) } else { req.prices.base.min(req.payment) };
        let cb = Env::callbacks(&o).pop().expect("the callback ran");
        self.finish(&cb, id, expected).expect("the request was pending");
        self.check();
        cb
    }

    pub fn end_yield(&mut self, id: u64, payload: Option<Vec<u8>>) -> Outcome {
        let data_id = self.live[&id].data_id;
        let cb = self.vm.end_yield_with(&data_id, payload).expect("the yield was pending");
        self.self_credits += credited_to(&cb, CONTRACT);
        cb
    }
}
