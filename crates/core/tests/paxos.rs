//! Paxos against Lamport, "Paxos Made Simple" (2001): a value is chosen
//! when a majority accepts it (§2.1), phase 1 makes a new proposer carry
//! on what may have been chosen (§2.2, P2c), two proposers can preempt each
//! other forever (§2.4) unless they back off, a distinguished proposer runs
//! phase 1 once for all slots and fills gaps with no-ops (§3), and a
//! minority cannot choose. A seeded property over random faults checks
//! Agreement, Validity and Promise Kept in both modes.

use faultline_core::protocols::paxos::{
    metrics, Ballot, Change, Paxos, PaxosChecker, PaxosView, Role,
};
use faultline_core::rng::Rng;
use faultline_core::{Command, NodeId, Scenario, Sim, SimConfig, Time};

mod common;

use common::{apply_repair, failure, faults_until, MS};

fn cluster(nodes: u32, seed: u64, params: &str, latency: [u64; 2]) -> Sim<Paxos> {
    let scenario = Scenario::from_json(&format!(
        r#"{{"protocol":"paxos","nodes":{nodes},"seed":{seed},"until_ms":60000,
            "network":{{"latency_ms":[{},{}]}},"params":{{{params}}}}}"#,
        latency[0], latency[1]
    ))
    .expect("valid scenario");
    Sim::from_scenario(&scenario, SimConfig::default()).expect("valid scenario")
}

fn request(sim: &mut Sim<Paxos>, node: u32, value: &str) {
    sim.apply(Command::Client {
        node: NodeId(node),
        request: serde_json::json!(value),
    })
    .expect("a client request applies");
}

fn run_for(sim: &mut Sim<Paxos>, ms: u64) {
    let t = Time(sim.now().0 + ms * MS);
    sim.run_until(t);
}

fn view(sim: &Sim<Paxos>, n: u32) -> PaxosView {
    sim.view().nodes[n as usize].state.clone().expect("started")
}

