//! Paxos (Lamport, "Paxos Made Simple", 2001): every node is proposer,
//! acceptor and learner, agreeing on a log of client values slot by slot.
//!
//! - **Basic** (`"mode": "basic"`): one instance of the synod algorithm
//!   (§2) per slot. Any node proposes a client's value for the next free
//!   slot with a ballot `(round, node)`: phase 1 (`Prepare` / `Promise`)
//!   finds what a majority may have accepted, phase 2 (`Accept` /
//!   `Accepted`) asks a majority to accept it (or the value phase 1 found).
//!   A refused proposer tries again with a higher ballot after a random
//!   back-off of up to `backoff_ms`, doubled for each round lost in a row
//!   (to 64×); with none, two proposers can keep preempting each other
//!   forever (§2.4's livelock).
//! - **Multi** (`"mode": "multi"`, the default): a distinguished proposer
//!   (§2.4, §3) runs phase 1 once for every slot from the first it has not
//!   seen chosen, then only phase 2 per value, with heartbeats; the others
//!   redirect clients to it. A new leader re-proposes what phase 1 found
//!   and fills the gaps with `noop`.
//!
//! What an acceptor promised and accepted, and what a learner learned,
//! survive a crash (they are written before the node answers); a
//! proposer's round in progress does not.

mod acceptor;
mod entry;
mod invariants;
mod msg;
mod params;
mod proposer;
mod view;

pub use invariants::PaxosChecker;
pub use msg::{Accepted, Ballot, PaxosMsg, NOOP};
pub use params::{Mode, PaxosParams};
pub use view::{metrics, PaxosView, SlotView};

use crate::id::{NodeId, OpId};
use crate::knob::Knob;
use crate::node::{Badge, ClientOutcome, Context, Protocol, Response, TimerName};
use crate::nodemap::NodeMap;
use crate::sortedmap::SortedMap;
use serde::Serialize;
use std::collections::VecDeque;

/// Paxos's timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PaxosTimer {
    /// Multi-Paxos: no leader heard from; run phase 1.
    Election,
    /// Multi-Paxos: the leader's heartbeat (and resend of unanswered
    /// `Accept`s) is due.
    Heartbeat,
    /// Basic Paxos: the round in progress is refused or unanswered; try
    /// again with a higher ballot.
    Retry,
    /// Ask a peer for chosen values this node has missed.
    Sync,
}

impl TimerName for PaxosTimer {
    const ALL: &'static [Self] = &[
        PaxosTimer::Election,
        PaxosTimer::Heartbeat,
        PaxosTimer::Retry,
        PaxosTimer::Sync,
    ];
    fn name(&self) -> &'static str {
        match self {
            PaxosTimer::Election => "election",
            PaxosTimer::Heartbeat => "heartbeat",
            PaxosTimer::Retry => "retry",
            PaxosTimer::Sync => "sync",
        }
    }
}

/// How often a node that knows it missed chosen values asks for them (µs).
const SYNC_US: u64 = 300_000;

/// A node's part in the protocol now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Basic: not proposing. Multi: following a leader (or waiting for one).
    Follower,
    /// Basic: running a round for a slot. Multi: running phase 1.
    Proposer,
    /// Multi: phase 1 done; proposing with phase 2 only.
    Leader,
}

impl Role {
    /// Its name in reports and CSS classes.
    pub fn name(self) -> &'static str {
        match self {
            Role::Follower => "follower",
            Role::Proposer => "proposer",
            Role::Leader => "leader",
        }
    }
}

/// The answer to a client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PaxosResponse {
    /// Multi-Paxos: ask the leader (or, unknown, try again later).
    Redirect {
        /// The leader this node follows.
        leader: Option<NodeId>,
    },
    /// The value is chosen in this slot.
    Chosen {
        /// The slot.
        slot: u64,
    },
    /// The value cannot be proposed.
    Refused {
        /// Why.
        reason: String,
    },
}

impl Response for PaxosResponse {
    fn outcome(&self) -> ClientOutcome {
        match self {
            PaxosResponse::Redirect { leader } => ClientOutcome::Redirect(*leader),
            PaxosResponse::Chosen { slot } => ClientOutcome::Done(format!("chosen at #{slot}")),
            PaxosResponse::Refused { reason } => ClientOutcome::Done(format!("refused: {reason}")),
        }
    }
}

