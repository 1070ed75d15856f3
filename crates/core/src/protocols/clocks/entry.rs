//! The clocks protocol's line in the registry: its report and its
//! benchmark workload.

use super::Clocks;
use crate::registry::Entry;
use crate::sim::Sim;

impl Entry for Clocks {
    fn metrics(sim: &Sim<Self>) -> serde_json::Value {
        super::metrics(sim)
    }

    const WORKLOAD_UNIT: &'static str = "processes";
    const WORKLOAD_SIZES: [u32; 3] = [2, 4, 8];

    /// 200 workload events/s per process, 60 % of them sends, 5 s.
    fn workload(n: u32) -> String {
        format!(
            r#"{{"protocol":"clocks","nodes":{n},"seed":42,"until_ms":5000,
                "network":{{"latency_ms":[1,10]}},
                "params":{{"events_per_s":200,"send_probability":0.6}}}}"#
        )
    }
}
