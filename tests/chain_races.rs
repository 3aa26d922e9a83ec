//! Orderings only a chain produces: calls that land between a resume and its callback, between
//! a callback and its refund, and the race of a resume with the yield's timeout, block by block
//! as nearcore processes them (see `common::vm`).

mod common;

use common::caller::{Dapp, DEPOSIT, FEE, OFFCHAINVM, OPERATOR, OWNER};
use common::vm::{CallArgs, FinalResult, Outcome, TxId, Vm};

const SEED: &str = common::seed::SEED_REQUEST;
const SENDER: &str = "alice.testnet";

struct Request {
    tx: TxId,
    id: u64,
    created_at: u64,
}

fn request(vm: &mut Vm) -> Request {
    let tx = vm.submit(CallArgs { deposit: DEPOSIT, ..CallArgs::call(SENDER, "request_execution", SEED) });
    vm.run_until_idle();
    let o = vm.tx_outcome(tx).expect("ran");
    assert!(o.result.is_ok(), "{:?}", o.result);
    let data_id = o.yields_created[0];
    let created_at = vm.pending_yields().iter().find(|y| y.data_id == data_id).expect("waits").created_at;
    Request { tx, id: Dapp::last_request_id(&o), created_at }
}

fn resolve_args(id: u64, instructions: u64, success: bool) -> String {
    format!(
        r#"{{"request_id":{id},"response":{{"success":{success},"output":{{"Text":"i={instructions}"}},"error":null,"resources_used":{{"instructions":{instructions},"time_ms":1}}}}}}"#
    )
}

/// Steps until the next block is `height`.
fn step_to(vm: &mut Vm, height: u64) {
    assert!(vm.block_height() < height, "already past {height}");
    while vm.block_height() + 1 < height {
        vm.step();
    }
}

/// Submits so that the transaction's receipt runs in block `height` (included one block
/// before, as on chain).
fn submit_for(vm: &mut Vm, height: u64, call: CallArgs) -> TxId {
    step_to(vm, height - 1);
    vm.submit(call)
}

fn result(vm: &Vm, tx: TxId) -> Result<Option<Vec<u8>>, String> {
    vm.tx_outcome(tx).expect("ran").result
}

fn completed_events(o: &Outcome) -> usize {
    common::caller::all_logs(o).iter().filter(|l| l.contains("\"execution_completed\"")).count()
}

/// Two resolves before the callback runs: both calls succeed (nearcore accepts a resume while
/// the callback is pending), the first resume receipt runs the callback and the second is
/// dropped, so the first answer is what the request is charged for.
#[test]
fn a_second_resolve_before_the_callback_succeeds_and_is_dropped() {
    let mut d = Dapp::new();
    let r = request(&mut d.vm);
    let first = d.vm.submit(CallArgs::call(OPERATOR, "resolve_execution", resolve_args(r.id, 1, true)));
    let second = d.vm.submit(CallArgs::call(OPERATOR, "resolve_execution", resolve_args(r.id, 2, false)));
    let before = d.vm.balance(SENDER);
    d.vm.run_until_idle();
    assert_eq!(result(&d.vm, first), Ok(None));
    assert_eq!(result(&d.vm, second), Ok(None), "the second resume is accepted too");
    let callbacks: usize = [first, second].iter().map(|t| d.vm.tx_outcome(*t).unwrap().yields_resumed.len()).sum();
    assert_eq!(callbacks, 1, "only one resume reached the callback");
    let req = d.vm.tx_outcome(r.tx).unwrap();
    assert_eq!(d.vm.final_result(&req), FinalResult::Success(Some(b"\"i=1\"".to_vec())), "the first answer wins");
    assert_eq!(d.vm.balance(SENDER) - before, DEPOSIT - FEE, "charged once, for the first answer");
    let third = d.vm.call(CallArgs::call(OPERATOR, "resolve_execution", resolve_args(r.id, 3, true)));
    assert!(third.result.unwrap_err().contains("no pending request"));
}

/// The timeout is queued at creation + 200 blocks: at that block, after its receipts, a
/// still-waiting yield gets a resume with no data, processed the block after.
fn race_at(offset: i64) -> (Result<Option<Vec<u8>>, String>, FinalResult, u128) {
    let mut d = Dapp::new();
    let r = request(&mut d.vm);
    let before = d.vm.balance(SENDER);
    let expires = r.created_at + d.vm.yield_timeout_blocks();
    let tx = submit_for(
        &mut d.vm,
        (expires as i64 + offset) as u64,
        CallArgs::call(OPERATOR, "resolve_execution", resolve_args(r.id, 1, true)),
    );
    d.vm.run_until_idle();
    let req = d.vm.tx_outcome(r.tx).unwrap();
    (result(&d.vm, tx), d.vm.final_result(&req), d.vm.balance(SENDER) - before)
}

