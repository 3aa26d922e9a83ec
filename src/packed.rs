//! Refusal texts are stored packed: each fragment of `FRAGMENTS` (the ones
//! that occur most across the texts) is one byte above ASCII in them, which
//! `unpack` writes out again when a call is refused. The data section is the
//! largest part of the wasm after the code, and most of it is text.
//!
//! Only refusal texts are packed: they are unpacked on a path that ends the
//! call anyway, so the few thousand instructions it takes never matter. Texts
//! a call commits (events, the callback's error messages) stay plain.
//!
//! `packed!(b"text")` packs at compile time, in a `const` block: the packer
//! never exists as code in the wasm (see `substr.rs` for what a `const fn`
//! compiled as code did to the inlining of its neighbours).

/// Fragment `k` (from 0) is written as byte `0x80 + k`, which no text has
/// (they are ASCII: the packer refuses anything else at compile time). Chosen
/// greedily, by the bytes each one saves over the texts of `error.rs`; their
/// bytes end to end must stay under 256 (`ENDS` is bytes). Left out although
/// they would save bytes: "at" and "ed", which would pack away names that
/// other constants carve from packed texts with `within!` ("migrate",
/// "ed25519:"); a fragment that does so fails the build there. ("as" was left
/// out for "paused", which now comes from `names::ALL`; with it the wasm
/// measured 4 bytes bigger.)
const FRAGMENTS: [&[u8]; 61] = [
    b"expected ",
    b"t ",
    b" yoctoNEAR",
    b"invalid ",
    b"ing ",
    b"overflows u128",
    b"outpu",
    b"or",
    b"or ",
    b"e ",
    b"already ",
    b"reques",
    b"er ",
    b"ed ",
    b"accoun",
    b"initialize",
    b"st",
    b"only",
    b"no",
    b": ",
    b"th",
    b"s ",
    b"ield",
    b"charact",
    b"in",
    b"deposi",
    b"config",
    b"all",
    b"ytes",
    b"too ",
    b"ment",
    b" to ",
    b"er",
    b"ar",
    b", ",
    b"rup",
    b"on",
    b"n ",
    b"mus",
    b"lea",
    b"id",
    b"ay",
    b"tach a",
    b"resolv",
    b"os",
    b"ex",
    b"escape",
    b"10",
    b"im",
    b"end",
    b"::MAX",
    b"wi",
    b"ut",
    b"numb",
    b"ne",
    b"ec",
    b"ac",
    b"JSON",
    b"ate ",
    b"string",
    b"not ",
];

/// Fragment 0's code; every byte below it stands for itself.
const FIRST_CODE: u8 = 0x80;

/// What the wasm keeps of `FRAGMENTS`: their bytes end to end, and where each
/// ends (`ENDS[k + 1]`; `ENDS[0]` is 0), so fragment `k` is `ALL[ENDS[k]..ENDS[k + 1]]`.
/// A total over 255 fails the build (an overflow in `ends`).
const ALL_LEN: usize = ends()[FRAGMENTS.len()] as usize;
static ALL: [u8; ALL_LEN] = all();
static ENDS: [u8; FRAGMENTS.len() + 1] = ends();

const fn ends() -> [u8; FRAGMENTS.len() + 1] {
    let mut ends = [0u8; FRAGMENTS.len() + 1];
    let mut k = 0;
    while k < FRAGMENTS.len() {
        ends[k + 1] = ends[k] + FRAGMENTS[k].len() as u8;
        k += 1;
    }
    ends
}

const fn all() -> [u8; ALL_LEN] {
    let mut all = [0u8; ALL_LEN];
    let (mut k, mut n) = (0, 0);
    while k < FRAGMENTS.len() {
        let mut i = 0;
        while i < FRAGMENTS[k].len() {
            all[n] = FRAGMENTS[k][i];
            (i, n) = (i + 1, n + 1);
        }
        k += 1;
    }
    all
}

