//! The figures of a gossip run: how each rumor spread, per round and per
//! node, and what SWIM detected.

use super::msg::{Health, RumorId};
use super::{Gossip, GossipEvent};
use crate::command::{Command, Scheduled};
use crate::id::NodeId;
use crate::sim::{NodeStatus, Sim};
use crate::time::Time;
use serde::Serialize;
use serde_json::json;
use crate::nodemap::NodeMap;
use crate::sortedmap::SortedMap;

/// How one rumor spread.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RumorStats {
    /// The rumor.
    pub rumor: RumorId,
    /// When it started, in milliseconds.
    pub started_ms: f64,
    /// Rounds from its start until every live node knew it (None if some
    /// live node never learned it).
    pub rounds_to_full: Option<u64>,
    /// Live nodes that know it.
    pub informed: usize,
    /// Live nodes at the end.
    pub live: usize,
    /// The fraction of live nodes that never learned it.
    pub residue: f64,
    /// When each node learned it, by node id (None if never).
    pub informed_at_ms: Vec<Option<f64>>,
    /// The fraction of live nodes informed after each round from the start
    /// (index 0: the start).
    pub per_round: Vec<f64>,
}

/// A member declared dead by an observer.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Detection {
    /// Who declared it.
    pub observer: NodeId,
    /// Who was declared dead.
    pub target: NodeId,
    /// When, in milliseconds.
    pub at_ms: f64,
    /// The target was up and reachable then: a false positive.
    #[serde(skip)]
    pub false_positive: bool,
}

/// Every rumor's spread, in the order they started.
pub fn rumor_stats(sim: &Sim<Gossip>) -> Vec<RumorStats> {
    let live: Vec<NodeId> = sim
        .nodes()
        .filter(|(_, s, _)| *s == NodeStatus::Up)
        .map(|(id, _, _)| id)
        .collect();
    let all = sim.nodes().count();
    let mut started: SortedMap<RumorId, (Time, u64)> = SortedMap::new();
    // Per rumor, who learned it when: filled in infection order, so a
    // dense node map, not a sorted one.
    let mut learned: SortedMap<RumorId, NodeMap<(Time, u64)>> = SortedMap::new();
    for o in sim.observations() {
        match &o.observation {
            GossipEvent::Started { rumor, round } => {
                started.insert(*rumor, (o.at, *round));
                learned
                    .entry(*rumor)
                    .or_default()
                    .insert(o.node, (o.at, *round));
            }
            GossipEvent::Informed { rumor, round } => {
                learned
                    .entry(*rumor)
                    .or_default()
                    .get_or_insert_with(o.node, || (o.at, *round));
            }
            GossipEvent::Health { .. } => {}
        }
    }
    let mut order: Vec<(Time, RumorId, u64)> = started
        .iter()
        .map(|(r, (t, round))| (*t, *r, *round))
        .collect();
    crate::sorting::sort(&mut order);
    order
        .into_iter()
        .map(|(at, rumor, start_round)| {
            let who = &learned[&rumor];
            let informed = live.iter().filter(|&&n| who.contains(n)).count();
            let residue = if live.is_empty() {
                0.0
            } else {
                1.0 - informed as f64 / live.len() as f64
            };
            let last = live
                .iter()
                .filter_map(|&n| who.get(n).map(|(_, r)| r.saturating_sub(start_round)))
                .max()
                .unwrap_or(0);
            let mut per_round = vec![0usize; last as usize + 1];
            for n in &live {
                if let Some((_, r)) = who.get(*n) {
                    per_round[r.saturating_sub(start_round) as usize] += 1;
                }
            }
            let denom = live.len().max(1) as f64;
            let mut acc = 0;
            let per_round = per_round
                .into_iter()
                .map(|c| {
                    acc += c;
                    acc as f64 / denom
                })
                .collect();
            RumorStats {
                rumor,
                started_ms: at.as_ms(),
                rounds_to_full: (informed == live.len()).then_some(last),
                informed,
                live: live.len(),
                residue,
                informed_at_ms: (0..all as u32)
                    .map(|i| who.get(NodeId(i)).map(|(t, _)| t.as_ms()))
                    .collect(),
                per_round,
            }
        })
        .collect()
}

/// Whether, by the schedule, `target` was up and reachable from
/// `observer` at `t`: not crashed, paused or removed, and no partition or
/// cut in force.
fn up_and_reachable(schedule: &[Scheduled], target: NodeId, t: Time) -> bool {
    let mut up = true;
    let mut split = false;
    for s in schedule.iter().take_while(|s| s.at <= t) {
        match &s.command {
            Command::Crash { node } | Command::Pause { node } | Command::RemoveNode { node }
                if *node == target =>
            {
                up = false
            }
            Command::Restart { node } | Command::Resume { node } if *node == target => up = true,
            Command::Partition { .. } | Command::Cut { .. } => split = true,
            Command::Heal => split = false,
            _ => {}
        }
    }
    up && !split
}

/// Every "dead" declaration, first per observer, target and incarnation.
pub fn detections(sim: &Sim<Gossip>) -> Vec<Detection> {
    // Every declaration with its place in the run; a split cluster makes
    // about N²/2 of them, in time order, not key order: sort them once.
    let mut dead: Vec<((NodeId, NodeId, u64), usize)> = sim
        .observations()
        .iter()
        .enumerate()
        .filter_map(|(i, o)| match o.observation {
            GossipEvent::Health {
                target,
                health: Health::Dead,
                incarnation,
            } => Some(((o.node, target, incarnation), i)),
            _ => None,
        })
        .collect();
    // Stable, so the first of equal keys stays first; keep it, then put
    // the declarations back in run order.
    crate::sorting::sort_by(&mut dead, |a, b| a.0.cmp(&b.0));
    dead.dedup_by_key(|d| d.0);
    crate::sorting::sort_by_key(&mut dead, |d| d.1);
    let observations = sim.observations();
    dead.into_iter()
        .map(|((observer, target, _), i)| {
            let o = &observations[i];
            Detection {
                observer,
                target,
                at_ms: o.at.as_ms(),
                false_positive: up_and_reachable(sim.schedule(), target, o.at),
            }
        })
        .collect()
}

/// The gossip figures of a report: for the first rumor `rounds_to_full`,
/// `informed_at_ms` per node and `residue`; `messages_sent` per node;
/// `rumors` with every rumor's figures; and with SWIM `detections`
/// [{observer, target, at_ms}] and `false_positives`.
pub fn metrics(sim: &Sim<Gossip>) -> serde_json::Value {
    let rumors = rumor_stats(sim);
    let first = rumors.first();
    let sent: Vec<u64> = sim
        .nodes()
        .map(|(id, _, node)| match node {
            Some(g) => g.sent,
            None => sim.durable_node(id).map_or(0, |g| g.sent),
        })
        .collect();
    let mut v = json!({
        "rounds_to_full": first.and_then(|r| r.rounds_to_full),
        "informed_at_ms": first.map(|r| r.informed_at_ms.clone()).unwrap_or_default(),
        "residue": first.map(|r| r.residue),
        "messages_sent": sent,
        "rumors": rumors,
    });
    if sim.params().swim.is_some() {
        let d = detections(sim);
        v["false_positives"] = json!(d.iter().filter(|x| x.false_positive).count());
        v["detections"] = json!(d);
    }
    v
}
