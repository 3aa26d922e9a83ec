//! The contract's methods: each reads its input through `host`, calls the pure
//! logic in the other modules and writes the result. Only compiled for wasm.

use crate::args::{self, Role};
use crate::budget::{self, FAIL_GAS, MIGRATE_GAS, RETURN_OUTPUT_GAS};
use crate::error::*;
use crate::events::{self, Settled};
use crate::host;
use crate::json::Writer;
use crate::limits::{self, MIGRATE_SCAN};
use crate::names;
use crate::payload;
use crate::pricing;
use crate::state::{self, Accounts, Config, Request, CONFIG_KEY};
use crate::types::{Format, Output, Response, Usage};
use crate::Bytes;

const CALLBACK: &[u8] = b"on_execution_response";
const MIGRATE: &[u8] = crate::within!(ERR_CONFIG_UNREADABLE, b"migrate");

fn load_config() -> Config {
    let Some(raw) = host::storage_read(CONFIG_KEY) else {
        refuse(ERR_NOT_INITIALIZED);
    };
    Config::parse(raw).unwrap_or_else(|| refuse(ERR_CONFIG_UNREADABLE))
}

fn save_config(c: &Config) {
    host::storage_write(CONFIG_KEY, &c.encode());
}

/// A raw contract has no automatic payable check: every non-payable method
/// rejects deposits itself.
fn no_deposit() {
    deposit_at_most(0, ERR_NO_DEPOSIT);
}

/// Admin calls take no deposit, or exactly 1 yoctoNEAR for owners who want the
/// full-access-key guarantee.
fn admin_deposit() {
    deposit_at_most(1, ERR_ADMIN_DEPOSIT);
}

// `max` a u32: the same wasm signature as other functions, one type fewer.
#[inline(never)]
fn deposit_at_most(max: u32, msg: &[u8]) {
    if host::attached_deposit() > max as u128 {
        refuse(msg);
    }
}

fn owner_config() -> Config {
    admin_deposit();
    let c = load_config();
    if !caller_is(c.accounts().owner) {
        refuse(ERR_OWNER_ONLY);
    }
    c
}

/// The operator is the one account whose id is a storage key (the operator
/// mark), so this reads no config.
fn only_operator() {
    no_deposit();
    if !host::predecessor_is_a_key() {
        // Off the hot path: a state that predates the mark says so (migrate).
        load_config();
        refuse(ERR_OPERATOR_ONLY);
    }
}

/// Refuses with `msg` unless the contract account itself is calling.
fn only_self(msg: &[u8]) {
    if !caller_is(&host::current_account_id()) {
        refuse(msg);
    }
}

/// Whether this call's predecessor is `account`. Compared as slices by value:
/// `a != b` on references goes through two more functions in the wasm.
fn caller_is(account: &[u8]) -> bool {
    *host::predecessor_account_id() == *account
}

fn private() {
    only_self(ERR_PRIVATE);
}

pub fn new() {
    no_deposit();
    only_self(ERR_INIT_BY_SELF);
    if host::storage_has_key(CONFIG_KEY) {
        refuse(ERR_ALREADY_INITIALIZED);
    }
    let (owner, operator) = args::new(&host::input());
    let operator = operator.as_deref().unwrap_or(&owner);
    save_config(&Config::new(&owner, operator));
    host::storage_write(operator, state::OPERATOR_MARK);
}

/// A request's record and the least deposit it needs: the estimate at the
/// current prices plus the storage staking of the record. `request_execution`
/// and `estimate_required_deposit` share it, so the estimate is exact.
fn new_request(cfg: &Config, a: &args::RequestArgs, sender: &[u8], deposit: u128) -> (Bytes, u128) {
    let pricing = cfg.pricing();
    let estimate = pricing.estimate(&a.limits).unwrap_or_else(|| refuse(ERR_COST_OVERFLOW));
    let record = a.record(cfg.next_request_id(), deposit, host::block_timestamp(), pricing, sender).encode();
    let required = budget::request_deposit(estimate, record.len()).unwrap_or_else(|| refuse(ERR_DEPOSIT_OVERFLOW));
    (record, required)
}

