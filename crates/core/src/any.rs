//! Every protocol's simulator behind one enum, so the UI and the CLI can
//! switch protocols without trait objects.

use crate::command::{Command, Scheduled};
use crate::invariant::{Checker, Violation};
use crate::protocols::clocks::{Clocks, ClocksChecker};
use crate::protocols::gossip::{Gossip, GossipChecker};
use crate::protocols::quorum::{Quorum, QuorumChecker};
use crate::protocols::raft::{Raft, RaftChecker};
use crate::protocols::ring::{Ring, RingChecker};
use crate::report::Report;
use crate::scenario::{ProtocolName, Scenario, ScenarioError};
use crate::sim::{MessageStats, Sim, SimConfig};
use crate::time::Time;
use crate::trace::{TraceEvent, TraceHash};

/// A simulation of any protocol.
#[derive(Clone, Debug)]
pub enum AnySim {
    /// Raft.
    Raft(Sim<Raft>),
    /// Logical clocks.
    Clocks(Sim<Clocks>),
    /// Gossip and SWIM.
    Gossip(Sim<Gossip>),
    /// The quorum key-value store.
    Quorum(Sim<Quorum>),
    /// Consistent hashing with transfers.
    Ring(Sim<Ring>),
}

/// Calls the same method on whichever simulator is inside.
macro_rules! each {
    ($self:expr, $s:ident => $e:expr) => {
        match $self {
            AnySim::Raft($s) => $e,
            AnySim::Clocks($s) => $e,
            AnySim::Gossip($s) => $e,
            AnySim::Quorum($s) => $e,
            AnySim::Ring($s) => $e,
        }
    };
}

impl AnySim {
    /// A simulation of `scenario`.
    pub fn new(scenario: &Scenario, config: SimConfig) -> Result<AnySim, ScenarioError> {
        Ok(match scenario.protocol {
            ProtocolName::Raft => AnySim::Raft(Sim::from_scenario(scenario, config)?),
            ProtocolName::Clocks => AnySim::Clocks(Sim::from_scenario(scenario, config)?),
            ProtocolName::Gossip => AnySim::Gossip(Sim::from_scenario(scenario, config)?),
            ProtocolName::Quorum => AnySim::Quorum(Sim::from_scenario(scenario, config)?),
            ProtocolName::Ring => AnySim::Ring(Sim::from_scenario(scenario, config)?),
        })
    }

    /// Parses a scenario and builds its simulation.
    pub fn from_json(text: &str, config: SimConfig) -> Result<AnySim, ScenarioError> {
        AnySim::new(&Scenario::from_json(text)?, config)
    }

    /// Which protocol runs.
    pub fn protocol(&self) -> ProtocolName {
        match self {
            AnySim::Raft(_) => ProtocolName::Raft,
            AnySim::Clocks(_) => ProtocolName::Clocks,
            AnySim::Gossip(_) => ProtocolName::Gossip,
            AnySim::Quorum(_) => ProtocolName::Quorum,
            AnySim::Ring(_) => ProtocolName::Ring,
        }
    }

    /// See [`Sim::step`].
    pub fn step(&mut self) -> bool {
        each!(self, s => s.step())
    }

    /// See [`Sim::run_until`].
    pub fn run_until(&mut self, t: Time) {
        each!(self, s => s.run_until(t))
    }

    /// See [`Sim::run_until_bounded`].
    pub fn run_until_bounded(&mut self, t: Time, budget: u64) -> bool {
        each!(self, s => s.run_until_bounded(t, budget))
    }

    /// See [`Sim::run_to_end`].
    pub fn run_to_end(&mut self) {
        each!(self, s => s.run_to_end())
    }

    /// See [`Sim::seek`].
    pub fn seek(&mut self, t: Time) {
        each!(self, s => s.seek(t))
    }

    /// See [`Sim::apply`].
    pub fn apply(&mut self, command: Command) -> Result<(), String> {
        each!(self, s => s.apply(command))
    }

    /// Current virtual time.
    pub fn now(&self) -> Time {
        each!(self, s => s.now())
    }

    /// The latest time reached.
    pub fn horizon(&self) -> Time {
        each!(self, s => s.horizon())
    }

    /// Events processed.
    pub fn events(&self) -> u64 {
        each!(self, s => s.events())
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        each!(self, s => s.seed())
    }

    /// Message counters.
    pub fn stats(&self) -> MessageStats {
        each!(self, s => s.stats())
    }

    /// Violations so far.
    pub fn violations(&self) -> &[Violation] {
        each!(self, s => s.violations())
    }

    /// The names of the invariants checked.
    pub fn invariant_names(&self) -> &'static [&'static str] {
        match self {
            AnySim::Raft(_) => <RaftChecker as Checker<Raft>>::NAMES,
            AnySim::Clocks(_) => <ClocksChecker as Checker<Clocks>>::NAMES,
            AnySim::Gossip(_) => <GossipChecker as Checker<Gossip>>::NAMES,
            AnySim::Quorum(_) => <QuorumChecker as Checker<Quorum>>::NAMES,
            AnySim::Ring(_) => <RingChecker as Checker<Ring>>::NAMES,
        }
    }

    /// The trace entries kept in memory.
    pub fn trace(&self) -> Box<dyn DoubleEndedIterator<Item = &TraceEvent> + '_> {
        each!(self, s => Box::new(s.trace()))
    }

    /// See [`Sim::drain_trace`].
    pub fn drain_trace(&mut self) -> Vec<TraceEvent> {
        each!(self, s => s.drain_trace())
    }

    /// The trace hash so far.
    pub fn trace_hash(&self) -> TraceHash {
        each!(self, s => s.trace_hash())
    }

    /// The recorded commands.
    pub fn schedule(&self) -> &[Scheduled] {
        each!(self, s => s.schedule())
    }

    /// The run as a scenario.
    pub fn to_scenario(&self) -> Scenario {
        each!(self, s => s.to_scenario())
    }

    /// The run's report (the CLI's JSON line).
    pub fn report(&self) -> Report {
        Report::of(self)
    }
}
