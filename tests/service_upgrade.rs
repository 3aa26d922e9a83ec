//! Issue 8, point 8: `get_storage_version`, `migrate` (access, no-op on current
//! state), `upgrade` (access, input check, the deploy + migrate batch, run on
//! the test chain), and today's state upgraded with its pending requests and a
//! stored output still ending correctly, both on the test chain
//! (`upgrade_from_todays_state_on_the_chain`) and with hand-written seed-era
//! request records driven through near-vm-runner directly (`old_state`). The
//! conversion itself is proven byte for byte in tests/layout.rs
//! (`config_v1_migrates`).

#[macro_use]
mod common;

use common::backend::{Backend, Status, TGAS};
use common::records::{BorshConfigV1, BorshPricing, BorshRequest};
use common::scenarios::*;
use common::service::*;
use common::spec::*;
use common::vm::contract_wasm;

#[test]
fn storage_version_and_migrate_rules() {
    let mut b = vm();
    let c = b.contract();
    assert_eq!(view(&mut b, "get_storage_version", "{}"), 3);
    refused(&mut b, USER, "get_storage_version", "{}", 1, "takes no deposit");
    let req = request(&mut b, SEED_REQUEST, DEPOSIT);
    for who in [OWNER, USER, OPERATOR] {
        refused(&mut b, who, "migrate", "", 0, "private method");
    }
    refused(&mut b, &c, "migrate", "", 1, "takes no deposit");
    let before = b.vm.storage_entries();
    let tx = call(&mut b, &c, "migrate", "", 0);
    assert_eq!(tx.status, Status::Success(None));
    assert_eq!(b.vm.storage_entries(), before, "a no-op on current state");
    // the pending request still resolves
    assert!(call(&mut b, OPERATOR, "resolve_execution", &seed_resolve(request_id_of(&req)), 0).status.is_success());
    assert_eq!(b.settle(&req).refunded_to(USER), DEPOSIT - SEED_CHARGE);
}

#[test]
fn upgrade_rules() {
    let mut b = vm();
    let wasm = contract_wasm();
    for (who, code, deposit, needle) in [
        (USER, &wasm[..], 0, "owner only"),
        (OPERATOR, &wasm[..], 0, "owner only"),
        (OWNER, &wasm[..], 2, "take 0 or 1 yoctoNEAR"),
        (OWNER, &b"{}"[..], 0, "input is not wasm"),
        (OWNER, &b""[..], 0, "input is not wasm"),
    ] {
        let before = b.vm.storage_entries();
        let tx = b.call(who, "upgrade", code, deposit, 300 * TGAS);
        assert_fails_with(&tx.status, needle);
        assert_eq!(b.vm.storage_entries(), before);
    }
    // The owner's upgrade: deploy + migrate in one batch on the contract
    // account; state and pending requests carry on.
    let req = request(&mut b, SEED_REQUEST, DEPOSIT);
    let before = b.vm.storage_entries();
    let tx = b.call(OWNER, "upgrade", &wasm, 1, 300 * TGAS);
    assert_eq!(tx.status, Status::Success(None), "migrate's (empty) result is upgrade's");
    assert_eq!(b.vm.code_of(&b.contract()).as_deref(), Some(&wasm[..]));
    assert_eq!(b.vm.storage_entries(), before, "migrate on current state changes nothing");
    assert!(call(&mut b, OPERATOR, "resolve_execution", &seed_resolve(request_id_of(&req)), 0).status.is_success());
    assert_eq!(b.settle(&req).refunded_to(USER), DEPOSIT - SEED_CHARGE);
}

/// The upgrade the issue asks for, on the test chain: today's state (config
/// version 1, written byte for byte as tests/layout.rs proves today's contract
/// writes it; the requests' records, which carry no payer, are already in
/// today's layout) with two pending requests, one with a stored output; then
/// what a deployment of today makes (it has no `upgrade` method): the account
/// itself calls `migrate` after deploying. The pending requests still list,
/// resolve (returning the stored output), time out, refund and emit correctly.
/// The default prices, as the config and request records store them.
const PRICES: BorshPricing =
    BorshPricing { base_fee: BASE_FEE, per_instruction_fee: PER_MINSTR, per_mb_fee: PER_MB, per_second_fee: PER_SEC };

