//! What the fuzz calls: a method, valid arguments and what they mean, a predecessor, a deposit
//! and prepaid gas.

use super::Fuzz;
use crate::common::checked_env::*;
use crate::common::rng::Rng;
use crate::common::spec::*;
use crate::common::vm::{NEAR, TGAS};
use serde_json::{json, Value};

/// What the generator meant a call to do, when its arguments were not mutated.
/// The owner's service methods (issue 8) the fuzz calls, beside SPEC.md's admin methods: who
/// may call them and which deposits they take are predicted; whether an owner's call succeeds
/// is not, and what a success did is checked against the model.
pub const OWNER_SERVICE: [&str; 3] = ["withdraw_fees", "cancel_pending_requests", "clear_all_pending_requests"];

#[derive(Clone, Debug)]
pub enum Intent {
    Request(Request),
    Resolve {
        id: u64,
        success: bool,
        output: Option<Output>,
        error: Option<String>,
        used: (u64, u64, Option<u64>),
    },
    Submit {
        id: u64,
        output: Output,
    },
    /// `submit_execution_output_and_resolve`: the output is stored, then the yield resumed
    /// with `"output": null`.
    SubmitAndResolve {
        id: u64,
        output: Output,
        success: bool,
        error: Option<String>,
        used: (u64, u64, Option<u64>),
    },
    Cancel(u64),
    Emergency(u64),
    SetOperator(String),
    SetOwner(String),
    SetKeystore(Option<String>),
    SetPaused(bool),
    SetPricing([Option<u128>; 4]),
    /// The key as stored: lowercase hex.
    SetPubkey(String),
    /// `upgrade` with the contract's own wasm (true) or with bytes that are not wasm (false).
    Upgrade(bool),
    /// `migrate`, which on current state changes nothing.
    Migrate,
    Other,
}

impl Fuzz {
    pub(super) fn text(&mut self, max_raw: usize) -> String {
        let r = &mut self.rng;
        match r.below(8) {
            0 if r.chance(30) => String::new(),
            0 | 1 => "https://github.com/user/project".into(),
            2 => "a\"b\\c\nd\u{1}é😀\u{2028}".into(),
            3 => "\"".repeat(max_raw / 2),
            4 => "x".repeat(max_raw),
            5 => "x".repeat(max_raw + 1),
            6 => "é".repeat(r.upto(max_raw / 2)),
            _ => (0..r.upto(40)).map(|_| (b'a' + r.below(26) as u8) as char).collect(),
        }
    }

    pub(super) fn limits(&mut self) -> Limits {
        let r = &mut self.rng;
        let mut pick = |cap: u64, default: u64| match r.below(6) {
            0 => default,
            1 => 0,
            2 => cap,
            3 => cap + 1,
            _ => r.below(cap + 1),
        };
        Limits {
            instructions: pick(CAP_INSTRUCTIONS, 1_000_000_000),
            memory_mb: pick(CAP_MEMORY_MB, 128),
            seconds: pick(CAP_SECONDS, 60),
        }
    }

    pub(super) fn output(&mut self, max: usize) -> Output {
        match self.rng.below(3) {
            0 => {
                let n = self.rng.upto(max);
                Output::Text(match self.rng.below(3) {
                    0 => "x".repeat(n),
                    1 => "\"".repeat(n / 2),
                    _ => "é😀\\".repeat(n / 7),
                })
            }
            1 => Output::Json(match self.rng.below(4) {
                0 => json!({"result": [1, -2.5, 1e300, null, true, "s\"", {"k": []}]}),
                1 => json!("x".repeat(self.rng.upto(max.saturating_sub(2)))),
                2 => json!(12345678901234567890u64),
                _ => Value::Null,
            }),
            _ => {
                let n = self.rng.upto(max);
                Output::Bytes(self.rng.bytes(n))
            }
        }
    }

    pub(super) fn live_or_random_id(&mut self) -> u64 {
        let ids: Vec<u64> = self.env.live.keys().copied().collect();
        if !ids.is_empty() && self.rng.chance(75) {
            *self.rng.pick(&ids)
        } else {
            let any = self.rng.below(1000);
            *self.rng.pick(&[0, self.env.next_id, self.env.next_id.saturating_sub(1), u64::MAX, any])
        }
    }

    pub(super) fn account(&mut self) -> String {
        let names = self.names.clone();
        if self.rng.chance(90) {
            self.rng.pick(&names).clone()
        } else {
            self.rng
                .pick(&["A.near", "a", "a..b", "-a", &"a".repeat(65), "ab", &"a".repeat(64), "a b", "é.near"])
                .to_string()
        }
    }

