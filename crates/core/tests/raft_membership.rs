//! Raft's membership change one server at a time (chapter 4 of Ongaro's
//! dissertation, "Consensus: Bridging Theory and Practice", 2014) and
//! leadership transfer (§3.10), checked through the simulator, and a seeded
//! property that mixes membership changes and transfers with every fault.

mod common;

use common::{apply_repair, failure, faults_until, MS};
use faultline_core::protocols::raft::{metrics, Raft, Role};
use faultline_core::rng::Rng;
use faultline_core::sim::{ClientStatus, NodeStatus};
use faultline_core::{Command, NodeId, Scenario, Sim, SimConfig, Time};

fn sim_of(text: &str) -> Sim<Raft> {
    let scenario = Scenario::from_json(text).expect("valid scenario");
    Sim::from_scenario(&scenario, SimConfig::default()).expect("valid scenario")
}

/// A cluster of `nodes` run until a leader of term 1 or later is elected.
fn settled(nodes: u32, seed: u64, params: &str) -> (Sim<Raft>, NodeId) {
    let mut sim = sim_of(&format!(
        r#"{{"protocol":"raft","nodes":{nodes},"seed":{seed},"until_ms":60000,"params":{{{params}}}}}"#
    ));
    sim.run_until(Time::from_ms(1_500));
    let leader = top_leader(&sim).expect("a leader after 1.5 s").0;
    (sim, leader)
}

/// Running nodes that believe they lead, with their terms.
fn leaders(sim: &Sim<Raft>) -> Vec<(NodeId, u64)> {
    sim.nodes()
        .filter(|(_, s, _)| *s == NodeStatus::Up)
        .filter_map(|(id, _, r)| {
            r.filter(|r| r.role() == Role::Leader)
                .map(|r| (id, r.term()))
        })
        .collect()
}

fn top_leader(sim: &Sim<Raft>) -> Option<(NodeId, u64)> {
    leaders(sim).into_iter().max_by_key(|&(_, t)| t)
}

fn node(sim: &Sim<Raft>, id: NodeId) -> &Raft {
    sim.nodes()
        .find(|(n, _, _)| *n == id)
        .and_then(|(_, _, r)| r)
        .expect("a running node")
}

fn status(sim: &Sim<Raft>, id: NodeId) -> NodeStatus {
    sim.view().nodes[id.0 as usize].status
}

fn client(node: NodeId, command: &str) -> Command {
    Command::Client {
        node,
        request: serde_json::json!(command),
    }
}

/// How the newest client operation ended, as its outcome text.
fn newest_outcome(sim: &Sim<Raft>) -> Option<String> {
    match &sim.view().clients[0].status {
        ClientStatus::Done { outcome, .. } => Some(outcome.clone()),
        _ => None,
    }
}

/// §4.1–§4.2.2, the issue's scripted run: 3 servers, add two, remove the
/// leader. The cluster converges on the 4 servers left, the removed leader
/// steps down and is shut down once its removal commits, a new leader from
/// the new configuration takes over, and commands keep committing.
#[test]
fn three_servers_add_two_remove_the_leader() {
    for seed in 0..20 {
        let (mut sim, leader) = settled(3, seed, "");
        sim.apply(client(leader, "set a=1")).unwrap();
        sim.apply(Command::AddNode).unwrap();
        sim.run_until(Time(sim.now().0 + 300 * MS));
        sim.apply(Command::AddNode).unwrap();
        sim.run_until(Time(sim.now().0 + 700 * MS));
        sim.apply(Command::RemoveNode { node: leader }).unwrap();
        sim.run_until(Time(sim.now().0 + 2_000 * MS));
        let (new_leader, _) = top_leader(&sim).unwrap_or_else(|| panic!("seed {seed}: no leader"));
        sim.apply(client(new_leader, "set b=2")).unwrap();
        sim.run_until(Time(sim.now().0 + 1_000 * MS));
        assert!(
            sim.violations().is_empty(),
            "seed {seed}: {:?}",
            sim.violations()
        );

        let expected: Vec<NodeId> = (0..5).map(NodeId).filter(|&n| n != leader).collect();
        assert_eq!(status(&sim, leader), NodeStatus::Removed, "seed {seed}");
        assert_ne!(new_leader, leader, "seed {seed}");
        for &n in &expected {
            let r = node(&sim, n);
            assert_eq!(
                r.voters(),
                expected.as_slice(),
                "seed {seed}: {n}'s configuration"
            );
            let kv: Vec<(&String, &String)> = r.kv().collect();
            assert_eq!(kv.len(), 2, "seed {seed}: {n} applied {kv:?}");
        }
        assert_eq!(
            newest_outcome(&sim)
                .as_deref()
                .map(|o| o.starts_with("committed at")),
            Some(true)
        );
        // The report: the removed server stays, with its status.
        let report = metrics(&sim);
        let nodes = report["nodes"].as_array().unwrap();
        assert_eq!(nodes.len(), 5);
        assert_eq!(nodes[leader.0 as usize]["status"], "removed");
        assert_eq!(
            nodes[new_leader.0 as usize]["config"],
            serde_json::json!(expected)
        );
        assert_eq!(nodes[new_leader.0 as usize]["kv"]["b"], "2");
    }
}

