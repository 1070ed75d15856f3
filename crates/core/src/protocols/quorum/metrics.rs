//! The quorum figures of a report.

use super::history::{history, HistoryEntry};
use super::request::OpKind;
use super::version::Version;
use super::{preference_list, Quorum};
use crate::id::NodeId;
use crate::sim::Sim;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Whether the history is linearizable for a register per key.
///
/// LINEARIZABILITY CHECKER HOOK: not decided yet, so `None` (reported as
/// `"linearizable": null`). Connect this one function to
/// `crate::linearizability` when that module lands; nothing else needs to
/// change.
pub fn linearizable(history: &[HistoryEntry]) -> Option<bool> {
    let _ = history;
    None
}

/// Every node's stored versions and hints at the end: a crashed node's are
/// on its disk.
fn final_states(sim: &Sim<Quorum>) -> Vec<(NodeId, Quorum)> {
    sim.nodes()
        .filter_map(|(id, _, node)| {
            node.cloned()
                .or_else(|| sim.durable_node(id))
                .map(|q| (id, q))
        })
        .collect()
}

/// Acknowledged puts whose version survives nowhere: no replica or hint
/// holds it or a version that descends it. Under `siblings` this stays 0;
/// under `lww` it counts the concurrent writes a later stamp silently beat.
pub fn lost_writes(history: &[HistoryEntry], nodes: &[(NodeId, Quorum)]) -> usize {
    let mut kept: BTreeMap<&str, Vec<&Version>> = BTreeMap::new();
    for (_, q) in nodes {
        for (key, versions) in q.store() {
            kept.entry(key).or_default().extend(versions);
        }
        for (key, _, versions) in q.hints() {
            kept.entry(key).or_default().extend(versions);
        }
    }
    history
        .iter()
        .filter(|e| e.ok && e.kind == OpKind::Put)
        .filter_map(|e| e.result.first().map(|v| (e.key.as_str(), v)))
        .filter(|(key, v)| {
            !kept
                .get(key)
                .is_some_and(|vs| vs.iter().any(|s| s.descends(v)))
        })
        .count()
}

/// Keys whose preference-list replicas do not all hold the same versions.
pub fn divergent_keys(nodes: &[(NodeId, Quorum)]) -> usize {
    let members: Vec<NodeId> = nodes.iter().map(|(id, _)| *id).collect();
    let by_id: BTreeMap<NodeId, &Quorum> = nodes.iter().map(|(id, q)| (*id, q)).collect();
    let mut keys: Vec<&str> = nodes
        .iter()
        .flat_map(|(_, q)| q.store().map(|(k, _)| k))
        .collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|key| {
            let n = by_id.values().next().map_or(0, |q| q.params().n as usize);
            let sets: Vec<&[Version]> = preference_list(key, &members, n)
                .iter()
                .map(|id| by_id.get(id).map_or(&[][..], |q| q.versions(key)))
                .collect();
            sets.windows(2).any(|w| w[0] != w[1])
        })
        .count()
}

/// The quorum figures of a report: `history` [{`client`, `op`, `key`,
/// `value`, `invoke_ms`, `complete_ms`, `ok`, `coordinator`, `replicas`,
/// `stale`}], `stale_reads`, `linearizable` (null until a checker is
/// connected), `lost_writes`, `divergent_keys`, and with `sloppy` also
/// `hints_pending`.
pub fn metrics(sim: &Sim<Quorum>) -> Value {
    let hist = history(sim.observations());
    let nodes = final_states(sim);
    let entries: Vec<Value> = hist
        .iter()
        .map(|e| {
            let value = match e.kind {
                OpKind::Put => json!(e.value),
                OpKind::Get => match e.result.as_slice() {
                    [] => Value::Null,
                    [one] => json!(one.value),
                    many => json!(many.iter().map(|v| &v.value).collect::<Vec<_>>()),
                },
            };
            json!({
                "client": e.client,
                "op": e.kind,
                "key": e.key,
                "value": value,
                "invoke_ms": e.invoke.as_ms(),
                "complete_ms": e.complete.map(|t| t.as_ms()),
                "ok": e.ok,
                "coordinator": e.op.node,
                "replicas": e.answers.iter().map(|a| a.node).collect::<Vec<_>>(),
                "stale": e.stale.as_ref().map(|s| s.explain()),
            })
        })
        .collect();
    let mut out = json!({
        "history": entries,
        "stale_reads": hist.iter().filter(|e| e.stale.is_some()).count(),
        "linearizable": linearizable(&hist),
        "lost_writes": lost_writes(&hist, &nodes),
        "divergent_keys": divergent_keys(&nodes),
    });
    if sim.params().sloppy {
        out["hints_pending"] = json!(nodes.iter().map(|(_, q)| q.hints().count()).sum::<usize>());
    }
    out
}
