//! Named invariants, checked after every event. A violation is recorded with
//! its time and a detail; it never panics and never stops the run.

use crate::id::NodeId;
use crate::node::Protocol;
use crate::time::Time;
use serde::Serialize;
use std::fmt::Debug;

/// One broken invariant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// The invariant's name (`"Election Safety"`).
    pub invariant: &'static str,
    /// When it was seen broken.
    #[serde(rename = "at_ms", serialize_with = "crate::trace::ser_ms")]
    pub at: Time,
    /// What was seen.
    pub detail: String,
}

/// A protocol's invariant checker. It may keep history (for example which
/// node led each term); it is cloned into time-travel checkpoints.
pub trait Checker<P: Protocol>: Clone + Debug + Default {
    /// The names of the invariants it checks, for the UI's panel.
    const NAMES: &'static [&'static str];

    /// Called after `node` handled an event (or started) at `now`, with its
    /// new state. Global properties are checked against the history the
    /// checker keeps, so one call costs only what the event changed.
    /// Pushes any violation to `out`.
    fn after_event(&mut self, now: Time, node: NodeId, state: &P, out: &mut Vec<Violation>);

    /// Whether [`Checker::reached`] names kinds of state, so the search
    /// also makes guided runs ([`crate::explore::guided`]) besides its
    /// random ones.
    const GUIDES: bool = false;

    /// The kinds of state the run has reached so far, each with the time
    /// it was first reached, in that order: hints for the guided search
    /// ([`crate::explore`]), which keeps a schedule that reaches a kind its
    /// earlier schedules did not and adds its next fault just after. None
    /// by default (the search is then a random one).
    fn reached(&self) -> &[(u64, Time)] {
        &[]
    }
}

/// Records the first time each kind of state is reached, for
/// [`Checker::reached`].
pub fn reach(reached: &mut Vec<(u64, Time)>, kind: u64, now: Time) {
    if !reached.iter().any(|&(k, _)| k == kind) {
        reached.push((kind, now));
    }
}