pub fn request_execution() {
    let deposit = host::attached_deposit();
    let mut cfg = load_config();
    if cfg.paused() {
        refuse(ERR_PAUSED);
    }
    let input = host::input();
    let a = args::request_execution(&input);
    let sender = host::predecessor_account_id();
    let id = cfg.next_request_id();
    let (mut record, required) = new_request(&cfg, &a, &sender, deposit);
    if deposit < required {
        refuse_amount(ERR_DEPOSIT_TOO_SMALL, required);
    }
    // Fail before any write or yield when the callback could not be paid for.
    let callback_gas = budget::callback_gas(a.payer.as_deref().unwrap_or(&sender));
    let needed = budget::request_gas_needed(host::used_gas(), callback_gas, record.len());
    if host::prepaid_gas() < needed {
        refuse_amount(ERR_GAS_TOO_LOW, budget::tgas_rounded_up(needed));
    }
    let promise = host::promise_yield_create(
        CALLBACK,
        &payload::callback_args(id),
        callback_gas,
        state::data_id_mut(&mut record),
    );
    host::storage_write(&state::request_key(id), &record);
    if !cfg.advance_request_id() {
        refuse(ERR_IDS_EXHAUSTED);
    }
    cfg.add_pending(deposit);
    save_config(&cfg);
    host::log_utf8(&events::execution_requested(&pending(&record)));
    host::promise_return(promise);
}

/// `estimate_required_deposit`: request_execution's own arguments (plus an
/// optional `sender_id`; without it, the longest account id is assumed, which
/// covers every sender) → the least deposit that call accepts.
pub fn estimate_required_deposit() {
    no_deposit();
    let input = host::input();
    let a = args::estimate_required_deposit(&input);
    // Built at run time: a 64-byte constant would sit in the data section.
    let longest = [b'a'; 64];
    let sender = a.sender_hint.as_deref().unwrap_or(&longest);
    let (_, required) = new_request(&load_config(), &a, sender, 0);
    return_u128(required);
}

/// `{"request_id": n}`, the whole input of the per-request methods.
fn request_id_arg() -> u64 {
    args::request_id(&host::input())
}

/// The same for the methods that also refuse a deposit (checked first).
#[inline(always)]
fn request_id_no_deposit() -> u64 {
    no_deposit();
    request_id_arg()
}

fn pending(stored: &[u8]) -> Request<'_> {
    Request::decode(stored).unwrap_or_else(|| refuse(ERR_CORRUPT_REQUEST))
}

fn read_pending(id: u64) -> Bytes {
    host::storage_read(&state::request_key(id)).unwrap_or_else(|| refuse(ERR_NO_PENDING_REQUEST))
}

pub fn resolve_execution() {
    operator_entry(args::Operator::Resolve);
}

pub fn submit_execution_output() {
    operator_entry(args::Operator::Submit);
}

/// The 2-call flow in one transaction: stores the output as
/// `submit_execution_output` does, then resumes the yield as
/// `resolve_execution` does with `"output": null`. Either both happen or
/// neither (a failed resume reverts the stored output).
pub fn submit_execution_output_and_resolve() {
    operator_entry(args::Operator::SubmitAndResolve);
}

fn operator_entry(call: args::Operator) {
    only_operator();
    let input = host::input();
    // Used in place: destructuring would move the response out, a copy.
    let a = args::operator(&input, call);
    operator_call(a.0, a.1.as_ref(), a.2.as_ref());
}

/// The operator's calls on pending request `id`: stores a large output (`out`),
/// once, backed by the request's payment, and/or resumes the request's yield
/// with a response (`then`).
fn operator_call(id: u64, out: Option<&Output>, then: Option<&Response>) {
    let mut stored = read_pending(id);
    let req = pending(&stored);
    if req.has_output() {
        if out.is_some() {
            refuse(ERR_OUTPUT_STORED);
        }
        if then.is_some_and(|r| r.output.is_some()) {
            refuse(ERR_OUTPUT_STORED_RESOLVE_NULL);
        }
    }
    if let Some(out) = out {
        let value = state::encode_output(out.kind(), out.body());
        let cost = budget::output_storage_cost(stored.len(), value.len());
        if cost > req.payment() {
            refuse_amount(ERR_OUTPUT_OVER_PAYMENT, cost);
        }
        state::set_has_output(&mut stored);
        host::storage_write(&state::request_key(id), &stored);
        host::storage_write(&state::output_key(id), &value);
    }
    if let Some(resp) = then {
        if !host::promise_yield_resume(state::data_id(&stored), &payload::encode(id, resp)) {
            refuse(ERR_YIELD_NOT_WAITING);
        }
    }
}

