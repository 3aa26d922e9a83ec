//! One fuzz step: blocks and time, a call, the check of its outcome, the invariants.

use super::expect::{read_resolve, read_submit_and_resolve};
use super::generate::Intent;
use super::mutate::{mutate, rewrite_keeping_meaning};
use super::Fuzz;
use crate::common::checked_env::*;
use crate::common::spec::*;
use crate::common::vm::{FinalResult, Outcome, TGAS};
use serde_json::json;
use std::collections::BTreeMap;

impl Fuzz {
    pub(super) fn step(&mut self) {
        // Blocks and time.
        match self.rng.below(100) {
            0..=19 => {
                let n = 1 + self.rng.below(3);
                self.env.advance(n);
            }
            30 => {
                let n = self.env.vm.yield_timeout_blocks() + self.rng.below(3);
                self.env.advance(n);
            }
            33..=34 => self.env.jump_time(601),
            _ => {}
        }
        // Timeouts that the call's blocks would cross happen first, before the model predicts
        // the call and snapshots what it must not change.
        self.env.let_due_timeouts_fire();
        let method = self.method();
        let (mut args, mut intent) = self.args(method);
        // An honest call: valid arguments from the account allowed to make it, with the deposit
        // and gas it needs. The others vary every dimension at random.
        let honest = self.rng.chance(40);
        for _ in 0..10 {
            match &intent {
                Intent::Request(a) if honest && !a.valid() => (args, intent) = self.args(method),
                _ => break,
            }
        }
        // An upgrade's wasm is never mutated: an owner who deploys broken code breaks the
        // contract, and no check of the contract's can stop that.
        let mutated = !honest && self.rng.chance(50) && method != "upgrade";
        if mutated {
            let donors = self.donors.clone();
            // Most mutated resolves are refused; rewritten ones are accepted, and so exercise
            // the check of what a resolve with mutated arguments is charged.
            if method == "resolve_execution" && self.rng.chance(50) {
                rewrite_keeping_meaning(&mut self.rng, &mut args);
            } else {
                mutate(&mut self.rng, &mut args, &donors);
            }
            if method != "on_execution_response" {
                intent = Intent::Other;
            }
        }
        let predecessor = match self.rightful(method, &intent) {
            Some(p) if honest || self.rng.chance(60) => p,
            _ if self.rng.chance(17) => IMPLICIT.to_string(),
            _ => self.rng.pick(&ACTORS).to_string(),
        };
        let deposit = self.deposit(method, &intent, &predecessor, honest);
        // Honest callers attach near-cli's default, the maximum, or just a little more than the
        // least a request accepts (7 to 11 Tgas).
        let tight = 7 * TGAS + self.rng.below(4 * TGAS);
        let gas = if honest { *self.rng.pick(&[CLI_GAS, CLI_GAS, MAX_GAS, tight]) } else { self.gas() };
        let expect = self.expectation(method, &intent, mutated, &predecessor, deposit, gas);
        let would_stake_owed = self.lacks_balance_for_state(&intent, deposit);
        let lacks_balance = expect == Some(true) && would_stake_owed;
        let expect = if lacks_balance { Some(false) } else { expect };
        let before = self.env.vm.storage_entries();
        let balance_before = self.env.balance();
        let o = self.env.call(&predecessor, method, args.clone(), deposit, gas);
        let ok = o.result.is_ok();
        let ctx = || {
            format!(
                "{method} from {predecessor}, deposit {deposit}, {} Tgas, args {:?}: {:?}",
                gas / TGAS,
                String::from_utf8_lossy(&args),
                o.result
            )
        };
        match expect {
            Some(true) if !ok => panic!("must succeed: {}", ctx()),
            Some(false) if ok => panic!("must fail: {}", ctx()),
            _ => {}
        }
        if let Err(msg) = &o.result {
            // A growth of the contract's own records that pending payments would have to stake
            // is refused by the contract; only mutated arguments can end in LackBalanceForState.
            if msg.contains("not enough free balance to stake this") {
                assert!(would_stake_owed || mutated, "a refusal to stake the model did not predict: {}", ctx());
                self.env.count("refused: staking from pending payments, as the model predicted");
            } else {
                assert!(!msg.starts_with("LackBalanceForState") || mutated, "LackBalanceForState: {}", ctx());
                assert!(!lacks_balance, "expected a refusal to stake: {}", ctx());
            }
        }
        if !ok {
            if let (Intent::Request(a), Err(msg)) = (&intent, &o.result) {
                // Too small a deposit: the message says exactly how much is required.
                if !mutated && a.valid() && !self.env.paused && gas >= CLI_GAS {
                    if let Some(r) = a.required(&self.env.prices, &predecessor).filter(|&r| deposit < r) {
                        assert!(msg.contains(&format!("attach at least {r} yoctoNEAR")), "{msg} (required {r})");
                        self.env.count("refused: deposit too small, message exact");
                    }
                }
            }
        } else {
            if mutated && method == "resolve_execution" {
                // Mutated arguments the contract accepted: the charge and the result follow from
                // what they say, read independently.
                intent = read_resolve(&args)
                    .unwrap_or_else(|| panic!("accepted a resolve that is not a valid response: {}", ctx()));
                self.env.count("resolve with mutated arguments: read back independently");
            }
            if mutated && method == "submit_execution_output_and_resolve" {
                intent = read_submit_and_resolve(&args).unwrap_or_else(|| {
                    panic!("accepted a submit-and-resolve that is not a valid output and response: {}", ctx())
                });
            }
            self.after_success(method, &intent, &predecessor, deposit, &o, &before, balance_before);
            if mutated && method == "request_execution" {
                // The limits the request is held to (and priced at) are those its accepted
                // arguments say, read independently; missing ones are the defaults.
                let text = std::str::from_utf8(&args).unwrap_or_else(|_| panic!("accepted non-UTF-8: {}", ctx()));
                let id = self.env.next_id - 1;
                assert_eq!(self.env.live[&id].limits, Request::parse(text).limits(), "{}", ctx());
                self.env.count("request with mutated arguments: limits read back independently");
            }
        }
        self.env.check();
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn after_success(
        &mut self,
        method: &str,
        intent: &Intent,
        predecessor: &str,
        deposit: u128,
        o: &Outcome,
        before: &BTreeMap<Vec<u8>, Vec<u8>>,
        balance_before: u128,
    ) {
        let env = &mut self.env;
        match method {
            "request_execution" => {
                let a = match intent {
                    Intent::Request(a) => Some(a),
                    _ => None,
                };
                env.after_request(predecessor, deposit, o, a);
            }
            "resolve_execution" => {
                assert_eq!(o.yields_resumed.len(), 1, "a resolve resumes exactly one yield");
                let cbs = Env::callbacks(o);
                assert_eq!(cbs.len(), 1);
                let cb = &cbs[0];
                let id = env.by_yield[&o.yields_resumed[0]];
                let req = env.live.get(&id).cloned().expect("resolved a pending request");
                let Intent::Resolve { id: iid, success, output, error, used } = intent else {
                    panic!("a resolve succeeded with arguments the fuzz cannot read")
                };
                assert_eq!(*iid, id);
                if let (false, Some(e)) = (success, error) {
                    // The event carries the operator's error, shortened to 256 bytes.
                    let ev = events(&cb.logs, "execution_completed");
                    let logged = ev[0]["data"][0]["error_message"].as_str().unwrap_or_default().to_string();
                    assert!(e.starts_with(&logged), "logged error {logged:?} is not a prefix of {e:?}");
                    if !e.is_empty() {
                        assert_eq!(logged, truncate_utf8(e, EVENT_ERROR_BYTES), "the event's error_message");
                    }
                }
                let expected_charge = if *success {
                    req.prices.charge(&req.limits, req.payment, used)
                } else {
                    req.prices.failure_charge(req.payment)
                };
                let expected_return = success.then(|| output.clone().or(req.output.clone()));
                let ended = env.finish(cb, id, expected_charge);
                assert!(ended.is_some());
                if let Some(ret) = expected_return {
                    match (&cb.final_result, ret) {
                        (FinalResult::Success(None), None) => {}
                        (FinalResult::Success(Some(v)), Some(out)) => {
                            assert_eq!(json_of(v), out.returned(), "the caller's result")
                        }
                        (r, out) => panic!("final result {r:?}, expected {out:?}"),
                    }
                    env.count("resolve: exact charge and result checked");
                }
            }
            "submit_execution_output_and_resolve" => {
                // As a submit followed by a resolve with "output": null; the output is gone
                // with the request once the callback has run.
                let Intent::SubmitAndResolve { id, output, success, error, used } = intent else {
                    panic!("a submit-and-resolve succeeded with arguments the fuzz cannot read")
                };
                let req = env.live.get_mut(id).expect("submitted for a pending request");
                assert!(req.output.is_none(), "a second output was accepted");
                req.output = Some(output.clone());
                assert_eq!(env.vm.storage(&output_key(*id)), None, "the callback removed the stored output");
                let resolve =
                    Intent::Resolve { id: *id, success: *success, output: None, error: error.clone(), used: *used };
                self.after_success("resolve_execution", &resolve, predecessor, deposit, o, before, balance_before);
                self.env.count("submit-and-resolve: ended like a submit then a resolve");
            }
            "submit_execution_output" => {
                let added: Vec<Vec<u8>> =
                    env.vm.storage_entries().into_keys().filter(|k| !before.contains_key(k)).collect();
                assert_eq!(added.len(), 1, "a submit stores exactly one output");
                assert_eq!(added[0][0], b'o');
                let id = le_u64(&added[0][1..]);
                let stored = Output::of_json(&env.view("get_pending_output", &format!(r#"{{"request_id":{id}}}"#)));
                if let Intent::Submit { id: iid, output } = intent {
                    assert_eq!(*iid, id);
                    assert_eq!(&stored, output, "get_pending_output returns the submitted output");
                }
                assert_eq!(env.view("has_pending_output", &format!(r#"{{"request_id":{id}}}"#)), json!(true));
                let req = env.live.get_mut(&id).expect("submitted for a pending request");
                assert!(req.output.is_none(), "a second output was accepted");
                req.output = Some(stored);
            }
            "upgrade" | "migrate" => {
                env.tips += deposit;
                let code = env.vm.code_of(CONTRACT).unwrap_or_default();
                assert!(code == crate::common::vm::contract_wasm(), "the contract runs its own code");
                assert_eq!(env.vm.storage_entries(), *before, "{method} of current state changes no record");
                env.count(format!("{method}: current state kept"));
            }
            "withdraw_fees" => {
                env.tips += deposit;
                // What left must be what was not owed: pending payments and the storage stake stay.
                let owed: u128 = env.live.values().map(|r| r.payment).sum();
                let stake = storage_cost(env.vm.storage_usage());
                let sent: u128 = o.transfers.iter().map(|(_, a)| a).sum();
                let bounced: u128 = o.bounced.iter().map(|(_, a)| a).sum();
                assert!(sent + bounced > 0 && o.transfers.len() + o.bounced.len() == 1, "one transfer out");
                assert!(balance_before + deposit >= sent + bounced + owed + stake, "withdrew what was owed");
                assert!(env.balance() >= owed + stake, "pending requests can still be refunded in full");
                env.withdrawn += sent;
                env.count("withdrawal");
            }
            "cancel_pending_requests" | "clear_all_pending_requests" => {
                env.tips += deposit;
                let removed: Vec<u64> =
                    env.live.keys().copied().filter(|id| env.vm.storage(&request_key(*id)).is_none()).collect();
                assert!(removed.len() <= 10, "at most 10 ends a call");
                assert_eq!(events(&o.logs, "execution_completed").len(), removed.len(), "one event per end");
                let mut owed_to: BTreeMap<String, u128> = BTreeMap::new();
                for id in removed {
                    let req = env.live.remove(&id).expect("pending");
                    *owed_to.entry(req.sender.clone()).or_insert(0) += req.payment;
                    assert!(env.ended.insert(id, (0, req.payment)).is_none(), "request {id} ended twice");
                    env.count("request ended: cancelled");
                }
                let mut refunded: BTreeMap<String, u128> = BTreeMap::new();
                for (to, a) in &o.transfers {
                    *refunded.entry(to.clone()).or_insert(0) += a;
                }
                assert_eq!(refunded, owed_to, "every ended request refunded in full to its sender, nothing else");
            }
            "cancel_stale_execution" | "emergency_cancel_execution" => {
                let removed: Vec<u64> =
                    env.live.keys().copied().filter(|id| env.vm.storage(&request_key(*id)).is_none()).collect();
                assert_eq!(removed.len(), 1, "a cancel ends exactly one request");
                let id = removed[0];
                let req = &env.live[&id];
                if method == "cancel_stale_execution" {
                    assert_eq!(req.sender, predecessor, "only the sender cancels");
                    assert!(env.vm.block_timestamp() >= req.timestamp + STALE_NS, "cancelled before 10 minutes");
                } else {
                    env.tips += deposit;
                }
                env.after_cancel(o, id);
            }
            "set_operator" | "set_owner" | "set_keystore_account" | "set_paused" | "set_pricing" => {
                env.tips += deposit;
                let config = env.view("get_config", "{}");
                let pricing = Prices::of_json(&env.view("get_pricing", "{}"));
                let (owner, operator, paused) = (
                    config["owner_id"].as_str().unwrap().to_string(),
                    config["operator_id"].as_str().unwrap().to_string(),
                    config["paused"].as_bool().unwrap(),
                );
                let keystore = config["keystore_account_id"].as_str().map(String::from);
                assert_eq!(env.view("is_paused", ""), json!(paused));
                // Only the field of the method changed.
                match method {
                    "set_operator" => assert!(
                        (&owner, &keystore, paused, pricing) == (&env.owner, &env.keystore, env.paused, env.prices)
                    ),
                    "set_owner" => assert!(
                        (&operator, &keystore, paused, pricing)
                            == (&env.operator, &env.keystore, env.paused, env.prices)
                    ),
                    "set_keystore_account" => assert!(
                        (&owner, &operator, paused, pricing) == (&env.owner, &env.operator, env.paused, env.prices)
                    ),
                    "set_paused" => assert!(
                        (&owner, &operator, &keystore, pricing)
                            == (&env.owner, &env.operator, &env.keystore, env.prices)
                    ),
                    _ => assert!(
                        (&owner, &operator, &keystore, paused)
                            == (&env.owner, &env.operator, &env.keystore, env.paused)
                    ),
                }
                match intent {
                    Intent::SetOperator(a) => assert_eq!(&operator, a),
                    Intent::SetOwner(a) => assert_eq!(&owner, a),
                    Intent::SetKeystore(a) => assert_eq!(&keystore, a),
                    Intent::SetPaused(p) => assert_eq!(paused, *p),
                    Intent::SetPricing(fees) => {
                        let got = [pricing.base, pricing.per_minstr, pricing.per_mb, pricing.per_sec];
                        let old = [env.prices.base, env.prices.per_minstr, env.prices.per_mb, env.prices.per_sec];
                        for i in 0..4 {
                            assert_eq!(got[i], fees[i].unwrap_or(old[i]));
                        }
                    }
                    _ => {}
                }
                assert!(
                    pricing.checked_max_estimate().is_some(),
                    "a pricing whose maximum estimate overflows was accepted"
                );
                for a in [&owner, &operator].into_iter().chain(keystore.as_ref()) {
                    assert!(valid_account_id(a), "an invalid account id was stored: {a:?}");
                }
                (env.owner, env.operator, env.keystore, env.paused, env.prices) =
                    (owner, operator, keystore, paused, pricing);
            }
            "set_keystore_pubkey" => {
                env.tips += deposit;
                let key = env.view("get_keystore_pubkey", "");
                let key = key.as_str().expect("a key is set");
                assert!(
                    key.len() == 64 && key.bytes().all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c)),
                    "stored key {key:?}"
                );
                if let Intent::SetPubkey(h) = intent {
                    assert_eq!(key, h);
                }
                env.pubkey = Some(key.to_string());
            }
            m if VIEWS.contains(&m) => {
                assert!(env.vm.storage_entries() == *before, "a view changed storage");
                assert!(o.logs.is_empty() && o.spawned.is_empty());
                assert_eq!((deposit, env.balance()), (0, balance_before), "views accept no deposit");
                json_of(o.result.as_ref().unwrap().as_deref().unwrap_or_default());
            }
            m => panic!("{m} must never succeed"),
        }
    }
}
