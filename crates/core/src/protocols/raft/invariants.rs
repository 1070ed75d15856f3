//! Raft's safety properties (Figure 3 of the paper), checked after every
//! event. Each check costs only what the event changed: the checker keeps
//! the history it needs (who led each term, every (index, term) ever seen
//! with the hash of its prefix, what was committed and applied).

use super::{Raft, Role};
use crate::id::NodeId;
use crate::invariant::{Checker, Violation};
use crate::time::Time;
use serde::Serialize;
use crate::nodemap::NodeMap;
use crate::sortedmap::SortedMap;

/// Election Safety: at most one leader per term (§5.2).
pub const ELECTION_SAFETY: &str = "Election Safety";
/// Leader Append-Only: a leader never overwrites or deletes entries (§5.3).
pub const LEADER_APPEND_ONLY: &str = "Leader Append-Only";
/// Log Matching: same index and term means identical prefixes (§5.3).
pub const LOG_MATCHING: &str = "Log Matching";
/// Leader Completeness: committed entries are in every later leader's log (§5.4).
pub const LEADER_COMPLETENESS: &str = "Leader Completeness";
/// State Machine Safety: no two servers apply different entries at one index (§5.4.3).
pub const STATE_MACHINE_SAFETY: &str = "State Machine Safety";
/// One Change at a Time: no log holds more than one uncommitted
/// configuration entry (dissertation §4.1).
pub const ONE_CHANGE_AT_A_TIME: &str = "One Change at a Time";

/// A leader of a term, as first seen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LeaderRecord {
    /// The term.
    pub term: u64,
    /// The leader.
    pub node: NodeId,
    /// When it became leader.
    #[serde(rename = "at_ms", serialize_with = "crate::trace::ser_ms")]
    pub at: Time,
}

/// The history behind Raft's invariants.
#[derive(Clone, Debug, Default)]
pub struct RaftChecker {
    leaders: SortedMap<u64, LeaderRecord>,
    /// Per leader: (term, log length, chain at that length) when last seen.
    leader_logs: NodeMap<(u64, u64, u64)>,
    /// Every (index, term) ever seen in a log, with its prefix hash.
    entries: SortedMap<(u64, u64), u64>,
    /// Per node: (log length, last chain) when last checked.
    seen: NodeMap<(u64, u64)>,
    /// Per term in which a commit became known: (highest index, its prefix hash).
    committed: SortedMap<u64, (u64, u64)>,
    /// Per index: digest of the entry applied there.
    applied: SortedMap<u64, u64>,
    /// Per node: how far its applied entries have been checked.
    applied_upto: NodeMap<u64>,
    /// The kinds of state reached, for the guided search.
    reached: Vec<(u64, Time)>,
}

/// Kinds of state the guided search keeps a schedule for (the first two
/// and the fourth with a count in the low byte): logs holding entries of
/// several terms at one index, several servers that believe they lead, a
/// leader whose log holds uncommitted entries of earlier terms, how many
/// voters hold the first of them, and such an entry committed by counting
/// replicas (§5.4.2).
pub mod reach {
    /// Entries of this many terms at one index, among all logs.
    pub const TERMS_AT_ONE_INDEX: u64 = 1 << 8;
    /// This many servers believe they lead, each in its own term.
    pub const LEADERS_AT_ONCE: u64 = 2 << 8;
    /// A leader holds uncommitted entries of earlier terms.
    pub const EARLIER_TERM_TAIL: u64 = 3 << 8;
    /// The first of them is on this many voters, the leader included.
    pub const EARLIER_TERM_REPLICAS: u64 = 4 << 8;
    /// A leader committed an entry of an earlier term by counting replicas.
    pub const EARLIER_TERM_COMMITTED: u64 = 5 << 8;
}

impl RaftChecker {
    /// Every leader seen, by term.
    pub fn leaders(&self) -> impl Iterator<Item = &LeaderRecord> {
        self.leaders.values()
    }

