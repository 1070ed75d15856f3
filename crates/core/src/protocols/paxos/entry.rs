//! Paxos's line in the registry: its report and its benchmark workload.

use super::Paxos;
use crate::registry::{Claim, Entry};
use crate::sim::Sim;

impl Entry for Paxos {
    fn metrics(sim: &Sim<Self>) -> serde_json::Value {
        super::metrics(sim)
    }

    /// Some node has learned the value chosen in the first slot.
    const CLAIMS: &'static [Claim<Self>] = &[Claim {
        name: "a value chosen",
        holds: |s| s.nodes().any(|(_, _, n)| n.is_some_and(|p| p.chosen(0).is_some())),
    }];

    const WORKLOAD_UNIT: &'static str = "nodes";
    const WORKLOAD_SIZES: [u32; 3] = [3, 5, 9];

    /// Multi-Paxos under a client request every 4 ms for 2 s, to any node
    /// (followers redirect to the leader).
    fn workload(n: u32) -> String {
        let schedule: Vec<String> = (0..500u64)
            .map(|i| {
                format!(
                    r#"{{"at_ms":{},"op":"client","node":{},"request":"v{i}"}}"#,
                    400 + i * 4,
                    i % u64::from(n.max(1))
                )
            })
            .collect();
        format!(
            r#"{{"protocol":"paxos","nodes":{n},"seed":42,"until_ms":2600,
                "network":{{"latency_ms":[1,5]}},"schedule":[{}]}}"#,
            schedule.join(",")
        )
    }
}
