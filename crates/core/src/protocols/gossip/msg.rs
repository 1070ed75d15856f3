//! What gossiping nodes exchange: rumors, digests, feedback, and SWIM's
//! probes, each carrying piggybacked membership updates.

use crate::id::NodeId;
use crate::node::MessageInfo;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A rumor: the node that started it and its number there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RumorId {
    /// The node where it started.
    pub origin: NodeId,
    /// Its number at that node, from 1.
    pub n: u32,
}

impl fmt::Display for RumorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.origin, self.n)
    }
}

/// A member's state as SWIM sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Health {
    /// Answering.
    Alive,
    /// Missed a probe; has until the suspicion timeout to refute.
    Suspect,
    /// Declared failed.
    Dead,
}

/// A membership update, piggybacked on every message (SWIM §4.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Update {
    /// The member it is about.
    pub node: NodeId,
    /// Its state.
    pub health: Health,
    /// The member's incarnation the state refers to.
    pub incarnation: u64,
}

/// What a gossip message does.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Body {
    /// Push: the rumors the sender spreads.
    Push {
        /// The rumors.
        rumors: Vec<RumorId>,
    },
    /// Pull: what the sender knows, so the receiver sends the rest.
    Pull {
        /// Every rumor the sender knows.
        known: Vec<RumorId>,
    },
    /// Push-pull: both at once.
    PushPull {
        /// The rumors the sender spreads.
        rumors: Vec<RumorId>,
        /// Every rumor the sender knows.
        known: Vec<RumorId>,
    },
    /// The answer to a push, pull or push-pull.
    Reply {
        /// Rumors the asker lacked.
        rumors: Vec<RumorId>,
        /// Pushed rumors the receiver already knew (feedback for rumor mongering).
        already: Vec<RumorId>,
    },
    /// SWIM: are you alive? (`for_node` set when pinging on another's behalf.)
    Ping {
        /// The prober's sequence number.
        seq: u64,
    },
    /// SWIM: alive.
    Ack {
        /// The sequence number of the ping it answers.
        seq: u64,
    },
    /// SWIM: please ping `target` for me.
    PingReq {
        /// Who to ping.
        target: NodeId,
        /// The asker's sequence number, echoed in the forwarded ack.
        seq: u64,
    },
}

/// A gossip message: the sender's round, the body, and piggybacked updates.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GossipMsg {
    /// The round of the contact (a reply echoes the asker's round).
    pub round: u64,
    /// What it does.
    pub body: Body,
    /// Membership updates riding along.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub updates: Vec<Update>,
}

impl MessageInfo for GossipMsg {
    fn kind(&self) -> &'static str {
        match self.body {
            Body::Push { .. } => "Push",
            Body::Pull { .. } => "Pull",
            Body::PushPull { .. } => "PushPull",
            Body::Reply { .. } => "Reply",
            Body::Ping { .. } => "Ping",
            Body::Ack { .. } => "Ack",
            Body::PingReq { .. } => "PingReq",
        }
    }

    fn label(&self) -> String {
        let list = |v: &[RumorId]| {
            let names: Vec<String> = v.iter().map(|r| r.to_string()).collect();
            names.join(" ")
        };
        let body = match &self.body {
            Body::Push { rumors } => format!("push [{}]", list(rumors)),
            Body::Pull { known } => format!("pull, knows [{}]", list(known)),
            Body::PushPull { rumors, known } => {
                format!("push [{}], knows [{}]", list(rumors), list(known))
            }
            Body::Reply { rumors, already } => {
                format!("reply [{}], knew [{}]", list(rumors), list(already))
            }
            Body::Ping { seq } => format!("ping #{seq}"),
            Body::Ack { seq } => format!("ack #{seq}"),
            Body::PingReq { target, seq } => format!("ping-req {target} #{seq}"),
        };
        if self.updates.is_empty() {
            format!("round {}: {body}", self.round)
        } else {
            format!(
                "round {}: {body} +{} updates",
                self.round,
                self.updates.len()
            )
        }
    }
}
