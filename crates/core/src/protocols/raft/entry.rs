//! Raft's line in the registry: its report and its benchmark workload.

use super::Raft;
use crate::registry::{Claim, Entry};
use crate::sim::Sim;
use crate::sim::NodeStatus;

impl Entry for Raft {
    fn metrics(sim: &Sim<Self>) -> serde_json::Value {
        super::metrics(sim)
    }

    /// Leaders among the servers up: one after an election (§5.2); two at
    /// once when a deposed leader has not heard of the next term (§5.1).
    const CLAIMS: &'static [Claim<Self>] = &[
        Claim {
            name: "a leader",
            holds: |s| leaders(s) >= 1,
        },
        Claim {
            name: "two leaders",
            holds: |s| leaders(s) >= 2,
        },
    ];

    const WORKLOAD_UNIT: &'static str = "nodes";
    const WORKLOAD_SIZES: [u32; 3] = [3, 5, 9];

    /// A client request every 2 ms of virtual time for 2 s.
    fn workload(n: u32) -> String {
        let schedule: Vec<String> = (0..1_000u64)
            .map(|i| {
                format!(
                    r#"{{"at_ms":{},"op":"client","node":{},"request":"set k{}={i}"}}"#,
                    300 + i * 2,
                    i % u64::from(n.max(1)),
                    i % 50
                )
            })
            .collect();
        format!(
            r#"{{"protocol":"raft","nodes":{n},"seed":42,"until_ms":2300,
                "network":{{"latency_ms":[1,5]}},"schedule":[{}]}}"#,
            schedule.join(",")
        )
    }
}

/// The servers up that believe they lead.
fn leaders(s: &Sim<Raft>) -> usize {
    s.nodes()
        .filter(|(_, status, node)| {
            *status == NodeStatus::Up && node.is_some_and(|r| r.role() == super::Role::Leader)
        })
        .count()
}
