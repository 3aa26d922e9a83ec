//! Mutations of valid JSON arguments: flipped, inserted and deleted bytes, spliced fields,
//! swapped types, huge numbers, deep nesting, invalid UTF-8, escapes, duplicate keys.

use crate::common::rng::Rng;

const INTERESTING_BYTES: &[u8] = b"\"\\{}[],:0-+.eE \t\n\x00\x7f\xff\xc3\xed\xf0u";
const TYPE_SWAPS: &[&str] = &[
    "\"1\"",
    "1",
    "-1",
    "1.5",
    "1e3",
    "true",
    "null",
    "[]",
    "{}",
    "\"\"",
    "\"01\"",
    "01",
    "-0",
    "\"340282366920938463463374607431768211455\"",
    "\"340282366920938463463374607431768211456\"",
    "\"-1\"",
    "\"+1\"",
    "\" 1\"",
    "\"1 \"",
    "\"1.0\"",
    "\"1e3\"",
    "18446744073709551615",
    "18446744073709551616",
    "99999999999999999999999999999999999999999",
    "\"\\ud800\"",
    "\"\\udc00\\ud800\"",
    "\"\\u0000\"",
    "\"a\\\"b\"",
    "\"\\u00e9\\ud83d\\ude00\"",
    "[1,2,3]",
    "{\"Text\":\"x\"}",
    "\"Text\"",
];
const INVALID_UTF8: &[&[u8]] =
    &[b"\xff", b"\xc0\x80", b"\xed\xa0\x80", b"\xe2\x82", b"\xf4\x90\x80\x80", b"\x80", b"\xf0\x9f\x98"];
const ESCAPES: &[&str] = &[
    "\\\"",
    "\\\\",
    "\\u0000",
    "\\ud800",
    "\\udc00",
    "\\ud83d\\ude00",
    "\\x",
    "\\u12",
    "\\",
    "\\n\\t\\b\\f\\r\\/",
    "\\u00",
];
const WHOLE: &[&[u8]] = &[
    b"",
    b" ",
    b"null",
    b"[]",
    b"{}",
    b"\"\"",
    b"0",
    b"{\"request_id\":}",
    b"{\"request_id\":1,}",
    b"{,}",
    b"{\"a\"}",
    b"{\"code_source\":null}",
    b"\xef\xbb\xbf{}",
];

/// Start offsets of the scalar values (after a ':' or '[' or ','), and their ends.
fn scalar_spans(a: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut i = 0;
    while i < a.len() {
        if matches!(a[i], b':' | b'[' | b',') {
            let mut j = i + 1;
            while j < a.len() && a[j].is_ascii_whitespace() {
                j += 1;
            }
            if j < a.len() {
                let start = j;
                if a[j] == b'"' {
                    j += 1;
                    while j < a.len() && a[j] != b'"' {
                        j += if a[j] == b'\\' { 2 } else { 1 };
                    }
                    j = (j + 1).min(a.len());
                    if i < a.len() && a[i] != b':' {
                        // a string after '[' or ',' may be a key: keep it only in arrays
                        if j < a.len()
                            && a.get(j..).is_some_and(|r| r.iter().find(|c| !c.is_ascii_whitespace()) == Some(&b':'))
                        {
                            i += 1;
                            continue;
                        }
                    }
                } else {
                    while j < a.len() && (a[j].is_ascii_alphanumeric() || matches!(a[j], b'-' | b'+' | b'.')) {
                        j += 1;
                    }
                }
                if j > start {
                    spans.push((start, j));
                }
            }
        }
        i += 1;
    }
    spans
}

