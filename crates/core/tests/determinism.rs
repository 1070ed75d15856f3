//! Determinism of the simulator: the seed plus the recorded commands are the
//! whole run. Same inputs give the same trace (hash, counters, JSON lines);
//! live-applied commands replay exactly from the exported scenario; time
//! travel (seek back, run forward, fork) lands on the same states as a
//! straight run; labels never change the trace hash.

use faultline_core::id::MsgId;
use faultline_core::protocols::raft::Raft;
use faultline_core::rng::Rng;
use faultline_core::sim::SimView;
use faultline_core::{AnySim, Command, NodeId, Scenario, Sim, SimConfig, Time};
use std::collections::BTreeSet;

/// A 5-node Raft scenario with client requests and a few faults of every kind.
fn faulty_scenario(seed: u64, until_ms: u64) -> Scenario {
    let text = format!(
        r#"{{
        "protocol": "raft", "nodes": 5, "seed": {seed}, "until_ms": {until_ms},
        "schedule": [
            {{ "at_ms": 400, "op": "client", "node": 0, "request": "set a=1" }},
            {{ "at_ms": 650.5, "op": "crash", "node": 1 }},
            {{ "at_ms": 800, "op": "client", "node": 4, "request": "set b=1" }},
            {{ "at_ms": 900, "op": "partition", "groups": [[0, 2], [3, 4]] }},
            {{ "at_ms": 1200, "op": "client", "node": 3, "request": "set c=2" }},
            {{ "at_ms": 1500, "op": "link", "drop": 0.1, "duplicate": 0.1 }},
            {{ "at_ms": 1600, "op": "heal" }},
            {{ "at_ms": 1800, "op": "restart", "node": 1 }},
            {{ "at_ms": 1900, "op": "link", "from": 2, "to": 3, "latency_ms": [20, 40] }},
            {{ "at_ms": 2000, "op": "pause", "node": 2 }},
            {{ "at_ms": 2300.25, "op": "resume", "node": 2 }},
            {{ "at_ms": 2400, "op": "skew", "node": 4, "rate": 1.5 }},
            {{ "at_ms": 2500, "op": "cut", "from": 0, "to": 1 }},
            {{ "at_ms": 2600, "op": "fire", "node": 3, "timer": "election" }},
            {{ "at_ms": 2700, "op": "client", "node": 2, "request": "del a" }},
            {{ "at_ms": 2750, "op": "restart", "node": 0 }}
        ]
    }}"#
    );
    Scenario::from_json(&text).expect("the test scenario is valid")
}

/// Keeps the whole trace in memory, so JSON lines cover every entry.
fn full_trace() -> SimConfig {
    SimConfig {
        trace_capacity: 1_000_000,
        ..SimConfig::default()
    }
}

/// The `--trace` output: one JSON line per trace entry.
fn trace_lines(sim: &AnySim) -> Vec<String> {
    sim.trace()
        .map(|e| serde_json::to_string(e).expect("trace entries serialize"))
        .collect()
}

fn raft_trace_lines(sim: &Sim<Raft>) -> Vec<String> {
    sim.trace()
        .map(|e| serde_json::to_string(e).expect("trace entries serialize"))
        .collect()
}

fn raft(scenario: &Scenario, config: SimConfig) -> Sim<Raft> {
    Sim::<Raft>::from_scenario(scenario, config).expect("valid scenario")
}

/// Everything observable about a run at one instant, for comparisons.
fn snapshot(sim: &Sim<Raft>) -> (String, u64, u64, String, String) {
    (
        sim.trace_hash().hex(),
        sim.trace_len(),
        sim.events(),
        serde_json::to_string(&sim.stats()).unwrap(),
        serde_json::to_string(&sim.view()).unwrap(),
    )
}

