//! Prices and costs. All amounts are yoctoNEAR; every product is checked so no
//! report, however absurd, can overflow into a wrong charge.

use crate::limits::Limits;
use crate::num::div_rem;

pub const NEAR: u128 = 1_000_000_000_000_000_000_000_000;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Pricing {
    pub base_fee: u128,
    /// Per million instructions.
    pub per_instruction_fee: u128,
    pub per_mb_fee: u128,
    pub per_second_fee: u128,
}

impl Pricing {
    /// 0.01 NEAR base, 0.000001 NEAR per 1M instructions, 0.0001 NEAR per MB,
    /// 0.001 NEAR per second.
    pub const DEFAULT: Pricing = Pricing {
        base_fee: NEAR / 100,
        per_instruction_fee: NEAR / 1_000_000,
        per_mb_fee: NEAR / 10_000,
        per_second_fee: NEAR / 1_000,
    };

    /// The most a request with these limits can cost; `None` if that does not
    /// fit in a u128.
    // Inlined by LLVM rather than later by wasm-opt: its result is then built in
    // place in its caller, with no copy of a returned value (measured smaller).
    #[inline(always)]
    pub fn estimate(&self, l: &Limits) -> Option<u128> {
        // A compare, not checked_mul: a u64 overflow check is a 128-bit multiply in wasm.
        let s = l.max_execution_seconds;
        if s > u64::MAX / 1000 {
            return None;
        }
        self.cost(l.max_instructions, l.max_memory_mb, s * 1000)
    }

    /// base + fee/1M instructions + fee/MB + fee/s, each term rounded up to the yocto.
    pub fn cost(&self, instructions: u64, memory_mb: u64, time_ms: u64) -> Option<u128> {
        let total = add_mul_div_ceil(Some(self.base_fee), &self.per_instruction_fee, instructions, 1_000_000);
        let total = add_mul_div_ceil(total, &self.per_mb_fee, memory_mb, 1);
        add_mul_div_ceil(total, &self.per_second_fee, time_ms, 1000)
    }
}

/// What a finished request's usage costs: usage above the requested limits
/// counts as the limit, a missing memory report counts as the requested memory,
/// and a cost past u128 is u128::MAX. Not capped at the payment: the callback's
/// `settle` caps every charge (`budget::split_payment`), the failure fee too.
// Inlined by LLVM rather than later by wasm-opt: its result is then built in
// place in its caller, with no copy of a returned value (measured smaller).
#[inline(always)]
pub fn charge(p: &Pricing, l: &Limits, instructions: u64, time_ms: u64, memory_mb: Option<u64>) -> u128 {
    let instructions = instructions.min(l.max_instructions);
    // A compare, not saturating_mul: a u64 overflow check is a 128-bit multiply in wasm.
    let s = l.max_execution_seconds;
    let time_ms = time_ms.min(if s > u64::MAX / 1000 { u64::MAX } else { s * 1000 });
    let memory_mb = memory_mb.unwrap_or(l.max_memory_mb).min(l.max_memory_mb);
    p.cost(instructions, memory_mb, time_ms).unwrap_or(u128::MAX)
}

#[cfg(test)]
fn mul_div_ceil(fee: u128, n: u64, d: u32) -> Option<u128> {
    add_mul_div_ceil(Some(0), &fee, n, d)
}

/// `acc + ceil(fee * n / d)` without overflow for any u64 n; None if the
/// result itself does not fit, or `acc` is None (an earlier term did not):
/// `cost` then chains the terms with no branch of its own. One copy for all
/// three terms of a cost, the sum included (a checked u128 add is ~80 bytes
/// of wasm at each site). `fee` by reference: each call then passes the
/// price's address, not its two halves.
#[inline(never)]
fn add_mul_div_ceil(acc: Option<u128>, fee: &u128, n: u64, d: u32) -> Option<u128> {
    // fee = q*d + r  =>  fee*n/d = q*n + r*n/d, and with r < d < 2^32 the
    // second term is r*(n/d) + r*(n%d)/d: both products fit in a u64 (the
    // first is at most n, the second below d^2): no 128-bit product for it.
    let (q, r) = div_rem(*fee, d);
    let (r, d) = (r as u64, d.max(1) as u64);
    // Rounded up with one division: r*(n%d) + d - 1 <= d*(d-1), which fits a u64.
    let t = r * (n % d) + d - 1;
    let frac = r * (n / d) + t / d;
    q.checked_mul(n as u128)?.checked_add(frac as u128)?.checked_add(acc?)
}

pub fn required_deposit(estimate: u128, storage_bytes: u64) -> Option<u128> {
    estimate.checked_add(storage_cost(storage_bytes))
}

/// NEAR's storage staking price per byte (10^19 yocto; no host function exposes it).
pub const STORAGE_PRICE_PER_BYTE: u128 = 10_000_000_000_000_000_000;

