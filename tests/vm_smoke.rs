//! Proves the embedded test runtime runs the real contract wasm under real gas metering.

mod common;

use common::vm::{contract_wasm, CallArgs, Vm, NEAR};

const CONTRACT: &str = "offchainvm.near";

#[test]
fn is_paused_is_false_after_init_as_call_and_as_view() {
    let mut vm = Vm::new(CONTRACT, &contract_wasm(), 10 * NEAR);
    let init = vm.call(CallArgs::call(CONTRACT, "new", br#"{"owner_id":"owner.near"}"#.to_vec()));
    assert_eq!(init.result, Ok(None));
    for args in [CallArgs::call("alice.near", "is_paused", []), CallArgs::view("is_paused", [])] {
        let outcome = vm.call(args);
        assert_eq!(outcome.result, Ok(Some(b"false".to_vec())));
        assert!(outcome.gas_burnt > 0);
    }
}
