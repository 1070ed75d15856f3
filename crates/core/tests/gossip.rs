//! Gossip checked against the theory it teaches: Pittel's log₂N + ln N
//! rounds for push (1987), Karp et al.'s faster push-pull (2000), the
//! residue of rumor mongering (Demers et al. 1987, §1.4), and SWIM's
//! completeness and accuracy (Das, Gupta, Motivala 2002, §3–4).

use faultline_core::protocols::gossip::theory;
use faultline_core::{AnySim, Scenario, SimConfig};
use serde_json::{json, Value};

fn report(scenario: Value) -> faultline_core::Report {
    let s = Scenario::from_json(&scenario.to_string()).expect("valid gossip scenario");
    let mut sim = AnySim::new(&s, SimConfig::headless()).expect("builds");
    sim.run_to_end();
    let r = sim.report();
    assert!(r.violations.is_empty(), "{:?}", r.violations);
    r
}

fn gossip(nodes: u32, seed: u64, until_ms: u64, params: Value) -> Value {
    json!({
        "protocol": "gossip", "nodes": nodes, "seed": seed, "until_ms": until_ms,
        "network": {"preset": "lan"}, "params": params,
    })
}

fn mean_rounds(nodes: u32, mode: &str, seeds: u64) -> f64 {
    let total: u64 = (0..seeds)
        .map(|seed| {
            let r = report(gossip(nodes, seed, 10_000, json!({"mode": mode})));
            r.metrics["rounds_to_full"]
                .as_u64()
                .unwrap_or_else(|| panic!("seed {seed}: the rumor did not reach everyone"))
        })
        .sum();
    total as f64 / seeds as f64
}

/// Pittel 1987: push with fanout 1 informs all N nodes in log₂N + ln N +
/// O(1) rounds; the mean over seeds lies within about one round of
/// log₂N + ln N + 1. Karp et al. 2000: push-pull needs clearly fewer
/// (about log₃N + O(log log N)).
#[test]
fn push_takes_log2_n_plus_ln_n_rounds_and_push_pull_fewer() {
    for (nodes, seeds) in [(100, 40), (1000, 16)] {
        let n = f64::from(nodes);
        let want = theory::push_rounds(n) + 1.0;
        let push = mean_rounds(nodes, "push", seeds);
        assert!(
            (push - want).abs() <= 1.0,
            "N={nodes}: push took {push:.2} rounds on average, theory {want:.2}"
        );
        let push_pull = mean_rounds(nodes, "push-pull", seeds);
        assert!(
            push_pull < push - 3.0,
            "N={nodes}: push-pull {push_pull:.2} vs push {push:.2}"
        );
        assert!(push_pull >= theory::push_pull_rounds(n) - 1.0);
    }
}

/// Demers et al. 1987, §1.4: rumor mongering with feedback leaves a
/// residue s with s = e^−(k+1)(1−s). Over 12 runs of N = 1,000 the mean
/// residue's standard error is below 0.005 (k = 1) and smaller for larger
/// k, so three standard errors bound the difference.
#[test]
fn rumor_mongering_residue_matches_the_formula() {
    for k in 1..=3 {
        let runs = 12;
        let total: f64 = (0..runs)
            .map(|seed| {
                let r = report(gossip(1000, seed, 10_000, json!({"stop_after": k})));
                r.metrics["residue"].as_f64().expect("a residue")
            })
            .sum();
        let mean = total / runs as f64;
        let want = theory::residue(k);
        let tolerance = 3.0 * (want * (1.0 - want) / (1000.0 * runs as f64)).sqrt() + 0.01;
        assert!(
            (mean - want).abs() <= tolerance,
            "k={k}: residue {mean:.4}, formula {want:.4} (±{tolerance:.4})"
        );
    }
}

/// Anti-entropy never gives up: the rumor reaches everyone; rumor
/// mongering stops sending once every node has lost interest.
#[test]
fn anti_entropy_completes_and_mongering_falls_silent() {
    let r = report(gossip(200, 3, 6_000, json!({"mode": "pull"})));
    assert_eq!(r.metrics["residue"].as_f64(), Some(0.0));
    let r1 = report(gossip(200, 3, 20_000, json!({"stop_after": 2})));
    let r2 = report(gossip(200, 3, 40_000, json!({"stop_after": 2})));
    assert_eq!(r1.messages.sent, r2.messages.sent, "mongering kept talking");
}

/// A partition holds a rumor on its side; after the heal, anti-entropy
/// carries it across.
#[test]
fn a_partition_holds_the_rumor_until_healed() {
    let left: Vec<u32> = (0..10).collect();
    let right: Vec<u32> = (10..20).collect();
    let mut s = gossip(20, 1, 4_000, json!({"mode": "push-pull"}));
    s["schedule"] = json!([{"at_ms": 0, "op": "partition", "groups": [left, right]}]);
    let held = report(s.clone());
    let at: Vec<Value> = held.metrics["informed_at_ms"].as_array().unwrap().clone();
    assert!(at[..10].iter().all(|t| t.is_number()), "{at:?}");
    assert!(at[10..].iter().all(Value::is_null), "{at:?}");
    assert!(held.metrics["rounds_to_full"].is_null());
    s["until_ms"] = json!(8_000);
    s["schedule"]
        .as_array_mut()
        .unwrap()
        .push(json!({"at_ms": 4_000, "op": "heal"}));
    let healed = report(s);
    let at = healed.metrics["informed_at_ms"].as_array().unwrap().clone();
    assert!(at.iter().all(|t| t.is_number()), "{at:?}");
}

