//! Text rules: how errors are shortened, what an account id may be.

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
