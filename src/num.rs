//! u128 division by a small divisor in 32-bit steps. Rust's generic u128
//! division pulls ~1 KB of compiler-builtins into the wasm and is slow there;
//! every divisor the contract uses (10, 1000, 10^6) fits in 32 bits.

/// `(v / d, v % d)` for `d > 0`.
pub fn div_rem(v: u128, d: u32) -> (u128, u32) {
    let d = d.max(1) as u64;
    let (hi, lo) = ((v >> 64) as u64, v as u64);
    // Long division over four 32-bit limbs, highest first; rem < d < 2^32 so
    // (rem << 32 | limb) fits in a u64. Only constant shifts: variable u128
    // shifts would be calls into compiler-builtins.
    let mut rem = 0u64;
    let mut q = [0u64; 4];
    for (qi, limb) in q.iter_mut().zip([hi >> 32, hi & 0xFFFF_FFFF, lo >> 32, lo & 0xFFFF_FFFF]) {
        let cur = rem << 32 | limb;
        *qi = cur / d;
        rem = cur % d;
    }
    let [a, b, c, e] = q;
    (((a << 32 | b) as u128) << 64 | (c << 32 | e) as u128, rem as u32)
}

#[cfg(test)]
mod tests {
    use super::div_rem;

    #[test]
    fn matches_native_division() {
        let values = [
            0u128,
            1,
            9,
            10,
            999,
            1_000_000,
            u64::MAX as u128,
            u64::MAX as u128 + 1,
            u128::MAX,
            u128::MAX - 1,
            0xdead_beef_0123_4567_89ab_cdef_0011_2233,
            21_410_000_000_000_000_000_000,
        ];
        for &v in &values {
            for &d in &[1u32, 2, 3, 7, 10, 1000, 1_000_000, u32::MAX] {
                assert_eq!(div_rem(v, d), (v / d as u128, (v % d as u128) as u32), "{v} / {d}");
            }
        }
    }
}
