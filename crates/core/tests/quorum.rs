//! The Dynamo-style quorum store (DeCandia et al., "Dynamo: Amazon's Highly
//! Available Key-value Store", SOSP 2007) against what the paper and quorum
//! theory promise: R + W > N makes every read quorum meet every write quorum
//! (Gifford, "Weighted Voting for Replicated Data", SOSP 1979), so strict
//! quorums read fresh and R = W = 1 does not; concurrent writes become
//! siblings (§4.4) that a put with the read context resolves, while
//! last-writer-wins drops one; read repair (§5) and anti-entropy (§4.7)
//! make replicas converge; sloppy quorums keep writes available with hints
//! that are handed back after the partition heals (§4.6); a coordinator cut
//! off from its replicas fails requests at the timeout; runs replay; and the
//! invariants hold under random faults.

use faultline_core::linearizability::Verdict;
use faultline_core::protocols::quorum::{
    self, preference_list, HistoryEntry, OpKind, Quorum, VClock,
};
use faultline_core::rng::Rng;
use faultline_core::{AnySim, Command, NodeId, Scenario, Sim, SimConfig, Time};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;

fn scenario(v: Value) -> Scenario {
    Scenario::from_json(&v.to_string()).expect("a valid quorum scenario")
}

fn sim(v: Value) -> Sim<Quorum> {
    Sim::<Quorum>::from_scenario(&scenario(v), SimConfig::default()).expect("builds")
}

fn run(v: Value) -> Sim<Quorum> {
    let mut s = sim(v);
    s.run_to_end();
    s
}

fn history(s: &Sim<Quorum>) -> Vec<HistoryEntry> {
    quorum::history(s.observations())
}

fn metric(s: &Sim<Quorum>, name: &str) -> Value {
    quorum::metrics(s)[name].clone()
}

fn count(s: &Sim<Quorum>, name: &str) -> u64 {
    metric(s, name)
        .as_u64()
        .unwrap_or_else(|| panic!("{name} missing"))
}

fn node(s: &Sim<Quorum>, id: u32) -> &Quorum {
    s.nodes()
        .find(|(n, _, _)| n.0 == id)
        .and_then(|(_, _, q)| q)
        .expect("the node is up")
}

fn values(s: &Sim<Quorum>, id: u32, key: &str) -> Vec<String> {
    node(s, id)
        .versions(key)
        .iter()
        .map(|v| v.value.clone())
        .collect()
}

fn members(n: u32) -> Vec<NodeId> {
    (0..n).map(NodeId).collect()
}

/// The first key `k0`, `k1`, … whose preference list satisfies `want`.
fn key_where(nodes: u32, n: usize, want: impl Fn(&[NodeId]) -> bool) -> String {
    (0..1000)
        .map(|i| format!("k{i}"))
        .find(|k| want(&preference_list(k, &members(nodes), n)))
        .expect("some key fits")
}

fn ids(list: &[NodeId]) -> Vec<u32> {
    list.iter().map(|n| n.0).collect()
}

/// The history entries of scripted operations, in invocation order.
fn scripted(s: &Sim<Quorum>) -> Vec<HistoryEntry> {
    history(s)
        .into_iter()
        .filter(|e| e.client.to_string().starts_with("op"))
        .collect()
}

fn get(node: u32, key: &str, at: f64) -> Value {
    json!({"at_ms": at, "op": "client", "node": node, "request": {"type": "get", "key": key}})
}

fn put(node: u32, key: &str, value: &str, at: f64) -> Value {
    json!({"at_ms": at, "op": "client", "node": node,
           "request": {"type": "put", "key": key, "value": value}})
}

/// A workload run with no faults.
fn workload(seed: u64, nodes: u32, n: u32, r: u32, w: u32, read_fraction: f64) -> Value {
    json!({
        "protocol": "quorum", "nodes": nodes, "seed": seed, "until_ms": 4000,
        "network": {"latency_ms": [1, 60]},
        "params": {"n": n, "r": r, "w": w, "clients": 6, "keys": 2, "ops_per_s": 60,
                   "read_fraction": read_fraction, "read_repair": false},
    })
}

#[test]
fn strict_quorums_never_read_stale_over_40_seeds() {
    // Gifford 1979: R + W > N means every read set meets every write set,
    // so a get sees the last put completed before it began (here with
    // jittery links and no faults, for R/W = 2/2, 1/3, 3/1).
    let mut gets = 0;
    for seed in 0..40 {
        let (r, w) = [(2, 2), (1, 3), (3, 1)][seed as usize % 3];
        let s = run(workload(seed, 5, 3, r, w, 0.5));
        assert!(
            s.violations().is_empty(),
            "seed {seed}: {:?}",
            s.violations()
        );
        assert_eq!(count(&s, "stale_reads"), 0, "seed {seed} (R {r}, W {w})");
        let h = history(&s);
        let failed: Vec<_> = h.iter().filter(|e| e.complete.is_some() && !e.ok).collect();
        assert!(
            failed.is_empty(),
            "seed {seed}: failures without faults: {failed:?}"
        );
        gets += h.iter().filter(|e| e.kind == OpKind::Get).count();
    }
    assert!(gets > 2_000, "only {gets} gets: the check saw too little");
}

