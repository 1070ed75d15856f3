//! The ring checked against consistent hashing's promises (Karger et al.
//! 1997; Lamping & Veach 2014; Thaler & Ravishankar 1998), now as keys
//! that really travel: the `changes` a run reports, transfers held up by
//! partitions and crashes, and a property test with random membership
//! changes and faults after which every key sits exactly on its
//! preference list (DeCandia et al. 2007, "Dynamo", §4.3).

use faultline_core::placement::{Member, Strategy};
use faultline_core::protocols::ring::{
    compare_strategies, cv_by_vnodes, key_info, ring_status, KeyState, Ring,
};
use faultline_core::rng::Rng;
use faultline_core::{AnySim, Scenario, Sim, SimConfig, Time};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::collections::BTreeSet;

fn sim(v: &Value) -> Sim<Ring> {
    let s = Scenario::from_json(&v.to_string()).expect("valid ring scenario");
    Sim::from_scenario(&s, SimConfig::headless()).expect("builds")
}

fn run(v: &Value) -> Sim<Ring> {
    let mut s = sim(v);
    s.run_to_end();
    assert!(s.violations().is_empty(), "{:?}\n{v}", s.violations());
    s
}

fn ring(nodes: u32, params: Value, schedule: Value, until_ms: u64) -> Value {
    json!({
        "protocol": "ring", "nodes": nodes, "seed": 3, "until_ms": until_ms,
        "network": {"latency_ms": [2, 10]}, "params": params, "schedule": schedule,
    })
}

fn metrics(s: &Sim<Ring>) -> Value {
    faultline_core::protocols::ring::metrics(s)
}

/// Every key not lost is held by exactly the members of its preference
/// list, and nothing is in flight.
fn settled(s: &Sim<Ring>) -> Result<(), String> {
    for key in 0..s.params().keys {
        let info = key_info(s, key).ok_or("no such key")?;
        let want: BTreeSet<_> = info.preference.iter().copied().collect();
        let have: BTreeSet<_> = info.holders.iter().copied().collect();
        if !info.transfers.is_empty() {
            return Err(format!("key {key} still in flight: {:?}", info.transfers));
        }
        if !have.is_empty() && have != want {
            return Err(format!(
                "key {key} is held by {have:?}, its list is {want:?}"
            ));
        }
        let expect = if have.is_empty() {
            KeyState::Lost
        } else {
            KeyState::Available
        };
        if info.state != expect {
            return Err(format!("key {key} is {:?}", info.state));
        }
    }
    Ok(())
}

/// Karger et al. 1997 (consistent hashing, with many points per node),
/// Lamping & Veach 2014 (jump hash, "Explanation of the algorithm") and
/// Thaler & Ravishankar 1998 (rendezvous): growing from n to n + 1 nodes
/// moves about 1/(n + 1) of the keys, all of them to the new node. Here
/// the figures are the protocol's own `changes`, and the keys really
/// arrive. For 10 → 11 nodes and 20,000 keys, 1/11 is 1,818; the binomial
/// spread is about 41 keys for jump and rendezvous, and the ring with 256
/// points per node has arcs of unequal length, so its share is within
/// about 1/sqrt(256) of the mean (±25 % allowed).
#[test]
fn adding_a_node_moves_one_in_n_plus_one_keys_only_to_it() {
    let keys = 20_000.0;
    for (strategy, vnodes, slack) in [
        ("ring", 256, 0.25),
        ("jump", 1, 0.1),
        ("rendezvous", 1, 0.1),
    ] {
        let params = json!({"strategy": strategy, "vnodes": vnodes, "keys": 20_000});
        let s = run(&ring(
            10,
            params,
            json!([{"at_ms": 500, "op": "add_node"}]),
            2_000,
        ));
        let m = metrics(&s);
        let c = &m["changes"][0];
        assert_eq!(c["op"], "add_node");
        assert_eq!(c["node"], 10);
        let moved = c["moved"].as_f64().unwrap();
        let want = keys / 11.0;
        assert!(
            (moved - want).abs() <= slack * want,
            "{strategy}: moved {moved}, expected about {want:.0}"
        );
        assert_eq!(c["moved_between_existing"], 0, "{strategy}");
        assert!(
            c["arrived_ms"].as_f64().is_some_and(|t| t > 500.0),
            "{strategy}: {c}"
        );
        assert_eq!(
            m["held"]["10"].as_f64(),
            Some(moved),
            "{strategy}: the new node holds them"
        );
        settled(&s).unwrap_or_else(|e| panic!("{strategy}: {e}"));
    }
}