/// The yield's callback: runs once per request, on resume or on timeout. It must
/// never panic (that would revert the refund), so every failure is reported
/// through a separate `fail_execution` receipt after the clean-up commits.
pub fn on_execution_response() {
    private();
    let id = payload::callback_id(&host::input());
    // The contract account calling this directly is not a yield ending: refuse
    // rather than end someone's request as if it had timed out.
    let Some(result) = host::yield_result() else {
        refuse(ERR_NOT_A_YIELD_CALLBACK);
    };
    let key = state::request_key(id);
    // Matched by reference: moving the decoded payload out would copy it.
    let mut decoded = None;
    // Every failure is reported from one call, after the clean-up (measured
    // smaller than a call at each).
    let failure = 'failed: {
        let Some(stored) = host::storage_remove(&key) else {
            // Cancelled while pending: the refund was made then.
            break 'failed ERR_REQUEST_CANCELLED;
        };
        let decoded_req = Request::decode(&stored);
        let Some(req) = &decoded_req else {
            // Put it back: the payment stays with its record, for a fixed contract
            // (an upgrade) to settle, rather than vanishing with it.
            host::storage_write(&key, &stored);
            break 'failed ERR_CORRUPT_REQUEST_KEPT;
        };
        let saved_output = if req.has_output() { host::storage_remove(&state::output_key(id)) } else { None };
        // Every ending goes through one `complete`. A request that produced no
        // output has an `error` (reported after the clean-up commits) and is charged
        // `Some(fee)` when it ran and failed (it counts as an execution), `None`
        // when nothing ran (timeout, malformed result): a full refund.
        let (charged, usage, error) = 'ended: {
            let Some(payload) = &result else {
                break 'ended (None, &Usage::ZERO, Some(ERR_TIMED_OUT));
            };
            decoded = payload::decode(payload);
            let p = match &decoded {
                Some(p) if p.id == id => p,
                _ => break 'ended (None, &Usage::ZERO, Some(ERR_MALFORMED_RESULT)),
            };
            let prices = req.pricing();
            if !p.success {
                // resolve_execution only sends UTF-8; anything else would make log_utf8 fail the callback.
                let error = p.error.filter(|e| crate::json::valid_utf8(e)).unwrap_or(b"execution failed");
                break 'ended (Some(prices.base_fee), &p.usage, Some(error));
            }
            // Not capped at the payment here: `settle` caps every charge,
            // the base fee above too.
            let cost =
                pricing::charge(&prices, &req.limits(), p.usage.instructions, p.usage.time_ms, p.usage.memory_mb);
            (Some(cost), &p.usage, None)
        };
        complete(req, charged, usage, error);
        if let Some(error) = error {
            break 'failed error;
        }
        if let Some((kind, body)) = decoded.as_ref().and_then(|p| p.output) {
            // Inline outputs are small (under NEAR's 1 KiB yield payload): returning
            // them here costs ~46 Ggas for each receipt waiting on the result.
            host::value_return(&return_value(kind, body));
        } else if let Some(saved) = saved_output {
            // A stored output is returned by a receipt of its own: its per-byte cost
            // for every waiting receipt can then never undo the refund and clean-up
            // committed here, however many receipts a contract caller chains.
            host::call_self_and_return(b"", b"return_output", &saved, RETURN_OUTPUT_GAS, 1);
        }
        return;
    };
    report_failure(failure);
}

/// Returns a stored output (kind byte, then its body) as the callback would.
pub fn return_output() {
    private();
    let input = host::input();
    let Some((kind, body)) = state::decode_output(&input) else {
        refuse(ERR_CORRUPT_OUTPUT);
    };
    host::value_return(&return_value(kind, body));
}

/// Ends a request's accounting: refunds what was not charged to the payer (or
/// the sender), books the charge (`Some(fee)`: an execution that ran, counted
/// as one) and takes the payment off what the contract owes.
fn settle(req: &Request, charged: Option<u128>) -> Settled {
    let payment = req.payment();
    let (kept, refunded) = budget::split_payment(payment, charged);
    if refunded > 0 {
        host::transfer(req.refund_to(), refunded);
    }
    let mut cfg = load_config();
    if charged.is_some() {
        cfg.add_execution(kept);
    }
    cfg.end_pending(req.id(), payment);
    save_config(&cfg);
    Settled { charged: kept, refunded }
}

