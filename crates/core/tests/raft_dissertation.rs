//! Raft's options from Ongaro's dissertation ("Consensus: Bridging Theory
//! and Practice", 2014) checked through the simulator: PreVote (§9.6) and
//! CheckQuorum (§6.2). Each test runs the same scenario with the option off
//! and on, so it shows the problem the option exists for and that the
//! option removes it. Both are off by default (old links replay the same).

use faultline_core::command::Command;
use faultline_core::protocols::raft::{Raft, Role};
use faultline_core::{NodeId, Scenario, Sim, SimConfig, Time};

/// A five-server Raft cluster with the given options, run until it has
/// elected a leader; returns the sim, the leader and its term.
fn settled(seed: u64, pre_vote: bool, check_quorum: bool) -> (Sim<Raft>, NodeId, u64) {
    let scenario = Scenario::from_json(&format!(
        r#"{{ "protocol": "raft", "nodes": 5, "seed": {seed}, "until_ms": 20000,
             "params": {{ "pre_vote": {pre_vote}, "check_quorum": {check_quorum} }} }}"#
    ))
    .expect("scenario");
    let mut sim = Sim::<Raft>::from_scenario(&scenario, SimConfig::default()).expect("sim");
    sim.run_until(Time::from_ms(2_000));
    let (leader, term) = leaders(&sim)
        .into_iter()
        .max_by_key(|l| l.1)
        .expect("a leader after 2 s");
    (sim, leader, term)
}

/// Every server that believes it leads, with its term.
fn leaders(sim: &Sim<Raft>) -> Vec<(NodeId, u64)> {
    sim.view()
        .nodes
        .iter()
        .filter_map(|nv| {
            let s = nv.state.as_ref()?;
            (s.role == Role::Leader).then_some((nv.id, s.term))
        })
        .collect()
}

fn term_of(sim: &Sim<Raft>, id: NodeId) -> u64 {
    sim.view().nodes[id.0 as usize]
        .state
        .as_ref()
        .expect("state")
        .term
}

fn role_of(sim: &Sim<Raft>, id: NodeId) -> Role {
    sim.view().nodes[id.0 as usize]
        .state
        .as_ref()
        .expect("state")
        .role
}

fn cut_off(node: NodeId) -> Command {
    let rest = (0..5).map(NodeId).filter(|&n| n != node).collect();
    Command::Partition {
        groups: vec![vec![node], rest],
    }
}

/// §9.6 (and §4.2.3): "a server that has been partitioned from the cluster
/// ... will time out and start a new election ... When the partition
/// heals, its higher term forces the leader to step down." With PreVote the
/// isolated server never wins a pre-vote, so its term stays put, and when
/// it rejoins the leader keeps its place.
#[test]
fn a_rejoining_follower_forces_an_election_unless_pre_vote() {
    for seed in 0..10 {
        for pre_vote in [false, true] {
            let (mut sim, leader, term) = settled(seed, pre_vote, false);
            let follower = NodeId((leader.0 + 1) % 5);
            sim.apply(cut_off(follower)).expect("partition");
            sim.run_until(Time::from_ms(5_000));
            let isolated_term = term_of(&sim, follower);
            sim.apply(Command::Heal).expect("heal");
            sim.run_until(Time::from_ms(7_000));
            let after = leaders(&sim);
            assert!(sim.violations().is_empty(), "{:?}", sim.violations());
            assert_eq!(after.len(), 1, "seed {seed}: one leader after the heal");
            if pre_vote {
                assert_eq!(
                    isolated_term, term,
                    "seed {seed}: with PreVote the cut-off server's term must not move"
                );
                assert_eq!(
                    after[0],
                    (leader, term),
                    "seed {seed}: with PreVote the rejoining server disrupts nothing"
                );
            } else {
                assert!(
                    isolated_term > term + 5,
                    "seed {seed}: without PreVote the cut-off server keeps raising its term ({isolated_term})"
                );
                assert!(
                    after[0].1 > term,
                    "seed {seed}: without PreVote its return forces an election, got {after:?}"
                );
            }
        }
    }
}

/// §6.2: "a leader steps down if an election timeout elapses without a
/// successful round of heartbeats to a majority of its cluster". Without
/// CheckQuorum a leader cut off from the rest still believes it leads, in
/// a stale term, beside the majority's new leader.
#[test]
fn an_isolated_leader_steps_down_only_with_check_quorum() {
    for seed in 0..10 {
        for check_quorum in [false, true] {
            let (mut sim, leader, term) = settled(seed, false, check_quorum);
            sim.apply(cut_off(leader)).expect("partition");
            // Two minimum election timeouts (150 ms each) and some slack.
            sim.run_until(Time::from_ms(3_000));
            let now = leaders(&sim);
            assert!(sim.violations().is_empty(), "{:?}", sim.violations());
            let majority_leader = now.iter().find(|l| l.0 != leader);
            assert!(
                majority_leader.is_some_and(|l| l.1 > term),
                "seed {seed}: the majority elects a new leader: {now:?}"
            );
            if check_quorum {
                assert_ne!(
                    role_of(&sim, leader),
                    Role::Leader,
                    "seed {seed}: with CheckQuorum the cut-off leader steps down"
                );
            } else {
                assert!(
                    now.contains(&(leader, term)),
                    "seed {seed}: without CheckQuorum it still leads in term {term}: {now:?}"
                );
            }
        }
    }
}

