//! The benchmark workloads: one stress scenario per protocol, at three
//! sizes, shared by the native criterion benches
//! (`crates/core/benches/workloads.rs`) and the browser build
//! (`crates/bench-wasm`), so both measure literally the same runs. Each
//! protocol defines its own in its [`Entry`](crate::registry::Entry) impl.
//!
//! Nothing here reads a clock: a workload builds a simulator for a
//! (protocol, size) pair and runs it for a fixed span of virtual time; the
//! caller times [`run`] and divides the events it returns by the time.
//!
//! Every run is headless ([`SimConfig::headless`]): no labels, no trace
//! buffer, no checkpoints — the simulator and the protocol, not the lab's
//! bookkeeping.
//!
//! ```
//! use faultline_core::workloads::{self, Workload};
//! use faultline_core::ProtocolName;
//!
//! let w = Workload { protocol: ProtocolName::Clocks, size: 2 };
//! let mut sim = w.build();
//! let events = workloads::run(&mut sim);
//! assert!(events > 0);
//! assert_eq!(workloads::all().len(), 3 * workloads::protocols().count());
//! ```

use crate::{AnySim, ProtocolName, Scenario, SimConfig};

/// One benchmark workload: a protocol at a size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Workload {
    /// Which protocol.
    pub protocol: ProtocolName,
    /// Its size (see [`Workload::unit`]).
    pub size: u32,
}

/// The protocols of this build, in registry order.
pub fn protocols() -> impl Iterator<Item = ProtocolName> {
    ProtocolName::ALL
        .iter()
        .copied()
        .filter(|p| p.info().is_some())
}

/// A protocol's workload sizes, smallest first (none when this build
/// leaves the protocol out).
pub fn sizes(protocol: ProtocolName) -> &'static [u32] {
    protocol.info().map_or(&[], |i| &i.workload_sizes)
}

/// Every workload, protocol by protocol, smallest first.
pub fn all() -> Vec<Workload> {
    protocols()
        .flat_map(|protocol| {
            sizes(protocol)
                .iter()
                .map(move |&size| Workload { protocol, size })
        })
        .collect()
}

impl Workload {
    /// A workload by id (`gossip/1000`), as [`Workload::id`] writes it.
    pub fn parse(id: &str) -> Option<Workload> {
        let (name, size) = id.split_once('/')?;
        let protocol = protocols().find(|p| p.as_str() == name)?;
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
        self.protocol.info().map_or("", |i| i.workload_unit)
    }

    /// The scenario the workload runs.
    pub fn scenario(&self) -> Scenario {
        let json = self
            .protocol
            .info()
            .map(|i| (i.workload)(self.size))
            .unwrap_or_default();
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
        for p in protocols() {
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