/// §4.2.1: a new server joins as a non-voting learner. Cut off from the
/// leader it can never catch up, so the configuration never adds it, and
/// as a non-member it never campaigns (its term stays 0), however long it
/// waits. After an election timeout without progress the leader gives the
/// addition up; a learner that can catch up joins (see the scripted run).
#[test]
fn a_learner_that_cannot_catch_up_is_never_added_and_never_campaigns() {
    for seed in 0..10 {
        let (mut sim, leader) = settled(3, seed, "");
        sim.apply(Command::AddNode).unwrap();
        let new = NodeId(3);
        sim.apply(Command::Partition {
            groups: vec![vec![new], (0..3).map(NodeId).collect()],
        })
        .unwrap();
        sim.run_until(Time(sim.now().0 + 3_000 * MS));
        let learner = node(&sim, new);
        assert_eq!(learner.term(), 0, "seed {seed}");
        assert!(learner.voters().is_empty(), "seed {seed}");
        assert_eq!(
            node(&sim, leader).voters(),
            &[NodeId(0), NodeId(1), NodeId(2)]
        );
        assert!(
            newest_outcome(&sim).is_some_and(|o| o.contains("did not catch up")),
            "seed {seed}: {:?}",
            newest_outcome(&sim)
        );
        assert!(sim.violations().is_empty(), "{:?}", sim.violations());
    }
}

/// §4.1: one change at a time. Two servers added at the same instant join
/// one after the other: no log ever holds two uncommitted configuration
/// entries (the checker's One Change at a Time), and both end up members.
#[test]
fn two_additions_at_once_are_carried_out_one_after_the_other() {
    for seed in 0..10 {
        let (mut sim, _) = settled(3, seed, "");
        sim.apply(Command::AddNode).unwrap();
        sim.apply(Command::AddNode).unwrap();
        sim.run_until(Time(sim.now().0 + 3_000 * MS));
        assert!(
            sim.violations().is_empty(),
            "seed {seed}: {:?}",
            sim.violations()
        );
        let (l, _) = top_leader(&sim).unwrap();
        let r = node(&sim, l);
        assert_eq!(r.voters().len(), 5, "seed {seed}");
        let configs: Vec<u64> = (1..=r.log().last_index())
            .filter(|&i| r.log().entry(i).is_some_and(|e| e.config.is_some()))
            .collect();
        assert_eq!(configs.len(), 2, "seed {seed}");
    }
}

/// Dissertation §4.1: a leader starts no change until the last one's entry
/// has committed. Of five servers three are down, and two of them are
/// removed at once: the first entry cannot commit, so the second request
/// waits. With `change_before_commit` the leader appends the second entry
/// beside the first, and One Change at a Time breaks.
#[test]
fn with_change_before_commit_a_second_change_overlaps_the_first() {
    for bug in [false, true] {
        let params = if bug {
            r#""bugs":["change_before_commit"]"#
        } else {
            ""
        };
        let (mut sim, leader) = settled(5, 1, params);
        let others: Vec<NodeId> = (0..5).map(NodeId).filter(|&n| n != leader).collect();
        for &node in &others[1..] {
            sim.apply(Command::Crash { node }).unwrap();
        }
        sim.apply(Command::RemoveNode { node: others[1] }).unwrap();
        sim.apply(Command::RemoveNode { node: others[2] }).unwrap();
        sim.run_until(Time(sim.now().0 + 1_000 * MS));
        let broke: Vec<&str> = sim.violations().iter().map(|v| v.invariant).collect();
        let want: &[&str] = if bug { &["One Change at a Time"] } else { &[] };
        assert_eq!(&broke[..broke.len().min(1)], want, "bug {bug}");
    }
}

