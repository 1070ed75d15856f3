//! Raft under faults: a seeded property test over random fault schedules
//! (every fault the lab offers, applied live), and targeted scenarios: a
//! minority partition cannot commit, a healed cluster converges, a paused
//! leader wakes as a zombie and steps down. Message counters always add up.

use faultline_core::protocols::raft::{Raft, RaftView, Role};
use faultline_core::rng::Rng;
use faultline_core::sim::{ClientStatus, NodeStatus};
use faultline_core::trace::TraceKind;
use faultline_core::{Command, NodeId, OpId, Scenario, Sim, SimConfig, Time};
use std::collections::BTreeMap;

const MS: u64 = 1_000;

fn config() -> SimConfig {
    SimConfig {
        trace_capacity: 1_000_000,
        ..SimConfig::default()
    }
}

fn cluster(nodes: u32, seed: u64, until_ms: u64) -> Sim<Raft> {
    let scenario = Scenario::from_json(&format!(
        r#"{{"protocol":"raft","nodes":{nodes},"seed":{seed},"until_ms":{until_ms}}}"#
    ))
    .expect("valid scenario");
    Sim::from_scenario(&scenario, config()).expect("valid scenario")
}

/// The run as a reproducible scenario, for failure messages.
fn repro(sim: &Sim<Raft>) -> String {
    let mut s = sim.to_scenario();
    s.until_ms = sim.now().0.div_ceil(MS);
    s.to_json()
}

/// sent + duplicated == delivered + dropped + in flight.
/// No invariant violated, message counters add up, and (with `answers`)
/// every "committed at i" a client heard matches the committed log.
fn assert_healthy(sim: &Sim<Raft>, seed: u64, answers: bool) {
    assert!(
        sim.violations().is_empty(),
        "seed {seed}: {:?}",
        sim.violations()
    );
    check_counters(sim).unwrap();
    if answers {
        check_client_answers(sim).unwrap();
    }
}

fn check_counters(sim: &Sim<Raft>) -> Result<(), String> {
    let s = sim.stats();
    let in_flight = sim.view().messages.len() as u64;
    if s.sent + s.duplicated == s.delivered + s.dropped + in_flight {
        Ok(())
    } else {
        Err(format!(
            "counters do not add up: {s:?}, {in_flight} in flight"
        ))
    }
}

fn raft_view(sim: &Sim<Raft>, id: NodeId) -> RaftView {
    sim.view().nodes[id.0 as usize]
        .state
        .clone()
        .expect("a node that ever started has a state")
}