/// Bytes NEAR counts for each stored record on top of its key and value.
pub const RECORD_OVERHEAD: u64 = 40;

pub fn storage_cost(bytes: u64) -> u128 {
    bytes as u128 * STORAGE_PRICE_PER_BYTE
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(i: u64, m: u64, s: u64) -> Limits {
        Limits { max_instructions: i, max_memory_mb: m, max_execution_seconds: s }
    }

    #[test]
    fn seed_example_costs_0_02141_near() {
        let est = Pricing::DEFAULT.estimate(&limits(10_000_000, 64, 5)).unwrap();
        assert_eq!(est, 21_410_000_000_000_000_000_000);
    }

    #[test]
    fn default_limits_estimate() {
        // 0.01 + 1000*1e-6 + 128*1e-4 + 60*1e-3 = 0.0838 NEAR
        let est = Pricing::DEFAULT.estimate(&Limits::DEFAULT).unwrap();
        assert_eq!(est, 83_800_000_000_000_000_000_000);
    }

    #[test]
    fn terms_round_up_to_the_yocto() {
        let p = Pricing { base_fee: 0, per_instruction_fee: 3, per_mb_fee: 0, per_second_fee: 7 };
        assert_eq!(p.cost(1, 0, 0), Some(1));
        assert_eq!(p.cost(0, 0, 1), Some(1));
        assert_eq!(p.cost(1_000_000, 0, 1000), Some(10));
        assert_eq!(p.cost(0, 0, 0), Some(0));
    }

    #[test]
    fn overflow_is_none_not_wrap() {
        let p = Pricing { base_fee: u128::MAX, per_instruction_fee: 0, per_mb_fee: 0, per_second_fee: 0 };
        assert_eq!(p.cost(0, 0, 0), Some(u128::MAX));
        let p2 = Pricing { base_fee: 1, ..p };
        assert_eq!(p2.cost(0, 0, 0), Some(1));
        let p3 = Pricing { base_fee: u128::MAX, per_mb_fee: 1, ..p };
        assert_eq!(p3.cost(0, 1, 0), None);
        let p4 = Pricing { base_fee: 0, per_instruction_fee: u128::MAX, per_mb_fee: 0, per_second_fee: 0 };
        assert_eq!(p4.cost(u64::MAX, 0, 0), None);
        assert!(p4.cost(999_999, 0, 0).is_some());
        let p5 = Pricing { base_fee: 0, per_instruction_fee: 0, per_mb_fee: u128::MAX, per_second_fee: 0 };
        assert_eq!(p5.estimate(&limits(0, 2, 0)), None);
    }

    #[test]
    fn mul_div_ceil_matches_exact_arithmetic() {
        // Where fee * n fits, compare with the direct formula.
        for &(fee, n, d) in &[
            (u128::MAX, 1u64, 1_000_000u32),
            (u128::MAX / 3, 2, 1000),
            (12345678901234567890123, 987654321, 1_000_000),
            (1, u64::MAX, 1000),
            (999, 1001, 1000),
        ] {
            if let Some(prod) = fee.checked_mul(n as u128) {
                assert_eq!(mul_div_ceil(fee, n, d), Some(prod.div_ceil(d as u128)), "{fee} {n} {d}");
            }
        }
        // fee * n overflows but the quotient fits: (2^127 * 4) / 8 = 2^126.
        assert_eq!(mul_div_ceil(1u128 << 127, 4, 8), Some(1u128 << 126));
        // and where the quotient itself does not fit.
        assert_eq!(mul_div_ceil(u128::MAX, 2000, 1000), None);
    }

    #[test]
    fn charge_caps_usage_at_limits_and_settling_caps_it_at_payment() {
        use crate::budget::split_payment;
        let l = limits(10_000_000, 64, 5);
        let p = Pricing::DEFAULT;
        let est = p.estimate(&l).unwrap();
        let over_limits = charge(&p, &l, u64::MAX, u64::MAX, Some(u64::MAX));
        assert_eq!(over_limits, est);
        // settled against a payment below it, the charge is the payment
        assert_eq!(split_payment(est - 1, Some(over_limits)), (est - 1, 0));
        // memory not reported counts as the requested maximum
        assert_eq!(charge(&p, &l, 0, 0, None), p.base_fee + 64 * p.per_mb_fee);
        assert_eq!(
            charge(&p, &l, 1_000_000, 100, Some(1)),
            p.base_fee + p.per_instruction_fee + p.per_mb_fee + p.per_second_fee / 10
        );
        // a cost past u128 saturates, and settles at the payment
        let huge = Pricing { base_fee: u128::MAX, ..p };
        let past = charge(&huge, &l, 1, 1, Some(1));
        assert_eq!(past, u128::MAX);
        assert_eq!(split_payment(7, Some(past)), (7, 0));
    }
}
