//! Words and choices the quorum lab's components share: how an operation
//! reads, which one the drawing focuses on, and the put a get had to see.

use super::QuorumPart;
use faultline_core::protocols::quorum::{
    ClientRef, HistoryEntry, OpKind, OpRef, QuorumView, Version,
};
use faultline_core::sim::SimView;
use faultline_core::{NodeId, Time};

/// Versions as values: `∅` for none, `a` for one, `a | b` for siblings.
pub fn values(versions: &[Version]) -> String {
    if versions.is_empty() {
        "∅".into()
    } else {
        versions
            .iter()
            .map(|v| v.value.as_str())
            .collect::<Vec<_>>()
            .join(" | ")
    }
}

/// An operation in a few words: `put k0=c1-3`, `get k0 → c1-2`.
pub fn label(e: &HistoryEntry) -> String {
    match e.kind {
        OpKind::Put => format!("put {}={}", e.key, e.value.as_deref().unwrap_or("")),
        OpKind::Get if e.complete.is_some() && e.ok => {
            format!("get {} → {}", e.key, values(&e.result))
        }
        OpKind::Get => format!("get {}", e.key),
    }
}

/// Where an operation stands: a CSS class and a word.
pub fn status(e: &HistoryEntry) -> (&'static str, &'static str) {
    match (e.complete, e.ok) {
        (None, _) => ("pending", "in flight"),
        (Some(_), false) => ("failed", "failed"),
        _ if e.stale.is_some() => ("stale", "stale"),
        _ => ("ok", "ok"),
    }
}

/// Milliseconds to a tenth: `2510.4`.
pub fn ms(t: Time) -> String {
    format!("{:.1}", t.as_ms())
}

/// The history lane of a client: workload clients each have their own,
/// scripted operations (from the form or a scenario) share one.
pub fn lane(c: ClientRef) -> String {
    match c {
        ClientRef::Script(_) => "scripted".into(),
        workload => workload.to_string(),
    }
}

/// Node names joined: `n0, n2`, or `none`.
pub fn nodes(list: &[NodeId]) -> String {
    if list.is_empty() {
        "none".into()
    } else {
        list.iter()
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The operation the drawing shows: the pinned one if the history has it,
/// else the one that completed last.
pub fn focus(lab: &QuorumPart, pinned: Option<OpRef>) -> Option<usize> {
    if let Some(op) = pinned {
        if let Some(i) = lab.history.iter().position(|e| e.op == op) {
            return Some(i);
        }
    }
    lab.history
        .iter()
        .enumerate()
        .filter_map(|(i, e)| e.complete.map(|t| (t, i)))
        .max()
        .map(|(_, i)| i)
}

/// The put a get had to see: the last successful put on its key that
/// completed before the get was invoked (for a stale get, the one it
/// missed).
pub fn must_see(history: &[HistoryEntry], get: &HistoryEntry) -> Option<usize> {
    if let Some(s) = &get.stale {
        return history.iter().position(|e| e.op == s.missed.op);
    }
    history
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind == OpKind::Put && e.ok && e.key == get.key)
        .filter_map(|(i, e)| e.complete.filter(|t| *t <= get.invoke).map(|t| (t, i)))
        .max()
        .map(|(_, i)| i)
}

/// A replica in an operation's read or write set, and what it returned.
#[derive(Clone, Debug, PartialEq)]
pub struct Replied {
    /// The node that answered.
    pub node: NodeId,
    /// What a get's replica returned (`None` for a put's acknowledgement).
    pub versions: Option<Vec<Version>>,
}

/// An operation's read or write set: from its completion, or, while it is
/// in flight, from its coordinator's answers so far.
pub fn answered(view: &SimView<QuorumView>, e: &HistoryEntry) -> Vec<Replied> {
    let from = |a: &faultline_core::protocols::quorum::Answer| Replied {
        node: a.node,
        versions: a.versions.clone(),
    };
    if e.complete.is_some() {
        return e.answers.iter().map(from).collect();
    }
    view.nodes
        .iter()
        .find(|n| n.id == e.op.node)
        .and_then(|n| n.state.as_ref())
        .and_then(|q| q.coordinations.iter().find(|c| c.req == e.op.req))
        .map(|c| c.answers.iter().map(from).collect())
        .unwrap_or_default()
}
