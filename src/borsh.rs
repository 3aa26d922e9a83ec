//! The borsh byte layout written by hand: little-endian integers, `u32` length
//! before strings and byte vectors, a `0`/`1` tag before options. The `borsh`
//! crate's derives would pull `core::fmt` into the wasm; host tests prove these
//! bytes equal the crate's.
//!
//! Small helpers here are `#[inline(never)]`: inlined at each of their many call
//! sites they cost more wasm than the call (measured with build.sh); that
//! includes `Out::u8` and `In::new`, whose inlined pushes and stores are larger
//! than a call.

use crate::Bytes;

pub struct Out(pub Bytes);

/// Every write returns the buffer, which lets a run of writes chain (as
/// `put_pricing` does); measured smaller even where the calls do not chain.
impl Out {
    pub fn with_capacity(n: usize) -> Self {
        Out(Bytes::with_capacity(n))
    }
    #[inline(never)]
    pub fn u8(&mut self, v: u8) -> &mut Self {
        self.0.push(v);
        self
    }
    #[inline(never)]
    pub fn u64(&mut self, v: u64) -> &mut Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    #[inline(never)]
    pub fn u128(&mut self, v: u128) -> &mut Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    /// Bytes as they are, no length. The same code as `Writer::raw`, which
    /// wasm-opt keeps one copy of.
    #[inline(never)]
    pub fn raw(&mut self, v: &[u8]) -> &mut Self {
        self.0.extend_from_slice(v);
        self
    }
    #[inline(never)]
    pub fn bytes(&mut self, v: &[u8]) -> &mut Self {
        self.raw(&(v.len() as u32).to_le_bytes()).raw(v)
    }
    #[inline(never)]
    pub fn opt_bytes(&mut self, v: Option<&[u8]>) -> &mut Self {
        self.u8(v.is_some() as u8);
        if let Some(v) = v {
            self.bytes(v);
        }
        self
    }
}

/// The u64 at byte `at` of `b`, 0 when `b` is too short: every `In` read of
/// a u64 and the records' reads of a slice share it.
pub fn u64_at(b: &[u8], at: usize) -> u64 {
    b.get(at..).and_then(<[u8]>::first_chunk).map_or(0, |c| u64::from_le_bytes(*c))
}

/// `N` bytes at a constant offset of a record's fixed part, read as an array:
/// inlined, a plain load (the array's length leaves no bounds check to make).
#[inline(always)]
pub fn field<const N: usize, const M: usize>(fixed: &[u8; M], at: usize) -> [u8; N] {
    fixed.get(at..).and_then(<[u8]>::first_chunk).copied().unwrap_or([0; N])
}

pub fn u64_field<const M: usize>(fixed: &[u8; M], at: usize) -> u64 {
    u64::from_le_bytes(field(fixed, at))
}

pub fn u128_field<const M: usize>(fixed: &[u8; M], at: usize) -> u128 {
    u128::from_le_bytes(field(fixed, at))
}

/// Reads a layout back. A short or malformed record does not stop the reads
/// (they return zeros and empty slices, which keeps each read a plain call);
/// `finish` then says whether the whole record was well-formed.
pub struct In<'a> {
    b: &'a [u8],
    /// Where the next read starts; `usize::MAX` once the record is known bad,
    /// where every later read finds nothing.
    pos: usize,
}

impl<'a> In<'a> {
    #[inline(never)]
    pub fn new(b: &'a [u8]) -> Self {
        In { b, pos: 0 }
    }
    /// Where the next `n` bytes start (past the end: the record is bad).
    #[inline(never)]
    fn take(&mut self, n: usize) -> usize {
        let at = self.pos;
        self.pos = at.checked_add(n).filter(|&end| end <= self.b.len()).unwrap_or(usize::MAX);
        at
    }
    pub fn u8(&mut self) -> u8 {
        let at = self.take(1);
        self.b.get(at).copied().unwrap_or(0)
    }
    /// A tag byte that must be 0 or 1.
    pub fn flag(&mut self) -> bool {
        let v = self.u8();
        if v > 1 {
            self.pos = usize::MAX;
        }
        v == 1
    }
    pub fn u64(&mut self) -> u64 {
        let at = self.take(8);
        u64_at(self.b, at)
    }
    #[inline(never)]
    pub fn bytes(&mut self) -> &'a [u8] {
        let mut v: &[u8] = &[];
        self.bytes_into(&mut v);
        v
    }
    /// A read straight into its place: a slice returned by a call goes
    /// through the stack, and then would be copied there. The other reads of
    /// slices are built on this one.
    #[inline(never)]
    pub fn bytes_into(&mut self, dst: &mut &'a [u8]) {
        let at = self.take(4);
        let len = self.b.get(at..).and_then(<[u8]>::first_chunk).map_or(0, |c| u32::from_le_bytes(*c)) as usize;
        let at = self.take(len);
        // After a failed take this range is out of bounds or reversed.
        *dst = self.b.get(at..at.wrapping_add(len)).unwrap_or(&[]);
    }
    #[inline(never)]
    pub fn opt_bytes(&mut self) -> Option<&'a [u8]> {
        let mut v = None;
        self.opt_bytes_into(&mut v);
        v
    }
    /// `opt_bytes` into place; the option is set before the slice is read
    /// into it, so the slice is written once.
    #[inline(never)]
    pub fn opt_bytes_into(&mut self, dst: &mut Option<&'a [u8]>) {
        *dst = None;
        if self.flag() {
            self.bytes_into(dst.insert(&[]));
        }
    }
    /// True when every read fitted and nothing is left over.
    pub fn finish(&self) -> bool {
        self.pos == self.b.len()
    }
}
