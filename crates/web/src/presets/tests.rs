//! Every preset parses, builds, runs clean (or, with a bug on, breaks an
//! invariant) and shows what its title claims.

use super::*;
use crate::snapshot::Snapshot;
#[cfg(any(feature = "raft", feature = "quorum"))]
use faultline_core::NodeId;
use faultline_core::{AnySim, SimConfig, Time};

/// Every preset of the labs compiled in.
fn ids() -> impl Iterator<Item = &'static str> {
    labs::LABS.iter().flat_map(|e| e.presets().iter().copied())
}

#[test]
fn every_preset_parses_builds_and_runs_clean() {
    for id in ids() {
        let s = read(id).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            lab_of(id).and_then(|t| t.protocol()),
            Some(s.protocol),
            "{id}"
        );
        assert!(
            s.name.is_some() && s.description.as_deref().is_some_and(|d| !d.is_empty()),
            "{id}: the gallery needs a name and a description"
        );
        let mut sim = AnySim::new(&s, SimConfig::default()).unwrap_or_else(|e| panic!("{id}: {e}"));
        sim.run_until(Time::from_ms(s.until_ms.min(5_000)));
        // A preset that switches a textbook bug on exists to show it break
        // something; every other preset runs clean.
        let buggy = s
            .params
            .get("bugs")
            .is_some_and(|b| b != &serde_json::json!([]));
        assert_eq!(
            sim.violations().is_empty(),
            !buggy,
            "{id}: {:?}",
            sim.violations().first()
        );
        assert!(sim.stats().delivered > 0, "{id}: nothing happened");
    }
    for lab in labs::LABS {
        let id = default_id(lab.protocol);
        assert_eq!(lab.presets().first(), Some(&id.as_str()), "no {id} preset");
        assert!(lab.presets().len() >= 2, "{id}: fewer than two presets");
    }
}

#[test]
fn an_unknown_preset_says_so() {
    let e = read("raft-nonsense").unwrap_err();
    assert!(e.contains("no preset \"raft-nonsense\""), "{e}");
}

/// The preset run to `ms`, as the lab shows it.
fn at(id: &str, ms: u64) -> Snapshot {
    let mut sim = crate::running::build(&read(id).unwrap()).unwrap();
    sim.run_until(Time::from_ms(ms));
    Snapshot::of(&sim, false)
}

#[cfg(feature = "quorum")]
#[test]
fn the_sloppy_quorum_preset_keeps_a_hint_and_hands_it_back() {
    let hints_for_n1 = |s: &Snapshot| -> usize {
        let lab = s.part::<crate::labs::quorum::QuorumPart>().unwrap();
        lab.view
            .nodes
            .iter()
            .filter_map(|n| n.state.as_ref())
            .flat_map(|v| v.hints.iter())
            .filter(|h| h.intended == NodeId(1) && h.key == "k")
            .count()
    };
    let stored_at_n1 = |s: &Snapshot| -> bool {
        let lab = s.part::<crate::labs::quorum::QuorumPart>().unwrap();
        lab.view.nodes[1].state.as_ref().is_some_and(|v| {
            v.keys
                .iter()
                .any(|k| k.key == "k" && k.versions.iter().any(|v| v.value == "v"))
        })
    };
    let during = at("quorum-sloppy-handoff", 2_000);
    let put = during
        .part::<crate::labs::quorum::QuorumPart>()
        .unwrap()
        .history
        .iter()
        .find(|h| h.value.as_deref() == Some("v"))
        .cloned()
        .unwrap();
    assert!(
        put.ok,
        "the sloppy quorum took the W = 3 put: {:?}",
        put.error
    );
    assert!(
        put.answers
            .iter()
            .any(|a| a.intended == NodeId(1) && a.node == NodeId(2)),
        "n2 stood in for n1: {:?}",
        put.answers
    );
    assert_eq!(hints_for_n1(&during), 1, "a hint for n1 is held");
    assert!(!stored_at_n1(&during));
    let after = at("quorum-sloppy-handoff", 4_000);
    assert_eq!(hints_for_n1(&after), 0, "the hint was handed back");
    assert!(stored_at_n1(&after), "n1 has the value");
}

