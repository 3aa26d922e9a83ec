//! Writes the binary seeds (stored records and yield payloads) with the
//! contract's own encoders, so they follow its layouts:
//! `cargo run --example gen_seeds` from fuzz/ (no fuzzing toolchain needed).

use offchainvm_contract::args::{Output, Response, Usage};
use offchainvm_contract::json::Raw;
use offchainvm_contract::limits::Limits;
use offchainvm_contract::payload;
use offchainvm_contract::pricing::Pricing;
use offchainvm_contract::state::{self, Accounts, CodeSource, Config, Format, NewRequest};
use std::fs;
use std::path::Path;

fn put(target: &str, name: &str, data: &[u8]) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds").join(target);
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join(name), data).unwrap();
}

fn main() {
    let mut c = Config::new(b"owner.testnet", b"operator.testnet");
    put("state_decode", "config_new.bin", &c.encode());
    c.set_accounts(&Accounts { owner: b"owner.testnet", operator: b"operator.testnet", keystore: Some(b"keystore.testnet") });
    c.set_paused(true);
    c.set_next_request_id(42);
    c.add_execution(21_410_000_000_000_000_000_000);
    put("state_decode", "config_used.bin", &c.encode());

    let req = |input: Option<&'static [u8]>, secrets: Option<&'static [u8]>, format| NewRequest {
        id: 7,
        payment: 100_000_000_000_000_000_000_000,
        timestamp: 1_234_567_890,
        pricing: &Pricing::DEFAULT,
        limits: &Limits::DEFAULT,
        format,
        sender: b"user.testnet",
        code: CodeSource { repo: Raw(b"https://github.com/user/project"), commit: Raw(b"abc123"), build_target: Some(Raw(b"wasm32-wasi")) },
        input_data: input.map(Raw),
        secrets,
        payer: None,
    }
    .encode();
    put("state_decode", "request_readme.bin", &req(Some(br#"{\"key\": \"value\"}"#), None, Format::Text));
    put("state_decode", "request_secrets.bin", &req(None, Some(&[1, 2, 3]), Format::Bytes));
    put("state_decode", "output_json.bin", &state::encode_output(Format::Json, br#"{"a":1}"#));

    let usage = Usage { instructions: 1_000_000, time_ms: 100, memory_mb: None };
    let ok = Response { success: true, output: Some(Output::Text(Raw(b"Hello, NEAR!"))), error: None, usage };
    put("payload_decode", "readme_small_output.bin", &payload::encode(0, &ok));
    let none = Response { success: true, output: None, error: None, usage: Usage { memory_mb: Some(64), ..usage } };
    put("payload_decode", "null_output.bin", &payload::encode(1, &none));
    let failed = Response { success: false, output: Some(Output::Bytes(vec![0, 255])), error: Some("boom é".into()), usage };
    put("payload_decode", "failure.bin", &payload::encode(u64::MAX, &failed));
}