    /// Valid arguments for `method` and what they mean.
    pub(super) fn args(&mut self, method: &str) -> (Vec<u8>, Intent) {
        let v = |v: Value| serde_json::to_vec(&v).unwrap();
        match method {
            "new" => (v(json!({"owner_id": OWNER, "operator_id": OPERATOR})), Intent::Other),
            "request_execution" => {
                let a = if self.rng.chance(40) {
                    Request::seed(
                        *self
                            .rng
                            .pick(&[Limits::DEFAULT, Limits { instructions: 10_000_000, memory_mb: 64, seconds: 5 }]),
                    )
                } else {
                    let repo = self.text(CAP_REPO);
                    let commit = self.text(CAP_COMMIT);
                    let bt = self.rng.chance(50).then(|| self.text(CAP_BUILD_TARGET));
                    let limits = self.rng.chance(70).then(|| self.limits());
                    let input = self.rng.chance(60).then(|| self.text(CAP_INPUT));
                    let secrets = self.rng.chance(40).then(|| {
                        let n = *self.rng.pick(&[0, 3, 64, CAP_SECRETS, CAP_SECRETS + 1]);
                        self.rng.bytes(n)
                    });
                    let format = self.rng.chance(60).then(|| *self.rng.pick(&["Bytes", "Text", "Json"]));
                    Request { repo, commit, build_target: bt, limits, input_data: input, secrets, format }
                };
                (a.bytes(), Intent::Request(a))
            }
            "resolve_execution" => {
                let id = self.live_or_random_id();
                let success = self.rng.chance(80);
                let max = *self.rng.pick(&[16, 980, 1100]);
                let output = self.rng.chance(60).then(|| self.output(max));
                let error = match self.rng.below(4) {
                    0 => None,
                    1 => Some("boom \"quoted\" \u{1} é".to_string()),
                    2 => Some("é😀".repeat(self.rng.upto(500))),
                    _ => Some("e".repeat(self.rng.upto(3000))),
                };
                let big = |r: &mut Rng| {
                    let any = r.next();
                    *r.pick(&[0, 1, 1_000_000, 10_000_000_000, 100_000_000_000, u64::MAX, any])
                };
                let used = (big(&mut self.rng), big(&mut self.rng), self.rng.chance(50).then(|| big(&mut self.rng)));
                (
                    resolve_args(id, success, output.as_ref(), error.as_deref(), used),
                    Intent::Resolve { id, success, output, error, used },
                )
            }
            "submit_execution_output" => {
                let id = self.live_or_random_id();
                let max = *self.rng.pick(&[64, 2000, 8000]);
                let output = self.output(max);
                (submit_args(id, &output), Intent::Submit { id, output })
            }
            "submit_execution_output_and_resolve" => {
                let id = self.live_or_random_id();
                let max = *self.rng.pick(&[64, 2000, 8000]);
                let output = self.output(max);
                let success = self.rng.chance(80);
                let error = self.rng.chance(30).then(|| "e".repeat(self.rng.upto(1200)));
                let used = (
                    self.rng.below(200_000_000),
                    self.rng.below(70_000),
                    self.rng.chance(50).then(|| self.rng.below(2000)),
                );
                (
                    submit_and_resolve_args(id, &output, success, error.as_deref(), used),
                    Intent::SubmitAndResolve { id, output, success, error, used },
                )
            }
            "cancel_stale_execution" => {
                let id = self.live_or_random_id();
                (id_args(id), Intent::Cancel(id))
            }
            "emergency_cancel_execution" => {
                let id = self.live_or_random_id();
                (id_args(id), Intent::Emergency(id))
            }
            "on_execution_response" => {
                let id = self.live_or_random_id();
                let a = if self.rng.chance(80) { id.to_le_bytes().to_vec() } else { self.rng.bytes_upto(12) };
                (a, Intent::Other)
            }
            "fail_execution" => (self.rng.bytes_upto(20), Intent::Other),
            "upgrade" => {
                // The same code again: deploy + migrate with requests pending, whose callbacks
                // must then run on the redeployed contract.
                if self.rng.chance(80) {
                    (crate::common::vm::contract_wasm(), Intent::Upgrade(true))
                } else {
                    let mut junk = self.rng.bytes_upto(20);
                    junk.insert(0, b'{');
                    (junk, Intent::Upgrade(false))
                }
            }
            "migrate" => (Vec::new(), Intent::Migrate),
            "set_operator" => {
                let a = self.account();
                (v(json!({ "new_operator_id": a })), Intent::SetOperator(a))
            }
            "set_owner" => {
                let a = self.account();
                (v(json!({ "new_owner_id": a })), Intent::SetOwner(a))
            }
            "set_keystore_account" => {
                let a = self.rng.chance(80).then(|| self.account());
                (v(json!({ "keystore_account_id": a })), Intent::SetKeystore(a))
            }
            "set_paused" => {
                // mostly unpause, so requests keep coming
                let p = if self.env.paused { self.rng.chance(10) } else { self.rng.chance(15) };
                (v(json!({ "paused": p })), Intent::SetPaused(p))
            }
            "set_pricing" => {
                let mut fees = [None; 4];
                let mut m = serde_json::Map::new();
                // Back to the defaults when requests have become unaffordable.
                let restore = self.env.prices.checked_estimate(&Limits::DEFAULT).is_none_or(|e| e > 10 * NEAR)
                    && self.rng.chance(80);
                for (i, name) in ["base_fee", "per_instruction_fee", "per_mb_fee", "per_second_fee"].iter().enumerate()
                {
                    if restore {
                        let d = [
                            Prices::DEFAULT.base,
                            Prices::DEFAULT.per_minstr,
                            Prices::DEFAULT.per_mb,
                            Prices::DEFAULT.per_sec,
                        ][i];
                        fees[i] = Some(d);
                        m.insert(name.to_string(), json!(d.to_string()));
                    } else if self.rng.chance(50) {
                        let d = [
                            Prices::DEFAULT.base,
                            Prices::DEFAULT.per_minstr,
                            Prices::DEFAULT.per_mb,
                            Prices::DEFAULT.per_sec,
                        ][i];
                        let fee = match self.rng.below(12) {
                            0 => 0,
                            1 => 1,
                            2 => u128::MAX,
                            3 if self.rng.chance(30) => u128::MAX / 100_000,
                            4 => d * 10,
                            _ => d / (1 + self.rng.below(10) as u128),
                        };
                        fees[i] = Some(fee);
                        m.insert(name.to_string(), json!(fee.to_string()));
                    }
                }
                (v(Value::Object(m)), Intent::SetPricing(fees))
            }
            "set_keystore_pubkey" => {
                let key = self.rng.bytes(32);
                let text = if self.rng.chance(50) {
                    hex(&key).chars().map(|c| if self.rng.chance(30) { c.to_ascii_uppercase() } else { c }).collect()
                } else {
                    format!("ed25519:{}", base58(&key))
                };
                (v(json!({ "pubkey": text })), Intent::SetPubkey(hex(&key)))
            }
            "get_request" | "get_pending_output" | "has_pending_output" => {
                (id_args(self.live_or_random_id()), Intent::Other)
            }
            "estimate_execution_cost" => {
                let a = match self.rng.below(3) {
                    0 => Vec::new(),
                    1 => b"{}".to_vec(),
                    _ => {
                        let l = self.limits();
                        let l = Limits {
                            instructions: l.instructions.min(CAP_INSTRUCTIONS),
                            memory_mb: l.memory_mb.min(CAP_MEMORY_MB),
                            seconds: l.seconds.min(CAP_SECONDS),
                        };
                        v(
                            json!({"resource_limits": {"max_instructions": l.instructions, "max_memory_mb": l.memory_mb, "max_execution_seconds": l.seconds}}),
                        )
                    }
                };
                (a, Intent::Other)
            }
            "get_pending_requests" => {
                let from = self.live_or_random_id();
                let limit = *self.rng.pick(&[1u64, 5, 100]);
                (v(json!({"from_id": from, "limit": limit})), Intent::Other)
            }
            "estimate_required_deposit" => (Request::seed(Limits::SEED_EXAMPLE).bytes(), Intent::Other),
            "withdraw_fees" => {
                let a = match self.rng.below(4) {
                    0 => json!({}),
                    1 => json!({"amount": (self.rng.below(1_000_000) as u128 * (NEAR / 1_000_000)).to_string()}),
                    2 => json!({"receiver_id": self.rng.pick(&[OWNER, USER, OTHER])}),
                    _ => json!({"amount": "1", "receiver_id": null}),
                };
                (v(a), Intent::Other)
            }
            "cancel_pending_requests" => {
                let n = self.rng.below(4);
                let ids: Vec<u64> = (0..n).map(|_| self.live_or_random_id()).collect();
                (v(json!({ "request_ids": ids })), Intent::Other)
            }
            "clear_all_pending_requests" => {
                // Mostly small: a clear of everything would leave the other endings little to do.
                let a = if self.rng.chance(10) { json!({}) } else { json!({"limit": 1 + self.rng.below(2)}) };
                (v(a), Intent::Other)
            }
            _ => (b"{}".to_vec(), Intent::Other),
        }
    }