/// Version 2 (the service release) kept the operator only in the config; version 3 also
/// marks it with its account id as a key, which the operator's calls check. The record
/// itself is the same bytes.
#[test]
fn version_2_state_gets_the_operator_mark_from_migrate() {
    let mut b = vm();
    let c = b.contract();
    let req = request(&mut b, SEED_REQUEST, DEPOSIT);
    let current = b.vm.storage_entries()[&b"c"[..]].clone();
    assert_eq!(current[0], 3);
    let mut v2 = current.clone();
    v2[0] = 2;
    b.vm.put_storage(&c, b"c", &v2);
    b.vm.remove_storage(&c, OPERATOR.as_bytes());
    assert_eq!(view(&mut b, "get_storage_version", "{}"), 2);
    let id = request_id_of(&req);
    let tx = call(&mut b, OPERATOR, "resolve_execution", &seed_resolve(id), 0);
    assert_fails_with(&tx.status, "older layout (call migrate)");

    assert_eq!(call(&mut b, &c, "migrate", "{}", 0).status, Status::Success(None));
    let entries = b.vm.storage_entries();
    assert_eq!(entries[&b"c"[..]], current, "only the version byte changes");
    assert_eq!(entries.get(OPERATOR.as_bytes()), Some(&vec![]), "the operator mark");
    assert!(call(&mut b, OPERATOR, "resolve_execution", &seed_resolve(id), 0).status.is_success());
    assert!(b.settle(&req).status.is_success());
}

#[test]
fn upgrade_from_todays_state_on_the_chain() {
    let mut b = vm();
    let c = b.contract();
    let r0 = request(&mut b, SEED_REQUEST, DEPOSIT);
    let r1 = request(&mut b, SEED_REQUEST, 2 * DEPOSIT);
    let text = "y".repeat(3000);
    assert!(submit(&mut b, 1, &text_output(&text)).status.is_success());
    let v1 = BorshConfigV1 {
        version: 1,
        paused: false,
        next_request_id: 2,
        total_executions: 7,
        total_fees: 99,
        pricing: PRICES,
        owner: OWNER.into(),
        operator: OPERATOR.into(),
        keystore: None,
    };
    b.vm.put_storage(&c, b"c", &borsh::to_vec(&v1).unwrap());
    // version 1 had no operator mark (the operator's id as a key)
    b.vm.remove_storage(&c, OPERATOR.as_bytes());
    // today's state under the new code: nothing runs until migrated
    assert_eq!(view(&mut b, "get_storage_version", "{}"), 1);
    let tx = call(&mut b, OPERATOR, "resolve_execution", &seed_resolve_null(1), 0);
    assert_fails_with(&tx.status, "older layout (call migrate)");
    refused(&mut b, OWNER, "migrate", "", 0, "private method");

    assert_eq!(call(&mut b, &c, "migrate", "{}", 0).status, Status::Success(None));
    assert_eq!(view(&mut b, "get_storage_version", "{}"), 3);
    assert_eq!(b.vm.storage_entries().get(OPERATOR.as_bytes()), Some(&vec![]), "migrate wrote the operator mark");
    let list = view(&mut b, "get_pending_requests", "{}");
    assert_eq!(list.as_array().unwrap().iter().map(|r| r["request_id"].as_u64().unwrap()).collect::<Vec<_>>(), [0, 1]);
    assert_eq!(sheet(&mut b)[1], 3 * DEPOSIT, "pending payments counted by migrate");
    assert_eq!(
        view(&mut b, "get_stats", "{}"),
        serde_json::json!({"total_executions": 7, "total_fees_collected": "99"})
    );

    // then the owner's upgrade works as on any current state
    let wasm = contract_wasm();
    assert_eq!(b.call(OWNER, "upgrade", &wasm, 0, 300 * TGAS).status, Status::Success(None));

    // request 1 resolves with its stored output; request 0 times out
    assert!(call(&mut b, OPERATOR, "resolve_execution", &seed_resolve_null(1), 0).status.is_success());
    let done = b.settle(&r1);
    assert_eq!(done.status, Status::Success(Some(format!("\"{text}\"").into_bytes())));
    assert_eq!(done.refunded_to(USER), 2 * DEPOSIT - SEED_CHARGE);
    assert_eq!(completed_money(&done), (SEED_CHARGE, 2 * DEPOSIT - SEED_CHARGE));
    let timeout = b.yield_timeout_blocks();
    b.skip_blocks(timeout + 1);
    let done = b.settle(&r0);
    assert_fails_with(&done.status, "timed out");
    assert_eq!(done.refunded_to(USER), DEPOSIT);
    assert_eq!(completed_money(&done), (0, DEPOSIT));
    let [balance, pending, locked, withdrawable, fees, _] = sheet(&mut b);
    assert_eq!((pending, fees), (0, 99 + SEED_CHARGE));
    assert_eq!(withdrawable, balance - locked);
    assert_eq!(view(&mut b, "get_pending_requests", "{}"), serde_json::json!([]));
    assert_eq!(view(&mut b, "get_stats", "{}")["total_executions"], 8);
}

