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
    preset!("clocks-default"),
    preset!("clocks-lww-vs-vector"),
    preset!("gossip-default"),
    preset!("gossip-thousand"),
    preset!("gossip-partition"),
    preset!("gossip-mongering"),
    preset!("gossip-swim"),
    preset!("quorum-default"),
    preset!("quorum-stale-read"),
    preset!("ring-default"),
    preset!("ring-partition"),
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

    /// The embed builder (www/embed.js) offers exactly the presets there are.
    #[test]
    fn the_embed_builder_lists_every_preset() {
        let js = include_str!("../../../www/embed.js");
        let block = js
            .split_once("const PRESETS = {")
            .and_then(|(_, rest)| rest.split_once("};"))
            .map(|(block, _)| block)
            .expect("www/embed.js has a PRESETS table");
        let listed: Vec<&str> = block
            .split('\'')
            .filter(|s| s.contains('-') && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'))
            .collect();
        let mut ids: Vec<&str> = PRESETS.iter().map(|p| p.id).collect();
        let mut listed_sorted = listed.clone();
        listed_sorted.sort_unstable();
        ids.sort_unstable();
        assert_eq!(listed_sorted, ids, "www/embed.js lists {listed:?}");
    }
}
