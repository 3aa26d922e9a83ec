//! `set_keystore_pubkey`'s key: `encoding::parse_pubkey` on arbitrary bytes,
//! against a reference (the bs58 crate for `ed25519:<base58>`, plain hex
//! otherwise); then the same bytes as the whole `{"pubkey": ...}` argument.
#![no_main]

use libfuzzer_sys::fuzz_target;
use offchainvm_contract::{args, encoding};
use offchainvm_fuzz::*;

fn reference(s: &[u8]) -> Option<Vec<u8>> {
    let key = match s.strip_prefix(b"ed25519:") {
        Some(b58) => bs58::decode(b58).into_vec().ok().filter(|k| k.len() == 32)?,
        None if s.len() == 64 && s.iter().all(u8::is_ascii_hexdigit) => return Some(s.to_ascii_lowercase()),
        None => return None,
    };
    Some(key.iter().flat_map(|b| format!("{b:02x}").into_bytes()).collect())
}

fuzz_target!(|data: &[u8]| {
    // Refused (with a checked message) exactly when the reference finds no key.
    let ours = accept(|| {
        let mut key = data.to_vec();
        encoding::parse_pubkey(&mut key, b"pubkey");
        key
    });
    assert_eq!(ours, reference(data), "{:?}", String::from_utf8_lossy(data));

    // The JSON argument, as contract::set_keystore_pubkey reads it (a key that
    // does not parse is refused there).
    if let Some(key) = accept(|| args::pubkey(data)) {
        let json = serde_value(data);
        let s = json["pubkey"].as_str().expect("pubkey accepted from a non-string");
        assert_eq!(Some(key.to_vec()), reference(s.as_bytes()));
    }
});
