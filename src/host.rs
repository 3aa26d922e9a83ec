//! The one safe layer over the NEAR host functions (`near-sys`): every `unsafe`
//! block of the contract lives in this file, next to the allocator.
//!
//! Registers: each purpose has its own fixed register so that a value read into
//! one is never clobbered by a later call that uses another.

use near_sys as sys;

const REG_INPUT: u64 = 0;
const REG_ACCOUNT: u64 = 1;
const REG_STORAGE: u64 = 2;
const REG_DATA_ID: u64 = 3;
const REG_PROMISE: u64 = 4;

/// A host length argument of `u64::MAX` tells the host to read from the register
/// named by the pointer argument instead of from wasm memory; that skips a copy
/// through the guest and is charged per byte at the (much cheaper) register rate.
const FROM_REGISTER: u64 = u64::MAX;

fn register_to_vec(register: u64) -> Buf {
    Buf::from_register(register)
}

/// Aborts the call with `msg`: NEAR reports it as "Smart contract panicked: msg".
/// Inlined: the host call alone is smaller than a forwarding function.
#[inline(always)]
pub fn panic_utf8(msg: &[u8]) -> ! {
    // SAFETY: pointer and length come from a live slice.
    unsafe { sys::panic_utf8(msg.len() as u64, msg.as_ptr() as u64) }
}

pub fn input() -> Buf {
    // SAFETY: plain host call writing a register.
    unsafe { sys::input(REG_INPUT) };
    register_to_vec(REG_INPUT)
}

#[inline(always)]
pub fn predecessor_account_id() -> Buf {
    // SAFETY: plain host call writing a register.
    unsafe { sys::predecessor_account_id(REG_ACCOUNT) };
    register_to_vec(REG_ACCOUNT)
}

pub fn current_account_id() -> Buf {
    // SAFETY: plain host call writing a register.
    unsafe { sys::current_account_id(REG_ACCOUNT) };
    register_to_vec(REG_ACCOUNT)
}

#[inline(always)]
pub fn attached_deposit() -> u128 {
    amount(false)
}

/// The contract account's balance, attached deposit included.
pub fn account_balance() -> u128 {
    amount(true)
}

/// The two amounts the host writes into guest memory (16 bytes, little-endian:
/// a wasm u128's own layout), straight into the result. Inlined: a body of
/// its own, shared by the two, cost more than the host call in place (measured).
#[inline(always)]
fn amount(balance: bool) -> u128 {
    let mut v = core::mem::MaybeUninit::<u128>::uninit();
    let at = v.as_mut_ptr() as u64;
    // SAFETY: the host writes all 16 bytes at `at`, so `v` is initialised.
    unsafe {
        if balance {
            sys::account_balance(at)
        } else {
            sys::attached_deposit(at)
        }
        v.assume_init()
    }
}

/// Bytes the contract account stakes storage for (code and state included).
pub fn storage_usage() -> u64 {
    // SAFETY: plain host call.
    unsafe { sys::storage_usage() }
}

pub fn block_timestamp() -> u64 {
    // SAFETY: plain host call.
    unsafe { sys::block_timestamp() }
}

pub fn prepaid_gas() -> u64 {
    // SAFETY: plain host call.
    unsafe { sys::prepaid_gas() }
}

pub fn used_gas() -> u64 {
    // SAFETY: plain host call.
    unsafe { sys::used_gas() }
}

pub fn storage_read(key: &[u8]) -> Option<Buf> {
    // SAFETY: pointer and length come from a live slice.
    let found = unsafe { sys::storage_read(key.len() as u64, key.as_ptr() as u64, REG_STORAGE) };
    (found == 1).then(|| register_to_vec(REG_STORAGE))
}

pub fn storage_write(key: &[u8], value: &[u8]) {
    // SAFETY: pointers and lengths come from live slices.
    unsafe {
        sys::storage_write(
            key.len() as u64,
            key.as_ptr() as u64,
            value.len() as u64,
            value.as_ptr() as u64,
            REG_STORAGE,
        )
    };
}

/// Removes `key` and returns what it held: one host call instead of a read plus
/// a remove.
pub fn storage_remove(key: &[u8]) -> Option<Buf> {
    // SAFETY: pointer and length come from a live slice.
    let found = unsafe { sys::storage_remove(key.len() as u64, key.as_ptr() as u64, REG_STORAGE) };
    (found == 1).then(|| register_to_vec(REG_STORAGE))
}

/// Whether this call's predecessor account id is a key in the contract's
/// storage. The id goes from its register straight into the lookup, so it never
/// passes through wasm memory (no register read, no memory read of the key).
pub fn predecessor_is_a_key() -> bool {
    // SAFETY: plain host calls; FROM_REGISTER makes the host read the key from
    // the register the first call just wrote.
    unsafe {
        sys::predecessor_account_id(REG_ACCOUNT);
        sys::storage_has_key(FROM_REGISTER, REG_ACCOUNT) == 1
    }
}

