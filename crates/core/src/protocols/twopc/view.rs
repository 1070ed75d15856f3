//! What the UI and the report may read of a two-phase commit node.

use super::{LogEntry, Phase, TwoPc, COORDINATOR};
use crate::id::NodeId;
use crate::sortedmap::{SortedMap, SortedSet};
use crate::time::Time;
use serde::Serialize;

/// How many of the newest log records and transactions a view carries.
pub const VIEW_TAIL: usize = 40;

/// A participant's state of a transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TxState {
    /// Working on it; has not voted (may still abort on its own).
    Working,
    /// Voted yes: in doubt, blocked until it learns the decision.
    Prepared,
    /// Committed.
    Committed,
    /// Aborted.
    Aborted,
}

impl TxState {
    /// Its name in reports and CSS classes.
    pub fn name(self) -> &'static str {
        match self {
            TxState::Working => "working",
            TxState::Prepared => "prepared",
            TxState::Committed => "committed",
            TxState::Aborted => "aborted",
        }
    }
}

/// A participant's transaction as shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TxView {
    /// The transaction.
    pub tx: String,
    /// Its state here.
    pub state: TxState,
    /// Since when (local time of the log record, or of the work's start).
    #[serde(rename = "since_ms", serialize_with = "crate::trace::ser_ms")]
    pub since: Time,
}

/// A vote the coordinator holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VoteView {
    /// The participant.
    pub node: NodeId,
    /// Its vote.
    pub yes: bool,
}

/// A transaction the coordinator is running.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PendingView {
    /// The transaction.
    pub tx: String,
    /// `working`, `voting`, `commit` or `abort` (decided, being delivered).
    pub phase: &'static str,
    /// The votes in.
    pub votes: Vec<VoteView>,
    /// Who acknowledged the decision.
    pub acked: Vec<NodeId>,
}

/// A node as the UI sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TwoPcView {
    /// Whether it is the coordinator.
    pub coordinator: bool,
    /// The newest records of its durable log, oldest first.
    pub log_tail: Vec<LogEntry>,
    /// How many records its log holds.
    pub log_len: usize,
    /// Coordinator: the transactions it is running.
    pub pending: Vec<PendingView>,
    /// Participant: its newest transactions, oldest first.
    pub txs: Vec<TxView>,
}

impl TwoPcView {
    pub(super) fn of(n: &TwoPc) -> TwoPcView {
        let pending = n
            .running
            .iter()
            .map(|(tx, t)| PendingView {
                tx: tx.clone(),
                phase: match t.phase {
                    Phase::Working => "working",
                    Phase::Voting => "voting",
                    Phase::Decided(true) => "commit",
                    Phase::Decided(false) => "abort",
                },
                votes: t
                    .votes
                    .iter()
                    .map(|(node, &yes)| VoteView { node, yes })
                    .collect(),
                acked: t.acked.iter().collect(),
            })
            .collect();
        let txs = participant_txs(n, VIEW_TAIL);
        TwoPcView {
            coordinator: n.id == COORDINATOR,
            log_tail: n.log[n.log.len().saturating_sub(VIEW_TAIL)..].to_vec(),
            log_len: n.log.len(),
            pending,
            txs,
        }
    }
}

/// The newest `limit` transactions a participant knows, in the order it
/// first heard of them (its log's order, then its unlogged work).
fn participant_txs(n: &TwoPc, limit: usize) -> Vec<TxView> {
    if n.id == COORDINATOR {
        return Vec::new();
    }
    let mut working: Vec<TxView> = n
        .work
        .iter()
        .map(|(tx, w)| TxView {
            tx: tx.clone(),
            state: TxState::Working,
            since: w.began,
        })
        .collect();
    working.sort_by_key(|t| t.since);
    working.drain(..working.len().saturating_sub(limit));
    // The log walked from its end: a transaction's first record seen is
    // its last, the state it is in.
    let mut seen = SortedSet::new();
    let mut logged: Vec<TxView> = Vec::new();
    for e in n.log.iter().rev() {
        if logged.len() + working.len() >= limit {
            break;
        }
        if seen.insert(e.tx.as_str()) {
            if let Some(state) = n.state(&e.tx) {
                logged.push(TxView {
                    tx: e.tx.clone(),
                    state,
                    since: e.at,
                });
            }
        }
    }
    logged.reverse();
    logged.extend(working);
    logged
}

/// The two-phase commit figures of a report: `transactions` [{id,
/// decision: "commit" | "abort" | null, participants: [{node, state}]}]
/// (`working` also for a participant that has not heard of it: it has not
/// voted),
/// in the order the coordinator's log and then the participants first
/// name them, and `nodes` [{id, status, role, log_len}].
pub fn metrics(sim: &crate::sim::Sim<TwoPc>) -> serde_json::Value {
    let nodes: Vec<(NodeId, crate::sim::NodeStatus, Option<TwoPc>)> = sim
        .nodes()
        .map(|(id, status, n)| (id, status, n.cloned().or_else(|| sim.durable_node(id))))
        .collect();
    let coordinator = nodes
        .iter()
        .find(|(id, _, _)| *id == COORDINATOR)
        .and_then(|(_, _, n)| n.as_ref());
    let mut order: Vec<String> = Vec::new();
    let mut known = SortedMap::new();
    let mut note = |tx: &String, order: &mut Vec<String>| {
        if known.insert(tx.clone(), ()).is_none() {
            order.push(tx.clone());
        }
    };
    if let Some(c) = coordinator {
        for e in &c.log {
            note(&e.tx, &mut order);
        }
        for tx in c.running.keys() {
            note(tx, &mut order);
        }
    }
    for (_, _, n) in nodes.iter().filter(|(id, _, _)| *id != COORDINATOR) {
        for t in n.iter().flat_map(|n| participant_txs(n, usize::MAX)) {
            note(&t.tx, &mut order);
        }
    }
    let transactions: Vec<serde_json::Value> = order
        .iter()
        .map(|tx| {
            let decision = coordinator.and_then(|c| c.decision(tx));
            let participants: Vec<serde_json::Value> = nodes
                .iter()
                .filter(|(id, _, _)| *id != COORDINATOR)
                .map(|(id, _, n)| {
                    let state = n.as_ref().and_then(|n| n.state(tx)).unwrap_or(TxState::Working);
                    serde_json::json!({ "node": id, "state": state.name() })
                })
                .collect();
            serde_json::json!({
                "id": tx,
                "decision": decision.map(|c| if c { "commit" } else { "abort" }),
                "participants": participants,
            })
        })
        .collect();
    let nodes: Vec<serde_json::Value> = nodes
        .iter()
        .map(|(id, status, n)| {
            serde_json::json!({
                "id": id,
                "status": status,
                "role": if *id == COORDINATOR { "coordinator" } else { "participant" },
                "log_len": n.as_ref().map_or(0, |n| n.log.len()),
            })
        })
        .collect();
    serde_json::json!({ "transactions": transactions, "nodes": nodes })
}
