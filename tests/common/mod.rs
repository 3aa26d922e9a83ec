pub mod backend;
#[cfg(feature = "sandbox")]
pub mod sandbox;
pub mod scenarios;
pub mod seed;
pub mod vm;
pub mod vm_backend;
