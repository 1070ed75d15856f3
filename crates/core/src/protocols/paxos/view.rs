//! What the UI and the report may read of a Paxos node.

use super::{acceptor, Ballot, Paxos, Role};
use crate::id::NodeId;
use serde::Serialize;

/// How many of the newest slots a view carries.
pub const VIEW_SLOTS: usize = 24;

/// One slot as a node holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SlotView {
    /// The slot.
    pub slot: u64,
    /// The ballot promised for it.
    pub promised: Ballot,
    /// The value accepted, with its ballot.
    pub accepted: Option<(Ballot, String)>,
    /// The value learned chosen.
    pub chosen: Option<String>,
}

/// A Paxos node as the UI sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PaxosView {
    /// Its role now.
    pub role: Role,
    /// The ballot of its round or leadership (`[0, 0]` if none).
    pub ballot: Ballot,
    /// The highest ballot it promised (any slot).
    pub promised: Ballot,
    /// Multi-Paxos: the leader it follows.
    pub leader: Option<NodeId>,
    /// Basic Paxos: the slot it is proposing for.
    pub proposing: Option<u64>,
    /// The first slot it has not learned chosen.
    pub first_gap: u64,
    /// Client values waiting to be chosen.
    pub pending: Vec<String>,
    /// Its newest slots (up to 24), oldest first.
    pub slots: Vec<SlotView>,
}

impl PaxosView {
    pub(super) fn of(n: &Paxos) -> PaxosView {
        let promised = highest_promise(n);
        let skip = n.slots.len().saturating_sub(VIEW_SLOTS);
        PaxosView {
            role: n.role,
            ballot: n.ballot,
            promised,
            leader: n.leader,
            proposing: n.proposing,
            first_gap: n.first_gap,
            pending: n
                .queue
                .iter()
                .chain(&n.waiting)
                .map(|(_, v)| v.clone())
                .collect(),
            slots: n
                .slots
                .iter()
                .skip(skip)
                .map(|(&slot, s)| SlotView {
                    slot,
                    promised: acceptor::promise_for(n, slot),
                    accepted: s.accepted.clone(),
                    chosen: s.chosen.clone(),
                })
                .collect(),
        }
    }
}

/// The highest ballot `n` promised, for any slot.
fn highest_promise(n: &Paxos) -> Ballot {
    n.slots
        .values()
        .map(|s| s.promised)
        .chain([n.promised])
        .max()
        .unwrap_or(Ballot::ZERO)
}

/// The Paxos figures of a report: `nodes` [{id, status, role, chosen:
/// [[slot, value], …], promised: [round, node], accepted: [[slot, [round,
/// node], value], …]}]; a crashed node reports what it persisted, with
/// role `crashed`.
pub fn metrics(sim: &crate::sim::Sim<Paxos>) -> serde_json::Value {
    let nodes: Vec<serde_json::Value> = sim
        .nodes()
        .map(|(id, status, node)| {
            let revived;
            let n = match node {
                Some(n) => Some(n),
                None => {
                    revived = sim.durable_node(id);
                    revived.as_ref()
                }
            };
            let Some(n) = n else {
                return serde_json::json!({ "id": id, "status": status });
            };
            let chosen: Vec<(u64, &str)> = n
                .slots
                .iter()
                .filter_map(|(&k, s)| Some((k, s.chosen.as_deref()?)))
                .collect();
            let accepted: Vec<(u64, Ballot, &str)> = n
                .slots
                .iter()
                .filter_map(|(&k, s)| s.accepted.as_ref().map(|(b, v)| (k, *b, v.as_str())))
                .collect();
            serde_json::json!({
                "id": id,
                "status": status,
                "role": if node.is_some() { n.role.name() } else { "crashed" },
                "chosen": chosen,
                "promised": highest_promise(n),
                "accepted": accepted,
            })
        })
        .collect();
    serde_json::json!({ "nodes": nodes })
}
