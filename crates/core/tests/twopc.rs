//! Two-phase commit, against Gray (1978) and Gray & Lamport, "Consensus on
//! Transaction Commit" (2006): commit when everyone votes yes, abort on a
//! veto (§2), the participant that may abort before it votes but must wait
//! once it has (§2), the coordinator whose failure blocks the prepared
//! (§3, "the Two-Phase Commit protocol … is blocking"), the restarted
//! coordinator that finishes what its log says, presumed abort — and a
//! seeded property over random faults checking Atomicity and Veto.

use faultline_core::invariant::Checker;
use faultline_core::protocols::twopc::{metrics, TwoPc, TwoPcChecker, TwoPcView, TxState};
use faultline_core::rng::Rng;
use faultline_core::sim::ClientStatus;
use faultline_core::{Command, NodeId, Scenario, Sim, SimConfig, Time};

mod common;

use common::{apply_repair, failure, faults_until, MS};

fn cluster(nodes: u32, seed: u64, params: &str) -> Sim<TwoPc> {
    let scenario = Scenario::from_json(&format!(
        r#"{{"protocol":"2pc","nodes":{nodes},"seed":{seed},"until_ms":60000,
            "network":{{"latency_ms":[5,15]}},"params":{{{params}}}}}"#
    ))
    .expect("valid scenario");
    Sim::from_scenario(&scenario, SimConfig::default()).expect("valid scenario")
}

fn request(sim: &mut Sim<TwoPc>, text: &str) {
    sim.apply(Command::Client {
        node: NodeId(0),
        request: serde_json::json!(text),
    })
    .expect("a client request applies");
}

fn run_for(sim: &mut Sim<TwoPc>, ms: u64) {
    let t = Time(sim.now().0 + ms * MS);
    sim.run_until(t);
}

fn view(sim: &Sim<TwoPc>, n: u32) -> TwoPcView {
    sim.view().nodes[n as usize].state.clone().expect("started")
}

/// Each participant's state of `tx` (None if it never heard of it).
fn states(sim: &Sim<TwoPc>, tx: &str) -> Vec<Option<TxState>> {
    sim.nodes()
        .filter(|(id, _, _)| id.0 != 0)
        .map(|(id, _, n)| {
            n.cloned()
                .or_else(|| sim.durable_node(id))
                .and_then(|n| n.state(tx))
        })
        .collect()
}

