//! The counterexample search behind `faultline explore`: run a scenario
//! many times, each with its own seed and a random schedule of faults
//! added (crash and restart, pause and resume, partitions, one-way cuts,
//! a link that loses, duplicates or delays messages, clock skew, and where
//! membership may change, a node removed and a fresh one added), check
//! every named invariant after every event, and on the
//! first failure shrink the schedule (delta debugging: drop commands, end
//! the run at the violation, start fewer nodes) to a small one that still
//! breaks the same property.
//!
//! Where the protocol's checker names the kinds of state a run reaches
//! (Raft's does), every 16th run is also guided: it adds faults one at a
//! time, mostly just after the moments the schedule so far first reached
//! a new kind, and keeps those that reach another, which finds bugs that
//! need a chain of well-timed faults (Figure 8) that random schedules
//! almost never hit.
//!
//! Run `i` depends only on the scenario, the search seed and `i`, so runs
//! can be spread over any number of threads and the first counterexample
//! (the lowest failing `i`) is the same however many ran it.

use crate::command::{Command, Scheduled};
use crate::id::NodeId;
use crate::invariant::Violation;
use crate::net::LinkParams;
use crate::rng::Rng;
use crate::scenario::{Scenario, ScenarioError};
use crate::sim::SimConfig;
use crate::time::Time;
use crate::AnySim;

/// At most this many faults are added to one run.
pub const MAX_FAULTS: u64 = 8;

/// A failing run, shrunk.
#[derive(Clone, Debug, PartialEq)]
pub struct Counterexample {
    /// The scenario that breaks the property: the run's seed and faults,
    /// shrunk.
    pub scenario: Scenario,
    /// The first violation it shows.
    pub violation: Violation,
}

/// The scenario of run `run` of a search seeded `seed`. Run 0 is `base`
/// as written (a scenario that already fails is reported, and shrunk, at
/// once); every later run is `base` with its own simulator seed and up to
/// [`MAX_FAULTS`] faults added to its schedule, at whole milliseconds
/// before `until_ms`.
pub fn candidate(base: &Scenario, seed: u64, run: u64) -> Scenario {
    if run == 0 {
        return base.clone();
    }
    let mut rng = Rng::stream(seed, run);
    let mut s = base.clone();
    s.seed = rng.next_u64() >> 11;
    let until = base.until_ms.max(2);
    // The window each node is already down or frozen in, so a crash never
    // overlaps another crash or a pause of the same node.
    let mut busy: Vec<Vec<(u64, u64)>> = vec![Vec::new(); base.nodes as usize];
    let mut added = Vec::new();
    let mut last = 0;
    for _ in 0..rng.between(1, MAX_FAULTS) {
        // Half the faults anywhere in the run, as often in its first
        // milliseconds (where clusters elect and first requests land) as in
        // any later span of the same ratio; half in a burst just after the
        // one before (most bugs need two faults close together).
        let at = if rng.chance(0.5) {
            log_uniform(&mut rng, until - 1) - 1
        } else {
            (last + log_uniform(&mut rng, 500)).min(until - 2)
        };
        last = at;
        added.extend(fault(&mut rng, base, &mut busy, at).into_iter().flatten());
    }
    add_to_schedule(&mut s, added);
    s
}

/// Adds `commands` to `s`'s schedule, in time order. The sort is stable:
/// the scenario's own commands keep their order at equal times.
fn add_to_schedule(s: &mut Scenario, commands: impl IntoIterator<Item = Scheduled>) {
    s.schedule.extend(commands);
    crate::sorting::sort_by(&mut s.schedule, |a, b| a.at.cmp(&b.at));
}