/// Settles a request that ends (see `settle`) and logs its `execution_completed`.
fn complete(req: &Request, charged: Option<u128>, usage: &Usage, error: Option<&[u8]>) {
    let money = settle(req, charged);
    host::log_utf8(&events::execution_completed(req, usage, error, money, host::block_timestamp()));
}

/// Makes the caller's final result a failure carrying `msg`, in a receipt of its
/// own so the refund and clean-up of this one stay committed.
fn report_failure(msg: &[u8]) {
    host::call_self_and_return(b"", b"fail_execution", events::truncate_utf8(msg, 1024), FAIL_GAS, 0);
}

/// Text as a JSON string, Json as the value itself, Bytes as a base64 string.
fn return_value(kind: Format, body: &[u8]) -> Bytes {
    // Through the writer's calls: measured 10 bytes smaller than the buffer's own.
    let mut v = Writer(Bytes::with_capacity(body.len() * 4 / 3 + 4));
    if kind == Format::Json {
        v.raw(body);
        return v.0;
    }
    v.byte(b'"');
    if kind == Format::Text {
        v.raw(body);
    } else {
        crate::encoding::base64_into(&mut v.0, body);
    }
    v.byte(b'"');
    v.0
}

pub fn fail_execution() {
    private();
    let mut msg = Writer::new();
    msg.raw(b"Execution failed: ").raw(&host::input());
    crate::error::refuse_plain(&msg.0);
}

/// Ends a pending request with a full refund to its payer (or sender).
fn cancel(id: u64, req: &Request, why: &[u8]) {
    host::storage_remove(&state::request_key(id));
    if req.has_output() {
        host::storage_remove(&state::output_key(id));
    }
    complete(req, None, &Usage::ZERO, Some(why));
}

pub fn cancel_stale_execution() {
    let id = request_id_no_deposit();
    let stored = read_pending(id);
    let req = pending(&stored);
    if !caller_is(req.sender) {
        refuse(ERR_SENDER_ONLY);
    }
    if !limits::is_stale(req.timestamp(), host::block_timestamp()) {
        refuse(ERR_NOT_STALE);
    }
    cancel(id, &req, b"cancelled by the sender");
}

pub fn emergency_cancel_execution() {
    owner_config();
    let id = request_id_arg();
    let stored = read_pending(id);
    cancel(id, &pending(&stored), OWNER_CANCEL);
}

const OWNER_CANCEL: &[u8] = b"cancelled by the owner";

/// Ends pending request `id` as the owner, if it is pending: 1 if it was, else 0. A
/// record that fails to decode is skipped (kept with its payment for a fixed
/// contract to settle), so it can never block a bulk end. A u64, a count to add
/// up with the wasm signature of other functions.
fn owner_cancel(id: u64) -> u64 {
    let Some(stored) = host::storage_read(&state::request_key(id)) else {
        return 0;
    };
    // Matched by reference: moving the request out would copy it.
    let decoded = Request::decode(&stored);
    let Some(req) = &decoded else {
        return 0;
    };
    cancel(id, req, OWNER_CANCEL);
    1
}

/// Inlined into its callers (measured -9 bytes).
#[inline(always)]
fn return_u64(n: u64) {
    let mut w = Writer::new();
    w.u64(n);
    view(&w);
}

/// An amount as a view's JSON result: a decimal string.
fn return_u128(v: u128) {
    let mut w = Writer::new();
    w.u128_str(v);
    view(&w);
}

fn return_bool(v: bool) {
    host::value_return(if v { names::TRUE } else { names::FALSE });
}

/// `cancel_pending_requests {"request_ids": [..]}` (owner): full refunds;
/// unknown and ended ids are skipped. Returns how many it ended.
pub fn cancel_pending_requests() {
    owner_config();
    let ids = args::request_ids(&host::input());
    let mut n = 0;
    for id in args::ids(&ids) {
        n += owner_cancel(id);
    }
    return_u64(n);
}

