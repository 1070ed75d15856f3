//! The quorum figures of a report.

use super::history::{history, HistoryEntry};
use super::request::{ClientRef, OpKind};
use super::version::Version;
use super::{preference_list, Quorum};
use crate::id::NodeId;
use crate::linearizability::{self, KvInput, KvModel, KvOutput, Operation, Verdict};
use crate::invariant::Violation;
use crate::sim::Sim;
use serde_json::{json, Value};
use crate::sortedmap::SortedMap;

/// A history entry as the linearizability checker reads it, or `None` when
/// it is left out. A get returns what it read: no version is the initial
/// `""`, one version its value, several the siblings (the current value
/// must be one of them, see [`KvModel`]). A put that never completed or
/// failed may or may not have taken effect, so it stays pending forever; a
/// failed get read nothing and is left out. Times are in microseconds.
pub fn operation(entry: &HistoryEntry) -> Option<Operation<KvInput, KvOutput>> {
    let key = entry.key.clone();
    let done = entry.complete.filter(|_| entry.ok);
    let (input, output) = match entry.kind {
        OpKind::Put => (
            KvInput::Put {
                key,
                value: entry.value.clone().unwrap_or_default(),
            },
            KvOutput::Ok,
        ),
        OpKind::Get => {
            done?;
            let output = match entry.result.as_slice() {
                [] => KvOutput::Value(String::new()),
                [one] => KvOutput::Value(one.value.clone()),
                many => KvOutput::Siblings(many.iter().map(|v| v.value.clone()).collect()),
            };
            (KvInput::Get { key }, output)
        }
    };
    Some(Operation {
        client: client_number(entry.client),
        input,
        output: done.map(|_| output),
        call: entry.invoke.0,
        ret: done.map(|t| t.0),
    })
}

/// A process number for the checker's reports: workload clients by number
/// and life, scripted operations above them.
fn client_number(c: ClientRef) -> u64 {
    match c {
        ClientRef::Workload { client, life } => u64::from(life) << 32 | u64::from(client),
        ClientRef::Script(op) => 1 << 63 | op.0,
    }
}

/// Checks the history for linearizability as a map of registers, one per
/// key, each holding `""` at first ([`KvModel`]: Wing & Gong's search with
/// Lowe's memoization, split per key). The offending operations of a
/// [`Verdict::NotLinearizable`] are indices into `history`.
///
/// Strict quorums (R + W > N) guarantee that a get sees every put completed
/// before it began, but not linearizability: without a write-back before a
/// get returns (as in Attiya, Bar-Noy and Dolev's algorithm), a get that
/// overlaps a put may read the new value and a later get the old one.
pub fn check_linearizable(history: &[HistoryEntry]) -> Verdict {
    let (index, ops): (Vec<usize>, Vec<_>) = history
        .iter()
        .enumerate()
        .filter_map(|(i, e)| operation(e).map(|op| (i, op)))
        .unzip();
    match linearizability::check(&KvModel, &ops) {
        Verdict::Linearizable => Verdict::Linearizable,
        Verdict::NotLinearizable { offending } => Verdict::NotLinearizable {
            offending: offending.into_iter().map(|i| index[i]).collect(),
        },
    }
}

/// The property a whole history is checked for when a run ends.
pub const LINEARIZABLE: &str = "linearizable";

/// The history's failure to be linearizable (see [`check_linearizable`]),
/// dated at the last completion among the operations that cannot all be
/// explained, which it names.
pub fn linearizability_violation(history: &[HistoryEntry]) -> Option<Violation> {
    let Verdict::NotLinearizable { offending } = check_linearizable(history) else {
        return None;
    };
    let ops: Vec<&HistoryEntry> = offending.iter().filter_map(|&i| history.get(i)).collect();
    let at = ops.iter().filter_map(|e| e.complete).max()?;
    let named: Vec<String> = ops.iter().map(|e| describe(e)).collect();
    Some(Violation {
        invariant: LINEARIZABLE,
        at,
        detail: format!(
            "no order of these operations fits one register per key: {}",
            named.join("; ")
        ),
    })
}

/// One operation as the violation names it: `c1 get k3 → "v2" [12–30 ms]`.
fn describe(e: &HistoryEntry) -> String {
    let what = match e.kind {
        OpKind::Put => format!("put {} = {:?}", e.key, e.value.as_deref().unwrap_or("")),
        OpKind::Get => {
            let values: Vec<&str> = e.result.iter().map(|v| v.value.as_str()).collect();
            format!("get {} → {:?}", e.key, values.join(" | "))
        }
    };
    let end = e
        .complete
        .map_or("…".to_string(), |t| format!("{}", t.as_ms()));
    format!("{} {what} [{}–{end} ms]", e.client, e.invoke.as_ms())
}

