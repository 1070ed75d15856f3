//! Where keys live for one member list: the placement every node computes
//! alike from the live members and the parameters, and each key's
//! preference list.
//!
//! A layout computes every key's preference list once, on first use, and
//! then answers from that table. Every node of a run builds the same
//! layout from the same member list, so [`Layout::shared`] keeps the few
//! most recent ones and hands each node the same `Arc`: one table per
//! membership change instead of one per node. The cache only saves work;
//! a layout is a pure function of the parameters and the members, so runs
//! are the same with or without it.

use super::keyset::KeySet;
use super::params::RingParams;
use crate::id::NodeId;
use crate::placement::{Member, Placement, Strategy};
use std::cell::RefCell;
use crate::sortedmap::SortedMap;
use std::sync::{Arc, OnceLock};

/// How many layouts [`Layout::shared`] keeps.
const RECENT_LAYOUTS: usize = 4;

thread_local! {
    /// The layouts used last, least recently used first.
    static RECENT: RefCell<Vec<Arc<Layout>>> = const { RefCell::new(Vec::new()) };
}

/// The placement of one member list under the run's parameters.
#[derive(Clone, Debug)]
pub struct Layout {
    params: RingParams,
    members: Vec<NodeId>,
    placement: Placement,
    /// Nodes per preference list: `replicas`, or every member when fewer.
    width: usize,
    /// Every key's preference list, `width` node ids per key, built on
    /// first use.
    lists: OnceLock<Vec<u32>>,
    /// Every member's keys (those whose preference list includes it),
    /// built on first use.
    holdings: OnceLock<SortedMap<NodeId, Arc<KeySet>>>,
}

impl Layout {
    /// The layout of `members` (sorted by id, at least one); `None` if the
    /// placement refuses them (the parameters are checked beforehand, so
    /// only an empty member list does).
    pub fn new(params: &RingParams, members: &[NodeId]) -> Option<Layout> {
        let placed: Vec<Member> = members.iter().map(|m| params.member(m.0)).collect();
        let placement =
            Placement::new(params.strategy, &placed, params.vnodes, params.epsilon).ok()?;
        Some(Layout {
            params: params.clone(),
            members: members.to_vec(),
            placement,
            width: (params.replicas as usize).min(members.len()),
            lists: OnceLock::new(),
            holdings: OnceLock::new(),
        })
    }

    /// The layout of `members` as [`new`](Self::new) builds it, shared
    /// with every other caller that asked for the same parameters and
    /// members lately.
    pub fn shared(params: &RingParams, members: &[NodeId]) -> Option<Arc<Layout>> {
        let hit = RECENT.with(|recent| {
            let mut recent = recent.try_borrow_mut().ok()?;
            let at = recent
                .iter()
                .position(|l| l.members == members && l.params == *params)?;
            let layout = recent.remove(at);
            recent.push(layout.clone());
            Some(layout)
        });
        if hit.is_some() {
            return hit;
        }
        let layout = Arc::new(Layout::new(params, members)?);
        RECENT.with(|recent| {
            if let Ok(mut recent) = recent.try_borrow_mut() {
                if recent.len() >= RECENT_LAYOUTS {
                    recent.remove(0);
                }
                recent.push(layout.clone());
            }
        });
        Some(layout)
    }

    /// The members it was built from, in id order.
    pub fn members(&self) -> &[NodeId] {
        &self.members
    }

    /// Whether `node` is one of the members.
    pub fn has(&self, node: NodeId) -> bool {
        self.members.binary_search(&node).is_ok()
    }

    /// The placement underneath.
    pub fn placement(&self) -> &Placement {
        &self.placement
    }

    /// The preference list of `key` (node ids, best first; empty for a key
    /// past `keys`): `replicas` distinct nodes, or every member when there
    /// are fewer. For `ring`, the first distinct nodes clockwise from the
    /// key's hash, skipping further virtual nodes of nodes already chosen
    /// (DeCandia et al. 2007, "Dynamo", §4.3); for `rendezvous`, the
    /// highest scores; for `mod` and `jump`, the owner's bucket and the
    /// next ones. For `bounded`, the owner the bounded-load placement gives
    /// the key (placing every key in order), then the ring walk without it.
    pub fn preference(&self, key: u32) -> &[u32] {
        if key >= self.params.keys {
            return &[];
        }
        let lists = self.lists.get_or_init(|| self.build_lists());
        let at = key as usize * self.width;
        lists.get(at..at + self.width).unwrap_or(&[])
    }

