//! Logical clocks checked against the happens-before relation of the run
//! itself (Lamport 1978, §2–3; Fidge/Mattern vector clocks; Kulkarni et
//! al. 2014 hybrid logical clocks), over 1,000 seeded random executions
//! with skew, loss, duplication, partitions, crashes and hand-made events.

use faultline_core::protocols::clocks::{query, ClockEvent, Clocks, EventKind, EventRef, Relation};
use faultline_core::rng::Rng;
use faultline_core::sim::Observed;
use faultline_core::{Command, NodeId, Scenario, Sim, SimConfig, Time};
use std::collections::BTreeMap;

fn scenario(seed: u64, nodes: u32, rates: &[f64], rng: &mut Rng) -> Scenario {
    let mut schedule = Vec::new();
    for (i, rate) in rates.iter().enumerate() {
        schedule.push(serde_json::json!({"at_ms": 0, "op": "skew", "node": i, "rate": rate}));
    }
    for _ in 0..rng.between(0, 12) {
        let at = rng.between(1, 1_400);
        let node = rng.below(u64::from(nodes));
        let cmd = match rng.below(6) {
            0 => serde_json::json!({"op": "client", "node": node, "request": {"type": "local"}}),
            1 => serde_json::json!({"op": "client", "node": node,
                    "request": {"type": "send", "to": (node + 1) % u64::from(nodes)}}),
            2 => serde_json::json!({"op": "client", "node": node,
                    "request": {"type": "write", "value": format!("v{at}")}}),
            3 => {
                serde_json::json!({"op": "partition", "groups": [[0], (1..nodes).collect::<Vec<_>>()]})
            }
            4 => serde_json::json!({"op": "heal"}),
            _ => serde_json::json!({"op": "crash", "node": node}),
        };
        let mut entry = cmd;
        entry["at_ms"] = at.into();
        schedule.push(entry);
        if entry_is_crash(&schedule) {
            schedule.push(serde_json::json!({"at_ms": at + 100, "op": "restart", "node": node}));
        }
    }
    let json = serde_json::json!({
        "protocol": "clocks", "nodes": nodes, "seed": seed, "until_ms": 1_500,
        "network": {"latency_ms": [1, 30], "drop": rng.below(20) as f64 / 100.0,
                    "duplicate": rng.below(20) as f64 / 100.0},
        "params": {"events_per_s": 2.0 + rng.below(12) as f64, "send_probability": rng.unit()},
        "schedule": schedule,
    });
    Scenario::from_json(&json.to_string()).expect("valid clocks scenario")
}

fn entry_is_crash(schedule: &[serde_json::Value]) -> bool {
    schedule.last().is_some_and(|e| e["op"] == "crash")
}

/// Happens-before reachability: program order on each process, plus each
/// send to its receive(s), transitively closed (events are in time order,
/// so one forward pass suffices).
fn reachability(events: &[Observed<ClockEvent>]) -> Vec<Vec<u64>> {
    let n = events.len();
    let index: BTreeMap<EventRef, usize> = events
        .iter()
        .enumerate()
        .map(|(i, o)| (o.observation.event, i))
        .collect();
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut last_on: BTreeMap<NodeId, usize> = BTreeMap::new();
    for (i, o) in events.iter().enumerate() {
        if let Some(&p) = last_on.get(&o.node) {
            preds[i].push(p);
        }
        last_on.insert(o.node, i);
        if let EventKind::Recv { send } = o.observation.kind {
            preds[i].push(index[&send]);
        }
    }
    // reach[b] has bit a set when a happened before b.
    let words = n.div_ceil(64);
    let mut reach: Vec<Vec<u64>> = vec![vec![0; words]; n];
    for (b, preds) in preds.iter().enumerate() {
        for &p in preds {
            let (left, right) = reach.split_at_mut(b);
            for (mine, theirs) in right[0].iter_mut().zip(&left[p]) {
                *mine |= theirs;
            }
            right[0][p / 64] |= 1 << (p % 64);
        }
    }
    reach
}

fn happened_before(reach: &[Vec<u64>], a: usize, b: usize) -> bool {
    reach[b][a / 64] & (1 << (a % 64)) != 0
}

fn check(seed: u64) -> Result<usize, String> {
    let mut rng = Rng::new(seed);
    let nodes = rng.between(2, 8) as u32;
    let rates: Vec<f64> = (0..nodes)
        .map(|_| [0.5, 0.8, 1.0, 1.0, 1.25, 2.0][rng.below(6) as usize])
        .collect();
    let s = scenario(seed, nodes, &rates, &mut rng);
    let mut sim =
        Sim::<Clocks>::from_scenario(&s, SimConfig::default()).map_err(|e| e.to_string())?;
    sim.run_to_end();
    if !sim.violations().is_empty() {
        return Err(format!("violations: {:?}", sim.violations()));
    }
    let events = sim.observations();
    let reach = reachability(events);
    let max_rate = rates.iter().cloned().fold(0.0, f64::max);
    let mut last_hlc = BTreeMap::new();
    for (b, eb) in events.iter().enumerate() {
        let e = &eb.observation;
        // HLC: never backwards on a process, never behind its own clock, never
        // ahead of the fastest clock in the system.
        if let Some(prev) = last_hlc.insert(eb.node, e.hlc) {
            if e.hlc <= prev {
                return Err(format!("event {b}: HLC {:?} after {prev:?}", e.hlc));
            }
        }
        let rate_milli = (rates[eb.node.0 as usize] * 1000.0).round() as u64;
        let own = eb.at.micros() * rate_milli / 1000;
        let fastest = (eb.at.micros() as f64 * max_rate).ceil() as u64;
        if e.hlc.physical < own || e.hlc.physical > fastest {
            return Err(format!(
                "event {b}: HLC physical {} outside [{own}, {fastest}]",
                e.hlc.physical
            ));
        }
        for (a, ea) in events.iter().enumerate().take(b) {
            let hb = happened_before(&reach, a, b);
            let (rel, why) = query::relation(&ea.observation, e);
            // Vector order is exactly happens-before.
            if hb != (rel == Relation::Before) {
                return Err(format!(
                    "events {a},{b}: happens-before {hb} but vectors say {why}"
                ));
            }
            // The clock condition: a → b implies L(a) < L(b).
            if hb && ea.observation.lamport >= e.lamport {
                return Err(format!(
                    "events {a} → {b} but L {} >= {}",
                    ea.observation.lamport, e.lamport
                ));
            }
        }
    }
    Ok(events.len())
}

