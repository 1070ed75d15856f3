//! Raft's line in the registry: its report and its benchmark workload.

use super::Raft;
use crate::registry::Entry;
use crate::sim::Sim;

impl Entry for Raft {
    fn metrics(sim: &Sim<Self>) -> serde_json::Value {
        super::metrics(sim)
    }

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
