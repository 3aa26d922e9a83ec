//! `json::Reader::string` against serde_json on the same JSON text (one string,
//! optionally surrounded by whitespace).
//!
//! Reference: serde_json decoding into a `String`, which is strict. Both must
//! accept exactly the same texts and, when they do, decode to the same bytes.
//!
//! Lone surrogates: serde_json refuses `"\ud800"` into a `String` but accepts
//! it when decoding a byte string (`deserialize_bytes`, also what
//! `IgnoredAny`/skipping does), producing WTF-8; there it lets raw control
//! characters and invalid UTF-8 through too. We follow the strict behaviour on
//! purpose (SPEC: "lone surrogates in escapes" must be refused): the lenient
//! decoder may accept more than we do only for those three reasons, and must
//! agree byte-for-byte wherever we accept.
#![no_main]

use libfuzzer_sys::fuzz_target;
use offchainvm_contract::json::Reader;
use offchainvm_fuzz::*;

fuzz_target!(|data: &[u8]| {
    let ours = run(|| {
        let mut r = Reader::new(data);
        let s = r.string();
        r.end();
        s
    });
    let strict = serde_strict_string(data);
    match (&ours, &strict) {
        (Ok(a), Ok(b)) => assert_eq!(&a[..], b.as_bytes(), "decoded differently"),
        (Err(_), Err(_)) => {}
        (Ok(a), Err(e)) => panic!("we accept ({:?}) what serde_json refuses: {e}", String::from_utf8_lossy(a)),
        (Err(m), Ok(b)) => panic!("we refuse ({m}) what serde_json accepts as {b:?}"),
    }
    match (&ours, serde_lenient_bytes(data)) {
        (Ok(a), lenient) => assert_eq!(Some(&a[..]), lenient.as_deref().ok(), "lenient decoding differs"),
        (Err(m), Ok(_)) => assert!(
            m.contains("lone surrogate") || m.contains("not valid UTF-8") || m.contains("control character"),
            "lenient serde_json accepts what we refuse for another reason: {m}"
        ),
        (Err(_), Err(_)) => {}
    }
});
