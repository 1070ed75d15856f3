//! What quorum nodes send each other.

use super::clock::VClock;
use super::version::Version;
use crate::id::NodeId;
use crate::node::MessageInfo;
use serde::Serialize;

/// A key with one replica's versions of it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct KeyVersions {
    /// The key.
    pub key: String,
    /// The versions (siblings).
    pub versions: Vec<Version>,
}

/// A key with the digest of one replica's versions of it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct KeyDigest {
    /// The key.
    pub key: String,
    /// [`super::version::digest`] of the versions.
    pub digest: u64,
}

/// A quorum message. `req` numbers a coordination at its coordinator.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "type")]
pub enum QuorumMsg {
    /// A coordinator asks a replica (or, for a sloppy quorum, a stand-in
    /// for replica `hint`) for its versions of a key.
    Get {
        /// The coordination.
        req: u64,
        /// The key.
        key: String,
        /// The replica this node stands in for, if it is a stand-in.
        #[serde(skip_serializing_if = "Option::is_none")]
        hint: Option<NodeId>,
    },
    /// A replica's versions of the key.
    GetReply {
        /// The coordination.
        req: u64,
        /// The key.
        key: String,
        /// Its versions (empty if it has none).
        versions: Vec<Version>,
    },
    /// A coordinator asks a replica to store a version; a stand-in keeps it
    /// as a hint for replica `hint` (§4.6).
    Put {
        /// The coordination.
        req: u64,
        /// The key.
        key: String,
        /// The new version.
        version: Version,
        /// The replica this node stands in for, if it is a stand-in.
        #[serde(skip_serializing_if = "Option::is_none")]
        hint: Option<NodeId>,
    },
    /// The version is stored.
    PutAck {
        /// The coordination.
        req: u64,
        /// The key.
        key: String,
    },
    /// Read repair: newer versions for a replica that answered a get with
    /// older ones.
    ReadRepair(KeyVersions),
    /// A stand-in hands a hinted version back to the replica it was meant for.
    Handoff(KeyVersions),
    /// The replica took the handed-off versions; the stand-in may drop them.
    HandoffAck {
        /// The key.
        key: String,
        /// The clocks of the versions taken.
        clocks: Vec<VClock>,
    },
    /// Anti-entropy (§4.7): the digests of the sender's keys that the
    /// receiver also replicates.
    Digest {
        /// One digest per key.
        keys: Vec<KeyDigest>,
    },
    /// The receiver's versions of the keys whose digests differ or that the
    /// sender lacks, and the keys it wants the sender's versions of.
    DigestReply {
        /// Versions for the sender.
        push: Vec<KeyVersions>,
        /// Keys the replier wants.
        pull: Vec<String>,
    },
    /// The versions asked for in a `DigestReply`.
    Sync {
        /// Versions for the receiver.
        push: Vec<KeyVersions>,
    },
}

fn values(versions: &[Version]) -> String {
    let v: Vec<&str> = versions.iter().map(|v| v.value.as_str()).collect();
    format!("[{}]", v.join(", "))
}

fn keys(n: usize) -> String {
    format!("{n} key{}", if n == 1 { "" } else { "s" })
}

impl MessageInfo for QuorumMsg {
    fn kind(&self) -> &'static str {
        match self {
            QuorumMsg::Get { .. } => "Get",
            QuorumMsg::GetReply { .. } => "GetReply",
            QuorumMsg::Put { .. } => "Put",
            QuorumMsg::PutAck { .. } => "PutAck",
            QuorumMsg::ReadRepair(_) => "ReadRepair",
            QuorumMsg::Handoff(_) => "Handoff",
            QuorumMsg::HandoffAck { .. } => "HandoffAck",
            QuorumMsg::Digest { .. } => "Digest",
            QuorumMsg::DigestReply { .. } => "DigestReply",
            QuorumMsg::Sync { .. } => "Sync",
        }
    }

    fn label(&self) -> String {
        match self {
            QuorumMsg::Get { req, key, hint } => match hint {
                Some(h) => format!("get {key} #{req}, standing in for {h}"),
                None => format!("get {key} #{req}"),
            },
            QuorumMsg::GetReply { req, key, versions } => {
                format!("{key} #{req} = {}", values(versions))
            }
            QuorumMsg::Put {
                req,
                key,
                version,
                hint,
            } => {
                let v = &version.value;
                match hint {
                    Some(h) => format!("put {key}={v} #{req}, hint for {h}"),
                    None => format!("put {key}={v} #{req}"),
                }
            }
            QuorumMsg::PutAck { req, key } => format!("stored {key} #{req}"),
            QuorumMsg::ReadRepair(kv) => format!("repair {} to {}", kv.key, values(&kv.versions)),
            QuorumMsg::Handoff(kv) => format!("hand back {} {}", kv.key, values(&kv.versions)),
            QuorumMsg::HandoffAck { key, clocks } => {
                format!(
                    "took {key} ({} version{})",
                    clocks.len(),
                    if clocks.len() == 1 { "" } else { "s" }
                )
            }
            QuorumMsg::Digest { keys: k } => format!("digest of {}", keys(k.len())),
            QuorumMsg::DigestReply { push, pull } => {
                format!("push {}, pull {}", keys(push.len()), keys(pull.len()))
            }
            QuorumMsg::Sync { push } => format!("sync {}", keys(push.len())),
        }
    }
}