/// Each node's chosen log, in slot order.
fn chosen(sim: &Sim<Paxos>) -> Vec<Vec<String>> {
    metrics(sim)["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            n["chosen"]
                .as_array()
                .map(|c| {
                    c.iter()
                        .map(|e| e[1].as_str().unwrap().to_string())
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect()
}

/// Twenty values, one every 50 ms, to every node in turn.
fn twenty(sim: &mut Sim<Paxos>, nodes: u32) {
    for i in 0..20 {
        request(sim, i % nodes, &format!("v{i}"));
        run_for(sim, 50);
    }
}

fn assert_all_twenty(sim: &Sim<Paxos>) {
    let logs = chosen(sim);
    for log in &logs {
        let mut values: Vec<&str> = log
            .iter()
            .map(String::as_str)
            .filter(|v| *v != "noop")
            .collect();
        values.sort_unstable();
        values.dedup();
        assert_eq!(values.len(), 20, "every value chosen: {log:?}");
        assert_eq!(log, &logs[0], "every node learned the same log");
    }
    assert!(sim.violations().is_empty(), "{:?}", sim.violations());
}

#[test]
fn multi_paxos_without_faults_chooses_all_twenty_values_on_every_node_section_3() {
    let mut sim = cluster(5, 1, r#""mode":"multi""#, [10, 20]);
    run_for(&mut sim, 400);
    twenty(&mut sim, 5);
    run_for(&mut sim, 2_000);
    assert_all_twenty(&sim);
    // One leader, who ran phase 1 once: every value went in order.
    let leaders: Vec<u32> = (0..5)
        .filter(|&n| view(&sim, n).role == Role::Leader)
        .collect();
    assert_eq!(leaders.len(), 1);
    let expected: Vec<String> = (0..20).map(|i| format!("v{i}")).collect();
    assert_eq!(chosen(&sim)[0], expected);
}

#[test]
fn basic_paxos_without_faults_chooses_all_twenty_values_on_every_node_section_2() {
    let mut sim = cluster(5, 2, r#""mode":"basic""#, [10, 20]);
    twenty(&mut sim, 5);
    run_for(&mut sim, 5_000);
    assert_all_twenty(&sim);
}

#[test]
fn dueling_proposers_without_back_off_livelock_and_back_off_ends_it_section_2_4() {
    let duel = |backoff: u64| {
        let mut sim = cluster(
            5,
            3,
            &format!(r#""mode":"basic","backoff_ms":{backoff}"#),
            [10, 10],
        );
        request(&mut sim, 0, "a");
        request(&mut sim, 4, "b");
        run_for(&mut sim, 3_000);
        sim
    };
    let stuck = duel(0);
    assert!(
        chosen(&stuck).iter().all(Vec::is_empty),
        "nothing chosen: {:?}",
        chosen(&stuck)
    );
    let round = view(&stuck, 0)
        .ballot
        .round
        .max(view(&stuck, 4).ballot.round);
    assert!(round > 20, "ballots keep rising: round {round}");
    assert!(stuck.violations().is_empty());
    let resolved = duel(60);
    let logs = chosen(&resolved);
    assert!(logs.iter().all(|l| l.len() == 2), "{logs:?}");
    assert!(resolved.violations().is_empty());
}

/// n0's Accept reaches only n1 and n2 (a majority with n0 itself), then
/// n0 crashes before anyone learns; n4 proposes "b" for the same slot.
fn rival_after_a_crashed_proposer(params: &str) -> Sim<Paxos> {
    let mut sim = cluster(5, 4, params, [10, 10]);
    for to in [3, 4] {
        sim.apply(Command::Cut {
            from: NodeId(0),
            to: NodeId(to),
        })
        .unwrap();
    }
    request(&mut sim, 0, "a");
    // Phase 1 (20 ms) and the Accept's arrival (10 ms more).
    run_for(&mut sim, 35);
    assert_eq!(
        view(&sim, 1).slots[0]
            .accepted
            .as_ref()
            .map(|a| a.1.as_str()),
        Some("a")
    );
    sim.apply(Command::Crash { node: NodeId(0) }).unwrap();
    sim.apply(Command::Heal).unwrap();
    request(&mut sim, 4, "b");
    run_for(&mut sim, 2_000);
    sim
}

#[test]
fn a_new_proposer_carries_on_the_value_a_crashed_one_got_accepted_section_2_2() {
    // Phase 1 finds "a" in slot 0, and n4 must propose "a" there (P2c).
    let sim = rival_after_a_crashed_proposer(r#""mode":"basic","backoff_ms":0"#);
    let logs = chosen(&sim);
    assert_eq!(logs[4], ["a", "b"], "slot 0 keeps a; b goes to slot 1");
    assert!(sim.violations().is_empty());
}

#[test]
fn a_proposer_that_ignores_the_promised_values_breaks_agreement_section_2_2() {
    // With `ignore_promised_values`, n4 proposes its own "b" in slot 0,
    // where a majority accepted "a": P2c broken, two values chosen.
    let sim = rival_after_a_crashed_proposer(
        r#""mode":"basic","backoff_ms":0,"bugs":["ignore_promised_values"]"#,
    );
    assert_eq!(chosen(&sim)[4][0], "b", "{:?}", chosen(&sim));
    let v = sim.violations().first().expect("a violation");
    assert_eq!(v.invariant, "Agreement", "{v:?}");
    assert!(v.detail.contains("slot 0 chosen with a"), "{v:?}");
}

#[test]
fn an_empty_default_vote_gets_a_value_no_client_proposed_chosen_section_2_1() {
    // With `default_vote`, the acceptors answer the first leader's phase 1
    // with an empty vote at ballot 0 for slot 0, and the leader proposes
    // the empty value there, though no client proposed it.
    let mut sim = cluster(3, 6, r#""mode":"multi","bugs":["default_vote"]"#, [10, 10]);
    run_for(&mut sim, 600);
    assert_eq!(chosen(&sim)[0].first().map(String::as_str), Some(""));
    let v = sim.violations().first().expect("a violation");
    assert_eq!(v.invariant, "Validity", "{v:?}");
    // Without the bug, nothing is chosen until a client proposes.
    let mut sim = cluster(3, 6, r#""mode":"multi""#, [10, 10]);
    run_for(&mut sim, 600);
    assert!(chosen(&sim).iter().all(Vec::is_empty), "{:?}", chosen(&sim));
}

#[test]
fn a_minority_partition_cannot_choose_and_the_majority_goes_on_section_2_1() {
    let mut sim = cluster(5, 5, r#""mode":"multi""#, [10, 20]);
    run_for(&mut sim, 600);
    let leader = (0..5)
        .find(|&n| view(&sim, n).role == Role::Leader)
        .expect("a leader");
    let minority: Vec<NodeId> = [leader, (leader + 1) % 5].map(NodeId).to_vec();
    let majority: Vec<NodeId> = (0..5)
        .map(NodeId)
        .filter(|n| !minority.contains(n))
        .collect();
    sim.apply(Command::Partition {
        groups: vec![minority.clone(), majority.clone()],
    })
    .unwrap();
    request(&mut sim, leader, "lost");
    run_for(&mut sim, 1_500);
    for n in &minority {
        assert!(!chosen(&sim)[n.0 as usize].contains(&"lost".to_string()));
    }
    request(&mut sim, majority[0].0, "kept");
    run_for(&mut sim, 1_500);
    for n in &majority {
        assert!(
            chosen(&sim)[n.0 as usize].contains(&"kept".to_string()),
            "{:?}",
            chosen(&sim)
        );
        assert!(!chosen(&sim)[n.0 as usize].contains(&"lost".to_string()));
    }
    assert!(sim.violations().is_empty());
}

#[test]
fn a_new_leader_fills_the_gaps_with_noops_section_3() {
    // The leader's Accept for v0 (slot 0) reaches no one and its Accept
    // for v1 (slot 1) reaches one other node; then it crashes. The new
    // leader's phase 1 finds v1 in slot 1 and nothing in slot 0: it
    // re-proposes v1 and fills slot 0 with noop (§3).
    let mut sim = cluster(3, 6, r#""mode":"multi""#, [10, 10]);
    run_for(&mut sim, 600);
    let leader = (0..3)
        .find(|&n| view(&sim, n).role == Role::Leader)
        .expect("a leader");
    let other = (leader + 1) % 3;
    let third = (leader + 2) % 3;
    // Slot 0 reaches no one; slot 1 reaches `other`.
    sim.apply(Command::Cut {
        from: NodeId(leader),
        to: NodeId(other),
    })
    .unwrap();
    sim.apply(Command::Cut {
        from: NodeId(leader),
        to: NodeId(third),
    })
    .unwrap();
    request(&mut sim, leader, "v0");
    run_for(&mut sim, 5);
    sim.apply(Command::Heal).unwrap();
    sim.apply(Command::Cut {
        from: NodeId(leader),
        to: NodeId(third),
    })
    .unwrap();
    request(&mut sim, leader, "v1");
    run_for(&mut sim, 12);
    sim.apply(Command::Crash {
        node: NodeId(leader),
    })
    .unwrap();
    sim.apply(Command::Heal).unwrap();
    run_for(&mut sim, 2_000);
    let logs = chosen(&sim);
    assert_eq!(logs[other as usize][..2], ["noop", "v1"], "{logs:?}");
    assert!(sim.violations().is_empty());
}

/// Journals that break each invariant, fed to the checker by hand.
#[test]
fn agreement_validity_and_promise_kept_fire_on_journals_that_break_them() {
    let b = |round, node| Ballot {
        round,
        node: NodeId(node),
    };
    let now = Time::from_ms(1);
    let names = |out: &[faultline_core::invariant::Violation]| -> Vec<&'static str> {
        out.iter().map(|v| v.invariant).collect()
    };
    // n0 and n1 (a majority of 3) accept "a" in slot 0; n2 learns "b",
    // which nobody proposed.
    let mut c = PaxosChecker::default();
    let mut out = Vec::new();
    let a = [
        Change::Proposed("a".into()),
        Change::Accepted(0, b(1, 0), "a".into()),
    ];
    c.observe(now, NodeId(0), 3, true, &a, &mut out);
    c.observe(
        now,
        NodeId(1),
        3,
        true,
        &[Change::Accepted(0, b(1, 0), "a".into())],
        &mut out,
    );
    assert!(out.is_empty(), "{out:?}");
    c.observe(
        now,
        NodeId(2),
        3,
        true,
        &[Change::Learned(0, "b".into())],
        &mut out,
    );
    assert_eq!(names(&out), ["Validity", "Agreement"]);
    assert_eq!(
        out[1].detail,
        "slot 0: a majority accepted a (ballot 1.0), n2 learned b"
    );
    // Two majorities in two ballots with two values.
    let mut c = PaxosChecker::default();
    let mut out = Vec::new();
    for n in 0..2 {
        c.observe(
            now,
            NodeId(n),
            3,
            true,
            &[Change::Accepted(4, b(1, 0), "x".into())],
            &mut out,
        );
    }
    for n in 1..3 {
        let j = [
            Change::Accepted(4, b(1, 0), "x".into()),
            Change::Accepted(4, b(2, 1), "y".into()),
        ];
        c.observe(now, NodeId(n), 3, true, &j[usize::from(n == 2)..], &mut out);
    }
    assert_eq!(names(&out), ["Agreement"]);
    assert_eq!(
        out[0].detail,
        "slot 4 chosen with x (ballot 1.0) and y (ballot 2.1)"
    );
    // An acceptor that promised 5.1 for every slot accepts 3.0 in slot 2.
    let mut c = PaxosChecker::default();
    let mut out = Vec::new();
    let j = [
        Change::Promised(None, b(5, 1)),
        Change::Accepted(2, b(3, 0), "z".into()),
    ];
    c.observe(now, NodeId(1), 3, true, &j, &mut out);
    assert_eq!(names(&out), ["Promise Kept"]);
    assert_eq!(
        out[0].detail,
        "n1 accepted ballot 3.0 in slot 2 after promising 5.1"
    );
    // Reading the same journal again reports nothing new.
    c.observe(now, NodeId(1), 3, true, &j, &mut out);
    assert_eq!(out.len(), 1);
    // A value learned before any majority accepted it; and noop in basic
    // Paxos, where no leader fills gaps.
    let mut c = PaxosChecker::default();
    let mut out = Vec::new();
    let j = [Change::Proposed("p".into()), Change::Learned(0, "p".into())];
    c.observe(now, NodeId(0), 3, true, &j, &mut out);
    c.observe(
        now,
        NodeId(1),
        3,
        false,
        &[Change::Learned(1, "noop".into())],
        &mut out,
    );
    assert_eq!(names(&out), ["Agreement", "Validity", "Agreement"]);
    assert_eq!(
        out[0].detail,
        "slot 0: n0 learned p, which no majority accepted"
    );
}

/// One seed: random faults applied live, then a repair; Agreement,
/// Validity and Promise Kept must hold throughout, and once repaired a new
/// value must be chosen on every node (unless basic proposers do not back
/// off).
fn fault_run(seed: u64, nodes: u32, mode: &str) -> Result<usize, String> {
    let mut rng = Rng::new(seed.wrapping_mul(0x9E37_79B9) ^ u64::from(nodes));
    let lo = rng.between(60, 150);
    let backoff = rng.between(0, 80);
    let params = format!(
        r#""mode":"{mode}","backoff_ms":{backoff},"retry_ms":{},"election_timeout_ms":[{lo},{}],"heartbeat_ms":{}"#,
        rng.between(50, 300),
        lo + rng.between(0, 150),
        rng.between(10, lo / 2)
    );
    let mut sim = cluster(nodes, seed, &params, [5, 15]);
    let until = Time::from_ms(2_500 + rng.below(1_501));
    faults_until(&mut sim, &mut rng, nodes, until, 250, |_, node, k| {
        Command::Client {
            node,
            request: serde_json::json!(format!("v{k}")),
        }
    })?;
    apply_repair(&mut sim)?;
    run_for(&mut sim, 1_000);
    request(&mut sim, rng.below(u64::from(nodes)) as u32, "after");
    run_for(&mut sim, 6_000);
    if !sim.violations().is_empty() {
        return Err(failure(&sim, "invariant violated"));
    }
    let logs = chosen(&sim);
    // Basic proposers that never back off may duel forever (§2.4): only
    // safety is asked of them.
    let live = mode == "multi" || backoff >= 10;
    if live && !logs.iter().all(|l| l.iter().any(|v| v == "after")) {
        return Err(failure(
            &sim,
            &format!("the value asked for after the repair is not chosen everywhere: {logs:?}"),
        ));
    }
    Ok(logs.iter().map(Vec::len).max().unwrap_or(0))
}

fn fault_property(mode: &str) {
    let mut chosen = 0;
    for nodes in [3, 5] {
        for seed in 0..150 {
            match fault_run(seed, nodes, mode) {
                Ok(n) => chosen += n,
                Err(why) => panic!("{mode}, seed {seed}, {nodes} nodes: {why}"),
            }
        }
    }
    // Values were chosen under the faults: the property is not vacuous.
    assert!(chosen > 1_000, "{chosen} values chosen in all");
}

#[test]
fn random_faults_never_break_multi_paxos() {
    fault_property("multi");
}

#[test]
fn random_faults_never_break_basic_paxos() {
    fault_property("basic");
}

#[test]
fn a_value_asked_twice_is_chosen_once_and_noop_is_refused() {
    let mut sim = cluster(5, 8, r#""mode":"multi""#, [10, 20]);
    run_for(&mut sim, 600);
    let leader = (0..5)
        .find(|&n| view(&sim, n).role == Role::Leader)
        .expect("a leader");
    request(&mut sim, leader, "dup");
    run_for(&mut sim, 2);
    request(&mut sim, leader, "dup");
    request(&mut sim, leader, "noop");
    run_for(&mut sim, 1_000);
    let log = &chosen(&sim)[0];
    assert_eq!(log.iter().filter(|v| *v == "dup").count(), 1, "{log:?}");
    let outcomes: Vec<String> = sim
        .view()
        .clients
        .iter()
        .filter_map(|c| match &c.status {
            faultline_core::sim::ClientStatus::Done { outcome, .. } => Some(outcome.clone()),
            _ => None,
        })
        .collect();
    assert!(
        outcomes
            .iter()
            .filter(|o| o.starts_with("chosen at #0"))
            .count()
            == 2,
        "{outcomes:?}"
    );
    assert!(
        outcomes
            .iter()
            .any(|o| o.contains("refused: “noop” is the value a leader fills gaps with")),
        "{outcomes:?}"
    );
    assert!(sim.violations().is_empty());
}