/// `text` packed: the first `N` bytes of it and its whole length (the macro
/// calls it once with `N = 0` for the length, then with that length). At each
/// position the longest fragment that matches is taken, else the byte itself.
pub const fn pack<const N: usize>(text: &[u8]) -> ([u8; N], usize) {
    let mut out = [0u8; N];
    let (mut at, mut n) = (0, 0);
    while at < text.len() {
        assert!(text[at] < FIRST_CODE, "packed!: a text that is not ASCII");
        let (mut code, mut len) = (text[at], 1);
        let mut k = 0;
        while k < FRAGMENTS.len() {
            let f = FRAGMENTS[k];
            let mut i = 0;
            while i < f.len() && at + i < text.len() && text[at + i] == f[i] {
                i += 1;
            }
            if i == f.len() && f.len() > len {
                (code, len) = (FIRST_CODE + k as u8, f.len());
            }
            k += 1;
        }
        if n < N {
            out[n] = code;
        }
        (at, n) = (at + len, n + 1);
    }
    (out, n)
}

/// A refusal text, packed at compile time: `packed!(b"text")`.
#[macro_export]
macro_rules! packed {
    ($text:expr) => {
        const {
            const TEXT: &[u8] = $text;
            // The array alone: a reference into the pair would keep its
            // length (and padding) in the data too.
            const LEN: usize = $crate::packed::pack::<0>(TEXT).1;
            const PACKED: [u8; LEN] = $crate::packed::pack::<LEN>(TEXT).0;
            &PACKED
        }
    };
}

/// Appends `text` to `out` with its fragments written out.
pub fn unpack(out: &mut crate::Bytes, text: &[u8]) {
    for b in text {
        // Fragment `k` runs from `ENDS[k]` to `ENDS[k + 1]`; for a plain byte
        // both indices wrap around, far past the end.
        let k = (*b as usize).wrapping_sub(FIRST_CODE as usize);
        let piece = match (ENDS.get(k), ENDS.get(k.wrapping_add(1))) {
            (Some(&start), Some(&end)) => ALL.get(start as usize..end as usize).unwrap_or_default(),
            _ => core::slice::from_ref(b),
        };
        out.extend_from_slice(piece);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(packed: &[u8]) -> String {
        let mut v = Vec::new();
        unpack(&mut v, packed);
        String::from_utf8(v).unwrap_or_default()
    }

    #[test]
    fn texts_come_back_as_written() {
        const A: &[u8] = crate::packed!(b"expected an unsigned integer");
        const B: &[u8] = crate::packed!(b"invalid account id: 2 to 64 characters");
        const C: &[u8] = crate::packed!(b"");
        assert_eq!(round_trip(A), "expected an unsigned integer");
        assert_eq!(round_trip(B), "invalid account id: 2 to 64 characters");
        assert_eq!(round_trip(C), "");
        // "expected " and "in"/"ing ": fragments are really used.
        assert!(A.len() < "expected an unsigned integer".len() - 8);
    }

    #[test]
    fn the_longest_fragment_wins() {
        // "in" and "initialize" both match at 0: the longer one is taken.
        const P: &[u8] = crate::packed!(b"initialized");
        assert_eq!(P.len(), 2);
        assert_eq!(round_trip(P), "initialized");
    }

    #[test]
    fn plain_bytes_stay_as_they_are() {
        const P: &[u8] = crate::packed!(b"XYZ 123");
        assert_eq!(P, b"XYZ 123");
    }

    #[test]
    fn fragments_fit_above_ascii() {
        assert!(FRAGMENTS.len() <= (0x100 - FIRST_CODE as usize));
        assert!(FRAGMENTS.iter().all(|f| f.len() > 1 && f.iter().all(|&c| c < FIRST_CODE)));
        assert_eq!(ALL.len(), FRAGMENTS.iter().map(|f| f.len()).sum::<usize>());
    }
}
