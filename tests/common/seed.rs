//! The seed README's arguments, verbatim: shared by the host parser tests and
//! the VM scenarios.
#![allow(dead_code)]

/// The seed README's basic request, verbatim.
pub const SEED_REQUEST: &str = r#"{
  "code_source": {
    "repo": "https://github.com/user/project",
    "commit": "abc123",
    "build_target": "wasm32-wasi"
  },
  "resource_limits": {
    "max_instructions": 1000000000,
    "max_memory_mb": 128,
    "max_execution_seconds": 60
  },
  "input_data": "{\"key\": \"value\"}",
  "encrypted_secrets": null
}"#;
