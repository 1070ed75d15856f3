//! Every protocol's simulator behind one type, so the UI and the CLI can
//! switch protocols. The enum itself ([`AnySim`]) comes from the registry;
//! its methods forward through [`Erased`], which every `Sim<P>` of a
//! registered protocol implements, so no method here lists protocols.

use crate::command::{Command, Scheduled};
use crate::invariant::{Checker, Violation};
use crate::registry::Entry;
use crate::report::Report;
use crate::scenario::{Scenario, ScenarioError};
use crate::sim::{MessageStats, Sim, SimConfig};
use crate::time::Time;
use crate::trace::{TraceEvent, TraceHash};

pub use crate::protocols::AnySim;

/// A simulator with its protocol type erased: what [`AnySim`] forwards to.
pub(crate) trait Erased {
    fn step(&mut self) -> bool;
    fn run_until(&mut self, t: Time);
    fn run_until_bounded(&mut self, t: Time, budget: u64) -> bool;
    fn run_to_end(&mut self);
    fn seek(&mut self, t: Time);
    fn apply(&mut self, command: Command) -> Result<(), String>;
    fn now(&self) -> Time;
    fn horizon(&self) -> Time;
    fn events(&self) -> u64;
    fn seed(&self) -> u64;
    fn stats(&self) -> MessageStats;
    fn violations(&self) -> &[Violation];
    fn invariant_names(&self) -> &'static [&'static str];
    fn reached(&self) -> &[(u64, Time)];
    fn trace(&self) -> Box<dyn DoubleEndedIterator<Item = &TraceEvent> + '_>;
    fn drain_trace(&mut self) -> Vec<TraceEvent>;
    fn trace_hash(&self) -> TraceHash;
    fn schedule(&self) -> &[Scheduled];
    fn to_scenario(&self) -> Scenario;
    fn metrics(&self) -> serde_json::Value;
}

impl<P: Entry> Erased for Sim<P> {
    fn step(&mut self) -> bool {
        Sim::step(self)
    }
    fn run_until(&mut self, t: Time) {
        Sim::run_until(self, t)
    }
    fn run_until_bounded(&mut self, t: Time, budget: u64) -> bool {
        Sim::run_until_bounded(self, t, budget)
    }
    fn run_to_end(&mut self) {
        Sim::run_to_end(self)
    }
    fn seek(&mut self, t: Time) {
        Sim::seek(self, t)
    }
    fn apply(&mut self, command: Command) -> Result<(), String> {
        Sim::apply(self, command)
    }
    fn now(&self) -> Time {
        Sim::now(self)
    }
    fn horizon(&self) -> Time {
        Sim::horizon(self)
    }
    fn events(&self) -> u64 {
        Sim::events(self)
    }
    fn seed(&self) -> u64 {
        Sim::seed(self)
    }
    fn stats(&self) -> MessageStats {
        Sim::stats(self)
    }
    fn violations(&self) -> &[Violation] {
        Sim::violations(self)
    }
    fn invariant_names(&self) -> &'static [&'static str] {
        <P::Checker as Checker<P>>::NAMES
    }
    fn reached(&self) -> &[(u64, Time)] {
        Sim::checker(self).reached()
    }
    fn trace(&self) -> Box<dyn DoubleEndedIterator<Item = &TraceEvent> + '_> {
        Box::new(Sim::trace(self))
    }
    fn drain_trace(&mut self) -> Vec<TraceEvent> {
        Sim::drain_trace(self)
    }
    fn trace_hash(&self) -> TraceHash {
        Sim::trace_hash(self)
    }
    fn schedule(&self) -> &[Scheduled] {
        Sim::schedule(self)
    }
    fn to_scenario(&self) -> Scenario {
        Sim::to_scenario(self)
    }
    fn metrics(&self) -> serde_json::Value {
        P::metrics(self)
    }
}

impl AnySim {
    /// The simulator inside, typed, if it runs protocol `P`.
    pub fn get<P: crate::registry::Variant>(&self) -> Option<&Sim<P>> {
        P::of(self)
    }

    /// The simulator inside, typed, if it runs protocol `P`.
    pub fn get_mut<P: crate::registry::Variant>(&mut self) -> Option<&mut Sim<P>> {
        P::of_mut(self)
    }

    /// Parses a scenario and builds its simulation.
    pub fn from_json(text: &str, config: SimConfig) -> Result<AnySim, ScenarioError> {
        AnySim::new(&Scenario::from_json(text)?, config)
    }

    /// See [`Sim::step`].
    pub fn step(&mut self) -> bool {
        self.erased_mut().step()
    }

    /// See [`Sim::run_until`].
    pub fn run_until(&mut self, t: Time) {
        self.erased_mut().run_until(t)
    }

    /// See [`Sim::run_until_bounded`].
    pub fn run_until_bounded(&mut self, t: Time, budget: u64) -> bool {
        self.erased_mut().run_until_bounded(t, budget)
    }

    /// See [`Sim::run_to_end`].
    pub fn run_to_end(&mut self) {
        self.erased_mut().run_to_end()
    }

    /// See [`Sim::seek`].
    pub fn seek(&mut self, t: Time) {
        self.erased_mut().seek(t)
    }

    /// See [`Sim::apply`].
    pub fn apply(&mut self, command: Command) -> Result<(), String> {
        self.erased_mut().apply(command)
    }

    /// Current virtual time.
    pub fn now(&self) -> Time {
        self.erased().now()
    }

    /// The latest time reached.
    pub fn horizon(&self) -> Time {
        self.erased().horizon()
    }

    /// Events processed.
    pub fn events(&self) -> u64 {
        self.erased().events()
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.erased().seed()
    }

    /// Message counters.
    pub fn stats(&self) -> MessageStats {
        self.erased().stats()
    }

    /// Violations so far.
    pub fn violations(&self) -> &[Violation] {
        self.erased().violations()
    }

    /// The names of the invariants checked.
    pub fn invariant_names(&self) -> &'static [&'static str] {
        self.erased().invariant_names()
    }

    /// The kinds of state reached so far, with when ([`Checker::reached`]).
    pub fn reached(&self) -> &[(u64, Time)] {
        self.erased().reached()
    }

    /// The trace entries kept in memory.
    pub fn trace(&self) -> Box<dyn DoubleEndedIterator<Item = &TraceEvent> + '_> {
        self.erased().trace()
    }

    /// See [`Sim::drain_trace`].
    pub fn drain_trace(&mut self) -> Vec<TraceEvent> {
        self.erased_mut().drain_trace()
    }

    /// The trace hash so far.
    pub fn trace_hash(&self) -> TraceHash {
        self.erased().trace_hash()
    }

    /// The recorded commands.
    pub fn schedule(&self) -> &[Scheduled] {
        self.erased().schedule()
    }

    /// The run as a scenario.
    pub fn to_scenario(&self) -> Scenario {
        self.erased().to_scenario()
    }

    /// The protocol's figures for the report (`metrics`).
    pub fn metrics(&self) -> serde_json::Value {
        self.erased().metrics()
    }

    /// The run's report (the CLI's JSON line).
    pub fn report(&self) -> Report {
        Report::of(self)
    }
}