fn decision(sim: &Sim<TwoPc>, tx: &str) -> serde_json::Value {
    let m = metrics(sim);
    m["transactions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == tx)
        .map(|t| t["decision"].clone())
        .unwrap_or(serde_json::Value::Null)
}

#[test]
fn everyone_votes_yes_so_everyone_commits_section_2() {
    let mut sim = cluster(4, 1, "");
    request(&mut sim, "t1");
    run_for(&mut sim, 1_000);
    assert_eq!(states(&sim, "t1"), vec![Some(TxState::Committed); 3]);
    assert_eq!(decision(&sim, "t1"), "commit");
    // The coordinator logged the start, the decision, then that all
    // acknowledged.
    let log = view(&sim, 0).log_tail;
    let records: Vec<String> = log
        .iter()
        .map(|e| serde_json::to_string(&e.record).unwrap())
        .collect();
    assert_eq!(
        records,
        [
            r#""begun""#,
            r#"{"decided":{"commit":true}}"#,
            r#"{"end":{"commit":true}}"#
        ]
    );
    assert!(sim.violations().is_empty());
}

#[test]
fn one_no_vote_aborts_the_transaction_everywhere_section_2() {
    let mut sim = cluster(4, 2, "");
    request(&mut sim, "t1 no=2");
    run_for(&mut sim, 1_000);
    assert_eq!(states(&sim, "t1"), vec![Some(TxState::Aborted); 3]);
    assert_eq!(decision(&sim, "t1"), "abort");
    assert!(sim.violations().is_empty());
}

#[test]
fn a_coordinator_that_counts_a_no_as_a_yes_commits_over_a_veto_section_2() {
    // With `count_no_as_yes`, participant 2's no does not abort t1: the
    // coordinator commits once every participant has voted.
    let mut sim = cluster(4, 2, r#""bugs":["count_no_as_yes"]"#);
    request(&mut sim, "t1 no=2");
    run_for(&mut sim, 1_000);
    assert_eq!(decision(&sim, "t1"), "commit");
    assert_eq!(
        states(&sim, "t1"),
        [
            Some(TxState::Committed),
            Some(TxState::Aborted),
            Some(TxState::Committed)
        ]
    );
    let v = sim.violations().first().expect("a violation");
    assert_eq!(v.invariant, "Veto", "{v:?}");
}

#[test]
fn a_participant_that_never_hears_prepare_aborts_on_its_own_section_2() {
    // Prepare takes 10 s to come; the participants give up after 400 ms,
    // and so vote no when it does.
    let mut sim = cluster(3, 3, r#""work_ms":10000,"work_timeout_ms":400"#);
    request(&mut sim, "t1");
    run_for(&mut sim, 200);
    assert_eq!(states(&sim, "t1"), vec![Some(TxState::Working); 2]);
    run_for(&mut sim, 400);
    assert_eq!(states(&sim, "t1"), vec![Some(TxState::Aborted); 2]);
    run_for(&mut sim, 11_000);
    assert_eq!(decision(&sim, "t1"), "abort");
    assert!(sim.violations().is_empty());
}

#[test]
fn the_coordinator_failing_after_prepare_blocks_every_yes_voter_section_3() {
    let mut sim = cluster(4, 4, r#""work_ms":40,"vote_timeout_ms":5000"#);
    request(&mut sim, "t1");
    // Participant 3 is cut off from the coordinator: its vote never
    // arrives, so the coordinator waits; then it crashes.
    sim.apply(Command::Cut {
        from: NodeId(3),
        to: NodeId(0),
    })
    .unwrap();
    run_for(&mut sim, 300);
    assert_eq!(states(&sim, "t1")[..2], [Some(TxState::Prepared); 2]);
    sim.apply(Command::Crash { node: NodeId(0) }).unwrap();
    sim.apply(Command::Heal).unwrap();
    // However long it stays down, the prepared stay prepared: they may
    // neither commit nor abort on their own.
    run_for(&mut sim, 20_000);
    assert_eq!(states(&sim, "t1"), vec![Some(TxState::Prepared); 3]);
    let blocked = view(&sim, 1).txs;
    assert_eq!(blocked.len(), 1);
    assert!(
        sim.now().0 - blocked[0].since.0 > 19_000 * MS,
        "in doubt since"
    );
    // Back, with no decision in its log: presumed abort resolves them all,
    // and the client retrying t1 hears that it aborted.
    sim.apply(Command::Restart { node: NodeId(0) }).unwrap();
    run_for(&mut sim, 1_000);
    assert_eq!(states(&sim, "t1"), vec![Some(TxState::Aborted); 3]);
    assert_eq!(decision(&sim, "t1"), "abort");
    let answers: Vec<String> = sim
        .view()
        .clients
        .iter()
        .filter_map(|c| match &c.status {
            ClientStatus::Done { outcome, .. } => Some(outcome.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(answers, ["aborted"]);
    assert!(sim.violations().is_empty());
}

#[test]
fn a_restarted_coordinator_finishes_the_commit_its_log_holds() {
    let mut sim = cluster(4, 5, "");
    request(&mut sim, "t1");
    // Once every participant has voted yes, the coordinator's messages stop
    // reaching them: the votes arrive, the decision does not.
    while states(&sim, "t1") != vec![Some(TxState::Prepared); 3] {
        run_for(&mut sim, 1);
    }
    for p in 1..4 {
        sim.apply(Command::Cut {
            from: NodeId(0),
            to: NodeId(p),
        })
        .unwrap();
    }
    run_for(&mut sim, 500);
    assert_eq!(decision(&sim, "t1"), "commit", "logged before anyone heard");
    assert_eq!(states(&sim, "t1"), vec![Some(TxState::Prepared); 3]);
    sim.apply(Command::Crash { node: NodeId(0) }).unwrap();
    sim.apply(Command::Heal).unwrap();
    sim.apply(Command::Restart { node: NodeId(0) }).unwrap();
    run_for(&mut sim, 1_000);
    assert_eq!(states(&sim, "t1"), vec![Some(TxState::Committed); 3]);
    assert!(sim.violations().is_empty());
}

#[test]
fn a_bad_request_is_refused_with_the_reason() {
    let e = Scenario::from_json(
        r#"{"protocol":"2pc","schedule":[{"at_ms":1,"op":"client","node":0,"request":"t1 no=x"}]}"#,
    )
    .and_then(|s| faultline_core::AnySim::new(&s, SimConfig::default()).map(|_| ()))
    .unwrap_err();
    assert_eq!(e.path, "schedule[0].request");
    assert!(e.message.contains("“x” is not a node id"), "{}", e.message);
    let e = Scenario::from_json(r#"{"protocol":"2pc","nodes":2}"#)
        .and_then(|s| faultline_core::AnySim::new(&s, SimConfig::default()).map(|_| ()))
        .unwrap_err();
    assert!(
        e.message.contains("at least two participants"),
        "{}",
        e.message
    );
}

/// Logs that break each invariant, fed to the checker by hand.
#[test]
fn atomicity_and_veto_fire_on_logs_that_break_them() {
    // Two runs whose participants end differently: in one participant 1
    // commits t1, in the other participant 2 votes no on it.
    let mut commit = cluster(3, 6, "");
    request(&mut commit, "t1");
    run_for(&mut commit, 1_000);
    let mut veto = cluster(3, 6, "");
    request(&mut veto, "t1 no=2");
    run_for(&mut veto, 1_000);
    let node = |sim: &Sim<TwoPc>, n: u32| sim.nodes().nth(n as usize).unwrap().2.unwrap().clone();
    let mut checker = TwoPcChecker::default();
    let mut out = Vec::new();
    let now = Time::from_ms(1);
    checker.after_event(now, NodeId(1), &node(&commit, 1), &mut out);
    assert!(out.is_empty());
    checker.after_event(now, NodeId(2), &node(&veto, 2), &mut out);
    let names: Vec<&str> = out.iter().map(|v| v.invariant).collect();
    assert_eq!(names, ["Atomicity", "Veto"]);
    assert_eq!(out[0].detail, "t1: n1 committed and n2 aborted");
    assert_eq!(out[1].detail, "t1 committed though n2 voted no");
    // Reported once per transaction.
    checker.after_event(now, NodeId(2), &node(&veto, 2), &mut out);
    assert_eq!(out.len(), 2);
    // Veto also fires on the coordinator's logged commit alone.
    let mut checker = TwoPcChecker::default();
    let mut out = Vec::new();
    checker.after_event(now, NodeId(2), &node(&veto, 2), &mut out);
    checker.after_event(now, NodeId(0), &node(&commit, 0), &mut out);
    let names: Vec<&str> = out.iter().map(|v| v.invariant).collect();
    assert_eq!(names, ["Veto"]);
    // The coordinator decided abort (t1 no=2) and a participant committed.
    let mut checker = TwoPcChecker::default();
    let mut out = Vec::new();
    checker.after_event(now, NodeId(0), &node(&veto, 0), &mut out);
    checker.after_event(now, NodeId(1), &node(&commit, 1), &mut out);
    assert_eq!(out.len(), 1);
    assert_eq!(
        (out[0].invariant, out[0].detail.as_str()),
        ("Atomicity", "t1: n0 decided abort and n1 committed")
    );
    // A participant that aborted on its own, before voting, vetoes: a
    // logged commit breaks Veto.
    let mut lone = cluster(3, 8, r#""work_ms":10000,"work_timeout_ms":400"#);
    request(&mut lone, "t1");
    run_for(&mut lone, 600);
    let mut checker = TwoPcChecker::default();
    let mut out = Vec::new();
    checker.after_event(now, NodeId(1), &node(&lone, 1), &mut out);
    checker.after_event(now, NodeId(0), &node(&commit, 0), &mut out);
    let names: Vec<&str> = out.iter().map(|v| v.invariant).collect();
    assert_eq!(names, ["Veto"]);
}

/// One seed: random faults applied live, then a repair and a quiet period
/// after which every participant has learned every decision.
fn fault_run(seed: u64, nodes: u32) -> Result<[usize; 2], String> {
    let mut rng = Rng::new(seed.wrapping_mul(0x9E37_79B9) ^ u64::from(nodes));
    let params = format!(
        r#""work_ms":{},"vote_timeout_ms":{},"work_timeout_ms":{},"retry_ms":{}"#,
        rng.between(1, 80),
        rng.between(50, 400),
        rng.between(50, 500),
        rng.between(20, 200)
    );
    let mut sim = cluster(nodes, seed, &params);
    let until = Time::from_ms(3_000 + rng.below(2_001));
    // Transactions go to the coordinator; one in five is vetoed.
    faults_until(&mut sim, &mut rng, nodes, until, 300, |rng, _, k| {
        let no = if rng.chance(0.2) {
            format!(" no={}", 1 + rng.below(u64::from(nodes - 1)))
        } else {
            String::new()
        };
        Command::Client {
            node: NodeId(0),
            request: serde_json::json!(format!("t{k}{no}")),
        }
    })?;
    apply_repair(&mut sim)?;
    run_for(&mut sim, 5_000);
    if !sim.violations().is_empty() {
        return Err(failure(&sim, "invariant violated"));
    }
    // With the coordinator back, no one stays in doubt, and every
    // participant that voted holds the coordinator's decision.
    let m = metrics(&sim);
    let mut decided = [0, 0];
    for t in m["transactions"].as_array().unwrap() {
        match t["decision"].as_str() {
            Some("commit") => decided[0] += 1,
            Some(_) => decided[1] += 1,
            None => {}
        }
        for p in t["participants"].as_array().unwrap() {
            if p["state"] == "prepared" {
                return Err(failure(&sim, &format!("{} still in doubt: {t}", p["node"])));
            }
            let expected = match t["decision"].as_str() {
                Some("commit") => "committed",
                _ => "aborted",
            };
            if p["state"] != "working" && p["state"] != expected {
                return Err(failure(&sim, &format!("{} disagrees: {t}", p["node"])));
            }
        }
    }
    Ok(decided)
}

#[test]
fn random_faults_never_break_atomicity_or_veto_and_every_doubt_resolves() {
    let mut decided = [0, 0];
    for nodes in [3, 5] {
        for seed in 0..300 {
            match fault_run(seed, nodes) {
                Ok([c, a]) => decided = [decided[0] + c, decided[1] + a],
                Err(why) => panic!("seed {seed}, {nodes} nodes: {why}"),
            }
        }
    }
    // The faults leave both outcomes common: the property is not vacuous.
    assert!(decided[0] > 1_000 && decided[1] > 1_000, "{decided:?}");
}

#[test]
fn without_faults_twenty_transactions_all_commit_on_every_participant() {
    let mut sim = cluster(5, 7, "");
    for i in 1..=20 {
        request(&mut sim, &format!("t{i}"));
        run_for(&mut sim, 30);
    }
    run_for(&mut sim, 2_000);
    let m = metrics(&sim);
    let txs = m["transactions"].as_array().unwrap();
    assert_eq!(txs.len(), 20);
    for t in txs {
        assert_eq!(t["decision"], "commit", "{t}");
        assert!(t["participants"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["state"] == "committed"));
    }
    assert!(sim.violations().is_empty());
}
