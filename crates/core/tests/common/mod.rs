//! What the seeded fault properties share: a random fault that fits the
//! cluster now (every fault the lab offers, or a client request), the
//! repair that undoes them all, and the run as a scenario to replay when a
//! seed fails.

use faultline_core::node::Protocol;
use faultline_core::rng::Rng;
use faultline_core::sim::NodeStatus;
use faultline_core::{Command, NodeId, Sim, Time};

/// Microseconds in a millisecond.
pub const MS: u64 = 1_000;

/// A random fault: crash or restart, pause or resume, a two-sided
/// partition, a one-way cut, heal, lossy or duplicating links, a message in
/// flight dropped, duplicated or delayed; otherwise `client(rng, node)`.
pub fn random_fault<P: Protocol>(
    rng: &mut Rng,
    sim: &Sim<P>,
    nodes: u32,
    client: impl FnOnce(&mut Rng, NodeId) -> Command,
) -> Command {
    let pick = |rng: &mut Rng| NodeId(rng.below(u64::from(nodes)) as u32);
    let node = pick(rng);
    let status = sim.view().nodes[node.0 as usize].status;
    match rng.below(100) {
        0..=13 => match status {
            NodeStatus::Crashed => Command::Restart { node },
            _ => Command::Crash { node },
        },
        14..=21 => match status {
            NodeStatus::Paused => Command::Resume { node },
            _ => Command::Pause { node },
        },
        22..=31 => {
            let mut groups = vec![Vec::new(), Vec::new()];
            for n in 0..nodes {
                groups[rng.below(2) as usize].push(NodeId(n));
            }
            Command::Partition { groups }
        }
        32..=39 => Command::Cut {
            from: node,
            to: pick(rng),
        },
        40..=48 => Command::Heal,
        49..=56 => Command::Link {
            from: None,
            to: None,
            latency_ms: Some([1.0, 1.0 + rng.below(80) as f64]),
            drop: Some(rng.below(301) as f64 / 1000.0),
            duplicate: Some(rng.below(301) as f64 / 1000.0),
        },
        57..=64 => {
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
        _ => client(rng, node),
    }
}

/// Applies random faults live until `until`: every gap of 5 ms to `gap_ms`,
/// one to four faults at once, the `k`-th client request made by
/// `client(rng, node, k)`. Stops at the first violation.
pub fn faults_until<P: Protocol>(
    sim: &mut Sim<P>,
    rng: &mut Rng,
    nodes: u32,
    until: Time,
    gap_ms: u64,
    mut client: impl FnMut(&mut Rng, NodeId, u64) -> Command,
) -> Result<(), String> {
    let mut k = 0;
    while sim.now() < until {
        let t = Time(sim.now().0 + rng.between(5 * MS, gap_ms * MS)).min(until);
        sim.run_until(t);
        for _ in 0..=rng.below(3) {
            k += 1;
            let cmd = random_fault(rng, sim, nodes, |rng, node| client(rng, node, k));
            // A command that cannot apply now is refused and not recorded.
            let _ = sim.apply(cmd);
        }
        if !sim.violations().is_empty() {
            return Err(failure(sim, "invariant violated"));
        }
    }
    Ok(())
}

/// Applies [`repair`]; a refused command is a failure.
pub fn apply_repair<P: Protocol>(sim: &mut Sim<P>) -> Result<(), String> {
    for cmd in repair(sim) {
        sim.apply(cmd)
            .map_err(|e| failure(sim, &format!("repair refused: {e}")))?;
    }
    Ok(())
}

/// Undoes every fault: heal, clean links, and every crashed or paused
/// node back up.
fn repair<P: Protocol>(sim: &Sim<P>) -> Vec<Command> {
    let mut out = vec![
        Command::Heal,
        Command::Link {
            from: None,
            to: None,
            latency_ms: Some([5.0, 15.0]),
            drop: Some(0.0),
            duplicate: Some(0.0),
        },
    ];
    for n in sim.view().nodes {
        match n.status {
            NodeStatus::Crashed => out.push(Command::Restart { node: n.id }),
            NodeStatus::Paused => out.push(Command::Resume { node: n.id }),
            _ => {}
        }
    }
    out
}

/// Why a seed failed, with its violations and the run as a scenario that
/// replays it.
pub fn failure<P: Protocol>(sim: &Sim<P>, why: &str) -> String {
    let mut s = sim.to_scenario();
    s.until_ms = sim.now().0.div_ceil(MS);
    format!(
        "{why}\nviolations: {:#?}\nscenario:\n{}",
        sim.violations(),
        s.to_json()
    )
}
