//! Randomized sequences of every call that moves money, checked after every step against a
//! model computed from SPEC.md.

use super::prelude::*;
use super::vm_only::{data_id_of, jump_clock, timestamp_of};
use crate::common::rng::Rng;
use crate::common::vm_backend::{VmBackend, CONTRACT};

struct Pending {
    tx: Tx,
    sender: &'static str,
    payment: u128,
    prices: Prices,
    limits: Limits,
    data_id: [u8; 32],
    timestamp: u64,
    created_height: u64,
    /// What the request adds to the account's storage, in bytes.
    storage: u64,
    has_output: bool,
}

/// What the contract must hold, computed from what the test did.
struct Model {
    initial: u128,
    tips: u128,
    fees: u128,
    executions: u64,
    prices: Prices,
    paused: bool,
    next_id: u64,
    pending: std::collections::BTreeMap<u64, Pending>,
}

const SENDERS: [&str; 3] = [USER, OTHER, "carol.testnet"];

/// Randomized sequences of requests, resolves, submits, timeouts, cancels,
/// emergency cancels, pricing changes and pauses. After every step: the
/// contract's balance is its initial balance + the fees collected + the
/// payments of pending requests + the 1-yocto admin tips; every deposited
/// yocto is a refund, a fee, a pending payment or a tip; the fees and
/// counters match an independent model; every stored request has a
/// waiting yield (so it can still end).
pub fn money_is_conserved(seed: u64, steps: usize) {
    let initial = 10 * NEAR;
    let mut b = VmBackend::new(initial);
    init(&mut b);
    let mut m = Model {
        initial,
        tips: 0,
        fees: 0,
        executions: 0,
        prices: Prices::DEFAULT,
        paused: false,
        next_id: 0,
        pending: Default::default(),
    };
    let mut rng = Rng(seed);
    for step in 0..steps {
        // Calls take blocks: a yield about to time out does so first, where the model sees it.
        expire_due(&mut b, &mut m);
        let action = rng.below(100);
        let what = match action {
            0..=29 => step_request(&mut b, &mut m, &mut rng),
            30..=54 => step_resolve(&mut b, &mut m, &mut rng),
            55..=64 => step_submit(&mut b, &mut m, &mut rng),
            65..=72 => step_blocks(&mut b, &mut m, &mut rng),
            73..=78 => step_stale_cancel(&mut b, &mut m, &mut rng),
            79..=84 => step_emergency_cancel(&mut b, &mut m, &mut rng),
            85..=94 => step_pricing(&mut b, &mut m, &mut rng),
            _ => step_pause(&mut b, &mut m, &mut rng),
        };
        check_invariants(&mut b, &m, &format!("seed {seed} step {step} ({what})"));
    }
    // Everything still pending ends by timeout, refunded in full.
    step_timeout_all(&mut b, &mut m);
    check_invariants(&mut b, &m, &format!("seed {seed} final timeout"));
    assert!(m.pending.is_empty());
    assert_eq!(b.vm.balance(CONTRACT), m.initial + m.fees + m.tips);
}

fn check_invariants(b: &mut VmBackend, m: &Model, at: &str) {
    let (executions, fees) = stats(b);
    assert_eq!((executions, fees), (m.executions, m.fees), "{at}: stats");
    let pending: u128 = m.pending.values().map(|p| p.payment).sum();
    assert_eq!(b.vm.balance(CONTRACT), m.initial + fees + pending + m.tips, "{at}: contract balance");
    // What the other accounts lost is exactly what the contract holds for them or earned.
    let others =
        |f: &dyn Fn(&str) -> u128| -> u128 { b.vm.balances().keys().filter(|a| *a != CONTRACT).map(|a| f(a)).sum() };
    let (funded, held) = (others(&|a| b.vm.funded(a)), others(&|a| b.vm.balance(a)));
    assert_eq!(funded - held, fees + pending + m.tips, "{at}: every deposited yocto is accounted for");
    let waiting: Vec<[u8; 32]> = b.vm.pending_yields().iter().map(|y| y.data_id).collect();
    for id in 0..m.next_id + 2 {
        let mut key = vec![b'r'];
        key.extend_from_slice(&id.to_le_bytes());
        let stored = b.vm.storage(&key).is_some();
        assert_eq!(stored, m.pending.contains_key(&id), "{at}: request {id} stored?");
        if let Some(p) = m.pending.get(&id) {
            assert!(waiting.contains(&p.data_id), "{at}: request {id} has no waiting yield");
        }
    }
    assert!(storage_cost(b.vm.storage_usage()) <= b.vm.balance(CONTRACT), "{at}: storage staked");
}