#[test]
fn r_and_w_of_one_read_stale_under_a_write_heavy_workload() {
    // R + W ≤ N: a read set can miss the write set entirely (§4.5).
    let mut stale = 0;
    let mut seeds_with = 0;
    for seed in 0..10 {
        let s = run(workload(seed, 5, 3, 1, 1, 0.3));
        // The freshness invariant only claims R + W > N: silent here.
        assert!(
            s.violations().is_empty(),
            "seed {seed}: {:?}",
            s.violations()
        );
        let n = count(&s, "stale_reads");
        stale += n;
        seeds_with += u64::from(n > 0);
        let h = history(&s);
        let why = h.iter().find_map(|e| e.stale.as_ref()).map(|w| w.explain());
        if let Some(why) = why {
            assert!(why.starts_with("missed the write of c"), "{why}");
            assert!(why.contains("; read set n"), "{why}");
        }
    }
    assert!(
        seeds_with >= 8,
        "only {seeds_with} of 10 seeds read stale ({stale} in all)"
    );
}

#[test]
fn stale_reads_are_counted_but_only_strict_quorums_promise_freshness() {
    // A put with W = 1 lands on n0 alone (cut off from n1 and n2); a get at
    // n1 reads from the other side. R = 2 and W = 1 add up to N = 3, so the
    // read set may miss the write set: a stale read, counted in the
    // metrics, and no invariant broken (the freshness invariant only
    // claims R + W > N). The invariant's own check is unit-tested in
    // `protocols::quorum::invariants`.
    let k = key_where(3, 3, |_| true);
    let base = |r: u32, heal_first: bool| {
        let mut schedule = vec![
            json!({"at_ms": 0, "op": "partition", "groups": [[0], [1, 2]]}),
            json!({"at_ms": 100, "op": "client", "node": 0,
                   "request": {"type": "put", "key": k, "value": "a", "w": 1}}),
            json!({"at_ms": 200, "op": "client", "node": 1,
                   "request": {"type": "get", "key": k, "r": r}}),
        ];
        if heal_first {
            schedule.push(json!({"at_ms": 150, "op": "heal"}));
        }
        json!({
            "protocol": "quorum", "nodes": 3, "seed": 1, "until_ms": 2000,
            "network": {"latency_ms": [10, 10]},
            "params": {"n": 3, "r": 2, "w": 2, "clients": 0, "read_repair": false},
            "schedule": schedule,
        })
    };
    let s = run(base(2, false));
    assert_eq!(count(&s, "stale_reads"), 1);
    assert!(s.violations().is_empty(), "R + W = N promises nothing");
    let why = history(&s)[1].stale.as_ref().unwrap().explain();
    assert_eq!(
        why,
        "missed the write of a completed at 100 ms on n0; read set n1, n2"
    );
    // R = 3 cannot be met across the partition: the get fails, no claim.
    let s = run(base(3, false));
    assert!(!history(&s)[1].ok);
    assert_eq!(count(&s, "stale_reads"), 0);
    // Healed before the get, R = 3 reads n0 as well and sees the put.
    let s = run(base(3, true));
    assert!(history(&s)[1].ok);
    assert_eq!(count(&s, "stale_reads"), 0);
    assert!(s.violations().is_empty());
}

#[test]
fn strict_quorums_without_faults_are_linearizable() {
    // Wing & Gong's search over every key of ten fault-free runs with
    // R = W = 2 of N = 3: a linearization exists.
    for seed in 0..10 {
        let s = run(workload(seed, 5, 3, 2, 2, 0.5));
        let h = history(&s);
        assert!(h.len() > 100, "seed {seed}: only {} operations", h.len());
        assert_eq!(
            quorum::check_linearizable(&h),
            Verdict::Linearizable,
            "seed {seed}"
        );
        assert_eq!(metric(&s, "linearizable"), json!(true), "seed {seed}");
    }
}

