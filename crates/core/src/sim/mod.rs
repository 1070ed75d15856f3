//! The simulator: virtual time, one total-order event queue, seeded
//! randomness, recorded commands, checkpoints for time travel.
//!
//! [`Sim::step`] processes exactly one event or command; everything else
//! (`run_until`, `seek`, `apply`) is built on it.

mod client;
mod handle;
mod queue;
mod state;
mod view;

pub use state::{ClientStatus, MessageStats, NodeStatus};
pub use view::{
    ClientView, MessageView, NetworkView, NodeView, SimView, TimerView, MAX_BLOCKED_LIST,
};

use crate::command::{Command, Scheduled};
use crate::id::NodeId;
use crate::invariant::Violation;
use crate::net::Network;
use crate::node::Protocol;
use crate::rng::Rng;
use crate::scenario::{check_command, NetworkSpec, ProtocolName, Scenario, ScenarioError};
use crate::time::Time;
use crate::trace::{TraceEvent, TraceHash, TraceKind};
use state::State;
use std::collections::{BTreeMap, VecDeque};

/// Knobs of the simulator itself (not of the simulated world).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SimConfig {
    /// Take a checkpoint every this many events (0: never, no time travel back).
    pub checkpoint_every: u64,
    /// Keep at most this many checkpoints; older ones are thinned out.
    pub max_checkpoints: usize,
    /// Keep at most this many trace entries in memory (the hash covers all).
    pub trace_capacity: usize,
    /// Compute human summaries for trace entries (off for benchmarks).
    pub labels: bool,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            checkpoint_every: 512,
            max_checkpoints: 512,
            trace_capacity: 5_000,
            labels: true,
        }
    }
}

impl SimConfig {
    /// Settings for runs nobody watches (benchmarks, property tests):
    /// no checkpoints, no in-memory trace, no message labels. The run is
    /// the same as under any other settings; only what is kept differs.
    pub fn headless() -> Self {
        SimConfig {
            checkpoint_every: 0,
            trace_capacity: 0,
            labels: false,
            ..SimConfig::default()
        }
    }
}

/// Most observations one run keeps.
pub const MAX_OBSERVATIONS: usize = 200_000;

/// An observation with where and when it was made.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Observed<O> {
    /// Real virtual time.
    #[serde(rename = "at_ms", serialize_with = "crate::trace::ser_ms")]
    pub at: Time,
    /// The node that reported it.
    pub node: NodeId,
    /// What it reported.
    pub observation: O,
}

/// The random stream numbers: the network's, then one per node.
const NET_STREAM: u64 = u64::MAX;

/// A running simulation of protocol `P`.
#[derive(Clone, Debug)]
pub struct Sim<P: Protocol> {
    st: State<P>,
    schedule: Vec<Scheduled>,
    checkpoints: Vec<State<P>>,
    trace: VecDeque<TraceEvent>,
    observations: Vec<Observed<P::Observation>>,
    config: SimConfig,
    params: P::Params,
    seed: u64,
    initial_nodes: u32,
    network: NetworkSpec,
    name: Option<String>,
    description: Option<String>,
    until: Time,
    horizon: Time,
    effects: Vec<crate::node::Effect<P>>,
    protocol: ProtocolName,
}

