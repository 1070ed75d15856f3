//! Raft's log compaction (chapter 5 of Ongaro's dissertation, "Consensus:
//! Bridging Theory and Practice", 2014) and persistence that takes time
//! (Figure 2 of the paper: "updated on stable storage before responding to
//! RPCs"), checked through the simulator and by driving one server by hand.

use faultline_core::node::{Context, Effect, Protocol};
use faultline_core::protocols::raft::{metrics, Entry, Raft, RaftMsg, RaftParams, RaftTimer};
use faultline_core::rng::Rng;
use faultline_core::sim::NodeStatus;
use faultline_core::trace::TraceKind;
use faultline_core::{NodeId, Scenario, Sim, SimConfig, Time};

/// Three servers; n1 crashes before the first command and restarts after
/// 400 of them.
fn four_hundred_commands(seed: u64, snapshot_every: u32) -> Sim<Raft> {
    let mut schedule = vec![r#"{"at_ms":300,"op":"crash","node":1}"#.to_string()];
    for i in 0..400 {
        schedule.push(format!(
            r#"{{"at_ms":{},"op":"client","node":{},"request":"set k{}={i}"}}"#,
            400 + i * 5,
            i % 3,
            i % 37
        ));
    }
    schedule.push(r#"{"at_ms":2600,"op":"restart","node":1}"#.to_string());
    let text = format!(
        r#"{{"protocol":"raft","nodes":3,"seed":{seed},"until_ms":4000,
            "network":{{"latency_ms":[1,5]}},
            "params":{{"snapshot_every":{snapshot_every}}},"schedule":[{}]}}"#,
        schedule.join(",")
    );
    let scenario = Scenario::from_json(&text).expect("valid scenario");
    let config = SimConfig {
        trace_capacity: 1_000_000,
        ..SimConfig::default()
    };
    Sim::from_scenario(&scenario, config).expect("valid scenario")
}

/// The report's figures of every server.
fn report_nodes(sim: &Sim<Raft>) -> Vec<serde_json::Value> {
    metrics(sim)["nodes"].as_array().expect("nodes").clone()
}

/// §5.1, the issue's check: with `snapshot_every: 50` no server's log ever
/// holds much more than 50 entries, and a server restarted after 400
/// commands catches up (by InstallSnapshot) to the same key-value state as
/// the others. Without snapshots the logs keep every entry.
#[test]
fn snapshots_keep_logs_short_and_a_restarted_server_catches_up() {
    for seed in 0..5 {
        let mut sim = four_hundred_commands(seed, 50);
        let mut longest = 0;
        while sim.now() < Time::from_ms(4_000) {
            sim.run_until(Time(sim.now().0 + 20_000));
            for (_, status, r) in sim.nodes() {
                if let (NodeStatus::Up, Some(r)) = (status, r) {
                    longest = longest.max(r.log().entries().len());
                }
            }
        }
        assert!(longest <= 80, "seed {seed}: a log held {longest} entries");
        assert!(sim.violations().is_empty(), "{:?}", sim.violations());
        let installs = sim
            .trace()
            .filter(|e| matches!(&e.kind, TraceKind::Deliver { message, .. } if *message == "InstallSnapshot"))
            .count();
        assert!(installs >= 1, "seed {seed}: no InstallSnapshot delivered");
        let nodes = report_nodes(&sim);
        for n in &nodes {
            assert_eq!(n["commit_index"], nodes[0]["commit_index"], "seed {seed}");
            assert_eq!(n["kv"], nodes[0]["kv"], "seed {seed}: {} differs", n["id"]);
            assert!(n["log_start"].as_u64().unwrap() >= 350, "seed {seed}: {n}");
        }
        assert_eq!(nodes[0]["kv"].as_object().unwrap().len(), 37);

        let mut full = four_hundred_commands(seed, 0);
        full.run_until(Time::from_ms(4_000));
        let whole = report_nodes(&full);
        assert_eq!(whole[1]["log_start"], 0);
        assert!(whole[1]["log"].as_array().unwrap().len() > 400);
        assert_eq!(
            whole[1]["kv"], nodes[1]["kv"],
            "seed {seed}: the same state either way"
        );
    }
}

/// One server driven by hand, with `fsync_ms: 20`.
struct Server {
    raft: Raft,
    rng: Rng,
    peers: Vec<NodeId>,
}

impl Server {
    fn new() -> Server {
        let params = RaftParams {
            fsync_ms: 20,
            ..RaftParams::default()
        };
        let peers = vec![NodeId(0), NodeId(1), NodeId(2)];
        Server {
            raft: Raft::new(NodeId(0), &peers, &params, None),
            rng: Rng::new(7),
            peers,
        }
    }

    fn drive(&mut self, f: impl FnOnce(&mut Raft, &mut Context<'_, Raft>)) -> Vec<Effect<Raft>> {
        let mut effects = Vec::new();
        let mut cx = Context::new(
            NodeId(0),
            Time::ZERO,
            &self.peers,
            &mut self.rng,
            &mut effects,
        );
        f(&mut self.raft, &mut cx);
        effects
    }
}

fn sends(effects: &[Effect<Raft>]) -> Vec<&RaftMsg> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Send { msg, .. } => Some(msg),
            _ => None,
        })
        .collect()
}

fn arms_fsync(effects: &[Effect<Raft>]) -> bool {
    effects.iter().any(
        |e| matches!(e, Effect::SetTimer { timer: RaftTimer::Fsync, after } if *after == 20_000),
    )
}