/// §4.1: a server uses the newest configuration in its log, committed or
/// not. A follower cut off right after receiving the leader's configuration
/// entry (which then cannot commit) already counts by it.
#[test]
fn a_follower_uses_an_uncommitted_configuration() {
    for seed in 0..10 {
        let (mut sim, leader) = settled(3, seed, "");
        let others: Vec<NodeId> = (0..3).map(NodeId).filter(|&n| n != leader).collect();
        // The server being removed is paused, and once the leader has
        // appended the entry the other follower's answers are cut: the
        // entry reaches it but cannot commit.
        sim.apply(Command::Pause { node: others[1] }).unwrap();
        sim.apply(Command::RemoveNode { node: others[1] }).unwrap();
        let appended = |sim: &Sim<Raft>| node(sim, leader).voters().len() == 2;
        while !appended(&sim) {
            sim.run_until(Time(sim.now().0 + 100));
        }
        sim.apply(Command::Cut {
            from: others[0],
            to: leader,
        })
        .unwrap();
        sim.run_until(Time(sim.now().0 + 200 * MS));
        let f = node(&sim, others[0]);
        let want: Vec<NodeId> = (0..3).map(NodeId).filter(|&n| n != others[1]).collect();
        assert_eq!(f.voters(), want.as_slice(), "seed {seed}");
        assert!(
            f.commit_index() < f.log().last_index(),
            "seed {seed}: it committed"
        );
        assert!(sim.violations().is_empty(), "{:?}", sim.violations());
    }
}

/// §3.10: leadership transfer. The leader brings the target up to date and
/// sends it TimeoutNow; the target wins the next term at once. With
/// CheckQuorum (whose lease makes voters ignore ordinary candidates) the
/// transfer still goes through.
#[test]
fn leadership_goes_where_it_is_sent() {
    for seed in 0..10 {
        for params in ["", r#""check_quorum":true,"pre_vote":true"#] {
            let (mut sim, leader) = settled(5, seed, params);
            let term = node(&sim, leader).term();
            let to = NodeId((leader.0 + 2) % 5);
            sim.apply(client(leader, "set a=1")).unwrap();
            sim.apply(Command::Transfer { node: to }).unwrap();
            sim.run_until(Time(sim.now().0 + 150 * MS));
            assert_eq!(
                top_leader(&sim),
                Some((to, term + 1)),
                "seed {seed} {params}"
            );
            assert_eq!(node(&sim, leader).role(), Role::Follower);
            sim.run_until(Time(sim.now().0 + 1_000 * MS));
            assert_eq!(
                top_leader(&sim),
                Some((to, term + 1)),
                "seed {seed} {params}"
            );
            assert!(sim.violations().is_empty(), "{:?}", sim.violations());
        }
    }
}

/// §3.10: only a voting member can be handed leadership; a transfer to a
/// server outside the configuration is refused and the leader stays.
#[test]
fn a_transfer_to_a_non_member_is_refused() {
    let (mut sim, leader) = settled(3, 1, "");
    sim.apply(Command::RemoveNode {
        node: NodeId((leader.0 + 1) % 3),
    })
    .unwrap();
    sim.run_until(Time(sim.now().0 + 500 * MS));
    sim.apply(Command::Transfer {
        node: NodeId((leader.0 + 1) % 3),
    })
    .unwrap_err();
    sim.apply(Command::AddNode).unwrap();
    // While n3 catches up it is a learner: a transfer to it waits for the
    // change, then goes through once it is a member.
    sim.apply(Command::Transfer { node: NodeId(3) }).unwrap();
    sim.run_until(Time(sim.now().0 + 2_000 * MS));
    assert_eq!(top_leader(&sim).map(|l| l.0), Some(NodeId(3)));
    assert!(sim.violations().is_empty(), "{:?}", sim.violations());
}