fn status(sim: &Sim<Raft>, id: NodeId) -> NodeStatus {
    sim.view().nodes[id.0 as usize].status
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

/// The running leader of the highest term, if any.
fn top_leader(sim: &Sim<Raft>) -> Option<(NodeId, u64)> {
    leaders(sim).into_iter().max_by_key(|&(_, t)| t)
}

fn client_status(sim: &Sim<Raft>, op: OpId) -> Option<ClientStatus> {
    sim.view()
        .clients
        .into_iter()
        .find(|c| c.op == op)
        .map(|c| c.status)
}

/// The op of the newest client operation.
fn newest_op(sim: &Sim<Raft>) -> OpId {
    sim.view().clients[0].op
}

/// Runs in steps of `step_ms` until `done` holds or `max_ms` passed.
fn run_until_true(
    sim: &mut Sim<Raft>,
    step_ms: u64,
    max_ms: u64,
    mut done: impl FnMut(&Sim<Raft>) -> bool,
) -> bool {
    let end = sim.now().0 + max_ms * MS;
    while sim.now().0 < end {
        if done(sim) {
            return true;
        }
        let t = Time(sim.now().0 + step_ms * MS);
        sim.run_until(t);
    }
    done(sim)
}

/// After healing: every running node holds the same log up to the same
/// commit index, and exactly one leader, in the highest term.
fn check_converged(sim: &Sim<Raft>) -> Result<(), String> {
    let up: Vec<(NodeId, &Raft)> = sim
        .nodes()
        .filter(|(_, s, _)| *s == NodeStatus::Up)
        .filter_map(|(id, _, r)| r.map(|r| (id, r)))
        .collect();
    let top_term = up.iter().map(|(_, r)| r.term()).max().unwrap_or(0);
    let leaders: Vec<_> = up
        .iter()
        .filter(|(_, r)| r.role() == Role::Leader)
        .map(|(id, r)| (*id, r.term()))
        .collect();
    if leaders.len() != 1 || leaders[0].1 != top_term {
        return Err(format!(
            "expected one leader in term {top_term}, found {leaders:?}"
        ));
    }
    let (lid, lr) = up.iter().find(|(id, _)| *id == leaders[0].0).unwrap();
    for (id, r) in &up {
        if r.commit_index() != lr.commit_index() {
            return Err(format!(
                "{id} has commit index {} but leader {lid} has {}",
                r.commit_index(),
                lr.commit_index()
            ));
        }
        for i in 1..=lr.commit_index() {
            if r.log().entry(i) != lr.log().entry(i) {
                return Err(format!(
                    "{id} and leader {lid} differ at committed index {i}: {:?} vs {:?}",
                    r.log().entry(i),
                    lr.log().entry(i)
                ));
            }
        }
    }
    Ok(())
}

/// Every answer "committed at i" names an entry that holds the request in
/// every running log that has committed index i.
fn check_client_answers(sim: &Sim<Raft>) -> Result<(), String> {
    let mut requests: BTreeMap<OpId, String> = BTreeMap::new();
    let mut answers: Vec<(OpId, u64)> = Vec::new();
    for e in sim.trace() {
        match &e.kind {
            TraceKind::Request { op, summary, .. } => {
                requests.insert(*op, summary.clone());
            }
            TraceKind::Reply { op, summary, .. } => {
                if let Some(i) = summary.strip_prefix("committed at ") {
                    answers.push((*op, i.parse().map_err(|_| summary.clone())?));
                }
            }
            _ => {}
        }
    }
    for (op, index) in answers {
        let want = &requests[&op];
        for (id, s, r) in sim.nodes() {
            let Some(r) = r.filter(|_| s == NodeStatus::Up) else {
                continue;
            };
            if r.commit_index() >= index {
                let got = r.log().entry(index).map(|e| &e.command);
                if got != Some(want) {
                    return Err(format!(
                        "op {} was answered committed at {index} with `{want}`, \
                         but {id} has {got:?} there",
                        op.0
                    ));
                }
            }
        }
    }
    Ok(())
}

/// A random fault (or client request) that fits the cluster now.
fn random_fault(rng: &mut Rng, sim: &Sim<Raft>, nodes: u32, k: u64) -> Command {
    let pick = |rng: &mut Rng| NodeId(rng.below(u64::from(nodes)) as u32);
    let node = pick(rng);
    match rng.below(100) {
        0..=11 => match status(sim, node) {
            NodeStatus::Crashed => Command::Restart { node },
            _ => Command::Crash { node },
        },
        12..=21 => match status(sim, node) {
            NodeStatus::Paused => Command::Resume { node },
            _ => Command::Pause { node },
        },
        22..=31 => {
            // Random groups; some nodes may be in no group (alone).
            let n_groups = 1 + rng.below(u64::from(nodes)) as usize;
            let mut groups = vec![Vec::new(); n_groups];
            for n in 0..nodes {
                let g = rng.below(n_groups as u64 + 1) as usize;
                if g < n_groups {
                    groups[g].push(NodeId(n));
                }
            }
            Command::Partition { groups }
        }
        32..=39 => Command::Cut {
            from: node,
            to: pick(rng),
        },
        40..=49 => Command::Heal,
        50..=57 => {
            let one = rng.chance(0.5);
            let lo = rng.below(20) as f64;
            Command::Link {
                from: one.then_some(node),
                to: one.then(|| pick(rng)),
                latency_ms: rng
                    .chance(0.5)
                    .then(|| [lo, lo + rng.below(60) as f64 + 0.25]),
                drop: Some(rng.below(301) as f64 / 1000.0),
                duplicate: Some(rng.below(301) as f64 / 1000.0),
            }
        }
        58..=62 => Command::Skew {
            node,
            rate: [0.25, 0.5, 0.8, 1.0, 1.25, 2.0, 4.0][rng.below(7) as usize],
        },
        63..=66 => Command::Fire {
            node,
            timer: "election".into(),
        },
        67..=81 => {
            let messages = sim.view().messages;
            if messages.is_empty() {
                return Command::Heal;
            }
            let id = messages[rng.below(messages.len() as u64) as usize].id;
            match rng.below(3) {
                0 => Command::DropMessage { id },
                1 => Command::DuplicateMessage { id },
                _ => Command::DelayMessage {
                    id,
                    by_ms: rng.below(400) as f64 + 0.5,
                },
            }
        }
        _ => Command::Client {
            node,
            request: serde_json::json!(format!("set k{k}=v{}", rng.below(1000))),
        },
    }
}

/// One seed of the property: a random fault schedule applied live, then a
/// repair and a quiet period. Returns what went wrong, if anything.
/// What went wrong in a seed: the reason, the violations, and the schedule
/// as a scenario that replays the run.
fn failure(sim: &Sim<Raft>, why: impl std::fmt::Display) -> String {
    format!(
        "{why}\nviolations: {:#?}\nschedule (replay it as a scenario):\n{}",
        sim.violations(),
        repro(sim)
    )
}

fn fault_run(seed: u64, nodes: u32) -> Result<(), String> {
    let mut rng = Rng::new(seed.wrapping_mul(0x9E37_79B9) ^ u64::from(nodes));
    let until_ms = 3_000 + rng.below(2_001);
    // Random timing parameters: narrow timeout ranges make split votes and
    // competing candidates common, short ones make many elections.
    let lo = [50, 100, 150][rng.below(3) as usize];
    let hi = lo + [40, 100, 150][rng.below(3) as usize];
    let params = serde_json::json!({
        "election_timeout_ms": [lo, hi],
        "heartbeat_ms": rng.between(lo / 5, lo / 2),
        "max_batch": rng.between(1, 16),
        // The dissertation's options (§9.6, §6.2) must keep every invariant.
        "pre_vote": rng.chance(0.5),
        "check_quorum": rng.chance(0.5),
    });
    let scenario = Scenario::from_json(&format!(
        r#"{{"protocol":"raft","nodes":{nodes},"seed":{seed},"until_ms":{},"params":{params}}}"#,
        until_ms + 2_500
    ))
    .expect("valid scenario");
    let mut sim = Sim::from_scenario(&scenario, config()).expect("valid scenario");
    let until = Time::from_ms(until_ms);
    let mut k = 0;
    macro_rules! check {
        ($e:expr) => {
            if let Err(why) = $e {
                return Err(failure(&sim, why));
            }
        };
    }
    while sim.now() < until {
        let t = Time(sim.now().0 + rng.between(5 * MS, 350 * MS)).min(until);
        sim.run_until(t);
        // Sometimes several faults at the same instant.
        for _ in 0..=rng.below(3) {
            k += 1;
            let cmd = random_fault(&mut rng, &sim, nodes, k);
            // A command that cannot apply now (resume a node that is up)
            // is refused and not recorded; that is fine.
            let applied = sim.apply(cmd.clone()).is_ok();
            // Often a crash is a reboot: the node comes straight back with
            // only its durable state, possibly mid-election.
            if let (true, Command::Crash { node }) = (applied, &cmd) {
                if rng.chance(0.5) {
                    let later = Time(sim.now().0 + rng.below(40 * MS));
                    sim.run_until(later);
                    let _ = sim.apply(Command::Restart { node: *node });
                }
            }
        }
        check!(check_counters(&sim));
        if !sim.violations().is_empty() {
            return Err(failure(&sim, "invariant violated"));
        }
    }
    // Repair everything, then give the cluster time to settle.
    let mut repair = vec![
        Command::Heal,
        Command::Link {
            from: None,
            to: None,
            latency_ms: Some([5.0, 15.0]),
            drop: Some(0.0),
            duplicate: Some(0.0),
        },
    ];
    for n in 0..nodes {
        let node = NodeId(n);
        match status(&sim, node) {
            NodeStatus::Crashed => repair.push(Command::Restart { node }),
            NodeStatus::Paused => repair.push(Command::Resume { node }),
            _ => {}
        }
        repair.push(Command::Skew { node, rate: 1.0 });
    }
    for cmd in repair {
        if let Err(e) = sim.apply(cmd.clone()) {
            return Err(failure(
                &sim,
                format!("repair command {cmd:?} refused: {e}"),
            ));
        }
    }
    sim.run_until(Time::from_ms(until_ms + 2_500));
    check!(check_counters(&sim));
    if !sim.violations().is_empty() {
        return Err(failure(&sim, "invariant violated"));
    }
    check!(check_converged(&sim));
    check!(check_client_answers(&sim));
    Ok(())
}

fn fault_property(nodes: u32) {
    let mut runs = 0;
    for seed in 0..1_000u64 {
        if let Err(why) = fault_run(seed, nodes) {
            panic!("seed {seed}, {nodes} nodes: {why}");
        }
        runs += 1;
    }
    assert_eq!(runs, 1_000);
}

#[test]
fn random_faults_never_break_raft_3_nodes() {
    fault_property(3);
}

#[test]
fn random_faults_never_break_raft_5_nodes() {
    fault_property(5);
}

#[test]
fn a_minority_partition_cannot_commit() {
    for seed in 0..20u64 {
        let mut sim = cluster(5, seed, 10_000);
        assert!(
            run_until_true(&mut sim, 50, 3_000, |s| top_leader(s).is_some()),
            "seed {seed}: no leader elected"
        );
        sim.run_until(Time(sim.now().0 + 300 * MS)); // let the no-op commit
        let (old, old_term) = top_leader(&sim).unwrap();
        let follower = NodeId((old.0 + 1) % 5);
        let majority: Vec<NodeId> = (0..5)
            .map(NodeId)
            .filter(|n| *n != old && *n != follower)
            .collect();
        sim.apply(Command::Partition {
            groups: vec![vec![old, follower], majority.clone()],
        })
        .unwrap();
        let cut_at = sim.now();
        let frozen = (
            raft_view(&sim, old).commit_index,
            raft_view(&sim, follower).commit_index,
        );
        sim.apply(Command::Client {
            node: old,
            request: serde_json::json!("set minority=1"),
        })
        .unwrap();
        let minority_op = newest_op(&sim);
        let v = raft_view(&sim, old);
        assert_eq!(v.role, Role::Leader, "seed {seed}");
        assert_eq!(
            v.log_tail.last().map(|e| e.command.as_str()),
            Some("set minority=1"),
            "seed {seed}: the old leader appended the request"
        );
        let minority_index = v.last_index;
        assert!(minority_index > v.commit_index, "seed {seed}");

        // The majority elects a new leader in a higher term.
        let new_leader = |s: &Sim<Raft>| {
            majority.iter().copied().find(|&n| {
                let v = raft_view(s, n);
                v.role == Role::Leader && v.term > old_term
            })
        };
        let minority = |s: &Sim<Raft>| {
            let now = (
                raft_view(s, old).commit_index,
                raft_view(s, follower).commit_index,
            );
            assert_eq!(now, frozen, "seed {seed}: the minority advanced its commit");
        };
        assert!(
            run_until_true(&mut sim, 20, 3_000, |s| {
                minority(s);
                new_leader(s).is_some()
            }),
            "seed {seed}: the majority elected no leader"
        );
        let leader = new_leader(&sim).unwrap();
        sim.apply(Command::Client {
            node: leader,
            request: serde_json::json!("set majority=1"),
        })
        .unwrap();
        let majority_op = newest_op(&sim);
        assert!(
            run_until_true(&mut sim, 20, 2_000, |s| {
                minority(s);
                matches!(
                    client_status(s, majority_op),
                    Some(ClientStatus::Done { .. })
                )
            }),
            "seed {seed}: the majority did not commit"
        );
        let lv = raft_view(&sim, leader);
        assert!(lv.commit_index > frozen.0, "seed {seed}");
        // Time passes; the minority still cannot commit.
        run_until_true(&mut sim, 50, 1_000, |s| {
            minority(s);
            false
        });
        // Nobody on the minority side ever told a client "committed".
        let bad = sim.trace().find(|e| {
            e.at >= cut_at
                && matches!(&e.kind, TraceKind::Reply { node, summary, .. }
                    if (*node == old || *node == follower) && summary.starts_with("committed"))
        });
        assert!(bad.is_none(), "seed {seed}: {bad:?}");
        // The client was not told its write committed at the minority's index.
        if let Some(ClientStatus::Done { outcome, .. }) = client_status(&sim, minority_op) {
            assert_ne!(
                outcome,
                format!("committed at {minority_index}"),
                "seed {seed}"
            );
        }

        // Healing: the old leader steps down and everyone converges on the
        // majority's history.
        sim.apply(Command::Heal).unwrap();
        sim.run_until(Time(sim.now().0 + 2_000 * MS));
        if let Err(e) = check_converged(&sim) {
            panic!("seed {seed}: {e}\n{}", repro(&sim));
        }
        let v = raft_view(&sim, old);
        assert_ne!(
            v.role,
            Role::Leader,
            "seed {seed}: the old leader stepped down"
        );
        assert!(v.term > old_term, "seed {seed}");
        assert_healthy(&sim, seed, true);
        // The majority's write is in every node's committed state.
        for n in 0..5 {
            let v = raft_view(&sim, NodeId(n));
            assert!(
                v.kv.contains(&("majority".into(), "1".into())),
                "seed {seed}: n{n} lacks the majority's write: {:?}",
                v.kv
            );
        }
    }
}

#[test]
fn a_healed_cluster_converges() {
    for seed in 0..40u64 {
        let nodes = if seed % 2 == 0 { 5 } else { 3 };
        let mut sim = cluster(nodes, seed, 10_000);
        let mut rng = Rng::new(seed);
        // A stormy first phase: partitions, cuts, lossy links, crashes, and
        // a steady stream of client writes.
        for round in 0..12u64 {
            sim.run_until(Time(sim.now().0 + rng.between(100, 400) * MS));
            let mut groups = vec![Vec::new(), Vec::new(), Vec::new()];
            for n in 0..nodes {
                groups[rng.below(3) as usize].push(NodeId(n));
            }
            let node = NodeId(rng.below(u64::from(nodes)) as u32);
            let cmds = [
                Command::Partition { groups },
                Command::Cut {
                    from: node,
                    to: NodeId((node.0 + 1) % nodes),
                },
                Command::Link {
                    from: None,
                    to: None,
                    latency_ms: None,
                    drop: Some(0.2),
                    duplicate: Some(0.2),
                },
                if status(&sim, node) == NodeStatus::Up {
                    Command::Crash { node }
                } else {
                    Command::Restart { node }
                },
                Command::Client {
                    node,
                    request: serde_json::json!(format!("set r{round}={seed}")),
                },
            ];
            let _ = sim.apply(cmds[rng.below(cmds.len() as u64) as usize].clone());
            let _ = sim.apply(Command::Client {
                node: NodeId(rng.below(u64::from(nodes)) as u32),
                request: serde_json::json!(format!("set w{round}={seed}")),
            });
        }
        // Heal everything.
        sim.apply(Command::Heal).unwrap();
        sim.apply(Command::Link {
            from: None,
            to: None,
            latency_ms: None,
            drop: Some(0.0),
            duplicate: Some(0.0),
        })
        .unwrap();
        for n in 0..nodes {
            if status(&sim, NodeId(n)) == NodeStatus::Crashed {
                sim.apply(Command::Restart { node: NodeId(n) }).unwrap();
            }
        }
        let healed_at = sim.now();
        sim.run_until(Time(healed_at.0 + 3_000 * MS));
        if let Err(e) = check_converged(&sim) {
            panic!("seed {seed}: {e}\n{}", repro(&sim));
        }
        // Every node applied the same state machine.
        let kv: Vec<_> = (0..nodes).map(|n| raft_view(&sim, NodeId(n)).kv).collect();
        assert!(kv.windows(2).all(|w| w[0] == w[1]), "seed {seed}: {kv:?}");
        // Every client operation issued before the heal ends up committed:
        // clients retry until they reach the leader.
        for c in sim.view().clients {
            assert!(
                matches!(c.status, ClientStatus::Done { .. }),
                "seed {seed}: op {} `{}` is {:?}",
                c.op.0,
                c.label,
                c.status
            );
        }
        assert_healthy(&sim, seed, true);
    }
}

#[test]
fn a_paused_leader_wakes_as_a_zombie_then_steps_down() {
    for seed in 0..20u64 {
        let mut sim = cluster(5, seed, 10_000);
        assert!(run_until_true(&mut sim, 50, 3_000, |s| top_leader(s).is_some()));
        sim.run_until(Time(sim.now().0 + 200 * MS));
        let (old, old_term) = top_leader(&sim).unwrap();
        sim.apply(Command::Pause { node: old }).unwrap();
        let paused_at = sim.now();
        // The others elect a new leader in a higher term.
        assert!(
            run_until_true(&mut sim, 20, 3_000, |s| top_leader(s)
                .is_some_and(|(n, t)| n != old && t > old_term)),
            "seed {seed}: no new leader"
        );
        let (new, new_term) = top_leader(&sim).unwrap();
        sim.run_until(Time(sim.now().0 + 100 * MS));
        // Asleep, the old leader still believes it leads, in its old term.
        assert_eq!(status(&sim, old), NodeStatus::Paused);
        let v = raft_view(&sim, old);
        assert_eq!((v.role, v.term), (Role::Leader, old_term), "seed {seed}");
        // Messages sent to it while it slept were dropped as such.
        let dropped_asleep = sim
            .trace()
            .filter(|e| e.at >= paused_at)
            .filter(|e| {
                matches!(&e.kind, TraceKind::Drop { to, reason, .. }
                    if *to == old && *reason == faultline_core::net::DropReason::DestinationPaused)
            })
            .count();
        assert!(dropped_asleep > 0, "seed {seed}");

        sim.apply(Command::Resume { node: old }).unwrap();
        // Right after waking it is a zombie: leader of a stale term.
        assert_eq!(status(&sim, old), NodeStatus::Up);
        let v = raft_view(&sim, old);
        assert_eq!(
            (v.role, v.term),
            (Role::Leader, old_term),
            "seed {seed}: the zombie forgot it led"
        );
        assert_eq!(
            leaders(&sim).len(),
            2,
            "seed {seed}: two nodes believe they lead"
        );
        // Its held heartbeat fires at once; the first answer in a higher
        // term makes it step down.
        assert!(
            run_until_true(&mut sim, 1, 200, |s| raft_view(s, old).role != Role::Leader),
            "seed {seed}: the zombie never stepped down"
        );
        let v = raft_view(&sim, old);
        assert_eq!(v.role, Role::Follower, "seed {seed}");
        assert!(v.term >= new_term, "seed {seed}");
        sim.run_until(Time(sim.now().0 + 500 * MS));
        assert_eq!(top_leader(&sim).map(|l| l.0), Some(new), "seed {seed}");
        assert_eq!(leaders(&sim).len(), 1, "seed {seed}");
        assert_healthy(&sim, seed, false);
    }
}

#[test]
fn counters_add_up_under_manual_message_faults() {
    let mut sim = cluster(3, 5, 10_000);
    let mut rng = Rng::new(5);
    let mut by_hand = 0;
    for _ in 0..300 {
        sim.run_until(Time(sim.now().0 + rng.between(1, 30) * MS));
        let msgs = sim.view().messages;
        if msgs.is_empty() {
            continue;
        }
        let id = msgs[rng.below(msgs.len() as u64) as usize].id;
        let before = sim.stats();
        let cmd = match rng.below(3) {
            0 => Command::DropMessage { id },
            1 => Command::DuplicateMessage { id },
            _ => Command::DelayMessage { id, by_ms: 25.0 },
        };
        sim.apply(cmd.clone()).unwrap();
        by_hand += 1;
        let after = sim.stats();
        match cmd {
            Command::DropMessage { .. } => assert_eq!(after.dropped, before.dropped + 1),
            Command::DuplicateMessage { .. } => {
                assert_eq!(after.duplicated, before.duplicated + 1)
            }
            _ => assert_eq!(after, before),
        }
        check_counters(&sim).unwrap();
        // A dropped message cannot be dropped again.
        if matches!(cmd, Command::DropMessage { .. }) {
            assert!(sim.apply(Command::DropMessage { id }).is_err());
        }
    }
    assert!(by_hand > 100, "{by_hand}");
    assert!(sim.violations().is_empty());
}

#[test]
fn a_rebooted_voter_remembers_its_vote() {
    // Two candidates of one term; the third node votes for the first, is
    // rebooted (crash and restart at once), then hears the second. Its vote
    // is durable state: it must refuse, or the term gets two leaders.
    for seed in 0..20u64 {
        let mut sim = cluster(3, seed, 10_000);
        assert!(run_until_true(&mut sim, 50, 3_000, |s| top_leader(s).is_some()));
        sim.run_until(Time(sim.now().0 + 200 * MS));
        let (voter, term) = top_leader(&sim).unwrap();
        let a = NodeId((voter.0 + 1) % 3);
        let b = NodeId((voter.0 + 2) % 3);
        // b must not hear a win, so it stays a candidate.
        sim.apply(Command::Cut { from: a, to: b }).unwrap();
        for node in [a, b] {
            sim.apply(Command::Fire {
                node,
                timer: "election".into(),
            })
            .unwrap();
        }
        for node in [a, b] {
            let v = raft_view(&sim, node);
            assert_eq!((v.role, v.term), (Role::Candidate, term + 1), "seed {seed}");
        }
        // Hold b's request to the voter back until after the reboot.
        let held = sim
            .view()
            .messages
            .into_iter()
            .find(|m| m.from == b && m.to == voter && m.kind == "RequestVote")
            .expect("b asked the voter");
        sim.apply(Command::DelayMessage {
            id: held.id,
            by_ms: 60.0,
        })
        .unwrap();
        assert!(
            run_until_true(&mut sim, 1, 50, |s| raft_view(s, a).role == Role::Leader),
            "seed {seed}: a did not win"
        );
        assert_eq!(raft_view(&sim, voter).voted_for, Some(a), "seed {seed}");
        sim.apply(Command::Crash { node: voter }).unwrap();
        sim.apply(Command::Restart { node: voter }).unwrap();
        let v = raft_view(&sim, voter);
        assert_eq!(
            (v.term, v.voted_for),
            (term + 1, Some(a)),
            "seed {seed}: the reboot lost durable state"
        );
        // b's request arrives now; b is still a candidate of that term.
        sim.run_until(Time(sim.now().0 + 80 * MS));
        assert!(
            sim.trace().any(|e| matches!(&e.kind,
                TraceKind::Deliver { msg, .. } if *msg == held.id)),
            "seed {seed}: the held request was delivered"
        );
        let v = raft_view(&sim, b);
        assert_eq!(
            (v.role, v.term),
            (Role::Candidate, term + 1),
            "seed {seed}: b was still asking when its request arrived"
        );
        let leaders_of_term: Vec<NodeId> = sim
            .checker()
            .leaders()
            .filter(|l| l.term == term + 1)
            .map(|l| l.node)
            .collect();
        assert_eq!(leaders_of_term, vec![a], "seed {seed}");
        assert_healthy(&sim, seed, false);
    }
}
