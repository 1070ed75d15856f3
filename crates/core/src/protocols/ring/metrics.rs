//! The figures of a ring run: the final load, and for every membership
//! change how many keys it moved and when its transfers arrived.

use super::layout::Layout;
use super::status::ring_status;
use super::{Ring, RingEvent};
use crate::command::Command;
use crate::id::NodeId;
use crate::placement::stats;
use crate::sim::Sim;
use crate::time::Time;
use serde::Serialize;
use serde_json::json;
use crate::sortedmap::SortedMap;

/// One membership change of the run and what it did.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Change {
    /// When it applied, in milliseconds.
    pub at_ms: f64,
    /// `"add_node"` or `"remove_node"`.
    pub op: &'static str,
    /// The node added or removed.
    pub node: NodeId,
    /// Keys whose owner (the first of the preference list) changed.
    pub moved: u64,
    /// Of those, keys whose old and new owners were both members before
    /// and after the change.
    pub moved_between_existing: u64,
    /// When the last transfer planned for this change was acknowledged
    /// (when the last node noticed it, if it needed none); `None` while
    /// some are pending, or if a sender was removed before they arrived.
    pub arrived_ms: Option<f64>,
}

/// A membership change as the schedule applied it.
struct Applied {
    at: Time,
    op: &'static str,
    node: NodeId,
    before: Vec<NodeId>,
    after: Vec<NodeId>,
}

/// Replays the membership commands applied so far, as the simulator
/// applied them (a removal of a node not in the cluster is skipped).
fn applied(sim: &Sim<Ring>) -> Vec<Applied> {
    let initial = sim.to_scenario().nodes;
    let mut members: Vec<NodeId> = (0..initial).map(NodeId).collect();
    let mut next = initial;
    let mut out = Vec::new();
    for s in sim.schedule().iter().filter(|s| s.at <= sim.now()) {
        let before = members.clone();
        let (op, node) = match s.command {
            Command::AddNode => {
                members.push(NodeId(next));
                next += 1;
                ("add_node", NodeId(next - 1))
            }
            Command::RemoveNode { node } if members.contains(&node) => {
                members.retain(|&m| m != node);
                ("remove_node", node)
            }
            _ => continue,
        };
        out.push(Applied {
            at: s.at,
            op,
            node,
            before,
            after: members.clone(),
        });
    }
    out
}

/// How the transfers of one node's plan went.
#[derive(Default)]
struct PlanFate {
    change: Option<usize>,
    planned: u64,
    settled: u64,
    last: Time,
}

/// When each change's transfers had all arrived, from the nodes' reports:
/// each plan belongs to the last change applied when it was made.
fn arrivals(sim: &Sim<Ring>, changes: &[Applied]) -> Vec<Option<f64>> {
    let change_at = |t: Time| changes.partition_point(|c| c.at <= t).checked_sub(1);
    let mut plans: SortedMap<(NodeId, u32), PlanFate> = SortedMap::new();
    for o in sim.observations() {
        match &o.observation {
            RingEvent::Planned { plan, sends, .. } => {
                let fate = plans.entry((o.node, *plan)).or_default();
                fate.change = change_at(o.at);
                fate.planned += sends.iter().map(|s| u64::from(s.1)).sum::<u64>();
                fate.last = o.at;
            }
            RingEvent::Acked { plan, keys, .. } | RingEvent::Cancelled { plan, keys, .. } => {
                let fate = plans.entry((o.node, *plan)).or_default();
                fate.settled += u64::from(*keys);
                fate.last = fate.last.max(o.at);
            }
            RingEvent::Loaded { .. } => {}
        }
    }
    let mut out: Vec<Option<Option<Time>>> = vec![None; changes.len()];
    for fate in plans.values() {
        let Some(c) = fate.change else { continue };
        let done = (fate.settled >= fate.planned).then_some(fate.last);
        out[c] = Some(match out[c] {
            None => done,
            Some(before) => before.zip(done).map(|(a, b)| a.max(b)),
        });
    }
    out.into_iter()
        .map(|o| o.flatten().map(Time::as_ms))
        .collect()
}

/// Every membership change applied so far, with the keys it moved (by
/// owner, from the placements before and after) and when its transfers
/// arrived.
pub fn changes(sim: &Sim<Ring>) -> Vec<Change> {
    let params = sim.params();
    let applied = applied(sim);
    let arrived = arrivals(sim, &applied);
    let owners = |members: &[NodeId]| Layout::shared(params, members).map(|l| l.owners());
    let ids = |m: &[NodeId]| m.iter().map(|n| n.0).collect::<Vec<u32>>();
    let mut previous: Option<(Vec<NodeId>, Option<Vec<u32>>)> = None;
    applied
        .iter()
        .zip(arrived)
        .map(|(a, arrived_ms)| {
            let before = match previous.take() {
                Some((members, owners)) if members == a.before => owners,
                _ => owners(&a.before),
            };
            let after = owners(&a.after);
            let movement = match (&before, &after) {
                (Some(b), Some(f)) => stats::movement(b, f, &ids(&a.before), &ids(&a.after)),
                // The cluster was or became empty: every key changed owner.
                _ => stats::Movement {
                    moved: u64::from(params.keys),
                    moved_between_existing: 0,
                },
            };
            previous = Some((a.after.clone(), after));
            Change {
                at_ms: a.at.as_ms(),
                op: a.op,
                node: a.node,
                moved: movement.moved,
                moved_between_existing: movement.moved_between_existing,
                arrived_ms,
            }
        })
        .collect()
}

/// The ring figures of a report: `load` (keys per live member by owner,
/// an object keyed by node id), `cv` and `max_over_avg` of those loads,
/// `held` (keys each live member holds), `changes`, and where keys stand
/// at the end: `unavailable` (no up member of their preference list holds
/// them: still in transfer, on crashed nodes, or lost), `in_flight` (sent,
/// not acknowledged), `under_replicated` (available, but some member of
/// their list lacks them) and `lost` (no member holds them); `keys_sent`
/// (over the run, retries included).
pub fn metrics(sim: &Sim<Ring>) -> serde_json::Value {
    let status = ring_status(sim);
    let members = &status.members;
    let load: SortedMap<u32, u64> = status
        .nodes
        .iter()
        .filter(|n| members.contains(&n.id))
        .map(|n| (n.id.0, u64::from(n.load)))
        .collect();
    let held: SortedMap<u32, u32> = status
        .nodes
        .iter()
        .filter(|n| members.contains(&n.id))
        .map(|n| (n.id.0, n.held))
        .collect();
    let keys_sent: u64 = sim
        .nodes()
        .map(|(id, _, node)| match node {
            Some(r) => r.keys_sent(),
            None => sim.durable_node(id).map_or(0, |r| r.keys_sent()),
        })
        .sum();
    json!({
        "strategy": status.strategy,
        "keys": status.keys,
        "replicas": status.replicas,
        "load": load,
        "cv": stats::cv(&load),
        "max_over_avg": stats::max_over_avg(&load),
        "held": held,
        "changes": changes(sim),
        "unavailable": status.counts.unavailable,
        "in_flight": status.counts.in_flight,
        "under_replicated": status.counts.under_replicated,
        "lost": status.counts.lost,
        "keys_sent": keys_sent,
    })
}