/// Removing a node moves only its keys (Karger et al. 1997; for jump hash
/// only when it is the last bucket, Lamping & Veach 2014): with two
/// replicas each of its keys survives on its second replica, which hands
/// it to the new second replica.
#[test]
fn removing_a_node_moves_only_its_keys() {
    for (strategy, vnodes, removed) in [("ring", 128, 3), ("rendezvous", 1, 3), ("jump", 1, 7)] {
        let params = json!({"strategy": strategy, "vnodes": vnodes, "keys": 5_000, "replicas": 2});
        let schedule = json!([{"at_ms": 500, "op": "remove_node", "node": removed}]);
        let before = run(&ring(8, params.clone(), json!([]), 400));
        let owned = metrics(&before)["load"][removed.to_string()]
            .as_u64()
            .unwrap();
        // Nodes notice the removal at 600 ms; the surviving replicas send
        // the keys on at once, without waiting for a repair (900 ms).
        let mut s = sim(&ring(8, params, schedule, 2_000));
        s.run_until(Time::from_ms(700));
        let counts = ring_status(&s).counts;
        assert_eq!(counts.unavailable, 0, "{strategy}: {counts:?}");
        assert_eq!(
            counts.under_replicated + counts.in_flight,
            0,
            "{strategy}: {counts:?}"
        );
        s.run_to_end();
        assert!(
            s.violations().is_empty(),
            "{strategy}: {:?}",
            s.violations()
        );
        let m = metrics(&s);
        let c = &m["changes"][0];
        assert_eq!(c["op"], "remove_node");
        assert_eq!(
            c["moved"].as_u64(),
            Some(owned),
            "{strategy}: only its keys"
        );
        assert_eq!(c["moved_between_existing"], 0, "{strategy}");
        assert_eq!(m["lost"], 0, "{strategy}: a second replica kept each key");
        assert_eq!(m["unavailable"], 0, "{strategy}");
        settled(&s).unwrap_or_else(|e| panic!("{strategy}: {e}"));
    }
}

/// `hash mod n` keeps a key only when `h mod n = h mod (n + 1)`: about
/// 1/(n + 1) of them, so going from 10 to 11 nodes moves about 10/11.
#[test]
fn mod_n_moves_most_keys() {
    let params = json!({"strategy": "mod", "keys": 10_000});
    let s = run(&ring(
        10,
        params,
        json!([{"at_ms": 500, "op": "add_node"}]),
        2_000,
    ));
    let c = &metrics(&s)["changes"][0];
    let moved = c["moved"].as_u64().unwrap();
    assert!(moved > 8_800 && moved < 9_400, "moved {moved}");
    assert!(c["moved_between_existing"].as_u64().unwrap() > 8_000, "{c}");
    settled(&s).unwrap();
}

