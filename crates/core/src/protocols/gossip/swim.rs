//! SWIM's membership table and its dissemination buffer (Das, Gupta,
//! Motivala 2002, §4): who is alive, suspect or dead at which incarnation,
//! and which updates still ride on outgoing messages.

use super::msg::{Health, Update};
use crate::id::NodeId;
use crate::time::Time;
use std::collections::BTreeMap;

/// How many times an update is piggybacked, per ⌈log₂(N+1)⌉ (SWIM §4.1:
/// λ log N transmissions reach every member with high probability).
const LAMBDA: u32 = 3;
/// Most updates carried by one message.
const MAX_PIGGYBACK: usize = 8;

/// One member's entry; members without one are alive at incarnation 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Entry {
    health: Health,
    incarnation: u64,
    /// Local time of the last change (when a suspicion started).
    since: Time,
}

/// A node's view of the membership, sparse: only members whose state is
/// not "alive at incarnation 0" have an entry, so a thousand nodes that
/// agree cost nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Membership {
    /// This node's own incarnation.
    pub incarnation: u64,
    // B-trees, not sorted vectors: under a partition each table grows to
    // half the cluster (up to thousands), learned in no key order.
    table: BTreeMap<NodeId, Entry>,
    buffer: BTreeMap<NodeId, (Update, u32)>,
}

impl Membership {
    /// A table for a node at `incarnation`, announcing itself if it has
    /// come back from a crash.
    pub fn new(me: NodeId, incarnation: u64) -> Membership {
        let mut m = Membership {
            incarnation,
            ..Membership::default()
        };
        if incarnation > 0 {
            m.gossip(Update {
                node: me,
                health: Health::Alive,
                incarnation,
            });
        }
        m
    }

    /// What this node believes of `node`.
    pub fn health(&self, node: NodeId) -> Health {
        self.table.get(&node).map_or(Health::Alive, |e| e.health)
    }

