//! Byte encodings the contract needs: base64 for `Bytes` outputs, hex and
//! base58 for the keystore public key.

use crate::Bytes;

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding (what near-sdk's `Base64VecU8` produces).
pub fn base64_into(out: &mut Bytes, data: &[u8]) {
    // A masked index into a 64-entry table and a slice pattern: nothing the
    // optimizer could leave a bounds-check panic (and its core::fmt) for.
    let char_at = |n: u32, i: u32| B64[(n >> (18 - 6 * i) & 63) as usize];
    let mut chunks = data.chunks_exact(3);
    for c in &mut chunks {
        let &[a, b, d] = c else { continue };
        let n = (a as u32) << 16 | (b as u32) << 8 | d as u32;
        out.extend_from_slice(&[char_at(n, 0), char_at(n, 1), char_at(n, 2), char_at(n, 3)]);
    }
    let tail = chunks.remainder();
    if let Some(&first) = tail.first() {
        let second = tail.get(1).copied();
        let n = (first as u32) << 16 | (second.unwrap_or(0) as u32) << 8;
        let third = if second.is_some() { char_at(n, 2) } else { b'=' };
        out.extend_from_slice(&[char_at(n, 0), char_at(n, 1), third, b'=']);
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

pub fn hex_into(out: &mut Bytes, data: &[u8]) {
    for &b in data {
        out.push(HEX[(b >> 4) as usize]);
        out.push(HEX[(b & 15) as usize]);
    }
}

/// A 32-byte ed25519 public key given as 64 hex digits or `ed25519:<base58>`;
/// returned as lowercase hex.
pub fn parse_pubkey(s: &[u8]) -> Option<Bytes> {
    let mut out = Bytes::with_capacity(64);
    const PREFIX: &[u8] = b"ed25519:";
    if s.starts_with(PREFIX) {
        let key = base58_32(s.get(PREFIX.len()..).unwrap_or(&[]))?;
        hex_into(&mut out, &key);
    } else {
        if s.len() != 64 || !s.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        for c in s {
            out.push(c.to_ascii_lowercase());
        }
    }
    Some(out)
}

/// Decodes base58 (Bitcoin alphabet) that must come to exactly 32 bytes.
fn base58_32(s: &[u8]) -> Option<[u8; 32]> {
    const ALPHABET: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    if s.is_empty() || s.len() > 64 {
        return None;
    }
    // Big-endian accumulator; a carry out of its top byte means the number
    // no longer fits in 32 bytes. (32 bytes, not 33 with a guard byte: a
    // 33-byte zeroing is a `memset` call, which then links compiler_builtins'
    // 375-byte memset.)
    let mut acc = [0u8; 32];
    for &c in s {
        let mut carry = ALPHABET.iter().position(|&a| a == c)? as u32;
        for byte in acc.iter_mut().rev() {
            carry += *byte as u32 * 58;
            *byte = carry as u8;
            carry >>= 8;
        }
        if carry != 0 {
            return None;
        }
    }
    // Each leading '1' stands for a leading zero byte: the digits must account
    // for exactly 32 bytes.
    let zeros = s.iter().take_while(|&&c| c == b'1').count();
    let significant = acc.iter().skip_while(|&&b| b == 0).count();
    if zeros + significant != 32 {
        return None;
    }
    Some(acc)
}

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
    fn pubkey_hex_and_base58_agree() {
        // Vectors computed independently (Python big-integer base58).
        let hex = "0101010101010101010101010101010101010101010101010101010101010101";
        assert_eq!(parse_pubkey(hex.as_bytes()).unwrap(), hex.as_bytes());
        assert_eq!(parse_pubkey(hex.to_uppercase().as_bytes()).unwrap(), hex.as_bytes());
        let b58 = "ed25519:4vJ9JU1bJJE96FWSJKvHsmmFADCg4gpZQff4P3bkLKi";
        assert_eq!(parse_pubkey(b58.as_bytes()).unwrap(), hex.as_bytes());
        // a leading zero byte is a leading '1'
        let lead = "ed25519:14uQeVj5tqViQh7yWWGStvkEG1Zmhx6uasJtWCJziofL";
        assert_eq!(parse_pubkey(lead.as_bytes()).unwrap(), format!("00{}", "ff".repeat(31)).as_bytes());
        let max = "ed25519:JEKNVnkbo3jma5nREBBJCDoXFVeKkD56V3xKrvRmWxFG";
        assert_eq!(parse_pubkey(max.as_bytes()).unwrap(), "ff".repeat(32).as_bytes());
        // all-zero key is 32 '1's
        let zeros = format!("ed25519:{}", "1".repeat(32));
        assert_eq!(parse_pubkey(zeros.as_bytes()).unwrap(), "0".repeat(64).as_bytes());
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
            assert!(parse_pubkey(bad.as_bytes()).is_none(), "{bad}");
        }
    }
}
