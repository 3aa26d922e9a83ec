/// Calls `$run!(name, ...)` with every scenario of `scenarios` that is generic
/// over `Backend`: the one list both backends run (integration_tests.rs on the
/// VM, sandbox_tests.rs on a neard sandbox).
#[allow(unused_macros)] // not every test binary runs the scenarios
macro_rules! generic_scenarios {
    ($run:ident) => {
        $run!(
            seed_commands_work_unchanged,
            small_outputs_of_every_kind_reach_the_caller,
            submitted_outputs_of_every_kind_reach_the_caller,
            refund_is_the_payment_minus_the_spec_charge,
            failed_execution_keeps_the_base_fee,
            long_errors_are_shortened,
            timeout_refunds_in_full,
            stale_cancel_refused_before_ten_minutes_and_to_others,
            owner_cancel_refunds_in_full,
            operator_mistakes_fail_and_change_nothing,
            private_methods_refuse_outsiders,
            pause_stops_only_new_requests,
            admin_functions_work_only_for_the_owner,
            set_pricing_refuses_overflow_and_malformed_amounts,
            keystore_key_set_by_owner_or_keystore_in_both_formats,
            admin_calls_take_no_deposit_or_one_yocto,
            non_payable_methods_give_any_deposit_back,
            views_as_calls_refuse_deposits,
            init_works_once_and_only_from_the_contract,
            views_return_the_documented_json,
            every_cap_accepts_its_bound_and_refuses_one_more,
            submitted_output_storage_is_backed_by_the_payment,
            too_small_a_deposit_is_refused_with_the_amount_required,
            too_little_gas_fails_before_any_write,
            worst_cases_work_with_near_cli_default_gas,
            pending_request_pays_the_prices_of_its_time,
            failures_count_as_executions,
            new_operator_resolves_pending_requests,
        );
    };
}

pub mod accounts;
pub mod backend;
pub mod caller;
pub mod checked_env;
pub mod records;
pub mod rng;
#[cfg(feature = "sandbox")]
pub mod sandbox;
pub mod scenarios;
pub mod seed;
pub mod service;
pub mod spec;
pub mod trie_charging;
pub mod vm;
pub mod vm_backend;