#[test]
fn a_stale_read_under_r_and_w_of_one_is_not_linearizable() {
    // Seed 0 with R = W = 1 reads stale; the checker finds no linearization
    // and names a small offending set: a stale get, and the put it missed.
    let s = run(workload(0, 5, 3, 1, 1, 0.5));
    let h = history(&s);
    assert!(h.iter().any(|e| e.stale.is_some()), "no stale read");
    let Verdict::NotLinearizable { offending } = quorum::check_linearizable(&h) else {
        panic!("a run with stale reads was judged linearizable");
    };
    assert_eq!(metric(&s, "linearizable"), json!(false));
    assert!(
        (2..=4).contains(&offending.len()),
        "offending set {offending:?}"
    );
    let ops: Vec<&HistoryEntry> = offending.iter().map(|&i| &h[i]).collect();
    assert!(ops.iter().all(|e| e.key == ops[0].key), "one key: {ops:?}");
    let stale = ops
        .iter()
        .find_map(|e| e.stale.as_ref())
        .expect("a stale get among the offenders");
    assert!(
        ops.iter()
            .any(|e| e.kind == OpKind::Put && e.op == stale.missed.op),
        "the put it missed is among the offenders: {ops:?}"
    );
}

/// Two blind puts of `k` at the same instant through different
/// coordinators, then a get.
fn concurrent_puts(resolve: &str) -> (Sim<Quorum>, String) {
    let k = key_where(3, 3, |_| true);
    let mut s = sim(json!({
        "protocol": "quorum", "nodes": 3, "seed": 3, "until_ms": 3000,
        "network": {"latency_ms": [5, 15]},
        "params": {"n": 3, "r": 2, "w": 2, "clients": 0, "resolve": resolve},
        "schedule": [put(0, &k, "a", 100.0), put(1, &k, "b", 100.0), get(2, &k, 500.0)]
    }));
    s.run_until(Time::from_ms(600));
    (s, k)
}

#[test]
fn concurrent_puts_become_siblings_and_a_put_with_the_read_context_resolves_them() {
    // §4.4: versions with concurrent vector clocks are both kept; a client
    // that read them writes with their merged clock and supersedes both.
    let (mut s, k) = concurrent_puts("siblings");
    let read = scripted(&s).pop().expect("the get");
    assert_eq!(read.kind, OpKind::Get);
    let mut got: Vec<&str> = read.result.iter().map(|v| v.value.as_str()).collect();
    got.sort();
    assert_eq!(got, ["a", "b"], "both concurrent writes are returned");
    let mut context = VClock::new();
    for v in &read.result {
        context.merge(&v.clock);
    }
    s.apply(Command::Client {
        node: NodeId(2),
        request: json!({"type": "put", "key": k, "value": "c", "context": context}),
    })
    .unwrap();
    s.run_until(Time::from_ms(1000));
    s.apply(Command::Client {
        node: NodeId(0),
        request: json!({"type": "get", "key": k}),
    })
    .unwrap();
    s.run_until(Time::from_ms(3000));
    let last = scripted(&s).pop().unwrap();
    let got: Vec<&str> = last.result.iter().map(|v| v.value.as_str()).collect();
    assert_eq!(
        got,
        ["c"],
        "the put with the read context resolved the siblings"
    );
    for id in 0..3 {
        assert_eq!(values(&s, id, &k), ["c"], "n{id}");
    }
    assert_eq!(count(&s, "lost_writes"), 0);
    assert!(s.violations().is_empty(), "{:?}", s.violations());
    // A blind put (no context) would have been a third sibling instead.
    let (mut s, k) = concurrent_puts("siblings");
    s.apply(Command::Client {
        node: NodeId(2),
        request: json!({"type": "put", "key": k, "value": "c"}),
    })
    .unwrap();
    s.run_until(Time::from_ms(3000));
    assert_eq!(values(&s, 0, &k).len(), 3);
}

#[test]
fn last_writer_wins_loses_one_of_two_concurrent_writes() {
    let (mut s, k) = concurrent_puts("lww");
    s.run_until(Time::from_ms(3000));
    let read = scripted(&s).pop().unwrap();
    assert_eq!(read.result.len(), 1, "one value survives");
    let puts: Vec<_> = scripted(&s)
        .into_iter()
        .filter(|e| e.kind == OpKind::Put)
        .collect();
    assert!(puts.iter().all(|e| e.ok), "both writes were acknowledged");
    assert_eq!(count(&s, "lost_writes"), 1, "and one of them is gone");
    assert_eq!(values(&s, 0, &k), values(&s, 1, &k));
    assert!(s.violations().is_empty(), "{:?}", s.violations());
    // Under siblings the same run loses nothing.
    let (mut s, _) = concurrent_puts("siblings");
    s.run_until(Time::from_ms(3000));
    assert_eq!(count(&s, "lost_writes"), 0);
}

