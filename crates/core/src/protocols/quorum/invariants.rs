//! The quorum store's invariants, checked after every event at the cost of
//! what the event changed (the node lists the keys it touched and the
//! operations it reported).
//!
//! - **Versions only grow**: a replica replaces a stored version only with
//!   one that descends it (under `lww`: one with a higher stamp). Read
//!   repair, handoff and anti-entropy merge; they never roll a key back.
//! - **Sibling sets are antichains**: no stored or hinted sibling descends
//!   another, and under `lww` a key has one version.
//! - **Strict quorum reads are fresh** (Gifford 1979): with strict quorums
//!   (`sloppy` off), `siblings`, and R + W > N for the get and the put, a
//!   get returns the last put completed before it began, or a version that
//!   descends it: every read set meets every write set. Sloppy quorums give
//!   this up by design (DeCandia et al. 2007, §4.6), and so does `lww`, where
//!   a concurrent write with a later stamp replaces the put.

use super::history::Freshness;
use super::params::Resolve;
use super::version::Version;
use super::{Quorum, Touched};
use crate::id::NodeId;
use crate::invariant::{Checker, Violation};
use crate::time::Time;
use crate::sortedmap::SortedMap;

/// A replica replaces a version only with one that descends it.
pub const VERSIONS_ONLY_GROW: &str = "Versions only grow";
/// No sibling descends another.
pub const SIBLINGS_ANTICHAIN: &str = "Sibling sets are antichains";
/// With R + W > N and strict quorums, a get sees the last completed put.
pub const STRICT_QUORUM_FRESH: &str = "Strict quorum reads are fresh";

/// What a version is, for comparisons: its clock and stamp.
type Tag = (super::VClock, super::Stamp);

fn tags(set: &[Version]) -> Vec<Tag> {
    set.iter().map(|v| (v.clock.clone(), v.stamp)).collect()
}

/// The history behind the invariants: every replica's versions as last
/// seen, and the last completed put per key.
#[derive(Clone, Debug, Default)]
pub struct QuorumChecker {
    stores: SortedMap<(NodeId, String), Vec<Tag>>,
    fresh: Freshness,
}

fn antichain(set: &[Version], resolve: Resolve) -> Result<(), String> {
    if resolve == Resolve::Lww && set.len() > 1 {
        return Err(format!("{} versions under last-writer-wins", set.len()));
    }
    for (i, a) in set.iter().enumerate() {
        for b in &set[i + 1..] {
            if a.descends(b) || b.descends(a) {
                return Err(format!(
                    "siblings {} {} and {} {} are ordered",
                    a.value, a.clock, b.value, b.clock
                ));
            }
        }
    }
    Ok(())
}

impl QuorumChecker {
    fn grow(&mut self, now: Time, node: NodeId, q: &Quorum, key: &str, out: &mut Vec<Violation>) {
        let set = q.versions(key);
        let new = tags(set);
        let resolve = q.params.resolve;
        if let Some(old) = self.stores.get(&(node, key.to_string())) {
            let lost = old.iter().find(|(clock, stamp)| match resolve {
                Resolve::Siblings => !new.iter().any(|(c, _)| c.descends(clock)),
                Resolve::Lww => !new.iter().any(|(_, s)| s >= stamp),
            });
            if let Some((clock, stamp)) = lost {
                out.push(Violation {
                    invariant: VERSIONS_ONLY_GROW,
                    at: now,
                    detail: format!(
                        "{node} dropped version {clock} of {key} (stamped {} by {}) for older ones",
                        stamp.at, stamp.node
                    ),
                });
            }
        }
        if let Err(why) = antichain(set, resolve) {
            out.push(Violation {
                invariant: SIBLINGS_ANTICHAIN,
                at: now,
                detail: format!("{node}, key {key}: {why}"),
            });
        }
        self.stores.insert((node, key.to_string()), new);
    }

    fn hint(
        &self,
        now: Time,
        node: NodeId,
        q: &Quorum,
        key: &str,
        intended: NodeId,
        out: &mut Vec<Violation>,
    ) {
        let Some(set) = q.d.hints.get(&(key.to_string(), intended)) else {
            return;
        };
        if let Err(why) = antichain(set, q.params.resolve) {
            out.push(Violation {
                invariant: SIBLINGS_ANTICHAIN,
                at: now,
                detail: format!("{node}, hint of {key} for {intended}: {why}"),
            });
        }
    }
}