/// A node joins on one side of a partition: the keys it takes over from
/// the other side cannot arrive, so they stay in flight and unavailable
/// (their old owner still holds them, outside their preference list)
/// until the heal; then every one arrives.
#[test]
fn keys_in_transfer_across_a_partition_wait_for_the_heal() {
    let params = json!({"keys": 10_000, "vnodes": 64});
    let schedule = json!([
        {"at_ms": 200, "op": "partition", "groups": [[0, 1, 2], [3, 4, 5, 6]]},
        {"at_ms": 300, "op": "add_node"},
        {"at_ms": 2_000, "op": "heal"},
    ]);
    let mut s = sim(&ring(6, params, schedule, 4_000));
    s.run_until(Time::from_ms(1_500));
    let st = ring_status(&s);
    assert!(
        st.counts.in_flight > 0 && st.counts.unavailable > 0,
        "{:?}",
        st.counts
    );
    assert_eq!(
        st.counts.in_flight, st.counts.in_transfer,
        "{:?}",
        st.counts
    );
    assert!(st.flights.iter().all(|f| f.to.0 == 6), "{:?}", st.flights);
    let blocked: u32 = st
        .flights
        .iter()
        .filter(|f| f.from.0 <= 2)
        .map(|f| f.keys)
        .sum();
    assert_eq!(
        blocked, st.counts.in_flight,
        "only the far side's keys wait"
    );
    let first = st.unavailable[0];
    let info = key_info(&s, first).unwrap();
    assert_eq!(info.state, KeyState::InTransfer);
    assert_eq!(info.preference[0].0, 6);
    assert_eq!(metrics(&s)["changes"][0]["arrived_ms"], Value::Null);
    s.run_to_end();
    assert!(s.violations().is_empty(), "{:?}", s.violations());
    let m = metrics(&s);
    assert_eq!(m["in_flight"], 0);
    assert_eq!(m["unavailable"], 0);
    assert!(m["changes"][0]["arrived_ms"].as_f64().unwrap() > 2_000.0);
    settled(&s).unwrap();
}

/// The receiver crashes while keys are on their way: the sender keeps
/// them and sends again every retry period; they arrive after the
/// restart. A sender that crashes keeps its pending transfers on disk
/// and finishes them when it comes back.
#[test]
fn a_crash_during_a_transfer_is_retried_after_the_restart() {
    let params = json!({"keys": 10_000, "vnodes": 64});
    // Nodes notice the join at the next 100 ms tick (600 ms) and send.
    let schedule = json!([
        {"at_ms": 550, "op": "add_node"},
        {"at_ms": 601, "op": "crash", "node": 6},
        {"at_ms": 1_500, "op": "restart", "node": 6},
    ]);
    let mut s = sim(&ring(6, params.clone(), schedule, 3_000));
    s.run_until(Time::from_ms(1_400));
    let st = ring_status(&s);
    assert!(st.counts.in_flight > 1_000, "{:?}", st.counts);
    let sent_early: u64 = s
        .nodes()
        .filter_map(|(_, _, r)| r.map(|r| r.keys_sent()))
        .sum();
    assert!(
        sent_early > 2 * u64::from(st.counts.in_flight),
        "retries went out"
    );
    s.run_to_end();
    assert!(s.violations().is_empty(), "{:?}", s.violations());
    let m = metrics(&s);
    assert!(m["changes"][0]["arrived_ms"].as_f64().unwrap() > 1_500.0);
    assert_eq!(m["held"]["6"], m["load"]["6"]);
    settled(&s).unwrap();

    // The sender side: node 0 crashes right after planning and comes back.
    let schedule = json!([
        {"at_ms": 550, "op": "add_node"},
        {"at_ms": 600.001, "op": "crash", "node": 0},
        {"at_ms": 1_500, "op": "restart", "node": 0},
    ]);
    let mut s = sim(&ring(6, params, schedule, 3_000));
    s.run_until(Time::from_ms(1_400));
    let pending = ring_status(&s).flights.iter().any(|f| f.from.0 == 0);
    assert!(pending, "node 0's transfers wait on its disk");
    s.run_to_end();
    assert!(s.violations().is_empty(), "{:?}", s.violations());
    settled(&s).unwrap();
}

/// Two joins while the first one's transfers are held up by a partition:
/// some keys' first replica (the first joiner) is pushed out of their
/// list by the second before it ever got them, and no holder leaves the
/// list. The nodes still sending to the first joiner must send to the
/// second one too, or it would never get those keys.
#[test]
fn a_second_join_during_a_stalled_transfer_still_gets_its_keys() {
    for strategy in ["mod", "ring", "rendezvous"] {
        let params = json!({"strategy": strategy, "keys": 2_000, "replicas": 3, "vnodes": 16});
        let schedule = json!([
            {"at_ms": 100, "op": "partition", "groups": [[0, 1], [2], [3]]},
            {"at_ms": 150, "op": "add_node"},
            {"at_ms": 450, "op": "add_node"},
            {"at_ms": 1_000, "op": "heal"},
        ]);
        let s = run(&ring(2, params, schedule, 2_500));
        settled(&s).unwrap_or_else(|e| panic!("{strategy}: {e}"));
    }
}