/// One fault starting at `at` ms and the command that ends it, lasting
/// from a millisecond to a third of the run, log-uniformly; none if the
/// draw names a node already down (`busy` keeps each node's windows), an
/// empty side, or a cut from a node to itself.
fn fault(
    rng: &mut Rng,
    base: &Scenario,
    busy: &mut [Vec<(u64, u64)>],
    at: u64,
) -> Option<[Scheduled; 2]> {
    let until = base.until_ms.max(2);
    let normal = base.network.link_params();
    // Protocols whose membership may change also get a node removed and,
    // later, a fresh one added (the others keep the six kinds of fault, and
    // the same runs).
    let kinds = if base.protocol.info().is_some_and(|i| i.dynamic_membership) {
        7
    } else {
        6
    };
    let end = (at + log_uniform(rng, until / 3)).min(until - 1);
    let node = NodeId(rng.below(u64::from(base.nodes)) as u32);
    let pair = match rng.below(kinds) {
        0 | 1 => {
            let windows = &mut busy[node.0 as usize];
            if windows.iter().any(|&(a, b)| at <= b && a <= end) {
                return None;
            }
            windows.push((at, end));
            if rng.chance(0.5) {
                (Command::Crash { node }, Command::Restart { node })
            } else {
                (Command::Pause { node }, Command::Resume { node })
            }
        }
        2 => {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            for n in 0..base.nodes {
                if rng.chance(0.5) { &mut a } else { &mut b }.push(NodeId(n));
            }
            if a.is_empty() || b.is_empty() {
                return None;
            }
            (Command::Partition { groups: vec![a, b] }, Command::Heal)
        }
        3 => {
            let to = NodeId(rng.below(u64::from(base.nodes)) as u32);
            if to == node {
                return None;
            }
            (Command::Cut { from: node, to }, Command::Heal)
        }
        4 => {
            // One direction of one link, or the whole network.
            let to = NodeId(rng.below(u64::from(base.nodes)) as u32);
            let between = (to != node && rng.chance(0.5)).then_some((node, to));
            (bad_link(rng, between, normal), restore(between, normal))
        }
        6 => {
            // Gone for good: no later fault of this node applies.
            let windows = &mut busy[node.0 as usize];
            if windows.iter().any(|&(_, b)| at <= b) {
                return None;
            }
            windows.push((at, until));
            (Command::RemoveNode { node }, Command::AddNode)
        }
        _ => {
            let rate = [0.25, 0.5, 2.0, 4.0][rng.below(4) as usize];
            (
                Command::Skew { node, rate },
                Command::Skew { node, rate: 1.0 },
            )
        }
    };
    Some([
        Scheduled {
            at: Time::from_ms(at),
            command: pair.0,
        },
        Scheduled {
            at: Time::from_ms(end),
            command: pair.1,
        },
    ])
}

/// A link (`between`, or every link) turned bad for a while: it loses or
/// duplicates half its messages, or its latency grows tenfold (so messages
/// overtake each other and timers fire before replies land).
fn bad_link(rng: &mut Rng, between: Option<(NodeId, NodeId)>, normal: LinkParams) -> Command {
    let (lo, hi) = normal.latency;
    let kind = rng.below(3);
    Command::Link {
        from: between.map(|b| b.0),
        to: between.map(|b| b.1),
        latency_ms: (kind == 2).then_some([lo as f64 / 1000.0, hi as f64 / 100.0]),
        drop: (kind == 0).then_some(0.5),
        duplicate: (kind == 1).then_some(0.5),
    }
}

/// The link (or every link) back to the scenario's own settings.
fn restore(between: Option<(NodeId, NodeId)>, normal: LinkParams) -> Command {
    let (lo, hi) = normal.latency;
    Command::Link {
        from: between.map(|b| b.0),
        to: between.map(|b| b.1),
        latency_ms: Some([lo as f64 / 1000.0, hi as f64 / 1000.0]),
        drop: Some(normal.drop),
        duplicate: Some(normal.duplicate),
    }
}

/// A whole number from 1 to `most`, its power of two drawn uniformly
/// (integers only, so native and wasm runs draw alike).
fn log_uniform(rng: &mut Rng, most: u64) -> u64 {
    let most = most.max(1);
    let k = rng.below(u64::from(64 - most.leading_zeros()));
    rng.between(1 << k, ((2 << k) - 1).min(most))
}

/// The first violation `s` shows, if any: of an invariant after any event
/// (the run stops there), else of a property of the whole history when it
/// ends ([`AnySim::history_violation`]).
pub fn first_violation(s: &Scenario) -> Result<Option<Violation>, ScenarioError> {
    first_violation_of(s, &[])
}

/// The first violation `s` shows of one of `properties` (of any, if
/// empty).
pub fn first_violation_of(
    s: &Scenario,
    properties: &[&str],
) -> Result<Option<Violation>, ScenarioError> {
    Ok(run_checked(s, properties)?.0)
}

/// The kinds of state a run reached, each with when it first did.
type Reached = Vec<(u64, Time)>;

