//! The accounts of every test: testnet names, as in the seed README.
#![allow(dead_code)]

/// The contract account (the VM backend deploys under the same name).
pub const CONTRACT: &str = "offchainvm.testnet";
pub const OWNER: &str = "owner.testnet";
pub const OPERATOR: &str = "operator.testnet";
pub const USER: &str = "user.testnet";
pub const OTHER: &str = "other.testnet";
pub const KEYSTORE: &str = "keystore.testnet";
pub const NEW_OPERATOR: &str = "new-operator.testnet";
/// An implicit account (64 hex characters): a refund to it prepays an account creation.
pub const IMPLICIT: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
