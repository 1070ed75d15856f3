//! Paxos's invariants (Paxos Made Simple, §2.1), read from every node's
//! change journal (durable and append-only, so only what is new is read):
//!
//! - **Agreement**: no slot is chosen with two values — neither by two
//!   majorities of acceptors nor by two learners — and a learner learns
//!   only a value a majority accepted.
//! - **Validity**: a value learned chosen was proposed (by a client) or,
//!   in Multi-Paxos, is a leader's `noop`.
//! - **Promise Kept**: an acceptor never accepts a ballot below one it
//!   promised.

use super::{Ballot, Change, Paxos, NOOP};
use crate::id::NodeId;
use crate::invariant::{Checker, Violation};
use crate::nodemap::NodeMap;
use crate::sortedmap::{SortedMap, SortedSet};
use crate::time::Time;

/// What one acceptor was seen to promise.
#[derive(Clone, Debug, Default)]
struct Promises {
    every_slot: Ballot,
    per_slot: SortedMap<u64, Ballot>,
}

/// Reads every node's journal and checks the three invariants.
#[derive(Clone, Debug, Default)]
pub struct PaxosChecker {
    /// How much of each node's journal was read.
    read: NodeMap<usize>,
    proposed: SortedSet<String>,
    promises: NodeMap<Promises>,
    /// Acceptances by (slot, ballot): the value and who accepted it.
    votes: SortedMap<(u64, Ballot), (String, Vec<NodeId>)>,
    /// The value a majority accepted in each slot, with the ballot.
    chosen: SortedMap<u64, (String, Ballot)>,
    /// The first value learned in each slot, and by whom.
    learned: SortedMap<u64, (String, NodeId)>,
    /// (invariant, slot) already reported.
    reported: SortedSet<(&'static str, u64)>,
}

impl PaxosChecker {
    fn report(&mut self, out: &mut Vec<Violation>, now: Time, name: &'static str, slot: u64, detail: String) {
        if self.reported.insert((name, slot)) {
            out.push(Violation {
                invariant: name,
                at: now,
                detail,
            });
        }
    }

    /// A value is chosen in `slot` (by a majority at `ballot`): it must be
    /// the one any other majority or learner chose.
    fn choose(&mut self, out: &mut Vec<Violation>, now: Time, slot: u64, value: &str, ballot: Ballot) {
        match self.chosen.get(&slot) {
            Some((v, b)) if v != value => {
                let detail = format!("slot {slot} chosen with {v} (ballot {b}) and {value} (ballot {ballot})");
                self.report(out, now, "Agreement", slot, detail);
            }
            Some(_) => {}
            None => {
                self.chosen.insert(slot, (value.to_string(), ballot));
            }
        }
    }
}

impl Checker<Paxos> for PaxosChecker {
    const NAMES: &'static [&'static str] = &["Agreement", "Validity", "Promise Kept"];

    fn after_event(&mut self, now: Time, node: NodeId, state: &Paxos, out: &mut Vec<Violation>) {
        let gap_fill = state.params.mode == super::Mode::Multi;
        self.observe(now, node, state.cluster_size(), gap_fill, state.journal(), out);
    }
}

impl PaxosChecker {
    /// Reads what is new in `node`'s journal (the whole of it, as the node
    /// holds it now) in a cluster of `cluster_size` where leaders fill gaps
    /// with `noop` or not (`gap_fill`), and pushes any violation to `out`.
    pub fn observe(
        &mut self,
        now: Time,
        node: NodeId,
        cluster_size: usize,
        gap_fill: bool,
        journal: &[Change],
        out: &mut Vec<Violation>,
    ) {
        let from = self.read.get(node).copied().unwrap_or(0);
        if from >= journal.len() {
            return;
        }
        self.read.insert(node, journal.len());
        let majority = cluster_size / 2 + 1;
        for change in &journal[from..] {
            match change {
                Change::Proposed(v) => {
                    self.proposed.insert(v.clone());
                }
                Change::Promised(slot, b) => {
                    let p = self.promises.get_or_insert_with(node, Promises::default);
                    match slot {
                        None => p.every_slot = p.every_slot.max(*b),
                        Some(s) => {
                            let e = p.per_slot.entry(*s).or_insert(Ballot::ZERO);
                            *e = (*e).max(*b);
                        }
                    }
                }
                Change::Accepted(slot, b, v) => {
                    let p = self.promises.get_or_insert_with(node, Promises::default);
                    let promised = p
                        .per_slot
                        .get(slot)
                        .copied()
                        .unwrap_or(Ballot::ZERO)
                        .max(p.every_slot);
                    let e = p.per_slot.entry(*slot).or_insert(Ballot::ZERO);
                    *e = (*e).max(*b);
                    if *b < promised {
                        let detail = format!(
                            "{node} accepted ballot {b} in slot {slot} after promising {promised}"
                        );
                        self.report(out, now, "Promise Kept", *slot, detail);
                    }
                    let vote = self
                        .votes
                        .entry((*slot, *b))
                        .or_insert_with(|| (v.clone(), Vec::new()));
                    if vote.0 != *v {
                        let detail = format!(
                            "ballot {b} carries two values in slot {slot}: {} and {v}",
                            vote.0
                        );
                        self.report(out, now, "Agreement", *slot, detail);
                        continue;
                    }
                    if !vote.1.contains(&node) {
                        vote.1.push(node);
                    }
                    if vote.1.len() >= majority {
                        self.choose(out, now, *slot, v, *b);
                    }
                }
                Change::Learned(slot, v) => {
                    if !(self.proposed.contains(v.as_str()) || gap_fill && v == NOOP) {
                        let detail = format!("{node} learned {v} in slot {slot}, which no client proposed");
                        self.report(out, now, "Validity", *slot, detail);
                    }
                    match self.learned.get(slot) {
                        Some((w, by)) if w != v => {
                            let detail = format!("slot {slot}: {by} learned {w}, {node} learned {v}");
                            self.report(out, now, "Agreement", *slot, detail);
                        }
                        Some(_) => {}
                        None => {
                            self.learned.insert(*slot, (v.clone(), node));
                        }
                    }
                    // Acceptors write their vote before they answer, so a
                    // value is learned only after its majority is read.
                    let detail = match self.chosen.get(slot) {
                        Some((c, b)) if c != v => Some(format!(
                            "slot {slot}: a majority accepted {c} (ballot {b}), {node} learned {v}"
                        )),
                        Some(_) => None,
                        None => Some(format!(
                            "slot {slot}: {node} learned {v}, which no majority accepted"
                        )),
                    };
                    if let Some(detail) = detail {
                        self.report(out, now, "Agreement", *slot, detail);
                    }
                }
            }
        }
    }
}