    fn election_safety(&mut self, now: Time, id: NodeId, r: &Raft, out: &mut Vec<Violation>) {
        if r.role != Role::Leader {
            return;
        }
        match self.leaders.get(&r.term) {
            None => {
                self.leaders.insert(
                    r.term,
                    LeaderRecord {
                        term: r.term,
                        node: id,
                        at: now,
                    },
                );
            }
            Some(first) if first.node != id => out.push(Violation {
                invariant: ELECTION_SAFETY,
                at: now,
                detail: format!(
                    "term {} has two leaders: {} (since {}) and {id}",
                    r.term, first.node, first.at
                ),
            }),
            Some(_) => {}
        }
    }

    fn leader_append_only(&mut self, now: Time, id: NodeId, r: &Raft, out: &mut Vec<Violation>) {
        if r.role != Role::Leader {
            self.leader_logs.remove(id);
            return;
        }
        let len = r.log.last_index();
        let chain = r.log.chain_at(len).unwrap_or(0);
        if let Some(&(term, old_len, old_chain)) = self.leader_logs.get(id) {
            // Entries a snapshot discarded are not lost: only held ones count.
            let held = old_len >= r.log.start();
            if term == r.term && held && r.log.chain_at(old_len) != Some(old_chain) {
                out.push(Violation {
                    invariant: LEADER_APPEND_ONLY,
                    at: now,
                    detail: format!(
                        "leader {id} of term {term} changed its log at or before index {old_len}"
                    ),
                });
            }
        }
        self.leader_logs.insert(id, (r.term, len, chain));
    }

    fn log_matching(&mut self, now: Time, id: NodeId, r: &Raft, out: &mut Vec<Violation>) {
        let len = r.log.last_index();
        let last_chain = r.log.chain_at(len).unwrap_or(0);
        if self.seen.get(id) == Some(&(len, last_chain)) {
            return;
        }
        self.seen.insert(id, (len, last_chain));
        // Walk back from the tail to the first entry already known: the
        // prefix hash there vouches for everything before it.
        let mut fresh = Vec::new();
        let mut k = len;
        while k > r.log.start() {
            let term = r.log.term_at(k).unwrap_or(0);
            let chain = r.log.chain_at(k).unwrap_or(0);
            match self.entries.get(&(k, term)) {
                Some(&known) if known == chain => break,
                Some(_) => {
                    out.push(Violation {
                        invariant: LOG_MATCHING,
                        at: now,
                        detail: format!(
                            "{id} holds entry {k} of term {term} with a prefix that differs from another log's"
                        ),
                    });
                    break;
                }
                None => fresh.push((k, term, chain)),
            }
            k -= 1;
        }
        for (k, term, chain) in fresh {
            self.entries.insert((k, term), chain);
            let terms = self.entries.range((k, 0)..=(k, u64::MAX)).count() as u64;
            if terms > 1 {
                crate::invariant::reach(
                    &mut self.reached,
                    reach::TERMS_AT_ONE_INDEX | terms.min(4),
                    now,
                );
            }
        }
    }

    /// Checks Leader Completeness; returns, for a leader, the highest index
    /// committed in an earlier term (0 if none, or not a leader).
    fn leader_completeness(
        &mut self,
        now: Time,
        id: NodeId,
        r: &Raft,
        out: &mut Vec<Violation>,
    ) -> u64 {
        if r.commit > 0 {
            let chain = r.log.chain_at(r.commit).unwrap_or(0);
            let rec = self.committed.entry(r.term).or_insert((0, 0));
            if r.commit > rec.0 {
                *rec = (r.commit, chain);
            }
        }
        if r.role != Role::Leader {
            return 0;
        }
        // The highest index committed in any earlier term (records are per
        // term and need not grow with it).
        let earlier = self
            .committed
            .range(..r.term)
            .max_by_key(|(_, &(index, _))| index);
        let Some((&term, &(index, chain))) = earlier else {
            return 0;
        };
        // A snapshot past `index` covers it (only committed entries are
        // snapshotted); Log Matching checks the prefix at the snapshot.
        if index >= r.log.start() && r.log.chain_at(index) != Some(chain) {
            out.push(Violation {
                invariant: LEADER_COMPLETENESS,
                at: now,
                detail: format!(
                    "leader {id} of term {} lacks entry {index}, committed by term {term}",
                    r.term
                ),
            });
        }
        index
    }