/// One seed of the membership property: random faults, client requests,
/// additions, removals and transfers applied live, with random
/// `pre_vote`, `check_quorum`, `snapshot_every` and `fsync_ms`; then a
/// repair and a quiet period. Every invariant holds throughout; after the
/// repair one leader leads the newest term and every member of its
/// configuration holds its committed log.
fn membership_run(seed: u64, nodes: u32) -> Result<(), String> {
    let mut rng = Rng::new(seed.wrapping_mul(0x2545_F491) ^ u64::from(nodes));
    let until_ms = 3_000 + rng.below(2_001);
    let (pre_vote, check_quorum) = (rng.chance(0.5), rng.chance(0.5));
    let snapshot_every = [0, 0, 5, 20][rng.below(4) as usize];
    let fsync_ms = [0, 0, 1, 10][rng.below(4) as usize];
    let params = serde_json::json!({
        "pre_vote": pre_vote,
        "check_quorum": check_quorum,
        "snapshot_every": snapshot_every,
        "fsync_ms": fsync_ms,
    });
    let mut sim = sim_of(&format!(
        r#"{{"protocol":"raft","nodes":{nodes},"seed":{seed},"until_ms":{},"params":{params}}}"#,
        until_ms + 4_000
    ));
    sim.run_until(Time::from_ms(300));
    let mut made = nodes;
    faults_until(
        &mut sim,
        &mut rng,
        nodes,
        Time::from_ms(until_ms),
        300,
        |rng, n, k| match rng.below(10) {
            0 if made < 9 => {
                made += 1;
                Command::AddNode
            }
            1 => Command::RemoveNode {
                node: NodeId(rng.below(u64::from(made)) as u32),
            },
            2 => Command::Transfer {
                node: NodeId(rng.below(u64::from(made)) as u32),
            },
            _ => client(n, &format!("set k{}=v{k}", k % 7)),
        },
    )?;
    apply_repair(&mut sim)?;
    sim.run_until(Time::from_ms(until_ms + 4_000));
    if !sim.violations().is_empty() {
        return Err(failure(&sim, "invariant violated"));
    }
    check_converged(&sim).map_err(|why| failure(&sim, &why))
}

/// After the repair: one running leader, of the newest term among the
/// members of its configuration, and every running member holds its
/// committed prefix (compared by prefix hash, as snapshots drop entries).
fn check_converged(sim: &Sim<Raft>) -> Result<(), String> {
    let (lid, term) = top_leader(sim).ok_or("no leader after the repair")?;
    let leader = node(sim, lid);
    let commit = leader.commit_index();
    for &m in leader.voters() {
        if status(sim, m) != NodeStatus::Up {
            continue;
        }
        let r = node(sim, m);
        if r.term() > term {
            return Err(format!(
                "{m} is in term {} past leader {lid}'s {term}",
                r.term()
            ));
        }
        if r.commit_index() != commit || r.log().chain_at(commit) != leader.log().chain_at(commit) {
            return Err(format!(
                "{m} has commit {} but leader {lid} has {commit}, or their logs differ",
                r.commit_index()
            ));
        }
    }
    if leaders(sim).iter().filter(|l| l.1 == term).count() != 1 {
        return Err(format!("more than one leader of term {term}"));
    }
    Ok(())
}

