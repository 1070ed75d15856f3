//! Paxos's ballots and messages.

use crate::id::NodeId;
use crate::node::MessageInfo;
use serde::ser::SerializeTuple;
use serde::{Serialize, Serializer};

/// The value a leader proposes to fill a gap in the log.
pub const NOOP: &str = "noop";

/// A ballot number, `(round, node)`: ordered by round, then node id, so two
/// proposers never share one (Paxos Made Simple, §2.2). Written `[round,
/// node]`; `[0, 0]` is below every ballot a proposer uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ballot {
    /// The round.
    pub round: u64,
    /// The proposer.
    pub node: NodeId,
}

impl Ballot {
    /// Below every ballot a proposer uses.
    pub const ZERO: Ballot = Ballot {
        round: 0,
        node: NodeId(0),
    };

    /// The next ballot `node` may use above `seen`.
    pub fn above(seen: Ballot, node: NodeId) -> Ballot {
        Ballot {
            round: seen.round + 1,
            node,
        }
    }
}

impl std::fmt::Display for Ballot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.round, self.node.0)
    }
}

impl Serialize for Ballot {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut t = s.serialize_tuple(2)?;
        t.serialize_element(&self.round)?;
        t.serialize_element(&self.node)?;
        t.end()
    }
}

/// A value an acceptor accepted, with its slot and ballot.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Accepted {
    /// The log slot.
    pub slot: u64,
    /// The ballot it was accepted in.
    pub ballot: Ballot,
    /// The value.
    pub value: String,
}

/// What Paxos nodes send each other. Phase 1 is `Prepare` and `Promise`,
/// phase 2 `Accept` and `Accepted`; `Nack` refuses either.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "type")]
pub enum PaxosMsg {
    /// Phase 1a: promise to ignore ballots below `ballot` for `slot` (basic
    /// Paxos) or for every slot (Multi-Paxos, which asks what was accepted
    /// from `slot` on).
    Prepare {
        /// The slot (or the first slot).
        slot: u64,
        /// The ballot.
        ballot: Ballot,
    },
    /// Phase 1b: the promise, with what the acceptor accepted there.
    Promise {
        /// The slot (or the first slot).
        slot: u64,
        /// The ballot promised.
        ballot: Ballot,
        /// Values accepted in those slots, each with its ballot.
        accepted: Vec<Accepted>,
    },
    /// Phase 2a: accept `value` in `slot` at `ballot`.
    Accept {
        /// The slot.
        slot: u64,
        /// The ballot.
        ballot: Ballot,
        /// The value.
        value: String,
    },
    /// Phase 2b: accepted.
    Accepted {
        /// The slot.
        slot: u64,
        /// The ballot.
        ballot: Ballot,
    },
    /// A refusal: the acceptor has promised a higher ballot.
    Nack {
        /// The slot.
        slot: u64,
        /// The ballot refused.
        ballot: Ballot,
        /// The ballot it promised.
        promised: Ballot,
    },
    /// A value is chosen in a slot (to the learners).
    Chosen {
        /// The slot.
        slot: u64,
        /// The value.
        value: String,
    },
    /// Multi-Paxos: the leader is alive; slots below `chosen` are chosen.
    Heartbeat {
        /// The leader's ballot.
        ballot: Ballot,
        /// The first slot it has not seen chosen.
        chosen: u64,
    },
    /// A learner asks for the chosen values from `from` on.
    CatchUp {
        /// The first slot it lacks.
        from: u64,
    },
}

impl MessageInfo for PaxosMsg {
    fn kind(&self) -> &'static str {
        match self {
            PaxosMsg::Prepare { .. } => "Prepare",
            PaxosMsg::Promise { .. } => "Promise",
            PaxosMsg::Accept { .. } => "Accept",
            PaxosMsg::Accepted { .. } => "Accepted",
            PaxosMsg::Nack { .. } => "Nack",
            PaxosMsg::Chosen { .. } => "Chosen",
            PaxosMsg::Heartbeat { .. } => "Heartbeat",
            PaxosMsg::CatchUp { .. } => "CatchUp",
        }
    }

    fn label(&self) -> String {
        match self {
            PaxosMsg::Prepare { slot, ballot } => format!("Prepare #{slot} b{ballot}"),
            PaxosMsg::Promise {
                slot,
                ballot,
                accepted,
            } => format!("Promise #{slot} b{ballot} ({} accepted)", accepted.len()),
            PaxosMsg::Accept {
                slot,
                ballot,
                value,
            } => format!("Accept #{slot} b{ballot} {value}"),
            PaxosMsg::Accepted { slot, ballot } => format!("Accepted #{slot} b{ballot}"),
            PaxosMsg::Nack {
                slot,
                ballot,
                promised,
            } => format!("Nack #{slot} b{ballot}: promised b{promised}"),
            PaxosMsg::Chosen { slot, value } => format!("Chosen #{slot} {value}"),
            PaxosMsg::Heartbeat { ballot, chosen } => {
                format!("Heartbeat b{ballot}, chosen to #{chosen}")
            }
            PaxosMsg::CatchUp { from } => format!("CatchUp from #{from}"),
        }
    }
}
