//! SplitMix64: small and seeded, so a failing random test names a seed that replays it exactly.
#![allow(dead_code)]

pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// 0..n
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    /// 0..=n
    pub fn upto(&mut self, n: usize) -> usize {
        self.below(n as u64 + 1) as usize
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
    pub fn bytes_upto(&mut self, n: usize) -> Vec<u8> {
        let n = self.upto(n);
        self.bytes(n)
    }
    /// A u64 that is often at an edge: 0, the bound, one over, u64::MAX.
    pub fn edgy(&mut self, bound: u64) -> u64 {
        match self.below(6) {
            0 => 0,
            1 => bound,
            2 => bound.saturating_add(1),
            3 => u64::MAX,
            _ => self.below(bound.saturating_add(2)),
        }
    }
}
