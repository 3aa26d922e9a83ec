//! A chain with OffchainVM and a contract that calls it (`tests/caller/`), the way a dApp
//! does: `request_execution` with a deposit and a `.then` to its own callback, which records
//! the promise result. The caller's wasm is built here with the pinned toolchain.
#![allow(dead_code)]

use super::vm::{contract_wasm, newest_modification, CallArgs, Outcome, Vm, NEAR, TGAS};
use std::path::Path;
use std::sync::OnceLock;

pub use super::accounts::{CONTRACT as OFFCHAINVM, OPERATOR, OWNER, USER};
/// The calling contract, driven by `USER`.
pub const CALLER: &str = "dapp.testnet";
/// A flat fee and no other price, so every expected charge is this one number.
pub const FEE: u128 = NEAR / 100;
pub const DEPOSIT: u128 = NEAR / 10;
/// Ten minutes, when a sender may cancel its own request.
pub const STALE_NS: u64 = 600 * 1_000_000_000;

/// `tests/caller` built for `wasm32v1-none` (once per test binary, when stale).
pub fn caller_wasm() -> Vec<u8> {
    static WASM: OnceLock<Vec<u8>> = OnceLock::new();
    WASM.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let crate_dir = root.join("tests/caller");
        let target = root.join("target/caller");
        let wasm = target.join("wasm32v1-none/release/offchainvm_test_caller.wasm");
        let built = std::fs::metadata(&wasm).and_then(|m| m.modified()).ok();
        if built.is_none_or(|b| newest_modification(&crate_dir.join("src")) > b) {
            let status = std::process::Command::new("cargo")
                .current_dir(root)
                .args(["build", "--release", "--locked", "--target", "wasm32v1-none", "--manifest-path"])
                .arg(crate_dir.join("Cargo.toml"))
                .arg("--target-dir")
                .arg(&target)
                .status()
                .expect("cargo runs");
            assert!(status.success(), "building tests/caller failed");
        }
        std::fs::read(&wasm).expect("the caller's wasm")
    })
    .clone()
}

pub struct Dapp {
    pub vm: Vm,
    /// Results recorded so far.
    seen: u32,
}

impl Dapp {
    /// Both contracts deployed, OffchainVM initialized with a flat fee of [`FEE`].
    pub fn new() -> Dapp {
        let mut vm = Vm::new(OFFCHAINVM, &contract_wasm(), 10 * NEAR);
        vm.deploy(CALLER, &caller_wasm(), 10 * NEAR);
        let init = format!(r#"{{"owner_id":"{OWNER}","operator_id":"{OPERATOR}"}}"#);
        assert_eq!(vm.call(CallArgs::call(OFFCHAINVM, "new", init)).result, Ok(None));
        let flat = format!(r#"{{"base_fee":"{FEE}","per_instruction_fee":"0","per_mb_fee":"0","per_second_fee":"0"}}"#);
        assert_eq!(vm.call(CallArgs::call(OWNER, "set_pricing", flat)).result, Ok(None));
        Dapp { vm, seen: 0 }
    }

    /// The input of the caller's `call_request`.
    pub fn request_input(args: &str, deposit: u128, gas_request: u64, gas_callback: u64) -> Vec<u8> {
        let mut input = Vec::new();
        input.extend_from_slice(&gas_request.to_le_bytes());
        input.extend_from_slice(&gas_callback.to_le_bytes());
        input.extend_from_slice(&deposit.to_le_bytes());
        input.push(OFFCHAINVM.len() as u8);
        input.extend_from_slice(OFFCHAINVM.as_bytes());
        input.extend_from_slice(args.as_bytes());
        input
    }

    /// The user has the caller contract make a request; returns the user's transaction.
    pub fn request(&mut self, args: &str, deposit: u128, gas_request: u64, gas_callback: u64) -> Outcome {
        let input = Self::request_input(args, deposit, gas_request, gas_callback);
        self.vm.call(CallArgs::call(USER, "call_request", input).to(CALLER))
    }

    /// The caller contract calls `method(args)` on OffchainVM itself (it is the sender).
    pub fn forward(&mut self, method: &str, args: &str) -> Outcome {
        let mut input = vec![OFFCHAINVM.len() as u8];
        input.extend_from_slice(OFFCHAINVM.as_bytes());
        input.push(method.len() as u8);
        input.extend_from_slice(method.as_bytes());
        input.extend_from_slice(args.as_bytes());
        self.vm.call(CallArgs::call(USER, "forward", input).to(CALLER))
    }

    pub fn operator(&mut self, method: &str, args: &str) -> Outcome {
        self.vm.call(CallArgs::call(OPERATOR, method, args))
    }

    /// Every result the caller's callback recorded since the last call: `Some(value)` for a
    /// success, `None` for a failed promise.
    pub fn new_records(&mut self) -> Vec<Option<Vec<u8>>> {
        let mut out = Vec::new();
        loop {
            let mut key = vec![b'n'];
            key.extend_from_slice(&self.seen.to_le_bytes());
            let Some(record) = self.vm.storage_of(CALLER, &key) else { break };
            self.seen += 1;
            out.push(match record.split_first() {
                Some((1, value)) => Some(value.to_vec()),
                Some((0, [])) => None,
                other => panic!("malformed record {other:?}"),
            });
        }
        out
    }

    /// The id of the request the last `execution_requested` event announced.
    pub fn last_request_id(outcome: &Outcome) -> u64 {
        let logs = all_logs(outcome);
        let event = logs.iter().rev().find_map(|l| l.strip_prefix("EVENT_JSON:")).expect("an event");
        let event: serde_json::Value = serde_json::from_str(event).expect("JSON");
        let data: serde_json::Value =
            serde_json::from_str(event["data"][0]["request_data"].as_str().expect("request_data")).expect("JSON");
        data["request_id"].as_u64().expect("an id")
    }
}

impl Default for Dapp {
    fn default() -> Self {
        Self::new()
    }
}

/// Logs of an outcome and everything it spawned.
pub fn all_logs(o: &Outcome) -> Vec<String> {
    let mut logs = o.logs.clone();
    for s in &o.spawned {
        logs.extend(all_logs(s));
    }
    logs
}

/// Every transfer an outcome tree made, by receiver.
pub fn all_transfers(o: &Outcome) -> Vec<(String, u128)> {
    let mut t = o.transfers.clone();
    for s in &o.spawned {
        t.extend(all_transfers(s));
    }
    t
}

/// The outcomes in a tree that ran `method`.
pub fn find<'a>(o: &'a Outcome, method: &str, out: &mut Vec<&'a Outcome>) {
    if o.method == method {
        out.push(o);
    }
    for s in &o.spawned {
        find(s, method, out);
    }
}

pub const GAS_LOTS: u64 = 100 * TGAS;