/// Runs `s` to its first violation of one of `properties` (of any, if
/// empty) or its end; returns that violation and the kinds of state the
/// run reached ([`crate::invariant::Checker::reached`]).
fn run_checked(
    s: &Scenario,
    properties: &[&str],
) -> Result<(Option<Violation>, Reached), ScenarioError> {
    let mut sim = AnySim::new(s, SimConfig::headless())?;
    let end = Time::from_ms(s.until_ms);
    let wanted = |v: &&Violation| properties.is_empty() || properties.contains(&v.invariant);
    loop {
        let done = sim.run_until_bounded(end, 4096);
        if let Some(v) = sim.violations().iter().find(wanted) {
            return Ok((Some(v.clone()), sim.reached().to_vec()));
        }
        if done {
            let v = sim.history_violation().filter(|v| wanted(&v));
            return Ok((v, sim.reached().to_vec()));
        }
    }
}

/// In the search of a protocol whose checker names the kinds of state a
/// run reaches, every this many runs also make a guided run ([`guided`])
/// after their random one.
pub const GUIDE_EVERY: u64 = 16;

/// Simulations one guided run makes at most, after its first.
pub const GUIDED_STEPS: u32 = 12;

/// Guided run `run` of a search seeded `seed`: `base` with the simulator
/// seed of [`candidate`] `run` (with other faults), then, up to
/// [`GUIDED_STEPS`] times, one more fault added within 300 ms after a
/// moment at which the schedule so far first reached a kind of state (the
/// protocol's [`crate::invariant::Checker::reached`]; one time in four,
/// or before any kind is reached, anywhere in the run), kept when the run
/// then reaches a kind it had not. The seed stays, so all before the new
/// fault replays alike and the run goes deeper step by step, as the bugs
/// that need a chain of well-timed faults require.
/// Returns the first schedule that breaks one of `properties`.
pub fn guided(
    base: &Scenario,
    seed: u64,
    run: u64,
    properties: &[&str],
) -> Result<Option<(Scenario, Violation)>, ScenarioError> {
    let mut rng = Rng::stream(seed, run);
    let mut s = base.clone();
    s.seed = rng.next_u64() >> 11;
    let until = base.until_ms.max(2);
    let mut busy: Vec<Vec<(u64, u64)>> = vec![Vec::new(); base.nodes as usize];
    let (v, reached) = run_checked(&s, properties)?;
    if let Some(v) = v {
        return Ok(Some((s, v)));
    }
    let mut seen: Vec<u64> = reached.iter().map(|&(k, _)| k).collect();
    let mut fresh: Vec<u64> = reached.iter().map(|&(_, t)| t.micros() / 1000).collect();
    for _ in 0..GUIDED_STEPS {
        let at = if fresh.is_empty() || rng.chance(0.25) {
            log_uniform(&mut rng, until - 1) - 1
        } else {
            let from = fresh[rng.below(fresh.len() as u64) as usize];
            (from + log_uniform(&mut rng, 300) - 1).min(until - 2)
        };
        let mut trial_busy = busy.clone();
        let Some(pair) = fault(&mut rng, base, &mut trial_busy, at) else {
            continue;
        };
        let mut c = s.clone();
        add_to_schedule(&mut c, pair);
        let (v, reached) = run_checked(&c, properties)?;
        if let Some(v) = v {
            return Ok(Some((c, v)));
        }
        let new: Vec<(u64, Time)> = reached
            .into_iter()
            .filter(|(k, _)| !seen.contains(k))
            .collect();
        if !new.is_empty() {
            seen.extend(new.iter().map(|&(k, _)| k));
            fresh = new.iter().map(|&(_, t)| t.micros() / 1000).collect();
            s = c;
            busy = trial_busy;
        }
    }
    Ok(None)
}

/// The lowest run in `runs` whose scenario breaks an invariant or a
/// property of its history, with that scenario and its first violation
/// (not yet shrunk).
pub fn search(
    base: &Scenario,
    seed: u64,
    runs: std::ops::Range<u64>,
) -> Result<Option<(u64, Scenario, Violation)>, ScenarioError> {
    search_for(base, seed, runs, &[])
}

