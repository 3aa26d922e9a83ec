//! The VM-level fuzz, on the optimized wasm in nearcore's own VM: every exported method called
//! in random order with valid, mutated and rewritten arguments, random deposits, predecessors
//! (implicit accounts and the contract itself among them) and prepaid gas, between blocks past
//! the yield timeout and jumps of the clock. After every call `checked_env` checks the outcome
//! against the spec and the money, storage and yield invariants against its model; whether a
//! call must succeed or fail is decided from the model alone (`expect.rs`).
//!
//! `cargo test --test vm_fuzz -- --nocapture` prints the figures and the tally of each seed;
//! `FUZZ_MESSAGES=1` adds every failure message to the tally.

#[path = "../common/mod.rs"]
mod common;
mod expect;
mod generate;
mod mutate;
mod step;

use common::checked_env::*;
use common::rng::Rng;
use common::spec::{ADMIN, VIEWS};
use common::vm::NEAR;
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Instant;

struct Fuzz {
    env: Env,
    rng: Rng,
    donors: Vec<Vec<u8>>,
    /// Accounts that may become owner, operator or keystore (besides invalid ones).
    names: Vec<String>,
}

/// CPU time of the calling thread (Linux: utime + stime of /proc/thread-self/stat), so the
/// figures do not depend on what else the machine runs; None elsewhere.
fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// Runs `steps` random calls and returns the tally of what they did.
fn fuzz(seed: u64, steps: u32, balance: Option<u128>) -> Tally {
    let start = Instant::now();
    let cpu = thread_cpu_seconds();
    let env = match balance {
        Some(b) => Env::new(b),
        None => Env::at_minimum_balance(),
    };
    let mut f = Fuzz {
        env,
        rng: Rng(seed),
        donors: Vec::new(),
        names: [USER, OTHER, OWNER, OPERATOR, CONTRACT, "new-operator.testnet", "keystore.testnet", &"k".repeat(64)]
            .iter()
            .map(|s| s.to_string())
            .collect(),
    };
    let donor_methods = [
        "request_execution",
        "resolve_execution",
        "submit_execution_output",
        "set_pricing",
        "set_keystore_pubkey",
        "new",
        "get_request",
    ];
    f.donors = donor_methods.iter().map(|m| f.args(m).0).collect();
    for _ in 0..steps {
        f.step();
    }
    f.env.drain();
    let env = &f.env;
    let cpu = cpu.zip(thread_cpu_seconds()).map_or(String::new(), |(a, b)| format!(", {:.1}s CPU", b - a));
    println!(
        "fuzz seed {seed:#x}: {steps} steps, {} calls (+{} view calls by the checks), {} invariant checks ({} through the views), {} requests made and ended, {:.1}s wall{cpu}",
        env.calls,
        env.views,
        env.checks,
        env.view_checks,
        env.next_id,
        start.elapsed().as_secs_f64()
    );
    for (k, n) in &env.tally {
        println!("    {n:6}  {k}");
    }
    Tally(f.env.tally)
}

const FUZZ_STEPS: u32 = 700;

/// What a fuzz run did, by kind of outcome (`Env::count`).
struct Tally(BTreeMap<String, u64>);

impl Tally {
    /// Fails unless the run did each of `what` at least that many times: a fuzz that stops
    /// reaching a path (a generator change, a contract that refuses too much) fails loudly
    /// instead of passing on fewer checks.
    fn covers(&self, what: &[(&str, u64)]) {
        for &(key, least) in what {
            let n = self.0.get(key).copied().unwrap_or(0);
            assert!(n >= least, "the fuzz did {key:?} {n} times, fewer than {least}: {:#?}", self.0);
        }
    }

    /// What every seed must reach: requests made, resolved, submitted to, ended every way a
    /// request ends; charges and results checked exactly, mutated resolves read back too.
    fn covers_every_path(&self) {
        self.covers(&[
            ("ok: request_execution", 15),
            ("ok: resolve_execution", 15),
            ("ok: submit_execution_output", 2),
            ("request ended: success", 10),
            ("request ended: failure", 3),
            ("request ended: timeout", 1),
            ("request ended: cancelled", 1),
            ("resolve: exact charge and result checked", 10),
            ("resolve with mutated arguments: read back independently", 1),
            ("failed: contract panic", 150),
        ]);
    }
}

/// The tallies of the seeds run so far: once all of them have run, every method that can
/// succeed must have succeeded in one of them (the steps of one seed do not reach them all).
static SEEDS_DONE: Mutex<(usize, BTreeMap<String, u64>)> = Mutex::new((0, BTreeMap::new()));
const SEEDS: usize = 4;

fn run_seed(seed: u64, balance: Option<u128>) {
    let t = fuzz(seed, FUZZ_STEPS, balance);
    t.covers_every_path();
    let mut done = SEEDS_DONE.lock().unwrap_or_else(|e| e.into_inner());
    done.0 += 1;
    for (k, n) in t.0 {
        *done.1.entry(k).or_insert(0) += n;
    }
    if done.0 == SEEDS {
        let union = Tally(done.1.clone());
        let every: Vec<String> =
            ADMIN.iter().chain(&VIEWS).chain(&["cancel_stale_execution"]).map(|m| format!("ok: {m}")).collect();
        let mut what: Vec<(&str, u64)> = every.iter().map(|k| (k.as_str(), 1)).collect();
        what.push(("refused: deposit too small, message exact", 1));
        what.push(("ok: submit_execution_output_and_resolve", 2));
        what.push(("upgrade: current state kept", 1));
        what.push(("migrate: current state kept", 1));
        what.push(("submit-and-resolve: ended like a submit then a resolve", 2));
        union.covers(&what);
    }
}

#[test]
fn random_calls_keep_every_invariant_seed_1() {
    run_seed(0x0ff_c4a1_0001, Some(10 * NEAR));
}

#[test]
fn random_calls_keep_every_invariant_seed_2() {
    run_seed(0x5eed_0002, Some(10 * NEAR));
}

/// The contract's own balance at the bare minimum its code and config stake: every request and
/// output must bring its own storage.
#[test]
fn random_calls_keep_every_invariant_at_minimum_balance() {
    run_seed(0xdead_beef_0003, None);
}

#[test]
fn random_calls_keep_every_invariant_seed_4() {
    run_seed(0x1234_5678_0004, Some(NEAR));
}
