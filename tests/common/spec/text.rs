//! Text rules: how errors are shortened, what an account id may be, the keystore key's two
//! formats (hex, `ed25519:` base58); and JSON as the contract writes it.

use serde_json::Value;

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary: how
/// errors are shortened.
pub fn truncate_utf8(s: &str, max: usize) -> &str {
    let mut end = max.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// NEAR account id rules: 2..64 of a-z 0-9 - _ ., no separator at either end or twice in a row.
pub fn valid_account_id(a: &str) -> bool {
    let b = a.as_bytes();
    let separator = |c: &u8| b"-_.".contains(c);
    (2..=64).contains(&b.len())
        && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || separator(c))
        && !separator(&b[0])
        && !separator(&b[b.len() - 1])
        && !b.windows(2).any(|w| separator(&w[0]) && separator(&w[1]))
}

/// Lowercase hex: how the keystore key is stored and shown.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Base58 (Bitcoin alphabet) of 32 bytes, for `ed25519:` keys.
pub fn base58(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    let mut digits: Vec<u8> = Vec::new(); // little-endian base-58 digits
    for &byte in bytes {
        let mut carry = byte as u32;
        for d in digits.iter_mut() {
            carry += (*d as u32) << 8;
            *d = (carry % 58) as u8;
            carry /= 58;
        }
        while carry > 0 {
            digits.push((carry % 58) as u8);
            carry /= 58;
        }
    }
    let zeros = bytes.iter().take_while(|&&b| b == 0).count();
    std::iter::repeat(b'1')
        .take(zeros)
        .chain(digits.iter().rev().map(|&d| ALPHABET[d as usize]))
        .map(char::from)
        .collect()
}

/// A returned value or a view's answer, which must be JSON.
pub fn json_of(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(bytes)))
}
