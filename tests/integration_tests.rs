//! Full-flow scenarios on the optimized wasm, run by nearcore's own VM
//! (`common::vm`), and, with `--features sandbox` and `NEAR_SANDBOX_BIN_PATH`,
//! on a real neard sandbox. `cargo test --test integration_tests` runs them.

mod common;

use common::scenarios;
use common::vm_backend::VmBackend;
use common::backend::NEAR;

fn vm() -> VmBackend {
    VmBackend::new(10 * NEAR)
}

#[test]
fn seed_commands_work_unchanged() {
    scenarios::seed_commands(&mut vm());
}