/// A put that misses one replica (cut off at the time), then a heal; a
/// read at the coordinator with R = 1 answers at once, and the late
/// replies are what read repair works with.
fn missed_replica(read_repair: bool, anti_entropy_ms: Option<u64>) -> (Sim<Quorum>, String) {
    let k = key_where(3, 3, |_| true);
    let mut params = json!({"n": 3, "r": 2, "w": 2, "clients": 0, "read_repair": read_repair});
    if let Some(ms) = anti_entropy_ms {
        params["anti_entropy_ms"] = json!(ms);
    }
    let s = run(json!({
        "protocol": "quorum", "nodes": 3, "seed": 5, "until_ms": 3000,
        "network": {"latency_ms": [5, 15]},
        "params": params,
        "schedule": [
            {"at_ms": 50, "op": "partition", "groups": [[0, 1], [2]]},
            put(0, &k, "a", 100.0),
            {"at_ms": 300, "op": "heal"},
            {"at_ms": 400, "op": "client", "node": 0,
             "request": {"type": "get", "key": k, "r": 1}},
        ]
    }));
    (s, k)
}

#[test]
fn read_repair_brings_a_stale_replica_up_to_date() {
    let (s, k) = missed_replica(false, None);
    assert!(
        values(&s, 2, &k).is_empty(),
        "without read repair n2 stays behind"
    );
    assert_eq!(count(&s, "divergent_keys"), 1);
    let (s, k) = missed_replica(true, None);
    assert_eq!(values(&s, 2, &k), ["a"], "read repair sent n2 the version");
    assert_eq!(count(&s, "divergent_keys"), 0);
    let repairs = s
        .trace()
        .filter(|e| serde_json::to_string(e).unwrap().contains("ReadRepair"))
        .count();
    assert!(repairs > 0);
}

#[test]
fn anti_entropy_converges_replicas_without_reads() {
    let (s, k) = missed_replica(false, Some(200));
    assert_eq!(
        values(&s, 2, &k),
        ["a"],
        "anti-entropy pulled the version to n2"
    );
    assert_eq!(count(&s, "divergent_keys"), 0);
    assert!(s.violations().is_empty(), "{:?}", s.violations());
}

#[test]
fn anti_entropy_converges_a_workload_after_a_partition() {
    // Write-heavy with R = W = 1 while a node is cut off, then heal and
    // stop writing: only anti-entropy can make the replicas agree again.
    let run_with = |ae: Option<u64>| {
        let mut params = json!({"n": 3, "r": 1, "w": 1, "clients": 4, "keys": 6,
                                "ops_per_s": 0, "read_repair": false});
        if let Some(ms) = ae {
            params["anti_entropy_ms"] = json!(ms);
        }
        let mut schedule =
            vec![json!({"at_ms": 0, "op": "partition", "groups": [[0, 1, 2], [3, 4]]})];
        for i in 0..12 {
            let node = i % 5;
            schedule.push(put(
                node,
                &format!("k{}", i % 6),
                &format!("v{i}"),
                10.0 + i as f64,
            ));
        }
        schedule.push(json!({"at_ms": 500, "op": "heal"}));
        run(json!({
            "protocol": "quorum", "nodes": 5, "seed": 9, "until_ms": 6000,
            "network": {"latency_ms": [5, 20]},
            "params": params, "schedule": schedule,
        }))
    };
    let without = run_with(None);
    assert!(count(&without, "divergent_keys") > 0);
    let with = run_with(Some(300));
    assert_eq!(count(&with, "divergent_keys"), 0);
    assert!(with.violations().is_empty(), "{:?}", with.violations());
}