    pub(super) fn method(&mut self) -> &'static str {
        // Calls take blocks, so a request lives some 70 steps before it times out: pending
        // requests get calls of their own, cancels among them.
        if !self.env.live.is_empty() && self.rng.chance(15) {
            return match self.rng.below(100) {
                0..=57 => "resolve_execution",
                58..=71 => "submit_execution_output",
                72..=79 => "submit_execution_output_and_resolve",
                80..=89 => "emergency_cancel_execution",
                _ => "cancel_stale_execution",
            };
        }
        let r = self.rng.below(100);
        match r {
            0..=22 => "request_execution",
            23..=38 => "resolve_execution",
            39..=42 => "submit_execution_output",
            43..=44 => "submit_execution_output_and_resolve",
            45..=48 => "cancel_stale_execution",
            49..=52 => "on_execution_response",
            53..=54 => "fail_execution",
            55 => "new",
            56..=69 => self.rng.pick::<&str>(&ADMIN),
            70..=72 => self.rng.pick::<&str>(&OWNER_SERVICE),
            73 => "upgrade",
            74 => "migrate",
            _ => self.rng.pick::<&str>(&VIEWS),
        }
    }

    /// The account that is allowed to make the call, when there is one.
    pub(super) fn rightful(&self, method: &str, intent: &Intent) -> Option<String> {
        match method {
            "resolve_execution" | "submit_execution_output" | "submit_execution_output_and_resolve" => {
                Some(self.env.operator.clone())
            }
            "on_execution_response" | "fail_execution" | "new" | "migrate" => Some(CONTRACT.into()),
            "upgrade" => Some(self.env.owner.clone()),
            "cancel_stale_execution" => match intent {
                Intent::Cancel(id) => self.env.live.get(id).map(|r| r.sender.clone()),
                _ => None,
            },
            "set_keystore_pubkey" if self.rng.0.is_multiple_of(2) => {
                self.env.keystore.clone().or(Some(self.env.owner.clone()))
            }
            m if ADMIN.contains(&m) || OWNER_SERVICE.contains(&m) => Some(self.env.owner.clone()),
            _ => None,
        }
    }

    /// A deposit the predecessor can pay. The chain rejects a transaction whose signer cannot
    /// (nearcore's verifier: the balance, and the storage stake left after it). The contract
    /// account signing a transaction of its own spends from the balance that backs pending
    /// requests: whoever holds a key to it can always take that (README, "Security"), so the
    /// fuzz has it attach at most what it owes no one.
    pub(super) fn deposit(&mut self, method: &str, intent: &Intent, predecessor: &str, honest: bool) -> u128 {
        let wanted = self.wanted_deposit(method, intent, predecessor, honest);
        if predecessor == CONTRACT {
            let stake = storage_cost(self.env.vm.storage_usage());
            let owed: u128 = self.env.live.values().map(|r| r.payment).sum();
            return wanted.min(self.env.balance().saturating_sub(stake).saturating_sub(owed));
        }
        wanted
    }

    fn wanted_deposit(&mut self, method: &str, intent: &Intent, predecessor: &str, honest: bool) -> u128 {
        if let Intent::Request(a) = intent {
            if honest {
                let required =
                    a.required(&self.env.prices, predecessor).filter(|&r| r < 1_000_000 * NEAR).unwrap_or(NEAR);
                return required + *self.rng.pick(&[0, 0, 1, NEAR / 10, NEAR]);
            }
            if self.rng.chance(85) {
                if let Some(req) = a.required(&self.env.prices, predecessor).filter(|&r| r < 1_000_000 * NEAR) {
                    return match self.rng.below(7) {
                        0 => req.saturating_sub(1),
                        1 | 2 => req,
                        3 => req + 1,
                        _ => req + self.rng.below(NEAR as u64) as u128 * 1_000_000,
                    };
                }
            }
        }
        if honest || self.rng.chance(70) {
            // what the method takes
            return if ADMIN.contains(&method) { self.rng.below(2) as u128 } else { 0 };
        }
        match self.rng.below(20) {
            0..=8 => 0,
            9..=11 => 1,
            12..=16 => self.rng.below(u64::MAX) as u128 * self.rng.below(1_000_000_000) as u128,
            17 => NEAR,
            _ => 10u128.pow(30 + self.rng.below(4) as u32),
        }
    }

    pub(super) fn gas(&mut self) -> u64 {
        match self.rng.below(20) {
            0..=11 => CLI_GAS,
            12..=16 => MAX_GAS,
            17 => self.rng.below(3 * TGAS) + 1,
            _ => 2 * TGAS + self.rng.below(13 * TGAS),
        }
    }
}