/// Two runs the property test below once found broken, kept as they
/// were. In the first, node 0 refused a transfer by the members it saw at
/// 339 ms; the refusal reached node 1 at 379 ms, when a later change had
/// made node 0 the key's owner again. In the second, node 0 acknowledged
/// key 528 at 421 ms, then handed it off and dropped it; its late
/// acknowledgement reached node 3 after node 3 had started a new transfer
/// of 528 to node 0. Taken at face value, either answer settles the newer
/// transfer and the sender drops the last copy ("Handoff keeps a copy").
/// Answers carry the plan of the transfer they answer, and refusals
/// settle nothing.
#[test]
fn late_answers_do_not_settle_newer_transfers() {
    let late_refusal = json!({
        "protocol": "ring", "nodes": 7, "seed": 14751253984589061363_u64, "until_ms": 2_000,
        "network": {"latency_ms": [1, 40]},
        "params": {"strategy": "mod", "keys": 2201},
        "schedule": [
            {"at_ms": 48, "op": "remove_node", "node": 5},
            {"at_ms": 270, "op": "add_node"},
            {"at_ms": 322, "op": "add_node"},
            {"at_ms": 347, "op": "crash", "node": 4},
            {"at_ms": 374, "op": "remove_node", "node": 7},
            {"at_ms": 581, "op": "restart", "node": 4},
        ],
    });
    let late_ack = json!({
        "protocol": "ring", "nodes": 5, "seed": 2467752920339315500_u64, "until_ms": 2_000,
        "network": {"latency_ms": [1, 40]},
        "params": {"strategy": "mod", "keys": 1212},
        "schedule": [
            {"at_ms": 369, "op": "add_node"},
            {"at_ms": 379, "op": "add_node"},
            {"at_ms": 436, "op": "remove_node", "node": 2},
            {"at_ms": 450, "op": "add_node"},
        ],
    });
    for v in [late_refusal, late_ack] {
        let s = run(&v);
        settled(&s).unwrap();
    }
}

/// With one replica, removing a node loses its keys: nobody else ever had
/// them, and nobody makes them up.
#[test]
fn a_removed_sole_owner_loses_its_keys() {
    let params = json!({"keys": 4_000});
    let s = run(&ring(
        5,
        params,
        json!([{"at_ms": 500, "op": "remove_node", "node": 2}]),
        1_500,
    ));
    let m = metrics(&s);
    let c = &m["changes"][0];
    assert_eq!(m["lost"], c["moved"]);
    assert_eq!(m["unavailable"], m["lost"]);
    assert!(
        c["arrived_ms"].as_f64().is_some(),
        "nothing was left to send"
    );
    settled(&s).unwrap();
}