/// Loss slows the spread: with half the messages lost, push needs more rounds.
#[test]
fn loss_bends_the_curve() {
    let clean = mean_rounds(200, "push", 8);
    let lossy: u64 = (0..8)
        .map(|seed| {
            let mut s = gossip(200, seed, 20_000, json!({"mode": "push"}));
            s["network"]["drop"] = json!(0.5);
            report(s).metrics["rounds_to_full"].as_u64().unwrap()
        })
        .sum();
    assert!(lossy as f64 / 8.0 > clean + 3.0, "{lossy} vs {clean}");
}

/// Several rumors at once, from the schedule; each is counted on its own.
#[test]
fn rumors_from_the_schedule_spread_side_by_side() {
    let mut s = gossip(50, 2, 5_000, json!({"mode": "push-pull"}));
    s["schedule"] = json!([
        {"at_ms": 100, "op": "rumor", "node": 7},
        {"at_ms": 900, "op": "rumor", "node": 30},
    ]);
    let r = report(s);
    let rumors = r.metrics["rumors"].as_array().unwrap();
    assert_eq!(
        rumors.len(),
        2,
        "the default rumor at node 0 is implied only without one"
    );
    assert_eq!(rumors[0]["rumor"]["origin"], 7);
    assert_eq!(rumors[1]["rumor"]["origin"], 30);
    assert!(rumors.iter().all(|x| x["residue"] == 0.0));
}

fn swim(
    nodes: u32,
    seed: u64,
    until_ms: u64,
    schedule: Value,
    drop: f64,
) -> faultline_core::Report {
    let mut s = gossip(
        nodes,
        seed,
        until_ms,
        json!({"mode": "push-pull", "swim": {"k": 3, "ping_timeout_ms": 40, "suspicion_ms": 600}}),
    );
    s["network"] = json!({"preset": "region", "drop": drop});
    s["schedule"] = schedule;
    report(s)
}

/// SWIM §3–4 (completeness): a crashed member is declared dead by every
/// live member, through probes and piggybacked updates.
#[test]
fn swim_detects_a_crash_at_every_live_member() {
    for seed in 0..6 {
        let r = swim(
            60,
            seed,
            12_000,
            json!([{"at_ms": 1_000, "op": "crash", "node": 5}]),
            0.0,
        );
        let detections = r.metrics["detections"].as_array().unwrap();
        let observers: std::collections::BTreeSet<u64> = detections
            .iter()
            .filter(|d| d["target"] == 5)
            .map(|d| d["observer"].as_u64().unwrap())
            .collect();
        assert_eq!(observers.len(), 59, "seed {seed}: {observers:?}");
        assert!(detections
            .iter()
            .all(|d| d["at_ms"].as_f64().unwrap() > 1_000.0));
        assert_eq!(r.metrics["false_positives"], 0);
    }
}

/// SWIM §4.2 (accuracy): with no loss, no live, reachable member is ever
/// declared dead; a member paused long enough is suspected and, once back,
/// refutes with a higher incarnation.
#[test]
fn swim_declares_no_live_member_dead_without_loss() {
    for seed in 0..6 {
        let r = swim(80, seed, 8_000, json!([]), 0.0);
        assert_eq!(r.metrics["detections"], json!([]), "seed {seed}");
        assert_eq!(r.metrics["false_positives"], 0);
    }
}

/// Nodes join and leave while it runs: a joiner learns the rumor, and the
/// membership of a leaver is dropped from the sample.
#[test]
fn joins_and_leaves_while_spreading() {
    let mut s = gossip(30, 4, 5_000, json!({"mode": "pull"}));
    s["schedule"] = json!([
        {"at_ms": 500, "op": "add_node"},
        {"at_ms": 700, "op": "remove_node", "node": 3},
    ]);
    let r = report(s);
    let at = r.metrics["informed_at_ms"].as_array().unwrap();
    assert_eq!(at.len(), 31);
    assert!(at[30].is_number(), "the joiner never learned the rumor");
    assert_eq!(r.metrics["residue"], 0.0);
}