#[test]
fn sloppy_quorums_write_through_a_partition_and_hand_hints_back_after_it_heals() {
    // §4.6: with the key's other two replicas unreachable, the coordinator
    // (itself a replica) asks the next nodes on the ring, which keep the
    // write as hints for the replicas it was meant for.
    let k = key_where(5, 3, |p| p[0] == NodeId(0));
    let pref = preference_list(&k, &members(5), 3);
    let (b, c) = (pref[1].0, pref[2].0);
    let others: Vec<u32> = (0..5)
        .filter(|i| !ids(&pref).contains(i) || *i == 0)
        .collect();
    let scenario = |sloppy: bool| {
        json!({
            "protocol": "quorum", "nodes": 5, "seed": 2, "until_ms": 5000,
            "network": {"latency_ms": [5, 15]},
            "params": {"n": 3, "r": 2, "w": 3, "clients": 0, "sloppy": sloppy,
                       "read_repair": false, "handoff_ms": 200},
            "schedule": [
                {"at_ms": 50, "op": "partition", "groups": [others, [b, c]]},
                put(0, &k, "a", 100.0),
                {"at_ms": 2000, "op": "heal"},
            ]
        })
    };
    let strict = run(scenario(false));
    let h = scripted(&strict);
    assert!(!h[0].ok, "a strict quorum cannot reach W = 3");
    assert_eq!(
        h[0].complete.unwrap() - h[0].invoke,
        500_000,
        "it fails at the timeout"
    );

    let mut s = sim(scenario(true));
    s.run_until(Time::from_ms(1500));
    let h = scripted(&s);
    assert!(
        h[0].ok,
        "the sloppy quorum took the write: {:?}",
        h[0].error
    );
    let stand_ins: Vec<(u32, u32)> = h[0]
        .answers
        .iter()
        .filter(|a| a.node != a.intended)
        .map(|a| (a.node.0, a.intended.0))
        .collect();
    assert_eq!(stand_ins.len(), 2, "two stand-ins: {stand_ins:?}");
    for (holder, intended) in &stand_ins {
        assert!(!ids(&pref).contains(holder));
        let held: Vec<_> = node(&s, *holder).hints().collect();
        assert_eq!(held.len(), 1, "n{holder} holds one hint");
        assert_eq!(held[0].1, NodeId(*intended));
        assert!(
            values(&s, *holder, &k).is_empty(),
            "a hint is not a replica's copy"
        );
    }
    assert_eq!(metric(&s, "hints_pending"), json!(2));
    assert!(values(&s, b, &k).is_empty() && values(&s, c, &k).is_empty());

    s.run_to_end();
    assert_eq!(
        metric(&s, "hints_pending"),
        json!(0),
        "every hint was handed back"
    );
    assert_eq!(values(&s, b, &k), ["a"]);
    assert_eq!(values(&s, c, &k), ["a"]);
    assert_eq!(count(&s, "divergent_keys"), 0);
    assert!(s.violations().is_empty(), "{:?}", s.violations());
}

#[test]
fn a_coordinator_in_a_minority_partition_fails_at_the_timeout() {
    // Coordinator n0 is cut off with n1; the key lives on at most one of
    // them, so neither R = 2 nor W = 2 can be met there, while the
    // majority side serves the same key.
    let k = key_where(5, 3, |p| p.iter().filter(|n| n.0 < 2).count() <= 1);
    let s = run(json!({
        "protocol": "quorum", "nodes": 5, "seed": 8, "until_ms": 3000,
        "network": {"latency_ms": [5, 15]},
        "params": {"n": 3, "r": 2, "w": 2, "clients": 0, "request_timeout_ms": 400},
        "schedule": [
            {"at_ms": 10, "op": "partition", "groups": [[0, 1], [2, 3, 4]]},
            put(0, &k, "lost", 100.0),
            get(0, &k, 700.0),
            put(3, &k, "kept", 1200.0),
            get(4, &k, 1700.0),
        ]
    }));
    let h = scripted(&s);
    assert_eq!(h.len(), 4);
    for e in &h[..2] {
        assert!(!e.ok, "{:?} succeeded in the minority", e.kind);
        assert_eq!(
            e.complete.unwrap() - e.invoke,
            400_000,
            "fails at the timeout"
        );
        assert!(e.error.as_deref().unwrap_or("").contains("within 400 ms"));
    }
    assert!(h[2].ok && h[3].ok, "the majority side serves the key");
    assert_eq!(h[3].result[0].value, "kept");
    assert!(s.violations().is_empty(), "{:?}", s.violations());
}

#[test]
fn a_request_asking_for_more_than_n_fails_cleanly() {
    let s = run(json!({
        "protocol": "quorum", "nodes": 3, "until_ms": 500,
        "params": {"clients": 0},
        "schedule": [{"at_ms": 10, "op": "client", "node": 0,
                      "request": {"type": "get", "key": "k", "r": 9}}]
    }));
    let h = scripted(&s);
    assert!(!h[0].ok);
    assert_eq!(
        h[0].error.as_deref(),
        Some("r: must be between 1 and n (3), not 9")
    );
}

#[test]
fn runs_replay_to_the_same_trace() {
    let preset = include_str!("../../../www/presets/quorum-default.json");
    let s = Scenario::from_json(preset).unwrap();
    let mut a = AnySim::new(&s, SimConfig::default()).unwrap();
    let mut b = AnySim::new(&s, SimConfig::default()).unwrap();
    a.run_to_end();
    b.run_to_end();
    assert_eq!(a.report(), b.report());
    // Faults applied by hand replay from the exported scenario.
    let mut live = AnySim::new(&s, SimConfig::default()).unwrap();
    live.run_until(Time::from_ms(1000));
    live.apply(Command::Crash { node: NodeId(1) }).unwrap();
    live.run_until(Time::from_ms(1500));
    live.apply(Command::Partition {
        groups: vec![vec![NodeId(0), NodeId(2)], vec![NodeId(3), NodeId(4)]],
    })
    .unwrap();
    live.run_until(Time::from_ms(2500));
    live.apply(Command::Restart { node: NodeId(1) }).unwrap();
    live.apply(Command::Heal).unwrap();
    live.run_to_end();
    let mut replay = AnySim::new(&live.to_scenario(), SimConfig::default()).unwrap();
    replay.run_to_end();
    assert_eq!(replay.trace_hash(), live.trace_hash());
    assert_eq!(replay.report().metrics, live.report().metrics);
    // Another seed is another run.
    let mut other = s.clone();
    other.seed += 1;
    let mut c = AnySim::new(&other, SimConfig::default()).unwrap();
    c.run_to_end();
    assert_ne!(c.trace_hash(), a.trace_hash());
}