#[test]
fn same_seed_same_trace_over_200_seeds_and_seeds_differ() {
    let mut hashes = BTreeSet::new();
    for seed in 0..200u64 {
        let scenario = faulty_scenario(seed, 3_000);
        let mut a = AnySim::new(&scenario, full_trace()).unwrap();
        let mut b = AnySim::new(&scenario, full_trace()).unwrap();
        a.run_to_end();
        b.run_to_end();
        assert_eq!(a.trace_hash(), b.trace_hash(), "seed {seed}: hashes differ");
        assert_eq!(a.stats(), b.stats(), "seed {seed}: stats differ");
        assert_eq!(a.events(), b.events(), "seed {seed}: event counts differ");
        assert_eq!(a.now(), Time::from_ms(3_000), "seed {seed}");
        let (la, lb) = (trace_lines(&a), trace_lines(&b));
        // The whole trace is kept: it starts at entry 0 and has no gaps.
        let seqs: Vec<u64> = a.trace().map(|e| e.seq).collect();
        assert!(
            seqs.iter().enumerate().all(|(i, &s)| s == i as u64),
            "seed {seed}: the whole trace is kept"
        );
        assert!(la.len() > 100, "seed {seed}: the run did something");
        if let Some(i) = la.iter().zip(&lb).position(|(x, y)| x != y) {
            panic!("seed {seed}: trace line {i} differs:\n{}\n{}", la[i], lb[i]);
        }
        assert_eq!(la.len(), lb.len(), "seed {seed}: trace lengths differ");
        // The report (the CLI's JSON line) is identical too.
        assert_eq!(
            serde_json::to_string(&a.report()).unwrap(),
            serde_json::to_string(&b.report()).unwrap(),
            "seed {seed}: reports differ"
        );
        assert!(
            a.violations().is_empty(),
            "seed {seed}: {:?}",
            a.violations()
        );
        let s = a.stats();
        assert!(s.delivered > 0 && s.dropped > 0, "seed {seed}: {s:?}");
        assert!(
            hashes.insert(a.trace_hash().hex()),
            "seed {seed}: same hash as an earlier seed"
        );
    }
    assert_eq!(hashes.len(), 200);
}

#[test]
fn the_hash_covers_message_and_request_contents() {
    // Same seed, same times, one request differs only in its text: the
    // event skeleton is the same but the hash must differ.
    let a = faulty_scenario(11, 3_000);
    let mut b = a.clone();
    for s in &mut b.schedule {
        if let Command::Client { request, .. } = &mut s.command {
            if request == "set c=2" {
                *request = serde_json::json!("set c=3");
            }
        }
    }
    assert_ne!(a, b);
    let mut sa = AnySim::new(&a, full_trace()).unwrap();
    let mut sb = AnySim::new(&b, full_trace()).unwrap();
    sa.run_to_end();
    sb.run_to_end();
    assert_eq!(sa.stats(), sb.stats());
    assert_ne!(sa.trace_hash(), sb.trace_hash());
    // Reordering two commands at the same time changes the run too.
    let mut c = a.clone();
    let at = Time::from_ms(3_500);
    c.until_ms = 4_000;
    c.schedule.push(faultline_core::Scheduled {
        at,
        command: Command::Crash { node: NodeId(3) },
    });
    c.schedule.push(faultline_core::Scheduled {
        at,
        command: Command::Restart { node: NodeId(3) },
    });
    let mut d = c.clone();
    let n = d.schedule.len();
    d.schedule.swap(n - 1, n - 2);
    let mut sc = AnySim::new(&c, full_trace()).unwrap();
    let mut sd = AnySim::new(&d, full_trace()).unwrap();
    sc.run_to_end();
    sd.run_to_end();
    assert_ne!(sc.trace_hash(), sd.trace_hash());
}

/// A random command that may apply now, drawn from the sim's state.
fn random_command(rng: &mut Rng, sim: &Sim<Raft>, nodes: u32, k: usize) -> Command {
    let node = NodeId(rng.below(u64::from(nodes)) as u32);
    let view = sim.view();
    let status = view.nodes[node.0 as usize].status;
    use faultline_core::sim::NodeStatus as S;
    match rng.below(12) {
        0 | 1 => Command::Client {
            node,
            request: serde_json::json!(format!("set k{k}={}", rng.below(100))),
        },
        2 => match status {
            S::Up => Command::Crash { node },
            S::Crashed => Command::Restart { node },
            S::Paused => Command::Resume { node },
            S::Removed => Command::Heal,
        },
        3 => match status {
            S::Up => Command::Pause { node },
            S::Paused => Command::Resume { node },
            S::Crashed => Command::Restart { node },
            S::Removed => Command::Heal,
        },
        4 => {
            let mut groups = vec![Vec::new(), Vec::new()];
            for n in 0..nodes {
                groups[rng.below(2) as usize].push(NodeId(n));
            }
            Command::Partition { groups }
        }
        5 => Command::Heal,
        6 => Command::Cut {
            from: node,
            to: NodeId(rng.below(u64::from(nodes)) as u32),
        },
        7 => Command::Link {
            from: None,
            to: None,
            latency_ms: Some([1.0 + rng.below(5) as f64, 10.0 + rng.below(20) as f64]),
            drop: Some(rng.below(30) as f64 / 100.0),
            duplicate: Some(rng.below(30) as f64 / 100.0),
        },
        8 => Command::Skew {
            node,
            rate: 0.5 + rng.below(20) as f64 / 10.0,
        },
        9 => Command::Fire {
            node,
            timer: "election".into(),
        },
        _ => {
            let msgs = &view.messages;
            if msgs.is_empty() {
                return Command::Heal;
            }
            let id: MsgId = msgs[rng.below(msgs.len() as u64) as usize].id;
            match rng.below(3) {
                0 => Command::DropMessage { id },
                1 => Command::DuplicateMessage { id },
                _ => Command::DelayMessage {
                    id,
                    by_ms: rng.below(300) as f64 + 0.5,
                },
            }
        }
    }
}