#[test]
fn a_resume_processed_before_the_timeout_wins() {
    // Resolved one block before the timeout block, or in it: the resume receipt comes first.
    for at in [-1i64, 0] {
        let (resolve, end, refund) = race_at(at);
        assert_eq!(resolve, Ok(None), "at {at}");
        assert_eq!(end, FinalResult::Success(Some(b"\"i=1\"".to_vec())), "at {at}");
        assert_eq!(refund, DEPOSIT - FEE, "at {at}");
    }
}

#[test]
fn a_timeout_processed_before_the_resume_wins() {
    // One block after the timeout block, the resolve still finds the yield waiting (its
    // timeout receipt is not processed yet): the call succeeds, but the timeout runs first.
    let (resolve, end, refund) = race_at(1);
    assert_eq!(resolve, Ok(None));
    assert!(matches!(&end, FinalResult::Failure(e) if e.contains("timed out")), "{end:?}");
    assert_eq!(refund, DEPOSIT, "full refund, once");
    // Later still, the yield is gone and the resolve fails.
    let (resolve, end, refund) = race_at(2);
    assert!(resolve.unwrap_err().contains("no pending request"));
    assert!(matches!(&end, FinalResult::Failure(e) if e.contains("timed out")));
    assert_eq!(refund, DEPOSIT);
}