/// §6.2 must not cost a healthy cluster its leader: with CheckQuorum on and
/// no faults, the first leader keeps leading.
#[test]
fn check_quorum_keeps_a_healthy_leader() {
    for seed in 0..10 {
        let (mut sim, leader, term) = settled(seed, true, true);
        sim.run_until(Time::from_ms(10_000));
        assert_eq!(leaders(&sim), vec![(leader, term)], "seed {seed}");
        assert!(sim.violations().is_empty(), "{:?}", sim.violations());
    }
}

/// A preset run until `ms`.
fn preset(text: &str, ms: u64) -> Sim<Raft> {
    let scenario = Scenario::from_json(text).expect("preset");
    let mut sim = Sim::<Raft>::from_scenario(&scenario, SimConfig::default()).expect("sim");
    sim.run_until(Time::from_ms(ms));
    assert!(sim.violations().is_empty(), "{:?}", sim.violations());
    sim
}

/// The lab's preset pair for §9.6 teaches what it says: without PreVote
/// n4's return elects a new leader in a much later term; with it, the first
/// leader is the only one of the run.
#[test]
fn the_pre_vote_presets_show_the_disruption_and_its_fix() {
    let without = preset(
        include_str!("../../../www/presets/raft-rejoin-disrupts.json"),
        6_000,
    );
    let with = preset(
        include_str!("../../../www/presets/raft-rejoin-prevote.json"),
        6_000,
    );
    let (n2, n4) = (NodeId(2), NodeId(4));
    assert_eq!(leaders(&with), vec![(n2, 1)]);
    assert_eq!(term_of(&with, n4), 1);
    let after = leaders(&without);
    assert_eq!(after.len(), 1);
    assert!(
        after[0].1 > 5,
        "a disrupted cluster ends in a late term: {after:?}"
    );
}

/// The lab's preset pair for §6.2: mid-partition, the cut-off n2 still
/// leads its old term without CheckQuorum, and has stepped down with it.
#[test]
fn the_check_quorum_presets_show_the_stale_leader_and_its_fix() {
    let without = preset(
        include_str!("../../../www/presets/raft-stale-leader.json"),
        3_000,
    );
    let with = preset(
        include_str!("../../../www/presets/raft-check-quorum.json"),
        3_000,
    );
    let n2 = NodeId(2);
    let stale = leaders(&without);
    assert!(stale.contains(&(n2, 1)), "{stale:?}");
    assert!(stale.iter().any(|l| l.1 == 2), "{stale:?}");
    assert_ne!(role_of(&with, n2), Role::Leader);
    assert_eq!(leaders(&with).len(), 1);
}

/// §4.2.3's lease ("a server that heard from a current leader within the
/// minimum election timeout ignores vote requests") is safe only beside
/// CheckQuorum, which removes a leader that lost its majority; etcd ties it
/// to CheckQuorum too. With PreVote alone, a leader whose heartbeats still
/// reach a follower but whose replies are lost must not keep that follower
/// refusing every other candidate: the cluster elects a new leader.
#[test]
fn pre_vote_alone_recovers_from_a_leader_that_cannot_hear_back() {
    for seed in 0..10 {
        for check_quorum in [false, true] {
            let scenario = Scenario::from_json(&format!(
                r#"{{ "protocol": "raft", "nodes": 3, "seed": {seed}, "until_ms": 20000,
                     "params": {{ "pre_vote": true, "check_quorum": {check_quorum} }} }}"#
            ))
            .expect("scenario");
            let mut sim = Sim::<Raft>::from_scenario(&scenario, SimConfig::default()).expect("sim");
            sim.run_until(Time::from_ms(2_000));
            let (l, term) = leaders(&sim)
                .into_iter()
                .max_by_key(|l| l.1)
                .expect("leader");
            let a = NodeId((l.0 + 1) % 3);
            let b = NodeId((l.0 + 2) % 3);
            // L reaches A, but hears nothing back; L and B are cut apart.
            for (from, to) in [(l, b), (b, l), (a, l)] {
                sim.apply(Command::Cut { from, to }).expect("cut");
            }
            sim.run_until(Time::from_ms(6_000));
            assert!(sim.violations().is_empty(), "{:?}", sim.violations());
            let now = leaders(&sim);
            assert!(
                now.iter().any(|&(id, t)| id != l && t > term),
                "seed {seed}, check_quorum {check_quorum}: no new leader beside the deaf one: {now:?}"
            );
        }
    }
}

/// The `check_quorum` timer does nothing unless the option is on: firing it
/// by hand (a scenario's `fire`) never unseats a healthy leader.
#[test]
fn firing_check_quorum_with_the_option_off_changes_nothing() {
    let (mut sim, leader, term) = settled(3, false, false);
    sim.apply(Command::Fire {
        node: leader,
        timer: "check_quorum".into(),
    })
    .expect("fire");
    sim.run_until(Time::from_ms(3_000));
    assert_eq!(leaders(&sim), vec![(leader, term)]);
}