/// One slot as this node holds it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Slot {
    /// The ballot promised for this slot in basic Paxos, or accepted in it
    /// (Multi-Paxos promises for every slot at once).
    pub promised: Ballot,
    /// The value accepted here, with its ballot.
    pub accepted: Option<(Ballot, String)>,
    /// The value learned chosen here.
    pub chosen: Option<String>,
}

/// What the invariants read: every change to what a node promised,
/// accepted, learned or was asked to propose, in order (durable, so the
/// checker reads only what is new).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// A client gave this node a value to propose.
    Proposed(String),
    /// Promised `ballot` for `slot` (basic) or every slot (multi: `None`).
    Promised(Option<u64>, Ballot),
    /// Accepted `value` in `slot` at `ballot`.
    Accepted(u64, Ballot, String),
    /// Learned that `value` is chosen in `slot`.
    Learned(u64, String),
}

/// What survives a crash.
#[derive(Clone, Debug)]
pub struct PaxosDurable {
    promised: Ballot,
    slots: SortedMap<u64, Slot>,
    journal: Vec<Change>,
}

/// An acceptor keeps its promises only in memory: restarted, it has
/// promised nothing and accepts a ballot below one it promised before the
/// crash (Lamport, "Paxos Made Simple", §2.2: an acceptor must remember
/// what it promised even if it fails and restarts).
pub const FORGET_PROMISE: &str = "forget_promise";

/// A proposer ignores the values the `Promise`s report and proposes its
/// own: a new Multi-Paxos leader gives its clients' values the first slots
/// it has not learned, over values an earlier leader may have had chosen
/// there (Lamport, "Paxos Made Simple", §2.2, P2c: the proposer must take
/// the value of the highest-numbered proposal a majority reports).
pub const IGNORE_PROMISED_VALUES: &str = "ignore_promised_values";

/// An acceptor that has accepted nothing in a slot still reports a vote
/// there, its state's empty default (ballot 0, the empty value), and the
/// proposer takes it as the value phase 1 found; a value no client
/// proposed is chosen (Lamport, "Paxos Made Simple", §2.2: a proposer
/// picks its own value only when the acceptors report no proposals; §2.1:
/// only a proposed value may be chosen).
pub const DEFAULT_VOTE: &str = "default_vote";

/// Paxos's textbook bugs.
pub const BUGS: &[crate::bug::Bug] = &[
    crate::bug::Bug {
        name: FORGET_PROMISE,
        breaks: &["Promise Kept", "Agreement"],
        about: "An acceptor forgets its promises across a crash (Paxos Made Simple, §2.2)",
        needs: &[],
    },
    crate::bug::Bug {
        name: IGNORE_PROMISED_VALUES,
        breaks: &["Agreement"],
        about: "A proposer ignores the values reported in the Promises and proposes its own (Paxos Made Simple, §2.2, P2c)",
        needs: &[],
    },
    crate::bug::Bug {
        name: DEFAULT_VOTE,
        breaks: &["Validity"],
        about: "An acceptor that accepted nothing reports an empty vote at ballot 0, which the proposer adopts (Paxos Made Simple, §2.1 and §2.2)",
        needs: &[],
    },
];

/// A Paxos node: proposer, acceptor and learner.
#[derive(Clone, Debug)]
pub struct Paxos {
    id: NodeId,
    params: PaxosParams,
    /// Every member, this node included, in id order.
    members: Vec<NodeId>,
    // Acceptor and learner: durable.
    /// Multi-Paxos: the ballot promised for every slot.
    promised: Ballot,
    slots: SortedMap<u64, Slot>,
    journal: Vec<Change>,
    /// The first slot not learned chosen.
    first_gap: u64,
    // Proposer: volatile.
    role: Role,
    /// The ballot of the round in progress (or of the leadership).
    ballot: Ballot,
    /// The highest ballot seen anywhere, for the next one.
    max_seen: Ballot,
    /// Multi: the leader followed.
    leader: Option<NodeId>,
    /// Phase 1 replies to `ballot`, by acceptor.
    promises: NodeMap<Vec<Accepted>>,
    /// Phase 2 in progress at `ballot`: slot → (value, who accepted).
    phase2: SortedMap<u64, (String, Vec<NodeId>)>,
    /// Basic: the slot of the round in progress.
    proposing: Option<u64>,
    /// Multi leader: the next slot to give a value.
    next_slot: u64,
    /// Client values not yet proposed, with their operations.
    queue: VecDeque<(OpId, String)>,
    /// Operations whose value is proposed and not yet chosen.
    waiting: Vec<(OpId, String)>,
    /// The highest slot a peer said is chosen (from heartbeats and `Chosen`).
    known_chosen: u64,
    /// Whether the catch-up timer is set.
    sync_armed: bool,
    /// Basic: rounds lost in a row (the back-off doubles with each).
    lost: u32,
}

