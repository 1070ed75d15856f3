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
}
