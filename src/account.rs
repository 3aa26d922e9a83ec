//! NEAR account id rules: 2..=64 bytes of lowercase a-z, 0-9 and the separators
//! `-` `_` `.`; a separator may not start or end the id or follow another one.



pub fn validate(id: &[u8]) -> Result<(), &'static str> {
    if id.len() < 2 || id.len() > 64 {
        return Err("invalid account id: length must be 2 to 64");
    }
    let mut after_separator = true;
    for &c in id {
        let separator = matches!(c, b'-' | b'_' | b'.');
        if !(separator || c.is_ascii_lowercase() || c.is_ascii_digit()) {
            return Err("invalid account id: only a-z, 0-9, '-', '_' and '.' are allowed");
        }
        if separator && after_separator {
            return Err("invalid account id: misplaced separator");
        }
        after_separator = separator;
    }
    if after_separator {
        return Err("invalid account id: misplaced separator");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::validate;

    #[test]
    fn accepts_valid_ids() {
        for id in ["ab", "user.testnet", "offchainvm.testnet", "a-b_c.near", "0x1234567890abcdef1234567890abcdef12345678",
            "98793cd91a3f870fb126f66285808c7e094afcfc4eda8a970f6648cdf0dbd6de", &"a".repeat(64)] {
            assert_eq!(validate(id.as_bytes()), Ok(()), "{id}");
        }
    }

    #[test]
    fn rejects_invalid_ids() {
        for id in ["", "a", "A.near", "alice..near", ".alice", "alice.", "-a", "a-", "a b", "alice@near", "a_-b",
            "ünicode", &"a".repeat(65)] {
            assert!(validate(id.as_bytes()).is_err(), "{id}");
        }
    }
}