/// Drives `sim` to `until` applying random commands live, at random times
/// (some at the same instant, some between events). Returns how many applied.
fn drive_live(sim: &mut Sim<Raft>, rng: &mut Rng, nodes: u32, until: Time) -> usize {
    let mut applied = 0;
    let mut k = 0;
    while sim.now() < until {
        // Fractional-millisecond times land between events; some land
        // exactly on an event's time (the command goes after it).
        let t = match sim.next_time() {
            Some(next) if rng.below(3) == 0 => next,
            _ => Time(sim.now().0 + rng.between(1, 250_000)),
        }
        .min(until);
        sim.run_until(t);
        if t == until {
            break;
        }
        for _ in 0..=rng.below(2) {
            k += 1;
            let cmd = random_command(rng, sim, nodes, k);
            if sim.apply(cmd).is_ok() {
                applied += 1;
            }
        }
    }
    applied
}

#[test]
fn live_commands_replay_from_the_exported_scenario() {
    for seed in 0..60u64 {
        let nodes = if seed % 2 == 0 { 5 } else { 3 };
        let base = Scenario::from_json(&format!(
            r#"{{"protocol":"raft","nodes":{nodes},"seed":{seed},"until_ms":4000,
                "schedule":[{{"at_ms":300,"op":"client","node":0,"request":"set s=0"}}]}}"#
        ))
        .unwrap();
        let mut live = raft(&base, full_trace());
        let mut rng = Rng::new(seed ^ 0xfeed);
        let end = Time::from_ms(4_000);
        let applied = drive_live(&mut live, &mut rng, nodes, end);
        assert!(applied >= 5, "seed {seed}: only {applied} commands applied");
        assert_eq!(live.schedule().len(), applied + 1, "seed {seed}");

        // Rebuild from the exported scenario, directly and through JSON.
        let exported = live.to_scenario();
        let json = exported.to_json();
        let reparsed = Scenario::from_json(&json).unwrap();
        assert_eq!(reparsed, exported, "seed {seed}: JSON round trip");
        for (how, scenario) in [("exported", &exported), ("reparsed", &reparsed)] {
            let mut replay = raft(scenario, full_trace());
            replay.run_until(end);
            assert_eq!(
                replay.trace_hash(),
                live.trace_hash(),
                "seed {seed} ({how}): replay diverged; scenario:\n{json}"
            );
            assert_eq!(snapshot(&replay), snapshot(&live), "seed {seed} ({how})");
            assert_eq!(raft_trace_lines(&replay), raft_trace_lines(&live));
            // No recorded command was skipped in the replay either.
            let ignored = replay
                .trace()
                .filter(|e| matches!(e.kind, faultline_core::trace::TraceKind::Ignored { .. }));
            assert_eq!(ignored.count(), 0, "seed {seed} ({how})");
        }
    }
}

/// A straight run of `scenario` to `t` with commands applied live from `rng`.
fn run_with_commands(scenario: &Scenario, config: SimConfig, seed: u64, t: Time) -> Sim<Raft> {
    let mut sim = raft(scenario, config);
    let mut rng = Rng::new(seed);
    drive_live(&mut sim, &mut rng, scenario.nodes, t);
    sim
}

fn without_horizon(mut v: SimView<faultline_core::protocols::raft::RaftView>) -> String {
    v.horizon = Time::ZERO;
    serde_json::to_string(&v).unwrap()
}

