//! A hand-written JSON reader and writer: small in wasm where serde-json-core
//! costs ~8 KB, and strict where NEAR tooling needs it (u128 as decimal
//! strings, no floats where integers belong, no duplicate keys, no lone
//! surrogates). Anything malformed refuses the call with a message that names
//! the argument being read.
//!
//! Strings are kept in their JSON-escaped form (`Raw`) wherever the contract only
//! passes them back out as JSON; they are decoded only where the contract needs
//! the text itself (account ids, keys, error messages).
//!
//! Small helpers here are `#[inline(never)]`: inlined at each of their many call
//! sites they cost more wasm than the call (measured with build.sh).

use crate::Bytes;

use crate::error::*;

/// The JSON literals, as slices of refusal texts that spell them (`within!`).
pub const NULL: &[u8] = crate::within!(ERR_OUTPUT_STORED_RESOLVE_NULL, b"null");
pub const TRUE: &[u8] = crate::within!(ERR_BOOL, b"true");
pub const FALSE: &[u8] = crate::within!(ERR_BOOL, b"false");

/// Nesting deeper than this is refused: it bounds recursion and gas.
const MAX_DEPTH: u32 = 32;

/// The body of a JSON string as it appeared between its quotes: valid UTF-8,
/// valid escapes, no raw control characters. Written back out verbatim.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Raw<'a>(pub &'a [u8]);

pub struct Reader<'a> {
    s: &'a [u8],
    pos: usize,
    depth: u32,
    /// Whether the last raw string had an escape: only such a key needs
    /// decoding (searching the key for a backslash instead costs ~300 bytes of
    /// wasm with `contains`, or gas per byte with a plain loop).
    escaped: bool,
    /// The argument being read, for error messages.
    pub field: &'a [u8],
}

impl<'a> Reader<'a> {
    /// The whole input must be UTF-8; checking it once here means every string
    /// taken from it later is UTF-8 too.
    pub fn new(s: &'a [u8]) -> Self {
        if !valid_utf8(s) {
            refuse_at(b"", ERR_NOT_UTF8);
        }
        Reader { s, pos: 0, depth: 0, escaped: false, field: b"" }
    }

    pub fn refuse(&self, msg: &[u8]) -> ! {
        refuse_at(self.field, msg)
    }

    /// The next byte, consumed; 0 at the end (never valid JSON there).
    #[inline(never)]
    fn next(&mut self) -> u8 {
        let c = self.s.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        c
    }

    /// The next non-whitespace byte, not consumed; 0 at the end.
    #[inline(never)]
    pub fn peek(&mut self) -> u8 {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.s.get(self.pos) {
            self.pos += 1;
        }
        self.s.get(self.pos).copied().unwrap_or(0)
    }

    #[inline(never)]
    fn eat(&mut self, c: u8) -> bool {
        let hit = self.peek() == c;
        self.pos += hit as usize;
        hit
    }

    fn literal(&mut self, word: &[u8]) -> bool {
        self.peek();
        let end = self.pos + word.len();
        let hit = self.s.get(self.pos..end) == Some(word);
        if hit {
            self.pos = end;
        }
        hit
    }

    /// Consumes `null` if it is next.
    // Inlined at its two callers: smaller than a function of its own (measured).
    #[inline(always)]
    pub fn null(&mut self) -> bool {
        self.literal(NULL)
    }

    /// Only whitespace may follow the top-level value.
    pub fn end(&mut self) {
        // Past the whitespace, anything at all is too much (a NUL too).
        self.peek();
        if self.pos < self.s.len() {
            refuse_at(b"", ERR_TRAILING);
        }
    }

