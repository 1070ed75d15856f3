//! The Raft figures of a run's report.

use super::{LeaderRecord, Raft};
use crate::sim::Sim;

/// The Raft figures of a report: `leaders` [{term, node, at_ms}] and
/// `nodes` [{id, status, term, role, commit_index, config, log_start,
/// log: [[term, command], …], kv}]. `config` lists the voting members of the
/// node's newest configuration; `log` holds the entries after `log_start`
/// (0 unless a snapshot covers the ones before); `kv` is the applied
/// key-value state. A crashed node shows what it stored; a removed one only
/// its id and status.
pub fn metrics(sim: &Sim<Raft>) -> serde_json::Value {
    let leaders: Vec<&LeaderRecord> = sim.checker().leaders().collect();
    let nodes: Vec<serde_json::Value> = sim
        .nodes()
        .map(|(id, status, node)| {
            let revived;
            let r = match node {
                Some(r) => Some(r),
                None => {
                    revived = sim.durable_node(id);
                    revived.as_ref()
                }
            };
            match r {
                Some(r) => serde_json::json!({
                    "id": id,
                    "status": status,
                    "term": r.term,
                    "role": if node.is_some() { r.role.name() } else { "crashed" },
                    "commit_index": r.commit,
                    "config": r.voters,
                    "log_start": r.log.start(),
                    "log": r.log.entries().iter().map(|e| (e.term, &e.command)).collect::<Vec<_>>(),
                    "kv": r.kv.iter().map(|(k, v)| (k.clone(), serde_json::Value::from(v.as_str()))).collect::<serde_json::Map<_, _>>(),
                }),
                None => serde_json::json!({ "id": id, "status": status }),
            }
        })
        .collect();
    serde_json::json!({ "leaders": leaders, "nodes": nodes })
}
