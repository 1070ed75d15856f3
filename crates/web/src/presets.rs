//! The preset scenarios shipped in `www/presets`, compiled in.

/// A preset: its file stem and its JSON.
pub struct Preset {
    /// The preset's id (its file name without `.json`).
    pub id: &'static str,
    /// The scenario.
    pub json: &'static str,
}

/// Every preset, the default lab first.
pub const PRESETS: &[Preset] = &[
    Preset {
        id: "raft-default",
        json: include_str!("../../../www/presets/raft-default.json"),
    },
    Preset {
        id: "raft-minority-partition",
        json: include_str!("../../../www/presets/raft-minority-partition.json"),
    },
    Preset {
        id: "raft-split-vote",
        json: include_str!("../../../www/presets/raft-split-vote.json"),
    },
    Preset {
        id: "raft-zombie-leader",
        json: include_str!("../../../www/presets/raft-zombie-leader.json"),
    },
    Preset {
        id: "clocks-default",
        json: include_str!("../../../www/presets/clocks-default.json"),
    },
    Preset {
        id: "clocks-lww-vs-vector",
        json: include_str!("../../../www/presets/clocks-lww-vs-vector.json"),
    },
];
