//! SPEC.md's prices: the estimate a request is refused below, the charge of a resolve.

use super::*;
use serde_json::{json, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Prices {
    pub base: u128,
    /// Per million instructions.
    pub per_minstr: u128,
    pub per_mb: u128,
    pub per_sec: u128,
}

/// ceil(fee × n / d) without overflowing on the way: (fee / d) × n + ceil((fee % d) × n / d).
fn mul_div_ceil(fee: u128, n: u64, d: u128) -> Option<u128> {
    let (q, r) = (fee / d, fee % d);
    q.checked_mul(n as u128)?.checked_add((r * n as u128).div_ceil(d))
}

impl Prices {
    pub const DEFAULT: Prices = Prices { base: BASE_FEE, per_minstr: PER_MINSTR, per_mb: PER_MB, per_sec: PER_SEC };
    pub const ZERO: Prices = Prices { base: 0, per_minstr: 0, per_mb: 0, per_sec: 0 };

    /// base + per_instruction × instructions / 10^6 + per_mb × memory + per_second × ms / 1000,
    /// each term rounded up to the yocto; `None` when it does not fit a u128.
    pub fn checked_cost(&self, instructions: u64, memory_mb: u64, time_ms: u64) -> Option<u128> {
        self.base
            .checked_add(mul_div_ceil(self.per_minstr, instructions, 1_000_000)?)?
            .checked_add(self.per_mb.checked_mul(memory_mb as u128)?)?
            .checked_add(mul_div_ceil(self.per_sec, time_ms, 1000)?)
    }

    pub fn cost(&self, instructions: u64, memory_mb: u64, time_ms: u64) -> u128 {
        self.checked_cost(instructions, memory_mb, time_ms).expect("the cost overflows u128")
    }

    pub fn checked_estimate(&self, l: &Limits) -> Option<u128> {
        self.checked_cost(l.instructions, l.memory_mb, l.seconds * 1000)
    }

    pub fn estimate(&self, l: &Limits) -> u128 {
        self.checked_estimate(l).expect("the estimate overflows u128")
    }

    /// The estimate at every cap: `set_pricing` must refuse prices for which it is `None`.
    pub fn checked_max_estimate(&self) -> Option<u128> {
        self.checked_estimate(&Limits::CAP)
    }

    /// What a successful execution is charged: usage above a limit counts as the limit,
    /// missing memory as the requested maximum, never more than the payment.
    pub fn charge(&self, l: &Limits, payment: u128, used: impl Into<Used>) -> u128 {
        let used = used.into();
        let memory = used.memory_mb.unwrap_or(l.memory_mb).min(l.memory_mb);
        let cost = self.checked_cost(used.instructions.min(l.instructions), memory, used.time_ms.min(l.seconds * 1000));
        cost.unwrap_or(u128::MAX).min(payment)
    }

    /// What a failed execution keeps: the base fee, never more than the payment.
    pub fn failure_charge(&self, payment: u128) -> u128 {
        self.base.min(payment)
    }

    /// `set_pricing`'s arguments, and `get_pricing`'s answer.
    pub fn json(&self) -> Value {
        json!({
            "base_fee": self.base.to_string(),
            "per_instruction_fee": self.per_minstr.to_string(),
            "per_mb_fee": self.per_mb.to_string(),
            "per_second_fee": self.per_sec.to_string(),
        })
    }

    pub fn of_json(v: &Value) -> Prices {
        let f = |k: &str| v[k].as_str().unwrap_or_else(|| panic!("pricing.{k}: {v}")).parse::<u128>().unwrap();
        Prices {
            base: f("base_fee"),
            per_minstr: f("per_instruction_fee"),
            per_mb: f("per_mb_fee"),
            per_sec: f("per_second_fee"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub instructions: u64,
    pub memory_mb: u64,
    pub seconds: u64,
}

impl Limits {
    pub const DEFAULT: Limits = Limits { instructions: 1_000_000_000, memory_mb: 128, seconds: 60 };
    pub const CAP: Limits = Limits { instructions: CAP_INSTRUCTIONS, memory_mb: CAP_MEMORY_MB, seconds: CAP_SECONDS };
    /// The seed README's worked example: 0.02141 NEAR.
    pub const SEED_EXAMPLE: Limits = Limits { instructions: 10_000_000, memory_mb: 64, seconds: 5 };
    pub const ZERO: Limits = Limits { instructions: 0, memory_mb: 0, seconds: 0 };

    pub fn json(&self) -> Value {
        json!({"max_instructions": self.instructions, "max_memory_mb": self.memory_mb, "max_execution_seconds": self.seconds})
    }

    pub fn within_caps(&self) -> bool {
        self.instructions <= CAP_INSTRUCTIONS && self.memory_mb <= CAP_MEMORY_MB && self.seconds <= CAP_SECONDS
    }
}

/// `resources_used` as the operator reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Used {
    pub instructions: u64,
    pub time_ms: u64,
    pub memory_mb: Option<u64>,
}

impl Used {
    pub const NOTHING: Used = Used { instructions: 0, time_ms: 0, memory_mb: None };
    pub const ABSURD: Used = Used { instructions: u64::MAX, time_ms: u64::MAX, memory_mb: Some(u64::MAX) };

    pub fn new(instructions: u64, time_ms: u64, memory_mb: Option<u64>) -> Used {
        Used { instructions, time_ms, memory_mb }
    }

    pub fn json(&self) -> Value {
        let mut v = json!({"instructions": self.instructions, "time_ms": self.time_ms});
        if let Some(m) = self.memory_mb {
            v["memory_mb"] = json!(m);
        }
        v
    }
}

impl From<&Used> for Used {
    fn from(u: &Used) -> Used {
        *u
    }
}

impl From<&(u64, u64, Option<u64>)> for Used {
    fn from(&(instructions, time_ms, memory_mb): &(u64, u64, Option<u64>)) -> Used {
        Used { instructions, time_ms, memory_mb }
    }
}

impl From<(u64, u64, Option<u64>)> for Used {
    fn from((instructions, time_ms, memory_mb): (u64, u64, Option<u64>)) -> Used {
        Used { instructions, time_ms, memory_mb }
    }
}