/// `clear_all_pending_requests {"limit"?}` (owner): ends the oldest pending
/// requests, at most `limit` (default and cap 10), with full refunds; it
/// examines at most `MAX_CLEAR_PROBES` ids from the lowest pending one.
pub fn clear_all_pending_requests() {
    // The window is fixed before any cancel: each one settles through the
    // config, which is why it is read again at the end.
    let (mut id, stop) = owner_config().clear_window();
    let (_, limit) = args::from_and_limit(&host::input(), false);
    let mut n = 0;
    while id < stop && n < limit {
        n += owner_cancel(id);
        id += 1;
    }
    // Every id below `id` is now known not to be pending.
    let mut cfg = load_config();
    cfg.raise_low(id);
    save_config(&cfg);
    return_u64(n);
}

/// The contract's own records (config, keystore key) are staked from what it
/// owes no one, never from pending payments: those must stay refundable in full
/// (a refund that left storage unstaked would fail, and revert its clean-up).
/// Inlined into its two callers (measured -22 bytes).
#[inline(always)]
fn stake_own_growth(c: &Config) {
    balance_sheet(c, true);
}

/// set_owner, set_operator and set_keystore_account: one account field each.
/// The role is a plain value, not a setter function: a function pointer would
/// put an indirect-call table and a shim per setter in the wasm.
fn set_account(role: Role) {
    let mut c = owner_config();
    let new = args::account_field(&host::input(), role);
    // Moved out to borrow the old accounts from while `c` changes.
    let before = c.take_accounts();
    let mut a = Accounts::decode(&before);
    let old_operator = a.operator;
    match (role, new.as_deref()) {
        (Role::Keystore, v) => a.keystore = v,
        (Role::Owner, Some(v)) => a.owner = v,
        (Role::Operator, Some(v)) => a.operator = v,
        // A required account is always given: the reader refuses null for it.
        _ => {}
    }
    if !(*a.operator == *old_operator) {
        host::storage_remove(old_operator);
        host::storage_write(a.operator, state::OPERATOR_MARK);
    }
    c.set_accounts(&a);
    save_config(&c);
    stake_own_growth(&c);
}

pub fn set_operator() {
    set_account(Role::Operator);
}

pub fn set_owner() {
    set_account(Role::Owner);
}

pub fn set_keystore_account() {
    set_account(Role::Keystore);
}

pub fn set_paused() {
    let mut c = owner_config();
    c.set_paused(args::paused(&host::input()));
    save_config(&c);
}

pub fn set_pricing() {
    let mut c = owner_config();
    let p = c.pricing_mut();
    args::set_pricing(&host::input(), p);
    // With this bound no request can ever overflow its estimate.
    if p.estimate(&crate::limits::Limits::CAP).is_none() {
        refuse(ERR_PRICING_OVERFLOW);
    }
    save_config(&c);
}

pub fn set_keystore_pubkey() {
    admin_deposit();
    let c = load_config();
    let a = c.accounts();
    if !(caller_is(a.owner) || a.keystore.is_some_and(caller_is)) {
        refuse(ERR_PUBKEY_SETTER_ONLY);
    }
    host::storage_write(state::PUBKEY_KEY, &args::pubkey(&host::input()));
    stake_own_growth(&c);
}

// ---- views: one storage read at most, JSON out. They refuse deposits too:
// called as a transaction, a view would otherwise keep what was attached.

fn view(w: &Writer) {
    host::value_return(&w.0);
}

pub fn get_request() {
    let id = request_id_no_deposit();
    let mut w = Writer::new();
    match host::storage_read(&state::request_key(id)) {
        Some(stored) => events::request_json(&mut w, &pending(&stored)),
        None => {
            w.raw(names::NULL);
        }
    }
    view(&w);
}

pub fn get_stats() {
    no_deposit();
    let (executions, fees) = load_config().stats();
    let mut w = Writer::new();
    w.byte(b'{').key(b"total_executions").u64(executions);
    w.key(b"total_fees_collected").u128_str(fees).byte(b'}');
    view(&w);
}

pub fn get_pricing() {
    no_deposit();
    let c = load_config();
    let p = c.pricing();
    amounts_view(
        &[names::BASE_FEE, names::PER_INSTRUCTION_FEE, names::PER_MB_FEE, names::PER_SECOND_FEE],
        &[p.base_fee, p.per_instruction_fee, p.per_mb_fee, p.per_second_fee],
    );
}

/// `{"<name>": "<amount>", ...}`: the views whose fields are all amounts.
fn amounts_view(names: &[&[u8]], amounts: &[u128]) {
    let mut w = Writer::new();
    w.byte(b'{');
    for (name, v) in names.iter().zip(amounts) {
        w.key(name).u128_str(*v);
    }
    w.byte(b'}');
    view(&w);
}

