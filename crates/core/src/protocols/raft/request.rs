//! What clients and administrators ask a Raft cluster, and what it answers
//! (§8 of the paper; chapters 3.10 and 4 of Ongaro's dissertation).

use crate::id::NodeId;
use crate::node::{ClientOutcome, Response};
use crate::read::{ReadJson, Reader};
use crate::scenario::ScenarioError;
use serde::{Serialize, Serializer};
use std::hash::{Hash, Hasher};

/// A request to a Raft cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RaftRequest {
    /// A state-machine command from a client (`"set x=1"`).
    Command(String),
    /// An administrator adds this (empty) server (dissertation §4.1).
    AddServer(NodeId),
    /// An administrator removes this server (§4.1).
    RemoveServer(NodeId),
    /// An administrator hands leadership to this server (§3.10).
    Transfer(NodeId),
}

impl From<&str> for RaftRequest {
    fn from(command: &str) -> Self {
        RaftRequest::Command(command.to_string())
    }
}

impl RaftRequest {
    /// A short label (`"set x=1"`, `"add server n3"`).
    pub fn label(&self) -> String {
        match self {
            RaftRequest::Command(c) => c.clone(),
            RaftRequest::AddServer(n) => format!("add server {n}"),
            RaftRequest::RemoveServer(n) => format!("remove server {n}"),
            RaftRequest::Transfer(n) => format!("transfer leadership to {n}"),
        }
    }
}

/// A client's command is hashed as the bare string it always was, so old
/// traces keep their hashes.
impl Hash for RaftRequest {
    fn hash<H: Hasher>(&self, h: &mut H) {
        match self {
            RaftRequest::Command(c) => c.hash(h),
            RaftRequest::AddServer(n) => ("add_server", n).hash(h),
            RaftRequest::RemoveServer(n) => ("remove_server", n).hash(h),
            RaftRequest::Transfer(n) => ("transfer", n).hash(h),
        }
    }
}

/// A command is its string; an administrator's request is
/// `{"add_server": 3}`, `{"remove_server": 1}` or `{"transfer": 2}`.
impl Serialize for RaftRequest {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let (key, node) = match self {
            RaftRequest::Command(c) => return s.serialize_str(c),
            RaftRequest::AddServer(n) => ("add_server", n),
            RaftRequest::RemoveServer(n) => ("remove_server", n),
            RaftRequest::Transfer(n) => ("transfer", n),
        };
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry(key, node)?;
        m.end()
    }
}

/// A scenario's client request is a command string; membership changes
/// and transfers are schedule ops of their own.
impl ReadJson for RaftRequest {
    fn read(r: &Reader<'_>) -> Result<Self, ScenarioError> {
        String::read(r).map(RaftRequest::Command)
    }
}

/// A node's answer to a request (§8).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RaftResponse {
    /// Not the leader: ask this one (or nobody known yet, or the leader is
    /// busy with a change: retry later).
    Redirect {
        /// The leader this node knows of.
        leader: Option<NodeId>,
    },
    /// The command (or the added server's configuration) is committed at
    /// this index.
    Committed {
        /// Its log index.
        index: u64,
    },
    // Added after the paper's answers, so their tags stay as they were.
    /// The configuration without `node` is committed at `index`: the
    /// administrator may shut it down (§4.2.2).
    Removed {
        /// The server removed.
        node: NodeId,
        /// The configuration entry's index.
        index: u64,
    },
    /// The leader told `to` to start an election at once (§3.10).
    Transferred {
        /// The new leader-to-be.
        to: NodeId,
    },
    /// The request cannot be carried out, and why.
    Refused {
        /// Why.
        reason: String,
    },
}

impl Response for RaftResponse {
    fn outcome(&self) -> ClientOutcome {
        match self {
            RaftResponse::Redirect { leader } => ClientOutcome::Redirect(*leader),
            RaftResponse::Committed { index } => {
                ClientOutcome::Done(format!("committed at {index}"))
            }
            RaftResponse::Removed { node, index } => {
                ClientOutcome::Done(format!("{node} removed at {index}"))
            }
            RaftResponse::Transferred { to } => {
                ClientOutcome::Done(format!("leadership handed to {to}"))
            }
            RaftResponse::Refused { reason } => ClientOutcome::Done(format!("refused: {reason}")),
        }
    }

    fn retires(&self) -> Option<NodeId> {
        match self {
            RaftResponse::Removed { node, .. } => Some(*node),
            _ => None,
        }
    }
}