impl<P: Protocol> Sim<P> {
    /// A simulation of `scenario`, which must name this protocol.
    pub fn from_scenario(scenario: &Scenario, config: SimConfig) -> Result<Self, ScenarioError> {
        if scenario.protocol.as_str() != P::NAME {
            return Err(ScenarioError {
                path: "protocol".into(),
                message: format!("expected {}, found {}", P::NAME, scenario.protocol.as_str()),
            });
        }
        let params = scenario.validate::<P>()?;
        let mut schedule = scenario.schedule.clone();
        schedule.extend(P::implied_commands(&params, &schedule));
        schedule.sort_by_key(|s| s.at);
        let st = State {
            now: Time::ZERO,
            next_seq: 0,
            events: 0,
            next_cmd: 0,
            queue: queue::EventQueue::default(),
            slots: BTreeMap::new(),
            members: Default::default(),
            net: Network::new(scenario.network.link_params()),
            net_rng: Rng::stream(scenario.seed, NET_STREAM),
            timers: BTreeMap::new(),
            inflight: BTreeMap::new(),
            clients: BTreeMap::new(),
            next_msg: 0,
            next_op: 0,
            next_node: 0,
            stats: MessageStats::default(),
            checker: Default::default(),
            violations: Vec::new(),
            trace_len: 0,
            observed: 0,
            trace_hash: TraceHash::default(),
        };
        let mut sim = Sim {
            st,
            schedule,
            checkpoints: Vec::new(),
            trace: VecDeque::new(),
            observations: Vec::new(),
            config,
            params,
            seed: scenario.seed,
            initial_nodes: scenario.nodes,
            network: scenario.network.clone(),
            name: scenario.name.clone(),
            description: scenario.description.clone(),
            until: Time::from_ms(scenario.until_ms),
            horizon: Time::ZERO,
            effects: Vec::new(),
            protocol: scenario.protocol,
        };
        for _ in 0..scenario.nodes {
            sim.spawn_node();
        }
        let ids: Vec<NodeId> = sim.st.slots.keys().copied().collect();
        for id in ids {
            sim.start_node(id);
        }
        if config.checkpoint_every > 0 {
            sim.checkpoints.push(sim.st.clone());
        }
        Ok(sim)
    }

    /// Processes exactly one event or command. Returns `false` when nothing
    /// is left to do.
    pub fn step(&mut self) -> bool {
        let next_event = self.st.queue.first_key().map(|k| k.0);
        let next_cmd = self.schedule.get(self.st.next_cmd).map(|s| s.at);
        match (next_event, next_cmd) {
            // A command applies after every event due at or before its time.
            (e, Some(c)) if e.is_none_or(|t| c < t) => {
                let cmd = self.schedule[self.st.next_cmd].command.clone();
                self.st.next_cmd += 1;
                self.st.now = self.st.now.max(c);
                self.run_command(cmd);
            }
            (Some(_), _) => {
                let Some((key, event)) = self.st.queue.pop_first() else {
                    return false;
                };
                self.st.now = key.0;
                self.handle(event);
            }
            _ => return false,
        }
        self.st.events += 1;
        self.horizon = self.horizon.max(self.st.now);
        let every = self.config.checkpoint_every;
        if every > 0 && self.st.events % every == 0 && self.st.now >= self.horizon {
            self.checkpoint();
        }
        true
    }

    /// The time of the next event or command, if any.
    pub fn next_time(&self) -> Option<Time> {
        let e = self.st.queue.first_key().map(|k| k.0);
        let c = self.schedule.get(self.st.next_cmd).map(|s| s.at);
        match (e, c) {
            (Some(e), Some(c)) => Some(e.min(c)),
            (e, c) => e.or(c),
        }
    }

    /// Processes everything due at or before `t`, then sets the clock to `t`.
    pub fn run_until(&mut self, t: Time) {
        while self.next_time().is_some_and(|n| n <= t) {
            self.step();
        }
        self.st.now = self.st.now.max(t);
        self.horizon = self.horizon.max(self.st.now);
    }

    /// Processes at most `budget` events due at or before `t`; returns
    /// whether it reached `t` (the clock is set to `t` only then).
    pub fn run_until_bounded(&mut self, t: Time, budget: u64) -> bool {
        for _ in 0..budget {
            if self.next_time().is_none_or(|n| n > t) {
                self.st.now = self.st.now.max(t);
                self.horizon = self.horizon.max(self.st.now);
                return true;
            }
            self.step();
        }
        self.next_time().is_none_or(|n| n > t)
    }

    /// Runs to the scenario's `until_ms`.
    pub fn run_to_end(&mut self) {
        self.run_until(self.until);
    }

