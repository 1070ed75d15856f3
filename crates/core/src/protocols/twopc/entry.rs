//! Two-phase commit's line in the registry: its report and its benchmark
//! workload.

use super::TwoPc;
use crate::registry::{Claim, Entry};
use crate::sim::Sim;

impl Entry for TwoPc {
    fn metrics(sim: &Sim<Self>) -> serde_json::Value {
        super::metrics(sim)
    }

    /// Some participant voted yes and waits for the decision, blocked (Gray
    /// & Lamport 2006, §2).
    const CLAIMS: &'static [Claim<Self>] = &[Claim {
        name: "a participant in doubt",
        holds: |s| {
            s.nodes().any(|(_, _, n)| {
                n.is_some_and(|p| {
                    p.log()
                        .iter()
                        .any(|e| p.state(&e.tx) == Some(super::TxState::Prepared))
                })
            })
        },
    }];

    const WORKLOAD_UNIT: &'static str = "nodes";
    const WORKLOAD_SIZES: [u32; 3] = [3, 5, 9];

    /// A transaction every 5 ms of virtual time for 2 s, one in ten vetoed.
    fn workload(n: u32) -> String {
        let schedule: Vec<String> = (0..400u64)
            .map(|i| {
                let no = if i % 10 == 9 { " no=1" } else { "" };
                format!(
                    r#"{{"at_ms":{},"op":"client","node":0,"request":"t{i}{no}"}}"#,
                    100 + i * 5
                )
            })
            .collect();
        format!(
            r#"{{"protocol":"2pc","nodes":{n},"seed":42,"until_ms":2600,
                "network":{{"latency_ms":[1,5]}},"schedule":[{}]}}"#,
            schedule.join(",")
        )
    }
}