/// Today's state (config version 1, seed-era request records, a stored
/// output), written byte for byte with the borsh crate as tests/layout.rs
/// proves today's contract writes it, then `migrate` and the rest of the flow
/// run in nearcore's VM: the pending requests still list, resolve (with the
/// stored output), time out, refund and emit correctly.
///
/// The embedded runtime (common::vm) cannot be handed a state it did not
/// write, nor swap code, so this test drives near-vm-runner directly with a
/// few lines of its own.
mod old_state {
    use super::*;
    use common::backend::NEAR;
    use near_parameters::RuntimeConfigStore;
    use near_primitives_core::account::AccountContract;
    use near_primitives_core::hash::CryptoHash;
    use near_primitives_core::version::PROTOCOL_VERSION;
    use near_vm_runner::logic::mocks::mock_external::{MockAction, MockedExternal};
    use near_vm_runner::logic::types::{Balance, Gas, PromiseResult};
    use near_vm_runner::logic::{ReturnData, VMContext, VMOutcome};
    use near_vm_runner::{ContractCode, MockContractRuntimeCache};
    use std::sync::Arc;

    const CONTRACT: &str = "offchainvm.testnet";
    const NOW: u64 = 1_700_000_000_000_000_000;

    fn old_request(id: u64, has_output: bool, payment: u128) -> Vec<u8> {
        borsh::to_vec(&BorshRequest {
            id,
            has_output,
            payment,
            timestamp: NOW,
            data_id: [id as u8 + 1; 32],
            pricing: PRICES,
            max_instructions: 1_000_000_000,
            max_memory_mb: 128,
            max_execution_seconds: 60,
            format: 1,
            sender: USER.into(),
            repo: "https://github.com/user/project".into(),
            commit: "abc123".into(),
            build_target: Some("wasm32-wasi".into()),
            input_data: None,
            secrets: None,
        })
        .unwrap()
    }

    fn key(prefix: u8, id: u64) -> Vec<u8> {
        let mut k = vec![prefix];
        k.extend_from_slice(&id.to_le_bytes());
        k
    }

    struct Chain {
        ext: MockedExternal,
        cache: MockContractRuntimeCache,
        balance: u128,
    }

    impl Chain {
        fn run(&mut self, who: &str, method: &str, input: &[u8], results: Vec<PromiseResult>, view: bool) -> VMOutcome {
            let config = Arc::clone(RuntimeConfigStore::new(None).get_config(PROTOCOL_VERSION));
            let max = config.wasm_config.limit_config.max_gas_burnt;
            let context = VMContext {
                current_account_id: CONTRACT.parse().unwrap(),
                signer_account_id: who.parse().unwrap(),
                signer_account_pk: vec![0; 33],
                predecessor_account_id: who.parse().unwrap(),
                refund_to_account_id: who.parse().unwrap(),
                input: input.into(),
                promise_results: results.into(),
                block_height: 100,
                block_timestamp: NOW + 10_000_000_000,
                epoch_height: 0,
                account_balance: Balance::from_yoctonear(self.balance),
                account_locked_balance: Balance::ZERO,
                storage_usage: 100_000,
                account_contract: AccountContract::Local(self.ext.code_hash),
                attached_deposit: Balance::ZERO,
                prepaid_gas: Gas::from_gas(300 * TGAS),
                random_seed: vec![0; 32],
                view_config: view.then(|| near_primitives_core::config::ViewConfig { max_gas_burnt: max }),
                output_data_receivers: Vec::new(),
            };
            let wasm_config = Arc::clone(&config.wasm_config);
            let gas = context.make_gas_counter(&wasm_config);
            let prepared = near_vm_runner::prepare(&self.ext, wasm_config, Some(&self.cache), gas, method);
            near_vm_runner::run(prepared, &mut self.ext, &context, Arc::clone(&config.fees)).unwrap()
        }

        fn ok(&mut self, who: &str, method: &str, input: &[u8], results: Vec<PromiseResult>) -> VMOutcome {
            let o = self.run(who, method, input, results, false);
            assert!(o.aborted.is_none(), "{method}: {:?}", o.aborted);
            o
        }

