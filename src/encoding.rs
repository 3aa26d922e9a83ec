//! Byte encodings the contract needs: base64 for `Bytes` outputs, hex and
//! base58 for the keystore public key.

use crate::json::Staged;
use crate::Bytes;

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding (what near-sdk's `Base64VecU8` produces).
/// Each 3 bytes become one 4-char word, staged and copied out 32 chars at a
/// time: the copies, not the table lookups, are what cost gas.
// Inlined by LLVM rather than later by wasm-opt: its result is then built in
// place in its caller, with no copy of a returned value (measured smaller).
#[inline(always)]
pub fn base64_into(out: &mut Bytes, data: &[u8]) {
    // A masked index into a 64-entry table: nothing the optimizer could leave
    // a bounds-check panic (and its core::fmt) for.
    let char_at = |n: u32, shift: u32| B64[(n >> shift & 63) as usize] as u32;
    let mut st = Staged::new(out);
    let mut rest = data;
    while let Some(&a) = rest.first() {
        let (b, c) = (rest.get(1).copied(), rest.get(2).copied());
        let n = (a as u32) << 16 | (b.unwrap_or(0) as u32) << 8 | c.unwrap_or(0) as u32;
        let third = if b.is_some() { char_at(n, 6) } else { b'=' as u32 };
        let fourth = if c.is_some() { char_at(n, 0) } else { b'=' as u32 };
        st.put4(char_at(n, 18) | char_at(n, 12) << 8 | third << 16 | fourth << 24, 4);
        rest = rest.get(3..).unwrap_or(&[]);
    }
    st.flush();
}

/// The hex digits in upper case, the first 16 of `DIGITS`: stored once with
/// the base58 alphabet. Written out in lower case (`| 0x20` leaves a decimal
/// digit as it is).
const HEX: &[u8] = crate::within!(DIGITS, b"0123456789ABCDEF");

pub fn hex_into(out: &mut Bytes, data: &[u8]) {
    for &b in data {
        out.push(HEX[(b >> 4) as usize] | 0x20);
        out.push(HEX[(b & 15) as usize] | 0x20);
    }
}

/// A 32-byte ed25519 public key given as 64 hex digits or `ed25519:<base58>`
/// in `s`, replaced with the key as lowercase hex. Both forms go through one
/// big-number decoder to the key's bytes, and one hex encoder writes the
/// answer. Anything else is refused, naming the argument `field`: like
/// `account::validate`, it refuses itself rather than return an `Option` its
/// caller must check. It replaces `s` rather than return the hex: the caller
/// then need not copy it into place.
pub fn parse_pubkey(s: &mut Bytes, field: &[u8]) {
    // 32 bytes, not 33 with a guard byte: a 33-byte zeroing is a `memset`
    // call, which then links compiler_builtins' 375-byte memset.
    let mut key = [0u8; 32];
    if decode_key(s, &mut key).is_none() {
        crate::error::refuse_at(field, crate::error::ERR_PUBKEY);
    }
    *s = Bytes::with_capacity(64);
    hex_into(s, &key);
}

/// Decodes `s` into `key` (all zeros on entry); `None` when `s` is neither
/// form. The key is a separate array, not a returned one: an `Option` of the
/// key or of its hex comes back through memory and is checked again.
fn decode_key(s: &[u8], key: &mut [u8; 32]) -> Option<()> {
    // A flag and a split, not `strip_prefix`: its `Option` of a slice went
    // through memory (-53 bytes). `split_at_checked`, though at most
    // `s.len()` never fails: `split_at` is a panicking call, which wasm code
    // here does not make (it was 7 bytes smaller once; now the same size).
    let (head, rest) = s.split_at_checked(s.len().min(8)).unwrap_or((s, &[]));
    let b58 = *head == *crate::within!(crate::error::ERR_PUBKEY, b"ed25519:");
    let (digits, alphabet) = match b58 {
        true if !rest.is_empty() && rest.len() <= 64 => (rest, ALPHABET),
        // 64 digits: exactly 32 bytes, never more.
        false if s.len() == 64 => (s, HEX),
        _ => return None,
    };
    let base = alphabet.len() as u32;
    // A carry out of the top byte means the number no longer fits in 32
    // bytes.
    let (mut zeros, mut leading) = (0, true);
    for &c in digits {
        // Hex digits may be lower case; base58 ones are case-sensitive.
        let c = if b58 { c } else { c.to_ascii_uppercase() };
        let mut carry = alphabet.iter().position(|&a| a == c)? as u32;
        leading &= carry == 0;
        zeros += leading as usize;
        for byte in key.iter_mut().rev() {
            carry += *byte as u32 * base;
            *byte = carry as u8;
            carry >>= 8;
        }
        if carry != 0 {
            return None;
        }
    }
    // In base58 each leading '1' stands for a leading zero byte: the key must
    // start with exactly as many zero bytes as the digits with '1's.
    if b58 && zeros != key.iter().take_while(|&&b| b == 0).count() {
        return None;
    }
    Some(())
}

/// "0" and then the base58 alphabet, which begins with the hex digits from 1
/// to F.
const DIGITS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const ALPHABET: &[u8] = crate::within!(DIGITS, b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz");

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(d: &[u8]) -> String {
        let mut v = Vec::new();
        base64_into(&mut v, d);
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn base64_rfc4648_vectors() {
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(b64(i.as_bytes()), o);
        }
        assert_eq!(b64(&[0xff, 0xfe, 0xfd, 0x00]), "//79AA==");
    }

    #[test]
    fn base64_of_long_inputs_matches_the_base64_crate() {
        use base64::Engine as _;
        // Lengths around the 32-char stage and every tail length.
        for len in [23, 24, 25, 47, 48, 49, 1000, 32768] {
            let data: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
            assert_eq!(b64(&data), base64::engine::general_purpose::STANDARD.encode(&data), "{len}");
        }
    }

    /// The key `parse_pubkey` returns, or `None` when it refuses.
    fn pubkey(s: &[u8]) -> Option<Vec<u8>> {
        let mut key = None;
        let mut read = || {
            let mut text = Bytes::from(s);
            parse_pubkey(&mut text, b"pubkey");
            key = Some(text.to_vec());
        };
        if let Some(msg) = crate::error::refusal(&mut read) {
            assert_eq!(msg, "pubkey: expected 64 hex chars or ed25519:<base58 of 32 bytes>");
        }
        key
    }

    #[test]
    fn pubkey_hex_and_base58_agree() {
        // Vectors computed independently (Python big-integer base58).
        let hex = "0101010101010101010101010101010101010101010101010101010101010101";
        assert_eq!(pubkey(hex.as_bytes()).unwrap(), hex.as_bytes());
        assert_eq!(pubkey(hex.to_uppercase().as_bytes()).unwrap(), hex.as_bytes());
        let b58 = "ed25519:4vJ9JU1bJJE96FWSJKvHsmmFADCg4gpZQff4P3bkLKi";
        assert_eq!(pubkey(b58.as_bytes()).unwrap(), hex.as_bytes());
        // a leading zero byte is a leading '1'
        let lead = "ed25519:14uQeVj5tqViQh7yWWGStvkEG1Zmhx6uasJtWCJziofL";
        assert_eq!(pubkey(lead.as_bytes()).unwrap(), format!("00{}", "ff".repeat(31)).as_bytes());
        let max = "ed25519:JEKNVnkbo3jma5nREBBJCDoXFVeKkD56V3xKrvRmWxFG";
        assert_eq!(pubkey(max.as_bytes()).unwrap(), "ff".repeat(32).as_bytes());
        // all-zero key is 32 '1's
        let zeros = format!("ed25519:{}", "1".repeat(32));
        assert_eq!(pubkey(zeros.as_bytes()).unwrap(), "0".repeat(64).as_bytes());
    }

    #[test]
    fn pubkey_rejects_bad_input() {
        for bad in [
            "",
            "abc",
            &"g".repeat(64),
            &"a".repeat(63),
            &"a".repeat(65),
            "ed25519:",
            "ed25519:0OIl",
            "ed25519:tVojvhToWjQ8Xvo4UPx2Xz9eRy7auyYMmZBjc2XfN", // 31 bytes of 0x01
            "ed25519:JJEfe6DcPM2ziB2vfUWDV6aHVerXRGkv3TcyvJUNGHZz", // 33 bytes of 0x01
            "ed25519:11111111111111111111111111111111111",       // 35 zero bytes
            "secp256k1:abc",
        ] {
            assert!(pubkey(bad.as_bytes()).is_none(), "{bad}");
        }
    }
}
