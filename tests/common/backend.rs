//! The small interface the scenarios are written against, so the same
//! scenarios run on the embedded nearcore VM (always) and on a real neard
//! sandbox through near-workspaces (when `NEAR_SANDBOX_BIN_PATH` is set).
#![allow(dead_code)] // each test binary uses its own subset

pub const TGAS: u64 = 1_000_000_000_000;
pub const NEAR: u128 = 1_000_000_000_000_000_000_000_000;
/// What near-cli attaches to a call by default.
pub const CLI_GAS: u64 = 30 * TGAS;

/// How a transaction (or the receipt chain it started) ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    Success(Option<Vec<u8>>),
    Failure(String),
    /// Still waiting for a yield to be resumed or to time out.
    Waiting,
}

impl Status {
    /// The failure message, or a test failure if it did not fail.
    pub fn failure(&self) -> &str {
        match self {
            Status::Failure(m) => m,
            other => panic!("expected a failure, got {other:?}"),
        }
    }

    /// The returned bytes, or a test failure if it did not succeed.
    pub fn value(&self) -> Option<&[u8]> {
        match self {
            Status::Success(v) => v.as_deref(),
            other => panic!("expected success, got {other:?}"),
        }
    }

    pub fn is_success(&self) -> bool {
        matches!(self, Status::Success(_))
    }
}

/// What a transaction did, as far as the scenarios look at it.
#[derive(Clone, Debug)]
pub struct Tx {
    pub status: Status,
    /// Logs of every receipt of the transaction that has run so far.
    pub logs: Vec<String>,
    /// yoctoNEAR the contract sent out in this transaction's receipts, by receiver.
    pub transfers: Vec<(String, u128)>,
    /// Gas burnt by the contract's own function call (the first receipt).
    pub gas_burnt: u64,
    /// Opaque handle for `Backend::settle`.
    pub handle: usize,
}

impl Tx {
    pub fn refunded_to(&self, account: &str) -> u128 {
        self.transfers.iter().filter(|(to, _)| to == account).map(|(_, a)| a).sum()
    }

    /// The events (NEP-297 logs) with the given name, parsed.
    pub fn events(&self, name: &str) -> Vec<serde_json::Value> {
        self.logs
            .iter()
            .filter_map(|l| l.strip_prefix("EVENT_JSON:"))
            .map(|e| serde_json::from_str::<serde_json::Value>(e).expect("event is JSON"))
            .filter(|e| e["event"] == name)
            .collect()
    }
}

pub trait Backend {
    /// The contract account (deployed, not yet initialized).
    fn contract(&self) -> String;

    /// A transaction from `signer` calling the contract. Runs everything that
    /// does not wait on a yield.
    fn call(&mut self, signer: &str, method: &str, args: &[u8], deposit: u128, gas: u64) -> Tx;

    /// A view call (JSON-RPC `call_function`).
    fn view(&mut self, method: &str, args: &[u8]) -> Result<Vec<u8>, String>;

    /// The transaction again, with everything that has run since: after a
    /// resolve or a timeout, a request's final status, logs and refunds.
    fn settle(&mut self, tx: &Tx) -> Tx;

    /// Lets `n` blocks pass (yields older than the timeout time out).
    fn skip_blocks(&mut self, n: u64);

    /// Lets at least `seconds` of block time pass.
    fn skip_time(&mut self, seconds: u64);

    /// The protocol's yield timeout, in blocks.
    fn yield_timeout_blocks(&self) -> u64;
}