pub fn get_config() {
    no_deposit();
    let c = load_config();
    let a = c.accounts();
    let mut w = Writer::new();
    w.byte(b'{').key(names::OWNER_ID).str(a.owner);
    w.key(names::OPERATOR_ID).str(a.operator);
    w.key(names::PAUSED).bool(c.paused());
    str_or_null(w.key(names::KEYSTORE_ACCOUNT_ID), a.keystore).byte(b'}');
    view(&w);
}

pub fn get_keystore_pubkey() {
    no_deposit();
    let mut w = Writer::new();
    str_or_null(&mut w, host::storage_read(state::PUBKEY_KEY).as_deref());
    view(&w);
}

fn str_or_null<'w>(w: &'w mut Writer, s: Option<&[u8]>) -> &'w mut Writer {
    match s {
        Some(s) => w.str(s),
        None => w.raw(names::NULL),
    }
}

pub fn estimate_execution_cost() {
    no_deposit();
    let limits = args::estimate(&host::input());
    let cost = load_config().pricing().estimate(&limits).unwrap_or_else(|| refuse(ERR_COST_OVERFLOW));
    return_u128(cost);
}

/// `get_pending_requests {"from_id"?, "limit"?}`: the pending requests in
/// ascending id order, from `from_id` (default: the oldest pending), at most
/// `limit` (default and cap 100). The walk starts at the config's `low`, so
/// ended requests below it cost nothing.
pub fn get_pending_requests() {
    no_deposit();
    let (from, limit) = args::from_and_limit(&host::input(), true);
    let cfg = load_config();
    let mut id = cfg.page_start(from);
    let end = cfg.next_request_id();
    let mut w = Writer::new();
    w.byte(b'[');
    let mut n = 0;
    while id < end && n < limit {
        // A record that fails to decode is left out (get_request reports it).
        if let Some(stored) = host::storage_read(&state::request_key(id)) {
            if let Some(req) = Request::decode(&stored) {
                if n > 0 {
                    w.byte(b',');
                }
                events::request_json(&mut w, &req);
                n += 1;
            }
        }
        id += 1;
    }
    w.byte(b']');
    view(&w);
}

/// The treasury, in `SHEET_NAMES` order; `must_cover`: refuses when the balance
/// falls short of what it must keep (a flag, not a returned shortfall: measured
/// smaller).
fn balance_sheet(cfg: &Config, must_cover: bool) -> [u128; 6] {
    let (balance, pending) = (host::account_balance(), cfg.pending().payments);
    let locked = pricing::storage_cost(host::storage_usage());
    let free = budget::free_balance(balance, pending, locked);
    if let (true, Err(missing)) = (must_cover, free) {
        refuse_amount(ERR_NO_FREE_BALANCE, missing);
    }
    [balance, pending, locked, free.unwrap_or(0), cfg.stats().1, cfg.total_withdrawn()]
}

const SHEET_NAMES: [&[u8]; 6] = [
    crate::within!(ERR_NO_FREE_BALANCE.0, b"balance"),
    b"pending_payments",
    b"storage_locked",
    crate::within!(ERR_OVER_WITHDRAWABLE.0, b"withdrawable"),
    b"total_fees_collected",
    b"total_withdrawn",
];

pub fn get_balance_sheet() {
    no_deposit();
    amounts_view(&SHEET_NAMES, &balance_sheet(&load_config(), false));
}

/// `withdraw_fees {"amount"?, "receiver_id"?}` (owner): sends `amount` (default:
/// everything withdrawable) to `receiver_id` (default: the owner). Returns the
/// amount sent.
pub fn withdraw_fees() {
    let mut cfg = owner_config();
    let (amount, receiver) = args::withdraw_fees(&host::input());
    let [_, _, _, withdrawable, _, _] = balance_sheet(&cfg, false);
    let amount = amount.unwrap_or(withdrawable);
    if amount == 0 {
        refuse(ERR_NOTHING_TO_WITHDRAW);
    }
    if amount > withdrawable {
        refuse_amount(ERR_OVER_WITHDRAWABLE, withdrawable);
    }
    host::transfer(receiver.as_deref().unwrap_or(cfg.accounts().owner), amount);
    cfg.add_withdrawn(amount);
    save_config(&cfg);
    return_u128(amount);
}

