//! Load balance and key movement figures for an assignment.

use crate::sortedmap::{SortedMap, SortedSet};

/// Keys per node: every node of `members` (0 if it owns nothing), plus any
/// other node that appears in `assignment`.
pub fn loads(assignment: &[u32], members: &[u32]) -> SortedMap<u32, u64> {
    let mut loads: SortedMap<u32, u64> = members.iter().map(|&m| (m, 0)).collect();
    for &node in assignment {
        *loads.entry(node).or_default() += 1;
    }
    loads
}

/// The mean load (keys over nodes); 0 with no nodes.
fn mean(loads: &SortedMap<u32, u64>) -> f64 {
    if loads.is_empty() {
        return 0.0;
    }
    loads.values().sum::<u64>() as f64 / loads.len() as f64
}

/// The coefficient of variation of the loads: population standard deviation
/// over mean. 0 when there are no nodes or no keys.
pub fn cv(loads: &SortedMap<u32, u64>) -> f64 {
    let mean = mean(loads);
    if mean == 0.0 {
        return 0.0;
    }
    let var = loads
        .values()
        .map(|&l| (l as f64 - mean).powi(2))
        .sum::<f64>()
        / loads.len() as f64;
    var.sqrt() / mean
}

/// The largest load over the mean load: 1 is perfect balance. 0 when there
/// are no nodes or no keys.
pub fn max_over_avg(loads: &SortedMap<u32, u64>) -> f64 {
    let mean = mean(loads);
    if mean == 0.0 {
        return 0.0;
    }
    loads.values().copied().max().unwrap_or(0) as f64 / mean
}

/// How many keys changed owner between two assignments.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Movement {
    /// Keys whose owner changed.
    pub moved: u64,
    /// Of those, keys whose old and new owners were both members before and
    /// after the change: moves a minimal strategy never makes, since a
    /// node's arrival or departure should only move keys to or from it.
    pub moved_between_existing: u64,
}

/// Compares the owner of each key in `before` and `after` (key `i` is entry
/// `i`; only keys present in both are compared), given the member lists
/// before and after the change.
pub fn movement(
    before: &[u32],
    after: &[u32],
    before_members: &[u32],
    after_members: &[u32],
) -> Movement {
    let old: SortedSet<u32> = before_members.iter().copied().collect();
    let new: SortedSet<u32> = after_members.iter().copied().collect();
    let stayed = |n: &u32| old.contains(n) && new.contains(n);
    let mut m = Movement::default();
    for (a, b) in before.iter().zip(after) {
        if a != b {
            m.moved += 1;
            if stayed(a) && stayed(b) {
                m.moved_between_existing += 1;
            }
        }
    }
    m
}
