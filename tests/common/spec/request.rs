//! `request_execution`'s arguments: whether they are within the caps, what they store, what
//! they must attach.

use super::*;
use serde_json::{json, Value};

/// `request_execution`'s arguments, field by field.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    pub repo: String,
    pub commit: String,
    pub build_target: Option<String>,
    pub limits: Option<Limits>,
    pub input_data: Option<String>,
    pub secrets: Option<Vec<u8>>,
    pub format: Option<&'static str>,
}

impl Request {
    /// The seed README's request with other limits.
    pub fn seed(limits: Limits) -> Request {
        Request {
            repo: "https://github.com/user/project".into(),
            commit: "abc123".into(),
            build_target: Some("wasm32-wasi".into()),
            limits: Some(limits),
            input_data: Some("{\"key\": \"value\"}".into()),
            secrets: None,
            format: None,
        }
    }

    /// The largest request the caps allow: every limit and field at its cap, strings made of
    /// `"` (each byte escaped once more inside the event's `request_data`), secrets all 255.
    pub fn largest(format: &'static str) -> Request {
        Request {
            repo: "\"".repeat(CAP_REPO / 2),
            commit: "\"".repeat(CAP_COMMIT / 2),
            build_target: Some("\"".repeat(CAP_BUILD_TARGET / 2)),
            limits: Some(Limits::CAP),
            input_data: Some("\"".repeat(CAP_INPUT / 2)),
            secrets: Some(vec![255; CAP_SECRETS]),
            format: Some(format),
        }
    }

    /// The fields of arguments written as JSON (by serde_json or as the seed README has them).
    pub fn parse(args: &str) -> Request {
        let v: Value = serde_json::from_str(args).unwrap_or_else(|e| panic!("request arguments ({e}): {args}"));
        let text = |v: &Value| v.as_str().map(String::from);
        let limits = v.get("resource_limits").filter(|l| !l.is_null()).map(|l| {
            let field = |k: &str, default: u64| l.get(k).and_then(Value::as_u64).unwrap_or(default);
            Limits {
                instructions: field("max_instructions", Limits::DEFAULT.instructions),
                memory_mb: field("max_memory_mb", Limits::DEFAULT.memory_mb),
                seconds: field("max_execution_seconds", Limits::DEFAULT.seconds),
            }
        });
        let format = v["response_format"].as_str().map(|f| match f {
            "Bytes" => "Bytes",
            "Text" => "Text",
            "Json" => "Json",
            other => panic!("response_format {other}"),
        });
        Request {
            repo: text(&v["code_source"]["repo"]).expect("code_source.repo"),
            commit: text(&v["code_source"]["commit"]).expect("code_source.commit"),
            build_target: text(&v["code_source"]["build_target"]),
            limits,
            input_data: text(&v["input_data"]),
            secrets: v["encrypted_secrets"]
                .as_array()
                .map(|a| a.iter().map(|b| b.as_u64().expect("a byte") as u8).collect()),
            format,
        }
    }

    pub fn json(&self) -> Value {
        let mut code = json!({"repo": self.repo, "commit": self.commit});
        if let Some(t) = &self.build_target {
            code["build_target"] = json!(t);
        }
        let mut v = json!({ "code_source": code });
        if let Some(l) = &self.limits {
            v["resource_limits"] = l.json();
        }
        if let Some(d) = &self.input_data {
            v["input_data"] = json!(d);
        }
        v["encrypted_secrets"] = json!(self.secrets);
        if let Some(f) = self.format {
            v["response_format"] = json!(f);
        }
        v
    }

    pub fn args(&self) -> String {
        self.json().to_string()
    }

    pub fn bytes(&self) -> Vec<u8> {
        self.args().into_bytes()
    }

    /// Missing limits take the defaults.
    pub fn limits(&self) -> Limits {
        self.limits.unwrap_or(Limits::DEFAULT)
    }

    /// Within every cap of SPEC.md / `get_max_limits`.
    pub fn valid(&self) -> bool {
        !self.repo.is_empty()
            && !self.commit.is_empty()
            && escaped_len(&self.repo) <= CAP_REPO
            && escaped_len(&self.commit) <= CAP_COMMIT
            && self.build_target.as_deref().map_or(0, escaped_len) <= CAP_BUILD_TARGET
            && self.input_data.as_deref().map_or(0, escaped_len) <= CAP_INPUT
            && self.secrets.as_ref().map_or(0, Vec::len) <= CAP_SECRETS
            && self.limits().within_caps()
    }

    /// The bytes the pending request adds to the contract's storage.
    pub fn stored_bytes(&self, sender: &str) -> u64 {
        request_record_bytes(
            sender.len(),
            escaped_len(&self.repo),
            escaped_len(&self.commit),
            self.build_target.as_deref().map(escaped_len),
            self.input_data.as_deref().map(escaped_len),
            self.secrets.as_ref().map(Vec::len),
        )
    }

    /// The deposit it needs from `sender` at `prices`; `None` when that overflows a u128.
    pub fn required(&self, prices: &Prices, sender: &str) -> Option<u128> {
        deposit_required(prices, &self.limits(), self.stored_bytes(sender))
    }
}
