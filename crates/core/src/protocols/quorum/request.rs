//! What a client asks a coordinator, what it hears back, and who asked.

use super::clock::VClock;
use crate::id::OpId;
use crate::node::{ClientOutcome, Response};
use crate::read::{ReadJson, Reader};
use crate::scenario::ScenarioError;
use serde::{Serialize, Serializer};
use std::fmt;

/// A client request, as written in a scenario's `client` command, tagged
/// by `type`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum QuorumRequest {
    /// Read a key: every sibling the read quorum returns.
    Get {
        /// The key.
        key: String,
        /// Replies to wait for, instead of the run's `r`.
        #[serde(skip_serializing_if = "Option::is_none")]
        r: Option<u32>,
    },
    /// Write a key.
    Put {
        /// The key.
        key: String,
        /// The value.
        value: String,
        /// Acknowledgements to wait for, instead of the run's `w`.
        #[serde(skip_serializing_if = "Option::is_none")]
        w: Option<u32>,
        /// The context of an earlier get (`{"c0": 2, "op5": 1}`): the put
        /// supersedes the versions that get returned. Empty: a blind write,
        /// concurrent with every version it did not see.
        #[serde(skip_serializing_if = "VClock::is_empty")]
        context: VClock,
    },
}

/// `{"type": "get", "key": "k0", "r": 2}` or `{"type": "put", "key": "k0",
/// "value": "a", "w": 1, "context": {"c0": 1}}`; `r`, `w` (either may be
/// `null`) and `context` may be left out.
impl ReadJson for QuorumRequest {
    fn read(r: &Reader<'_>) -> Result<Self, ScenarioError> {
        const TYPES: &[(&str, &[&str])] = &[
            ("get", &["key", "r"]),
            ("put", &["key", "value", "w", "context"]),
        ];
        let o = r.object_any()?;
        Ok(match o.variant("type", TYPES, &[])? {
            "get" => QuorumRequest::Get {
                key: o.req("key")?,
                r: o.field::<Option<u32>>("r")?.flatten(),
            },
            _ => QuorumRequest::Put {
                key: o.req("key")?,
                value: o.req("value")?,
                w: o.field::<Option<u32>>("w")?.flatten(),
                context: o.field("context")?.unwrap_or_default(),
            },
        })
    }
}

impl QuorumRequest {
    /// A short label (`get k0`, `put k0=a w=1`).
    pub fn label(&self) -> String {
        match self {
            QuorumRequest::Get { key, r } => match r {
                Some(r) => format!("get {key} r={r}"),
                None => format!("get {key}"),
            },
            QuorumRequest::Put {
                key,
                value,
                w,
                context,
            } => {
                let mut s = format!("put {key}={value}");
                if let Some(w) = w {
                    s.push_str(&format!(" w={w}"));
                }
                if !context.is_empty() {
                    s.push_str(&format!(" after {context}"));
                }
                s
            }
        }
    }
}

/// Whether an operation reads or writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OpKind {
    /// A read.
    Get,
    /// A write.
    Put,
}

/// Who issued an operation: the process of a linearizability history.
/// Serialized as text: `c2` (workload client 2), `c2/1` (the same client
/// after an operation of it was cut off by its coordinator's crash, as
/// Jepsen numbers a new process), `op7` (scripted client operation 7).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ClientRef {
    /// A workload client, in its `life`-th life.
    Workload {
        /// The client's number.
        client: u32,
        /// How many of its operations were cut off before this one.
        life: u32,
    },
    /// A scripted `client` command.
    Script(OpId),
}

impl fmt::Display for ClientRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientRef::Workload { client, life: 0 } => write!(f, "c{client}"),
            ClientRef::Workload { client, life } => write!(f, "c{client}/{life}"),
            ClientRef::Script(op) => write!(f, "op{}", op.0),
        }
    }
}

impl Serialize for ClientRef {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A coordinator's answer to a scripted client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QuorumResponse {
    /// Get or put.
    pub kind: OpKind,
    /// The key.
    pub key: String,
    /// Whether R (or W) replicas answered in time.
    pub ok: bool,
    /// A get's values (one per sibling) or a put's value.
    pub values: Vec<String>,
    /// A get's context (pass it to a put to supersede what was read), or
    /// the new version's clock for a put.
    pub context: VClock,
    /// Why it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Response for QuorumResponse {
    fn outcome(&self) -> ClientOutcome {
        let how = match (&self.error, self.kind) {
            (Some(e), _) => format!("failed: {e}"),
            (None, OpKind::Get) if self.values.is_empty() => format!("{}: not found", self.key),
            (None, OpKind::Get) => {
                format!("{} = {:?}, context {}", self.key, self.values, self.context)
            }
            (None, OpKind::Put) => format!("stored {} as {}", self.key, self.context),
        };
        ClientOutcome::Done(how)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> Result<QuorumRequest, ScenarioError> {
        let value: serde_json::Value = serde_json::from_str(json).unwrap();
        Reader::new(&value, "request").read()
    }

    #[test]
    fn requests_parse_with_optional_quorums_and_context() {
        let g = read(r#"{"type":"get","key":"k","r":null}"#).unwrap();
        assert_eq!(g.label(), "get k");
        let p = read(r#"{"type":"put","key":"k","value":"v","w":1,"context":{"c0":1,"c2":0}}"#);
        assert_eq!(p.unwrap().label(), "put k=v w=1 after {c0:1}");
        for (bad, path) in [
            (r#"{"type":"get"}"#, "request"),
            (r#"{"type":"get","key":"k","x":1}"#, "request.x"),
            (r#"{"type":"get","key":"k","context":{}}"#, "request.context"),
            (r#"{"type":"put","key":"k"}"#, "request"),
            (r#"{"type":"put","key":1,"value":"v"}"#, "request.key"),
            (r#"{"type":"put","key":"k","value":"v","w":-1}"#, "request.w"),
            (
                r#"{"type":"put","key":"k","value":"v","context":{"zz":1}}"#,
                "request.context.zz",
            ),
            (
                r#"{"type":"put","key":"k","value":"v","context":null}"#,
                "request.context",
            ),
            (r#"{"type":"del","key":"k"}"#, "request.type"),
            (r#"["get","k"]"#, "request"),
        ] {
            assert_eq!(read(bad).unwrap_err().path, path, "{bad}");
        }
    }

    #[test]
    fn client_refs_print_like_jepsen_processes() {
        let c = |client, life| ClientRef::Workload { client, life };
        assert_eq!(c(2, 0).to_string(), "c2");
        assert_eq!(c(2, 1).to_string(), "c2/1");
        assert_eq!(ClientRef::Script(OpId(7)).to_string(), "op7");
    }
}