/// [`search`] for some properties only (invariants' names or history
/// properties', such as `linearizable`; any, if empty); the others are not
/// reported. Run `i` is [`candidate`] `i`, and, for a protocol whose
/// checker names the kinds of state a run reaches, when `i` is a positive
/// multiple of [`GUIDE_EVERY`], also guided run `i / GUIDE_EVERY`.
pub fn search_for(
    base: &Scenario,
    seed: u64,
    runs: std::ops::Range<u64>,
    properties: &[&str],
) -> Result<Option<(u64, Scenario, Violation)>, ScenarioError> {
    let guides = base.protocol.info().is_some_and(|i| i.guided);
    // A scenario that does not build fails at its first run's build.
    for run in runs {
        let s = candidate(base, seed, run);
        if let Some(v) = first_violation_of(&s, properties)? {
            return Ok(Some((run, s, v)));
        }
        if guides && run > 0 && run % GUIDE_EVERY == 0 {
            if let Some((s, v)) = guided(base, seed, run / GUIDE_EVERY, properties)? {
                return Ok(Some((run, s, v)));
            }
        }
    }
    Ok(None)
}

/// Whether `s` still breaks `property` (a scenario shrinking made invalid
/// does not).
fn breaks(s: &Scenario, property: &str) -> Option<Violation> {
    first_violation_of(s, &[property]).ok().flatten()
}

/// At most this many runs are spent shrinking one counterexample.
const SHRINK_RUNS: usize = 3_000;

/// Shrinks failing scenario `s` (whose first violation is `v`) to a
/// smaller one that breaks the same invariant: the run ends at the
/// violation, commands are dropped in halves, quarters, … down to one at a
/// time (ddmin), and fewer nodes are tried.
pub fn shrink(mut s: Scenario, mut v: Violation) -> Counterexample {
    let property = v.invariant;
    let mut tries = 0;
    let attempt = |c: &Scenario, tries: &mut usize| -> Option<Violation> {
        *tries += 1;
        (*tries <= SHRINK_RUNS)
            .then(|| breaks(c, property))
            .flatten()
    };
    // End at the violation.
    let cut = |s: &Scenario, v: &Violation| {
        let mut c = s.clone();
        c.until_ms = (v.at.as_ms().floor() as u64 + 1).min(s.until_ms);
        c.schedule.retain(|e| e.at <= v.at);
        c
    };
    let c = cut(&s, &v);
    if let Some(w) = attempt(&c, &mut tries) {
        (s, v) = (c, w);
    }
    // Fewer nodes, while it still fails.
    while s.nodes > 1 {
        let mut c = s.clone();
        c.nodes -= 1;
        let gone = NodeId(c.nodes);
        c.schedule.retain(|e| !names(&e.command, gone));
        for e in &mut c.schedule {
            if let Command::Partition { groups } = &mut e.command {
                for g in groups.iter_mut() {
                    g.retain(|&n| n != gone);
                }
                groups.retain(|g| !g.is_empty());
            }
        }
        match attempt(&c, &mut tries) {
            Some(w) => (s, v) = (c, w),
            None => break,
        }
    }
    // ddmin over the schedule.
    let mut chunks = 2;
    while !s.schedule.is_empty() && tries < SHRINK_RUNS {
        let len = s.schedule.len();
        let size = len.div_ceil(chunks);
        let mut removed = false;
        let mut start = 0;
        while start < s.schedule.len() {
            let mut c = s.clone();
            let stop = (start + size).min(c.schedule.len());
            c.schedule.drain(start..stop);
            if let Some(w) = attempt(&c, &mut tries) {
                (s, v) = (cut(&c, &w), w);
                removed = true;
            } else {
                start += size;
            }
        }
        if removed {
            chunks = chunks.saturating_sub(1).max(2);
        } else if size == 1 {
            break;
        } else {
            chunks = (chunks * 2).min(len);
        }
    }
    s.description = Some(format!(
        "Found by faultline explore{}: {} at {} ms ({}).",
        s.name
            .as_ref()
            .map(|n| format!(" from \"{n}\""))
            .unwrap_or_default(),
        property,
        v.at.as_ms(),
        v.detail
    ));
    s.name = Some(format!("Counterexample: {property}"));
    Counterexample {
        scenario: s,
        violation: v,
    }
}

/// Whether `cmd` names node `n` (other than in a partition's groups).
fn names(cmd: &Command, n: NodeId) -> bool {
    match cmd {
        Command::Crash { node }
        | Command::Restart { node }
        | Command::Pause { node }
        | Command::Resume { node }
        | Command::RemoveNode { node }
        | Command::Skew { node, .. }
        | Command::Client { node, .. }
        | Command::Rumor { node }
        | Command::Transfer { node } => *node == n,
        Command::Cut { from, to } => *from == n || *to == n,
        Command::Link { from, to, .. } => *from == Some(n) || *to == Some(n),
        _ => false,
    }
}
