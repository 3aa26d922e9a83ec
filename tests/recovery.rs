//! Recovery paths, proven with the chain's fault injection: a request whose callback never ran
//! (out of gas, or a panic before it runs) still ends, with a full refund paid exactly once; a
//! cancel that lands between a resume and its callback wins cleanly; a record that fails to
//! decode keeps its payment.

mod common;

use common::caller::{Dapp, DEPOSIT, OFFCHAINVM, OPERATOR, OWNER, STALE_NS};
use common::vm::{CallArgs, Fault, FinalResult, TxId, Vm};

const SEED: &str = common::seed::SEED_REQUEST;
const SENDER: &str = "alice.testnet";
const CALLBACK: &str = "on_execution_response";

fn request(vm: &mut Vm) -> (TxId, u64) {
    let tx = vm.submit(CallArgs { deposit: DEPOSIT, ..CallArgs::call(SENDER, "request_execution", SEED) });
    vm.run_until_idle();
    let o = vm.tx_outcome(tx).expect("ran");
    (tx, Dapp::last_request_id(&o))
}

fn resolve(id: u64) -> CallArgs {
    let args = format!(
        r#"{{"request_id":{id},"response":{{"success":true,"output":{{"Text":"ok"}},"error":null,"resources_used":{{"instructions":1,"time_ms":1}}}}}}"#
    );
    CallArgs::call(OPERATOR, "resolve_execution", args)
}

fn id_args(id: u64) -> String {
    format!(r#"{{"request_id":{id}}}"#)
}

fn stored(vm: &Vm, id: u64) -> Option<Vec<u8>> {
    let mut key = vec![b'r'];
    key.extend_from_slice(&id.to_le_bytes());
    vm.storage(&key).map(<[u8]>::to_vec)
}

/// The callback fails (both kinds of fault): its refund and clean-up are rolled back and the
/// yield is spent, so only a cancel can end the request.
fn request_whose_callback_failed(fault: Fault) -> (Dapp, TxId, u64) {
    let mut d = Dapp::new();
    let (tx, id) = request(&mut d.vm);
    d.vm.inject_fault(OFFCHAINVM, CALLBACK, fault);
    let before = d.vm.balance(SENDER);
    let r = d.vm.call(resolve(id));
    assert_eq!(r.result, Ok(None));
    let cb = &r.spawned[0];
    assert_eq!(cb.method, CALLBACK);
    assert!(cb.result.is_err(), "the injected fault struck");
    assert!(d.vm.pending_yields().is_empty(), "the yield is spent");
    assert!(stored(&d.vm, id).is_some(), "the record stays");
    assert_eq!(d.vm.balance(SENDER), before, "nothing was refunded");
    (d, tx, id)
}

#[test]
fn a_request_whose_callback_never_ran_is_cancelled_by_its_sender_after_ten_minutes() {
    for fault in [Fault::OutOfGas, Fault::Panic] {
        let (mut d, tx, id) = request_whose_callback_failed(fault);
        let before = d.vm.balance(SENDER);
        let early = d.vm.call(CallArgs::call(SENDER, "cancel_stale_execution", id_args(id)));
        assert!(early.result.unwrap_err().contains("10 minutes"));
        let (h, t) = (d.vm.block_height(), d.vm.block_timestamp());
        d.vm.set_block(h, t + STALE_NS);
        let cancel = d.vm.call(CallArgs::call(SENDER, "cancel_stale_execution", id_args(id)));
        assert_eq!(cancel.result, Ok(None));
        assert_eq!(cancel.transfers, vec![(SENDER.to_string(), DEPOSIT)]);
        assert!(stored(&d.vm, id).is_none());
        // Nothing can arrive later and pay again: no yield is left, a resolve finds nothing.
        d.vm.advance_blocks(d.vm.yield_timeout_blocks() + 1);
        assert!(d.vm.call(resolve(id)).result.unwrap_err().contains("no pending request"));
        assert_eq!(d.vm.balance(SENDER) - before, DEPOSIT, "{fault:?}: refunded exactly once");
        assert!(matches!(d.vm.final_result(&d.vm.tx_outcome(tx).unwrap()), FinalResult::Failure(_)));
    }
}

#[test]
fn a_request_whose_callback_never_ran_is_cancelled_by_the_owner() {
    let (mut d, _, id) = request_whose_callback_failed(Fault::OutOfGas);
    let before = d.vm.balance(SENDER);
    let cancel = d.vm.call(CallArgs::call(OWNER, "emergency_cancel_execution", id_args(id)));
    assert_eq!(cancel.transfers, vec![(SENDER.to_string(), DEPOSIT)]);
    d.vm.advance_blocks(d.vm.yield_timeout_blocks() + 1);
    assert_eq!(d.vm.balance(SENDER) - before, DEPOSIT, "refunded exactly once");
    assert!(stored(&d.vm, id).is_none());
}

/// A cancel whose receipt runs in the block of the resume receipt, just before it: the cancel
/// refunds in full, and the callback that follows finds no request and pays nothing.
#[test]
fn a_cancel_between_a_resume_and_its_callback_wins_and_the_late_callback_pays_nothing() {
    let mut d = Dapp::new();
    let (tx, id) = request(&mut d.vm);
    let before = d.vm.balance(SENDER);
    let resolve = d.vm.submit(resolve(id));
    d.vm.step(); // the resolve is included
    let cancel = d.vm.submit(CallArgs::call(OWNER, "emergency_cancel_execution", id_args(id)));
    d.vm.step(); // the resolve runs and sends its resume; the cancel is included
    assert_eq!(d.vm.tx_outcome(resolve).unwrap().result, Ok(None));
    let block = d.vm.step(); // the cancel, then the callback
    let order: Vec<&str> = block.iter().map(|o| o.method.as_str()).collect();
    assert_eq!(order, vec!["emergency_cancel_execution", CALLBACK]);
    d.vm.run_until_idle();
    assert_eq!(d.vm.tx_outcome(cancel).unwrap().result, Ok(None));
    assert_eq!(d.vm.balance(SENDER) - before, DEPOSIT, "one full refund");
    let end = d.vm.final_result(&d.vm.tx_outcome(tx).unwrap());
    assert!(matches!(&end, FinalResult::Failure(e) if e.contains("cancelled")), "{end:?}");
}

/// A record that cannot be decoded (say, a layout an upgrade got wrong) is put back by the
/// callback: its payment stays backed by it instead of vanishing with it.
#[test]
fn a_record_that_fails_to_decode_keeps_its_payment() {
    let mut d = Dapp::new();
    let (tx, id) = request(&mut d.vm);
    let record = stored(&d.vm, id).unwrap();
    let corrupt = &record[..record.len() - 3];
    let mut key = vec![b'r'];
    key.extend_from_slice(&id.to_le_bytes());
    d.vm.put_storage(OFFCHAINVM, &key, corrupt);
    let (contract, sender) = (d.vm.balance(OFFCHAINVM), d.vm.balance(SENDER));
    let timeouts = d.vm.advance_blocks(d.vm.yield_timeout_blocks() + 1);
    assert_eq!(timeouts.len(), 1);
    assert_eq!(stored(&d.vm, id).as_deref(), Some(corrupt), "kept byte for byte");
    assert_eq!((d.vm.balance(OFFCHAINVM), d.vm.balance(SENDER)), (contract, sender), "nothing moved");
    let end = d.vm.final_result(&d.vm.tx_outcome(tx).unwrap());
    assert!(matches!(&end, FinalResult::Failure(e) if e.contains("corrupt")), "{end:?}");
}