/// The presets run clean and show what they are for: in `ring-default`
/// the join's keys arrive within its first rebalance and the removal loses
/// the removed node's keys (one replica); in `ring-partition` the joiner's
/// keys from the far side wait in flight for the heal.
#[test]
fn the_presets_show_what_they_say() {
    let load = |name: &str| {
        let path = format!(
            "{}/../../www/presets/{name}.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let s = Scenario::from_json(&std::fs::read_to_string(path).unwrap()).unwrap();
        Sim::<Ring>::from_scenario(&s, SimConfig::headless()).unwrap()
    };
    let mut s = load("ring-default");
    s.run_to_end();
    assert!(s.violations().is_empty(), "{:?}", s.violations());
    let m = metrics(&s);
    let (join, leave) = (&m["changes"][0], &m["changes"][1]);
    assert!(join["arrived_ms"].as_f64().unwrap() < 2_200.0, "{join}");
    assert_eq!(m["lost"], leave["moved"]);
    settled(&s).unwrap();

    let mut s = load("ring-partition");
    s.run_until(Time::from_ms(3_000));
    let counts = ring_status(&s).counts;
    assert!(
        counts.in_flight > 0 && counts.unavailable == counts.in_flight,
        "{counts:?}"
    );
    s.run_to_end();
    assert!(s.violations().is_empty(), "{:?}", s.violations());
    assert!(metrics(&s)["changes"][0]["arrived_ms"].as_f64().unwrap() > 4_000.0);
    settled(&s).unwrap();
}

/// Replay: the same scenario gives the same trace, and so does the run
/// exported as a scenario.
#[test]
fn replays_are_identical() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../www/presets/ring-partition.json"
    ))
    .unwrap();
    let s = Scenario::from_json(&text).unwrap();
    let mut a = AnySim::new(&s, SimConfig::default()).unwrap();
    a.run_to_end();
    let mut b = AnySim::new(&s, SimConfig::default()).unwrap();
    b.run_to_end();
    assert_eq!(a.trace_hash(), b.trace_hash());
    assert_eq!(a.report(), b.report());
    let mut c = AnySim::new(&a.to_scenario(), SimConfig::default()).unwrap();
    c.run_to_end();
    assert_eq!(a.trace_hash(), c.trace_hash());
    // Time travel lands on the same state.
    a.seek(Time::from_ms(1_700));
    let mid = a.report();
    let mut d = AnySim::new(&s, SimConfig::default()).unwrap();
    d.run_until(Time::from_ms(1_700));
    assert_eq!(mid.trace_hash, d.report().trace_hash);
    assert_eq!(mid.metrics, d.report().metrics);
}

fn params_error(params: Value) -> String {
    let text = json!({"protocol": "ring", "params": params}).to_string();
    let e = Scenario::from_json(&text)
        .and_then(|s| AnySim::new(&s, SimConfig::default()).map(|_| ()))
        .expect_err("rejected");
    format!("{}: {}", e.path, e.message)
}

#[test]
fn malformed_params_are_named_by_field() {
    let cases = [
        (
            json!({"vnodes": 0}),
            "params.vnodes: must be between 1 and 512, not 0",
        ),
        (
            json!({"vnodes": 513}),
            "params.vnodes: must be between 1 and 512, not 513",
        ),
        (
            json!({"keys": 0}),
            "params.keys: must be between 1 and 100000, not 0",
        ),
        (
            json!({"keys": 100_001}),
            "params.keys: must be between 1 and 100000, not 100001",
        ),
        (
            json!({"replicas": 0}),
            "params.replicas: must be between 1 and 16, not 0",
        ),
        (
            json!({"epsilon": 0.0}),
            "params.epsilon: must be finite and above 0, not 0",
        ),
        (
            json!({"weights": {"3": 0.0}}),
            "params.weights.3: must be above 0 and at most 128, not 0",
        ),
    ];
    for (params, want) in cases {
        assert_eq!(params_error(params), want);
    }
    assert!(
        params_error(json!({"strategy": "maglev"})).starts_with("params.strategy: unknown variant")
    );
    assert!(params_error(json!({"keys": -1})).starts_with("params.keys: "));
    let unknown = params_error(json!({"vnode": 4}));
    assert!(
        unknown.starts_with("params.vnode: unknown field `vnode`"),
        "{unknown}"
    );
    assert!(params_error(json!({"weights": {"x": 1.0}})).starts_with("params.weights"));
    // The ring takes no client requests.
    let text = json!({"protocol": "ring", "schedule": [
        {"at_ms": 1, "op": "client", "node": 0, "request": {"type": "get"}}]});
    let e = Scenario::from_json(&text.to_string())
        .unwrap()
        .validate::<Ring>()
        .unwrap_err();
    assert_eq!(e.path, "schedule[0].request");
}