    /// Goes to time `t`, backward through the nearest checkpoint and a replay
    /// of the recorded commands, or forward by running.
    pub fn seek(&mut self, t: Time) {
        if t < self.st.now {
            let at = self
                .checkpoints
                .iter()
                .rposition(|c| c.now <= t)
                .unwrap_or(0);
            if let Some(cp) = self.checkpoints.get(at) {
                self.st = cp.clone();
                let len = self.st.trace_len;
                while self.trace.back().is_some_and(|e| e.seq >= len) {
                    self.trace.pop_back();
                }
                self.observations.truncate(self.st.observed);
            }
        }
        self.run_until(t);
    }

    /// Applies a command now and records it, so a replay applies it at the
    /// same point. Applying a command in the past (after a seek back)
    /// discards the recorded future. Returns why it cannot apply, if so.
    pub fn apply(&mut self, command: Command) -> Result<(), String> {
        // Land after every event due now, where a replay will put it.
        self.run_until(self.st.now);
        check_command::<P>("command", &command, u64::from(self.st.next_node))
            .map_err(|e| e.to_string())?;
        self.check_runtime(&command)?;
        if self.st.now < self.horizon {
            self.schedule.truncate(self.st.next_cmd);
            let events = self.st.events;
            self.checkpoints.retain(|c| c.events <= events);
            self.horizon = self.st.now;
        }
        self.schedule.insert(
            self.st.next_cmd,
            Scheduled {
                at: self.st.now,
                command,
            },
        );
        self.step();
        Ok(())
    }

    fn checkpoint(&mut self) {
        if self.checkpoints.len() >= self.config.max_checkpoints.max(2) {
            // Keep the first and every other one after it: older history
            // gets coarser, memory stays bounded.
            let mut i = 0;
            self.checkpoints.retain(|_| {
                i += 1;
                i == 1 || i % 2 == 0
            });
        }
        self.checkpoints.push(self.st.clone());
    }

    /// Appends to the trace; `feed` adds what identifies the entry beyond
    /// its kind (message contents, requests) to the trace hash.
    pub(crate) fn record(&mut self, kind: TraceKind, feed: impl FnOnce(&mut TraceHash)) {
        let h = &mut self.st.trace_hash;
        h.u64(self.st.now.0);
        hash_kind(h, &kind);
        feed(h);
        let event = TraceEvent {
            seq: self.st.trace_len,
            at: self.st.now,
            kind,
        };
        self.st.trace_len += 1;
        if self.config.trace_capacity > 0 {
            if self.trace.len() >= self.config.trace_capacity {
                self.trace.pop_front();
            }
            self.trace.push_back(event);
        }
    }

    /// Records what node `node` reported, with the real time. At most
    /// [`MAX_OBSERVATIONS`] are kept; later ones are counted but not kept.
    pub(crate) fn observe(&mut self, node: NodeId, observation: P::Observation) {
        if self.observations.len() < MAX_OBSERVATIONS {
            self.observations.truncate(self.st.observed);
            self.observations.push(Observed {
                at: self.st.now,
                node,
                observation,
            });
            self.st.observed = self.observations.len();
        }
    }

    pub(crate) fn push_violations(&mut self, found: Vec<Violation>) {
        const MAX_VIOLATIONS: usize = 1_000;
        for v in found {
            if self.st.violations.len() < MAX_VIOLATIONS {
                self.st.violations.push(v);
            }
        }
    }

    // ----- read-only accessors -----

    /// Current virtual time.
    pub fn now(&self) -> Time {
        self.st.now
    }

    /// The latest time this run has reached (the end of the scrubber).
    pub fn horizon(&self) -> Time {
        self.horizon
    }

    /// Where a headless run of the scenario stops.
    pub fn until(&self) -> Time {
        self.until
    }

    /// Events and commands processed so far.
    pub fn events(&self) -> u64 {
        self.st.events
    }

    /// The run's seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The protocol parameters.
    pub fn params(&self) -> &P::Params {
        &self.params
    }

    /// Message counters.
    pub fn stats(&self) -> MessageStats {
        self.st.stats
    }

    /// Invariant violations seen so far, oldest first.
    pub fn violations(&self) -> &[Violation] {
        &self.st.violations
    }

    /// The most recent trace entries kept in memory, oldest first.
    pub fn trace(&self) -> impl DoubleEndedIterator<Item = &TraceEvent> + ExactSizeIterator {
        self.trace.iter()
    }

