//! Links outlive releases: a link written by link format 1 must keep
//! opening the same run. If a change to the scenario format, a protocol or
//! the simulator breaks this test, the change needs a new link format (and
//! a reader for format 1), not a new expected hash.

use faultline_core::link::Link;
use faultline_core::{AnySim, Command, NodeId, ProtocolName, SimConfig, Time};

/// Shared from faultline 0.1.0 on 2026-11-22: `raft-minority-partition`
/// with n1 crashed at 2500.25 ms, opened at 3210.5 ms.
const FORMAT_1: &str = "#/raft?v=1&s=jZHdTsMwDIVfxcoNNxFqux9Q0V4CcVdVKEvdNVqaFCdlTFPfHafSRgEhcRU5Pt85dnIRTvUoSvGs2liCgt44TyaeYVAUTTTegVbO-Qja972JQooGgyYzpB6DLycPAekdKYAeI_i2hZZ8D7EjxJIPvJneBbCoGqTvnk-zqENlYU_GHUKqe9grfQTjwBqH95w7kI9ee8uhxNPyjfM8iyg3UgTERpQPUowuGvva8-02yzKWYDx5OorywjwGjInGQ5qdNyE_iDK7Z10zDtZoFXGuJ3bUHTaj5bq6CBVny8ds1iZIaGvQXYdgSLLt24ghBXAMfOxyMckbmm8W7O1tGT-QHwcWVNVKrmtZZTKXRV0v0e3fsevfsYX4J5v_ZM-71ZJdZws2_c6yWaR9is3VmVTovoynevoE&t=3210.5";

#[test]
fn a_format_1_link_still_opens_the_same_run() {
    let link = Link::parse(FORMAT_1).expect("a format 1 link parses");
    assert_eq!(link.protocol, Some(ProtocolName::Raft));
    assert_eq!(link.at, Some(Time::from_ms_f64(3210.5)));
    let scenario = link.scenario.expect("it carries a run");
    assert_eq!(scenario.seed, 7);
    assert_eq!(
        scenario.schedule.last().map(|s| (s.at, &s.command)),
        Some((
            Time::from_ms_f64(2500.25),
            &Command::Crash { node: NodeId(1) }
        ))
    );
    let mut sim = AnySim::new(&scenario, SimConfig::default()).expect("it builds");
    sim.run_until(Time::from_ms_f64(3210.5));
    assert_eq!(sim.events(), 480);
    assert_eq!(sim.trace_hash().hex(), "9faf15576be5134a05b9440469336303");
}