/// Whether the history is linearizable for a register per key (see
/// [`check_linearizable`]); always decided, so `Some`.
pub fn linearizable(history: &[HistoryEntry]) -> Option<bool> {
    Some(check_linearizable(history).is_linearizable())
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
    let mut kept: SortedMap<&str, Vec<&Version>> = SortedMap::new();
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
    let by_id: SortedMap<NodeId, &Quorum> = nodes.iter().map(|(id, q)| (*id, q)).collect();
    let mut keys: Vec<&str> = nodes
        .iter()
        .flat_map(|(_, q)| q.store().map(|(k, _)| k))
        .collect();
    crate::sorting::sort(&mut keys);
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
/// `stale`}], `stale_reads`, `linearizable` (see [`check_linearizable`]),
/// `lost_writes`, `divergent_keys`, and with `sloppy` also `hints_pending`.
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

#[cfg(test)]
mod tests {
    use super::super::history::OpRef;
    use super::super::{Actor, Stamp, VClock};
    use super::*;
    use crate::id::OpId;
    use crate::time::Time;

    fn version(value: &str) -> Version {
        Version {
            value: value.into(),
            clock: VClock::default(),
            writer: Actor::Client(0),
            stamp: Stamp {
                at: Time(0),
                node: NodeId(0),
            },
        }
    }

    fn entry(kind: OpKind, ok: bool, complete: Option<u64>, result: &[&str]) -> HistoryEntry {
        HistoryEntry {
            op: OpRef {
                node: NodeId(1),
                req: 4,
            },
            client: ClientRef::Script(OpId(7)),
            kind,
            key: "k".into(),
            value: (kind == OpKind::Put).then(|| "a".to_string()),
            need: 1,
            invoke: Time(1_500),
            complete: complete.map(Time),
            ok,
            result: result.iter().map(|v| version(v)).collect(),
            answers: Vec::new(),
            error: None,
            stale: None,
        }
    }

    #[test]
    fn entries_become_operations_as_the_checker_reads_them() {
        let get =
            |ok, complete, result: &[&str]| operation(&entry(OpKind::Get, ok, complete, result));
        let op = get(true, Some(2_500), &["a"]).unwrap();
        assert_eq!((op.call, op.ret), (1_500, Some(2_500)));
        assert_eq!(op.input, KvInput::Get { key: "k".into() });
        assert_eq!(op.output, Some(KvOutput::Value("a".into())));
        assert_eq!(
            get(true, Some(2_500), &[]).unwrap().output,
            Some(KvOutput::Value(String::new()))
        );
        assert_eq!(
            get(true, Some(2_500), &["a", "b"]).unwrap().output,
            Some(KvOutput::Siblings(vec!["a".into(), "b".into()]))
        );
        // A failed or unfinished get read nothing: left out.
        assert!(get(false, Some(2_500), &[]).is_none());
        assert!(get(false, None, &[]).is_none());

        let put = |ok, complete| operation(&entry(OpKind::Put, ok, complete, &["a"])).unwrap();
        let done = put(true, Some(3_000));
        assert_eq!(
            done.input,
            KvInput::Put {
                key: "k".into(),
                value: "a".into()
            }
        );
        assert_eq!((done.output, done.ret), (Some(KvOutput::Ok), Some(3_000)));
        // A failed or unfinished put may have taken effect: pending forever.
        for op in [put(false, Some(3_000)), put(false, None)] {
            assert!(op.is_pending() && op.output.is_none(), "{op:?}");
        }
    }

    #[test]
    fn offending_indices_point_into_the_history() {
        // A put of a completes, then a get reads nothing: the failed get in
        // between is left out of the check, yet indices stay the history's.
        let mut put = entry(OpKind::Put, true, Some(2_000), &["a"]);
        put.invoke = Time(1_000);
        let mut failed = entry(OpKind::Get, false, Some(2_500), &[]);
        failed.invoke = Time(2_100);
        let mut get = entry(OpKind::Get, true, Some(4_000), &[]);
        get.invoke = Time(3_000);
        let history = [put, failed, get];
        assert_eq!(
            check_linearizable(&history),
            Verdict::NotLinearizable {
                offending: vec![0, 2]
            }
        );
        assert_eq!(linearizable(&history), Some(false));
        assert_eq!(linearizable(&history[..2]), Some(true));
    }
}