    /// Takes the trace entries kept in memory (for streaming them out;
    /// after this, seeking back shows a shorter event log).
    pub fn drain_trace(&mut self) -> Vec<TraceEvent> {
        self.trace.drain(..).collect()
    }

    /// What the nodes reported, in order, with real times.
    pub fn observations(&self) -> &[Observed<P::Observation>] {
        &self.observations[..self.st.observed.min(self.observations.len())]
    }

    /// How many trace entries the run has produced in all.
    pub fn trace_len(&self) -> u64 {
        self.st.trace_len
    }

    /// The hash of the whole trace so far.
    pub fn trace_hash(&self) -> TraceHash {
        self.st.trace_hash
    }

    /// Every recorded command (scripted and applied), in order.
    pub fn schedule(&self) -> &[Scheduled] {
        &self.schedule
    }

    /// How many checkpoints are kept.
    pub fn checkpoint_count(&self) -> usize {
        self.checkpoints.len()
    }

    /// The run as a scenario: replaying it gives the same trace.
    pub fn to_scenario(&self) -> Scenario {
        Scenario {
            name: self.name.clone(),
            description: self.description.clone(),
            protocol: self.protocol,
            nodes: self.initial_nodes,
            seed: self.seed,
            // Cover everything played, so the CLI replays every command.
            until_ms: self.until.max(self.horizon).0.div_ceil(1000),
            network: self.network.clone(),
            params: serde_json::to_value(&self.params).unwrap_or_default(),
            schedule: self.schedule.clone(),
        }
    }

    /// The invariant checker and the history it keeps.
    pub fn checker(&self) -> &P::Checker {
        &self.st.checker
    }

    /// What a crashed node would come back as (its durable state), if it
    /// has any.
    pub fn durable_node(&self, id: NodeId) -> Option<P> {
        let slot = self.st.slots.get(&id)?;
        let durable = slot.durable.clone()?;
        Some(P::new(id, &self.st.members, &self.params, Some(durable)))
    }

    /// Every running node's state, for protocol-specific reports.
    pub fn nodes(&self) -> impl Iterator<Item = (NodeId, NodeStatus, Option<&P>)> {
        self.st
            .slots
            .iter()
            .map(|(id, s)| (*id, s.status, s.node.as_ref()))
    }
}

/// Feeds what identifies a trace entry to the hash; summaries are left out
/// (they are derived from what is fed, and may be switched off).
fn hash_kind(h: &mut TraceHash, kind: &TraceKind) {
    match kind {
        TraceKind::Start { node } => {
            h.u64(1);
            h.u64(node.0.into());
        }
        TraceKind::Send {
            from,
            to,
            msg,
            deliver_at,
            ..
        } => {
            h.u64(2);
            h.u64(from.0.into());
            h.u64(to.0.into());
            h.u64(msg.0);
            h.u64(deliver_at.0);
        }
        TraceKind::Deliver { from, to, msg, .. } => {
            h.u64(3);
            h.u64(from.0.into());
            h.u64(to.0.into());
            h.u64(msg.0);
        }
        TraceKind::Drop {
            from,
            to,
            msg,
            reason,
            ..
        } => {
            h.u64(4);
            h.u64(from.0.into());
            h.u64(to.0.into());
            h.u64(msg.0);
            h.u64(*reason as u64);
        }
        TraceKind::Timer { node, timer } => {
            h.u64(5);
            h.u64(node.0.into());
            h.bytes(timer.as_bytes());
        }
        TraceKind::Request { node, op, .. } => {
            h.u64(6);
            h.u64(node.0.into());
            h.u64(op.0);
        }
        TraceKind::Reply { node, op, .. } => {
            h.u64(7);
            h.u64(node.0.into());
            h.u64(op.0);
        }
        TraceKind::Command { op, .. } => {
            h.u64(8);
            h.bytes(op.as_bytes());
        }
        TraceKind::Ignored { op, .. } => {
            h.u64(9);
            h.bytes(op.as_bytes());
        }
    }
}