    fn enter(&mut self) {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            self.refuse(ERR_TOO_DEEP);
        }
    }

    /// Steps through an object: the key of its next member, `None` once it has
    /// closed. `open` starts false (it tracks whether the `{` was read) and
    /// `decoded` holds a key written with escapes, which is decoded so that
    /// `"request\u005fid"` is `request_id` (and a duplicate of it) here as in
    /// every other JSON reader. The caller reads each member's value.
    ///
    /// A loop at the caller rather than a callback: no closure and no `dyn`
    /// call per member in the wasm.
    pub fn next_member<'k>(&mut self, open: &mut bool, decoded: &'k mut Bytes) -> Option<&'k [u8]>
    where
        'a: 'k,
    {
        if !self.step(open, b'{', ERR_OBJECT, ERR_OBJECT_SEP) {
            return None;
        }
        let raw = self.raw_string();
        let key = if self.escaped {
            self.decode(raw, decoded);
            &decoded[..]
        } else {
            raw.0
        };
        if !self.eat(b':') {
            self.refuse(ERR_COLON);
        }
        Some(key)
    }

    /// Steps through an array like `next_member`: whether another element
    /// follows, for the caller to read.
    // Inlined at its two callers: smaller than a function of its own (measured).
    #[inline(always)]
    pub fn next_item(&mut self, open: &mut bool) -> bool {
        self.step(open, b'[', ERR_ARRAY, ERR_ARRAY_SEP)
    }

    /// Opens the object or array (`c` is `{` or `[`) on the first call; then
    /// consumes the ',' after each member, or the close and returns false.
    #[inline(never)]
    fn step(&mut self, open: &mut bool, c: u8, not_open: &[u8], no_sep: &[u8]) -> bool {
        let first = !*open;
        if first {
            *open = true;
            self.enter();
            if !self.eat(c) {
                self.refuse(not_open);
            }
        }
        // '{' + 2 is '}', '[' + 2 is ']'.
        if self.eat(c + 2) {
            self.depth -= 1;
            return false;
        }
        if !first && !self.eat(b',') {
            self.refuse(no_sep);
        }
        true
    }

    /// The body of the next string, validated but not decoded.
    // Inlined: `scan`'s callers call it directly, with no wrapper function.
    #[inline(always)]
    pub fn raw_string(&mut self) -> Raw<'a> {
        self.scan(None)
    }

    /// Reads the next string, and with `out` also decodes it there: one loop
    /// does both, so the escapes are read by the same code either way.
    #[inline(never)]
    fn scan(&mut self, mut out: Option<&mut Bytes>) -> Raw<'a> {
        if !self.eat(b'"') {
            self.refuse(ERR_STRING);
        }
        let start = self.pos;
        self.escaped = false;
        loop {
            // Runs of plain characters are the common case: skip them in a tight loop.
            let rest = self.s.get(self.pos..).unwrap_or(&[]);
            let n = rest.iter().position(|&c| c < 0x20 || c == b'"' || c == b'\\').unwrap_or(rest.len());
            let (run, tail) = rest.split_at_checked(n).unwrap_or((rest, &[]));
            if let Some(out) = out.as_deref_mut() {
                // The input is known to be UTF-8, so plain bytes copy as they are.
                out.extend_from_slice(run);
            }
            // Past the byte that ended the run (a refusal does not need it).
            self.pos += n + 1;
            match tail.first() {
                Some(b'"') => return Raw(self.s.get(start..self.pos - 1).unwrap_or(&[])),
                Some(b'\\') => {
                    self.escaped = true;
                    let cp = self.escape();
                    if let Some(out) = out.as_deref_mut() {
                        push_utf8(out, cp);
                    }
                }
                None => self.refuse(ERR_UNTERMINATED),
                // Nothing else ends a run.
                Some(_) => self.refuse(ERR_CONTROL_CHAR),
            }
        }
    }

    /// Reads the escape after a backslash; returns the code point it stands for.
    fn escape(&mut self) -> u32 {
        match self.next() {
            b'u' => {
                let cp = self.hex4();
                if !(0xD800..0xE000).contains(&cp) {
                    return cp;
                }
                // A surrogate must be a high one followed by an escaped low one.
                let lo = if cp < 0xDC00 && self.next() == b'\\' && self.next() == b'u' { self.hex4() } else { 0 };
                if !(0xDC00..0xE000).contains(&lo) {
                    self.refuse(ERR_SURROGATE);
                }
                0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00)
            }
            // A lookup, not a `match` on each letter: that is a jump table
            // spanning '"' to 't' in the wasm.
            c => match br#""\/bfnrt"#.iter().position(|&e| e == c).and_then(|i| b"\"\\/\x08\x0c\n\r\t".get(i)) {
                Some(&m) => m as u32,
                None => self.refuse(ERR_ESCAPE),
            },
        }
    }

    fn hex4(&mut self) -> u32 {
        let mut v = 0;
        for _ in 0..4 {
            let d = (self.next() as char).to_digit(16).unwrap_or_else(|| self.refuse(ERR_ESCAPE));
            v = v * 16 + d;
        }
        v
    }

    /// The next string, decoded to UTF-8 bytes: read once, decoding as it
    /// goes (only a key is read first and decoded after, when it has an
    /// escape).
    pub fn string(&mut self) -> Bytes {
        let mut out = Bytes::new();
        self.scan(Some(&mut out));
        out
    }

    /// Puts the UTF-8 text of `raw`, the key just read, in `out` (the
    /// caller's buffer, not a copy): the key is read again, decoding this
    /// time. Only a key with an escape needs it.
    #[inline(always)]
    fn decode(&mut self, raw: Raw, out: &mut Bytes) {
        // Back to its opening quote: `raw` is what was read last.
        self.pos -= raw.0.len() + 2;
        *out = Bytes::with_capacity(raw.0.len());
        self.scan(Some(out));
    }

    /// A JSON number that is a whole, unsigned u64: no sign, fraction, exponent or
    /// leading zero.
    #[inline(never)]
    pub fn u64(&mut self) -> u64 {
        self.peek();
        let start = self.pos;
        let mut v: u64 = 0;
        loop {
            // 0 past the end: one exit for the end and any other non-digit.
            let c = self.s.get(self.pos).copied().unwrap_or(0);
            let d = c.wrapping_sub(b'0');
            if d > 9 {
                self.check_digits(start);
                if let b'.' | b'e' | b'E' = c {
                    self.refuse(ERR_UNSIGNED);
                }
                return v;
            }
            // Compared against a constant, then the carry of the add: a
            // checked multiply costs far more in wasm.
            let (next, carry) = v.wrapping_mul(10).overflowing_add(d as u64);
            if v > u64::MAX / 10 || carry {
                self.refuse(ERR_OVER_U64);
            }
            v = next;
            self.pos += 1;
        }
    }

    /// Refuses the digits from `start` if there are none (only `u64` gets
    /// here without any: `number` has refused that already) or they have a
    /// leading zero.
    fn check_digits(&self, start: usize) {
        let len = self.pos - start;
        if len == 0 {
            self.refuse(ERR_UNSIGNED);
        }
        if len > 1 && self.s.get(start).copied() == Some(b'0') {
            self.refuse(ERR_LEADING_ZERO);
        }
    }

    /// A u128 written, as NEAR tooling does, as a decimal string: "123".
    pub fn u128_string(&mut self) -> u128 {
        if self.peek() != b'"' {
            self.refuse(ERR_AMOUNT);
        }
        let d = self.raw_string().0;
        if let [] | [b'0', _, ..] = d {
            self.refuse(ERR_AMOUNT);
        }
        let mut v: u128 = 0;
        for &c in d {
            if !c.is_ascii_digit() {
                self.refuse(ERR_AMOUNT);
            }
            // Checked arithmetic: for a u128 times a constant it is smaller
            // than comparing with u128::MAX / 10 (measured), unlike for a u64.
            v = v
                .checked_mul(10)
                .and_then(|x| x.checked_add((c - b'0') as u128))
                .unwrap_or_else(|| self.refuse(ERR_OVER_U128));
        }
        v
    }

    pub fn bool(&mut self) -> bool {
        if self.literal(TRUE) {
            true
        } else if self.literal(FALSE) {
            false
        } else {
            self.refuse(ERR_BOOL)
        }
    }

    /// Validates and skips any value; returns the slice it spanned.
    pub fn value(&mut self) -> &'a [u8] {
        let c = self.peek();
        let start = self.pos;
        match c {
            b'{' => {
                let (mut open, mut decoded) = (false, Bytes::new());
                while self.next_member(&mut open, &mut decoded).is_some() {
                    self.value();
                }
            }
            b'[' => {
                let mut open = false;
                while self.next_item(&mut open) {
                    self.value();
                }
            }
            b'"' => {
                self.raw_string();
            }
            b't' | b'f' => {
                self.bool();
            }
            b'n' if self.null() => {}
            b'-' | b'0'..=b'9' => self.number(),
            _ => self.refuse(ERR_VALUE),
        }
        self.s.get(start..self.pos).unwrap_or(&[])
    }

    /// Any JSON number (in values the contract only validates and passes on).
    fn number(&mut self) {
        self.eat(b'-');
        let start = self.digits();
        self.check_digits(start);
        if self.take(b'.', b'.') {
            self.digits();
        }
        if self.take(b'e', b'E') {
            self.take(b'+', b'-');
            self.digits();
        }
    }

    /// Consumes the next byte if it is `a` or `b` (no whitespace before it).
    #[inline(never)]
    fn take(&mut self, a: u8, b: u8) -> bool {
        let c = self.s.get(self.pos).copied();
        let hit = c == Some(a) || c == Some(b);
        self.pos += hit as usize;
        hit
    }

    /// Skips one or more digits (none is refused); returns where they start.
    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.s.get(self.pos) {
            self.pos += 1;
        }
        if self.pos == start {
            self.refuse(ERR_NUMBER);
        }
        start
    }
}

