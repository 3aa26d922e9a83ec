//! A raw test contract that calls OffchainVM as another contract would.
//!
//! * `call_request`: input `gas_request u64 LE, gas_callback u64 LE, deposit u128 LE,
//!   target_len u8, target, args`; calls `target.request_execution(args)` with that deposit
//!   and gas, then `.then(self.on_result())` with `gas_callback`.
//! * `on_result`: records the promise result under key `n` (a counter, u32 LE) as
//!   `1 ++ value` on success or `0` on failure (a promise failure carries no message), and
//!   returns the value.
//! * `forward`: input `target_len u8, target, method_len u8, method, args`; calls
//!   `target.method(args)` with all remaining gas and returns its result (a contract
//!   sender cancelling its own request, say).
#![no_std]

use near_sys as sys;

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

const REG: u64 = 0;
const FROM_REGISTER: u64 = u64::MAX;
const CAPACITY: usize = 1 << 18;

/// One buffer for a register's contents: a test contract needs no allocator.
struct Buf([u8; CAPACITY]);
static mut INPUT: Buf = Buf([0; CAPACITY]);

/// Reads register `REG` into the static buffer behind `prefix`; returns both.
fn read_register(prefix: &[u8]) -> &'static [u8] {
    // SAFETY: single-threaded wasm; each call reads the register once and the
    // slice is used before the next read. The length check keeps the copy in bounds.
    unsafe {
        let len = sys::register_len(REG) as usize;
        if len + prefix.len() > CAPACITY {
            fail(b"register larger than the test contract's buffer");
        }
        let buf = &mut *core::ptr::addr_of_mut!(INPUT);
        buf.0[..prefix.len()].copy_from_slice(prefix);
        sys::read_register(REG, buf.0[prefix.len()..].as_mut_ptr() as u64);
        &buf.0[..prefix.len() + len]
    }
}

fn fail(msg: &[u8]) -> ! {
    // SAFETY: a live slice; panic_utf8 does not return.
    unsafe { sys::panic_utf8(msg.len() as u64, msg.as_ptr() as u64) }
}

fn input() -> &'static [u8] {
    // SAFETY: plain host call writing a register.
    unsafe { sys::input(REG) };
    read_register(&[])
}

fn take<'a>(b: &mut &'a [u8], n: usize) -> &'a [u8] {
    if b.len() < n {
        fail(b"input too short");
    }
    let (head, rest) = b.split_at(n);
    *b = rest;
    head
}

fn take_u64(b: &mut &[u8]) -> u64 {
    let mut v = [0u8; 8];
    v.copy_from_slice(take(b, 8));
    u64::from_le_bytes(v)
}

fn take_short<'a>(b: &mut &'a [u8]) -> &'a [u8] {
    let n = take(b, 1)[0] as usize;
    take(b, n)
}

#[no_mangle]
pub extern "C" fn call_request() {
    let mut b = input();
    let gas_request = take_u64(&mut b);
    let gas_callback = take_u64(&mut b);
    let deposit = take(&mut b, 16);
    let target = take_short(&mut b);
    let args = b;
    let method = b"request_execution";
    let callback = b"on_result";
    let zero = 0u128.to_le_bytes();
    // SAFETY: pointers and lengths of live slices; the current account id goes
    // from its register straight into the host call.
    unsafe {
        let p = sys::promise_create(
            target.len() as u64,
            target.as_ptr() as u64,
            method.len() as u64,
            method.as_ptr() as u64,
            args.len() as u64,
            args.as_ptr() as u64,
            deposit.as_ptr() as u64,
            gas_request,
        );
        sys::current_account_id(REG);
        let then = sys::promise_then(
            p,
            FROM_REGISTER,
            REG,
            callback.len() as u64,
            callback.as_ptr() as u64,
            0,
            0,
            zero.as_ptr() as u64,
            gas_callback,
        );
        sys::promise_return(then);
    }
}

#[no_mangle]
pub extern "C" fn on_result() {
    // SAFETY: plain host calls; registers are read right after being written.
    let (status, count) = unsafe {
        if sys::promise_results_count() != 1 {
            fail(b"expected one promise result");
        }
        let status = sys::promise_result(0, REG);
        let count = if sys::storage_read(1, b"c".as_ptr() as u64, REG + 1) == 1 {
            let mut c = [0u8; 4];
            sys::read_register(REG + 1, c.as_mut_ptr() as u64);
            u32::from_le_bytes(c)
        } else {
            0
        };
        (status, count)
    };
    let mut key = [b'n', 0, 0, 0, 0];
    key[1..].copy_from_slice(&count.to_le_bytes());
    let next = (count + 1).to_le_bytes();
    // SAFETY: live slices; the value is written from the promise result's register.
    unsafe {
        sys::storage_write(1, b"c".as_ptr() as u64, 4, next.as_ptr() as u64, REG + 2);
        if status == 1 {
            let record = read_register(&[1]);
            sys::storage_write(5, key.as_ptr() as u64, record.len() as u64, record.as_ptr() as u64, REG + 2);
            sys::value_return((record.len() - 1) as u64, record[1..].as_ptr() as u64);
        } else {
            // Recorded, not re-raised: a panic here would revert the record.
            sys::storage_write(5, key.as_ptr() as u64, 1, [0u8].as_ptr() as u64, REG + 2);
        }
    }
}

#[no_mangle]
pub extern "C" fn forward() {
    let mut b = input();
    let target = take_short(&mut b);
    let method = take_short(&mut b);
    let args = b;
    let zero = 0u128.to_le_bytes();
    // SAFETY: pointers and lengths of live slices.
    unsafe {
        let p = sys::promise_batch_create(target.len() as u64, target.as_ptr() as u64);
        sys::promise_batch_action_function_call_weight(
            p,
            method.len() as u64,
            method.as_ptr() as u64,
            args.len() as u64,
            args.as_ptr() as u64,
            zero.as_ptr() as u64,
            0,
            1,
        );
        sys::promise_return(p);
    }
}