    /// Every key's preference list, one after another.
    fn build_lists(&self) -> Vec<u32> {
        let keys = self.params.keys;
        let owners = (self.params.strategy == Strategy::Bounded)
            .then(|| self.placement.assign(u64::from(keys)));
        let mut lists = Vec::with_capacity(keys as usize * self.width);
        let mut list = Vec::with_capacity(self.width);
        for k in 0..keys {
            self.placement
                .preference_list_into(u64::from(k), self.width, &mut list);
            if let Some(&owner) = owners.as_ref().and_then(|o| o.get(k as usize)) {
                list.retain(|&n| n != owner);
                list.insert(0, owner);
                list.truncate(self.width);
            }
            // Every strategy gives `width` distinct nodes; should one fall
            // short, its list repeats its owner rather than shift the table.
            let owner = list.first().copied().unwrap_or(0);
            list.resize(self.width, owner);
            lists.extend_from_slice(&list);
        }
        lists
    }

    /// The keys whose preference list includes `node` (empty for a node
    /// that is not a member).
    pub fn holdings(&self, node: NodeId) -> Arc<KeySet> {
        let all = self.holdings.get_or_init(|| {
            let keys = self.params.keys;
            let mut sets: Vec<KeySet> = self.members.iter().map(|_| KeySet::new(keys)).collect();
            for k in 0..keys {
                for &n in self.preference(k) {
                    if let Ok(at) = self.members.binary_search(&NodeId(n)) {
                        sets[at].insert(k);
                    }
                }
            }
            self.members
                .iter()
                .zip(sets)
                .map(|(&n, s)| (n, Arc::new(s)))
                .collect()
        });
        all.get(&node)
            .cloned()
            .unwrap_or_else(|| Arc::new(KeySet::new(self.params.keys)))
    }

    /// The owner of every key `0..keys` (the first of its preference list), in key order.
    pub fn owners(&self) -> Vec<u32> {
        (0..self.params.keys)
            .map(|k| self.preference(k).first().copied().unwrap_or(0))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(strategy: Strategy, replicas: u32) -> RingParams {
        RingParams {
            strategy,
            vnodes: 8,
            keys: 500,
            replicas,
            ..RingParams::default()
        }
    }

    fn ids(n: u32) -> Vec<NodeId> {
        (0..n).map(NodeId).collect()
    }

    #[test]
    fn every_list_has_distinct_members_and_holdings_match() {
        for strategy in Strategy::ALL {
            for (members, replicas) in [(5, 3), (2, 3), (7, 1)] {
                let l = Layout::new(&params(strategy, replicas), &ids(members)).unwrap();
                let width = replicas.min(members) as usize;
                for k in 0..500 {
                    let list = l.preference(k);
                    let mut sorted = list.to_vec();
                    crate::sorting::sort(&mut sorted);
                    sorted.dedup();
                    assert_eq!(sorted.len(), width, "{strategy:?} key {k}: {list:?}");
                    for &n in list {
                        assert!(l.holdings(NodeId(n)).contains(k));
                    }
                }
                let total: u32 = (0..members).map(|n| l.holdings(NodeId(n)).len()).sum();
                assert_eq!(total as usize, 500 * width, "{strategy:?}");
                assert!(l.preference(500).is_empty() && l.preference(u32::MAX).is_empty());
                assert!(l.holdings(NodeId(99)).is_empty());
            }
        }
    }

    #[test]
    fn bounded_lists_start_with_the_capped_owner() {
        let p = params(Strategy::Bounded, 2);
        let l = Layout::new(&p, &ids(4)).unwrap();
        let owners = l.placement().assign(500);
        for k in 0..500 {
            assert_eq!(l.preference(k)[0], owners[k as usize]);
        }
        assert_eq!(l.owners(), owners);
    }

    #[test]
    fn equal_inputs_share_one_layout() {
        let p = params(Strategy::Ring, 1);
        let a = Layout::shared(&p, &ids(3)).unwrap();
        let b = Layout::shared(&p, &ids(3)).unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        let c = Layout::shared(&params(Strategy::Jump, 1), &ids(3)).unwrap();
        assert!(!Arc::ptr_eq(&a, &c));
        assert!(Layout::shared(&p, &[]).is_none());
    }
}