/// The UTF-8 encoding of code point `cp` (never a surrogate here).
fn push_utf8(out: &mut Bytes, cp: u32) {
    // How many continuation bytes, and the lead byte's marker for as many
    // (none for ASCII), taken from one word instead of a match.
    let n = (cp > 0x7F) as u32 + (cp > 0x7FF) as u32 + (cp > 0xFFFF) as u32;
    let lead = (0xF0E0_C000u32 >> (8 * n)) as u8;
    // All the bytes, the lead first, from one push: inlined, each push is a
    // capacity check and a store.
    for i in (0..=n).rev() {
        let b = (cp >> (6 * i)) as u8;
        out.push(if i == n { lead | b } else { 0x80 | b & 0x3F });
    }
}

/// Strict UTF-8 (no overlong forms, surrogates or code points past U+10FFFF),
/// a few hundred bytes smaller in wasm than `core::str::from_utf8`.
pub fn valid_utf8(s: &[u8]) -> bool {
    // The code point being read, the continuation bytes it still needs and
    // the least value its length may encode.
    let (mut cp, mut need, mut min) = (0u32, 0u32, 0u32);
    for &c in s {
        if need > 0 {
            if c & 0xC0 != 0x80 {
                return false;
            }
            cp = cp << 6 | (c & 0x3F) as u32;
            need -= 1;
            if need == 0 && (cp < min || cp > 0x10FFFF || (0xD800..0xE000).contains(&cp)) {
                return false;
            }
        } else if c >= 0x80 {
            // No lead byte is below C2 (C0 and C1 only start overlong forms)
            // or above F4 (past U+10FFFF); its leading ones count its bytes.
            if !(0xC2..=0xF4).contains(&c) {
                return false;
            }
            need = c.leading_ones() - 1;
            // 2^11 and 2^16 for three and four bytes; 2^6 for two, where the
            // lead byte alone already excluded overlong forms.
            min = 1 << (5 * need + 1);
            cp = (c as u32) & (0x7F >> need);
        }
    }
    need == 0
}

