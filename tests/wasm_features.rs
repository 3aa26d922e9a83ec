//! The published wasm uses bulk memory and sign extension (build.sh, FEATURES). These tests pin
//! down where that build deploys, with nearcore's own configs and preparation code: every
//! protocol version nearcore still supports accepts and compiles it, and a config without
//! `reftypes_bulk_memory` (the protocol versions before 84) rejects it, so the claim in README
//! ("Where it deploys") would fail here if the feature set or nearcore's rules changed.

mod common;

use std::sync::Arc;

use common::vm::contract_wasm;
use near_parameters::vm::VMKind;
use near_parameters::RuntimeConfigStore;
use near_primitives_core::version::{MIN_SUPPORTED_PROTOCOL_VERSION, PROTOCOL_VERSION};
use near_vm_runner::logic::errors::PrepareError;
use near_vm_runner::{precompile_contract, ContractCode, ContractPrecompilatonResult, MockContractRuntimeCache};

/// The protocol version whose config diff (near-parameters' res/runtime_configs/84.yaml) turned
/// on `reftypes_bulk_memory` together with the Wasmtime VM.
const BULK_MEMORY_SINCE: u32 = 84;

#[test]
fn every_supported_protocol_version_compiles_the_published_wasm() {
    let wasm = contract_wasm();
    for chain in ["mainnet", "testnet"] {
        let store = RuntimeConfigStore::for_chain_id(chain);
        for version in MIN_SUPPORTED_PROTOCOL_VERSION..=PROTOCOL_VERSION {
            let config = Arc::clone(&store.get_config(version).wasm_config);
            assert!(config.reftypes_bulk_memory, "{chain} protocol {version}: bulk memory is off");
            let cache = MockContractRuntimeCache::default();
            let code = ContractCode::new(wasm.clone(), None);
            // Preparation (validation with the config's wasm features, instrumentation) and
            // compilation with the config's VM, as a node does on deploy.
            let compiled = precompile_contract(&code, config, Some(&cache));
            assert!(
                matches!(compiled, Ok(Ok(ContractPrecompilatonResult::ContractCompiled))),
                "{chain} protocol {version}: {compiled:?}"
            );
            assert_eq!(cache.len(), 1, "{chain} protocol {version}: nothing compiled into the cache");
        }
    }
}

#[test]
fn a_config_without_bulk_memory_rejects_the_published_wasm() {
    if std::env::var_os("OFFCHAINVM_WASM").is_some() {
        // Another build (CI's seed build) under test: this pins down the published one only.
        eprintln!("SKIPPED: OFFCHAINVM_WASM is set");
        return;
    }
    let wasm = contract_wasm();
    let store = RuntimeConfigStore::new(None);
    let mut config = near_parameters::vm::Config::clone(&store.get_config(BULK_MEMORY_SINCE - 1).wasm_config);
    assert!(!config.reftypes_bulk_memory, "protocol {} already had bulk memory", BULK_MEMORY_SINCE - 1);
    let prepared = near_vm_runner::prepare::prepare_contract(&wasm, &config, VMKind::Wasmtime);
    assert_eq!(prepared.err(), Some(PrepareError::Deserialization));
    // The same config with only that switch flipped accepts it: bulk memory is the reason.
    config.reftypes_bulk_memory = true;
    let prepared = near_vm_runner::prepare::prepare_contract(&wasm, &config, VMKind::Wasmtime);
    assert!(prepared.is_ok(), "{:?}", prepared.err());
}

#[test]
fn multi_value_is_rejected_on_the_current_protocol() {
    // Why build.sh names its features instead of taking wasm32-unknown-unknown's defaults, which
    // include multi-value: nearcore turns it off on every protocol version (near-vm-runner's
    // features.rs).
    // Hand-assembled: header, type section with one type () -> (i32, i32).
    let module = |results: &[u8]| {
        let mut wasm = vec![0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]; // magic, version 1
        let len = u8::try_from(4 + results.len()).unwrap();
        let results_len = u8::try_from(results.len()).unwrap();
        wasm.extend([0x01, len, 0x01, 0x60, 0x00, results_len]); // type section: 1 type, () -> ...
        wasm.extend(results);
        wasm
    };
    let config = RuntimeConfigStore::new(None).get_config(PROTOCOL_VERSION).wasm_config.clone();
    let prepare = |wasm: &[u8]| near_vm_runner::prepare::prepare_contract(wasm, &config, VMKind::Wasmtime);
    assert!(prepare(&module(&[0x7F])).is_ok(), "() -> i32 must prepare, else the check below proves nothing");
    assert_eq!(prepare(&module(&[0x7F, 0x7F])).err(), Some(PrepareError::Deserialization));
}
