//! The scenarios of `common::scenarios` on a real neard sandbox (`common::sandbox`):
//!
//!   NEAR_SANDBOX_BIN_PATH=/path/to/neard cargo test --features sandbox --test sandbox_tests
//!
//! Each scenario gets a fresh sandbox. Without `NEAR_SANDBOX_BIN_PATH` every scenario test
//! fails, saying so: CI, which has no neard, only compiles this file.
//!
//! The list of scenarios is `generic_scenarios!` in `common/mod.rs`, shared with
//! `integration_tests.rs`: a scenario added there runs on both backends.

#[macro_use]
mod common;

use common::backend::NEAR;
use common::sandbox::SandboxBackend;
use common::scenarios;

/// The contract account's starting balance (as in `integration_tests`).
const DEFAULT_BALANCE: u128 = 10 * NEAR;

macro_rules! sandbox_scenarios {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                run(stringify!($name), scenarios::$name);
            }
        )*
    };
}

generic_scenarios!(sandbox_scenarios);

fn run(name: &str, scenario: fn(&mut SandboxBackend)) {
    // Asking for the sandbox scenarios without a sandbox is a mistake, not a pass:
    // `--features sandbox` only builds them; CI compiles them but cannot run them.
    let Some(mut backend) = SandboxBackend::from_env(DEFAULT_BALANCE) else {
        panic!("sandbox scenario `{name}` needs NEAR_SANDBOX_BIN_PATH pointing at a neard sandbox binary (see README)");
    };
    scenario(&mut backend);
}

/// View errors come back from the RPC as nearcore's `Debug` text; the backend gives the
/// contract's message as the VM does.
#[test]
fn view_errors_read_like_the_vm() {
    let vm_error = r#"wasm execution failed with error: ExecutionError("Smart contract panicked: bad \"max_memory_mb\": over 1024\n\\ é \u{1b}")"#;
    assert_eq!(
        common::sandbox::contract_error(vm_error),
        "Smart contract panicked: bad \"max_memory_mb\": over 1024\n\\ é \u{1b}"
    );
    assert_eq!(common::sandbox::contract_error("MethodNotFound"), "MethodNotFound");
}