#[test]
fn seek_back_and_run_forward_matches_a_straight_run() {
    let configs = [
        full_trace(),
        // Frequent checkpoints, few kept: exercises thinning.
        SimConfig {
            checkpoint_every: 16,
            max_checkpoints: 4,
            ..full_trace()
        },
        SimConfig {
            checkpoint_every: 1,
            max_checkpoints: 3,
            ..full_trace()
        },
        // A checkpoint after every event: seeks land right on them.
        SimConfig {
            checkpoint_every: 1,
            max_checkpoints: usize::MAX,
            ..full_trace()
        },
        SimConfig {
            checkpoint_every: 7,
            max_checkpoints: usize::MAX,
            ..full_trace()
        },
    ];
    for seed in 0..30u64 {
        let config = configs[seed as usize % configs.len()];
        let scenario = faulty_scenario(seed, 4_000);
        let t2 = Time::from_ms(3_500);
        // The straight run, and the straight run to each t1 for comparison.
        let straight = run_with_commands(&scenario, config, seed, t2);
        let mut rng = Rng::new(seed * 7 + 1);
        let mut sim = straight.clone();
        let times: Vec<Time> = straight.trace().map(|e| e.at).collect();
        for i in 0..8 {
            // Random instants, and instants on, just before and just after
            // an event (where checkpoints are taken).
            let t1 = if i < 2 {
                Time(rng.between(0, t2.0 - 1))
            } else {
                let at = times[rng.below(times.len() as u64) as usize];
                Time(at.0.wrapping_add([0, 1, u64::MAX][i % 3]).min(t2.0))
            };
            // What the run looked like at t1 (the straight run's recorded
            // commands, replayed from its scenario, stopped at t1).
            let mut at_t1 = raft(&straight.to_scenario(), config);
            at_t1.run_until(t1);

            sim.seek(t1);
            assert_eq!(sim.now(), t1, "seed {seed}");
            assert_eq!(sim.horizon(), t2, "seed {seed}: the horizon stays");
            assert_eq!(sim.trace_hash(), at_t1.trace_hash(), "seed {seed} at {t1}");
            assert_eq!(
                without_horizon(sim.view()),
                without_horizon(at_t1.view()),
                "seed {seed} at {t1}"
            );
            assert_eq!(sim.stats(), at_t1.stats(), "seed {seed} at {t1}");
            assert_eq!(raft_trace_lines(&sim), raft_trace_lines(&at_t1));
            assert_eq!(sim.schedule(), straight.schedule(), "seed {seed}");

            sim.run_until(t2);
            assert_eq!(snapshot(&sim), snapshot(&straight), "seed {seed} via {t1}");
            assert_eq!(raft_trace_lines(&sim), raft_trace_lines(&straight));
        }
        // Seeking forward past the horizon is running.
        let mut ahead = straight.clone();
        ahead.seek(Time::from_ms(4_000));
        let mut run = straight.clone();
        run.run_until(Time::from_ms(4_000));
        assert_eq!(snapshot(&ahead), snapshot(&run), "seed {seed}");
        // Back to the very start.
        sim.seek(Time::ZERO);
        let fresh = raft(&straight.to_scenario(), config);
        assert_eq!(sim.trace_hash(), fresh.trace_hash(), "seed {seed}");
        assert_eq!(without_horizon(sim.view()), without_horizon(fresh.view()));
    }
}

