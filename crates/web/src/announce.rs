//! The live region's words: notable changes between two snapshots, said in
//! a sentence each ("n3 became leader in term 4", "n2 crashed"), throttled
//! so that a fast run speaks at most once a second.

use crate::snapshot::Snapshot;
use faultline_core::protocols::raft::Role;
use faultline_core::sim::NodeStatus;
use faultline_core::{NodeId, Time};

/// The shortest wall time between two announcements, ms.
pub const PERIOD_MS: f64 = 1_000.0;
/// Most sentences one announcement carries; the rest are counted.
const MOST: usize = 3;
/// Above this many nodes, a partition is said by its sides' sizes.
const NAMED_NODES: usize = 12;

/// What the announcer compares between snapshots.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Facts {
    now: Time,
    nodes: Vec<(NodeId, NodeStatus)>,
    leaders: Vec<(NodeId, u64)>,
    groups: Vec<Vec<NodeId>>,
    violations: Vec<String>,
    full_rumors: usize,
    stale: Vec<NodeId>,
}

impl Facts {
    /// The facts of a snapshot.
    pub fn of(s: &Snapshot) -> Facts {
        let leaders = s.raft.as_ref().map_or_else(Vec::new, |r| {
            r.nodes
                .iter()
                .filter(|n| n.status == NodeStatus::Up)
                .filter_map(|n| Some((n.id, n.state.as_ref()?)))
                .filter(|(_, v)| v.role == Role::Leader)
                .map(|(id, v)| (id, v.term))
                .collect()
        });
        Facts {
            now: s.now,
            nodes: s.nodes.iter().map(|n| (n.id, n.status)).collect(),
            leaders,
            groups: s.network.groups.clone(),
            violations: s
                .violations
                .iter()
                .map(|v| format!("invariant violated: {}", v.invariant))
                .collect(),
            full_rumors: s.gossip.as_ref().map_or(0, |g| {
                g.rumors
                    .iter()
                    .filter(|r| r.live > 0 && r.informed >= r.live)
                    .count()
            }),
            stale: s.quorum.as_ref().map_or_else(Vec::new, |q| {
                q.history
                    .iter()
                    .filter(|h| h.stale.is_some())
                    .map(|h| h.op.node)
                    .collect()
            }),
        }
    }
}

/// The notable changes from `old` to `new`, one sentence each.
pub fn changes(old: &Facts, new: &Facts) -> Vec<String> {
    let mut out = Vec::new();
    for (id, status) in &new.nodes {
        let before = old.nodes.iter().find(|(o, _)| o == id).map(|(_, s)| *s);
        let said = match (before, status) {
            (None, _) if !old.nodes.is_empty() => "joined",
            (Some(a), b) if a == *b => continue,
            (_, NodeStatus::Crashed) => "crashed",
            (_, NodeStatus::Paused) => "paused",
            (_, NodeStatus::Removed) => "left",
            (Some(NodeStatus::Crashed), NodeStatus::Up) => "restarted",
            (Some(NodeStatus::Paused), NodeStatus::Up) => "resumed",
            _ => continue,
        };
        out.push(format!("{id} {said}"));
    }
    for (id, term) in &new.leaders {
        if !old.leaders.contains(&(*id, *term)) {
            out.push(format!("{id} became leader in term {term}"));
        }
    }
    if new.groups != old.groups {
        out.push(if new.groups.is_empty() {
            "the partition healed".to_string()
        } else {
            partition(&new.groups, new.nodes.len())
        });
    }
    out.extend(new.violations.iter().skip(old.violations.len()).cloned());
    if new.full_rumors > old.full_rumors {
        let live = new
            .nodes
            .iter()
            .filter(|(_, s)| *s == NodeStatus::Up)
            .count();
        out.push(format!("the rumor reached all {live} live nodes"));
    }
    out.extend(
        new.stale
            .iter()
            .skip(old.stale.len())
            .map(|n| format!("stale read at {n}")),
    );
    out
}

/// A partition in words: its sides by name, or by size in a big cluster.
fn partition(groups: &[Vec<NodeId>], nodes: usize) -> String {
    let sides: Vec<String> = groups
        .iter()
        .map(|g| {
            if nodes > NAMED_NODES {
                format!("{} nodes", g.len())
            } else {
                let names: Vec<String> = g.iter().map(|n| n.to_string()).collect();
                format!("{{{}}}", names.join(","))
            }
        })
        .collect();
    format!("partition: {}", sides.join(" | "))
}

/// Joins sentences into one announcement, at most [`MOST`] of them.
pub fn sentence(parts: &[String]) -> String {
    let mut text = parts
        .iter()
        .take(MOST)
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    if parts.len() > MOST {
        text.push_str(&format!("; and {} more", parts.len() - MOST));
    }
    text
}

