//! The live region's words: notable changes between two snapshots, said in
//! a sentence each ("n2 crashed", and the lab's own news such as "n3 became
//! leader in term 4"), throttled so that a fast run speaks at most once a
//! second.

use crate::snapshot::Snapshot;
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
    groups: Vec<Vec<NodeId>>,
    violations: Vec<String>,
}

impl Facts {
    /// The facts of a snapshot.
    pub fn of(s: &Snapshot) -> Facts {
        Facts {
            now: s.now,
            nodes: s.nodes.iter().map(|n| (n.id, n.status)).collect(),
            groups: s.network.groups.clone(),
            violations: s
                .violations
                .iter()
                .map(|v| format!("invariant violated: {}", v.invariant))
                .collect(),
        }
    }
}

/// The notable changes from `old` to `new`, one sentence each, with the
/// lab's `news` after the nodes' changes.
pub fn changes(old: &Facts, new: &Facts, news: Vec<String>) -> Vec<String> {
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
    out.extend(news);
    if new.groups != old.groups {
        out.push(if new.groups.is_empty() {
            "the partition healed".to_string()
        } else {
            partition(&new.groups, new.nodes.len())
        });
    }
    out.extend(new.violations.iter().skip(old.violations.len()).cloned());
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
    /// Notes a snapshot at wall time `wall_ms`, with its lab's news since
    /// the last; returns whether the text changed. A jump back in time (a
    /// seek, a new scenario) starts afresh without announcing what differs.
    pub fn observe(&mut self, snap: &Snapshot, news: Vec<String>, wall_ms: f64) -> bool {
        let facts = Facts::of(snap);
        match &self.last {
            Some(old) if facts.now >= old.now => {
                for c in changes(old, &facts, news) {
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
        new.groups = vec![
            vec![NodeId(0), NodeId(1)],
            vec![NodeId(2), NodeId(3), NodeId(4)],
        ];
        new.violations = vec!["invariant violated: Election Safety".into()];
        let news = vec!["n1 became leader in term 4".to_string()];
        assert_eq!(
            changes(&old, &new, news),
            [
                "n2 crashed",
                "n3 resumed",
                "n4 joined",
                "n1 became leader in term 4",
                "partition: {n0,n1} | {n2,n3,n4}",
                "invariant violated: Election Safety",
            ]
        );
        let healed = Facts {
            groups: Vec::new(),
            ..new.clone()
        };
        assert_eq!(changes(&new, &healed, Vec::new()), ["the partition healed"]);
        assert!(
            changes(&new, &new, Vec::new()).is_empty(),
            "nothing new, nothing said"
        );
    }

    #[test]
    fn a_big_partition_is_said_by_size() {
        let old = facts(&(0..256).map(|i| (i, NodeStatus::Up)).collect::<Vec<_>>());
        let new = Facts {
            groups: vec![
                (0..128).map(NodeId).collect(),
                (128..256).map(NodeId).collect(),
            ],
            ..old.clone()
        };
        assert_eq!(
            changes(&old, &new, Vec::new()),
            ["partition: 128 nodes | 128 nodes"]
        );
    }

    #[cfg(feature = "raft")]
    #[test]
    fn a_run_is_announced_at_most_once_a_second() {
        let tour = crate::tour::load("raft").unwrap();
        let mut sim = crate::running::build(&tour.scenario_at(0).unwrap()).unwrap();
        let mut lab = (crate::labs::entry(sim.protocol()).unwrap().start)();
        let mut a = Announcer::default();
        let mut look = |sim: &faultline_core::AnySim, wall: f64| {
            let snap = lab.snapshot(sim, false, true);
            let news = lab.news(&snap);
            a.observe(&snap, news, wall)
        };
        assert!(!look(&sim, 0.0), "the first look says nothing");
        sim.run_until(Time::from_ms(400));
        assert!(!look(&sim, 500.0), "too soon");
        assert!(look(&sim, 1_000.0));
        assert!(!look(&sim, 2_500.0), "said once");
        sim.seek(Time::from_ms(10));
        assert!(!look(&sim, 4_000.0), "a seek back is no news");
        assert_eq!(a.text, "n4 became leader in term 1");
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
