//! Vector clocks over the clients that write (DeCandia et al. 2007, §4.4):
//! one counter per writing client. A client's writes are sequential, so its
//! counter orders them, and a put whose clock includes what its client read
//! supersedes exactly what was read. (Counting per coordinating server, as
//! the paper's example does, would let two clients writing through one
//! server with no context silently overwrite each other.)

use crate::id::OpId;
use crate::causality::Relation;
use crate::read::{ReadJson, Reader};
use crate::scenario::ScenarioError;
use serde::{Serialize, Serializer};
use crate::sortedmap::SortedMap;
use std::fmt;
use std::str::FromStr;

/// Who made a write: a workload client, or one scripted client operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Actor {
    /// Workload client `c` (written `c3`).
    Client(u32),
    /// A scripted client operation (written `op7`), which writes once.
    Op(OpId),
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::Client(c) => write!(f, "c{c}"),
            Actor::Op(op) => write!(f, "op{}", op.0),
        }
    }
}

impl FromStr for Actor {
    type Err = String;
    fn from_str(s: &str) -> Result<Actor, String> {
        let bad = || format!("`{s}` is not an actor (c0, c1, … or op0, op1, …)");
        if let Some(n) = s.strip_prefix("op") {
            n.parse().map(|n| Actor::Op(OpId(n))).map_err(|_| bad())
        } else if let Some(n) = s.strip_prefix('c') {
            n.parse().map(Actor::Client).map_err(|_| bad())
        } else {
            Err(bad())
        }
    }
}

/// A vector clock: how many writes of each actor a version has seen,
/// itself included. Absent actors count 0. Serialized as an object
/// (`{"c0": 2, "op5": 1}`).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VClock(SortedMap<Actor, u64>);

impl VClock {
    /// The empty clock (no write seen).
    pub fn new() -> VClock {
        VClock::default()
    }

    /// Whether it has seen no write.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The count of `actor`.
    pub fn get(&self, actor: Actor) -> u64 {
        self.0.get(&actor).copied().unwrap_or(0)
    }

    /// Every actor with its count, in actor order.
    pub fn entries(&self) -> impl Iterator<Item = (Actor, u64)> + '_ {
        self.0.iter().map(|(a, n)| (*a, *n))
    }

    /// Whether `self` has seen everything `other` has (equal clocks included).
    pub fn descends(&self, other: &VClock) -> bool {
        other.0.iter().all(|(a, n)| self.get(*a) >= *n)
    }

    /// How `self` and `other` are ordered.
    pub fn relation(&self, other: &VClock) -> Relation {
        match (self.descends(other), other.descends(self)) {
            (true, true) => Relation::Equal,
            (false, true) => Relation::Before,
            (true, false) => Relation::After,
            (false, false) => Relation::Concurrent,
        }
    }

    /// The element-wise maximum with `other`.
    pub fn merge(&mut self, other: &VClock) {
        for (a, n) in &other.0 {
            let mine = self.0.entry(*a).or_insert(0);
            *mine = (*mine).max(*n);
        }
    }

    /// Counts a new write by `actor`, whose own writes so far reach
    /// `floor`: its entry becomes one more than both. Returns the new count.
    pub fn record(&mut self, actor: Actor, floor: u64) -> u64 {
        let entry = self.0.entry(actor).or_insert(0);
        *entry = (*entry).max(floor).saturating_add(1);
        *entry
    }
}

impl fmt::Display for VClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{")?;
        for (i, (a, n)) in self.0.iter().enumerate() {
            if i > 0 {
                write!(f, ", ")?;
            }
            write!(f, "{a}:{n}")?;
        }
        write!(f, "}}")
    }
}

impl Serialize for VClock {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(a, n)| (a.to_string(), n)))
    }
}

/// An object of counts keyed by actor (`{"c0": 2, "op5": 1}`); zero
/// counts are dropped.
impl ReadJson for VClock {
    fn read(r: &Reader<'_>) -> Result<Self, ScenarioError> {
        let mut clock = SortedMap::new();
        for (key, count) in r.object_any()?.entries() {
            let actor = key.parse::<Actor>().map_err(|e| count.error(e))?;
            let n = count.u64()?;
            if n > 0 {
                clock.insert(actor, n);
            }
        }
        Ok(VClock(clock))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clock(entries: &[(Actor, u64)]) -> VClock {
        VClock(entries.iter().copied().collect())
    }

    #[test]
    fn writes_of_different_clients_from_one_context_are_concurrent() {
        let base = clock(&[(Actor::Client(0), 1)]);
        let mut a = base.clone();
        a.record(Actor::Client(1), 0);
        let mut b = base.clone();
        b.record(Actor::Client(2), 0);
        assert_eq!(a.relation(&b), Relation::Concurrent);
        assert_eq!(a.relation(&base), Relation::After);
        let mut c = a.clone();
        c.merge(&b);
        c.record(Actor::Client(0), 1);
        assert!(c.descends(&a) && c.descends(&b));
    }

    #[test]
    fn a_client_counts_past_its_own_floor() {
        let mut v = VClock::new();
        assert_eq!(v.record(Actor::Client(3), 7), 8);
        assert_eq!(v.record(Actor::Client(3), 2), 9);
        let mut huge = clock(&[(Actor::Client(0), u64::MAX)]);
        assert_eq!(huge.record(Actor::Client(0), 0), u64::MAX);
    }

    #[test]
    fn clocks_read_and_write_json_objects_keyed_by_actor() {
        let v = clock(&[(Actor::Client(1), 2), (Actor::Op(OpId(5)), 1)]);
        let json = serde_json::to_string(&v).unwrap();
        assert_eq!(json, r#"{"c1":2,"op5":1}"#);
        let read = |json: &str| {
            let value: serde_json::Value = serde_json::from_str(json).unwrap();
            Reader::new(&value, "context").read::<VClock>()
        };
        assert_eq!(read(&json).unwrap(), v);
        let e = read(r#"{"x1":2}"#).unwrap_err();
        assert_eq!(e.path, "context.x1");
        assert!(e.message.contains("not an actor"), "{e}");
        assert_eq!(v.to_string(), "{c1:2, op5:1}");
    }
}