fn random_limits(rng: &mut Rng) -> (Value, Limits, bool) {
    let mut json = json!({});
    let mut limits = Limits::DEFAULT;
    let mut valid = true;
    for (name, cap, slot) in [
        ("max_instructions", CAP_INSTRUCTIONS, &mut limits.instructions),
        ("max_memory_mb", CAP_MEMORY_MB, &mut limits.memory_mb),
        ("max_execution_seconds", CAP_SECONDS, &mut limits.seconds),
    ] {
        match rng.below(10) {
            0 => {}
            1 => json[name] = Value::Null,
            2 if rng.chance(30) => {
                json[name] = json!(cap + 1);
                valid = false;
            }
            3 => {
                json[name] = json!(cap);
                *slot = cap;
            }
            _ => {
                let v = rng.below(cap + 1);
                json[name] = json!(v);
                *slot = v;
            }
        }
    }
    (json, limits, valid)
}

fn step_request(b: &mut VmBackend, m: &mut Model, rng: &mut Rng) -> String {
    let sender = *rng.pick(&SENDERS);
    let (limits_json, limits, valid) = random_limits(rng);
    let format = *rng.pick(&["Text", "Json", "Bytes"]);
    let input: String = "x".repeat(rng.below(300) as usize);
    let args = json!({
        "code_source": {"repo": "https://github.com/u/p", "commit": format!("c{}", rng.below(1000))},
        "resource_limits": limits_json,
        "input_data": input,
        "response_format": format,
    })
    .to_string();
    let gas = if rng.chance(5) { 5 * TGAS } else { CLI_GAS };
    // SPEC.md's requirement, computed here: the estimate at the model's prices plus the storage
    // of the record README's state layout describes.
    let stored = Request::parse(&args).stored_bytes(sender);
    let required = (valid && !m.paused).then(|| deposit_required(&m.prices, &limits, stored)).flatten();
    let deposit = match (required, rng.below(10)) {
        (Some(r), 0) => r - 1,
        (Some(r), 1..=3) => r,
        (Some(r), _) => r + rng.below(1_000_000) as u128 * (NEAR / 2_000_000) * rng.below(3) as u128,
        (None, _) => rng.below(1_000_000) as u128 * (NEAR / 1_000_000),
    };
    let storage_before = b.vm.storage_usage();
    let tx = b.call(sender, "request_execution", args.as_bytes(), deposit, gas);
    let accepted = required.is_some_and(|r| deposit >= r) && gas == CLI_GAS;
    if !accepted {
        assert!(matches!(tx.status, Status::Failure(_)), "refused: {:?}", tx.status);
        assert_eq!(tx.refunded_to(sender), deposit);
        assert!(tx.logs.is_empty());
        if let (Some(r), CLI_GAS) = (required, gas) {
            // One yocto short: the refusal names the amount the spec requires.
            assert_fails_with(&tx.status, &format!("deposit too small: attach at least {r} yoctoNEAR"));
        }
        return format!("refused request by {sender}: {}", tx.status.failure());
    }
    assert_eq!(tx.status, Status::Waiting);
    let id = request_id_of(&tx);
    assert_eq!(id, m.next_id);
    assert_eq!(b.vm.storage_usage() - storage_before, stored, "the request stores what README's layout says");
    m.next_id += 1;
    let p = Pending {
        sender,
        payment: deposit,
        prices: m.prices,
        limits,
        data_id: data_id_of(&tx),
        timestamp: timestamp_of(&tx),
        // The block the yield was made in, which its timeout counts from (the chain's own record).
        created_height: b.vm.pending_yields().iter().find(|y| y.data_id == data_id_of(&tx)).expect("waits").created_at,
        storage: stored,
        has_output: false,
        tx,
    };
    m.pending.insert(id, p);
    format!("request {id}")
}

/// A pending id (usually) or one that is not pending.
fn target(m: &Model, rng: &mut Rng) -> u64 {
    if !m.pending.is_empty() && rng.chance(85) {
        *m.pending.keys().nth(rng.below(m.pending.len() as u64) as usize).unwrap()
    } else {
        rng.below(m.next_id + 2)
    }
}