#[test]
fn the_stale_read_preset_reads_stale_and_the_default_preset_does_not() {
    for (file, stale) in [
        (
            include_str!("../../../www/presets/quorum-stale-read.json"),
            true,
        ),
        (
            include_str!("../../../www/presets/quorum-default.json"),
            false,
        ),
    ] {
        let s = Scenario::from_json(file).unwrap();
        let mut sim = AnySim::new(&s, SimConfig::default()).unwrap();
        sim.run_to_end();
        let r = sim.report();
        assert!(r.violations.is_empty(), "{:?}", r.violations);
        let n = r.metrics["stale_reads"].as_u64().unwrap();
        assert_eq!(n > 0, stale, "{:?}: {n} stale reads", s.name);
        assert_eq!(r.metrics["linearizable"], json!(!stale), "{:?}", s.name);
    }
}

#[test]
fn the_report_follows_the_documented_shape() {
    let s = run(json!({
        "protocol": "quorum", "nodes": 3, "until_ms": 2000,
        "params": {"clients": 2, "ops_per_s": 20, "sloppy": true},
        "schedule": [put(0, "x", "a", 100.0), get(1, "x", 300.0)]
    }));
    let m = quorum::metrics(&s);
    for field in [
        "history",
        "stale_reads",
        "linearizable",
        "lost_writes",
        "hints_pending",
    ] {
        assert!(m.get(field).is_some(), "no {field}: {m}");
    }
    let h = m["history"].as_array().unwrap();
    assert!(h.len() > 10);
    for e in h {
        for field in [
            "client",
            "op",
            "key",
            "value",
            "invoke_ms",
            "complete_ms",
            "ok",
        ] {
            assert!(e.get(field).is_some(), "no {field} in {e}");
        }
    }
    let get = h.iter().find(|e| e["client"] == "op1").unwrap();
    assert_eq!(get["op"], "get");
    assert_eq!(get["value"], "a");
    let put = h.iter().find(|e| e["client"] == "op0").unwrap();
    assert_eq!(
        (&put["op"], &put["value"], &put["ok"]),
        (&json!("put"), &json!("a"), &json!(true))
    );
}

// ----- random faults -----

/// A random fault command, valid for a 5-node cluster.
fn random_fault(rng: &mut Rng, at: u64, down: &mut BTreeMap<u64, bool>) -> Vec<Value> {
    let node = rng.below(5);
    let mut out = Vec::new();
    match rng.below(8) {
        0 | 1 => {
            let cut = rng.between(1, 2);
            let side: Vec<u64> = (0..5).filter(|n| (n + node) % 5 < cut).collect();
            let rest: Vec<u64> = (0..5).filter(|n| !side.contains(n)).collect();
            out.push(json!({"at_ms": at, "op": "partition", "groups": [side, rest]}));
            out.push(json!({"at_ms": at + rng.between(100, 900), "op": "heal"}));
        }
        2 | 3 if !down.get(&node).copied().unwrap_or(false) => {
            down.insert(node, true);
            out.push(json!({"at_ms": at, "op": "crash", "node": node}));
            let back = at + rng.between(50, 800);
            out.push(json!({"at_ms": back, "op": "restart", "node": node}));
        }
        4 => {
            out.push(json!({"at_ms": at, "op": "pause", "node": node}));
            out.push(json!({"at_ms": at + rng.between(50, 600), "op": "resume", "node": node}));
        }
        5 => out.push(
            json!({"at_ms": at, "op": "link", "drop": rng.below(30) as f64 / 100.0,
                             "duplicate": rng.below(20) as f64 / 100.0}),
        ),
        6 => {
            let rate = [0.5, 0.8, 1.25, 2.0][rng.below(4) as usize];
            out.push(json!({"at_ms": at, "op": "skew", "node": node, "rate": rate}));
        }
        _ => out.push(json!({"at_ms": at, "op": "client", "node": node,
                             "request": {"type": "put", "key": "k0", "value": format!("s{at}")}})),
    }
    out
}