pub fn get_storage_version() {
    no_deposit();
    let v = host::storage_read(CONFIG_KEY).and_then(|c| c.first().copied()).unwrap_or(0);
    return_u64(v as u64);
}

/// Brings the state to the current layout (only the contract itself; `upgrade`
/// calls it right after deploying). A no-op on current state. From versions 1
/// and 2 it writes the operator mark; from version 1 it also counts the pending
/// requests among the last `MIGRATE_SCAN` ids (see README, "Upgrades"). Request
/// records need no conversion (their layout version is in their flags byte).
pub fn migrate() {
    no_deposit();
    private();
    let Some(mut raw) = host::storage_read(CONFIG_KEY) else {
        refuse(ERR_NOT_INITIALIZED);
    };
    let version = raw.first().copied().unwrap_or(0);
    let cfg = match version {
        // Version 2 is version 3's record: only its version byte changes. One
        // parse for both.
        state::CONFIG_VERSION | state::CONFIG_V2 => {
            if let Some(v) = raw.first_mut() {
                *v = state::CONFIG_VERSION;
            }
            let cfg = Config::parse(raw);
            if version == state::CONFIG_VERSION {
                // Current already: only check that it reads, as every call would.
                cfg.unwrap_or_else(|| refuse(ERR_CONFIG_UNREADABLE));
                return;
            }
            cfg
        }
        state::CONFIG_V1 => {
            let mut cfg = Config::from_v1(&raw);
            let next = Config::v1_next_request_id(&raw);
            for id in (next.saturating_sub(MIGRATE_SCAN)..next).rev() {
                if let Some(stored) = host::storage_read(&state::request_key(id)) {
                    // Every record in the window is checked, whether or not
                    // the config reads: a corrupt request is refused first.
                    let payment = pending(&stored).payment();
                    if let Some(c) = &mut cfg {
                        c.count_down(id, payment);
                    }
                }
            }
            cfg
        }
        _ => refuse(ERR_UNKNOWN_CONFIG_LAYOUT),
    };
    save_with_operator_mark(&cfg.unwrap_or_else(|| refuse(ERR_CORRUPT_CONFIG)));
}

/// The last step of a migration from a layout without the operator mark.
fn save_with_operator_mark(cfg: &Config) {
    save_config(cfg);
    host::storage_write(cfg.accounts().operator, state::OPERATOR_MARK);
}

/// `upgrade` (owner): the new contract's wasm as the raw input; in one batch on
/// this account, deploys it and calls `migrate`, so the account needs no access
/// key. A failed migrate reverts the deploy too.
pub fn upgrade() {
    owner_config();
    let code = host::input();
    if !code.starts_with(b"\0asm") {
        refuse(ERR_NOT_WASM);
    }
    // All the gas this call leaves unused goes to migrate (weight 1).
    host::call_self_and_return(&code, MIGRATE, b"", MIGRATE_GAS, 1);
}

pub fn get_max_limits() {
    no_deposit();
    host::value_return(crate::limits::MAX_LIMITS_JSON);
}

pub fn is_paused() {
    no_deposit();
    return_bool(load_config().paused());
}

pub fn get_pending_output() {
    let id = request_id_no_deposit();
    let mut w = Writer::new();
    match host::storage_read(&state::output_key(id)).as_deref().and_then(state::decode_output) {
        Some((kind, body)) => {
            w.byte(b'{').key(kind.name());
            // Bytes as numbers here, where the callback sends base64.
            match kind {
                Format::Bytes => w.byte_array(body),
                _ => w.raw(&return_value(kind, body)),
            };
            w.byte(b'}');
        }
        None => {
            w.raw(names::NULL);
        }
    }
    view(&w);
}

pub fn has_pending_output() {
    let id = request_id_no_deposit();
    return_bool(host::storage_has_key(&state::output_key(id)));
}

/// NEP-330.
pub fn contract_source_metadata() {
    no_deposit();
    host::value_return(concat!(
        "{\"version\":\"", env!("CARGO_PKG_VERSION"),
        "\",\"link\":\"", env!("CARGO_PKG_REPOSITORY"),
        "\",\"standards\":[{\"standard\":\"nep330\",\"version\":\"1.2.0\"},{\"standard\":\"nep297\",\"version\":\"1.0.0\"}]}"
    ).as_bytes());
}