impl Paxos {
    fn majority(&self) -> usize {
        self.members.len() / 2 + 1
    }

    fn multi(&self) -> bool {
        self.params.mode == Mode::Multi
    }

    fn slot(&mut self, slot: u64) -> &mut Slot {
        self.slots.get_or_insert_with(slot, Slot::default)
    }

    /// The value learned chosen in `slot`.
    pub fn chosen(&self, slot: u64) -> Option<&str> {
        self.slots.get(&slot)?.chosen.as_deref()
    }

    /// Learns that `value` is chosen in `slot`: answers the clients waiting
    /// for it, and lets a basic proposer move on.
    fn learn(&mut self, cx: &mut Context<'_, Self>, slot: u64, value: String) {
        self.known_chosen = self.known_chosen.max(slot + 1);
        if self.chosen(slot).is_some() {
            return;
        }
        self.journal.push(Change::Learned(slot, value.clone()));
        self.slot(slot).chosen = Some(value.clone());
        while self.chosen(self.first_gap).is_some() {
            self.first_gap += 1;
        }
        let (done, still): (Vec<_>, Vec<_>) =
            std::mem::take(&mut self.waiting).into_iter().partition(|(_, v)| *v == value);
        self.waiting = still;
        for (op, _) in done {
            cx.respond(op, PaxosResponse::Chosen { slot });
        }
        // A queued value already chosen (a client's retry) is answered too.
        let (done, still): (Vec<_>, Vec<_>) =
            std::mem::take(&mut self.queue).into_iter().partition(|(_, v)| *v == value);
        self.queue = still.into();
        for (op, _) in done {
            cx.respond(op, PaxosResponse::Chosen { slot });
        }
        self.phase2.remove(&slot);
        if self.proposing == Some(slot) {
            self.lost = 0;
            self.proposing = None;
            self.role = Role::Follower;
            proposer::basic_next(self, cx);
        }
    }

    /// Tells a proposer asking about `slot` that it is already chosen (a
    /// proposer, or a learner that missed the `Chosen`, catches up so).
    fn tell_chosen(&self, cx: &mut Context<'_, Self>, to: NodeId, slot: u64) {
        if let (Some(value), true) = (self.chosen(slot), to != self.id) {
            cx.send(to, PaxosMsg::Chosen { slot, value: value.to_string() });
        }
    }

    /// Sends the values this node has learned, from slot `from` on (what
    /// it holds of the next 64 slots it knows).
    fn send_chosen(&self, cx: &mut Context<'_, Self>, to: NodeId, from: u64) {
        for (&slot, s) in self.slots.range(from..).take(64) {
            if let Some(value) = &s.chosen {
                cx.send(to, PaxosMsg::Chosen { slot, value: value.clone() });
            }
        }
    }

    /// Arms the catch-up timer, if it is not set, when this node knows it
    /// has missed values.
    fn arm_sync(&mut self, cx: &mut Context<'_, Self>) {
        if self.known_chosen > self.first_gap && !self.sync_armed {
            self.sync_armed = true;
            cx.set_timer(PaxosTimer::Sync, SYNC_US);
        }
    }

    /// The node's change journal, oldest first.
    pub fn journal(&self) -> &[Change] {
        &self.journal
    }

    /// How many members the cluster has.
    pub fn cluster_size(&self) -> usize {
        self.members.len()
    }

    /// The role now.
    pub fn role(&self) -> Role {
        self.role
    }
}