/// Runs a random configuration with random faults; checks that no
/// invariant broke, that no acknowledged write was lost under siblings,
/// and that each workload process's operations never overlap.
fn fault_run(seed: u64) -> Result<(), String> {
    let mut rng = Rng::new(seed);
    let (n, r, w) = [(3, 2, 2), (3, 1, 1), (3, 1, 3), (2, 1, 2), (3, 3, 1)][rng.below(5) as usize];
    let resolve = if rng.chance(0.3) { "lww" } else { "siblings" };
    let mut params = json!({
        "n": n, "r": r, "w": w, "clients": rng.between(1, 6), "keys": rng.between(1, 4),
        "ops_per_s": 20 + rng.below(60), "read_fraction": rng.unit(),
        "read_repair": rng.chance(0.5), "sloppy": rng.chance(0.5), "resolve": resolve,
        "request_timeout_ms": rng.between(100, 900), "sloppy_timeout_ms": rng.between(20, 100),
        "handoff_ms": rng.between(50, 500),
    });
    if rng.chance(0.5) {
        params["anti_entropy_ms"] = json!(rng.between(50, 500));
    }
    let mut schedule = Vec::new();
    let mut down = BTreeMap::new();
    for _ in 0..rng.between(2, 10) {
        let at = rng.between(100, 2500);
        schedule.extend(random_fault(&mut rng, at, &mut down));
    }
    // Crashes may overlap a restart of the same node: the simulator skips
    // what cannot apply, which is part of what is tested.
    let v = json!({
        "protocol": "quorum", "nodes": 5, "seed": seed, "until_ms": 3500,
        "network": {"latency_ms": [1, 40]},
        "params": params, "schedule": schedule,
    });
    let s = run(v.clone());
    let repro = || format!("seed {seed}: {v}");
    if !s.violations().is_empty() {
        return Err(format!("{:?}\n{}", s.violations(), repro()));
    }
    if resolve == "siblings" && count(&s, "lost_writes") != 0 {
        return Err(format!("lost writes under siblings\n{}", repro()));
    }
    let mut by_client: BTreeMap<String, Vec<HistoryEntry>> = BTreeMap::new();
    for e in history(&s) {
        by_client.entry(e.client.to_string()).or_default().push(e);
    }
    for (client, ops) in by_client.iter().filter(|(c, _)| c.starts_with('c')) {
        for pair in ops.windows(2) {
            match pair[0].complete {
                Some(done) if done <= pair[1].invoke => {}
                _ => return Err(format!("{client}: operations overlap\n{}", repro())),
            }
        }
    }
    Ok(())
}

