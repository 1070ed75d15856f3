//! The preset scenarios shipped in `www/presets`, compiled in.

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
    preset!("quorum-stress"),
    preset!("ring-default"),
    preset!("ring-partition"),
    preset!("ring-stress"),
];

#[cfg(test)]
mod tests {
    use super::PRESETS;
    use faultline_core::{AnySim, Scenario, SimConfig, Time};

    #[test]
    fn every_preset_parses_builds_and_runs_clean() {
        for p in PRESETS {
            let s = Scenario::from_json(p.json).unwrap_or_else(|e| panic!("{}: {e}", p.id));
            let mut sim =
                AnySim::new(&s, SimConfig::default()).unwrap_or_else(|e| panic!("{}: {e}", p.id));
            sim.run_until(Time::from_ms(s.until_ms.min(5_000)));
            assert!(
                sim.violations().is_empty(),
                "{}: {:?}",
                p.id,
                sim.violations()
            );
            assert!(sim.stats().delivered > 0, "{}: nothing happened", p.id);
        }
        for protocol in crate::app::ROUTES {
            let id = format!("{}-default", protocol.as_str());
            assert!(PRESETS.iter().any(|p| p.id == id), "no {id} preset");
        }
    }
}
