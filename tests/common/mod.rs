/// Calls `$run!(name, ...)` with every scenario of `scenarios` that is generic
/// over `Backend`: the one list both backends run (integration_tests.rs on the
/// VM, sandbox_tests.rs on a neard sandbox).
#[allow(unused_macros)] // not every test binary runs the scenarios
macro_rules! generic_scenarios {
    ($run:ident) => {
        $run!(
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
        );
    };
}

pub mod backend;
pub mod caller;
#[cfg(feature = "sandbox")]
pub mod sandbox;
pub mod scenarios;
pub mod seed;
pub mod service;
pub mod trie_charging;
pub mod vm;
pub mod vm_backend;
