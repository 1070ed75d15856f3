//! The space-time diagram model (`faultline_core::spacetime`) checked
//! against Lamport's happens-before relation (Lamport, "Time, Clocks, and
//! the Ordering of Events in a Distributed System", CACM 1978): on a
//! hand-made clocks run, on 200 seeded clocks runs against the protocol's
//! own stamps and causal queries, on a Raft run's trace, and in the ShiViz
//! export (ShiViz's log format: a parsing regular expression with the named
//! groups `host`, `event` and `clock`, one event per line, vector clocks as
//! JSON; each host's own counter starts at 1 and rises by 1).

use faultline_core::net::DropReason;
use faultline_core::protocols::clocks::{
    query, ClockEvent, Clocks, EventKind, EventRef, Hlc, Relation, VClock,
};
use faultline_core::protocols::raft::Raft;
use faultline_core::rng::Rng;
use faultline_core::sim::Observed;
use faultline_core::spacetime::{Arrow, Cone, Diagram, Mark, Point, SHIVIZ_REGEX};
use faultline_core::trace::{TraceEvent, TraceKind};
use faultline_core::{Command, MsgId, NodeId, OpId, Scenario, Sim, SimConfig, Time};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

const MS: u64 = 1_000;

fn n(i: u32) -> NodeId {
    NodeId(i)
}

fn ms(t: u64) -> Time {
    Time::from_ms(t)
}

// ---------------------------------------------------------------------------
// Structural checks shared by the tests.
// ---------------------------------------------------------------------------

/// Ids are dense, every arrow joins a Send point to a Recv point on its
/// `to_node` lane, and Lamport time rises strictly along every lane and
/// every arrow (Lamport 1978, the Clock Condition C1 and C2).
fn check_shape(d: &Diagram) -> Result<(), String> {
    for (i, p) in d.points.iter().enumerate() {
        if p.id != i {
            return Err(format!("point {i} has id {}", p.id));
        }
        if !d.lanes.contains(&p.node) {
            return Err(format!("point {i} on {} which has no lane", p.node));
        }
        if p.vector.len() < d.lanes.len() {
            return Err(format!("point {i}: vector {:?} too short", p.vector));
        }
    }
    for (k, a) in d.arrows.iter().enumerate() {
        let Some(from) = d.points.get(a.from) else {
            return Err(format!("arrow {k} from unknown point {}", a.from));
        };
        if from.mark != Mark::Send || from.at != a.sent_at {
            return Err(format!(
                "arrow {k} does not start at a send: {a:?} {from:?}"
            ));
        }
        if a.deliver_at < a.sent_at {
            return Err(format!("arrow {k} arrives before it leaves: {a:?}"));
        }
        if let Some(t) = a.to {
            let Some(to) = d.points.get(t) else {
                return Err(format!("arrow {k} to unknown point {t}"));
            };
            if to.mark != Mark::Recv || to.node != a.to_node || t <= a.from {
                return Err(format!("arrow {k} does not end at a receive: {a:?} {to:?}"));
            }
            if a.dropped_at.is_some() {
                return Err(format!("arrow {k} both arrived and dropped"));
            }
            // C2: the receive is later than the send.
            if from.lamport >= to.lamport {
                return Err(format!("arrow {k}: L {} -> {}", from.lamport, to.lamport));
            }
        }
    }
    // C1: later on a lane is later in Lamport time.
    let mut last: BTreeMap<NodeId, &Point> = BTreeMap::new();
    for p in &d.points {
        if let Some(q) = last.insert(p.node, p) {
            if q.lamport >= p.lamport || q.at > p.at {
                return Err(format!("lane {}: {q:?} then {p:?}", p.node));
            }
        }
    }
    Ok(())
}

/// Happens-before over the diagram's own points (program order per lane,
/// closed arrows), as bitsets: `reach[b]` has bit `a` when a → b. Points
/// are in time order, so one forward pass closes it transitively.
fn reachability(d: &Diagram) -> Vec<Vec<u64>> {
    let count = d.points.len();
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); count];
    let mut last: BTreeMap<NodeId, usize> = BTreeMap::new();
    for (i, p) in d.points.iter().enumerate() {
        if let Some(q) = last.insert(p.node, i) {
            preds[i].push(q);
        }
    }
    for a in &d.arrows {
        if let Some(t) = a.to {
            preds[t].push(a.from);
        }
    }
    let words = count.div_ceil(64);
    let mut reach = vec![vec![0u64; words]; count];
    for (b, preds) in preds.iter().enumerate() {
        for &p in preds {
            assert!(p < b, "a predecessor comes first");
            let (left, right) = reach.split_at_mut(b);
            for (mine, theirs) in right[0].iter_mut().zip(&left[p]) {
                *mine |= theirs;
            }
            right[0][p / 64] |= 1 << (p % 64);
        }
    }
    reach
}