        fn view(&mut self, method: &str, args: &str) -> serde_json::Value {
            let o = self.run(CONTRACT, method, args.as_bytes(), vec![], true);
            match &o.return_data {
                ReturnData::Value(v) => serde_json::from_slice(v).unwrap(),
                other => panic!("{method}: {other:?} {:?}", o.aborted),
            }
        }

        fn transfers(&self) -> Vec<(String, u128)> {
            let mut to = std::collections::BTreeMap::new();
            let mut out = Vec::new();
            for a in &self.ext.action_log {
                match a {
                    MockAction::CreateReceipt { receiver_id, .. } => {
                        to.insert(to.len(), receiver_id.to_string());
                    }
                    MockAction::Transfer { receipt_index, deposit } => {
                        out.push((to[&(*receipt_index as usize)].clone(), deposit.as_yoctonear()))
                    }
                    _ => {}
                }
            }
            out
        }
    }

    fn completed(o: &VMOutcome) -> serde_json::Value {
        let log = o.logs.iter().find(|l| l.contains("\"execution_completed\"")).expect("an execution_completed event");
        serde_json::from_str::<serde_json::Value>(log.strip_prefix("EVENT_JSON:").unwrap()).unwrap()["data"][0].clone()
    }

    #[test]
    fn todays_state_migrates_and_its_requests_still_end_correctly() {
        let (p0, p2) = (NEAR / 10, NEAR / 5);
        let mut ext = MockedExternal::with_code(ContractCode::new(contract_wasm(), None));
        let config = BorshConfigV1 {
            version: 1,
            paused: false,
            next_request_id: 3,
            total_executions: 1,
            total_fees: 5,
            pricing: PRICES,
            owner: OWNER.into(),
            operator: OPERATOR.into(),
            keystore: None,
        };
        ext.fake_trie.insert(b"c".to_vec(), borsh::to_vec(&config).unwrap());
        ext.fake_trie.insert(key(b'r', 0), old_request(0, false, p0));
        ext.fake_trie.insert(key(b'r', 2), old_request(2, true, p2));
        let mut output = vec![1u8]; // Text
        output.extend_from_slice("stored output".as_bytes());
        ext.fake_trie.insert(key(b'o', 2), output);
        let mut chain = Chain { ext, cache: MockContractRuntimeCache::default(), balance: 10 * NEAR };

        // the new code refuses to run on the old layout until migrated
        let o = chain.run(USER, "get_pending_requests", b"{}", vec![], false);
        assert!(format!("{:?}", o.aborted).contains("older layout (call migrate)"), "{:?}", o.aborted);
        assert_eq!(chain.view("get_storage_version", "{}"), 1);
        assert!(chain.run(OWNER, "migrate", b"", vec![], false).aborted.is_some(), "only the contract itself");
        chain.ok(CONTRACT, "migrate", b"", vec![]);
        assert_eq!(chain.view("get_storage_version", "{}"), 3);
        assert_eq!(chain.ext.fake_trie.get(OPERATOR.as_bytes()), Some(&vec![]), "migrate wrote the operator mark");
        let migrated = chain.ext.fake_trie[&b"c".to_vec()].clone();
        chain.ok(CONTRACT, "migrate", b"", vec![]);
        assert_eq!(chain.ext.fake_trie[&b"c".to_vec()], migrated, "a second migrate is a no-op");

        // the old records read as before, totals counted
        let list = chain.view("get_pending_requests", "{}");
        let ids: Vec<u64> = list.as_array().unwrap().iter().map(|r| r["request_id"].as_u64().unwrap()).collect();
        assert_eq!(ids, [0, 2]);
        assert_eq!(list[0]["input_data"], "");
        assert_eq!(list[1]["payment"], p2.to_string());
        assert_eq!(chain.view("get_balance_sheet", "{}")["pending_payments"], (p0 + p2).to_string());
        assert_eq!(
            chain.view("get_stats", "{}"),
            serde_json::json!({"total_executions": 1, "total_fees_collected": "5"})
        );
        assert_eq!(chain.view("has_pending_output", r#"{"request_id": 2}"#), true);

        // request 2 resolves (its yield still waits) and returns the stored output
        chain.ext.action_log = [0u64, 2]
            .map(|id| MockAction::YieldCreate {
                data_id: CryptoHash([id as u8 + 1; 32]),
                receiver_id: CONTRACT.parse().unwrap(),
                yield_id: None,
            })
            .to_vec();
        chain.ok(OPERATOR, "resolve_execution", seed_resolve_null(2).as_bytes(), vec![]);
        let payload = chain
            .ext
            .action_log
            .iter()
            .find_map(|a| match a {
                MockAction::YieldResume { data_id, data } if data_id.0 == [3; 32] => Some(data.clone()),
                _ => None,
            })
            .expect("the yield of request 2 resumed");
        chain.ext.action_log.clear();
        let cb = chain.ok(
            CONTRACT,
            "on_execution_response",
            &2u64.to_le_bytes(),
            vec![PromiseResult::Successful(payload.into())],
        );
        // the stored output comes back through a `return_output` receipt of its own
        let saved = chain.ext.action_log.iter().find_map(|a| match a {
            MockAction::FunctionCallWeight { method_name, args, .. } if method_name == b"return_output" => {
                Some(args.clone())
            }
            _ => None,
        });
        assert!(matches!(cb.return_data, ReturnData::ReceiptIndex(_)));
        assert_eq!(saved.as_deref(), Some(&b"\x01stored output"[..]));
        assert_eq!(chain.transfers(), [(USER.to_string(), p2 - SEED_CHARGE)]);
        let back = chain.ok(CONTRACT, "return_output", &saved.unwrap(), vec![]);
        assert_eq!(back.return_data, ReturnData::Value(b"\"stored output\"".to_vec()));
        let e = completed(&cb);
        assert_eq!((e["request_id"].as_u64(), e["success"].as_bool()), (Some(2), Some(true)));
        assert_eq!(
            (e["payment_charged"].clone(), e["payment_refunded"].clone()),
            (serde_json::json!(SEED_CHARGE.to_string()), serde_json::json!((p2 - SEED_CHARGE).to_string()))
        );
        assert!(!chain.ext.fake_trie.contains_key(&key(b'r', 2)) && !chain.ext.fake_trie.contains_key(&key(b'o', 2)));

        // request 0 times out: a full refund to its sender
        chain.ext.action_log.clear();
        let cb = chain.ok(CONTRACT, "on_execution_response", &0u64.to_le_bytes(), vec![PromiseResult::Failed]);
        assert_eq!(chain.transfers(), [(USER.to_string(), p0)]);
        let e = completed(&cb);
        assert_eq!(
            (e["payment_charged"].clone(), e["payment_refunded"].clone()),
            (serde_json::json!("0"), serde_json::json!(p0.to_string()))
        );
        assert_eq!(chain.view("get_pending_requests", "{}"), serde_json::json!([]));
        assert_eq!(chain.view("get_balance_sheet", "{}")["pending_payments"], "0");
        assert_eq!(chain.view("get_stats", "{}")["total_fees_collected"], (5 + SEED_CHARGE).to_string());
    }

    /// `upgrade` by the owner makes one batch on the contract account: deploy
    /// the given code, then call `migrate` with at least 10 Tgas and gas
    /// weight 1, and returns its outcome.
    #[test]
    fn upgrade_creates_deploy_then_migrate_on_the_contract_itself() {
        let wasm = contract_wasm();
        let ext = MockedExternal::with_code(ContractCode::new(wasm.clone(), None));
        let mut chain = Chain { ext, cache: MockContractRuntimeCache::default(), balance: 10 * NEAR };
        chain.ok(CONTRACT, "new", br#"{"owner_id": "owner.testnet"}"#, vec![]);
        let o = chain.ok(OWNER, "upgrade", &wasm, vec![]);
        assert_eq!(o.return_data, ReturnData::ReceiptIndex(0));
        match &chain.ext.action_log[..] {
            [MockAction::CreateReceipt { receipt_indices, receiver_id }, MockAction::DeployContract { receipt_index: 0, code }, MockAction::FunctionCallWeight {
                receipt_index: 0,
                method_name,
                args,
                attached_deposit,
                prepaid_gas,
                gas_weight,
            }] => {
                assert!(receipt_indices.is_empty());
                assert_eq!(receiver_id.as_str(), CONTRACT);
                assert_eq!(code, &wasm);
                assert_eq!((method_name.as_slice(), args.as_slice()), (&b"migrate"[..], &b""[..]));
                assert_eq!(attached_deposit.as_yoctonear(), 0);
                assert!(prepaid_gas.as_gas() >= 10 * TGAS);
                assert_eq!(gas_weight.0, 1);
            }
            other => panic!("unexpected actions: {other:?}"),
        }
    }
}
