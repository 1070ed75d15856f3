//! The preset scenarios shipped in `www/presets`, compiled in.

use faultline_core::{ProtocolName, Scenario};

/// A preset: its file stem and its JSON.
pub struct Preset {
    /// The preset's id (its file name without `.json`).
    pub id: &'static str,
    /// The scenario.
    pub json: &'static str,
}

/// A preset from `www/presets/<id>.json`.
macro_rules! preset {
    ($id:literal) => {
        Preset {
            id: $id,
            json: include_str!(concat!("../../../www/presets/", $id, ".json")),
        }
    };
}

/// Every preset; each protocol's `<protocol>-default` opens its lab.
pub const PRESETS: &[Preset] = &[
    preset!("raft-default"),
    preset!("raft-minority-partition"),
    preset!("raft-split-vote"),
    preset!("raft-zombie-leader"),
    preset!("raft-stress"),
    preset!("clocks-default"),
    preset!("clocks-lww-vs-vector"),
    preset!("clocks-stress"),
    preset!("gossip-default"),
    preset!("gossip-thousand"),
    preset!("gossip-partition"),
    preset!("gossip-mongering"),
    preset!("gossip-swim"),
    preset!("quorum-default"),
    preset!("quorum-stale-read"),
    preset!("quorum-sloppy-handoff"),
    preset!("quorum-stress"),
    preset!("ring-default"),
    preset!("ring-partition"),
    preset!("ring-stress"),
];

/// The presets of a protocol with their parsed scenarios, in table order.
pub fn of_protocol(protocol: ProtocolName) -> Vec<(&'static str, Scenario)> {
    PRESETS
        .iter()
        .filter_map(|p| Some((p.id, Scenario::from_json(p.json).ok()?)))
        .filter(|(_, s)| s.protocol == protocol)
        .collect()
}

/// The scenario of the preset with this id, or what is wrong.
pub fn scenario(id: &str) -> Result<Scenario, String> {
    let preset = PRESETS
        .iter()
        .find(|p| p.id == id)
        .ok_or_else(|| format!("preset: there is no preset \"{id}\""))?;
    Scenario::from_json(preset.json).map_err(|e| format!("preset {id}: {e}"))
}

#[cfg(test)]
mod tests;