/// Positions just inside a string (after its opening quote).
fn string_starts(a: &[u8]) -> Vec<usize> {
    let mut v = Vec::new();
    let mut inside = false;
    let mut i = 0;
    while i < a.len() {
        match a[i] {
            b'\\' if inside => i += 1,
            b'"' => {
                inside = !inside;
                if inside {
                    v.push(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    v
}

/// The keys of the objects in `a` (their raw text with quotes).
fn keys(a: &[u8]) -> Vec<Vec<u8>> {
    let mut v = Vec::new();
    for s in string_starts(a) {
        let mut j = s;
        while j < a.len() && a[j] != b'"' {
            j += if a[j] == b'\\' { 2 } else { 1 };
        }
        if a.get(j + 1..).is_some_and(|r| r.iter().find(|c| !c.is_ascii_whitespace()) == Some(&b':')) {
            v.push(a[s - 1..=j.min(a.len() - 1)].to_vec());
        }
    }
    v
}

/// 1 to 3 mutations of valid arguments.
pub fn mutate(rng: &mut Rng, a: &mut Vec<u8>, donors: &[Vec<u8>]) {
    for _ in 0..1 + rng.below(3) {
        let pos = rng.upto(a.len());
        match rng.below(17) {
            0 if !a.is_empty() => {
                let i = rng.below(a.len() as u64) as usize;
                a[i] ^= 1 << rng.below(8);
            }
            1 => {
                let b = *rng.pick(INTERESTING_BYTES);
                a.insert(pos, b);
            }
            2 if !a.is_empty() => {
                let end = (pos + 1 + rng.upto(8)).min(a.len());
                a.drain(pos.min(a.len() - 1)..end);
            }
            3 => a.truncate(pos),
            4 | 5 => {
                let d = rng.pick(donors);
                let s = rng.upto(d.len());
                let e = (s + rng.upto(40)).min(d.len());
                let piece = d[s..e].to_vec();
                if rng.chance(50) {
                    a.splice(pos..pos, piece);
                } else {
                    let end = (pos + rng.upto(20)).min(a.len());
                    a.splice(pos..end, piece);
                }
            }
            6 => {
                // a duplicate key, before the last '}'
                let ks = keys(a);
                if let (Some(close), false) = (a.iter().rposition(|&c| c == b'}'), ks.is_empty()) {
                    let k = rng.pick(&ks).clone();
                    let mut ins = b",".to_vec();
                    ins.extend_from_slice(&k);
                    ins.push(b':');
                    ins.extend_from_slice(rng.pick(TYPE_SWAPS).as_bytes());
                    a.splice(close..close, ins);
                }
            }
            7 | 8 => {
                let spans = scalar_spans(a);
                if !spans.is_empty() {
                    let (s, e) = *rng.pick(&spans);
                    a.splice(s..e, rng.pick(TYPE_SWAPS).bytes());
                }
            }
            9 => {
                let depth = *rng.pick(&[31usize, 32, 33, 200, 5000]);
                let spans = scalar_spans(a);
                let (s, e) = if spans.is_empty() || rng.chance(30) { (0, a.len()) } else { *rng.pick(&spans) };
                let (open, close) = if rng.chance(50) { (&b"["[..], &b"]"[..]) } else { (&b"{\"a\":"[..], &b"}"[..]) };
                let inner = a[s..e].to_vec();
                let mut w = open.repeat(depth);
                w.extend_from_slice(&inner);
                w.extend_from_slice(&close.repeat(depth));
                a.splice(s..e, w);
            }
            10 => {
                let starts = string_starts(a);
                let at = if starts.is_empty() { pos } else { *rng.pick(&starts) + rng.upto(2) };
                let at = at.min(a.len());
                a.splice(at..at, rng.pick(INVALID_UTF8).iter().copied());
            }
            11 => {
                let starts = string_starts(a);
                let at = if starts.is_empty() { pos } else { *rng.pick(&starts) };
                let at = at.min(a.len());
                a.splice(at..at, rng.pick(ESCAPES).bytes());
            }
            12 => {
                let junk: &[&[u8]] = &[b"x", b"}", b" \n", b"\x00", b",", b"{}", b"\xff"];
                let j: &[u8] = rng.pick::<&[u8]>(junk);
                a.extend_from_slice(j)
            }
            13 => {
                let ws = *rng.pick(&[&b" "[..], b"\t", b"\n\r", b"\x0b", b"\xc2\xa0"]);
                a.splice(pos..pos, ws.iter().copied());
            }
            14 => *a = rng.pick(WHOLE).to_vec(),
            15 => {
                let starts = string_starts(a);
                let at = if starts.is_empty() { pos } else { *rng.pick(&starts) };
                let at = at.min(a.len());
                a.splice(at..at, rng.pick(&["é", "😀", "\u{2028}", "\u{7f}", "ﬀ"]).bytes());
            }
            _ => {
                // a key with different case or an escape for the same name
                let ks = keys(a);
                if !ks.is_empty() {
                    let k = rng.pick(&ks).clone();
                    if let Some(p) = a.windows(k.len()).position(|w| w == &k[..]) {
                        let mut nk = k.clone();
                        if nk.len() > 2 {
                            if rng.chance(50) {
                                nk[1] = nk[1].to_ascii_uppercase();
                            } else {
                                let c = nk[1];
                                nk.splice(1..2, format!("\\u{:04x}", c).bytes());
                            }
                        }
                        a.splice(p..p + k.len(), nk);
                    }
                }
            }
        }
    }
}

/// Rewrites valid arguments into other text with the same meaning: whitespace between tokens,
/// an unknown field (skipped, as near-sdk's serde skips it) and a key letter written as a
/// `\u` escape. The contract may refuse none of them, but the fuzz treats them as mutated:
/// what a rewritten call is charged is read back from its text (`expect::read_resolve`).
pub fn rewrite_keeping_meaning(rng: &mut Rng, a: &mut Vec<u8>) {
    if rng.chance(50) {
        if let Some(open) = a.iter().position(|&c| c == b'{') {
            a.splice(open + 1..open + 1, br#""x_unknown": [1, {"a": null}, "}"], "#.iter().copied());
        }
    }
    if rng.chance(50) {
        let ks = keys(a);
        if !ks.is_empty() {
            let k = rng.pick(&ks).clone();
            if let Some(p) = a.windows(k.len()).position(|w| w == &k[..]) {
                let escaped = format!("\\u{:04x}", k[1]);
                a.splice(p + 1..p + 2, escaped.bytes());
            }
        }
    }
    // Whitespace only outside strings, after structural characters.
    let mut out = Vec::with_capacity(a.len() + 16);
    let mut inside = false;
    let mut escaped = false;
    for &c in a.iter() {
        out.push(c);
        if inside {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => inside = false,
                _ => {}
            }
        } else if c == b'"' {
            inside = true;
        } else if matches!(c, b'{' | b'[' | b',' | b':') && rng.chance(30) {
            let spaces: [&[u8]; 4] = [b" ", b"\n", b"\t", b"\r\n  "];
            let s: &[u8] = *rng.pick::<&[u8]>(&spaces);
            out.extend_from_slice(s);
        }
    }
    *a = out;
}
