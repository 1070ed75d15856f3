//! The ring's line in the registry: its report and its benchmark workload.

use super::Ring;
use crate::registry::Entry;
use crate::sim::Sim;

impl Entry for Ring {
    fn metrics(sim: &Sim<Self>) -> serde_json::Value {
        super::metrics(sim)
    }

    const WORKLOAD_UNIT: &'static str = "keys";
    const WORKLOAD_SIZES: [u32; 3] = [10_000, 30_000, 100_000];

    /// 8 nodes, 64 virtual nodes each; a node joins at 0.5 s and one
    /// leaves at 2 s.
    fn workload(n: u32) -> String {
        format!(
            r#"{{"protocol":"ring","nodes":8,"seed":42,"until_ms":4000,
                "network":{{"latency_ms":[5,20]}},
                "params":{{"strategy":"ring","vnodes":64,"keys":{n},"replicas":1}},
                "schedule":[{{"at_ms":500,"op":"add_node"}},
                            {{"at_ms":2000,"op":"remove_node","node":3}}]}}"#
        )
    }
}