#[cfg(feature = "quorum")]
#[test]
fn the_stale_read_preset_reads_stale() {
    let s = at("quorum-stale-read", 5_000);
    let lab = s.part::<crate::labs::quorum::QuorumPart>().unwrap();
    assert!(lab.history.iter().any(|h| h.stale.is_some()));
}

#[cfg(feature = "raft")]
#[test]
fn the_raft_presets_show_their_titles() {
    let leaders = |s: &Snapshot| -> Vec<(NodeId, u64)> {
        let view = s.part::<crate::labs::raft::RaftPart>().unwrap();
        view.nodes
            .iter()
            .filter(|n| n.status != faultline_core::sim::NodeStatus::Crashed)
            .filter_map(|n| Some((n.id, n.state.as_ref()?)))
            .filter(|(_, v)| v.role == faultline_core::protocols::raft::Role::Leader)
            .map(|(id, v)| (id, v.term))
            .collect()
    };
    // Split vote: the first term ends without a leader.
    let mut sim = crate::running::build(&read("raft-split-vote").unwrap()).unwrap();
    let r = sim
        .get_mut::<faultline_core::protocols::raft::Raft>()
        .expect("a Raft run");
    r.run_until(Time::from_ms(3_000));
    let first = r.checker().leaders().next().unwrap();
    assert!(first.term >= 2, "term 1 had no winner: {}", first.term);
    // Zombie: right after it resumes, the paused leader still believes it
    // leads, in an older term than the new leader's.
    let s = at("raft-zombie-leader", 1_400);
    let l = leaders(&s);
    assert_eq!(l.len(), 2, "{l:?}");
    assert!(l.iter().any(|(id, _)| *id == NodeId(4)), "{l:?}");
    assert_ne!(l[0].1, l[1].1);
    // Minority partition: the minority side commits nothing new.
    let during = at("raft-minority-partition", 3_900);
    let view = during.part::<crate::labs::raft::RaftPart>().unwrap();
    let commit = |i: usize| view.nodes[i].state.as_ref().unwrap().commit_index;
    let before = at("raft-minority-partition", 1_500);
    let before = before.part::<crate::labs::raft::RaftPart>().unwrap();
    assert_eq!(
        commit(4),
        before.nodes[4].state.as_ref().unwrap().commit_index
    );
    assert!(commit(0) > before.nodes[0].state.as_ref().unwrap().commit_index);
}

#[cfg(feature = "gossip")]
#[test]
fn the_gossip_partition_preset_holds_the_rumor_back() {
    let s = at("gossip-partition", 3_900);
    let lab = s.part::<crate::labs::gossip::GossipPart>().unwrap();
    let informed = |d: &&crate::labs::gossip::GossipDot| {
        d.spread != faultline_core::protocols::gossip::Spread::Uninformed
    };
    assert!(!lab.dots[64..].iter().any(|d| informed(&d)));
    let s = at("gossip-partition", 8_000);
    assert_eq!(
        s.part::<crate::labs::gossip::GossipPart>().unwrap().rumors[0].informed,
        128
    );
}

#[cfg(feature = "ring")]
#[test]
fn the_ring_default_preset_admits_a_joiner() {
    let s = at("ring-default", 3_900);
    let lab = s.part::<crate::labs::ring::RingPart>().unwrap();
    let joiner = lab.view.nodes[8].state.as_ref().unwrap();
    assert!(joiner.held > 1_000 && joiner.missing == 0, "{joiner:?}");
}

/// A leader is drawn stale when its term is behind (§5.1), and also when it
/// can no longer reach a majority of its configuration, before anyone has
/// replaced it (without CheckQuorum, §6.2, nothing tells it).
#[cfg(feature = "raft")]
#[test]
fn a_cut_off_leader_is_marked_before_and_after_it_is_replaced() {
    let marks = |ms| {
        let s = at("raft-minority-partition", ms);
        crate::labs::raft::stale_leaders(s.part::<crate::labs::raft::RaftPart>().unwrap())
    };
    assert_eq!(marks(1_400), [], "n4 leads all five");
    assert_eq!(
        marks(1_520),
        [(NodeId(4), "no majority")],
        "cut off, not yet replaced"
    );
    assert_eq!(
        marks(2_000),
        [(NodeId(4), "stale leader")],
        "n1 leads term 2"
    );
}