#[test]
fn a_fork_discards_the_recorded_future_and_replays() {
    for seed in 0..30u64 {
        let config = SimConfig {
            checkpoint_every: [512, 8, 16, 1][(seed / 2 % 4) as usize],
            max_checkpoints: [512, 5, usize::MAX, usize::MAX][(seed / 2 % 4) as usize],
            ..full_trace()
        };
        // Even seeds: scripted commands too (the fork discards the scripted
        // future as well); odd seeds: only live commands.
        let scenario = if seed % 2 == 0 {
            faulty_scenario(seed, 5_000)
        } else {
            Scenario {
                schedule: Vec::new(),
                ..faulty_scenario(seed, 5_000)
            }
        };
        let t2 = Time::from_ms(3_000);
        let mut sim = run_with_commands(&scenario, config, seed, t2);
        let t1 = Time(1_234_567 + seed * 1_000);
        let before = sim.schedule().len();
        let kept = sim.schedule().iter().filter(|s| s.at <= t1).count();
        assert!(before > kept, "seed {seed}: something to discard");

        sim.seek(t1);
        let fork = Command::Crash {
            node: NodeId((seed % 5) as u32),
        };
        let fork = if sim.apply(fork.clone()).is_ok() {
            fork
        } else {
            let other = Command::Client {
                node: NodeId(0),
                request: serde_json::json!("set fork=1"),
            };
            sim.apply(other.clone()).unwrap();
            other
        };
        // The recorded future is gone; the fork is the last command.
        assert_eq!(sim.schedule().len(), kept + 1, "seed {seed}");
        assert!(sim.schedule().iter().all(|s| s.at <= t1), "seed {seed}");
        let last = sim.schedule().last().unwrap();
        assert_eq!((last.at, &last.command), (t1, &fork), "seed {seed}");
        assert_eq!(
            sim.horizon(),
            t1,
            "seed {seed}: the fork is the new horizon"
        );

        // Run on, with more live commands after the fork.
        let t3 = Time::from_ms(4_500);
        let mut rng = Rng::new(seed + 99);
        drive_live(&mut sim, &mut rng, 5, t3);
        let forked = snapshot(&sim);

        // The exported scenario replays the forked run.
        let exported = sim.to_scenario();
        let mut replay = raft(&Scenario::from_json(&exported.to_json()).unwrap(), config);
        replay.run_until(t3);
        assert_eq!(snapshot(&replay), forked, "seed {seed}");
        assert_eq!(raft_trace_lines(&replay), raft_trace_lines(&sim));

        // A run that never travelled, with the same commands applied live
        // at the same times, is the same run.
        if scenario.schedule.is_empty() {
            let mut direct = raft(&scenario, config);
            for s in sim.schedule() {
                direct.run_until(s.at);
                direct.apply(s.command.clone()).unwrap();
            }
            direct.run_until(t3);
            assert_eq!(snapshot(&direct), forked, "seed {seed}");
        }

        // Travelling back again before the fork and forward reproduces the
        // forked run, not the discarded one (no stale checkpoints).
        let t0 = Time(t1.0 - 200_000);
        sim.seek(t0);
        sim.run_until(t3);
        assert_eq!(snapshot(&sim), forked, "seed {seed}");
        // Landing anywhere in the forked future (right after the fork
        // too, where only checkpoints of the discarded future would be)
        // shows the forked run.
        for offset in [0, 1, 3_000, 10_000, 25_000, 60_000, 200_000, 700_000] {
            let t = Time(t1.0 + offset);
            sim.seek(t);
            let mut expected = raft(&exported, config);
            expected.run_until(t);
            assert_eq!(
                without_horizon(sim.view()),
                without_horizon(expected.view()),
                "seed {seed}: seek to {t}"
            );
            assert_eq!(sim.trace_hash(), expected.trace_hash(), "seed {seed}: {t}");
            sim.run_until(t3);
            assert_eq!(snapshot(&sim), forked, "seed {seed}");
        }
        assert_eq!(sim.to_scenario(), exported, "seed {seed}");
    }
}

#[test]
fn simulator_settings_do_not_change_the_run() {
    // Checkpoints, the in-memory trace window and labels are the
    // simulator's own knobs: the simulated run must not depend on them.
    let configs = [
        SimConfig::default(),
        SimConfig {
            checkpoint_every: 0,
            max_checkpoints: 0,
            trace_capacity: 0,
            labels: false,
        },
        SimConfig {
            checkpoint_every: 1,
            max_checkpoints: 2,
            trace_capacity: 1,
            labels: true,
        },
        SimConfig {
            checkpoint_every: 3,
            max_checkpoints: usize::MAX,
            trace_capacity: usize::MAX,
            labels: false,
        },
    ];
    for seed in 0..20u64 {
        let scenario = faulty_scenario(seed, 3_000);
        let runs: Vec<_> = configs
            .iter()
            .map(|&c| {
                let mut sim = raft(&scenario, c);
                sim.run_to_end();
                (
                    sim.trace_hash().hex(),
                    sim.trace_len(),
                    sim.events(),
                    sim.stats(),
                )
            })
            .collect();
        assert!(
            runs.windows(2).all(|w| w[0] == w[1]),
            "seed {seed}: {runs:#?}"
        );
    }
}

#[test]
fn labels_do_not_change_the_trace_hash() {
    for seed in 0..50u64 {
        let scenario = faulty_scenario(seed, 3_000);
        let mut with = AnySim::new(&scenario, full_trace()).unwrap();
        let mut without = AnySim::new(
            &scenario,
            SimConfig {
                labels: false,
                ..full_trace()
            },
        )
        .unwrap();
        with.run_to_end();
        without.run_to_end();
        assert_eq!(with.trace_hash(), without.trace_hash(), "seed {seed}");
        assert_eq!(with.stats(), without.stats(), "seed {seed}");
        // The traces differ only in their summaries.
        let strip = |sim: &AnySim| -> Vec<serde_json::Value> {
            sim.trace()
                .map(|e| {
                    let mut v = serde_json::to_value(e).unwrap();
                    if let Some(o) = v.as_object_mut() {
                        o.remove("summary");
                    }
                    v
                })
                .collect()
        };
        assert_eq!(strip(&with), strip(&without), "seed {seed}");
        let labelled = with
            .trace()
            .filter(|e| serde_json::to_value(e).unwrap()["summary"].as_str() > Some(""))
            .count();
        assert!(labelled > 0, "seed {seed}: labels were on");
    }
}
