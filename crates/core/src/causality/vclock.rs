//! Vector clocks (Fidge 1988, Mattern 1989): one counter per process.

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// How two events (or clocks) are ordered by causality.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// The first happened before the second (a → b).
    Before,
    /// The second happened before the first (b → a).
    After,
    /// The same clock.
    Equal,
    /// Neither happened before the other (a ∥ b).
    Concurrent,
}

/// A vector clock over processes `0..n`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct VClock(pub Vec<u64>);

impl VClock {
    /// All zeros for `n` processes.
    pub fn new(n: usize) -> VClock {
        VClock(vec![0; n])
    }

    /// Counts one event of process `i`.
    pub fn increment(&mut self, i: usize) {
        if self.0.len() <= i {
            self.0.resize(i + 1, 0);
        }
        self.0[i] += 1;
    }

    /// The element-wise maximum with `other`.
    pub fn merge(&mut self, other: &VClock) {
        if self.0.len() < other.0.len() {
            self.0.resize(other.0.len(), 0);
        }
        for (mine, theirs) in self.0.iter_mut().zip(&other.0) {
            *mine = (*mine).max(*theirs);
        }
    }

    fn get(&self, i: usize) -> u64 {
        self.0.get(i).copied().unwrap_or(0)
    }

    /// Whether every counter is at least `other`'s (`self` descends `other`).
    pub fn descends(&self, other: &VClock) -> bool {
        let n = self.0.len().max(other.0.len());
        (0..n).all(|i| self.get(i) >= other.get(i))
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

    /// The partial order as an `Ordering` (`None` when concurrent).
    pub fn partial_cmp_clock(&self, other: &VClock) -> Option<Ordering> {
        match self.relation(other) {
            Relation::Before => Some(Ordering::Less),
            Relation::After => Some(Ordering::Greater),
            Relation::Equal => Some(Ordering::Equal),
            Relation::Concurrent => None,
        }
    }

    /// Why `relation` holds, in words (`"[1, 0, 2] ≤ [1, 1, 2] in every component…"`).
    pub fn explain(&self, other: &VClock) -> String {
        let a = format!("{:?}", self.0);
        let b = format!("{:?}", other.0);
        match self.relation(other) {
            Relation::Before => format!("{a} ≤ {b} in every component and differs: a → b"),
            Relation::After => format!("{b} ≤ {a} in every component and differs: b → a"),
            Relation::Equal => format!("{a} = {b}: the same event"),
            Relation::Concurrent => {
                let n = self.0.len().max(other.0.len());
                let i = (0..n).find(|&i| self.get(i) > other.get(i)).unwrap_or(0);
                let j = (0..n).find(|&j| other.get(j) > self.get(j)).unwrap_or(0);
                format!("{a} is ahead at n{i}, {b} is ahead at n{j}: concurrent (a ∥ b)")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    //! Cases after riak_core's vclock tests.
    use super::*;

    #[test]
    fn increments_on_different_nodes_are_concurrent() {
        let base = VClock::new(3);
        let mut a = base.clone();
        a.increment(0);
        let mut b = base.clone();
        b.increment(1);
        assert_eq!(a.relation(&b), Relation::Concurrent);
        assert!(a.descends(&base) && b.descends(&base));
        assert!(!a.descends(&b) && !b.descends(&a));
    }

    #[test]
    fn a_merge_then_increment_descends_both_parents() {
        let mut a = VClock::new(3);
        a.increment(0);
        a.increment(0);
        let mut b = VClock::new(3);
        b.increment(1);
        let mut c = a.clone();
        c.merge(&b);
        c.increment(2);
        assert!(c.descends(&a) && c.descends(&b));
        assert_eq!(a.relation(&c), Relation::Before);
        assert_eq!(c.relation(&b), Relation::After);
    }

    #[test]
    fn merge_is_the_element_wise_maximum() {
        let mut a = VClock(vec![1, 5, 0, 2]);
        a.merge(&VClock(vec![3, 2, 0, 2, 7]));
        assert_eq!(a, VClock(vec![3, 5, 0, 2, 7]));
        // Commutative and idempotent.
        let mut b = VClock(vec![3, 2, 0, 2, 7]);
        b.merge(&VClock(vec![1, 5, 0, 2]));
        assert_eq!(a, b);
        let before = a.clone();
        a.merge(&before);
        assert_eq!(a, before);
    }

    #[test]
    fn a_clock_descends_itself_and_equal_clocks_are_equal() {
        let a = VClock(vec![2, 1]);
        assert!(a.descends(&a));
        assert_eq!(a.relation(&a.clone()), Relation::Equal);
        assert!(a.explain(&VClock(vec![1, 2])).contains("concurrent"));
    }
}
