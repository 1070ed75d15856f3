//! The simulator: virtual time, one total-order event queue, seeded
//! randomness, recorded commands, checkpoints for time travel.
//!
//! It is split in two. The kernel (`kernel.rs` and the modules it is made
//! of: `queue`, `nodes`, `timers`, `inflight`, `client`, `faults`) holds
//! everything that does not depend on the protocol's types (the event
//! queue, the network, in-flight message metadata, timers, clients, stats,
//! the trace and its hash) and is compiled once. [`Sim`] is a thin typed
//! shim over it (`typed.rs`) that holds only what must be typed: node
//! states, message payloads, client requests and the invariant checker.
//!
//! [`Sim::step`] processes exactly one event or command; everything else
//! (`run_until`, `seek`, `apply`) is built on it.

mod client;
mod faults;
mod inflight;
mod kernel;
mod nodes;
mod queue;
mod slab;
mod status;
mod timers;
mod typed;
mod view;

pub use status::{ClientStatus, MessageStats, NodeStatus};
pub use view::{
    ClientView, MessageView, NetworkView, NodeView, SimView, TimerView, MAX_BLOCKED_LIST,
};

use crate::command::{Command, Scheduled};
use crate::id::NodeId;
use crate::invariant::Violation;
use crate::node::{Protocol, TimerName};
use crate::scenario::{check_command, NetworkSpec, ProtocolName, Scenario, ScenarioError};
use crate::time::Time;
use crate::trace::{TraceEvent, TraceHash};
use kernel::{Kernel, KernelState};
use nodes::index;
use typed::TypedState;

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

/// A checkpoint: the kernel's state and the typed state at one instant.
#[derive(Clone, Debug)]
struct Checkpoint<P: Protocol> {
    kernel: KernelState,
    typed: TypedState<P>,
}

