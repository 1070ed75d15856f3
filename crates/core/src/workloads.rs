//! The benchmark workloads: one stress scenario per protocol, at three or
//! more sizes, shared by the native criterion benches
//! (`crates/core/benches/workloads.rs`) and the browser build
//! (`crates/bench-wasm`), so both measure literally the same runs.
//!
//! Nothing here reads a clock: a workload builds a simulator for a
//! (protocol, size) pair and runs it for a fixed span of virtual time; the
//! caller times [`run`] and divides the events it returns by the time.
//!
//! | protocol | size       | workload                                                          |
//! |----------|------------|-------------------------------------------------------------------|
//! | raft     | nodes      | a client request every 2 ms of virtual time for 2 s               |
//! | gossip   | nodes      | push-pull anti-entropy, fanout 1, 200 ms rounds, 20 rounds        |
//! | quorum   | clients    | 8 nodes, N = 3, R = W = 2, 10 operations/s per client, 5 s        |
//! | ring     | keys       | 8 nodes, 64 vnodes; a node joins at 0.5 s and one leaves at 2 s  |
//! | clocks   | processes  | 200 workload events/s per process, 60% sends, 5 s                 |
//!
//! Every run is headless ([`config`]): no labels, no trace buffer, no
//! checkpoints — the simulator and the protocol, not the lab's bookkeeping.
//!
//! ```
//! use faultline_core::workloads::{self, Workload};
//! use faultline_core::ProtocolName;
//!
//! let w = Workload { protocol: ProtocolName::Clocks, size: 2 };
//! let mut sim = w.build();
//! let events = workloads::run(&mut sim);
//! assert!(events > 0);
//! assert_eq!(workloads::all().len(), 15);
//! ```

use crate::{AnySim, ProtocolName, Scenario, SimConfig};

/// One benchmark workload: a protocol at a size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Workload {
    /// The protocol.
    pub protocol: ProtocolName,
    /// Its size, in [`Workload::unit`]s.
    pub size: u32,
}

/// The protocols in the order reports list them.
pub const PROTOCOLS: [ProtocolName; 5] = [
    ProtocolName::Raft,
    ProtocolName::Gossip,
    ProtocolName::Quorum,
    ProtocolName::Ring,
    ProtocolName::Clocks,
];

/// The sizes each protocol is measured at (smallest first).
pub fn sizes(protocol: ProtocolName) -> &'static [u32] {
    match protocol {
        ProtocolName::Raft => &[3, 5, 9],
        ProtocolName::Gossip => &[100, 1_000, 10_000],
        ProtocolName::Quorum => &[10, 50, 100],
        ProtocolName::Ring => &[10_000, 30_000, 100_000],
        ProtocolName::Clocks => &[2, 4, 8],
    }
}

/// Every workload, protocol by protocol, smallest first.
pub fn all() -> Vec<Workload> {
    PROTOCOLS
        .iter()
        .flat_map(|&protocol| {
            sizes(protocol)
                .iter()
                .map(move |&size| Workload { protocol, size })
        })
        .collect()
}

/// Gossip's round length, in ms.
pub const GOSSIP_ROUND_MS: u64 = 200;
/// Gossip's run length, in rounds.
pub const GOSSIP_ROUNDS: u64 = 20;

impl Workload {
    /// A workload by id (`gossip/1000`), as [`Workload::id`] writes it.
    pub fn parse(id: &str) -> Option<Workload> {
        let (name, size) = id.split_once('/')?;
        let protocol = *PROTOCOLS.iter().find(|p| p.as_str() == name)?;
        Some(Workload {
            protocol,
            size: size.parse().ok()?,
        })
    }

    /// `protocol/size`, e.g. `gossip/1000`.
    pub fn id(&self) -> String {
        format!("{}/{}", self.protocol.as_str(), self.size)
    }

    /// What the size counts.
    pub fn unit(&self) -> &'static str {
        match self.protocol {
            ProtocolName::Raft | ProtocolName::Gossip => "nodes",
            ProtocolName::Quorum => "clients",
            ProtocolName::Ring => "keys",
            ProtocolName::Clocks => "processes",
        }
    }

    /// The scenario the workload runs.
    pub fn scenario(&self) -> Scenario {
        let n = self.size;
        let json = match self.protocol {
            ProtocolName::Raft => {
                let schedule: Vec<String> = (0..1_000u64)
                    .map(|i| {
                        format!(
                            r#"{{"at_ms":{},"op":"client","node":{},"request":"set k{}={i}"}}"#,
                            300 + i * 2,
                            i % u64::from(n),
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
            ProtocolName::Gossip => format!(
                r#"{{"protocol":"gossip","nodes":{n},"seed":42,"until_ms":{},
                    "network":{{"latency_ms":[1,20]}},
                    "params":{{"mode":"push-pull","fanout":1,"round_ms":{GOSSIP_ROUND_MS}}}}}"#,
                GOSSIP_ROUND_MS * GOSSIP_ROUNDS
            ),
            ProtocolName::Quorum => format!(
                r#"{{"protocol":"quorum","nodes":8,"seed":42,"until_ms":5000,
                    "network":{{"latency_ms":[1,10]}},
                    "params":{{"n":3,"r":2,"w":2,"clients":{n},"keys":100,
                               "ops_per_s":{},"read_fraction":0.5,
                               "read_repair":true,"sloppy":false,"resolve":"siblings"}}}}"#,
                n * 10
            ),
            ProtocolName::Ring => format!(
                r#"{{"protocol":"ring","nodes":8,"seed":42,"until_ms":4000,
                    "network":{{"latency_ms":[5,20]}},
                    "params":{{"strategy":"ring","vnodes":64,"keys":{n},"replicas":1}},
                    "schedule":[{{"at_ms":500,"op":"add_node"}},
                                {{"at_ms":2000,"op":"remove_node","node":3}}]}}"#
            ),
            ProtocolName::Clocks => format!(
                r#"{{"protocol":"clocks","nodes":{n},"seed":42,"until_ms":5000,
                    "network":{{"latency_ms":[1,10]}},
                    "params":{{"events_per_s":200,"send_probability":0.6}}}}"#
            ),
        };
        Scenario::from_json(&json).expect("workload scenarios are valid")
    }

    /// A simulator ready to [`run`], at time 0 (building it is not part of
    /// what is measured).
    pub fn build(&self) -> AnySim {
        AnySim::new(&self.scenario(), SimConfig::headless()).expect("workload scenarios build")
    }
}

/// Runs a workload's simulator to its end; the events it processed.
pub fn run(sim: &mut AnySim) -> u64 {
    let start = sim.events();
    sim.run_to_end();
    sim.events() - start
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_every_workload_runs_clean_at_its_smallest_size() {
        for w in all() {
            assert_eq!(Workload::parse(&w.id()), Some(w));
        }
        for &p in &PROTOCOLS {
            let w = Workload {
                protocol: p,
                size: sizes(p)[0],
            };
            let mut sim = w.build();
            assert!(run(&mut sim) > 100, "{}", w.id());
            assert!(sim.violations().is_empty(), "{}", w.id());
        }
    }
}