#[test]
fn random_faults_never_break_the_invariants_over_60_seeds() {
    for seed in 0..60 {
        if let Err(e) = fault_run(seed) {
            panic!("{e}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 40,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_seeds_and_faults_keep_the_invariants(seed in any::<u64>()) {
        if let Err(e) = fault_run(seed) {
            return Err(TestCaseError::fail(e));
        }
    }
}

// ----- scenario validation -----

fn error(params: Value, nodes: u32) -> (String, String) {
    let text = json!({"protocol": "quorum", "nodes": nodes, "params": params}).to_string();
    let e = Scenario::from_json(&text)
        .and_then(|s| AnySim::new(&s, SimConfig::default()).map(|_| ()))
        .expect_err("rejected");
    (e.path, e.message)
}

#[test]
fn malformed_params_are_named_by_field() {
    let (path, message) = error(json!({"r": 4}), 5);
    assert_eq!(
        format!("{path}: {message}"),
        "params.r: must be between 1 and n (3), not 4"
    );
    assert_eq!(error(json!({"n": 5, "w": 0}), 5).0, "params.w");
    let (path, message) = error(json!({"n": 4}), 3);
    assert_eq!(path, "params.n");
    assert!(message.contains("number of nodes (3)"), "{message}");
    assert_eq!(
        error(json!({"read_fraction": 2}), 5).0,
        "params.read_fraction"
    );
    assert_eq!(error(json!({"ops_per_s": -1}), 5).0, "params.ops_per_s");
    assert_eq!(
        error(json!({"anti_entropy_ms": 0}), 5).0,
        "params.anti_entropy_ms"
    );
    assert_eq!(
        error(json!({"request_timeout_ms": 5000}), 5).0,
        "params.request_timeout_ms"
    );
    assert_eq!(error(json!({"keys": 0}), 5).0, "params.keys");
    let (path, message) = error(json!({"resolve": "newest"}), 5);
    assert_eq!(path, "params.resolve");
    assert!(
        message.contains("siblings") && message.contains("lww"),
        "{message}"
    );
    let (path, message) = error(json!({"r": "two"}), 5);
    assert_eq!(path, "params.r");
    assert!(message.contains("invalid type"), "{message}");
    let (path, message) = error(json!({"quorum": 2}), 5);
    assert!(path.starts_with("params"), "{path}");
    assert!(message.contains("unknown field `quorum`"), "{message}");
    assert_eq!(error(json!(7), 5).0, "params");
    // `null` is absent: anti-entropy off.
    let ok = json!({"protocol": "quorum", "nodes": 3, "params": {"anti_entropy_ms": null}});
    assert!(Scenario::from_json(&ok.to_string())
        .and_then(|s| AnySim::new(&s, SimConfig::default()))
        .is_ok());
}

#[test]
fn malformed_requests_and_timers_are_named() {
    let bad = |entry: Value| {
        let text = json!({"protocol": "quorum", "nodes": 3, "schedule": [entry]}).to_string();
        let e = Scenario::from_json(&text)
            .and_then(|s| AnySim::new(&s, SimConfig::default()).map(|_| ()))
            .expect_err("rejected");
        format!("{}: {}", e.path, e.message)
    };
    let e = bad(json!({"at_ms": 1, "op": "client", "node": 0, "request": {"type": "get"}}));
    assert_eq!(
        e,
        "schedule[0].request: not a quorum request: missing field `key`"
    );
    let e = bad(json!({"at_ms": 1, "op": "client", "node": 0,
                       "request": {"type": "get", "key": 3}}));
    assert_eq!(
        e,
        "schedule[0].request.key: not a quorum request: invalid type: integer `3`, expected a string"
    );
    let e = bad(json!({"at_ms": 1, "op": "client", "node": 0,
                       "request": {"type": "put", "key": "k", "value": "v", "context": {"n1": 1}}}));
    assert!(
        e.starts_with("schedule[0].request.context.n1: not a quorum request: `n1` is not an actor"),
        "{e}"
    );
    let e = bad(json!({"at_ms": 1, "op": "fire", "node": 0, "timer": "election"}));
    assert!(
        e.contains("workload, deadline, handoff, anti_entropy"),
        "{e}"
    );
    let e = bad(json!({"at_ms": 1, "op": "add_node"}));
    assert!(e.contains("not available for quorum"), "{e}");
}

#[test]
fn fired_timers_and_odd_requests_never_break_a_run() {
    let mut schedule = Vec::new();
    for (i, timer) in ["workload", "deadline", "handoff", "anti_entropy"]
        .iter()
        .enumerate()
    {
        schedule
            .push(json!({"at_ms": 100 + i as u64, "op": "fire", "node": i % 3, "timer": timer}));
    }
    schedule.push(json!({"at_ms": 200, "op": "client", "node": 1,
        "request": {"type": "put", "key": "", "value": "", "w": 0,
                    "context": {"c0": u64::MAX}}}));
    schedule.push(json!({"at_ms": 210, "op": "client", "node": 1,
        "request": {"type": "put", "key": "k", "value": "v", "context": {"c0": u64::MAX, "op1": 3}}}));
    schedule.push(json!({"at_ms": 220, "op": "skew", "node": 2, "rate": 7.3}));
    let s = run(json!({
        "protocol": "quorum", "nodes": 3, "until_ms": 2000,
        "params": {"clients": 3, "ops_per_s": 30, "sloppy": true, "anti_entropy_ms": 100},
        "schedule": schedule,
    }));
    assert!(s.violations().is_empty(), "{:?}", s.violations());
    let h = scripted(&s);
    assert!(!h[0].ok && h[1].ok);
}

/// Last-writer-wins orders versions by the coordinator's wall clock
/// (Dynamo §4.4 contrasts it with vector clocks): with n2's clock at a
/// quarter speed, the put it coordinates after another, and acknowledges,
/// carries the older stamp and is lost on every replica; the history is not
/// linearizable. The same run keeping siblings loses nothing.
#[test]
fn last_writer_wins_loses_an_acknowledged_write_to_a_slow_clock() {
    let lww = Scenario::from_json(include_str!(
        "../../../www/presets/quorum-lww-loses-a-write.json"
    ))
    .unwrap();
    let mut siblings = lww.clone();
    siblings.params["resolve"] = json!("siblings");
    for (s, lost, linearizable) in [(lww, 1, false), (siblings, 0, true)] {
        let mut sim = AnySim::new(&s, SimConfig::default()).unwrap();
        sim.run_to_end();
        let m = sim.metrics();
        assert_eq!(m["lost_writes"], lost, "{}", s.params["resolve"]);
        assert_eq!(m["linearizable"], linearizable);
        assert!(sim.violations().is_empty(), "LWW is exempt from freshness");
    }
}
