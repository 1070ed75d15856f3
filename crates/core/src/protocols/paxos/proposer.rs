//! The proposer (Paxos Made Simple, §2.2 and §2.4) in both modes: a basic
//! proposer runs one round per slot; a Multi-Paxos candidate runs phase 1
//! for every slot at once and, as leader, only phase 2 (§3).

use super::acceptor;
use super::{Accepted, Ballot, Paxos, PaxosMsg, PaxosTimer, Role, NOOP};
use crate::id::NodeId;
use crate::node::Context;
use crate::time::MICROS_PER_MS;

/// Sends `msg` to every other member and hands this node's own acceptor
/// its copy, feeding the reply back as if it had come by the network.
fn to_all(n: &mut Paxos, cx: &mut Context<'_, Paxos>, msg: PaxosMsg) {
    cx.broadcast(msg.clone());
    let me = n.id;
    let reply = match msg {
        PaxosMsg::Prepare { slot, ballot } => acceptor::prepare(n, slot, ballot),
        PaxosMsg::Accept {
            slot,
            ballot,
            value,
        } => acceptor::accept(n, slot, ballot, value),
        _ => return,
    };
    match reply {
        PaxosMsg::Promise {
            slot,
            ballot,
            accepted,
        } => on_promise(n, cx, me, slot, ballot, accepted),
        PaxosMsg::Accepted { slot, ballot } => on_accepted(n, cx, me, slot, ballot),
        PaxosMsg::Nack {
            slot,
            ballot,
            promised,
        } => on_nack(n, cx, slot, ballot, promised),
        _ => {}
    }
}

/// A ballot above every one this node has seen or promised for `slot`.
fn next_ballot(n: &Paxos, slot: u64) -> Ballot {
    Ballot::above(n.max_seen.max(acceptor::promise_for(n, slot)), n.id)
}

// --- Basic Paxos ---

/// Starts a round for the first queued value, in the first free slot, if
/// no round is in progress.
pub fn basic_next(n: &mut Paxos, cx: &mut Context<'_, Paxos>) {
    if n.multi() || n.proposing.is_some() || n.queue.is_empty() {
        return;
    }
    let slot = n.first_gap;
    start_round(n, cx, slot);
}

/// Phase 1a for `slot` with a new ballot.
fn start_round(n: &mut Paxos, cx: &mut Context<'_, Paxos>, slot: u64) {
    n.ballot = next_ballot(n, slot);
    n.max_seen = n.max_seen.max(n.ballot);
    n.proposing = Some(slot);
    n.role = Role::Proposer;
    n.promises.clear();
    n.phase2.clear();
    cx.set_timer(PaxosTimer::Retry, n.params.retry_ms * MICROS_PER_MS);
    let ballot = n.ballot;
    to_all(n, cx, PaxosMsg::Prepare { slot, ballot });
}

/// The round is refused or unanswered: try the slot again with a higher
/// ballot (or move on, if it was chosen meanwhile).
pub fn retry(n: &mut Paxos, cx: &mut Context<'_, Paxos>) {
    match n.proposing {
        // A slot learned chosen ends its round (`learn`), so this one is open.
        Some(slot) => start_round(n, cx, slot),
        None => basic_next(n, cx),
    }
}

// --- Multi-Paxos ---

/// The most unanswered `Accept`s a heartbeat sends again.
const RESEND: usize = 16;

/// Sets the election timer to a fresh random timeout.
pub fn arm_election(n: &mut Paxos, cx: &mut Context<'_, Paxos>) {
    let [lo, hi] = n.params.election_timeout_ms;
    let after = cx.rng().between(lo * MICROS_PER_MS, hi * MICROS_PER_MS);
    cx.set_timer(PaxosTimer::Election, after);
}

/// No leader heard from: phase 1 for every slot from the first gap.
pub fn campaign(n: &mut Paxos, cx: &mut Context<'_, Paxos>) {
    let slot = n.first_gap;
    n.ballot = next_ballot(n, slot);
    n.max_seen = n.max_seen.max(n.ballot);
    n.role = Role::Proposer;
    n.leader = None;
    n.promises.clear();
    n.phase2.clear();
    arm_election(n, cx);
    let ballot = n.ballot;
    to_all(n, cx, PaxosMsg::Prepare { slot, ballot });
}

/// Follows `leader` (or no one yet): a proposer or leader steps down, and
/// the election timer starts again.
pub fn follow(n: &mut Paxos, cx: &mut Context<'_, Paxos>, leader: Option<NodeId>) {
    if n.role != Role::Follower {
        n.role = Role::Follower;
        n.phase2.clear();
        n.promises.clear();
        cx.cancel_timer(PaxosTimer::Heartbeat);
        // Values not yet chosen go back to their clients, who will find
        // the new leader.
        let leader_now = leader.filter(|&l| l != n.id);
        for (op, _) in std::mem::take(&mut n.queue).into_iter().chain(std::mem::take(&mut n.waiting)) {
            cx.respond(op, super::PaxosResponse::Redirect { leader: leader_now });
        }
    }
    if leader.is_some() {
        n.leader = leader;
    }
    arm_election(n, cx);
}

/// The leader gives every queued value the next slot.
pub fn lead_queue(n: &mut Paxos, cx: &mut Context<'_, Paxos>) {
    if n.role != Role::Leader {
        return;
    }
    while let Some((op, value)) = n.queue.pop_front() {
        let slot = n.next_slot.max(n.first_gap);
        n.next_slot = slot + 1;
        n.waiting.push((op, value.clone()));
        propose(n, cx, slot, value);
    }
}

