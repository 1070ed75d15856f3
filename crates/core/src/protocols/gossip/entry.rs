//! Gossip's line in the registry: its report and its benchmark workload.

use super::Gossip;
use crate::registry::{Claim, Entry};
use crate::sim::{NodeStatus, Sim};

/// The benchmark workload's round length, in ms.
pub const WORKLOAD_ROUND_MS: u64 = 200;
/// The benchmark workload's length, in rounds.
pub const WORKLOAD_ROUNDS: u64 = 20;

impl Entry for Gossip {
    fn metrics(sim: &Sim<Self>) -> serde_json::Value {
        super::metrics(sim)
    }

    /// Every node up knows every rumor any node knows (Demers et al. 1987:
    /// anti-entropy gets there; rumor mongering may leave a residue).
    const CLAIMS: &'static [Claim<Self>] = &[Claim {
        name: "everyone knows",
        holds: |s| {
            let up = || {
                s.nodes()
                    .filter(|(_, status, _)| *status == NodeStatus::Up)
                    .filter_map(|(_, _, n)| n)
            };
            let mut any = false;
            for n in up() {
                for rumor in n.rumors.keys() {
                    any = true;
                    if !up().all(|m| m.rumors.get(rumor).is_some()) {
                        return false;
                    }
                }
            }
            any
        },
    }];

    const WORKLOAD_UNIT: &'static str = "nodes";
    const WORKLOAD_SIZES: [u32; 3] = [100, 1_000, 10_000];

    /// Push-pull anti-entropy, fanout 1, 200 ms rounds, 20 rounds.
    fn workload(n: u32) -> String {
        format!(
            r#"{{"protocol":"gossip","nodes":{n},"seed":42,"until_ms":{},
                "network":{{"latency_ms":[1,20]}},
                "params":{{"mode":"push-pull","fanout":1,"round_ms":{WORKLOAD_ROUND_MS}}}}}"#,
            WORKLOAD_ROUND_MS * WORKLOAD_ROUNDS
        )
    }
}