/// Keeps the last facts and what is waiting to be said.
#[derive(Default)]
pub struct Announcer {
    last: Option<Facts>,
    pending: Vec<String>,
    said_at: f64,
    /// What the live region says now.
    pub text: String,
}

impl Announcer {
    /// Notes a snapshot at wall time `wall_ms`; returns whether the text
    /// changed. A jump back in time (a seek, a new scenario) starts afresh
    /// without announcing what differs.
    pub fn observe(&mut self, snap: &Snapshot, wall_ms: f64) -> bool {
        let facts = Facts::of(snap);
        match &self.last {
            Some(old) if facts.now >= old.now => {
                for c in changes(old, &facts) {
                    if !self.pending.contains(&c) {
                        self.pending.push(c);
                    }
                }
            }
            _ => self.pending.clear(),
        }
        self.last = Some(facts);
        self.flush(wall_ms)
    }

    /// Says `text` now, ahead of anything pending (a tour step, say).
    pub fn say(&mut self, text: String, wall_ms: f64) {
        self.text = text;
        self.said_at = wall_ms;
    }

    /// Forgets the last facts: the next snapshot is a fresh start.
    pub fn reset(&mut self) {
        self.last = None;
        self.pending.clear();
    }

    fn flush(&mut self, wall_ms: f64) -> bool {
        if self.pending.is_empty() || wall_ms - self.said_at < PERIOD_MS {
            return false;
        }
        self.text = sentence(&std::mem::take(&mut self.pending));
        self.said_at = wall_ms;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(nodes: &[(u32, NodeStatus)]) -> Facts {
        Facts {
            nodes: nodes.iter().map(|(i, s)| (NodeId(*i), *s)).collect(),
            ..Facts::default()
        }
    }

    #[test]
    fn notable_changes_are_said_in_words() {
        use NodeStatus::*;
        let old = facts(&[(0, Up), (1, Up), (2, Up), (3, Paused)]);
        let mut new = facts(&[(0, Up), (1, Up), (2, Crashed), (3, Up), (4, Up)]);
        new.leaders = vec![(NodeId(1), 4)];
        new.groups = vec![
            vec![NodeId(0), NodeId(1)],
            vec![NodeId(2), NodeId(3), NodeId(4)],
        ];
        new.violations = vec!["invariant violated: Election Safety".into()];
        new.stale = vec![NodeId(1)];
        assert_eq!(
            changes(&old, &new),
            [
                "n2 crashed",
                "n3 resumed",
                "n4 joined",
                "n1 became leader in term 4",
                "partition: {n0,n1} | {n2,n3,n4}",
                "invariant violated: Election Safety",
                "stale read at n1",
            ]
        );
        let healed = Facts {
            groups: Vec::new(),
            ..new.clone()
        };
        assert_eq!(changes(&new, &healed), ["the partition healed"]);
        assert!(changes(&new, &new).is_empty(), "nothing new, nothing said");
    }

    #[test]
    fn a_big_partition_is_said_by_size_and_a_full_rumor_by_count() {
        let old = facts(&(0..256).map(|i| (i, NodeStatus::Up)).collect::<Vec<_>>());
        let new = Facts {
            groups: vec![
                (0..128).map(NodeId).collect(),
                (128..256).map(NodeId).collect(),
            ],
            full_rumors: 1,
            ..old.clone()
        };
        assert_eq!(
            changes(&old, &new),
            [
                "partition: 128 nodes | 128 nodes",
                "the rumor reached all 256 live nodes"
            ]
        );
    }

    #[test]
    fn a_run_is_announced_at_most_once_a_second() {
        let tour = crate::tour::load("raft").unwrap();
        let mut sim = crate::app::build(&tour.scenario_at(0).unwrap()).unwrap();
        let mut a = Announcer::default();
        assert!(
            !a.observe(&Snapshot::of(&sim, false), 0.0),
            "the first look says nothing"
        );
        sim.run_until(Time::from_ms(400));
        assert!(!a.observe(&Snapshot::of(&sim, false), 500.0), "too soon");
        assert!(a.observe(&Snapshot::of(&sim, false), 1_000.0));
        assert_eq!(a.text, "n4 became leader in term 1");
        assert!(!a.observe(&Snapshot::of(&sim, false), 2_500.0), "said once");
        sim.seek(Time::from_ms(10));
        assert!(
            !a.observe(&Snapshot::of(&sim, false), 4_000.0),
            "a seek back is no news"
        );
    }

    #[test]
    fn long_lists_are_cut_and_counted() {
        let parts: Vec<String> = (0..5).map(|i| format!("n{i} crashed")).collect();
        assert_eq!(
            sentence(&parts),
            "n0 crashed; n1 crashed; n2 crashed; and 2 more"
        );
    }
}
