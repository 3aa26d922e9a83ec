//! JSON field names used in more than one place (the argument tables, the
//! views, the events), each written once. Most sit inside a longer constant
//! (`get_max_limits`' JSON, a refusal text, a longer name) and are slices of
//! it (`within!`), so the data section holds their bytes once.

use crate::error::{ERR_OVER_WITHDRAWABLE, ERR_PAUSED};
use crate::limits::MAX_LIMITS_JSON;
use crate::within;

pub const MAX_INSTRUCTIONS: &[u8] = within!(MAX_LIMITS_JSON, b"max_instructions");
pub const MAX_MEMORY_MB: &[u8] = within!(MAX_LIMITS_JSON, b"max_memory_mb");
pub const MAX_EXECUTION_SECONDS: &[u8] = within!(MAX_LIMITS_JSON, b"max_execution_seconds");
pub const INSTRUCTIONS: &[u8] = within!(MAX_INSTRUCTIONS, b"instructions");
pub const MEMORY_MB: &[u8] = within!(MAX_MEMORY_MB, b"memory_mb");
pub const REPO: &[u8] = within!(MAX_LIMITS_JSON, b"repo");
pub const COMMIT: &[u8] = within!(MAX_LIMITS_JSON, b"commit");
pub const BUILD_TARGET: &[u8] = within!(MAX_LIMITS_JSON, b"build_target");
pub const INPUT_DATA: &[u8] = within!(MAX_LIMITS_JSON, b"input_data");
pub const ENCRYPTED_SECRETS: &[u8] = within!(MAX_LIMITS_JSON, b"encrypted_secrets");
pub const OUTPUT: &[u8] = within!(MAX_LIMITS_JSON, b"output");

pub const REQUEST_IDS: &[u8] = b"request_ids";
pub const REQUEST_ID: &[u8] = within!(REQUEST_IDS, b"request_id");
pub const NEW_OWNER_ID: &[u8] = b"new_owner_id";
pub const OWNER_ID: &[u8] = within!(NEW_OWNER_ID, b"owner_id");
pub const NEW_OPERATOR_ID: &[u8] = b"new_operator_id";
pub const OPERATOR_ID: &[u8] = within!(NEW_OPERATOR_ID, b"operator_id");
pub const ERROR_MESSAGE: &[u8] = b"error_message";
pub const ERROR: &[u8] = within!(ERROR_MESSAGE, b"error");
pub const PAYMENT_CHARGED: &[u8] = b"payment_charged";
pub const PAYMENT: &[u8] = within!(PAYMENT_CHARGED, b"payment");
pub const RESPONSE_FORMAT: &[u8] = b"response_format";
pub const RESPONSE: &[u8] = within!(RESPONSE_FORMAT, b"response");
pub const RESOURCE_LIMITS: &[u8] = b"resource_limits";
pub const LIMIT: &[u8] = within!(RESOURCE_LIMITS, b"limit");
pub const PAUSED: &[u8] = within!(ERR_PAUSED, b"paused");
pub const AMOUNT: &[u8] = within!(ERR_OVER_WITHDRAWABLE.0, b"amount");

/// The JSON literals live with the reader and writer.
pub use crate::json::{FALSE, NULL, TRUE};