/// Builds JSON output into a byte buffer.
pub struct Writer(pub Bytes);

impl Writer {
    pub fn new() -> Self {
        Writer(Bytes::with_capacity(256))
    }

    #[inline(never)]
    pub fn raw(&mut self, s: &[u8]) -> &mut Self {
        self.0.extend_from_slice(s);
        self
    }

    /// One byte (a bracket, a comma): an immediate argument, where `raw`
    /// takes an address and a length.
    #[inline(never)]
    pub fn byte(&mut self, c: u8) -> &mut Self {
        self.0.push(c);
        self
    }

    /// `,"name":`, without the comma right after an object's `{`. Keys are
    /// written from their bare names, which the argument tables hold too: one
    /// constant serves both.
    #[inline(never)]
    pub fn key(&mut self, name: &[u8]) -> &mut Self {
        if self.0.last().copied() != Some(b'{') {
            self.0.push(b',');
        }
        self.0.push(b'"');
        self.raw(name);
        // Pushed bytes cost less gas than a two-byte copy.
        self.0.push(b'"');
        self.0.push(b':');
        self
    }

    /// `"body"` for a string already in JSON-escaped form.
    pub fn raw_str(&mut self, s: Raw) -> &mut Self {
        // A pushed byte is cheaper gas than a one-byte copy.
        self.0.push(b'"');
        self.raw(s.0);
        self.0.push(b'"');
        self
    }