// Property over 1,000 seeded executions with skew and faults.
#[test]
fn vector_order_is_happens_before_and_clocks_keep_their_laws() {
    let mut total = 0;
    for seed in 0..1_000 {
        match check(seed) {
            Ok(n) => total += n,
            Err(e) => panic!("seed {seed}: {e}"),
        }
    }
    assert!(
        total > 20_000,
        "the executions are not trivial: {total} events"
    );
}

// Lamport 1978, §3: the converse of the clock condition does not hold; the
// query finds a concurrent pair ordered by Lamport time.
#[test]
fn lamport_order_is_not_causality() {
    let mut rng = Rng::new(5);
    let s = scenario(5, 4, &[1.0; 4], &mut rng);
    let mut sim = Sim::<Clocks>::from_scenario(&s, SimConfig::default()).unwrap();
    sim.run_until(Time::from_ms(2_000));
    let events = sim.observations();
    let (a, b) = query::lamport_limit_pair(events, 300).expect("a concurrent pair exists");
    let (ea, eb) = (&events[a].observation, &events[b].observation);
    assert!(ea.lamport < eb.lamport);
    assert_eq!(query::relation(ea, eb).0, Relation::Concurrent);
    // The causal past and future are disjoint and exclude concurrent events.
    let past = query::causal_past(events, b);
    let future = query::causal_future(events, b);
    assert!(!past.contains(&a) && !future.contains(&a));
    assert!(past.iter().all(|i| !future.contains(i)));
    assert!(past
        .iter()
        .all(|&i| query::relation(&events[i].observation, eb).0 == Relation::Before));
}

// Under skew, last-writer-wins keeps the write with the larger physical
// timestamp. It silently drops "b", written later and concurrently, and even
// "c", written by a node that had already seen "a"; the vector-clock
// register keeps "c", which causally overwrote both.
#[test]
fn lww_loses_a_write_that_the_vector_register_keeps() {
    let text = include_str!("../../../www/presets/clocks-lww-vs-vector.json");
    let mut sim =
        Sim::<Clocks>::from_scenario(&Scenario::from_json(text).unwrap(), SimConfig::default())
            .unwrap();
    sim.run_to_end();
    for (id, _, node) in sim.nodes() {
        let v = faultline_core::node::Protocol::view(node.expect("up"));
        assert_eq!(
            v.lww.winner.as_ref().map(|w| w.value.as_str()),
            Some("a"),
            "{id}"
        );
        assert_eq!(
            v.lww.discarded,
            vec!["b".to_string(), "c".to_string()],
            "{id}"
        );
        let siblings: Vec<&str> = v.mv.siblings.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(siblings, vec!["c"], "{id}");
    }
    // And "b" and "c" really were written later in real time.
    let writes: Vec<(Time, &str)> = sim
        .observations()
        .iter()
        .filter_map(|o| o.observation.write.as_deref().map(|w| (o.at, w)))
        .collect();
    let order: Vec<&str> = writes.iter().map(|(_, w)| *w).collect();
    assert_eq!(order, vec!["a", "b", "c"]);
    assert!(writes.windows(2).all(|w| w[0].0 < w[1].0));
}

// The run is deterministic and hand-made events are recorded.
#[test]
fn hand_made_events_are_recorded_and_replay() {
    let s = Scenario::from_json(
        r#"{"protocol":"clocks","nodes":3,"seed":1,"until_ms":500,
        "params":{"events_per_s":0}}"#,
    )
    .unwrap();
    let mut sim = Sim::<Clocks>::from_scenario(&s, SimConfig::default()).unwrap();
    sim.run_until(Time::from_ms(10));
    sim.apply(Command::Client {
        node: NodeId(0),
        request: serde_json::json!({"type":"send","to":2}),
    })
    .unwrap();
    sim.run_until(Time::from_ms(100));
    sim.apply(Command::Client {
        node: NodeId(2),
        request: serde_json::json!({"type":"local"}),
    })
    .unwrap();
    sim.run_to_end();
    let kinds: Vec<(u32, &str)> = sim
        .observations()
        .iter()
        .map(|o| {
            (
                o.node.0,
                match o.observation.kind {
                    EventKind::Local => "local",
                    EventKind::Send { .. } => "send",
                    EventKind::Recv { .. } => "recv",
                },
            )
        })
        .collect();
    assert_eq!(kinds, vec![(0, "send"), (2, "recv"), (2, "local")]);
    let mut again = Sim::<Clocks>::from_scenario(&sim.to_scenario(), SimConfig::default()).unwrap();
    again.run_to_end();
    assert_eq!(again.trace_hash(), sim.trace_hash());
    assert_eq!(again.observations(), sim.observations());
}
