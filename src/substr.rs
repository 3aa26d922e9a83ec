//! Text constants carved out of longer ones. The data section holds each
//! byte string once, but a string that also appears inside a longer one is
//! stored twice unless it is a slice of that one: `within!(longer, "text")`
//! finds it there at compile time (the build fails if it is not there), so
//! the constant still reads as its own text.
//!
//! A macro around a `const` block rather than a `const fn`: the search then
//! never exists as code in the wasm (a `const fn` is compiled as a function
//! too, and even unused, its `split_at` changed how LLVM inlined that
//! function's other callers: +248 bytes).

/// Where the byte string `$needle` first occurs in `$haystack`, found at
/// compile time (the build fails if it is not there).
#[macro_export]
macro_rules! offset_in {
    ($haystack:expr, $needle:expr) => {
        const {
            let (haystack, needle): (&'static [u8], &[u8]) = ($haystack, $needle);
            let mut at = 0;
            loop {
                if at + needle.len() > haystack.len() {
                    panic!("offset_in!: the text is not in the longer constant");
                }
                let mut i = 0;
                while i < needle.len() && haystack[at + i] == needle[i] {
                    i += 1;
                }
                if i == needle.len() {
                    break at;
                }
                at += 1;
            }
        }
    };
}

/// The part of the byte string `$haystack` equal to `$needle` (its first
/// occurrence), as a `&'static [u8]` into `$haystack`.
#[macro_export]
macro_rules! within {
    ($haystack:expr, $needle:expr) => {
        const {
            let (haystack, needle): (&'static [u8], &[u8]) = ($haystack, $needle);
            haystack.split_at($crate::offset_in!($haystack, $needle)).1.split_at(needle.len()).0
        }
    };
}

#[cfg(test)]
mod tests {
    const LONG: &[u8] = b"output already stored: resolve with null";

    #[test]
    fn finds_the_text_inside_the_longer_constant() {
        const HEAD: &[u8] = within!(LONG, b"output already stored");
        const TAIL: &[u8] = within!(LONG, b"null");
        assert_eq!(HEAD, b"output already stored");
        assert_eq!(HEAD.as_ptr(), LONG.as_ptr());
        assert_eq!(TAIL, b"null");
        assert_eq!(TAIL.as_ptr(), LONG[LONG.len() - 4..].as_ptr());
    }
}
