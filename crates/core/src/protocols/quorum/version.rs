//! Versions of a key and how a replica keeps them (DeCandia et al. 2007,
//! §4.4): under `siblings`, every version not superseded by a causally later
//! one is kept, and a get returns them all; under `lww`, the version with the
//! highest (coordinator timestamp, coordinator id) wins and the others are
//! dropped, concurrent or not.

use super::clock::{Actor, VClock};
use super::params::Resolve;
use crate::id::NodeId;
use crate::time::Time;
use serde::Serialize;

/// When and where a version was made: its coordinator's local clock and id
/// (what last-writer-wins compares).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Stamp {
    /// The coordinator's local clock when it made the version.
    #[serde(rename = "at_ms", serialize_with = "crate::trace::ser_ms")]
    pub at: Time,
    /// The coordinator.
    pub node: NodeId,
}

/// One version of a key's value.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Version {
    /// The value.
    pub value: String,
    /// Its vector clock: the writes it has seen, itself included.
    pub clock: VClock,
    /// The client that wrote it.
    #[serde(serialize_with = "ser_display")]
    pub writer: Actor,
    /// Its coordinator's timestamp.
    pub stamp: Stamp,
}

fn ser_display<S: serde::Serializer>(a: &Actor, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(a)
}

impl Version {
    /// Whether this version is `other` or causally after it.
    pub fn descends(&self, other: &Version) -> bool {
        self.clock.descends(&other.clock)
    }

    /// The total order last-writer-wins uses: timestamp, then coordinator,
    /// then (for two versions stamped alike) clock and value.
    fn lww_key(&self) -> (Stamp, &VClock, &str) {
        (self.stamp, &self.clock, &self.value)
    }
}

/// Adds `v` to a replica's versions of one key; returns whether they
/// changed. Under `siblings`, `v` is dropped if a kept version descends it,
/// and it replaces the versions it descends. Under `lww` one version is kept.
pub fn merge_version(set: &mut Vec<Version>, v: &Version, resolve: Resolve) -> bool {
    match resolve {
        Resolve::Siblings => {
            if set.iter().any(|s| s.descends(v)) {
                return false;
            }
            set.retain(|s| !v.descends(s));
            set.push(v.clone());
            crate::sorting::sort_by(set, |a, b| a.lww_key().cmp(&b.lww_key()));
            true
        }
        Resolve::Lww => match set.first() {
            Some(cur) if cur.lww_key() >= v.lww_key() => false,
            _ => {
                set.clear();
                set.push(v.clone());
                true
            }
        },
    }
}

/// Merges every version of `from` into `set`; returns whether it changed.
pub fn merge_all(set: &mut Vec<Version>, from: &[Version], resolve: Resolve) -> bool {
    let mut changed = false;
    for v in from {
        changed |= merge_version(set, v, resolve);
    }
    changed
}

/// Whether merging `newer` into `set` would change nothing (`set` is up to date).
pub fn is_current(set: &[Version], newer: &[Version], resolve: Resolve) -> bool {
    let mut copy = set.to_vec();
    !merge_all(&mut copy, newer, resolve)
}

/// The context of a set of versions: the merge of their clocks. A put that
/// carries it supersedes all of them.
pub fn context(set: &[Version]) -> VClock {
    let mut c = VClock::new();
    for v in set {
        c.merge(&v.clock);
    }
    c
}

/// Whether a set holds `v` or a version causally after it.
pub fn has_seen(set: &[Version], v: &VClock) -> bool {
    set.iter().any(|s| s.clock.descends(v))
}

/// A 64-bit digest of a set of versions (FNV-1a over their values and
/// clocks), for anti-entropy's per-key comparison.
pub fn digest(set: &[Version]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for v in set {
        feed(&(v.value.len() as u64).to_le_bytes());
        feed(v.value.as_bytes());
        for (a, n) in v.clock.entries() {
            feed(a.to_string().as_bytes());
            feed(&n.to_le_bytes());
        }
        feed(&v.stamp.at.0.to_le_bytes());
        feed(&v.stamp.node.0.to_le_bytes());
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(value: &str, clock: &[(u32, u64)], at: u64, node: u32) -> Version {
        let mut c = VClock::new();
        for &(a, n) in clock {
            for _ in 0..n {
                c.record(Actor::Client(a), 0);
            }
        }
        Version {
            value: value.into(),
            clock: c,
            writer: Actor::Client(clock.last().map_or(0, |e| e.0)),
            stamp: Stamp {
                at: Time(at),
                node: NodeId(node),
            },
        }
    }

    #[test]
    fn concurrent_writes_become_siblings_and_a_later_write_resolves_them() {
        let a = v("a", &[(0, 1)], 10, 0);
        let b = v("b", &[(1, 1)], 5, 1);
        let mut set = Vec::new();
        assert!(merge_version(&mut set, &a, Resolve::Siblings));
        assert!(merge_version(&mut set, &b, Resolve::Siblings));
        assert_eq!(set.len(), 2);
        // Merging again changes nothing; an ancestor changes nothing.
        assert!(!merge_all(
            &mut set,
            &[a.clone(), b.clone()],
            Resolve::Siblings
        ));
        // A write whose context covers both replaces both.
        let c = v("c", &[(0, 1), (1, 1), (2, 1)], 1, 2);
        assert!(merge_version(&mut set, &c, Resolve::Siblings));
        assert_eq!(set, vec![c.clone()]);
        assert!(!merge_version(&mut set, &a, Resolve::Siblings));
        assert!(is_current(&set, &[a, b], Resolve::Siblings));
    }

    #[test]
    fn last_writer_wins_keeps_the_highest_stamp_even_if_it_is_older() {
        let a = v("a", &[(0, 1)], 10, 0);
        let later_but_slow_clock = v("b", &[(0, 1), (1, 1)], 5, 1);
        let mut set = Vec::new();
        merge_version(&mut set, &a, Resolve::Lww);
        assert!(!merge_version(
            &mut set,
            &later_but_slow_clock,
            Resolve::Lww
        ));
        assert_eq!(set, vec![a.clone()]);
        let tie = v("z", &[(2, 1)], 10, 0);
        assert!(merge_version(&mut set, &tie, Resolve::Lww));
        assert_eq!(set.len(), 1);
    }

    #[test]
    fn digests_differ_when_sets_differ() {
        let a = v("a", &[(0, 1)], 10, 0);
        let b = v("b", &[(1, 1)], 5, 1);
        let one = |x: &Version| digest(std::slice::from_ref(x));
        assert_eq!(one(&a), one(&a.clone()));
        assert_ne!(one(&a), one(&b));
        assert_ne!(one(&a), digest(&[a, b]));
        assert!(has_seen(
            &[v("c", &[(0, 2)], 1, 0)],
            &context(&[v("a", &[(0, 1)], 1, 0)])
        ));
    }
}