/// Vector order is exactly happens-before, and each point's own counter is
/// its position on its lane.
fn check_vectors_are_happens_before(d: &Diagram) -> Result<(), String> {
    let reach = reachability(d);
    let clocks: Vec<VClock> = d.points.iter().map(|p| VClock(p.vector.clone())).collect();
    let mut on_lane: BTreeMap<NodeId, u64> = BTreeMap::new();
    for (b, pb) in d.points.iter().enumerate() {
        let k = on_lane.entry(pb.node).or_insert(0);
        *k += 1;
        if pb.vector[pb.node.0 as usize] != *k {
            return Err(format!("point {b}: own counter is not {k}: {pb:?}"));
        }
        for a in 0..b {
            let hb = reach[b][a / 64] & (1 << (a % 64)) != 0;
            let r = clocks[a].relation(&clocks[b]);
            if hb != (r == Relation::Before) || r == Relation::After || r == Relation::Equal {
                return Err(format!(
                    "points {a},{b}: happens-before {hb} but vectors {:?} {:?} are {r:?}",
                    clocks[a].0, clocks[b].0
                ));
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// ShiViz: a matcher for the one regular expression, and ShiViz's checks.
// ---------------------------------------------------------------------------

/// What `(?<host>\S*) (?<event>.*) (?<clock>{.*})` captures on one line, as
/// a backtracking engine does: `\S*` up to the first space, then the greedy
/// `.*` of `event` leaves the last ` {` for `clock`, which runs to the last
/// `}`. (JavaScript's `.` does not cross line breaks.)
fn shiviz_match(line: &str) -> Option<(&str, &str, &str)> {
    if line.contains(['\n', '\r', '\u{2028}', '\u{2029}']) {
        return None;
    }
    let host_end = line.find(char::is_whitespace)?;
    if !line[host_end..].starts_with(' ') {
        return None;
    }
    let host = &line[..host_end];
    let rest = &line[host_end + 1..];
    let close = rest.rfind('}')?;
    let open = rest[..close].rfind(" {")?;
    Some((host, &rest[..open], &rest[open + 1..=close]))
}

type Clock = BTreeMap<String, u64>;

/// Parses an export and applies ShiViz's own checks (its `ModelGraph`):
/// the regex line, a blank delimiter line, one matching line per point;
/// every clock is JSON with no zero entry and names its own host; each
/// host's own counter starts at 1 and rises by 1; every counter names an
/// event of the log, whose clock it dominates (so the clock is exactly the
/// one happens-before gives); and no line comes before one it happened
/// after. Returns the parsed lines.
fn check_shiviz(d: &Diagram) -> Result<Vec<(String, String, Clock)>, String> {
    let text = d.shiviz();
    let mut lines = text.lines();
    if lines.next() != Some(SHIVIZ_REGEX)
        || SHIVIZ_REGEX != r"(?<host>\S*) (?<event>.*) (?<clock>{.*})"
    {
        return Err("first line is not the regex".into());
    }
    if lines.next() != Some("") {
        return Err("second line is not blank".into());
    }
    let mut parsed = Vec::new();
    for line in lines {
        let (host, event, clock) =
            shiviz_match(line).ok_or_else(|| format!("line does not match: {line:?}"))?;
        let clock: Clock =
            serde_json::from_str(clock).map_err(|e| format!("clock of {line:?}: {e}"))?;
        if clock.values().any(|&v| v == 0) {
            return Err(format!("zero entry in {line:?}"));
        }
        if event.is_empty() {
            return Err(format!("empty event in {line:?}"));
        }
        parsed.push((host.to_string(), event.to_string(), clock));
    }
    if parsed.len() != d.points.len() {
        return Err(format!(
            "{} lines for {} points",
            parsed.len(),
            d.points.len()
        ));
    }
    // Own counters 1, 2, 3, … per host, in log order.
    let mut by_host: BTreeMap<&str, Vec<(usize, &Clock)>> = BTreeMap::new();
    for (line, (host, _, clock)) in parsed.iter().enumerate() {
        let list = by_host.entry(host.as_str()).or_default();
        if clock.get(host.as_str()).copied() != Some(list.len() as u64 + 1) {
            return Err(format!(
                "{host}: own counter {:?} after {}",
                clock.get(host),
                list.len()
            ));
        }
        list.push((line, clock));
    }
    let leq = |a: &Clock, b: &Clock| a.iter().all(|(h, v)| b.get(h).is_some_and(|w| v <= w));
    for (line, (host, _, clock)) in parsed.iter().enumerate() {
        for (other, &t) in clock {
            let events = by_host
                .get(other.as_str())
                .ok_or_else(|| format!("{host}: clock names unknown host {other}"))?;
            let &(at, named) = events
                .get(t as usize - 1)
                .ok_or_else(|| format!("{host}: {other}:{t} is past {other}'s events"))?;
            if !leq(named, clock) {
                return Err(format!(
                    "{host} {clock:?} does not include {other}:{t} {named:?}"
                ));
            }
            // Everything this event knows of comes earlier in the log (the
            // latest known event of each host, hence all before it).
            if other != host && at >= line {
                return Err(format!("line {line} comes before {other}:{t} on line {at}"));
            }
        }
    }
    Ok(parsed)
}

/// The export holds exactly the diagram's points: each host, label and
/// vector (zero entries left out) once.
fn check_shiviz_is_exact(d: &Diagram, parsed: &[(String, String, Clock)]) -> Result<(), String> {
    let mut want: Vec<(String, String, Clock)> = d
        .points
        .iter()
        .map(|p| {
            let clock = p
                .vector
                .iter()
                .enumerate()
                .filter(|(_, &v)| v > 0)
                .map(|(i, &v)| (format!("n{i}"), v))
                .collect();
            (p.node.to_string(), p.label.clone(), clock)
        })
        .collect();
    let mut got = parsed.to_vec();
    want.sort();
    got.sort();
    if want != got {
        return Err("the export differs from the points".into());
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// A hand-made clocks run.
// ---------------------------------------------------------------------------

fn hand_made() -> Sim<Clocks> {
    let s = Scenario::from_json(
        r#"{"protocol":"clocks","nodes":3,"seed":1,"until_ms":200,
        "network":{"latency_ms":[10,10]},
        "params":{"events_per_s":0},
        "schedule":[
          {"at_ms":10,"op":"client","node":0,"request":{"type":"send","to":1}},
          {"at_ms":30,"op":"client","node":1,"request":{"type":"local"}},
          {"at_ms":30,"op":"client","node":2,"request":{"type":"local"}},
          {"at_ms":40,"op":"client","node":2,"request":{"type":"send","to":0}},
          {"at_ms":45,"op":"client","node":0,"request":{"type":"local"}},
          {"at_ms":60,"op":"client","node":1,"request":{"type":"send","to":2}}
        ]}"#,
    )
    .unwrap();
    let mut sim = Sim::<Clocks>::from_scenario(&s, SimConfig::default()).unwrap();
    sim.run_until(ms(65));
    sim
}

fn pt(id: usize, node: u32, at: u64, mark: Mark, label: &str, lamport: u64, v: [u64; 3]) -> Point {
    Point {
        id,
        node: n(node),
        at: ms(at),
        mark,
        label: label.into(),
        lamport,
        vector: v.to_vec(),
        // No skew: the physical part is the real time, and every receive
        // comes after the message's stamp, so the logical part stays 0.
        hlc: Some(Hlc {
            physical: at * MS,
            logical: 0,
        }),
    }
}

// Lamport 1978, Fig. 1 in small: three processes, two delivered messages
// and one in flight. Lamport stamps follow IR1 (tick per event) and IR2
// (receive: max(own, message) + 1); vectors and cones follow causality.
#[test]
fn a_hand_made_clocks_run_gives_the_expected_points_arrows_and_stamps() {
    let sim = hand_made();
    let events = sim.observations();
    // The message n1 sent at 60 ms is still in flight; it arrives at 70 ms.
    let travelling = EventRef { node: n(1), seq: 3 };
    let d = Diagram::from_clock_events(events, 3, &[(travelling, ms(70))]);
    use Mark::{Local, Recv, Send};
    let want = vec![
        pt(0, 0, 10, Send, "send to n1", 1, [1, 0, 0]),
        pt(1, 1, 20, Recv, "recv from n0", 2, [1, 1, 0]),
        pt(2, 1, 30, Local, "local", 3, [1, 2, 0]),
        pt(3, 2, 30, Local, "local", 1, [0, 0, 1]),
        pt(4, 2, 40, Send, "send to n0", 2, [0, 0, 2]),
        pt(5, 0, 45, Local, "local", 2, [2, 0, 0]),
        pt(6, 0, 50, Recv, "recv from n2", 3, [3, 0, 2]),
        pt(7, 1, 60, Send, "send to n2", 4, [1, 3, 0]),
    ];
    assert_eq!(d.points, want);
    assert_eq!(d.lanes, vec![n(0), n(1), n(2)]);
    let arrow = |from, to, to_node, sent, deliver| Arrow {
        from,
        to,
        to_node: n(to_node),
        sent_at: ms(sent),
        deliver_at: ms(deliver),
        dropped_at: None,
    };
    assert_eq!(
        d.arrows,
        vec![
            arrow(0, Some(1), 1, 10, 20),
            arrow(4, Some(6), 0, 40, 50),
            arrow(7, None, 2, 60, 70),
        ]
    );
    // Without in-flight information the open arrow ends where it starts.
    let bare = Diagram::from_clock_events(events, 3, &[]);
    assert_eq!(bare.arrows[2], arrow(7, None, 2, 60, 60));
    assert_eq!(bare.points, d.points);

    // The receive at n0 (50 ms) knows of both sends and n0's local event;
    // n1's events after its receive are concurrent with it.
    assert_eq!(
        d.cone(6),
        Cone {
            past: vec![0, 3, 4, 5],
            future: vec![],
            concurrent: vec![1, 2, 7],
        }
    );
    assert_eq!(
        d.cone(0),
        Cone {
            past: vec![],
            future: vec![1, 2, 5, 6, 7],
            concurrent: vec![3, 4],
        }
    );
    // Lamport 1978, §3: L(4) = 2 < L(2) = 3, yet they are concurrent.
    assert!(d.points[4].lamport < d.points[2].lamport);
    assert!(d.cone(2).concurrent.contains(&4));
    assert_eq!(d.cone(99), Cone::default());

    // from_trace over the same run finds the same happens-before, hence the
    // same Lamport and vector stamps on its Send/Recv/Request points.
    let t = Diagram::from_trace(sim.trace(), 3);
    check_shape(&t).unwrap();
    check_vectors_are_happens_before(&t).unwrap();
    let moves: Vec<(NodeId, Time, Mark)> = t
        .points
        .iter()
        .filter(|p| p.label != "start")
        .map(|p| (p.node, p.at, p.mark))
        .collect();
    // A request is a Local point, then the protocol's send.
    assert_eq!(
        moves,
        vec![
            (n(0), ms(10), Local),
            (n(0), ms(10), Send),
            (n(1), ms(20), Recv),
            (n(1), ms(30), Local),
            (n(2), ms(30), Local),
            (n(2), ms(40), Local),
            (n(2), ms(40), Send),
            (n(0), ms(45), Local),
            (n(0), ms(50), Recv),
            (n(1), ms(60), Local),
            (n(1), ms(60), Send),
        ]
    );
    let open: Vec<&Arrow> = t.arrows.iter().filter(|a| a.to.is_none()).collect();
    assert_eq!(open.len(), 1);
    assert_eq!(
        (open[0].sent_at, open[0].deliver_at, open[0].to_node),
        (ms(60), ms(70), n(2))
    );
    assert!(t.points.iter().all(|p| p.hlc.is_none()));

    let parsed = check_shiviz(&d).unwrap();
    check_shiviz_is_exact(&d, &parsed).unwrap();
    assert_eq!(
        d.shiviz().lines().nth(2),
        Some(r#"n0 send to n1 {"n0":1}"#),
        "the first event's line"
    );
    assert!(d.shiviz().contains(r#"n0 recv from n2 {"n0":3,"n2":2}"#));
}

// ---------------------------------------------------------------------------
// 200 seeded clocks runs with workload and faults.
// ---------------------------------------------------------------------------

fn clocks_scenario(seed: u64) -> (Scenario, u32) {
    let mut rng = Rng::new(seed ^ 0x5EED);
    let nodes = rng.between(2, 8) as u32;
    let mut schedule = Vec::new();
    for i in 0..nodes {
        let rate = [0.5, 1.0, 1.0, 2.0][rng.below(4) as usize];
        schedule.push(serde_json::json!({"at_ms": 0, "op": "skew", "node": i, "rate": rate}));
    }
    for _ in 0..rng.between(0, 8) {
        let at = rng.between(1, 900);
        let node = rng.below(u64::from(nodes));
        let mut cmd = match rng.below(5) {
            0 => serde_json::json!({"op": "client", "node": node, "request": {"type": "local"}}),
            1 => serde_json::json!({"op": "client", "node": node,
                    "request": {"type": "send", "to": (node + 1) % u64::from(nodes)}}),
            2 => serde_json::json!({"op": "client", "node": node,
                    "request": {"type": "write", "value": format!("v{at}")}}),
            3 => serde_json::json!({"op": "partition",
                    "groups": [[0], (1..nodes).collect::<Vec<_>>()]}),
            _ => serde_json::json!({"op": "heal"}),
        };
        cmd["at_ms"] = at.into();
        schedule.push(cmd);
    }
    let json = serde_json::json!({
        "protocol": "clocks", "nodes": nodes, "seed": seed, "until_ms": 1_000,
        "network": {"latency_ms": [1, 40], "drop": rng.below(15) as f64 / 100.0,
                    "duplicate": rng.below(25) as f64 / 100.0},
        "params": {"events_per_s": 3.0 + rng.below(10) as f64, "send_probability": rng.unit()},
        "schedule": schedule,
    });
    (Scenario::from_json(&json.to_string()).unwrap(), nodes)
}

struct ClocksRun {
    points: usize,
    duplicated: usize,
}

fn check_clocks_run(seed: u64) -> Result<ClocksRun, String> {
    let (s, nodes) = clocks_scenario(seed);
    let mut sim = Sim::<Clocks>::from_scenario(&s, SimConfig::default()).unwrap();
    sim.run_to_end();
    let events: &[Observed<ClockEvent>] = sim.observations();
    let d = Diagram::from_clock_events(events, nodes as usize, &[]);
    check_shape(&d)?;
    if d.points.len() != events.len() || d.lanes.len() != nodes as usize {
        return Err(format!(
            "{} points for {} events",
            d.points.len(),
            events.len()
        ));
    }
    let index: BTreeMap<EventRef, usize> = events
        .iter()
        .enumerate()
        .map(|(i, o)| (o.observation.event, i))
        .collect();
    let mut recvs_of: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, (p, o)) in d.points.iter().zip(events).enumerate() {
        let e = &o.observation;
        let mark = match e.kind {
            EventKind::Local => Mark::Local,
            EventKind::Send { .. } => Mark::Send,
            EventKind::Recv { send } => {
                recvs_of.entry(index[&send]).or_default().push(i);
                Mark::Recv
            }
        };
        // The protocol's own stamps, untouched.
        if p.vector != e.vector.0
            || p.lamport != e.lamport
            || p.hlc != Some(e.hlc)
            || p.mark != mark
            || p.node != o.node
            || p.at != o.at
        {
            return Err(format!("point {i} {p:?} is not event {o:?}"));
        }
    }
    // Every receive has exactly the arrow from its send; a send nobody
    // received has one open arrow; a duplicated message has two arrows.
    let mut duplicated = 0;
    for (s, p) in d
        .points
        .iter()
        .enumerate()
        .filter(|(_, p)| p.mark == Mark::Send)
    {
        let arrows: Vec<&Arrow> = d.arrows.iter().filter(|a| a.from == s).collect();
        let mut closed: Vec<usize> = arrows.iter().filter_map(|a| a.to).collect();
        closed.sort();
        let want = recvs_of.get(&s).cloned().unwrap_or_default();
        if closed != want {
            return Err(format!("send {s}: arrows to {closed:?}, receives {want:?}"));
        }
        if want.is_empty() {
            let open = arrows.first().copied();
            if arrows.len() != 1 || open.is_none_or(|a| a.deliver_at != p.at || a.to.is_some()) {
                return Err(format!("send {s} with no receive: {arrows:?}"));
            }
        } else if arrows.len() != want.len() {
            return Err(format!("send {s}: extra arrows {arrows:?}"));
        }
        if want.len() > 1 {
            duplicated += 1;
        }
    }
    // The cone agrees with the protocol's causal queries.
    let step = (events.len() / 40).max(1);
    for i in (0..events.len())
        .step_by(step)
        .chain([events.len().saturating_sub(1)])
    {
        let cone = d.cone(i);
        let past = query::causal_past(events, i);
        let future = query::causal_future(events, i);
        if cone.past != past || cone.future != future {
            return Err(format!(
                "event {i}: cone {cone:?}, queries {past:?} {future:?}"
            ));
        }
        let others: BTreeSet<usize> = (0..events.len())
            .filter(|&j| j != i && !past.contains(&j) && !future.contains(&j))
            .collect();
        if cone.concurrent.iter().copied().collect::<BTreeSet<_>>() != others
            || cone.concurrent.len() != others.len()
            || !cone.concurrent.iter().all(|&j| {
                query::relation(&events[j].observation, &events[i].observation).0
                    == Relation::Concurrent
            })
        {
            return Err(format!("event {i}: concurrent {:?}", cone.concurrent));
        }
    }
    let parsed = check_shiviz(&d)?;
    check_shiviz_is_exact(&d, &parsed)?;
    // Trimmed for a live view: still well formed, still valid for ShiViz.
    let mut trimmed = d.clone();
    trimmed.keep_last(d.points.len() / 3);
    check_kept(&d, &trimmed, d.points.len() / 3)?;
    check_shiviz(&trimmed)?;
    Ok(ClocksRun {
        points: d.points.len(),
        duplicated,
    })
}

#[test]
fn two_hundred_clocks_runs_keep_the_protocols_stamps_and_causality() {
    let (mut points, mut duplicated) = (0, 0);
    for seed in 0..200 {
        match check_clocks_run(seed) {
            Ok(r) => {
                points += r.points;
                duplicated += r.duplicated;
            }
            Err(e) => panic!("seed {seed}: {e}"),
        }
    }
    assert!(points > 10_000, "the runs are not trivial: {points} points");
    assert!(duplicated > 0, "some message was received twice");
}

// ---------------------------------------------------------------------------
// Raft, from its trace.
// ---------------------------------------------------------------------------

fn raft_run(trace_capacity: usize) -> Sim<Raft> {
    let text = include_str!("../../../www/presets/raft-minority-partition.json");
    let config = SimConfig {
        trace_capacity,
        ..SimConfig::default()
    };
    let mut sim = Sim::<Raft>::from_scenario(&Scenario::from_json(text).unwrap(), config).unwrap();
    sim.run_to_end();
    sim
}

// Every trace entry that is an event lands on its lane, in order; every
// Deliver closes its message's arrow, every Drop marks it dropped (a drop
// at send time, in the partition, is a send with an arrow dropped at once).
#[test]
fn a_raft_trace_gives_closed_and_dropped_arrows_and_happens_before_stamps() {
    let sim = raft_run(1 << 20);
    let trace: Vec<&TraceEvent> = sim.trace().collect();
    assert_eq!(trace.len() as u64, sim.trace_len(), "the whole run is kept");
    let d = Diagram::from_trace(trace.iter().copied(), 5);
    check_shape(&d).unwrap();
    let arrows_from: BTreeMap<usize, &Arrow> = d.arrows.iter().map(|a| (a.from, a)).collect();
    assert_eq!(arrows_from.len(), d.arrows.len(), "one arrow per send");
    let mut sent: BTreeMap<MsgId, usize> = BTreeMap::new();
    let (mut k, mut delivered, mut dropped, mut dropped_at_send) = (0, 0, 0, 0);
    let point = |k: usize, node: NodeId, at: Time, mark: Mark| {
        let p = &d.points[k];
        assert_eq!((p.node, p.at, p.mark), (node, at, mark), "point {k}");
        assert!(p.hlc.is_none() && !p.label.is_empty());
    };
    for e in &trace {
        match &e.kind {
            TraceKind::Start { node }
            | TraceKind::Timer { node, .. }
            | TraceKind::Request { node, .. } => {
                point(k, *node, e.at, Mark::Local);
                k += 1;
            }
            TraceKind::Send {
                from,
                to,
                msg,
                deliver_at,
                summary,
                ..
            } => {
                point(k, *from, e.at, Mark::Send);
                assert_eq!(&d.points[k].label, summary);
                let a = arrows_from[&k];
                assert_eq!((a.to_node, a.sent_at), (*to, e.at));
                assert!(a.deliver_at >= *deliver_at);
                sent.insert(*msg, k);
                k += 1;
            }
            TraceKind::Deliver { to, msg, .. } => {
                point(k, *to, e.at, Mark::Recv);
                let a = arrows_from[&sent[msg]];
                assert_eq!((a.to, a.dropped_at), (Some(k), None), "{e:?}");
                assert_eq!(a.deliver_at, e.at);
                delivered += 1;
                k += 1;
            }
            TraceKind::Drop {
                from,
                to,
                msg,
                reason,
                ..
            } => {
                dropped += 1;
                if let Some(s) = sent.get(msg) {
                    let a = arrows_from[s];
                    assert_eq!((a.to, a.dropped_at), (None, Some(e.at)), "{e:?}");
                } else {
                    assert_eq!(*reason, DropReason::Partition);
                    point(k, *from, e.at, Mark::Send);
                    let a = arrows_from[&k];
                    assert_eq!(
                        (a.to, a.to_node, a.sent_at, a.dropped_at),
                        (None, *to, e.at, Some(e.at))
                    );
                    sent.insert(*msg, k);
                    dropped_at_send += 1;
                    k += 1;
                }
            }
            TraceKind::Reply { .. } | TraceKind::Command { .. } | TraceKind::Ignored { .. } => {}
        }
    }
    assert_eq!(k, d.points.len());
    assert!(delivered > 500 && dropped_at_send > 10 && dropped > dropped_at_send);
    assert_eq!(
        d.arrows.iter().filter(|a| a.to.is_some()).count(),
        delivered
    );
    assert_eq!(
        d.arrows.iter().filter(|a| a.dropped_at.is_some()).count(),
        dropped
    );
    // Lamport 1978, §2: the vectors order exactly the happens-before pairs.
    check_vectors_are_happens_before(&d).unwrap();
    let parsed = check_shiviz(&d).unwrap();
    check_shiviz_is_exact(&d, &parsed).unwrap();
}

// The sim's default window starts mid-run: deliveries whose send fell out
// of it are receives without arrows, and nothing else breaks.
#[test]
fn a_trace_window_that_starts_mid_run_still_gives_a_consistent_diagram() {
    for capacity in [1, 50, 300, 5_000] {
        let sim = raft_run(capacity);
        let d = Diagram::from_trace(sim.trace(), 5);
        check_shape(&d).unwrap();
        check_vectors_are_happens_before(&d).unwrap();
        check_shiviz(&d).unwrap();
        let closed: BTreeSet<usize> = d.arrows.iter().filter_map(|a| a.to).collect();
        let delivers = sim
            .trace()
            .filter(|e| matches!(e.kind, TraceKind::Deliver { .. }))
            .count();
        let recvs = d.points.iter().filter(|p| p.mark == Mark::Recv).count();
        assert_eq!(recvs, delivers, "capacity {capacity}");
        assert!(closed.len() <= recvs);
        if capacity >= 300 {
            assert!(closed.len() + 40 > recvs, "only the first few are orphans");
        }
    }
}

// ---------------------------------------------------------------------------
// keep_last.
// ---------------------------------------------------------------------------

/// `kept` is `full` trimmed to its newest `max` points: dense ids, the same
/// points (and stamps) shifted down, and exactly the arrows whose send and
/// (if any) receive survived.
fn check_kept(full: &Diagram, kept: &Diagram, max: usize) -> Result<(), String> {
    check_shape(kept)?;
    let cut = full.points.len().saturating_sub(max);
    if kept.points.len() != full.points.len() - cut {
        return Err(format!(
            "kept {} of {}",
            kept.points.len(),
            full.points.len()
        ));
    }
    for (p, q) in kept.points.iter().zip(&full.points[cut..]) {
        if p.id + cut != q.id
            || (Point {
                id: q.id,
                ..p.clone()
            }) != *q
        {
            return Err(format!("{p:?} is not {q:?}"));
        }
    }
    let want: Vec<Arrow> = full
        .arrows
        .iter()
        .filter(|a| a.from >= cut && a.to.is_none_or(|t| t >= cut))
        .map(|a| Arrow {
            from: a.from - cut,
            to: a.to.map(|t| t - cut),
            ..a.clone()
        })
        .collect();
    if kept.arrows != want {
        return Err("arrows differ".into());
    }
    if kept.lanes != full.lanes {
        return Err("lanes changed".into());
    }
    Ok(())
}

#[test]
fn keep_last_keeps_ids_dense_and_arrows_valid() {
    let sim = raft_run(1 << 20);
    let full = Diagram::from_trace(sim.trace(), 5);
    let len = full.points.len();
    for max in [0, 1, 2, 7, 100, len / 2, len - 1, len, len + 10] {
        let mut d = full.clone();
        d.keep_last(max);
        check_kept(&full, &d, max).unwrap_or_else(|e| panic!("max {max}: {e}"));
        // Trimming what is trimmed changes nothing.
        let again = {
            let mut x = d.clone();
            x.keep_last(max);
            x
        };
        assert_eq!(again, d);
        // Cut in the middle of messages: some receives lose their arrow.
        if (1..len).contains(&max) {
            check_shiviz(&d).unwrap_or_else(|e| panic!("max {max}: {e}"));
        }
    }
    let mut empty = full.clone();
    empty.keep_last(0);
    assert!(empty.points.is_empty() && empty.arrows.is_empty());
    assert_eq!(
        empty.shiviz(),
        format!("{SHIVIZ_REGEX}\n\n"),
        "no points, no lines"
    );
    // The hand-made run trimmed to its last three points: the open arrow
    // survives with its send; the arrow into n0's receive loses its send.
    let sim = hand_made();
    let mut d = Diagram::from_clock_events(sim.observations(), 3, &[]);
    d.keep_last(3);
    assert_eq!(d.points.iter().map(|p| p.id).collect::<Vec<_>>(), [0, 1, 2]);
    assert_eq!(d.arrows.len(), 1);
    assert_eq!((d.arrows[0].from, d.arrows[0].to), (2, None));
    // ShiViz sees n0 from its 2nd event on, renumbered from 1.
    let parsed = check_shiviz(&d).unwrap();
    assert_eq!(parsed[0].2, BTreeMap::from([("n0".to_string(), 1)]));
}

// ---------------------------------------------------------------------------
// ShiViz output details.
// ---------------------------------------------------------------------------

#[test]
fn shiviz_lines_match_the_regex_even_with_awkward_labels() {
    let mut d = Diagram::from_clock_events(hand_made().observations(), 3, &[]);
    d.points[0].label = "two\nlines {\"n9\":7} and\r\u{2028}more".into();
    d.points[1].label = String::new();
    d.points[2].label = "   ".into();
    let parsed = check_shiviz(&d).unwrap();
    let events: Vec<&str> = parsed.iter().map(|(_, e, _)| e.as_str()).collect();
    assert!(events.contains(&"two lines {\"n9\":7} and  more"));
    assert!(events.contains(&"recv") && events.contains(&"local"));
    // The matcher agrees with the regex on the tricky case.
    assert_eq!(
        shiviz_match(r#"n0 a {b} c {"n0":1}"#),
        Some(("n0", "a {b} c", r#"{"n0":1}"#))
    );
    assert_eq!(shiviz_match("n0 no clock"), None);
}

// ---------------------------------------------------------------------------
// Cost and robustness.
// ---------------------------------------------------------------------------

/// A random trace over `lanes` nodes: requests, timers, sends, deliveries
/// (FIFO), losses, drops at send time and noise entries.
fn synthetic_trace(entries: usize, lanes: u32, seed: u64) -> Vec<TraceEvent> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::with_capacity(entries);
    let mut pending: std::collections::VecDeque<(NodeId, NodeId, MsgId, Time)> = Default::default();
    let mut next_msg = 0;
    let mut now = 0;
    while out.len() < entries {
        now += rng.below(500);
        let at = Time(now);
        let node = n(rng.below(u64::from(lanes)) as u32);
        let kind = match rng.below(10) {
            0 => TraceKind::Timer {
                node,
                timer: "tick",
            },
            1 => TraceKind::Request {
                node,
                op: OpId(out.len() as u64),
                summary: "op".into(),
            },
            2 => TraceKind::Command {
                op: "heal",
                summary: String::new(),
            },
            3..=5 => {
                let to = n(rng.below(u64::from(lanes)) as u32);
                let msg = MsgId(next_msg);
                next_msg += 1;
                if rng.chance(0.05) {
                    TraceKind::Drop {
                        from: node,
                        to,
                        msg,
                        message: "m",
                        reason: DropReason::Partition,
                    }
                } else {
                    let deliver_at = at + rng.between(100, 3_000);
                    pending.push_back((node, to, msg, deliver_at));
                    TraceKind::Send {
                        from: node,
                        to,
                        msg,
                        message: "m",
                        summary: format!("m{}", msg.0),
                        deliver_at,
                    }
                }
            }
            _ => match pending.pop_front() {
                Some((from, to, msg, _)) if rng.chance(0.9) => TraceKind::Deliver {
                    from,
                    to,
                    msg,
                    message: "m",
                    summary: String::new(),
                },
                Some((from, to, msg, _)) => TraceKind::Drop {
                    from,
                    to,
                    msg,
                    message: "m",
                    reason: DropReason::Loss,
                },
                None => TraceKind::Start { node },
            },
        };
        out.push(TraceEvent {
            seq: out.len() as u64,
            at,
            kind,
        });
    }
    out
}

// from_trace is linear: 2,000 entries over 8 lanes take about a
// millisecond, 50,000 about 50 ms even in a debug build; quadratic work
// would take seconds on the latter.
#[test]
fn from_trace_is_cheap() {
    let small = synthetic_trace(2_000, 8, 1);
    let start = Instant::now();
    for _ in 0..20 {
        let d = Diagram::from_trace(small.iter(), 8);
        assert!(d.points.len() > 1_500);
    }
    let per_call = start.elapsed() / 20;
    assert!(per_call.as_millis() < 50, "2,000 entries took {per_call:?}");
    let d = Diagram::from_trace(small.iter(), 8);
    check_shape(&d).unwrap();
    check_vectors_are_happens_before(&d).unwrap();
    check_shiviz(&d).unwrap();

    let big = synthetic_trace(50_000, 8, 2);
    let start = Instant::now();
    let d = Diagram::from_trace(big.iter(), 8);
    let took = start.elapsed();
    assert!(took.as_millis() < 2_000, "50,000 entries took {took:?}");
    check_shape(&d).unwrap();
    assert!(d.points.len() > 35_000);
    // A cone over it is one pass (O(points × lanes)).
    let start = Instant::now();
    let cone = d.cone(d.points.len() / 2);
    assert!(start.elapsed().as_secs() < 5);
    assert_eq!(
        cone.past.len() + cone.future.len() + cone.concurrent.len(),
        d.points.len() - 1
    );
}

// Nonsense in, a diagram out: no panics on any input.
#[test]
fn odd_inputs_do_not_panic() {
    let e = |at: u64, kind: TraceKind| TraceEvent {
        seq: 0,
        at: Time(at),
        kind,
    };
    let trace = vec![
        // A delivery whose send is not in the window; then its message id
        // delivered again, dropped, and a drop of a message never sent.
        e(
            5,
            TraceKind::Deliver {
                from: n(0),
                to: n(1),
                msg: MsgId(3),
                message: "m",
                summary: String::new(),
            },
        ),
        e(
            6,
            TraceKind::Drop {
                from: n(1),
                to: n(0),
                msg: MsgId(1),
                message: "m",
                reason: DropReason::Loss,
            },
        ),
        e(
            7,
            TraceKind::Send {
                from: n(0),
                to: n(99),
                msg: MsgId(4),
                message: "m",
                summary: String::new(),
                deliver_at: Time(1),
            },
        ),
        e(
            8,
            TraceKind::Deliver {
                from: n(0),
                to: n(99),
                msg: MsgId(4),
                message: "m",
                summary: String::new(),
            },
        ),
        e(
            9,
            TraceKind::Send {
                from: n(0),
                to: n(1),
                msg: MsgId(5),
                message: "m",
                summary: String::new(),
                deliver_at: Time(20),
            },
        ),
        e(
            30,
            TraceKind::Deliver {
                from: n(0),
                to: n(1),
                msg: MsgId(5),
                message: "m",
                summary: String::new(),
            },
        ),
        e(
            31,
            TraceKind::Deliver {
                from: n(0),
                to: n(1),
                msg: MsgId(5),
                message: "m",
                summary: String::new(),
            },
        ),
        e(
            32,
            TraceKind::Drop {
                from: n(0),
                to: n(1),
                msg: MsgId(5),
                message: "m",
                reason: DropReason::Manual,
            },
        ),
        e(
            33,
            TraceKind::Start {
                node: NodeId(u32::MAX),
            },
        ),
    ];
    let d = Diagram::from_trace(trace.iter(), 2);
    check_shape(&d).unwrap();
    check_vectors_are_happens_before(&d).unwrap();
    // The orphan delivery, the send to a node with no lane (its arrow stays
    // open), the send delivered twice (two arrows; the delay moved the
    // first arrow's deliver_at to the real arrival).
    let marks: Vec<Mark> = d.points.iter().map(|p| p.mark).collect();
    assert_eq!(
        marks,
        [Mark::Recv, Mark::Send, Mark::Send, Mark::Recv, Mark::Recv]
    );
    assert_eq!(d.arrows.len(), 3);
    assert_eq!((d.arrows[0].to, d.arrows[0].to_node), (None, n(99)));
    assert_eq!(
        (d.arrows[1].to, d.arrows[1].deliver_at),
        (Some(3), Time(30))
    );
    assert_eq!((d.arrows[2].from, d.arrows[2].to), (2, Some(4)));
    check_shiviz(&d).unwrap();
    for nodes in [0, 1, usize::MAX] {
        let d = Diagram::from_trace(trace.iter(), nodes);
        check_shape(&d).unwrap();
        let _ = d.shiviz();
        let _ = d.cone(0);
    }
    assert_eq!(Diagram::from_trace(std::iter::empty(), 3).points, vec![]);

    // Observations that name unknown sends, off-lane nodes, short vectors.
    let ev = |node: u32, seq: u64, kind: EventKind, vector: Vec<u64>| Observed {
        at: Time(seq),
        node: n(node),
        observation: ClockEvent {
            event: EventRef { node: n(node), seq },
            kind,
            lamport: seq,
            vector: VClock(vector),
            hlc: Hlc::default(),
            write: None,
        },
    };
    let ghost = EventRef {
        node: n(7),
        seq: 40,
    };
    let events = vec![
        ev(0, 1, EventKind::Recv { send: ghost }, vec![1]),
        ev(5, 1, EventKind::Local, vec![0, 0, 0, 0, 0, 1]),
        ev(0, 2, EventKind::Send { to: n(1) }, vec![2]),
        ev(
            1,
            1,
            EventKind::Recv {
                send: EventRef { node: n(0), seq: 1 },
            },
            vec![],
        ),
    ];
    let d = Diagram::from_clock_events(&events, 2, &[(ghost, Time(9))]);
    assert_eq!(d.points.len(), 3, "the event on n5 has no lane");
    assert_eq!(d.points[2].vector, vec![0, 0], "padded to the lanes");
    // The receive naming a receive (not a send) gets no arrow.
    assert_eq!(d.arrows.len(), 1);
    assert_eq!((d.arrows[0].from, d.arrows[0].to), (1, None));
    for nodes in [0, usize::MAX] {
        let d = Diagram::from_clock_events(&events, nodes, &[]);
        let _ = (d.shiviz(), d.cone(1), d.cone(usize::MAX));
        let mut k = d.clone();
        k.keep_last(1);
        k.keep_last(usize::MAX);
    }
    // A hand-built diagram with arrows to nowhere is cleaned by keep_last.
    let mut bad = Diagram::from_clock_events(&events, 2, &[]);
    bad.arrows.push(Arrow {
        from: 17,
        to: Some(1),
        to_node: n(0),
        sent_at: Time(0),
        deliver_at: Time(0),
        dropped_at: None,
    });
    bad.arrows.push(Arrow {
        from: 1,
        to: Some(99),
        to_node: n(1),
        sent_at: Time(2),
        deliver_at: Time(3),
        dropped_at: None,
    });
    bad.keep_last(usize::MAX);
    assert_eq!(bad.arrows.len(), 1);
    // Equal vectors (impossible in a run) are neither before, after nor
    // concurrent.
    bad.points[2].vector = bad.points[1].vector.clone();
    assert_eq!(
        bad.cone(1),
        Cone {
            past: vec![0],
            future: vec![],
            concurrent: vec![],
        }
    );
    // Commands and replies are not points; applying one shows in a run.
    let mut sim = hand_made();
    sim.apply(Command::Heal).unwrap();
    let before = Diagram::from_trace(hand_made().trace(), 3);
    assert_eq!(Diagram::from_trace(sim.trace(), 3), before);
}
