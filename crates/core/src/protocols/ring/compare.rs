//! Pure figures for the UI's comparisons: every strategy on the same
//! membership change, and the ring's balance against its virtual nodes.

use super::params::MAX_KEYS;
use crate::placement::{stats, Member, Movement, Placement, Strategy};

/// The node ids of `members`.
fn ids(members: &[Member]) -> Vec<u32> {
    members.iter().map(|m| m.node).collect()
}

/// For each strategy (in [`Strategy::ALL`] order), how many of the keys
/// `0..keys` change owner when the members go from `before` to `after`,
/// and how many of those move between two nodes present on both sides.
/// `vnodes` applies to `ring` and `bounded`, `epsilon` to `bounded`. A
/// strategy that refuses the configuration (no members, `vnodes` outside
/// `1..=512`, a bad weight or epsilon) is left out. Keys beyond 100,000
/// are not counted.
pub fn compare_strategies(
    before: &[Member],
    after: &[Member],
    keys: u64,
    vnodes: u32,
    epsilon: f64,
) -> Vec<(Strategy, Movement)> {
    let keys = keys.min(u64::from(MAX_KEYS));
    Strategy::ALL
        .iter()
        .filter_map(|&strategy| {
            let a = Placement::new(strategy, before, vnodes, epsilon).ok()?;
            let b = Placement::new(strategy, after, vnodes, epsilon).ok()?;
            let m = stats::movement(&a.assign(keys), &b.assign(keys), &ids(before), &ids(after));
            Some((strategy, m))
        })
        .collect()
}

/// For each number of virtual nodes in `vnodes_list`, the balance of the
/// `ring` strategy on `members` for the keys `0..keys`: `(vnodes, cv,
/// max_over_avg)`, where `cv` is the loads' coefficient of variation
/// (about `1 / sqrt(vnodes)`, Karger et al. 1997) and `max_over_avg` the
/// largest load over the mean. Values the placement refuses are left out;
/// keys beyond 100,000 are not counted.
pub fn cv_by_vnodes(members: &[Member], keys: u64, vnodes_list: &[u32]) -> Vec<(u32, f64, f64)> {
    let keys = keys.min(u64::from(MAX_KEYS));
    vnodes_list
        .iter()
        .filter_map(|&v| {
            let p = Placement::new(Strategy::Ring, members, v, 0.0).ok()?;
            let loads = stats::loads(&p.assign(keys), &ids(members));
            Some((v, stats::cv(&loads), stats::max_over_avg(&loads)))
        })
        .collect()
}