    /// `"..."` escaping any text.
    #[inline(never)]
    pub fn str(&mut self, s: &[u8]) -> &mut Self {
        self.0.push(b'"');
        escape_into(&mut self.0, s);
        self.0.push(b'"');
        self
    }

    // Inlined by LLVM rather than later by wasm-opt (measured smaller).
    #[inline(always)]
    pub fn opt_raw_str(&mut self, s: Option<Raw>) -> &mut Self {
        match s {
            Some(s) => self.raw_str(s),
            None => self.raw(NULL),
        }
    }

    pub fn u64(&mut self, v: u64) -> &mut Self {
        write_u128(&mut self.0, v as u128);
        self
    }

    /// u128 amounts as decimal strings, as NEAR tooling expects.
    #[inline(never)]
    pub fn u128_str(&mut self, v: u128) -> &mut Self {
        self.0.push(b'"');
        write_u128(&mut self.0, v);
        self.0.push(b'"');
        self
    }

    pub fn bool(&mut self, v: bool) -> &mut Self {
        self.raw(if v { TRUE } else { FALSE })
    }

    /// `[1,2,3]`
    pub fn byte_array(&mut self, bytes: &[u8]) -> &mut Self {
        let mut st = Staged::new(&mut self.0);
        let mut sep = b'[' as u32;
        for &b in bytes {
            // The three digits, then as many leading zeros dropped as the
            // value has fewer digits: no branches.
            let digits = (b / 100) as u32 | ((b / 10 % 10) as u32) << 8 | ((b % 10) as u32) << 16 | 0x30_3030;
            let skip = (b < 100) as u32 + (b < 10) as u32;
            let (word, len) = (sep | digits >> (8 * skip) << 8, 4 - skip as usize);
            st.put4(word, len);
            sep = b',' as u32;
        }
        st.flush();
        self.raw(if bytes.is_empty() { b"[]" } else { b"]" });
        self
    }
}

impl Default for Writer {
    fn default() -> Self {
        Writer::new()
    }
}

/// Output gathered on the stack and copied into the buffer in one call per
/// 32 bytes: the wasm is charged gas per stack frame, so a `Bytes` call costs
/// ~150 instructions, four bytes staged here ~20.
pub struct Staged<'a> {
    out: &'a mut Bytes,
    buf: [u8; 32],
    n: usize,
}

impl<'a> Staged<'a> {
    pub fn new(out: &'a mut Bytes) -> Self {
        Staged { out, buf: [0; 32], n: 0 }
    }

    /// The first `len` (at most 4) bytes of `word`, little-endian.
    #[inline(always)]
    pub fn put4(&mut self, word: u32, len: usize) {
        if self.n > self.buf.len() - 4 {
            self.flush();
        }
        if let Some(slot) = self.buf.get_mut(self.n..).and_then(<[u8]>::first_chunk_mut) {
            *slot = word.to_le_bytes();
        }
        self.n += len;
    }

    /// Copies out what is staged; also to be called when done. Inlined: its
    /// users' loops then keep the stage's length in a local (less wasm, and
    /// less gas per staged word).
    #[inline(always)]
    pub fn flush(&mut self) {
        // `n` never passes the stage's end; falling back to the whole stage
        // (rather than to nothing) leaves only the length to choose.
        self.out.extend_from_slice(self.buf.get(..self.n).unwrap_or(&self.buf));
        self.n = 0;
    }
}