/// Runs `seeds` seeds (or `FAULTLINE_SEEDS`, for a deeper search).
fn membership_property(nodes: u32, seeds: u64) {
    let seeds = std::env::var("FAULTLINE_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(seeds);
    for seed in 0..seeds {
        if let Err(why) = membership_run(seed, nodes) {
            panic!("seed {seed}, {nodes} nodes: {why}");
        }
    }
}

#[test]
fn random_faults_and_membership_changes_never_break_raft_3_nodes() {
    membership_property(3, 1_000);
}

#[test]
fn random_faults_and_membership_changes_never_break_raft_5_nodes() {
    membership_property(5, 1_000);
}

/// The `raft-membership` preset shows what its description says: n2 leads
/// term 1, two servers join, n2 is removed and shut down, and the four
/// left (n0, n1, n3, n4) elect a new leader and commit `set c=3`.
#[test]
fn the_membership_preset_shows_two_joins_and_the_leader_removed() {
    let mut sim = sim_of(include_str!("../../../www/presets/raft-membership.json"));
    sim.run_until(Time::from_ms(2_400));
    assert_eq!(top_leader(&sim), Some((NodeId(2), 1)));
    assert_eq!(node(&sim, NodeId(2)).voters().len(), 5);
    sim.run_until(Time::from_ms(6_000));
    assert!(sim.violations().is_empty(), "{:?}", sim.violations());
    assert_eq!(status(&sim, NodeId(2)), NodeStatus::Removed);
    let (l, term) = top_leader(&sim).expect("a new leader");
    assert_eq!(term, 2);
    let four = [NodeId(0), NodeId(1), NodeId(3), NodeId(4)];
    assert!(four.contains(&l));
    for n in four {
        let r = node(&sim, n);
        assert_eq!(r.voters(), &four);
        assert_eq!(r.kv().count(), 3, "{n}");
    }
}

/// Runs `us` microseconds more.
fn step(sim: &mut Sim<Raft>, us: u64) {
    let t = sim.now().0 + us;
    sim.run_until(Time(t));
}

/// Runs until `done` holds, in steps of `us`, at most `steps` times.
fn wait(sim: &mut Sim<Raft>, us: u64, steps: u32, done: impl Fn(&Sim<Raft>) -> bool) -> bool {
    for _ in 0..steps {
        if done(sim) {
            return true;
        }
        step(sim, us);
    }
    done(sim)
}

/// Ongaro's correction to single-server changes (raft-dev, 2015; the
/// dissertation's §4.1 rule alone is not enough): a new leader must commit
/// an entry of its own term before it appends a configuration entry.
/// Otherwise an uncommitted change D of the old leader and the new leader's
/// change E can both commit on majorities that do not overlap. The run: the
/// leader L appends D (adding n4) that only n4 receives; the others elect A,
/// whose follower C has no entry of A's term yet and crashes; A adds n5 at
/// once; then L, n4 and C are split from A, B and n5. Without the rule, L
/// wins with D's majority and two logs commit different entries at one
/// index (found by a review; this test failed before the fix).
#[test]
fn a_new_leader_changes_the_configuration_only_after_committing_in_its_term() {
    let mut reached = 0;
    for seed in 0..200u64 {
        let mut sim = sim_of(&format!(
            r#"{{"protocol":"raft","nodes":4,"seed":{seed},"until_ms":60000}}"#
        ));
        sim.run_until(Time::from_ms(1_500));
        let Some((l, _)) = top_leader(&sim) else {
            continue;
        };
        if l.0 == 0 {
            continue;
        }
        sim.apply(Command::AddNode).unwrap();
        let n4 = NodeId(4);
        wait(&mut sim, 100, 10_000, |s| node(s, n4).term() > 0);
        let others: Vec<NodeId> = (0..4).map(NodeId).filter(|&x| x != l).collect();
        sim.apply(Command::Partition {
            groups: vec![vec![l, n4], others.clone()],
        })
        .unwrap();
        if !wait(&mut sim, 100, 10_000, |s| node(s, l).voters().len() == 5) {
            continue;
        }
        let led = |s: &Sim<Raft>| leaders(s).into_iter().find(|(x, _)| others.contains(x));
        if !wait(&mut sim, 50 * MS, 1_000, |s| led(s).is_some()) {
            continue;
        }
        let (a, term) = led(&sim).unwrap();
        let Some(c) = others
            .iter()
            .copied()
            .find(|&x| x != a && node(&sim, x).log().last_term() < term)
        else {
            continue;
        };
        reached += 1;
        sim.apply(Command::Crash { node: c }).unwrap();
        sim.apply(Command::AddNode).unwrap();
        let mut majority = others.clone();
        majority.push(NodeId(5));
        sim.apply(Command::Partition {
            groups: vec![vec![l, n4], majority],
        })
        .unwrap();
        step(&mut sim, 1_500 * MS);
        let b = others.iter().copied().find(|&x| x != a && x != c).unwrap();
        sim.apply(Command::Partition {
            groups: vec![vec![l, n4, c], vec![a, b, NodeId(5)]],
        })
        .unwrap();
        sim.apply(Command::Restart { node: c }).unwrap();
        step(&mut sim, 3_000 * MS);
        assert!(
            sim.violations().is_empty(),
            "seed {seed}: {:?}",
            sim.violations()
        );
    }
    assert!(
        reached >= 5,
        "only {reached} seeds reached the dangerous state"
    );
}

/// §4.2.1: a new server that crashes before it catches up does not block
/// every later change: after an election timeout without progress the
/// leader gives up on it (the administrator hears "refused"), and a later
/// removal goes through.
#[test]
fn a_learner_that_never_catches_up_does_not_block_later_changes() {
    let mut sim = sim_of(
        r#"{"protocol":"raft","nodes":3,"seed":1,"until_ms":10000,"schedule":[
            {"at_ms":1000,"op":"add_node"},
            {"at_ms":1000.5,"op":"crash","node":3},
            {"at_ms":1500,"op":"remove_node","node":1}]}"#,
    );
    sim.run_until(Time::from_ms(4_000));
    assert_eq!(status(&sim, NodeId(1)), NodeStatus::Removed);
    let (l, _) = top_leader(&sim).expect("a leader");
    assert_eq!(node(&sim, l).voters(), &[NodeId(0), NodeId(2)]);
    let refused = sim.view().clients.iter().any(|c| {
        matches!(&c.status, ClientStatus::Done { outcome, .. } if outcome.contains("did not catch up"))
    });
    assert!(refused, "{:?}", sim.view().clients);
    assert!(sim.violations().is_empty(), "{:?}", sim.violations());
}
