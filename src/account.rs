//! NEAR account id rules: 2..=64 bytes of lowercase a-z, 0-9 and the separators
//! `-` `_` `.`; a separator may not start or end the id or follow another one.

use crate::error::{refuse_at, ERR_ACCOUNT_CHARS, ERR_ACCOUNT_LEN, ERR_ACCOUNT_SEPARATOR};

/// Refuses `id`, naming the argument `field`, unless it is a valid account id.
/// It refuses itself rather than return the text: a `Result` of a text comes
/// back through memory, and costs its caller a check too.
pub fn validate(id: &[u8], field: &[u8]) {
    if id.len() < 2 || id.len() > 64 {
        refuse_at(field, ERR_ACCOUNT_LEN);
    }
    let mut after_separator = true;
    for &c in id {
        let separator = matches!(c, b'-' | b'_' | b'.');
        if !(separator || c.is_ascii_lowercase() || c.is_ascii_digit()) {
            refuse_at(field, ERR_ACCOUNT_CHARS);
        }
        if separator && after_separator {
            refuse_at(field, ERR_ACCOUNT_SEPARATOR);
        }
        after_separator = separator;
    }
    if after_separator {
        refuse_at(field, ERR_ACCOUNT_SEPARATOR);
    }
}

/// Whether `id` is, or may be, an implicit account id (64 hex chars, or `0x`,
/// `0s`, `0u` followed by the hash): transfers to those cost far more gas. It
/// errs on the side of yes for named ids of the same shape.
pub fn looks_implicit(id: &[u8]) -> bool {
    // A `0x` or `0s` id that is not 42 long cannot be 64 hex digits either.
    let (hash, len) = match id {
        [b'0', b'x' | b's', rest @ ..] => (rest, 40),
        [b'0', b'u', rest @ ..] => return rest.len() == 52,
        _ => (id, 64),
    };
    hash.len() == len && hash.iter().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use crate::error::refusal;

    fn validate(id: &[u8]) -> Option<String> {
        refusal(|| super::validate(id, b""))
    }

    #[test]
    fn accepts_valid_ids() {
        for id in [
            "ab",
            "user.testnet",
            "offchainvm.testnet",
            "a-b_c.near",
            "0x1234567890abcdef1234567890abcdef12345678",
            "98793cd91a3f870fb126f66285808c7e094afcfc4eda8a970f6648cdf0dbd6de",
            &"a".repeat(64),
        ] {
            assert_eq!(validate(id.as_bytes()), None, "{id}");
        }
    }

    #[test]
    fn implicit_ids() {
        use super::looks_implicit;
        for id in [
            "98793cd91a3f870fb126f66285808c7e094afcfc4eda8a970f6648cdf0dbd6de",
            "0x1234567890abcdef1234567890abcdef12345678",
            "0s0123456789abcdef0123456789abcdef01234567",
            &format!("0u{}", "a".repeat(52)),
        ] {
            assert!(looks_implicit(id.as_bytes()), "{id}");
        }
        for id in [
            "user.testnet",
            "0x123",
            "0s.alice.near",
            &"g".repeat(64),
            &"a".repeat(63),
            "0x1234567890abcdef1234567890abcdef1234567g",
        ] {
            assert!(!looks_implicit(id.as_bytes()), "{id}");
        }
    }

    #[test]
    fn rejects_invalid_ids() {
        for id in [
            "",
            "a",
            "A.near",
            "alice..near",
            ".alice",
            "alice.",
            "-a",
            "a-",
            "a b",
            "alice@near",
            "a_-b",
            "ünicode",
            &"a".repeat(65),
        ] {
            assert!(validate(id.as_bytes()).is_some(), "{id}");
        }
    }
}