/// Calls that land between a resolve and its callback (the resume receipt runs one block after
/// the resolve): each keeps its own meaning and nothing is paid twice.
#[test]
fn calls_between_a_resume_and_its_callback() {
    // An owner cancel wins: full refund; the callback then finds no request and pays nothing.
    let mut d = Dapp::new();
    let r = request(&mut d.vm);
    let before = d.vm.balance(SENDER);
    let resolve = d.vm.submit(CallArgs::call(OPERATOR, "resolve_execution", resolve_args(r.id, 1, true)));
    d.vm.step(); // included
    d.vm.step(); // resolve runs, its resume receipt is on its way
    assert_eq!(result(&d.vm, resolve), Ok(None));
    assert_eq!(d.vm.pending_yields()[0].resumed, true);
    let cancel =
        d.vm.submit(CallArgs::call(OWNER, "emergency_cancel_execution", format!(r#"{{"request_id":{}}}"#, r.id)));
    d.vm.run_until_idle();
    // The cancel ran after the callback: the callback won, the cancel found nothing.
    assert!(result(&d.vm, cancel).unwrap_err().contains("no pending request"));
    assert_eq!(d.vm.balance(SENDER) - before, DEPOSIT - FEE);

    // The same cancel submitted with the resolve lands before the callback: it wins.
    let r = request(&mut d.vm);
    let before = d.vm.balance(SENDER);
    let cancel =
        d.vm.submit(CallArgs::call(OWNER, "emergency_cancel_execution", format!(r#"{{"request_id":{}}}"#, r.id)));
    let resolve = d.vm.submit(CallArgs::call(OPERATOR, "resolve_execution", resolve_args(r.id, 1, true)));
    d.vm.run_until_idle();
    assert_eq!(result(&d.vm, cancel), Ok(None));
    assert!(result(&d.vm, resolve).unwrap_err().contains("no pending request"), "the record is gone");
    assert_eq!(d.vm.balance(SENDER) - before, DEPOSIT, "full refund, once");
    // Its yield still waits; its timeout later finds no request.
    d.vm.advance_blocks(d.vm.yield_timeout_blocks() + 1);
    assert_eq!(d.vm.balance(SENDER) - before, DEPOSIT, "still once");

    // set_pricing, set_operator and set_paused between the resolve and its callback change
    // nothing for the request: it is charged at its own prices and its callback runs.
    let r = request(&mut d.vm);
    let before = d.vm.balance(SENDER);
    let resolve = d.vm.submit(CallArgs::call(OPERATOR, "resolve_execution", resolve_args(r.id, 1, true)));
    let admin = [
        d.vm.submit(CallArgs::call(OWNER, "set_pricing", r#"{"base_fee":"5"}"#)),
        d.vm.submit(CallArgs::call(OWNER, "set_operator", r#"{"new_operator_id":"other.testnet"}"#)),
        d.vm.submit(CallArgs::call(OWNER, "set_paused", r#"{"paused":true}"#)),
    ];
    d.vm.run_until_idle();
    assert_eq!(result(&d.vm, resolve), Ok(None));
    for a in admin {
        assert_eq!(result(&d.vm, a), Ok(None));
    }
    assert_eq!(d.vm.balance(SENDER) - before, DEPOSIT - FEE, "the request's own price");
}

/// The refund is a transfer receipt one block after the callback; an account deleted in
/// between makes it bounce back to the contract, which keeps it (never stranded in a receipt).
#[test]
fn a_refund_to_an_account_deleted_meanwhile_comes_back_to_the_contract() {
    let mut d = Dapp::new();
    let r = request(&mut d.vm);
    let resolve = d.vm.submit(CallArgs::call(OPERATOR, "resolve_execution", resolve_args(r.id, 1, true)));
    let contract_before = d.vm.balance(OFFCHAINVM);
    // included, resolve runs, callback runs (refund transfer sent): delete before it lands.
    d.vm.step();
    d.vm.step();
    let callback = d.vm.step();
    assert!(callback.iter().any(|o| o.method == "on_execution_response"));
    d.vm.delete_account(SENDER);
    d.vm.run_until_idle();
    let o = d.vm.tx_outcome(resolve).unwrap();
    let cb = &o.spawned[0];
    assert_eq!(cb.bounced, vec![(SENDER.to_string(), DEPOSIT - FEE)]);
    assert!(cb.transfers.is_empty());
    assert_eq!(d.vm.balance(OFFCHAINVM), contract_before, "the payment stayed: the fee and the bounced refund");
    assert_eq!(completed_events(&d.vm.tx_outcome(r.tx).unwrap()) + completed_events(&o), 1);
}

/// A sender's stale cancel and an operator's submit landing between a resolve and its
/// callback: the cancel wins with a full refund and the callback pays nothing; a submit is
/// stored and then cleaned up by the callback, which still returns the resolve's own output.
#[test]
fn a_stale_cancel_or_a_submit_between_a_resume_and_its_callback() {
    let mut d = Dapp::new();
    let r = request(&mut d.vm);
    let before = d.vm.balance(SENDER);
    let (h, t) = (d.vm.block_height(), d.vm.block_timestamp());
    d.vm.set_block(h, t + common::caller::STALE_NS);
    let resolve = d.vm.submit(CallArgs::call(OPERATOR, "resolve_execution", resolve_args(r.id, 1, true)));
    d.vm.step(); // the resolve is included
    let cancel = d.vm.submit(CallArgs::call(SENDER, "cancel_stale_execution", format!(r#"{{"request_id":{}}}"#, r.id)));
    d.vm.run_until_idle();
    assert_eq!(result(&d.vm, resolve), Ok(None));
    assert_eq!(result(&d.vm, cancel), Ok(None), "the record was still there when the cancel ran");
    assert_eq!(d.vm.balance(SENDER) - before, DEPOSIT, "one full refund, the callback paid nothing");
    let end = d.vm.final_result(&d.vm.tx_outcome(r.tx).unwrap());
    assert!(matches!(&end, FinalResult::Failure(e) if e.contains("cancelled")), "{end:?}");

    let r = request(&mut d.vm);
    let before = d.vm.balance(SENDER);
    let resolve = d.vm.submit(CallArgs::call(OPERATOR, "resolve_execution", resolve_args(r.id, 1, true)));
    d.vm.step();
    let submit = d.vm.submit(CallArgs::call(
        OPERATOR,
        "submit_execution_output",
        format!(r#"{{"request_id":{},"output":{{"Text":"late"}}}}"#, r.id),
    ));
    d.vm.run_until_idle();
    assert_eq!(result(&d.vm, resolve), Ok(None));
    assert_eq!(result(&d.vm, submit), Ok(None), "stored while the callback was on its way");
    let end = d.vm.final_result(&d.vm.tx_outcome(r.tx).unwrap());
    assert_eq!(end, FinalResult::Success(Some(b"\"i=1\"".to_vec())), "the resolve's own output");
    assert_eq!(d.vm.balance(SENDER) - before, DEPOSIT - FEE);
    let keys: Vec<Vec<u8>> = d.vm.storage_entries().into_keys().collect();
    let records = keys.iter().filter(|k| k.len() == 9 && (k[0] == b'r' || k[0] == b'o'));
    assert_eq!(records.count(), 0, "no request or output left: {keys:?}");
}

/// The refund leaves the contract's balance when the callback creates its transfer, a block
/// before it lands: the largest withdrawal landing in between cannot take it.
#[test]
fn a_withdrawal_between_a_callback_and_its_refund_cannot_take_the_refund() {
    let mut d = Dapp::new();
    let r = request(&mut d.vm);
    let before = d.vm.balance(SENDER);
    d.vm.submit(CallArgs::call(OPERATOR, "resolve_execution", resolve_args(r.id, 1, true)));
    d.vm.step(); // included
    d.vm.step(); // the resolve runs
    let withdraw = d.vm.submit(CallArgs::call(OWNER, "withdraw_fees", "{}"));
    let block = d.vm.step(); // the callback runs; its refund is on its way; the withdrawal is included
    assert!(block.iter().any(|o| o.method == "on_execution_response"));
    d.vm.run_until_idle();
    let w = d.vm.tx_outcome(withdraw).unwrap();
    assert!(w.result.is_ok(), "{:?}", w.result);
    assert_eq!(d.vm.balance(SENDER) - before, DEPOSIT - FEE, "the refund arrived in full");
    // Everything but the staked storage left: the withdrawal took what was not owed.
    let stake = u128::from(d.vm.storage_usage()) * 10u128.pow(19);
    assert_eq!(d.vm.balance(OFFCHAINVM), stake, "only the storage stake is left");
    let v = d.vm.call(CallArgs::view("get_balance_sheet", ""));
    let sheet: serde_json::Value = serde_json::from_slice(&v.result.unwrap().unwrap()).unwrap();
    assert_eq!(sheet["pending_payments"], "0");
    assert_eq!(sheet["withdrawable"], "0");
}