    fn state_machine_safety(&mut self, now: Time, id: NodeId, r: &Raft, out: &mut Vec<Violation>) {
        let upto = self.applied_upto.get_or_insert_with(id, || 0);
        if r.applied < *upto {
            *upto = 0; // restarted: its state machine is rebuilt from index 1
        }
        // A snapshot stands for the entries it covers.
        *upto = (*upto).max(r.snapshot.index);
        for i in (*upto + 1)..=r.applied {
            let Some(entry) = r.log.entry(i) else { break };
            let digest = entry.digest();
            match self.applied.get(&i) {
                Some(&d) if d != digest => out.push(Violation {
                    invariant: STATE_MACHINE_SAFETY,
                    at: now,
                    detail: format!(
                        "{id} applied entry {i} (term {}, {:?}) but another server applied a different entry there",
                        entry.term, entry.command
                    ),
                }),
                Some(_) => {}
                None => {
                    self.applied.insert(i, digest);
                }
            }
        }
        *upto = r.applied;
    }

    /// §4.1: a leader appends a configuration entry only once the previous
    /// one has committed, so no log holds two beyond the highest commit
    /// known anywhere.
    fn one_change_at_a_time(&self, now: Time, id: NodeId, r: &Raft, out: &mut Vec<Violation>) {
        let committed = self.committed.values().map(|&(i, _)| i).max().unwrap_or(0);
        let uncommitted: Vec<u64> = r
            .log
            .entries()
            .iter()
            .enumerate()
            .rev()
            .map(|(i, e)| (r.log.start() + i as u64 + 1, e))
            .take_while(|(i, _)| *i > committed)
            .filter(|(_, e)| e.config.is_some())
            .map(|(i, _)| i)
            .collect();
        if uncommitted.len() > 1 {
            out.push(Violation {
                invariant: ONE_CHANGE_AT_A_TIME,
                at: now,
                detail: format!(
                    "{id} holds {} uncommitted configuration entries (at {}), the highest commit being {committed}",
                    uncommitted.len(),
                    uncommitted
                        .iter()
                        .rev()
                        .map(u64::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
    }
}

impl Checker<Raft> for RaftChecker {
    const NAMES: &'static [&'static str] = &[
        ELECTION_SAFETY,
        LEADER_APPEND_ONLY,
        LOG_MATCHING,
        LEADER_COMPLETENESS,
        STATE_MACHINE_SAFETY,
        ONE_CHANGE_AT_A_TIME,
    ];
    const GUIDES: bool = true;

    fn after_event(&mut self, now: Time, node: NodeId, r: &Raft, out: &mut Vec<Violation>) {
        self.election_safety(now, node, r, out);
        self.leader_append_only(now, node, r, out);
        self.log_matching(now, node, r, out);
        let earlier = self.leader_completeness(now, node, r, out);
        self.state_machine_safety(now, node, r, out);
        self.one_change_at_a_time(now, node, r, out);
        if r.role == Role::Leader {
            self.reach_as_leader(now, r, earlier);
        }
    }

    fn reached(&self) -> &[(u64, Time)] {
        &self.reached
    }
}

impl RaftChecker {
    /// Notes the kinds of state leader `r` is in ([`reach`]); `earlier` is
    /// the highest index committed in an earlier term.
    fn reach_as_leader(&mut self, now: Time, r: &Raft, earlier: u64) {
        let leaders = self.leader_logs.len() as u64;
        if leaders > 1 {
            crate::invariant::reach(&mut self.reached, reach::LEADERS_AT_ONCE | leaders.min(4), now);
        }
        let first = r.commit + 1;
        if first <= r.log.last_index() && r.log.term_at(first).is_some_and(|t| t < r.term) {
            crate::invariant::reach(&mut self.reached, reach::EARLIER_TERM_TAIL, now);
            let own = r.persisted_upto() >= first;
            let others = r
                .voters
                .iter()
                .filter(|&&v| v != r.id && r.match_index.get(v).is_some_and(|&m| m >= first))
                .count();
            let replicas = (usize::from(own) + others) as u64;
            crate::invariant::reach(
                &mut self.reached,
                reach::EARLIER_TERM_REPLICAS | replicas.min(255),
                now,
            );
        }
        if r.commit > earlier && r.log.term_at(r.commit).is_some_and(|t| t < r.term) {
            crate::invariant::reach(&mut self.reached, reach::EARLIER_TERM_COMMITTED, now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::node::Protocol;
    use crate::protocols::raft::{Entry, RaftDurable, RaftLog, RaftParams};

    fn server(id: u32, term: u64, entries: u64, commit: u64, role: Role) -> Raft {
        let mut log = RaftLog::default();
        for i in 1..=entries {
            log.push(Entry::new(1, format!("set k={i}"), None));
        }
        let peers: Vec<NodeId> = (0..5).filter(|&p| p != id).map(NodeId).collect();
        let durable = RaftDurable::new(term, None, log);
        let mut r = Raft::new(NodeId(id), &peers, &RaftParams::default(), Some(durable));
        r.commit = commit;
        r.role = role;
        r
    }

    // §5.4: a leader of a later term must hold every committed entry, even
    // when the latest record before its term is a lower commit index (a
    // lagging node that moved on to a newer term).
    #[test]
    fn leader_completeness_uses_the_highest_earlier_commit() {
        let mut c = RaftChecker::default();
        let mut out = Vec::new();
        let t = Time::ZERO;
        c.after_event(
            t,
            NodeId(0),
            &server(0, 2, 10, 10, Role::Follower),
            &mut out,
        );
        c.after_event(t, NodeId(1), &server(1, 3, 4, 4, Role::Follower), &mut out);
        assert!(out.is_empty(), "{out:?}");
        c.after_event(t, NodeId(2), &server(2, 4, 5, 0, Role::Leader), &mut out);
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].invariant, LEADER_COMPLETENESS);
        assert!(out[0].detail.contains("entry 10"), "{}", out[0].detail);
    }

    // Dissertation §4.1: a log with two configuration entries past every
    // known commit breaks One Change at a Time; with one, it holds.
    #[test]
    fn two_uncommitted_configurations_fire_one_change_at_a_time() {
        let config = |term, command: &str, voters: &[u32]| Entry {
            config: Some(voters.iter().copied().map(NodeId).collect()),
            ..Entry::new(term, command, None)
        };
        let mut c = RaftChecker::default();
        let mut out = Vec::new();
        let mut r = server(0, 2, 3, 3, Role::Follower);
        c.after_event(Time::ZERO, NodeId(0), &r, &mut out);
        r.log.push(config(2, "add n5", &[0, 1, 2, 3, 4, 5]));
        c.after_event(Time::ZERO, NodeId(0), &r, &mut out);
        assert!(out.is_empty(), "{out:?}");
        r.log.push(config(2, "add n6", &[0, 1, 2, 3, 4, 5, 6]));
        c.after_event(Time::ZERO, NodeId(0), &r, &mut out);
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].invariant, ONE_CHANGE_AT_A_TIME);
        assert!(out[0].detail.contains("at 4, 5"), "{}", out[0].detail);
    }

    // §5.4: a leader holding every committed entry passes.
    #[test]
    fn a_complete_leader_passes() {
        let mut c = RaftChecker::default();
        let mut out = Vec::new();
        c.after_event(
            Time::ZERO,
            NodeId(0),
            &server(0, 2, 10, 10, Role::Follower),
            &mut out,
        );
        c.after_event(
            Time::ZERO,
            NodeId(2),
            &server(2, 4, 12, 0, Role::Leader),
            &mut out,
        );
        assert!(out.is_empty(), "{out:?}");
    }
}
