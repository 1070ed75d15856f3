//! What the shell runs: a scenario's simulation, built only for the labs
//! compiled into this page, with settings that keep memory in bounds.

use crate::labs;
use faultline_core::{AnySim, ProtocolName, Scenario, SimConfig};

/// Speed as log10 of the factor: from 1/1000× to 10×.
pub const SPEED_RANGE: (f64, f64) = (-3.0, 1.0);

/// The simulator's settings for a scenario: time-travel checkpoints get
/// sparser as the cluster grows, so memory stays near 100 MB at worst.
fn sim_config(scenario: &Scenario) -> SimConfig {
    let scale = u64::from(scenario.nodes / 16).max(1);
    SimConfig {
        checkpoint_every: 512 * scale,
        max_checkpoints: (512 / scale as usize).max(32),
        ..SimConfig::default()
    }
}

/// Why a protocol's lab cannot open here: it lives on another page.
pub fn elsewhere(protocol: ProtocolName) -> String {
    format!(
        "the {} lab lives on another page of faultline",
        protocol.as_str()
    )
}

/// Builds the simulation of a scenario whose lab is compiled in.
pub fn build(scenario: &Scenario) -> Result<AnySim, String> {
    if !labs::compiled(scenario.protocol) {
        return Err(format!("protocol: {}", elsewhere(scenario.protocol)));
    }
    AnySim::new(scenario, sim_config(scenario)).map_err(|e| e.to_string())
}

/// A bare scenario of `protocol`: what stands in while its default preset
/// loads, or when it cannot be fetched.
pub fn bare_scenario(protocol: ProtocolName) -> Scenario {
    Scenario {
        name: None,
        description: None,
        protocol,
        nodes: 4,
        seed: 1,
        until_ms: 10_000,
        network: Default::default(),
        params: serde_json::Value::Null,
        schedule: Vec::new(),
    }
}
