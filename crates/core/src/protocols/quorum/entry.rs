//! The quorum store's line in the registry: its report and its benchmark
//! workload.

use super::Quorum;
use crate::registry::{Claim, Entry};
use crate::sim::Sim;

impl Entry for Quorum {
    fn metrics(sim: &Sim<Self>) -> serde_json::Value {
        super::metrics(sim)
    }

    const HISTORY_PROPERTIES: &'static [&'static str] = &[super::metrics::LINEARIZABLE];

    /// A get that missed the last completed put (a sloppy or partial quorum
    /// allows it; a strict one does not).
    const CLAIMS: &'static [Claim<Self>] = &[Claim {
        name: "a stale read",
        holds: |s| super::history(s.observations()).iter().any(|e| e.stale.is_some()),
    }];

    fn history_violation(sim: &Sim<Self>) -> Option<crate::invariant::Violation> {
        super::metrics::linearizability_violation(&super::history(sim.observations()))
    }

    const WORKLOAD_UNIT: &'static str = "clients";
    const WORKLOAD_SIZES: [u32; 3] = [10, 50, 100];

    /// 8 nodes, N = 3, R = W = 2, 10 operations/s per client, 5 s.
    fn workload(n: u32) -> String {
        format!(
            r#"{{"protocol":"quorum","nodes":8,"seed":42,"until_ms":5000,
                "network":{{"latency_ms":[1,10]}},
                "params":{{"n":3,"r":2,"w":2,"clients":{n},"keys":100,
                           "ops_per_s":{},"read_fraction":0.5,
                           "read_repair":true,"sloppy":false,"resolve":"siblings"}}}}"#,
            n * 10
        )
    }
}