impl Protocol for Paxos {
    const NAME: &'static str = "paxos";
    const MAX_NODES: u32 = 9;
    const DYNAMIC_MEMBERSHIP: bool = false;
    const KNOBS: &'static [Knob] = &[
        Knob::choice(
            "/mode",
            "Mode",
            "basic runs both phases for every slot; multi lets a stable leader skip phase 1 (Paxos Made Simple §3)",
            &["basic", "multi"],
        ),
        Knob::count(
            "/backoff_ms",
            "Backoff",
            "How long a proposer waits, at random up to this, before retrying a higher ballot",
            (0, 1000, 10),
            "ms",
        ),
    ];
    const BUGS: &'static [crate::bug::Bug] = BUGS;
    type Params = PaxosParams;
    type Msg = PaxosMsg;
    type Timer = PaxosTimer;
    type Request = String;
    type Response = PaxosResponse;
    type Durable = PaxosDurable;
    type View = PaxosView;
    type Checker = PaxosChecker;
    type Observation = ();

    fn validate(p: &PaxosParams) -> Result<(), String> {
        p.validate()?;
        crate::bug::check(BUGS, &p.bugs)
    }

    fn validate_nodes(_params: &PaxosParams, nodes: u32) -> Result<(), String> {
        if nodes < 3 {
            return Err(format!("Paxos needs at least 3 nodes, not {nodes}"));
        }
        Ok(())
    }

    fn new(
        id: NodeId,
        members: &[NodeId],
        params: &PaxosParams,
        durable: Option<PaxosDurable>,
    ) -> Self {
        let restarted = durable.is_some();
        let mut d = durable.unwrap_or(PaxosDurable {
            promised: Ballot::ZERO,
            slots: SortedMap::new(),
            journal: Vec::new(),
        });
        if restarted && crate::bug::on(&params.bugs, FORGET_PROMISE) {
            d.promised = Ballot::ZERO;
            for (_, s) in d.slots.iter_mut() {
                s.promised = s.accepted.as_ref().map_or(Ballot::ZERO, |a| a.0);
            }
        }
        let mut first_gap = 0;
        while d.slots.get(&first_gap).is_some_and(|s| s.chosen.is_some()) {
            first_gap += 1;
        }
        let known_chosen = d
            .slots
            .iter()
            .filter(|(_, s)| s.chosen.is_some())
            .map(|(&k, _)| k + 1)
            .max()
            .unwrap_or(0);
        let max_seen = d
            .slots
            .values()
            .map(|s| s.promised)
            .chain([d.promised])
            .max()
            .unwrap_or(Ballot::ZERO);
        let mut members = members.to_vec();
        if !members.contains(&id) {
            members.push(id);
            crate::sorting::sort(&mut members);
        }
        Paxos {
            id,
            params: params.clone(),
            members,
            promised: d.promised,
            slots: d.slots,
            journal: d.journal,
            first_gap,
            role: Role::Follower,
            ballot: Ballot::ZERO,
            max_seen,
            leader: None,
            promises: NodeMap::new(),
            phase2: SortedMap::new(),
            proposing: None,
            next_slot: first_gap,
            queue: VecDeque::new(),
            waiting: Vec::new(),
            known_chosen,
            sync_armed: false,
            lost: 0,
        }
    }

    fn on_start(&mut self, cx: &mut Context<'_, Self>) {
        if self.multi() {
            proposer::arm_election(self, cx);
        }
        self.arm_sync(cx);
    }

    fn on_message(&mut self, cx: &mut Context<'_, Self>, from: NodeId, msg: PaxosMsg) {
        match msg {
            PaxosMsg::Prepare { slot, ballot } => {
                self.max_seen = self.max_seen.max(ballot);
                let reply = acceptor::prepare(self, slot, ballot);
                if matches!(reply, PaxosMsg::Promise { .. }) && ballot > self.ballot {
                    if self.multi() {
                        // A candidate with a higher ballot: stop leading.
                        proposer::follow(self, cx, None);
                    } else {
                        proposer::preempted(self, cx, slot);
                    }
                }
                cx.send(from, reply);
                self.tell_chosen(cx, from, slot);
            }
            PaxosMsg::Accept {
                slot,
                ballot,
                value,
            } => {
                self.max_seen = self.max_seen.max(ballot);
                let reply = acceptor::accept(self, slot, ballot, value);
                if matches!(reply, PaxosMsg::Accepted { .. }) && ballot > self.ballot {
                    if self.multi() {
                        proposer::follow(self, cx, Some(from));
                    } else {
                        proposer::preempted(self, cx, slot);
                    }
                } else if self.multi() && matches!(reply, PaxosMsg::Accepted { .. }) {
                    // The leader this node follows: it is alive.
                    proposer::follow(self, cx, Some(from));
                }
                cx.send(from, reply);
                self.tell_chosen(cx, from, slot);
            }
            PaxosMsg::Promise {
                slot,
                ballot,
                accepted,
            } => proposer::on_promise(self, cx, from, slot, ballot, accepted),
            PaxosMsg::Accepted { slot, ballot } => {
                proposer::on_accepted(self, cx, from, slot, ballot)
            }
            PaxosMsg::Nack {
                slot,
                ballot,
                promised,
            } => proposer::on_nack(self, cx, slot, ballot, promised),
            PaxosMsg::Chosen { slot, value } => self.learn(cx, slot, value),
            PaxosMsg::Heartbeat { ballot, chosen } => {
                self.max_seen = self.max_seen.max(ballot);
                if ballot >= self.promised && ballot >= self.ballot {
                    proposer::follow(self, cx, Some(from));
                    self.known_chosen = self.known_chosen.max(chosen);
                }
            }
            PaxosMsg::CatchUp { from: slot } => self.send_chosen(cx, from, slot),
        }
        self.arm_sync(cx);
    }

    fn on_timer(&mut self, cx: &mut Context<'_, Self>, timer: PaxosTimer) {
        match timer {
            PaxosTimer::Election => proposer::campaign(self, cx),
            PaxosTimer::Heartbeat => proposer::heartbeat(self, cx),
            PaxosTimer::Retry => proposer::retry(self, cx),
            PaxosTimer::Sync => {
                self.sync_armed = false;
                if self.known_chosen > self.first_gap {
                    let to = self.leader.filter(|&l| l != self.id).or_else(|| cx.random_peer());
                    if let Some(to) = to {
                        cx.send(to, PaxosMsg::CatchUp { from: self.first_gap });
                    }
                    self.arm_sync(cx);
                }
            }
        }
    }

    fn on_request(&mut self, cx: &mut Context<'_, Self>, op: OpId, value: String) {
        if value == NOOP {
            let reason = format!("“{NOOP}” is the value a leader fills gaps with");
            cx.respond(op, PaxosResponse::Refused { reason });
            return;
        }
        if let Some(slot) = self
            .slots
            .iter()
            .find(|(_, s)| s.chosen.as_deref() == Some(value.as_str()))
            .map(|(&k, _)| k)
        {
            cx.respond(op, PaxosResponse::Chosen { slot });
            return;
        }
        if self.multi() && self.role != Role::Leader {
            cx.respond(
                op,
                PaxosResponse::Redirect {
                    leader: self.leader.filter(|&l| l != self.id),
                },
            );
            return;
        }
        // A client's retry of a value this node is already proposing waits
        // for that proposal, rather than putting the value in a second slot.
        let proposing = self.queue.iter().chain(&self.waiting).any(|(_, v)| *v == value)
            || self.phase2.values().any(|(v, _)| *v == value);
        if proposing {
            self.waiting.push((op, value));
            return;
        }
        self.journal.push(Change::Proposed(value.clone()));
        self.queue.push_back((op, value));
        if self.multi() {
            proposer::lead_queue(self, cx);
        } else {
            proposer::basic_next(self, cx);
        }
    }

    fn durable(&self) -> PaxosDurable {
        PaxosDurable {
            promised: self.promised,
            slots: self.slots.clone(),
            journal: self.journal.clone(),
        }
    }

    fn view(&self) -> PaxosView {
        PaxosView::of(self)
    }

    fn badge(&self) -> Badge {
        Badge {
            role: self.role.name(),
            caption: match (self.role, self.multi()) {
                (Role::Follower, _) => format!("{} chosen", self.first_gap),
                (Role::Proposer, false) => format!(
                    "#{} b{}",
                    self.proposing.unwrap_or(self.first_gap),
                    self.ballot
                ),
                _ => format!("b{}", self.ballot),
            },
        }
    }

    fn request_label(request: &String) -> String {
        request.clone()
    }
}