/// Parameters out of range are refused with the field's path.
#[test]
fn bad_parameters_name_their_field() {
    for (params, path) in [
        (json!({"fanout": 0}), "params.fanout"),
        (json!({"mode": "shout"}), "params.mode"),
        (
            json!({"round_ms": 100, "jitter_ms": 150}),
            "params.jitter_ms",
        ),
        (json!({"swim": {"k": 0}}), "params.swim.k"),
        (
            json!({"swim": {"ping_timeout_ms": 500}}),
            "params.swim.ping_timeout_ms",
        ),
    ] {
        let s = Scenario::from_json(&gossip(10, 0, 100, params.clone()).to_string()).unwrap();
        let e = AnySim::new(&s, SimConfig::headless()).unwrap_err();
        assert_eq!(e.path, path, "{params}: {e}");
    }
    let raft = r#"{"protocol":"raft","schedule":[{"at_ms":1,"op":"rumor","node":0}]}"#;
    let e = AnySim::from_json(raft, SimConfig::headless()).unwrap_err();
    assert!(e.message.contains("gossip"), "{e}");
}

/// A random fault schedule: crashes and restarts, pauses, partitions and
/// cuts, loss, skew, joins, leaves and new rumors, all healed by `heal_ms`.
fn faulty(seed: u64, heal_ms: u64) -> Value {
    let mut rng = faultline_core::rng::Rng::new(seed);
    let nodes = 8 + rng.below(24) as u32;
    let mut schedule = Vec::new();
    let mut crashed = std::collections::BTreeSet::new();
    for _ in 0..rng.between(4, 20) {
        let at = rng.between(1, heal_ms - 1);
        let node = rng.below(u64::from(nodes));
        let cmd = match rng.below(9) {
            0 => {
                crashed.insert(node);
                json!({"op": "crash", "node": node})
            }
            1 => json!({"op": "pause", "node": node}),
            2 => json!({"op": "resume", "node": node}),
            3 => json!({"op": "partition", "groups": [[0, 1, 2], [3, 4]]}),
            4 => json!({"op": "cut", "from": node, "to": (node + 1) % u64::from(nodes)}),
            5 => json!({"op": "link", "drop": rng.below(40) as f64 / 100.0}),
            6 => json!({"op": "skew", "node": node, "rate": 0.5 + rng.unit()}),
            7 => json!({"op": "rumor", "node": node}),
            _ => json!({"op": "add_node"}),
        };
        let mut entry = cmd;
        entry["at_ms"] = json!(at);
        schedule.push(entry);
    }
    schedule.push(json!({"at_ms": heal_ms, "op": "heal"}));
    schedule.push(json!({"at_ms": heal_ms, "op": "link", "drop": 0.0}));
    for node in 0..nodes {
        schedule.push(json!({"at_ms": heal_ms, "op": "resume", "node": node}));
        if crashed.contains(&u64::from(node)) {
            schedule.push(json!({"at_ms": heal_ms, "op": "restart", "node": node}));
        }
    }
    let mode = ["push", "pull", "push-pull"][rng.below(3) as usize];
    json!({
        "protocol": "gossip", "nodes": nodes, "seed": seed, "until_ms": heal_ms + 6_000,
        "network": {"preset": "region"},
        "params": {"mode": mode, "fanout": 1 + rng.below(3),
                   "jitter_ms": rng.below(100), "swim": {}},
        "schedule": schedule,
    })
}

/// Over 60 seeds of random faults: the named invariants hold throughout,
/// the run replays to the same trace, and once everything heals,
/// anti-entropy brings every rumor to every live node.
#[test]
fn random_faults_keep_the_invariants_and_anti_entropy_converges() {
    for seed in 0..60 {
        let s = faulty(seed, 3_000);
        let r = report(s.clone());
        assert_eq!(r.trace_hash, report(s.clone()).trace_hash, "seed {seed}");
        let m = &r.metrics;
        for rumor in m["rumors"].as_array().unwrap() {
            assert_eq!(rumor["residue"], 0.0, "seed {seed}: {rumor}\n{s}");
        }
        let counted = r.messages.delivered + r.messages.dropped;
        assert!(counted <= r.messages.sent + r.messages.duplicated);
    }
}

/// Demers et al. 1987, §1.1: an update is stamped once, by `Now[]` at the
/// site where it is made, and every copy keeps that stamp. With
/// `restamp_rumors` a node passes the rumor it heard on under its own
/// name, so the nodes it tells know a rumor their "origin" never started;
/// the same run without the bug spreads n0's one rumor and nothing else.
#[test]
fn restamped_rumors_have_no_origin() {
    let run = |bugs: Value| {
        let v = gossip(16, 3, 4_000, json!({"mode": "push", "bugs": bugs}));
        let s = Scenario::from_json(&v.to_string()).unwrap();
        let mut sim = AnySim::new(&s, SimConfig::headless()).unwrap();
        sim.run_to_end();
        sim.violations().to_vec()
    };
    let found = run(json!(["restamp_rumors"]));
    let v = found.first().expect("a rumor without an origin");
    assert_eq!(v.invariant, "Rumors Have Origins");
    assert!(
        v.detail.contains(".1, which n") && v.detail.contains("never started"),
        "{}",
        v.detail
    );
    assert!(!v.detail.contains("rumor n0.1"), "{}", v.detail);
    assert_eq!(run(json!([])), vec![]);
}
