//! Refusal texts are stored packed: each fragment of `FRAGMENTS` (the ones
//! that occur most across the texts) is one byte above ASCII in them, which
//! `unpack` writes out again when a call is refused. The data section is the
//! largest part of the wasm after the code, and most of it is text.
//!
//! Only refusal texts are packed: they are unpacked on a path that ends the
//! call anyway, so the instructions it takes (some thousands per fragment,
//! which it finds by counting) never matter. Texts
//! a call commits (events, the callback's error messages) stay plain.
//!
//! `packed!(b"text")` packs at compile time, in a `const` block: the packer
//! never exists as code in the wasm (see `substr.rs` for what a `const fn`
//! compiled as code did to the inlining of its neighbours).

/// Fragment `k` (from 0) is written as byte `0x80 + k`, which no text has
/// (they are ASCII: the packer refuses anything else at compile time). Chosen
/// greedily, by the bytes each one saves over the texts of `error.rs`. At
/// most 128 of them (the codes are bytes). Left out although they would save
/// bytes: "at" and "ed", which would pack away names that other constants
/// carve from packed texts with `within!` ("migrate", "ed25519:"); a fragment
/// that does so fails the build there. Re-chosen over the texts as they are
/// now (adding, dropping and swapping fragments while the total of texts and
/// fragments fell): 31 bytes smaller than the set chosen for older texts.
const FRAGMENTS: [&[u8]; 86] = [
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
    b"request",
    b"er ",
    b"ed ",
    b"account ",
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
    b"on",
    b"n ",
    b"lea",
    b"id",
    b"ay",
    b": attach at least ",
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
    b"ec",
    b"ac",
    b"JSON",
    b"ate ",
    b"string",
    b"not ",
    b"must be ",
    b"corrupt ",
    b"al",
    b"out",
    b"the ",
    b"stor",
    b"',' or '",
    b"it",
    b"over ",
    b"cost ",
    b"take",
    b"un",
    b"contr",
    b"an ",
    b"in ",
    b"s aft",
    b"ow",
    b" ne",
    b"sign",
    b"as",
    b"of ",
    b"mis",
    b"64 ",
    b"pri",
    b"a ",
    b"t\"",
    b"pl",
    b"us",
];

/// Fragment 0's code; every byte below it stands for itself.
const FIRST_CODE: u8 = 0x80;

/// What the wasm keeps of `FRAGMENTS`: their bytes end to end, the last byte
/// of each marked with the top bit (fragments are ASCII, so it is free). No
/// table of where each starts: `unpack` counts the marks, which is smaller
/// than such a table and its lookups, on a path that ends the call anyway.
const ALL_LEN: usize = total_len();
static ALL: [u8; ALL_LEN] = all();

const fn total_len() -> usize {
    let (mut k, mut n) = (0, 0);
    while k < FRAGMENTS.len() {
        n += FRAGMENTS[k].len();
        k += 1;
    }
    n
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
        all[n - 1] |= END;
        k += 1;
    }
    all
}

/// The mark on a fragment's last byte in `ALL`.
const END: u8 = 0x80;

/// `text` packed: the first `N` bytes of it and its whole length (the macro
/// calls it once with `N = 0` for the length, then with that length). At each
/// position the longest fragment that matches is taken, else the byte itself.
/// No fragment takes in any byte of the first occurrence of a word in `keep`:
/// those words stay plain in the packed text, for `within!` to carve.
pub const fn pack<const N: usize>(text: &[u8], keep: &[&[u8]]) -> ([u8; N], usize) {
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
            if i == f.len() && f.len() > len && !touches_kept(text, keep, at, at + f.len()) {
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

/// Whether `text[from..to]` shares a byte with the first occurrence of a
/// word of `keep` (the build fails if a word is not in `text`).
const fn touches_kept(text: &[u8], keep: &[&[u8]], from: usize, to: usize) -> bool {
    let mut w = 0;
    while w < keep.len() {
        let word = keep[w];
        let mut start = 0;
        loop {
            assert!(start + word.len() <= text.len(), "packed!: a kept word is not in the text");
            let mut i = 0;
            while i < word.len() && text[start + i] == word[i] {
                i += 1;
            }
            if i == word.len() {
                break;
            }
            start += 1;
        }
        if from < start + word.len() && start < to {
            return true;
        }
        w += 1;
    }
    false
}

/// A refusal text, packed at compile time: `packed!(b"text")`, or
/// `packed!(b"text", keep b"word", ...)` to leave words plain in it.
#[macro_export]
macro_rules! packed {
    ($text:expr $(, keep $($keep:expr),+)?) => {
        const {
            const TEXT: &[u8] = $text;
            const KEEP: &[&[u8]] = &[$($($keep),+)?];
            // The array alone: a reference into the pair would keep its
            // length (and padding) in the data too.
            const LEN: usize = $crate::packed::pack::<0>(TEXT, KEEP).1;
            const PACKED: [u8; LEN] = $crate::packed::pack::<LEN>(TEXT, KEEP).0;
            &PACKED
        }
    };
}

/// Appends `text` to `out` with its fragments written out.
pub fn unpack(out: &mut crate::Bytes, text: &[u8]) {
    for &b in text {
        let Some(k) = b.checked_sub(FIRST_CODE) else {
            out.push(b);
            continue;
        };
        // Fragment `k` is what follows the `k`th mark: the marks still to
        // pass count down to it, and below it once it is written out.
        let mut left = k as i32;
        for &c in &ALL {
            if left == 0 {
                out.push(c & !END);
            }
            left -= (c >> 7) as i32;
            if left < 0 {
                break;
            }
        }
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
    fn kept_words_stay_plain() {
        const P: &[u8] = crate::packed!(b"expected true or false", keep b"true", b"false");
        assert_eq!(round_trip(P), "expected true or false");
        assert!(P.windows(4).any(|w| w == b"true") && P.windows(5).any(|w| w == b"false"));
        // The rest is still packed ("expected ").
        assert!(P.len() < "expected true or false".len());
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
        assert_eq!(ALL.iter().filter(|&&c| c & END != 0).count(), FRAGMENTS.len());
    }
}