/// Weighted nodes get keys in proportion (Schindelhauer & Schomaker 2005
/// for rendezvous; more points on the ring), and bounded loads never
/// exceed ceil((1 + ε) · k / n) (Mirrokni, Thorup & Zadimoghaddam 2018).
#[test]
fn weights_and_bounded_loads_hold_in_a_run() {
    let params = json!({"strategy": "rendezvous", "keys": 20_000, "weights": {"0": 3.0}});
    let m = metrics(&run(&ring(5, params, json!([]), 300)));
    let heavy = m["load"]["0"].as_f64().unwrap();
    // 3 / 7 of the keys, ± a few binomial deviations (σ ≈ 70).
    assert!((heavy - 20_000.0 * 3.0 / 7.0).abs() < 400.0, "{heavy}");

    let params = json!({"strategy": "bounded", "vnodes": 4, "keys": 9_000, "epsilon": 0.1});
    let schedule = json!([{"at_ms": 300, "op": "add_node"}]);
    let s = run(&ring(8, params, schedule, 1_500));
    let m = metrics(&s);
    let cap = (1.1_f64 * 9_000.0 / 9.0).ceil();
    for (node, load) in m["load"].as_object().unwrap() {
        assert!(load.as_f64().unwrap() <= cap, "node {node}: {load} > {cap}");
    }
    assert!(m["max_over_avg"].as_f64().unwrap() <= 1.1 + 1e-9);
    settled(&s).unwrap();
}

/// The status agrees with the placement: each key's owner is the node of
/// the ring range its hash falls in, and loads add up to the keys.
#[test]
fn ring_status_ranges_own_their_keys() {
    let s = run(&ring(
        4,
        json!({"keys": 3_000, "vnodes": 16}),
        json!([]),
        200,
    ));
    let st = ring_status(&s);
    assert_eq!(st.points.len(), 64);
    assert_eq!(st.nodes.iter().map(|n| n.load).sum::<u32>(), 3_000);
    assert_eq!(st.counts.available, 3_000);
    for key in (0..3_000).step_by(37) {
        let info = key_info(&s, key).unwrap();
        let range = st
            .ranges
            .iter()
            .find(|r| {
                if r.start < r.end {
                    r.start < info.hash && info.hash <= r.end
                } else {
                    info.hash > r.start || info.hash <= r.end
                }
            })
            .expect("the ranges cover the ring");
        assert_eq!(range.owner, info.preference[0], "key {key}");
    }
    assert!(key_info(&s, 3_000).is_none());
}

/// The pure comparison for the UI: the same change under every strategy.
#[test]
fn strategies_compare_on_the_same_change() {
    let before: Vec<Member> = (0..10).map(Member::new).collect();
    let mut after = before.clone();
    after.push(Member::new(10));
    let table = compare_strategies(&before, &after, 20_000, 128, 0.25);
    let get = |s: Strategy| table.iter().find(|(t, _)| *t == s).unwrap().1;
    assert_eq!(table.len(), 5);
    assert!(get(Strategy::Mod).moved > 17_000);
    for s in [Strategy::Ring, Strategy::Jump, Strategy::Rendezvous] {
        assert!(get(s).moved < 2_500, "{s:?}");
        assert_eq!(get(s).moved_between_existing, 0, "{s:?}");
    }
    assert!(
        compare_strategies(&before, &after, 100, 0, 0.25).is_empty(),
        "vnodes 0"
    );
    assert_eq!(
        compare_strategies(&before, &after, 100, 8, -1.0).len(),
        4,
        "bounded refuses"
    );
    assert!(compare_strategies(&[], &after, 100, 8, 0.25).is_empty());
}

/// Karger et al. 1997: with v points per node the load's coefficient of
/// variation falls like 1/sqrt(v).
#[test]
fn cv_falls_like_one_over_root_v() {
    let members: Vec<Member> = (0..16).map(Member::new).collect();
    let rows = cv_by_vnodes(&members, 100_000, &[1, 16, 256, 0]);
    assert_eq!(rows.len(), 3, "vnodes 0 is left out");
    for &(v, cv, max) in &rows {
        let theory = 1.0 / f64::from(v).sqrt();
        assert!(cv > theory / 2.0 && cv < theory * 2.0, "v {v}: cv {cv}");
        assert!(max >= 1.0);
    }
    assert!(rows[0].1 > rows[1].1 && rows[1].1 > rows[2].1);
}