#[inline(always)]
pub fn storage_has_key(key: &[u8]) -> bool {
    // SAFETY: pointer and length come from a live slice.
    unsafe { sys::storage_has_key(key.len() as u64, key.as_ptr() as u64) == 1 }
}

// The host wrappers a contract method calls once or twice are inlined: the
// host call in place is smaller than a forwarding function (measured each).
#[inline(always)]
pub fn log_utf8(msg: &[u8]) {
    // SAFETY: pointer and length come from a live slice.
    unsafe { sys::log_utf8(msg.len() as u64, msg.as_ptr() as u64) }
}

#[inline(always)]
pub fn value_return(value: &[u8]) {
    // SAFETY: pointer and length come from a live slice.
    unsafe { sys::value_return(value.len() as u64, value.as_ptr() as u64) }
}

/// Creates the yield whose callback is `method(args)`, writes into `data_id`
/// (when given) what `promise_yield_resume` needs later and returns the
/// promise index.
pub fn promise_yield_create(method: &[u8], args: &[u8], gas: u64, data_id: Option<&mut [u8; 32]>) -> u64 {
    // SAFETY: pointers and lengths come from live slices; the data id register
    // always holds exactly 32 bytes after a successful yield.
    unsafe {
        let index = sys::promise_yield_create(
            method.len() as u64,
            method.as_ptr() as u64,
            args.len() as u64,
            args.as_ptr() as u64,
            gas,
            // weight 1: whatever gas this call leaves unused also goes to the callback.
            1,
            REG_DATA_ID,
        );
        if let Some(d) = data_id {
            sys::read_register(REG_DATA_ID, d.as_mut_ptr() as u64);
        }
        index
    }
}

/// True while the yield's callback has not run: nearcore accepts a resume
/// then even when the yield was already resumed (only the first resume that
/// reaches it carries its payload; later ones are dropped). False once the
/// callback ran, after a resume or the timeout, or for an unknown data id.
pub fn promise_yield_resume(data_id: &[u8], payload: &[u8]) -> bool {
    // SAFETY: pointers and lengths come from live slices.
    unsafe {
        sys::promise_yield_resume(
            data_id.len() as u64,
            data_id.as_ptr() as u64,
            payload.len() as u64,
            payload.as_ptr() as u64,
        ) == 1
    }
}

/// The result a yield callback was given: `Some(Some(payload))` when resumed,
/// `Some(None)` when the yield timed out, `None` when this call is not a
/// callback with exactly one promise result at all.
pub fn yield_result() -> Option<Option<Buf>> {
    // SAFETY: plain host calls; index 0 is read only once the count says it exists.
    unsafe {
        if sys::promise_results_count() != 1 {
            return None;
        }
        Some((sys::promise_result(0, REG_PROMISE) == 1).then(|| register_to_vec(REG_PROMISE)))
    }
}

// Inlined like the wrappers above (measured).
#[inline(always)]
pub fn transfer(receiver: &[u8], amount: u128) {
    let amount = amount.to_le_bytes();
    // SAFETY: pointers and lengths come from live slices.
    unsafe {
        let p = sys::promise_batch_create(receiver.len() as u64, receiver.as_ptr() as u64);
        sys::promise_batch_action_transfer(p, amount.as_ptr() as u64);
    }
}

/// The attached deposit of `call_self_and_return`'s call, a u128 the host reads
/// from memory: a static, so no call builds it on the stack.
static NO_DEPOSIT: [u8; 16] = [0; 16];

/// Calls `method(args)` on this contract with `gas`, plus a share of this
/// call's unused gas by `weight`, and makes its outcome the outcome of the
/// current call. Non-empty `code` is deployed first, in the same batch (no wasm
/// is empty), so a failed call reverts the deploy too.
pub fn call_self_and_return(code: &[u8], method: &[u8], args: &[u8], gas: u64, weight: u64) {
    // SAFETY: the current account id goes straight from its register into the
    // host call (FROM_REGISTER); the rest are live slices.
    unsafe {
        sys::current_account_id(REG_ACCOUNT);
        let p = sys::promise_batch_create(FROM_REGISTER, REG_ACCOUNT);
        if !code.is_empty() {
            sys::promise_batch_action_deploy_contract(p, code.len() as u64, code.as_ptr() as u64);
        }
        sys::promise_batch_action_function_call_weight(
            p,
            method.len() as u64,
            method.as_ptr() as u64,
            args.len() as u64,
            args.as_ptr() as u64,
            NO_DEPOSIT.as_ptr() as u64,
            gas,
            weight,
        );
        sys::promise_return(p);
    }
}

pub fn promise_return(index: u64) {
    // SAFETY: plain host call.
    unsafe { sys::promise_return(index) }
}

/// Every call runs in a fresh wasm instance that is thrown away afterwards, so
/// memory is never freed: a bump pointer is the whole allocator. `Buf` is the
/// contract's only growable buffer; doing without the `alloc` crate keeps its
/// allocation-failure handler (and the `core::fmt` it pulls in) out of the wasm.
mod bump {
    use core::cell::Cell;

