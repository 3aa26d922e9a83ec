pub mod backend;
pub mod scenarios;
pub mod seed;
pub mod vm;
pub mod vm_backend;