    /// Members this node believes suspect or dead, with their incarnations.
    pub fn exceptions(&self) -> impl Iterator<Item = (NodeId, Health, u64)> + '_ {
        self.table
            .iter()
            .filter(|(_, e)| e.health != Health::Alive)
            .map(|(n, e)| (*n, e.health, e.incarnation))
    }

    /// Queues an update for piggybacking, replacing older news of the same member.
    fn gossip(&mut self, update: Update) {
        self.buffer.insert(update.node, (update, 0));
    }

    /// Applies an update heard from the network or decided here; returns the
    /// member's new health if it changed (SWIM §4.2: a higher incarnation
    /// overrides; at equal incarnation suspect overrides alive and dead
    /// overrides both; a member that hears itself suspected refutes).
    pub fn apply(&mut self, me: NodeId, u: Update, now: Time) -> Option<Health> {
        if u.node == me {
            if u.health != Health::Alive {
                // Refute; if the news is older than our last refutation,
                // repeat that one, since it has not reached everyone.
                self.incarnation = self.incarnation.max(u.incarnation + 1);
                self.gossip(Update {
                    node: me,
                    health: Health::Alive,
                    incarnation: self.incarnation,
                });
            }
            return None;
        }
        let (health, inc) = self
            .table
            .get(&u.node)
            .map_or((Health::Alive, 0), |e| (e.health, e.incarnation));
        let newer = match u.health {
            Health::Alive => u.incarnation > inc,
            Health::Suspect => {
                (health == Health::Alive && u.incarnation >= inc)
                    || (health == Health::Suspect && u.incarnation > inc)
                    || (health == Health::Dead && u.incarnation > inc)
            }
            Health::Dead => (health != Health::Dead && u.incarnation >= inc) || u.incarnation > inc,
        };
        if !newer {
            return None;
        }
        self.table.insert(
            u.node,
            Entry {
                health: u.health,
                incarnation: u.incarnation,
                since: now,
            },
        );
        self.gossip(u);
        (u.health != health).then_some(u.health)
    }

    /// This node's own suspicion of `node` after a failed probe.
    pub fn suspect(&mut self, me: NodeId, node: NodeId, now: Time) -> Option<Health> {
        let incarnation = self.table.get(&node).map_or(0, |e| e.incarnation);
        self.apply(
            me,
            Update {
                node,
                health: Health::Suspect,
                incarnation,
            },
            now,
        )
    }

    /// Declares dead every suspect whose suspicion is older than `timeout`
    /// microseconds of local time; returns them.
    pub fn expire(&mut self, me: NodeId, now: Time, timeout: u64) -> Vec<NodeId> {
        let due: Vec<(NodeId, u64)> = self
            .table
            .iter()
            .filter(|(_, e)| e.health == Health::Suspect && now.0 >= e.since.0 + timeout)
            .map(|(n, e)| (*n, e.incarnation))
            .collect();
        due.into_iter()
            .filter(|&(node, incarnation)| {
                self.apply(
                    me,
                    Update {
                        node,
                        health: Health::Dead,
                        incarnation,
                    },
                    now,
                )
                .is_some()
            })
            .map(|(n, _)| n)
            .collect()
    }

    /// A member this node believes dead has sent it a message: tell it
    /// again, so it can refute with a higher incarnation (as memberlist
    /// does; in SWIM proper a dead member must rejoin).
    pub fn remind(&mut self, node: NodeId) {
        if let Some(e) = self.table.get(&node).filter(|e| e.health == Health::Dead) {
            let update = Update {
                node,
                health: Health::Dead,
                incarnation: e.incarnation,
            };
            self.gossip(update);
        }
    }

    /// The updates to carry on the next message: the least-sent first, each
    /// retired after λ⌈log₂(N+1)⌉ sends in a cluster of `members`.
    pub fn piggyback(&mut self, members: usize) -> Vec<Update> {
        if self.buffer.is_empty() {
            return Vec::new();
        }
        let limit = LAMBDA * (usize::BITS - members.leading_zeros());
        let mut chosen: Vec<(u32, NodeId)> = self
            .buffer
            .iter()
            .map(|(n, (_, sent))| (*sent, *n))
            .collect();
        crate::sorting::sort(&mut chosen);
        chosen.truncate(MAX_PIGGYBACK);
        let mut out = Vec::with_capacity(chosen.len());
        for (_, n) in chosen {
            if let Some((u, sent)) = self.buffer.get_mut(&n) {
                out.push(*u);
                *sent += 1;
                if *sent >= limit {
                    self.buffer.remove(&n);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upd(node: u32, health: Health, incarnation: u64) -> Update {
        Update {
            node: NodeId(node),
            health,
            incarnation,
        }
    }

    const ME: NodeId = NodeId(0);

    /// SWIM §4.2's ordering: suspect beats alive at the same incarnation,
    /// alive at a higher incarnation beats suspect, dead beats both.
    #[test]
    fn updates_follow_the_incarnation_order() {
        let mut m = Membership::new(ME, 0);
        let t = Time(5);
        assert_eq!(
            m.apply(ME, upd(1, Health::Suspect, 0), t),
            Some(Health::Suspect)
        );
        assert_eq!(m.apply(ME, upd(1, Health::Alive, 0), t), None);
        assert_eq!(
            m.apply(ME, upd(1, Health::Alive, 1), t),
            Some(Health::Alive)
        );
        assert_eq!(m.apply(ME, upd(1, Health::Suspect, 0), t), None);
        assert_eq!(m.apply(ME, upd(1, Health::Dead, 1), t), Some(Health::Dead));
        assert_eq!(m.apply(ME, upd(1, Health::Suspect, 1), t), None);
        assert_eq!(m.health(NodeId(1)), Health::Dead);
    }

    /// SWIM §4.2: a member that hears it is suspected refutes with a
    /// higher incarnation, and the refutation is queued for piggybacking.
    #[test]
    fn a_suspected_member_refutes() {
        let mut m = Membership::new(ME, 0);
        m.apply(ME, upd(0, Health::Suspect, 0), Time(1));
        assert_eq!(m.incarnation, 1);
        assert_eq!(m.piggyback(10), vec![upd(0, Health::Alive, 1)]);
    }

    #[test]
    fn suspects_expire_into_dead_after_the_timeout() {
        let mut m = Membership::new(ME, 0);
        m.suspect(ME, NodeId(2), Time(1_000));
        assert!(m.expire(ME, Time(1_500), 1_000).is_empty());
        assert_eq!(m.expire(ME, Time(2_000), 1_000), vec![NodeId(2)]);
        assert_eq!(m.health(NodeId(2)), Health::Dead);
    }

    /// SWIM §4.1: an update is retired after λ⌈log₂(N+1)⌉ transmissions.
    #[test]
    fn piggybacked_updates_retire() {
        let mut m = Membership::new(ME, 0);
        m.suspect(ME, NodeId(3), Time(0));
        // N = 7: ⌈log₂ 8⌉ = 3, so 9 sends.
        let sends = (0..20).filter(|_| !m.piggyback(7).is_empty()).count();
        assert_eq!(sends, 9);
    }
}
