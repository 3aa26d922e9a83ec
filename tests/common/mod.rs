pub mod backend;
pub mod scenarios;
pub mod vm;
pub mod vm_backend;
