//! JSON field names used in more than one place (the argument tables, the
//! views, the events), each written once. Every name an argument table reads
//! lives in one constant, `ALL`, so that a table entry can name its field by
//! position (two bytes and a length) instead of by a slice (eight); the other
//! names here are slices of it or of a longer constant (`within!`), so the data
//! section holds their bytes once.

use crate::within;

/// `get_max_limits`' JSON (`limits::MAX_LIMITS_JSON` is its head), then every
/// other field name the argument tables read. A name inside a longer one is
/// not written again ("owner_id" is the tail of "new_owner_id").
pub const ALL: &[u8] = concat!(
    crate::limits::max_limits_json!(),
    "code_source",
    "resource_limits",
    "response_format",
    "payer_account_id",
    "sender_id",
    "BytesTextJson",
    "time_ms",
    "success",
    "error_message",
    "resources_used",
    "request_ids",
    "new_owner_id",
    "new_operator_id",
    "keystore_account_id",
    "base_fee",
    "per_instruction_fee",
    "per_mb_fee",
    "per_second_fee",
    "amount",
    "receiver_id",
    "from_id",
    "paused",
    "pubkey",
)
.as_bytes();

pub const MAX_INSTRUCTIONS: &[u8] = within!(ALL, b"max_instructions");
pub const MAX_MEMORY_MB: &[u8] = within!(ALL, b"max_memory_mb");
pub const MAX_EXECUTION_SECONDS: &[u8] = within!(ALL, b"max_execution_seconds");
pub const INSTRUCTIONS: &[u8] = within!(MAX_INSTRUCTIONS, b"instructions");
pub const MEMORY_MB: &[u8] = within!(MAX_MEMORY_MB, b"memory_mb");
pub const REPO: &[u8] = within!(ALL, b"repo");
pub const COMMIT: &[u8] = within!(ALL, b"commit");
pub const BUILD_TARGET: &[u8] = within!(ALL, b"build_target");
pub const INPUT_DATA: &[u8] = within!(ALL, b"input_data");
pub const ENCRYPTED_SECRETS: &[u8] = within!(ALL, b"encrypted_secrets");
pub const OUTPUT: &[u8] = within!(ALL, b"output");

pub const CODE_SOURCE: &[u8] = within!(ALL, b"code_source");
pub const RESOURCE_LIMITS: &[u8] = within!(ALL, b"resource_limits");
pub const LIMIT: &[u8] = within!(RESOURCE_LIMITS, b"limit");
pub const RESPONSE_FORMAT: &[u8] = within!(ALL, b"response_format");
pub const RESPONSE: &[u8] = within!(RESPONSE_FORMAT, b"response");
pub const PAYER_ACCOUNT_ID: &[u8] = within!(ALL, b"payer_account_id");
pub const SENDER_ID: &[u8] = within!(ALL, b"sender_id");
pub const BYTES: &[u8] = within!(ALL, b"Bytes");
pub const TEXT: &[u8] = within!(ALL, b"Text");
pub const JSON: &[u8] = within!(ALL, b"Json");
pub const TIME_MS: &[u8] = within!(ALL, b"time_ms");
pub const SUCCESS: &[u8] = within!(ALL, b"success");
pub const ERROR_MESSAGE: &[u8] = within!(ALL, b"error_message");
pub const ERROR: &[u8] = within!(ERROR_MESSAGE, b"error");
pub const RESOURCES_USED: &[u8] = within!(ALL, b"resources_used");
pub const REQUEST_IDS: &[u8] = within!(ALL, b"request_ids");
pub const REQUEST_ID: &[u8] = within!(REQUEST_IDS, b"request_id");
pub const NEW_OWNER_ID: &[u8] = within!(ALL, b"new_owner_id");
pub const OWNER_ID: &[u8] = within!(NEW_OWNER_ID, b"owner_id");
pub const NEW_OPERATOR_ID: &[u8] = within!(ALL, b"new_operator_id");
pub const OPERATOR_ID: &[u8] = within!(NEW_OPERATOR_ID, b"operator_id");
pub const KEYSTORE_ACCOUNT_ID: &[u8] = within!(ALL, b"keystore_account_id");
pub const BASE_FEE: &[u8] = within!(ALL, b"base_fee");
pub const PER_INSTRUCTION_FEE: &[u8] = within!(ALL, b"per_instruction_fee");
pub const PER_MB_FEE: &[u8] = within!(ALL, b"per_mb_fee");
pub const PER_SECOND_FEE: &[u8] = within!(ALL, b"per_second_fee");
pub const AMOUNT: &[u8] = within!(ALL, b"amount");
pub const RECEIVER_ID: &[u8] = within!(ALL, b"receiver_id");
pub const FROM_ID: &[u8] = within!(ALL, b"from_id");
pub const PAUSED: &[u8] = within!(ALL, b"paused");
pub const PUBKEY: &[u8] = within!(ALL, b"pubkey");

pub const PAYMENT_CHARGED: &[u8] = b"payment_charged";
pub const PAYMENT: &[u8] = within!(PAYMENT_CHARGED, b"payment");

/// The JSON literals live with the reader and writer.
pub use crate::json::{FALSE, NULL, TRUE};
