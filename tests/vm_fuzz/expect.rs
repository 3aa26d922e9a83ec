//! Whether a call must succeed, must fail, or may do either, from the model alone.

use super::generate::{Intent, OWNER_SERVICE};
use super::Fuzz;
use crate::common::checked_env::*;
use crate::common::spec::*;
use serde_json::Value;

impl Fuzz {
    /// Whether an admin call that is otherwise fine grows the config or adds the keystore key
    /// beyond what the contract's balance stakes: nearcore then fails it with
    /// LackBalanceForState. Sizes from README "State layout", usage as the chain counts it.
    pub(super) fn lacks_balance_for_state(&self, intent: &Intent, deposit: u128) -> bool {
        let env = &self.env;
        let config = |owner: &str, operator: &str, keystore: Option<&str>| {
            config_record_bytes(owner.len(), operator.len(), keystore.map(str::len))
        };
        let now = config(&env.owner, &env.operator, env.keystore.as_deref());
        let after = match intent {
            // The operator mark moves with the operator.
            Intent::SetOperator(a) => {
                config(&env.owner, a, env.keystore.as_deref()) + operator_mark_bytes(a.len())
                    - operator_mark_bytes(env.operator.len())
            }
            Intent::SetOwner(a) => config(a, &env.operator, env.keystore.as_deref()),
            Intent::SetKeystore(k) => config(&env.owner, &env.operator, k.as_deref()),
            Intent::SetPubkey(_) if env.pubkey.is_none() => now + PUBKEY_RECORD_BYTES,
            Intent::SetPubkey(_) => now,
            _ => return false,
        };
        let usage = (env.vm.storage_usage() + after).saturating_sub(now);
        // README, "Security": the contract stakes its own records from what it owes no one, so
        // every change of them is refused while balance < storage + pending payments.
        let owed: u128 = env.live.values().map(|r| r.payment).sum();
        storage_cost(usage) + owed > env.balance() + deposit
    }

    /// Whether the call must succeed (true), must fail (false), or either is possible (None).
    pub(super) fn expectation(
        &mut self,
        method: &str,
        intent: &Intent,
        mutated: bool,
        predecessor: &str,
        deposit: u128,
        gas: u64,
    ) -> Option<bool> {
        let env = &self.env;
        let admin = ADMIN.contains(&method) || OWNER_SERVICE.contains(&method) || method == "upgrade";
        // What the arguments cannot change: who may call, which deposits.
        let pred_ok = match method {
            "resolve_execution" | "submit_execution_output" | "submit_execution_output_and_resolve" => {
                predecessor == env.operator
            }
            "on_execution_response" | "migrate" => predecessor == CONTRACT,
            "set_keystore_pubkey" => predecessor == env.owner || env.keystore.as_deref() == Some(predecessor),
            m if admin => {
                let _ = m;
                predecessor == env.owner
            }
            _ => true,
        };
        let deposit_ok = match method {
            "request_execution" | "on_execution_response" => true,
            _ if admin => deposit <= 1,
            _ => deposit == 0,
        };
        // The callback called directly (even by the contract account) is not a yield ending.
        if matches!(method, "new" | "fail_execution" | "on_execution_response") || !pred_ok || !deposit_ok {
            return Some(false);
        }
        if mutated || gas < CLI_GAS {
            return None;
        }
        Some(match intent {
            Intent::Request(a) => {
                let required = a.required(&env.prices, predecessor);
                a.valid() && !env.paused && required.is_some_and(|r| deposit >= r)
            }
            Intent::Resolve { id, success, output, used, .. } => match env.live.get(id) {
                Some(r) => !(r.output.is_some() && output.is_some()) && payload_fits(*success, output.as_ref(), used.2),
                None => false,
            },
            // The store decides; the resume that follows carries no output, so it always fits.
            Intent::Submit { id, output } | Intent::SubmitAndResolve { id, output, .. } => {
                match (env.live.get(id), self.env.vm.storage(&request_key(*id))) {
                    (Some(r), Some(rec)) => {
                        let request_bytes = 9 + rec.len() as u64 + RECORD_EXTRA;
                        r.output.is_none()
                            && output.body_len() <= CAP_OUTPUT
                            && output_fits_payment(request_bytes, output.body_len(), r.payment)
                    }
                    _ => false,
                }
            }
            Intent::Cancel(id) => env
                .live
                .get(id)
                .is_some_and(|r| r.sender == predecessor && env.vm.block_timestamp() >= r.timestamp + STALE_NS),
            Intent::Emergency(id) => env.live.contains_key(id),
            Intent::SetOperator(a) | Intent::SetOwner(a) => valid_account_id(a),
            Intent::SetKeystore(a) => a.as_deref().is_none_or(valid_account_id),
            Intent::SetPricing(fees) => {
                let mut p = env.prices;
                for (slot, fee) in [&mut p.base, &mut p.per_minstr, &mut p.per_mb, &mut p.per_sec].into_iter().zip(fees)
                {
                    if let Some(f) = fee {
                        *slot = *f;
                    }
                }
                p.checked_max_estimate().is_some()
            }
            Intent::SetPaused(_) | Intent::SetPubkey(_) | Intent::Migrate => true,
            Intent::Upgrade(is_wasm) => *is_wasm,
            Intent::Other => return if VIEWS.contains(&method) { Some(true) } else { None },
        })
    }
}

/// The same for `submit_execution_output_and_resolve`, whose response fields sit at the top
/// level next to the output (never null there).
pub(super) fn read_submit_and_resolve(args: &[u8]) -> Option<Intent> {
    let v: Value = serde_json::from_slice(args).ok()?;
    let output = Output::of_json(v.get("output")?);
    let (success, error, used) = read_response(&v)?;
    Some(Intent::SubmitAndResolve { id: v.get("request_id")?.as_u64()?, output, success, error, used })
}

/// What a resolve's arguments ask for, read with serde_json rather than the contract's own
/// parser: how the fuzz checks the charge and result of a resolve whose arguments it mutated.
/// `None` when they are not a response SPEC.md accepts.
pub(super) fn read_resolve(args: &[u8]) -> Option<Intent> {
    let v: Value = serde_json::from_slice(args).ok()?;
    let r = v.get("response")?;
    let output = match r.get("output") {
        None | Some(Value::Null) => None,
        Some(o) => Some(Output::of_json(o)),
    };
    let (success, error, used) = read_response(r)?;
    Some(Intent::Resolve { id: v.get("request_id")?.as_u64()?, success, output, error, used })
}

/// A response's `success`, `error` and `resources_used`.
#[allow(clippy::type_complexity)]
fn read_response(r: &Value) -> Option<(bool, Option<String>, (u64, u64, Option<u64>))> {
    let u64_or_none = |x: Option<&Value>| match x {
        None | Some(Value::Null) => Some(None),
        Some(n) => n.as_u64().map(Some),
    };
    let ru = r.get("resources_used")?;
    let used = (ru.get("instructions")?.as_u64()?, ru.get("time_ms")?.as_u64()?, u64_or_none(ru.get("memory_mb"))?);
    let error = match r.get("error") {
        None | Some(Value::Null) => None,
        Some(e) => Some(e.as_str()?.to_string()),
    };
    Some((r.get("success")?.as_bool()?, error, used))
}