// ----- random membership changes and faults -----

/// One random event at `at`: a join, a leave, a crash and restart, a
/// pause, a partition and heal, a lossy or duplicating link, or a skew.
fn random_event(rng: &mut Rng, at: u64, ids: &mut u32, live: &mut Vec<u32>) -> Vec<Value> {
    let pick = |rng: &mut Rng, live: &[u32]| live[rng.below(live.len() as u64) as usize];
    let node = pick(rng, live);
    match rng.below(9) {
        0 | 1 => {
            live.push(*ids);
            *ids += 1;
            vec![json!({"at_ms": at, "op": "add_node"})]
        }
        2 if live.len() > 2 => {
            live.retain(|&n| n != node);
            vec![json!({"at_ms": at, "op": "remove_node", "node": node})]
        }
        3 | 4 => vec![
            json!({"at_ms": at, "op": "crash", "node": node}),
            json!({"at_ms": at + rng.between(20, 900), "op": "restart", "node": node}),
        ],
        5 => vec![
            json!({"at_ms": at, "op": "pause", "node": node}),
            json!({"at_ms": at + rng.between(20, 600), "op": "resume", "node": node}),
        ],
        6 => {
            let side: Vec<u32> = live.iter().copied().filter(|_| rng.chance(0.5)).collect();
            let rest: Vec<u32> = live.iter().copied().filter(|n| !side.contains(n)).collect();
            let groups: Vec<Vec<u32>> =
                [side, rest].into_iter().filter(|g| !g.is_empty()).collect();
            vec![
                json!({"at_ms": at, "op": "partition", "groups": groups}),
                json!({"at_ms": at + rng.between(100, 1_200), "op": "heal"}),
            ]
        }
        7 => vec![json!({"at_ms": at, "op": "link",
            "drop": rng.below(40) as f64 / 100.0, "duplicate": rng.below(30) as f64 / 100.0})],
        _ => {
            let rate = [0.5, 0.8, 1.25, 2.0][rng.below(4) as usize];
            vec![json!({"at_ms": at, "op": "skew", "node": node, "rate": rate})]
        }
    }
}

/// A random ring with random membership changes and faults, then every
/// fault healed: no invariant breaks, and every key that still exists
/// sits exactly on its preference list, nothing in flight.
fn fault_run(seed: u64) -> Result<(), String> {
    let mut rng = Rng::new(seed);
    let strategy = ["mod", "ring", "jump", "rendezvous", "bounded"][rng.below(5) as usize];
    let nodes = rng.between(3, 7) as u32;
    let vnodes = [1, 8, 64][rng.below(3) as usize];
    let params = json!({
        "strategy": strategy, "vnodes": vnodes,
        "keys": rng.between(1, 3_000), "replicas": rng.between(1, 3), "epsilon": 0.2,
    });
    let (mut ids, mut live) = (nodes, (0..nodes).collect::<Vec<u32>>());
    let mut schedule = Vec::new();
    let mut at = 0;
    for _ in 0..rng.between(2, 12) {
        // Often close together, so changes land while transfers still run.
        at += if rng.chance(0.5) {
            rng.between(0, 60)
        } else {
            rng.between(60, 400)
        };
        schedule.extend(random_event(&mut rng, at, &mut ids, &mut live));
    }
    // Then heal everything: the simulator skips what cannot apply
    // (restarting a node that is up), which is part of what is tested.
    let last = schedule.iter().filter_map(|e| e["at_ms"].as_u64()).max();
    let end = last.unwrap_or(0) + 100;
    schedule.push(json!({"at_ms": end, "op": "heal"}));
    schedule.push(json!({"at_ms": end, "op": "link", "drop": 0.0, "duplicate": 0.0}));
    for n in 0..ids {
        schedule.push(json!({"at_ms": end, "op": "restart", "node": n}));
        schedule.push(json!({"at_ms": end, "op": "resume", "node": n}));
    }
    let v = json!({
        "protocol": "ring", "nodes": nodes, "seed": seed, "until_ms": end + 3_000,
        "network": {"latency_ms": [1, 40]}, "params": params, "schedule": schedule,
    });
    let mut s = sim(&v);
    s.run_to_end();
    let repro = |e: String| format!("seed {seed}: {e}\n{v}");
    if !s.violations().is_empty() {
        return Err(repro(format!("{:?}", s.violations())));
    }
    settled(&s).map_err(repro)
}

