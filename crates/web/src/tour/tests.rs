//! Every tour builds, and every step shows what its narration claims.

use super::*;
#[cfg(feature = "gossip")]
use crate::labs::gossip::{GossipDot, GossipPart};
#[cfg(feature = "quorum")]
use crate::labs::quorum::QuorumPart;
#[cfg(feature = "raft")]
use crate::labs::raft::RaftPart;
use crate::snapshot::Snapshot;
#[cfg(feature = "gossip")]
use faultline_core::protocols::gossip::Spread;
#[cfg(feature = "quorum")]
use faultline_core::protocols::quorum::OpKind;
#[cfg(feature = "raft")]
use faultline_core::protocols::raft::{RaftView, Role};
#[cfg(any(feature = "raft", feature = "ring"))]
use faultline_core::sim::NodeStatus;
#[cfg(any(feature = "raft", feature = "quorum"))]
use faultline_core::NodeId;

/// Every step's snapshot, after checking what holds for any tour.
fn steps(id: &str) -> Vec<Snapshot> {
    let tour = load(id).unwrap_or_else(|e| panic!("{e}"));
    (0..tour.steps.len())
        .map(|k| {
            let sim = tour.sim_at(k).unwrap_or_else(|e| panic!("{e}"));
            assert!(
                sim.violations().is_empty(),
                "{id} step {}: {:?}",
                k + 1,
                sim.violations()
            );
            Snapshot::of(&sim, false)
        })
        .collect()
}

#[test]
fn every_protocol_has_a_tour_whose_steps_build_in_order() {
    for lab in crate::labs::LABS {
        let tour = load(lab.protocol.as_str()).unwrap_or_else(|e| panic!("{e}"));
        let base = Scenario::from_json(&tour.scenario.to_string()).unwrap();
        assert_eq!(base.protocol, lab.protocol, "tour {}", tour.id);
        assert!(tour.steps.len() >= 3, "tour {}: too short", tour.id);
        let mut from = 0.0;
        for (k, step) in tour.steps.iter().enumerate() {
            if let Some(chapter) = &step.scenario {
                // A new chapter: its own scenario, of this protocol, and
                // time starts again.
                let s = Scenario::from_json(&chapter.to_string()).unwrap();
                assert_eq!(s.protocol, lab.protocol, "tour {} step {}", tour.id, k + 1);
                from = 0.0;
            }
            assert!(
                step.at_ms > from,
                "tour {} step {}: time goes back",
                tour.id,
                k + 1
            );
            for c in &step.commands {
                let at = c["at_ms"].as_f64().unwrap();
                assert!(
                    (from..=step.at_ms).contains(&at),
                    "tour {} step {}: a command at {at} ms is outside the step ({from} to {} ms), \
                     so the previous step would not be a prefix of this one",
                    tour.id,
                    k + 1,
                    step.at_ms
                );
            }
            for text in [&step.title, &step.text, &step.try_this] {
                assert!(!text.trim().is_empty(), "tour {} step {}", tour.id, k + 1);
            }
            from = step.at_ms;
        }
    }
}

#[cfg(feature = "raft")]
#[test]
fn a_step_rebuilds_exactly_and_extends_the_step_before() {
    let tour = load("raft").unwrap();
    let hash = |k| tour.sim_at(k).unwrap().trace_hash();
    assert_eq!(hash(2), hash(2), "rebuilding a step gives the same run");
    // Step 3 replayed only up to step 2's time is step 2.
    let mut sim = crate::running::build(&tour.scenario_at(2).unwrap()).unwrap();
    sim.run_until(Time::from_ms_f64(tour.steps[1].at_ms));
    assert_eq!(sim.trace_hash(), hash(1));
}

#[cfg(feature = "raft")]
#[test]
fn bad_ids_and_steps_say_what_is_wrong() {
    let e = load("zab").unwrap_err();
    assert!(e.contains("no tour \"zab\"") && e.contains("raft"), "{e}");
    let tour = load("raft").unwrap();
    let e = tour.sim_at(99).unwrap_err();
    assert!(e.contains("no step 100") && e.contains("it has 13"), "{e}");
}