/// Phase 2a for `slot` at the current ballot.
fn propose(n: &mut Paxos, cx: &mut Context<'_, Paxos>, slot: u64, value: String) {
    n.phase2.insert(slot, (value.clone(), Vec::new()));
    let ballot = n.ballot;
    to_all(
        n,
        cx,
        PaxosMsg::Accept {
            slot,
            ballot,
            value,
        },
    );
}

/// The leader's heartbeat; `Accept`s still unanswered by a majority go
/// out again.
pub fn heartbeat(n: &mut Paxos, cx: &mut Context<'_, Paxos>) {
    if n.role != Role::Leader {
        return;
    }
    let (ballot, chosen) = (n.ballot, n.first_gap);
    cx.broadcast(PaxosMsg::Heartbeat { ballot, chosen });
    // At most the oldest few: a leader cut off from the majority would
    // otherwise resend ever more.
    let pending: Vec<(u64, String)> = n
        .phase2
        .iter()
        .take(RESEND)
        .map(|(&slot, (value, _))| (slot, value.clone()))
        .collect();
    for (slot, value) in pending {
        cx.broadcast(PaxosMsg::Accept {
            slot,
            ballot,
            value,
        });
    }
    cx.set_timer(PaxosTimer::Heartbeat, n.params.heartbeat_ms * MICROS_PER_MS);
}

// --- Both ---

/// Phase 1b arrived: with a majority, phase 2 for what phase 1 found.
pub fn on_promise(
    n: &mut Paxos,
    cx: &mut Context<'_, Paxos>,
    from: NodeId,
    slot: u64,
    ballot: Ballot,
    accepted: Vec<Accepted>,
) {
    if n.role != Role::Proposer || ballot != n.ballot || !n.phase2.is_empty() {
        return;
    }
    if !n.multi() && n.proposing != Some(slot) {
        return;
    }
    let ignore = crate::bug::on(&n.params.bugs, super::IGNORE_PROMISED_VALUES);
    n.promises.insert(from, if ignore { Vec::new() } else { accepted });
    if n.promises.len() < n.majority() {
        return;
    }
    // For each slot, the value accepted at the highest ballot (§2.2).
    let mut found: crate::sortedmap::SortedMap<u64, (Ballot, String)> = Default::default();
    for a in n.promises.values().flatten() {
        match found.get(&a.slot) {
            Some((b, _)) if *b >= a.ballot => {}
            _ => {
                found.insert(a.slot, (a.ballot, a.value.clone()));
            }
        }
    }
    n.promises.clear();
    if n.multi() {
        n.role = Role::Leader;
        n.leader = Some(n.id);
        cx.cancel_timer(PaxosTimer::Election);
        let last = found.keys().next_back().copied();
        let start = slot;
        let end = last.map_or(start, |l| l + 1).max(start);
        for s in start..end {
            if n.chosen(s).is_some() {
                continue;
            }
            let value = found.get(&s).map_or_else(|| NOOP.to_string(), |(_, v)| v.clone());
            propose(n, cx, s, value);
        }
        n.next_slot = end.max(n.first_gap);
        heartbeat(n, cx);
        lead_queue(n, cx);
    } else {
        // Phase 1's value, else this node's first queued one (a round
        // only starts with one queued; if a retry answered it meanwhile,
        // the round ends here).
        let value = match (found.get(&slot), n.queue.front()) {
            (Some((_, v)), _) | (None, Some((_, v))) => v.clone(),
            (None, None) => {
                n.proposing = None;
                n.role = Role::Follower;
                n.ballot = Ballot::ZERO;
                return;
            }
        };
        propose(n, cx, slot, value);
    }
}

/// Phase 2b arrived: with a majority the value is chosen; the learners hear.
pub fn on_accepted(
    n: &mut Paxos,
    cx: &mut Context<'_, Paxos>,
    from: NodeId,
    slot: u64,
    ballot: Ballot,
) {
    if ballot != n.ballot {
        return;
    }
    let majority = n.majority();
    let Some((value, acks)) = n.phase2.get_mut(&slot) else {
        return;
    };
    if !acks.contains(&from) {
        acks.push(from);
    }
    if acks.len() < majority {
        return;
    }
    let value = value.clone();
    n.phase2.remove(&slot);
    cx.broadcast(PaxosMsg::Chosen {
        slot,
        value: value.clone(),
    });
    n.learn(cx, slot, value);
}

/// A refusal: someone promised a higher ballot. A basic proposer backs off
/// and tries again; a Multi-Paxos proposer or leader steps down.
pub fn on_nack(
    n: &mut Paxos,
    cx: &mut Context<'_, Paxos>,
    slot: u64,
    ballot: Ballot,
    promised: Ballot,
) {
    n.max_seen = n.max_seen.max(promised);
    if ballot != n.ballot || n.role == Role::Follower {
        return;
    }
    if n.multi() {
        follow(n, cx, None);
    } else {
        preempted(n, cx, slot);
    }
}

/// Basic Paxos: a higher ballot is in play for the slot this node is
/// proposing for (refused, or seen by its own acceptor). The round is
/// over; the next one starts after a random back-off of up to
/// `backoff_ms`, doubled for each round in a row this node lost, to 64
/// times (§2.4: without one, two proposers can preempt each other
/// forever).
pub fn preempted(n: &mut Paxos, cx: &mut Context<'_, Paxos>, slot: u64) {
    if n.proposing != Some(slot) || n.ballot == Ballot::ZERO {
        return;
    }
    n.promises.clear();
    n.phase2.clear();
    // A later reply to the old ballot counts for nothing.
    n.ballot = Ballot::ZERO;
    let most = (n.params.backoff_ms * MICROS_PER_MS) << n.lost.min(6);
    n.lost += 1;
    let wait = cx.rng().below(most + 1);
    cx.set_timer(PaxosTimer::Retry, wait);
}