impl Checker<Quorum> for QuorumChecker {
    const NAMES: &'static [&'static str] =
        &[VERSIONS_ONLY_GROW, SIBLINGS_ANTICHAIN, STRICT_QUORUM_FRESH];

    fn after_event(&mut self, now: Time, node: NodeId, q: &Quorum, out: &mut Vec<Violation>) {
        for t in &q.touched {
            match t {
                Touched::Store(key) => self.grow(now, node, q, key, out),
                Touched::Hint(key, intended) => self.hint(now, node, q, key, *intended, out),
            }
        }
        let p = &q.params;
        let strict = !p.sloppy && p.resolve == Resolve::Siblings;
        for event in q.recent() {
            let Some(stale) = self.fresh.note(now, event) else {
                continue;
            };
            if strict && stale.missed.w + stale.r > p.n {
                out.push(Violation {
                    invariant: STRICT_QUORUM_FRESH,
                    at: now,
                    detail: format!(
                        "{node}: a get with R = {} {} (W = {}, N = {})",
                        stale.r,
                        stale.explain(),
                        stale.missed.w,
                        p.n
                    ),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    //! Each check fires on a state that breaks it (a correct run never
    //! produces one, so the states are made by hand).
    use super::super::history::{Answer, Completion, Invocation, OpRef, QuorumEvent};
    use super::super::request::{ClientRef, OpKind};
    use super::super::{Actor, QuorumParams, Stamp, VClock};
    use super::*;
    use crate::node::Protocol;

    fn version(value: &str, writes: &[u32]) -> Version {
        let mut clock = VClock::new();
        for &c in writes {
            clock.record(Actor::Client(c), 0);
        }
        Version {
            value: value.into(),
            clock,
            writer: Actor::Client(writes.last().copied().unwrap_or(0)),
            stamp: Stamp {
                at: Time(writes.len() as u64),
                node: NodeId(0),
            },
        }
    }

    fn node(params: QuorumParams) -> Quorum {
        Quorum::new(NodeId(0), &[NodeId(0), NodeId(1), NodeId(2)], &params, None)
    }

    fn check(c: &mut QuorumChecker, q: &mut Quorum, at: u64) -> Vec<&'static str> {
        let mut out = Vec::new();
        c.after_event(Time(at), NodeId(0), q, &mut out);
        q.begin();
        out.iter().map(|v| v.invariant).collect()
    }

    fn set(q: &mut Quorum, key: &str, versions: Vec<Version>) {
        q.d.store.insert(key.into(), versions);
        q.touched.insert(Touched::Store(key.into()));
    }

    #[test]
    fn a_replica_that_rolls_a_key_back_breaks_versions_only_grow() {
        let mut c = QuorumChecker::default();
        let mut q = node(QuorumParams::default());
        set(&mut q, "k", vec![version("a", &[0])]);
        assert!(check(&mut c, &mut q, 1).is_empty());
        set(&mut q, "k", vec![version("b", &[0, 0])]);
        assert!(check(&mut c, &mut q, 2).is_empty(), "a descendant replaces");
        set(&mut q, "k", vec![version("a", &[0])]);
        assert_eq!(check(&mut c, &mut q, 3), [VERSIONS_ONLY_GROW]);
    }

    #[test]
    fn ordered_siblings_break_the_antichain() {
        let mut c = QuorumChecker::default();
        let mut q = node(QuorumParams::default());
        set(&mut q, "k", vec![version("a", &[0]), version("b", &[1])]);
        assert!(check(&mut c, &mut q, 1).is_empty(), "concurrent siblings");
        set(
            &mut q,
            "k",
            vec![
                version("a", &[0]),
                version("b", &[1]),
                version("c", &[0, 1]),
            ],
        );
        assert_eq!(check(&mut c, &mut q, 2), [SIBLINGS_ANTICHAIN]);
        let mut lww = node(QuorumParams {
            resolve: Resolve::Lww,
            ..Default::default()
        });
        set(&mut lww, "k", vec![version("a", &[0]), version("b", &[1])]);
        assert_eq!(
            check(&mut QuorumChecker::default(), &mut lww, 1),
            [SIBLINGS_ANTICHAIN]
        );
    }

    /// A put of `a` completes at 10 with `w`; a get invoked at 20 with `r`
    /// completes at 30 having returned nothing.
    fn stale_get(params: QuorumParams, w: u32, r: u32) -> Vec<&'static str> {
        let mut c = QuorumChecker::default();
        let mut q = node(params);
        let op = |req| OpRef {
            node: NodeId(0),
            req,
        };
        let a = version("a", &[0]);
        q.recent = vec![QuorumEvent::Completed(Completion {
            op: op(0),
            kind: OpKind::Put,
            key: "k".into(),
            ok: true,
            need: w,
            result: vec![a],
            answers: vec![Answer {
                node: NodeId(1),
                intended: NodeId(1),
                versions: None,
            }],
            error: None,
        })];
        let mut found = check(&mut c, &mut q, 10);
        q.recent = vec![QuorumEvent::Invoked(Invocation {
            op: op(1),
            client: ClientRef::Workload { client: 0, life: 0 },
            kind: OpKind::Get,
            key: "k".into(),
            value: None,
            need: r,
        })];
        found.extend(check(&mut c, &mut q, 20));
        q.recent = vec![QuorumEvent::Completed(Completion {
            op: op(1),
            kind: OpKind::Get,
            key: "k".into(),
            ok: true,
            need: r,
            result: Vec::new(),
            answers: Vec::new(),
            error: None,
        })];
        found.extend(check(&mut c, &mut q, 30));
        found
    }

    #[test]
    fn a_stale_read_breaks_freshness_only_under_strict_quorums() {
        assert_eq!(
            stale_get(QuorumParams::default(), 2, 2),
            [STRICT_QUORUM_FRESH]
        );
        assert!(
            stale_get(QuorumParams::default(), 1, 2).is_empty(),
            "R + W = N"
        );
        let sloppy = QuorumParams {
            sloppy: true,
            ..Default::default()
        };
        assert!(stale_get(sloppy, 2, 2).is_empty(), "sloppy quorums");
        let lww = QuorumParams {
            resolve: Resolve::Lww,
            ..Default::default()
        };
        assert!(stale_get(lww, 2, 2).is_empty(), "last-writer-wins");
    }
}
