//! The borsh byte layout written by hand: little-endian integers, `u32` length
//! before strings and byte vectors, a `0`/`1` tag before options. The `borsh`
//! crate's derives would pull `core::fmt` into the wasm; host tests prove these
//! bytes equal the crate's.
//!
//! Small helpers here are `#[inline(never)]`: inlined at each of their many call
//! sites they cost more wasm than the call (measured with build.sh).

use crate::Bytes;

pub struct Out(pub Bytes);

impl Out {
    pub fn with_capacity(n: usize) -> Self {
        Out(Bytes::with_capacity(n))
    }
    pub fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    #[inline(never)]
    pub fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    #[inline(never)]
    pub fn u128(&mut self, v: u128) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    #[inline(never)]
    pub fn bytes(&mut self, v: &[u8]) {
        self.0.extend_from_slice(&(v.len() as u32).to_le_bytes());
        self.0.extend_from_slice(v);
    }
    #[inline(never)]
    pub fn opt_bytes(&mut self, v: Option<&[u8]>) {
        self.u8(v.is_some() as u8);
        if let Some(v) = v {
            self.bytes(v);
        }
    }
}

/// Reads a layout back. A short or malformed record does not stop the reads
/// (they return zeros and empty slices, which keeps each read a plain call);
/// `finish` then says whether the whole record was well-formed.
pub struct In<'a> {
    rest: &'a [u8],
    ok: bool,
}

impl<'a> In<'a> {
    pub fn new(b: &'a [u8]) -> Self {
        In { rest: b, ok: true }
    }
    #[inline(never)]
    fn take(&mut self, n: usize) -> &'a [u8] {
        match (self.rest.get(..n), self.rest.get(n..)) {
            (Some(head), Some(tail)) => {
                self.rest = tail;
                head
            }
            _ => {
                self.ok = false;
                &[]
            }
        }
    }
    fn array<const N: usize>(&mut self) -> [u8; N] {
        self.take(N).try_into().unwrap_or([0; N])
    }
    pub fn u8(&mut self) -> u8 {
        self.array::<1>()[0]
    }
    /// A tag byte that must be 0 or 1.
    pub fn flag(&mut self) -> bool {
        let v = self.u8();
        self.ok &= v <= 1;
        v == 1
    }
    #[inline(never)]
    pub fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.array())
    }
    #[inline(never)]
    pub fn u128(&mut self) -> u128 {
        u128::from_le_bytes(self.array())
    }
    #[inline(never)]
    pub fn bytes(&mut self) -> &'a [u8] {
        let len = u32::from_le_bytes(self.array()) as usize;
        self.take(len)
    }
    #[inline(never)]
    pub fn bytes_into(&mut self, dst: &mut &'a [u8]) {
        *dst = self.bytes();
    }
    #[inline(never)]
    pub fn opt_bytes(&mut self) -> Option<&'a [u8]> {
        if self.flag() {
            Some(self.bytes())
        } else {
            None
        }
    }
    /// True when every read fitted and nothing is left over.
    pub fn finish(&self) -> bool {
        self.ok && self.rest.is_empty()
    }
}
