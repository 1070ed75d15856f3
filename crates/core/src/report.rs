//! The report of a run: the CLI prints one per run, as a JSON line. Its
//! field names are a stable contract for scripts.

use crate::any::AnySim;
use crate::invariant::Violation;
use crate::sim::MessageStats;
use serde::Serialize;
use serde_json::Value;

/// What a run did.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// The protocol's name.
    pub protocol: &'static str,
    /// The seed.
    pub seed: u64,
    /// Virtual time at the end, in milliseconds.
    pub end_ms: f64,
    /// Events and commands processed.
    pub events: u64,
    /// Message counters.
    pub messages: MessageStats,
    /// Invariant violations.
    pub violations: Vec<Violation>,
    /// Hash of the whole trace (32 hex digits): equal exactly when traces are equal.
    pub trace_hash: String,
    /// Protocol-specific figures.
    pub metrics: Value,
}

impl Report {
    /// The report of `sim` as it stands.
    pub fn of(sim: &AnySim) -> Report {
        let metrics = sim.metrics();
        Report {
            protocol: sim.protocol().as_str(),
            seed: sim.seed(),
            end_ms: sim.now().as_ms(),
            events: sim.events(),
            messages: sim.stats(),
            violations: sim.violations().to_vec(),
            trace_hash: sim.trace_hash().hex(),
            metrics,
        }
    }
}