/// Figure 2: a follower answers AppendEntries only once the entries are on
/// disk, and a crash before the write completes keeps none of them.
#[test]
fn entries_are_acknowledged_only_once_on_disk() {
    let mut s = Server::new();
    s.drive(|r, cx| r.on_start(cx));
    let append = RaftMsg::AppendEntries {
        term: 1,
        prev_index: 0,
        prev_term: 0,
        entries: vec![
            Entry::new(1, "set x=1", None),
            Entry::new(1, "set y=2", None),
        ],
        commit: 0,
    };
    let effects = s.drive(|r, cx| r.on_message(cx, NodeId(1), append));
    assert!(
        sends(&effects).is_empty(),
        "answered before the write: {effects:?}"
    );
    assert!(arms_fsync(&effects), "no write started: {effects:?}");
    assert_eq!(s.raft.log().last_index(), 2);
    let crashed = s.raft.durable();
    assert_eq!(
        (crashed.term, crashed.log.last_index()),
        (0, 0),
        "a crash now keeps nothing"
    );

    let effects = s.drive(|r, cx| r.on_timer(cx, RaftTimer::Fsync));
    assert!(
        matches!(
            sends(&effects).as_slice(),
            [RaftMsg::AppendEntriesReply {
                term: 1,
                success: true,
                index: 2
            }]
        ),
        "{effects:?}"
    );
    let stored = s.raft.durable();
    assert_eq!((stored.term, stored.log.last_index()), (1, 2));
}

/// Figure 2: a vote is granted only once it is on disk, so a server that
/// crashes and restarts cannot vote twice in one term.
#[test]
fn a_vote_is_sent_only_once_on_disk() {
    let mut s = Server::new();
    s.drive(|r, cx| r.on_start(cx));
    let ask = RaftMsg::RequestVote {
        term: 3,
        last_log_index: 0,
        last_log_term: 0,
    };
    let effects = s.drive(|r, cx| r.on_message(cx, NodeId(2), ask));
    assert!(sends(&effects).is_empty(), "{effects:?}");
    assert_eq!(s.raft.durable().voted_for, None);
    let effects = s.drive(|r, cx| r.on_timer(cx, RaftTimer::Fsync));
    assert!(
        matches!(
            sends(&effects).as_slice(),
            [RaftMsg::RequestVoteReply {
                term: 3,
                granted: true
            }]
        ),
        "{effects:?}"
    );
    assert_eq!(s.raft.durable().voted_for, Some(NodeId(2)));
}

/// With `fsync_ms`, the whole cluster still elects, commits and agrees,
/// only later; without it (the default) nothing waits for a disk.
#[test]
fn a_slow_disk_slows_the_cluster_but_keeps_it_correct() {
    let run = |fsync: u32| {
        let text = format!(
            r#"{{"protocol":"raft","nodes":3,"seed":4,"until_ms":3000,"params":{{"fsync_ms":{fsync}}},
                "schedule":[{{"at_ms":1000,"op":"client","node":0,"request":"set a=1"}},
                            {{"at_ms":1500,"op":"crash","node":1}},{{"at_ms":1600,"op":"restart","node":1}}]}}"#
        );
        let scenario = Scenario::from_json(&text).expect("valid");
        let mut sim = Sim::<Raft>::from_scenario(&scenario, SimConfig::default()).expect("valid");
        sim.run_until(Time::from_ms(3_000));
        assert!(sim.violations().is_empty(), "{:?}", sim.violations());
        let done = sim.view().clients[0].status.clone();
        let nodes = report_nodes(&sim);
        for n in &nodes {
            assert_eq!(n["kv"]["a"], "1", "fsync {fsync}: {n}");
        }
        (done, sim.events())
    };
    let (fast, _) = run(0);
    let (slow, _) = run(30);
    let at = |s: faultline_core::sim::ClientStatus| match s {
        faultline_core::sim::ClientStatus::Done { at, .. } => at,
        other => panic!("not done: {other:?}"),
    };
    assert!(at(slow) > at(fast), "a slow disk made the commit no later");
}

/// The `raft-snapshot` preset shows what its description says: n0 restarts
/// after the leader compacted the entries it lacks, receives an
/// InstallSnapshot and reaches the others' state.
#[test]
fn the_snapshot_preset_catches_a_server_up_by_install_snapshot() {
    let scenario = Scenario::from_json(include_str!("../../../www/presets/raft-snapshot.json"))
        .expect("valid preset");
    let config = SimConfig {
        trace_capacity: 1_000_000,
        ..SimConfig::default()
    };
    let mut sim = Sim::<Raft>::from_scenario(&scenario, config).expect("valid preset");
    sim.run_until(Time::from_ms(5_000));
    assert!(sim.violations().is_empty(), "{:?}", sim.violations());
    let to_n0 = sim
        .trace()
        .filter(|e| {
            matches!(&e.kind, TraceKind::Deliver { message, to, .. }
                if *message == "InstallSnapshot" && *to == NodeId(0))
        })
        .count();
    assert!(to_n0 >= 1, "n0 received no snapshot");
    let nodes = report_nodes(&sim);
    for n in &nodes {
        assert_eq!(n["kv"], nodes[2]["kv"], "{}", n["id"]);
        assert!(n["log_start"].as_u64().unwrap() >= 50, "{n}");
    }
    assert_eq!(nodes[0]["kv"].as_object().unwrap().len(), 6);
}