#[test]
fn a_malformed_tour_names_its_place() {
    let step = r#"{"title": "t", "text": "x", "try": "y", "at_ms": 10}"#;
    let ok = parse(
        "raft",
        &format!(r#"{{"title": "T", "scenario": {{}}, "steps": [{step}]}}"#),
    );
    assert_eq!(
        ok.unwrap().steps[0].commands,
        Vec::<serde_json::Value>::new()
    );
    for (text, error) in [
        (
            format!(r#"{{"title": "T", "scenario": {{}}, "steps": [{step}, {{"title": 1}}]}}"#),
            "tour raft: steps[1].title: invalid type: integer `1`, expected a string",
        ),
        (
            format!(r#"{{"title": "T", "scenario": {{}}, "steps": [{step}, {{}}]}}"#),
            "tour raft: steps[1]: missing field `title`",
        ),
        (
            format!(r#"{{"title": "T", "scenario": {{}}, "steps": [{step}], "id": "raft"}}"#),
            "tour raft: id: unknown field `id`, expected one of `title`, `scenario`, `steps`",
        ),
        (
            r#"{"title": "T", "steps": []}"#.to_string(),
            "tour raft: missing field `scenario`",
        ),
        (
            r#"{"title": "T", "scenario": {}, "steps": []}"#.to_string(),
            "tour raft: it has no steps",
        ),
        (
            format!(
                r#"{{"title": "T", "scenario": {{}}, "steps": [{step}, {step}, {{"at_ms": 1, "at_ms": 2}}]}}"#
            ),
            "tour raft: steps[2]: duplicate field `at_ms` at line 1 column 163",
        ),
        (
            format!(r#"{{"title": "T", "scenario": {{}}, "steps": [{step}, {{"at_ms": }}]}}"#),
            "tour raft: steps[1].at_ms: expected value at line 1 column 106",
        ),
    ] {
        assert_eq!(parse("raft", &text).unwrap_err(), error, "{text}");
    }
}

#[cfg(feature = "raft")]
#[test]
fn a_malformed_step_command_names_its_place() {
    let mut tour = load("raft").unwrap();
    tour.steps[1].commands[0]["node"] = 9.into();
    let e = tour.sim_at(1).unwrap_err();
    assert!(
        e.contains("step 2") && e.contains("schedule[0].node"),
        "{e}"
    );
}

#[cfg(feature = "raft")]
fn raft(s: &Snapshot) -> Vec<(NodeId, NodeStatus, RaftView)> {
    let view = s.part::<RaftPart>().expect("a raft snapshot");
    view.nodes
        .iter()
        .map(|n| (n.id, n.status, n.state.clone().expect("a raft state")))
        .collect()
}

#[cfg(feature = "raft")]
fn leaders(s: &Snapshot) -> Vec<(u32, u64)> {
    running(s)
        .into_iter()
        .filter(|(_, v)| v.role == Role::Leader)
        .map(|(id, v)| (id.0, v.term))
        .collect()
}

#[cfg(feature = "raft")]
fn commands(v: &RaftView) -> Vec<(u64, u64, &str)> {
    v.log_tail
        .iter()
        .map(|e| (e.index, e.term, e.command.as_str()))
        .collect()
}

#[cfg(feature = "raft")]
#[test]
fn the_raft_tour_tells_the_truth() {
    let s = steps("raft");
    // 1: n4 leads term 1; its no-op is committed everywhere.
    assert_eq!(leaders(&s[0]), [(4, 1)]);
    assert!(raft(&s[0]).iter().all(|(_, _, v)| v.commit_index == 1));
    // 2: set x=1 at index 2, committed and applied everywhere.
    for (id, _, v) in raft(&s[1]) {
        assert_eq!(commands(&v)[1], (2, 1, "set x=1"), "{id}");
        assert!(v.commit_index >= 2, "{id}");
        assert!(v.kv.contains(&("x".into(), "1".into())), "{id}");
    }
    // The request went to n2 first, which redirected it to n4.
    let sim = load("raft").unwrap().sim_at(1).unwrap();
    let asked: Vec<u32> = sim
        .trace()
        .filter_map(|e| match &e.kind {
            faultline_core::trace::TraceKind::Request { node, summary, .. }
                if summary.contains("set x=1") =>
            {
                Some(node.0)
            }
            _ => None,
        })
        .collect();
    assert_eq!(asked, [2, 4], "n2, then the leader n4");
    // 3: n4 crashed; n1 leads term 3 and still has x=1.
    let nodes = raft(&s[2]);
    assert_eq!(nodes[4].1, NodeStatus::Crashed);
    assert_eq!(leaders(&s[2]), [(1, 3)]);
    assert_eq!(commands(&nodes[1].2)[1], (2, 1, "set x=1"));
    // 4: two leaders; the minority's entry 4 uncommitted, the majority
    // committed y=2 as entry 5 of term 4.
    assert_eq!(leaders(&s[3]), [(1, 3), (3, 4)]);
    let nodes = raft(&s[3]);
    assert_eq!(commands(&nodes[1].2)[3], (4, 3, "set y=2"));
    assert_eq!(nodes[1].2.commit_index, 3);
    assert_eq!(commands(&nodes[3].2)[4], (5, 4, "set y=2"));
    assert_eq!(nodes[3].2.commit_index, 5);
    // 5: n1 stepped down; every log identical; y=2 once.
    assert_eq!(leaders(&s[4]), [(3, 4)]);
    let nodes = raft(&s[4]);
    let first = commands(&nodes[0].2);
    for (id, _, v) in &nodes {
        assert_eq!(commands(v), first, "{id}");
        assert_eq!(v.term, 4, "{id}");
        assert!(v.kv.contains(&("y".into(), "2".into())), "{id}");
    }
    assert_eq!(first.iter().filter(|e| e.2 == "set y=2").count(), 1);
    assert_eq!(first[3], (4, 4, ""), "n1's entry 4 of term 3 was replaced");
}

/// The running servers' views (a removed server has none).
#[cfg(feature = "raft")]
fn running(s: &Snapshot) -> Vec<(NodeId, RaftView)> {
    let view = s.part::<RaftPart>().expect("a raft snapshot");
    view.nodes
        .iter()
        .filter(|n| n.status == NodeStatus::Up)
        .filter_map(|n| Some((n.id, n.state.clone()?)))
        .collect()
}

#[cfg(feature = "raft")]
#[test]
fn the_raft_tour_chapters_tell_the_truth() {
    let s = steps("raft");
    let tour = load("raft").unwrap();
    assert_eq!(
        (5..11).map(|k| tour.chapter_of(k)).collect::<Vec<_>>(),
        [5, 6, 7, 8, 9, 9]
    );
    // 6: without PreVote n4's return forced an election: n3 leads term 13.
    assert_eq!(leaders(&s[5]), [(3, 13)]);
    // 7: with PreVote, n2 still leads term 1 and no term moved.
    assert_eq!(leaders(&s[6]), [(2, 1)]);
    assert!(running(&s[6]).iter().all(|(_, v)| v.term == 1));
    // 8: n2 still leads term 1 beside n0, leader of term 2.
    assert_eq!(leaders(&s[7]), [(0, 2), (2, 1)]);
    // 9: with CheckQuorum n2 is a follower; n1 leads term 2.
    assert_eq!(leaders(&s[8]), [(1, 2)]);
    // 10: n3 joined through "add n3" at index 3; n4 is a learner.
    let nodes = running(&s[9]);
    let n2 = &nodes[2].1;
    assert_eq!(n2.voters, [0, 1, 2, 3].map(NodeId));
    let e3 = n2.log_tail.iter().find(|e| e.index == 3).expect("entry 3");
    assert!(e3.config && e3.command == "add n3" && n2.commit_index >= 3);
    assert!(nodes[4].1.learner && !nodes[3].1.learner);
    // 11: n2 removed; n4 leads term 2 of the four; c=3 applied by all.
    assert_eq!(leaders(&s[10]), [(4, 2)]);
    let view = s[10].part::<RaftPart>().unwrap();
    assert_eq!(view.nodes[2].status, NodeStatus::Removed);
    for (id, v) in running(&s[10]) {
        assert_eq!(v.voters, [0, 1, 3, 4].map(NodeId), "{id}");
        assert!(v.kv.contains(&("c".into(), "3".into())), "{id}");
    }
    // 12: n0 down; the others compacted up to 60, holding one entry.
    for (id, v) in running(&s[11]) {
        assert_eq!((v.snapshot_index, v.last_index), (60, 61), "{id}");
    }
    assert_eq!(
        s[11].part::<RaftPart>().unwrap().nodes[0].status,
        NodeStatus::Crashed
    );
    // 13: n0 caught up by InstallSnapshot to the same six keys.
    let nodes = running(&s[12]);
    assert_eq!(nodes.len(), 3);
    for (id, v) in &nodes {
        assert_eq!(v.kv, nodes[2].1.kv, "{id}");
        assert_eq!(v.kv.len(), 6, "{id}");
    }
}

#[cfg(feature = "clocks")]
#[test]
fn the_clocks_tour_tells_the_truth() {
    let s = steps("clocks");
    let clocks = |k: usize| {
        s[k].part::<crate::labs::clocks::ClocksPart>()
            .unwrap()
            .view
            .nodes
            .iter()
            .map(|n| n.state.clone().unwrap())
            .collect::<Vec<_>>()
    };
    let c = clocks(0);
    assert_eq!((c[0].lamport, c[1].lamport), (2, 3));
    let c = clocks(1);
    assert_eq!(c[2].vector.0, [0, 0, 2]);
    assert_eq!(c[1].vector.0, [2, 1, 0]);
    assert!(c[2].lamport < c[1].lamport);
    let winner = |c: &faultline_core::protocols::clocks::ClocksView| {
        c.lww.winner.as_ref().map(|w| w.value.clone())
    };
    let siblings = |c: &faultline_core::protocols::clocks::ClocksView| {
        let mut v: Vec<String> = c.mv.siblings.iter().map(|s| s.0.clone()).collect();
        v.sort();
        v
    };
    for c in clocks(2) {
        assert_eq!(winner(&c).as_deref(), Some("a"));
        assert_eq!(c.lww.discarded, ["b"]);
        assert_eq!(siblings(&c), ["a", "b"]);
    }
    for c in clocks(3) {
        assert_eq!(winner(&c).as_deref(), Some("a"));
        assert_eq!(c.lww.discarded, ["b", "c"]);
        assert_eq!(siblings(&c), ["c"]);
    }
}

#[cfg(feature = "gossip")]
fn gossip(s: &Snapshot) -> &GossipPart {
    s.part::<GossipPart>().expect("a gossip snapshot")
}

#[cfg(feature = "gossip")]
#[test]
fn the_gossip_tour_tells_the_truth() {
    let s = steps("gossip");
    let first = &gossip(&s[0]).rumors[0];
    assert_eq!((first.informed, first.live), (16, 256));
    let first = &gossip(&s[1]).rumors[0];
    assert_eq!(first.informed, 256);
    assert_eq!(first.rounds_to_full, Some(14));
    let lab = gossip(&s[2]);
    assert_eq!(lab.rumors[1].informed, 114);
    let knows = |d: &&GossipDot| d.spread != Spread::Uninformed;
    assert!(lab.dots[..128].iter().filter(knows).count() == 114);
    assert!(!lab.dots[128..].iter().any(|d| knows(&d)), "none across");
    let second = &gossip(&s[3]).rumors[1];
    assert_eq!((second.informed, second.rounds_to_full), (256, Some(23)));
}

#[cfg(feature = "quorum")]
fn quorum(s: &Snapshot) -> &QuorumPart {
    s.part::<QuorumPart>().expect("a quorum snapshot")
}

#[cfg(feature = "quorum")]
fn stored(lab: &QuorumPart, node: usize, key: &str) -> Vec<String> {
    let mut v: Vec<String> = lab.view.nodes[node]
        .state
        .as_ref()
        .unwrap()
        .keys
        .iter()
        .filter(|k| k.key == key)
        .flat_map(|k| k.versions.iter().map(|v| v.value.clone()))
        .collect();
    v.sort();
    v
}

#[cfg(feature = "quorum")]
#[test]
fn the_quorum_tour_tells_the_truth() {
    let s = steps("quorum");
    let lab = quorum(&s[0]);
    assert_eq!(lab.replicas("k"), [NodeId(4), NodeId(0), NodeId(1)]);
    let put = &lab.history[0];
    assert!(put.ok && put.need == 2 && put.answers.len() == 2);
    for n in [4, 0, 1] {
        assert_eq!(stored(lab, n, "k"), ["a"], "n{n}");
    }
    let h = &quorum(&s[1]).history;
    assert!(h[1].ok && h[1].kind == OpKind::Put && h[1].need == 1);
    let get = &h[2];
    assert_eq!(
        (get.kind, get.op.node, get.need),
        (OpKind::Get, NodeId(1), 1)
    );
    let read: Vec<&str> = get.result.iter().map(|v| v.value.as_str()).collect();
    assert_eq!(read, ["a"]);
    assert!(get.stale.is_some(), "the history flags the stale read");
    let get = &quorum(&s[2]).history[3];
    assert_eq!((get.need, get.ok), (3, false));
    assert_eq!(
        (get.complete.unwrap() - get.invoke),
        500_000,
        "failed at the timeout"
    );
    let lab = quorum(&s[3]);
    let get = &lab.history[4];
    assert!(get.ok && get.stale.is_none() && get.answers.len() == 3);
    let mut read: Vec<&str> = get.result.iter().map(|v| v.value.as_str()).collect();
    read.sort();
    assert_eq!(read, ["a", "b"]);
    assert_eq!(stored(lab, 1, "k"), ["a", "b"], "read repair reached n1");
}

#[cfg(feature = "ring")]
#[test]
fn the_ring_tour_tells_the_truth() {
    let s = steps("ring");
    let held = |k: usize| -> Vec<(u32, NodeStatus, u32, u32, u64)> {
        s[k].part::<crate::labs::ring::RingPart>()
            .unwrap()
            .view
            .nodes
            .iter()
            .map(|n| match n.state.as_ref() {
                Some(v) => (n.id.0, n.status, v.held, v.missing, v.keys_sent),
                None => (n.id.0, n.status, 0, 0, 0),
            })
            .collect()
    };
    let before = held(0);
    let counts: Vec<u32> = before.iter().map(|n| n.2).collect();
    assert_eq!(counts.iter().sum::<u32>(), 20_000);
    assert_eq!(counts.iter().min(), Some(&2_289));
    assert_eq!(counts.iter().max(), Some(&2_980));
    assert_eq!((counts[3], counts[4]), (2_289, 2_980));
    let after = held(1);
    assert_eq!(after[8].2, 2_533, "n8 took 2,533 keys");
    let sent: u64 = after[..8].iter().map(|n| n.4).sum();
    assert_eq!(sent, 2_533, "every key n8 holds came from an old node");
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(u64::from(b.2 - a.2), a.4, "n{} only gave keys to n8", a.0);
    }
    let left = held(2);
    assert_eq!(left[3].1, NodeStatus::Removed);
    let missing: u32 = left.iter().map(|n| n.3).sum();
    assert_eq!(missing, after[3].2, "n3's keys are awaited");
    assert_eq!(after[3].2, 1_957);
}

/// Seeds a claim is checked over: the tour's own run is one of many, and a
/// narration should not depend on its luck.
const CLAIM_SEEDS: u64 = 20;

/// Whether claim `name` holds in some state of `scenario`'s run (seeded
/// `seed`) up to `until`, checked after every event.
fn reaches(scenario: &Scenario, seed: u64, name: &str, until: Time) -> bool {
    let mut s = scenario.clone();
    s.seed = seed;
    let mut sim = crate::running::build(&s).unwrap_or_else(|e| panic!("{e}"));
    loop {
        let holds = sim.holds(name);
        assert!(holds.is_some(), "{:?} states no claim {name:?}", s.protocol);
        if holds == Some(true) {
            return true;
        }
        if sim.now() >= until || !sim.step() {
            return false;
        }
    }
}

/// Whether `"eventually"` (every seed's run reaches it by the step's time)
/// or `"sometimes"` (some seed's run does) `name` holds of `scenario`.
fn claim_holds(scenario: &Scenario, kind: &str, name: &str, until: Time) -> bool {
    let mut runs = (1..=CLAIM_SEEDS).map(|seed| reaches(scenario, seed, name, until));
    match kind {
        "eventually" => runs.all(|r| r),
        "sometimes" => runs.any(|r| r),
        other => panic!("a claim is `eventually` or `sometimes`, not `{other}`"),
    }
}

/// Properties over time, as stateright states them: a step's `claims` say
/// what its run reaches by the step's time on every seed (`eventually`) or
/// on some (`sometimes`), and each holds. Every protocol with claims has a
/// tour that states one.
#[test]
fn every_tours_claims_over_time_hold() {
    let mut stated = 0;
    for lab in crate::labs::LABS {
        let id = lab.protocol.as_str();
        let path = format!("{}/../../www/tours/{id}.json", env!("CARGO_MANIFEST_DIR"));
        let raw: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let tour = load(id).unwrap();
        for (k, step) in raw["steps"].as_array().unwrap().iter().enumerate() {
            let Some(claims) = step.get("claims") else {
                continue;
            };
            let scenario = tour.scenario_at(k).unwrap();
            for claim in claims.as_array().expect("claims: an array") {
                let (kind, name) = claim
                    .as_object()
                    .and_then(|o| o.iter().next())
                    .and_then(|(k, v)| Some((k.as_str(), v.as_str()?)))
                    .expect("a claim: {\"eventually\" or \"sometimes\": name}");
                assert!(
                    claim_holds(&scenario, kind, name, tour.time_at(k)),
                    "tour {id} step {}: {kind} {name} does not hold",
                    k + 1
                );
                stated += 1;
            }
        }
    }
    assert!(stated >= 4, "the tours state {stated} claims");
}

/// The claims can fail: a strict quorum (R + W > N) with no fault never
/// reads stale, and one Raft cluster with no fault never has two leaders
/// at once; Raft's default run does not elect before its first timeout.
#[cfg(all(feature = "raft", feature = "quorum"))]
#[test]
fn a_claim_that_is_false_is_caught() {
    let preset = |id: &str| {
        let path = format!("{}/../../www/presets/{id}.json", env!("CARGO_MANIFEST_DIR"));
        Scenario::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
    };
    let end = Time::from_ms(3000);
    assert!(!claim_holds(
        &preset("quorum-default"),
        "sometimes",
        "a stale read",
        end
    ));
    assert!(claim_holds(
        &preset("quorum-stale-read"),
        "sometimes",
        "a stale read",
        Time::from_ms(10_000)
    ));
    assert!(!claim_holds(
        &preset("raft-default"),
        "sometimes",
        "two leaders",
        end
    ));
    assert!(claim_holds(
        &preset("raft-default"),
        "eventually",
        "a leader",
        end
    ));
    assert!(!claim_holds(
        &preset("raft-default"),
        "sometimes",
        "a leader",
        Time::from_ms(50)
    ));
}