fn random_output(rng: &mut Rng, max: usize) -> (String, usize) {
    let n = rng.below(max as u64 + 1) as usize;
    match rng.below(3) {
        0 => (text_output(&"t".repeat(n)), n),
        1 => (format!(r#"{{"Json": "{}"}}"#, "j".repeat(n.saturating_sub(2))), n.max(2)),
        _ => (bytes_output(&some_bytes(n)), n),
    }
}

fn step_resolve(b: &mut VmBackend, m: &mut Model, rng: &mut Rng) -> String {
    let id = target(m, rng);
    let success = rng.chance(70);
    let limits = m.pending.get(&id).map_or(Limits::CAP, |p| p.limits);
    let used = Used::new(
        rng.edgy(limits.instructions),
        rng.edgy(limits.seconds * 1000),
        if rng.chance(30) { None } else { Some(rng.edgy(limits.memory_mb)) },
    );
    let has_output = m.pending.get(&id).is_some_and(|p| p.has_output);
    let (output, inline) =
        if has_output || rng.chance(30) { ("null".to_string(), false) } else { (random_output(rng, 900).0, true) };
    let error =
        if success || rng.chance(20) { "null".to_string() } else { json_str(&"e".repeat(rng.below(3000) as usize)) };
    let who = if rng.chance(95) { OPERATOR } else { OTHER };
    let tx =
        b.call(who, "resolve_execution", response_args(id, success, &output, &error, &used).as_bytes(), 0, CLI_GAS);
    if who != OPERATOR || !m.pending.contains_key(&id) {
        assert!(matches!(tx.status, Status::Failure(_)), "{:?}", tx.status);
        return format!("refused resolve {id}");
    }
    assert_eq!(tx.status, Status::Success(None), "resolve {id}");
    let p = m.pending.remove(&id).unwrap();
    let kept = if success { p.prices.charge(&p.limits, p.payment, &used) } else { p.prices.base.min(p.payment) };
    let done = b.settle(&p.tx);
    assert_eq!(done.refunded_to(p.sender), p.payment - kept, "refund of {id}");
    assert_eq!(done.status.is_success(), success);
    if success && !inline && !has_output {
        assert_eq!(done.status, Status::Success(None));
    }
    m.fees += kept;
    m.executions += 1;
    format!("resolve {id} success={success}")
}

fn step_submit(b: &mut VmBackend, m: &mut Model, rng: &mut Rng) -> String {
    let id = target(m, rng);
    let (output, len) = if rng.chance(3) {
        (text_output(&"t".repeat(CAP_OUTPUT + 1)), CAP_OUTPUT + 1)
    } else {
        random_output(rng, 12_000)
    };
    let tx = b.call(
        OPERATOR,
        "submit_execution_output",
        format!(r#"{{"request_id": {id}, "output": {output}}}"#).as_bytes(),
        0,
        CLI_GAS,
    );
    let fits = |p: &Pending| output_fits_payment(p.storage, len, p.payment);
    let accepted = len <= CAP_OUTPUT && m.pending.get(&id).is_some_and(|p| !p.has_output && fits(p));
    assert_eq!(tx.status.is_success(), accepted, "submit {len} bytes to {id}: {:?}", tx.status);
    assert!(tx.transfers.is_empty());
    if accepted {
        m.pending.get_mut(&id).unwrap().has_output = true;
    }
    format!("submit {len} bytes to {id}: {accepted}")
}

/// Lets blocks pass; the requests whose yields expire are refunded in full.
fn step_blocks(b: &mut VmBackend, m: &mut Model, rng: &mut Rng) -> String {
    let n = if rng.chance(20) { b.yield_timeout_blocks() + 1 } else { rng.below(60) + 1 };
    b.skip_blocks(n);
    let height = b.vm.block_height();
    let expired: Vec<u64> = m
        .pending
        .iter()
        .filter(|(_, p)| p.created_height + b.yield_timeout_blocks() < height)
        .map(|(id, _)| *id)
        .collect();
    for id in &expired {
        let p = m.pending.remove(id).unwrap();
        let done = b.settle(&p.tx);
        assert_fails_with(&done.status, "timed out");
        assert_eq!(done.refunded_to(p.sender), p.payment);
    }
    format!("{n} blocks, {} timed out", expired.len())
}

/// Lets every yield that would time out during the next step's blocks do so now, and ends
/// those requests in the model as `step_blocks` does.
fn expire_due(b: &mut VmBackend, m: &mut Model) {
    // A step makes a few calls of up to ~4 blocks each (inclusion, receipt, callback, refund).
    const STEP_BLOCKS: u64 = 32;
    let timeout = b.yield_timeout_blocks();
    loop {
        let height = b.vm.block_height();
        let Some(first) = m.pending.values().map(|p| p.created_height + timeout).min() else { return };
        if first > height + STEP_BLOCKS {
            return;
        }
        b.skip_blocks((first + 1).saturating_sub(height).max(1));
        let height = b.vm.block_height();
        let expired: Vec<u64> =
            m.pending.iter().filter(|(_, p)| p.created_height + timeout < height).map(|(id, _)| *id).collect();
        for id in expired {
            let p = m.pending.remove(&id).unwrap();
            let done = b.settle(&p.tx);
            assert_fails_with(&done.status, "timed out");
            assert_eq!(done.refunded_to(p.sender), p.payment);
        }
    }
}

fn step_timeout_all(b: &mut VmBackend, m: &mut Model) {
    b.skip_blocks(b.yield_timeout_blocks() + 1);
    for (_, p) in std::mem::take(&mut m.pending) {
        let done = b.settle(&p.tx);
        assert_fails_with(&done.status, "timed out");
        assert_eq!(done.refunded_to(p.sender), p.payment);
    }
}

fn step_stale_cancel(b: &mut VmBackend, m: &mut Model, rng: &mut Rng) -> String {
    let id = target(m, rng);
    if let Some(p) = m.pending.get(&id) {
        if rng.chance(60) {
            let to = (p.timestamp + STALE_NS + rng.below(3) - 1).max(b.vm.next_receipt_timestamp());
            jump_clock(b, to);
        }
    }
    let who = match m.pending.get(&id) {
        Some(p) if rng.chance(80) => p.sender,
        _ => *rng.pick(&SENDERS),
    };
    let now = b.vm.next_receipt_timestamp();
    let tx = b.call(who, "cancel_stale_execution", id_args(id).as_bytes(), 0, CLI_GAS);
    let accepted = m.pending.get(&id).is_some_and(|p| p.sender == who && now >= p.timestamp + STALE_NS);
    assert_eq!(tx.status.is_success(), accepted, "cancel {id} by {who}: {:?}", tx.status);
    if accepted {
        let p = m.pending.remove(&id).unwrap();
        assert_eq!(tx.transfers, vec![(p.sender.to_string(), p.payment)]);
    }
    format!("stale cancel {id} by {who}: {accepted}")
}

fn step_emergency_cancel(b: &mut VmBackend, m: &mut Model, rng: &mut Rng) -> String {
    let id = target(m, rng);
    let who = if rng.chance(80) { OWNER } else { OPERATOR };
    let tip = rng.below(2) as u128;
    let tx = b.call(who, "emergency_cancel_execution", id_args(id).as_bytes(), tip, CLI_GAS);
    let accepted = who == OWNER && m.pending.contains_key(&id);
    assert_eq!(tx.status.is_success(), accepted, "{:?}", tx.status);
    if accepted {
        m.tips += tip;
        let p = m.pending.remove(&id).unwrap();
        assert_eq!(tx.refunded_to(p.sender), p.payment);
    }
    format!("emergency cancel {id} by {who}: {accepted}")
}

fn step_pricing(b: &mut VmBackend, m: &mut Model, rng: &mut Rng) -> String {
    let mut p = m.prices;
    let mut args = json!({});
    for (name, slot) in [
        ("base_fee", &mut p.base),
        ("per_instruction_fee", &mut p.per_minstr),
        ("per_mb_fee", &mut p.per_mb),
        ("per_second_fee", &mut p.per_sec),
    ] {
        if rng.chance(50) {
            let v = match rng.below(10) {
                0 => 0,
                1 => u128::MAX / rng.below(2000).max(1) as u128, // usually overflows
                _ => rng.below(1 << 40) as u128 * rng.below(1 << 40) as u128,
            };
            *slot = v;
            args[name] = json!(v.to_string());
        }
    }
    let tip = rng.below(2) as u128;
    let tx = b.call(OWNER, "set_pricing", args.to_string().as_bytes(), tip, CLI_GAS);
    // Prices the contract accepts but whose requests would cost more than a
    // million NEAR are put back at once, to keep the model's sums in u128.
    let accepted = p.checked_max_estimate().is_some_and(|e| e <= NEAR * 1_000_000);
    if p.checked_max_estimate().is_some() {
        assert!(tx.status.is_success(), "{args}: {:?}", tx.status);
    } else {
        assert_fails_with(&tx.status, "pricing too large");
    }
    if tx.status.is_success() {
        m.tips += tip;
        m.prices = p;
        if !accepted {
            // Keep the money model in u128: restore prices that requests can pay.
            ok(b, OWNER, "set_pricing", &Prices::DEFAULT.json().to_string(), 0);
            m.prices = Prices::DEFAULT;
        }
    }
    format!("set_pricing {args}: {}", tx.status.is_success())
}

fn step_pause(b: &mut VmBackend, m: &mut Model, rng: &mut Rng) -> String {
    // Mostly unpaused: a paused contract refuses every request.
    let paused = if m.paused { rng.chance(10) } else { rng.chance(15) };
    let who = if rng.chance(85) { OWNER } else { USER };
    let tip = rng.below(2) as u128;
    let tx = b.call(who, "set_paused", json!({"paused": paused}).to_string().as_bytes(), tip, CLI_GAS);
    assert_eq!(tx.status.is_success(), who == OWNER);
    if who == OWNER {
        m.tips += tip;
        m.paused = paused;
    }
    format!("set_paused {paused} by {who}")
}
