//! The scenarios of `common::scenarios` on a real neard sandbox (`common::sandbox`):
//!
//!   NEAR_SANDBOX_BIN_PATH=/path/to/neard cargo test --features sandbox --test sandbox_tests
//!
//! Each scenario gets a fresh sandbox. Without `NEAR_SANDBOX_BIN_PATH` every scenario test
//! fails, saying so: CI, which has no neard, only compiles this file.
//!
//! To add a scenario, name it in `sandbox_scenarios!` below (with the contract's starting
//! balance in parentheses when it is not 10 NEAR). `every_vm_scenario_runs_here` fails when
//! `integration_tests.rs` runs a generic scenario on the VM that is missing here.

mod common;

use common::backend::NEAR;
use common::sandbox::SandboxBackend;
use common::scenarios;

/// The contract account's balance when a scenario names none (as in `integration_tests`).
const DEFAULT_BALANCE: u128 = 10 * NEAR;

macro_rules! sandbox_scenarios {
    ($($name:ident $(($balance:expr))?),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                run(stringify!($name), sandbox_scenarios!(@balance $($balance)?), scenarios::$name);
            }
        )*
        /// Every scenario this file runs.
        const SCENARIOS: &[&str] = &[$(stringify!($name)),*];
    };
    (@balance) => { DEFAULT_BALANCE };
    (@balance $balance:expr) => { $balance };
}

sandbox_scenarios! {
    seed_commands,
    small_outputs,
    submitted_outputs,
    exact_refunds,
    failed_execution,
    long_errors_are_shortened,
    timeout,
    cancel_stale_refusals,
    emergency_cancel,
    operator_misuse,
    private_methods,
    paused,
    admin_functions,
    set_pricing_rules,
    keystore_pubkey,
    admin_deposits,
    non_payable_methods,
    views_as_calls_refuse_deposits,
    init_rules,
    views_json,
    limits_and_caps,
    submit_backed_by_payment,
    deposit_too_small,
    too_little_gas,
    cli_gas_worst_cases,
    pricing_change_while_pending,
    failures_count_as_executions,
    operator_change_while_pending,
}

fn run(name: &str, balance: u128, scenario: fn(&mut SandboxBackend)) {
    // Asking for the sandbox scenarios without a sandbox is a mistake, not a pass:
    // `--features sandbox` only builds them; CI compiles them but cannot run them.
    let Some(mut backend) = SandboxBackend::from_env(balance) else {
        panic!("sandbox scenario `{name}` needs NEAR_SANDBOX_BIN_PATH pointing at a neard sandbox binary (see README)");
    };
    scenario(&mut backend);
}

/// The generic scenarios `integration_tests.rs` runs on the VM: the names listed in its
/// `on_vm!(...)`, and any `scenarios::NAME(` it calls directly, where `scenarios.rs` defines
/// NAME as `pub fn NAME<B: Backend>(b: &mut B)`.
fn vm_scenarios() -> Vec<String> {
    let definitions = include_str!("common/scenarios.rs");
    let callers = include_str!("integration_tests.rs");
    let is_scenario = |name: &str| definitions.contains(&format!("pub fn {name}<B: Backend>(b: &mut B)"));
    let ident = |s: &str| -> String { s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect() };
    let listed = callers.split("on_vm!(").skip(1).flat_map(|rest| {
        let list = &rest[..rest.find(')').unwrap_or(rest.len())];
        list.split(',').map(|n| ident(n.trim())).collect::<Vec<_>>()
    });
    let called = callers.split("scenarios::").skip(1).filter_map(|rest| {
        let name = ident(rest);
        rest[name.len()..].starts_with('(').then_some(name)
    });
    let mut names: Vec<String> = listed.chain(called).filter(|name| !name.is_empty() && is_scenario(name)).collect();
    names.sort();
    names.dedup();
    names
}

#[test]
fn every_vm_scenario_runs_here() {
    let vm = vm_scenarios();
    assert!(vm.contains(&"seed_commands".to_string()), "cannot read integration_tests.rs: {vm:?}");
    let missing: Vec<&String> = vm.iter().filter(|n| !SCENARIOS.contains(&n.as_str())).collect();
    assert!(missing.is_empty(), "add these scenarios to sandbox_scenarios! in tests/sandbox_tests.rs: {missing:?}");
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
