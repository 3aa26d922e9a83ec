//! u128 division by a small divisor in 32-bit steps. Rust's generic u128
//! division pulls ~1 KB of compiler-builtins into the wasm and is slow there;
//! every divisor the contract uses (10, 1000, 10^6) fits in 32 bits.

/// `(v / d, v % d)` for `d > 0`.
pub fn div_rem(v: u128, d: u32) -> (u128, u32) {
    let d = d.max(1) as u64;
    // Long division over four 32-bit limbs, highest first; rem < d < 2^32 so
    // (rem << 32 | limb) fits in a u64. Each step rotates the next limb into
    // the low bits: only constant shifts (variable u128 shifts would be calls
    // into compiler-builtins), and one loop body instead of four.
    let (mut v, mut q, mut rem) = (v, 0u128, 0u64);
    for _ in 0..4 {
        v = v.rotate_left(32);
        let cur = rem << 32 | v as u32 as u64;
        q = q << 32 | (cur / d) as u128;
        rem = cur % d;
    }
    (q, rem as u32)
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