    struct Heap(Cell<usize>);

    // SAFETY: wasm contracts are single-threaded.
    unsafe impl Sync for Heap {}

    static NEXT: Heap = Heap(Cell::new(0));

    extern "C" {
        static __heap_base: u8;
    }

    const PAGE: usize = 65536;

    /// `size` fresh bytes (byte-aligned: `Buf` only stores bytes); the call
    /// refuses when memory cannot grow.
    pub fn alloc(size: usize) -> core::ptr::NonNull<u8> {
        let mut start = NEXT.0.get();
        if start == 0 {
            // SAFETY: only the address of the linker-provided symbol is taken.
            start = unsafe { &__heap_base as *const u8 as usize };
        }
        let end = start.saturating_add(size);
        let have = core::arch::wasm32::memory_size(0) * PAGE;
        if end > have && core::arch::wasm32::memory_grow(0, (end - have).div_ceil(PAGE)) == usize::MAX {
            super::panic_utf8(b"out of memory");
        }
        NEXT.0.set(end);
        // SAFETY: `start` is at or above `__heap_base`, which is never address 0.
        unsafe { core::ptr::NonNull::new_unchecked(start as *mut u8) }
    }
}

pub struct Buf {
    /// Never null, so `Option<Buf>` needs no tag of its own.
    ptr: core::ptr::NonNull<u8>,
    len: usize,
    cap: usize,
}

impl Buf {
    /// Empty, with a dangling (never null) pointer: then `deref` needs no null
    /// check, which would cost a `select` wherever a buffer is read.
    pub const fn new() -> Self {
        Buf { ptr: core::ptr::NonNull::dangling(), len: 0, cap: 0 }
    }

    #[inline(never)]
    pub fn with_capacity(cap: usize) -> Self {
        Buf { ptr: bump::alloc(cap), len: 0, cap }
    }

    #[inline(never)]
    fn reserve(&mut self, more: usize) {
        let need = self.len + more;
        if need > self.cap {
            let cap = need.max(self.cap * 2).max(64);
            let ptr = bump::alloc(cap);
            // SAFETY: both regions are live allocations of at least `len` bytes
            // and the new one is fresh, so they do not overlap.
            unsafe { core::ptr::copy_nonoverlapping(self.ptr.as_ptr(), ptr.as_ptr(), self.len) };
            self.ptr = ptr;
            self.cap = cap;
        }
    }

    #[inline]
    pub fn push(&mut self, b: u8) {
        if self.len == self.cap {
            self.reserve(1);
        }
        // SAFETY: there is room for one more byte (checked or just made).
        unsafe { *self.ptr.as_ptr().add(self.len) = b };
        self.len += 1;
    }

    #[inline(never)]
    pub fn extend_from_slice(&mut self, s: &[u8]) {
        self.reserve(s.len());
        // SAFETY: `reserve` made room; `s` cannot alias fresh bump memory.
        unsafe { core::ptr::copy_nonoverlapping(s.as_ptr(), self.ptr.as_ptr().add(self.len), s.len()) };
        self.len += s.len();
    }

    /// A buffer holding a register's contents, read straight into place.
    fn from_register(register: u64) -> Self {
        // SAFETY: the buffer is sized from `register_len` before the host writes it.
        unsafe {
            let len = sys::register_len(register) as usize;
            let mut buf = Buf::with_capacity(len);
            sys::read_register(register, buf.ptr.as_ptr() as u64);
            buf.len = len;
            buf
        }
    }
}

impl Default for Buf {
    fn default() -> Self {
        Buf::new()
    }
}

impl core::ops::Deref for Buf {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        // SAFETY: `ptr` is never null: dangling (and `len` 0) for a new buffer,
        // else it points at `len` initialised bytes that live as long as the
        // instance (bump memory is never reused).
        unsafe { core::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }
}

impl core::ops::DerefMut for Buf {
    fn deref_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `deref`; `&mut self` makes the access unique.
        unsafe { core::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }
}

impl From<&[u8]> for Buf {
    /// Exactly `s`, copied straight into a fresh allocation of its size.
    #[inline(never)]
    fn from(s: &[u8]) -> Self {
        let ptr = bump::alloc(s.len());
        // SAFETY: the allocation is fresh and `s.len()` bytes long, so it
        // cannot overlap `s`.
        unsafe { core::ptr::copy_nonoverlapping(s.as_ptr(), ptr.as_ptr(), s.len()) };
        Buf { ptr, len: s.len(), cap: s.len() }
    }
}

impl Clone for Buf {
    fn clone(&self) -> Self {
        Buf::from(&self[..])
    }
}

impl PartialEq for Buf {
    fn eq(&self, other: &Self) -> bool {
        self[..] == other[..]
    }
}

impl Eq for Buf {}

impl core::fmt::Debug for Buf {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self[..].fmt(f)
    }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    panic_utf8(b"internal error")
}