/// A running simulation of protocol `P`.
#[derive(Clone, Debug)]
pub struct Sim<P: Protocol> {
    /// Everything protocol-independent.
    k: Kernel,
    /// What must be typed.
    t: TypedState<P>,
    checkpoints: Vec<Checkpoint<P>>,
    observations: Vec<Observed<P::Observation>>,
    params: P::Params,
    initial_nodes: u32,
    network: NetworkSpec,
    name: Option<String>,
    description: Option<String>,
    until: Time,
    /// The effects of the handler call under way (kept to reuse its buffer).
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
        crate::sorting::sort_by_key(&mut schedule, |s| s.at);
        let timer_names = P::Timer::ALL.iter().map(|t| t.name()).collect();
        let mut sim = Sim {
            k: Kernel::new(scenario, schedule, config, timer_names),
            t: TypedState::default(),
            checkpoints: Vec::new(),
            observations: Vec::new(),
            params,
            initial_nodes: scenario.nodes,
            network: scenario.network.clone(),
            name: scenario.name.clone(),
            description: scenario.description.clone(),
            until: Time::from_ms(scenario.until_ms),
            effects: Vec::new(),
            protocol: scenario.protocol,
        };
        for _ in 0..scenario.nodes {
            sim.spawn_node();
        }
        for id in 0..scenario.nodes {
            sim.start_node(NodeId(id));
        }
        if config.checkpoint_every > 0 {
            sim.checkpoint();
        }
        Ok(sim)
    }

    /// The time of the next event or command, if any.
    pub fn next_time(&self) -> Option<Time> {
        self.k.next_time()
    }

    /// Processes everything due at or before `t`, then sets the clock to `t`.
    pub fn run_until(&mut self, t: Time) {
        while self.next_time().is_some_and(|n| n <= t) {
            self.step();
        }
        self.k.advance_to(t);
    }

    /// Processes at most `budget` events due at or before `t`; returns
    /// whether it reached `t` (the clock is set to `t` only then).
    pub fn run_until_bounded(&mut self, t: Time, budget: u64) -> bool {
        for _ in 0..budget {
            if self.next_time().is_none_or(|n| n > t) {
                self.k.advance_to(t);
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
        if t < self.k.st.now {
            let at = self
                .checkpoints
                .iter()
                .rposition(|c| c.kernel.now <= t)
                .unwrap_or(0);
            if let Some(cp) = self.checkpoints.get(at) {
                self.k.rewind(&cp.kernel);
                self.t = cp.typed.clone();
                self.observations.truncate(self.k.st.observed);
            }
        }
        self.run_until(t);
    }

    /// Applies a command now and records it, so a replay applies it at the
    /// same point. Applying a command in the past (after a seek back)
    /// discards the recorded future. Returns why it cannot apply, if so.
    pub fn apply(&mut self, command: Command) -> Result<(), String> {
        // Land after every event due now, where a replay will put it.
        self.run_until(self.k.st.now);
        check_command::<P>("command", &command, u64::from(self.k.node_count()))
            .map_err(|e| e.to_string())?;
        self.k.check_runtime(&command)?;
        if self.k.schedule_now(command) {
            let events = self.k.st.events;
            self.checkpoints.retain(|c| c.kernel.events <= events);
        }
        self.step();
        Ok(())
    }

    fn checkpoint(&mut self) {
        if self.checkpoints.len() >= self.k.config.max_checkpoints.max(2) {
            // Keep the first and every other one after it: older history
            // gets coarser, memory stays bounded.
            let mut i = 0;
            self.checkpoints.retain(|_| {
                i += 1;
                i == 1 || i % 2 == 0
            });
        }
        self.checkpoints.push(Checkpoint {
            kernel: self.k.st.clone(),
            typed: self.t.clone(),
        });
    }

    // ----- read-only accessors -----

    /// Current virtual time.
    pub fn now(&self) -> Time {
        self.k.st.now
    }

    /// The latest time this run has reached (the end of the scrubber).
    pub fn horizon(&self) -> Time {
        self.k.horizon
    }

    /// Where a headless run of the scenario stops.
    pub fn until(&self) -> Time {
        self.until
    }

    /// Events and commands processed so far.
    pub fn events(&self) -> u64 {
        self.k.st.events
    }

    /// The run's seed.
    pub fn seed(&self) -> u64 {
        self.k.seed
    }

    /// The protocol parameters.
    pub fn params(&self) -> &P::Params {
        &self.params
    }

    /// Message counters.
    pub fn stats(&self) -> MessageStats {
        self.k.st.stats
    }

    /// Invariant violations seen so far, oldest first.
    pub fn violations(&self) -> &[Violation] {
        &self.k.st.violations
    }

    /// The most recent trace entries kept in memory, oldest first.
    pub fn trace(&self) -> impl DoubleEndedIterator<Item = &TraceEvent> + ExactSizeIterator {
        self.k.trace.iter()
    }

    /// Takes the trace entries kept in memory (for streaming them out;
    /// after this, seeking back shows a shorter event log).
    pub fn drain_trace(&mut self) -> Vec<TraceEvent> {
        self.k.trace.drain(..).collect()
    }

    /// What the nodes reported, in order, with real times.
    pub fn observations(&self) -> &[Observed<P::Observation>] {
        &self.observations[..self.k.st.observed.min(self.observations.len())]
    }

    /// How many trace entries the run has produced in all.
    pub fn trace_len(&self) -> u64 {
        self.k.st.trace_len
    }

    /// The hash of the whole trace so far.
    pub fn trace_hash(&self) -> TraceHash {
        self.k.st.trace_hash
    }

    /// Every recorded command (scripted and applied), in order.
    pub fn schedule(&self) -> &[Scheduled] {
        &self.k.schedule
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
            seed: self.k.seed,
            // Cover everything played, so the CLI replays every command.
            until_ms: self.until.max(self.k.horizon).0.div_ceil(1000),
            network: self.network.clone(),
            params: serde_json::to_value(&self.params).unwrap_or_default(),
            schedule: self.k.schedule.clone(),
        }
    }

    /// The invariant checker and the history it keeps.
    pub fn checker(&self) -> &P::Checker {
        &self.t.checker
    }

    /// What a crashed node would come back as (its durable state), if it
    /// has any.
    pub fn durable_node(&self, id: NodeId) -> Option<P> {
        let slot = self.t.nodes.get(index(id))?;
        let durable = slot.durable.clone()?;
        Some(P::new(id, &self.k.st.members, &self.params, Some(durable)))
    }

    /// Every running node's state, for protocol-specific reports.
    pub fn nodes(&self) -> impl Iterator<Item = (NodeId, NodeStatus, Option<&P>)> {
        self.k
            .st
            .nodes
            .iter()
            .zip(&self.t.nodes)
            .enumerate()
            .map(|(i, (meta, slot))| (NodeId(i as u32), meta.status, slot.node.as_ref()))
    }
}
