//! Two-phase commit's invariants, read from the nodes' durable logs (each
//! append-only, so the checker reads only what is new).
//!
//! - **Atomicity** (Gray & Lamport 2006, §2): no transaction has both a
//!   committed and an aborted participant, and none contradicts the
//!   coordinator's logged decision (nor does a second decision).
//! - **Veto**: a transaction a participant voted no on — or aborted on its
//!   own before voting, which makes its vote no — never commits (at the
//!   coordinator or at any participant).

use super::{Record, TwoPc, COORDINATOR};

/// Atomicity: every participant and the coordinator end on one outcome.
pub const ATOMICITY: &str = "Atomicity";
/// Veto: a transaction voted no on never commits.
pub const VETO: &str = "Veto";
use crate::id::NodeId;
use crate::invariant::{Checker, Violation};
use crate::nodemap::NodeMap;
use crate::sortedmap::SortedMap;
use crate::time::Time;

/// What the logs have said of one transaction.
#[derive(Clone, Debug, Default)]
struct Seen {
    committed: Option<NodeId>,
    aborted: Option<NodeId>,
    vetoed: Option<NodeId>,
    /// Participants that voted yes.
    prepared: Vec<NodeId>,
    /// The coordinator's logged decision.
    decided: Option<bool>,
    /// Each invariant reports a transaction once.
    atomicity_reported: bool,
    veto_reported: bool,
}

/// Reads every node's new log records and checks both invariants.
#[derive(Clone, Debug, Default)]
pub struct TwoPcChecker {
    /// How many records of each node's log were read.
    read: NodeMap<usize>,
    txs: SortedMap<String, Seen>,
}

impl Checker<TwoPc> for TwoPcChecker {
    const NAMES: &'static [&'static str] = &[ATOMICITY, VETO];

    fn after_event(&mut self, now: Time, node: NodeId, state: &TwoPc, out: &mut Vec<Violation>) {
        let from = self.read.get(node).copied().unwrap_or(0);
        let log = state.log();
        if from >= log.len() {
            return;
        }
        self.read.insert(node, log.len());
        for e in &log[from..] {
            let seen = self.txs.entry(e.tx.clone()).or_default();
            let mut conflict = None;
            match (&e.record, node == COORDINATOR) {
                (Record::Prepared, false) => seen.prepared.push(node),
                (Record::Committed, false) => {
                    seen.committed.get_or_insert(node);
                }
                (Record::Aborted, false) => {
                    seen.aborted.get_or_insert(node);
                    // Aborted before voting: its vote can only be no.
                    if !seen.prepared.contains(&node) {
                        seen.vetoed.get_or_insert(node);
                    }
                }
                (Record::VotedNo, false) => {
                    seen.vetoed.get_or_insert(node);
                    seen.aborted.get_or_insert(node);
                }
                (Record::Decided { commit }, true) => match seen.decided {
                    Some(d) if d != *commit => {
                        conflict = Some(format!("{}: {node} decided both commit and abort", e.tx));
                    }
                    _ => seen.decided = Some(*commit),
                },
                _ => {}
            }
            let word = |c: bool| if c { "commit" } else { "abort" };
            if conflict.is_none() {
                conflict = match (seen.decided, seen.committed, seen.aborted) {
                    (_, Some(c), Some(a)) => Some(format!("{}: {c} committed and {a} aborted", e.tx)),
                    (Some(false), Some(p), _) => {
                        Some(format!("{}: {COORDINATOR} decided {} and {p} committed", e.tx, word(false)))
                    }
                    _ => None,
                };
            }
            if let (Some(detail), false) = (conflict, seen.atomicity_reported) {
                seen.atomicity_reported = true;
                out.push(Violation {
                    invariant: ATOMICITY,
                    at: now,
                    detail,
                });
            }
            let committed = seen.decided == Some(true) || seen.committed.is_some();
            if let (Some(v), true, false) = (seen.vetoed, committed, seen.veto_reported) {
                seen.veto_reported = true;
                out.push(Violation {
                    invariant: VETO,
                    at: now,
                    detail: format!("{} committed though {v} voted no", e.tx),
                });
            }
        }
    }
}
