//! Questions about a run's events: how two events are related, an event's
//! causal past and future, and a pair that shows Lamport clocks' limit.

use crate::causality::Relation;
use super::ClockEvent;
use crate::sim::Observed;

/// How events `a` and `b` relate, with the vector comparison that says so.
pub fn relation(a: &ClockEvent, b: &ClockEvent) -> (Relation, String) {
    (a.vector.relation(&b.vector), a.vector.explain(&b.vector))
}

/// Indices of the events that happened before `events[i]` (its causal past).
pub fn causal_past(events: &[Observed<ClockEvent>], i: usize) -> Vec<usize> {
    let Some(e) = events.get(i) else {
        return Vec::new();
    };
    let v = &e.observation.vector;
    (0..events.len())
        .filter(|&j| j != i && events[j].observation.vector.relation(v) == Relation::Before)
        .collect()
}

/// Indices of the events that `events[i]` happened before (its causal future).
pub fn causal_future(events: &[Observed<ClockEvent>], i: usize) -> Vec<usize> {
    let Some(e) = events.get(i) else {
        return Vec::new();
    };
    let v = &e.observation.vector;
    (0..events.len())
        .filter(|&j| j != i && events[j].observation.vector.relation(v) == Relation::After)
        .collect()
}

/// A pair `(a, b)` with L(a) < L(b) that is nevertheless concurrent: the
/// Lamport order is not causality. Prefers the pair with the widest gap in
/// Lamport time among the most recent `window` events.
pub fn lamport_limit_pair(
    events: &[Observed<ClockEvent>],
    window: usize,
) -> Option<(usize, usize)> {
    let start = events.len().saturating_sub(window);
    let mut best: Option<(u64, usize, usize)> = None;
    for a in start..events.len() {
        for b in start..events.len() {
            let (ea, eb) = (&events[a].observation, &events[b].observation);
            if ea.lamport < eb.lamport && ea.vector.relation(&eb.vector) == Relation::Concurrent {
                let gap = eb.lamport - ea.lamport;
                if best.is_none_or(|(g, _, _)| gap > g) {
                    best = Some((gap, a, b));
                }
            }
        }
    }
    best.map(|(_, a, b)| (a, b))
}