/// JSON string escaping of arbitrary UTF-8 text: one buffer copy per run of
/// plain bytes (what costs gas here is the copies, not the bytes in them), and
/// one per escape.
pub fn escape_into(out: &mut Bytes, mut s: &[u8]) {
    loop {
        let at = s.iter().position(|&c| c < 0x20 || c == b'"' || c == b'\\').unwrap_or(s.len());
        let (run, rest) = s.split_at_checked(at).unwrap_or((s, &[]));
        out.extend_from_slice(run);
        let Some((&c, tail)) = rest.split_first() else {
            return;
        };
        s = tail;
        if c < 0x20 && c != b'\n' {
            out.extend_from_slice(b"\\u00");
            crate::encoding::hex_into(out, &[c]);
        } else {
            out.push(b'\\');
            out.push(if c == b'\n' { b'n' } else { c });
        }
    }
}

/// Decimal digits of `v`, lowest first into a stack buffer, copied out in
/// one call. A u128 division costs hundreds of wasm instructions, so only the
/// part above u64::MAX is split off, 9 digits at a time (2^128 / 10^27 <
/// 2^64: at most three times); every digit comes from native u64 arithmetic.
pub fn write_u128(out: &mut Bytes, mut v: u128) {
    // u128::MAX has 39 digits.
    let mut buf = [0; 39];
    let mut n = buf.len();
    loop {
        // The next digits: all that are left once they fit in a u64 (at least
        // one), else the low nine, zero-padded.
        let (rest, mut chunk, width) = match u64::try_from(v) {
            Ok(small) => (0, small, 1),
            Err(_) => {
                let (q, r) = crate::num::div_rem(v, 1_000_000_000);
                (q, r as u64, 9)
            }
        };
        let stop = n.saturating_sub(width);
        loop {
            n -= 1;
            if let Some(slot) = buf.get_mut(n) {
                *slot = b'0' + (chunk % 10) as u8;
            }
            chunk /= 10;
            if chunk == 0 && n <= stop {
                break;
            }
        }
        v = rest;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(buf.get(n..).unwrap_or(&[]));
}

#[cfg(test)]
mod writer_tests {
    use super::*;

    fn text(w: &Writer) -> &str {
        core::str::from_utf8(&w.0).unwrap()
    }

    #[test]
    fn byte_array_is_decimal_json_across_staging_boundaries() {
        let mut w = Writer::new();
        w.byte_array(&[]);
        assert_eq!(text(&w), "[]");
        let mut w = Writer::new();
        w.byte_array(&[0, 9, 10, 99, 100, 255]);
        assert_eq!(text(&w), "[0,9,10,99,100,255]");
        // Longer than the 32-byte stage, so it is copied out several times.
        let bytes: Vec<u8> = (0..=255).collect();
        let mut w = Writer::new();
        w.raw(b"x").byte_array(&bytes);
        let expected: Vec<String> = (0..=255).map(|b: u32| b.to_string()).collect();
        assert_eq!(text(&w), format!("x[{}]", expected.join(",")));
    }

    #[test]
    fn str_escapes_quotes_backslashes_and_control_characters() {
        let mut w = Writer::new();
        w.str(b"a\"b\\c\nd\x01e\x1f\"\"");
        assert_eq!(text(&w), r#""a\"b\\c\nd\u0001e\u001f\"\"""#);
        let mut w = Writer::new();
        w.str("plain ünïcode".as_bytes());
        assert_eq!(text(&w), "\"plain ünïcode\"");
    }

    #[test]
    fn numbers_in_decimal() {
        for v in [0u128, 7, 10, 12345, u64::MAX as u128, u64::MAX as u128 + 1, 10u128.pow(27), u128::MAX] {
            let mut w = Writer::new();
            w.u128_str(v);
            assert_eq!(text(&w), format!("\"{v}\""));
        }
        let mut w = Writer::new();
        w.u64(u64::MAX).raw(b",").u64(0);
        assert_eq!(text(&w), format!("{},0", u64::MAX));
    }
}