#[test]
fn random_membership_and_faults_over_64_seeds() {
    for seed in 0..64 {
        if let Err(e) = fault_run(seed) {
            panic!("{e}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 48,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_seeds_keep_the_invariants_and_settle(seed in any::<u64>()) {
        if let Err(e) = fault_run(seed) {
            return Err(TestCaseError::fail(e));
        }
    }
}

/// A longer sweep of the same property, for after a change to the
/// protocol: `RING_SWEEP=100000 cargo test --test ring -- --ignored`.
#[test]
#[ignore]
fn random_membership_and_faults_sweep() {
    let seeds: u64 = std::env::var("RING_SWEEP")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let failures: Vec<String> = (0..seeds)
        .filter_map(|i| fault_run(i.wrapping_mul(0x9e37_79b9_7f4a_7c15)).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} failures; the first: {}",
        failures.len(),
        failures[0]
    );
}

/// Dynamo, §4.9: when a node is added, the nodes that held its ranges
/// transfer those keys to it. With `claim_on_join` the joiner takes its
/// share the moment it starts, before any of it arrives: keys gained
/// outside a transfer, at the join. Without the bug the same join is clean.
#[test]
fn a_joiner_that_claims_its_share_invents_keys() {
    let schedule = json!([{"at_ms": 500, "op": "add_node"}]);
    let mut s = sim(&ring(
        5,
        json!({"keys": 4_000, "bugs": ["claim_on_join"]}),
        schedule.clone(),
        1_500,
    ));
    s.run_to_end();
    let v = &s.violations()[0];
    assert_eq!(v.invariant, "Transfers never invent keys");
    assert_eq!(v.at, Time::from_ms(500));
    assert!(
        v.detail.starts_with("n5 ") && v.detail.contains("outside a transfer"),
        "{}",
        v.detail
    );
    settled(&run(&ring(5, json!({"keys": 4_000}), schedule, 1_500))).unwrap();
}

/// Saltzer, Reed & Clark 1984, "End-to-End Arguments in System Design",
/// §2 (careful file transfer), and Dynamo, §4.9: a sender may delete a
/// handed-off key only once the receiver confirms it holds it. With
/// `ack_before_write` the joiner acknowledges on arrival and writes at its
/// next rebalance tick (700 ms); the senders delete on the ack, and the
/// joiner's crash at 650 ms loses those keys for good. The same crash
/// without the bug loses nothing.
#[test]
fn acknowledging_before_writing_loses_the_handed_off_keys() {
    let schedule = json!([
        {"at_ms": 550, "op": "add_node"},
        {"at_ms": 650, "op": "crash", "node": 6},
        {"at_ms": 1_000, "op": "restart", "node": 6},
    ]);
    let mut s = sim(&ring(
        6,
        json!({"keys": 10_000, "bugs": ["ack_before_write"]}),
        schedule.clone(),
        3_000,
    ));
    s.run_to_end();
    let v = &s.violations()[0];
    assert_eq!(v.invariant, "Handoff keeps a copy");
    assert!(
        v.at > Time::from_ms(600) && v.at < Time::from_ms(650),
        "{v:?}"
    );
    assert!(metrics(&s)["lost"].as_u64().unwrap() > 0);
    let s = run(&ring(6, json!({"keys": 10_000}), schedule, 3_000));
    assert_eq!(metrics(&s)["lost"], 0);
    settled(&s).unwrap();
}
