//! A node's transfers sent and not yet acknowledged: for each destination,
//! the keys in increasing order, each tagged with the plan (the membership
//! change, as this node saw it) that asked for it. A key stays until the
//! destination acknowledges or refuses it, or leaves the key's preference
//! list.

use crate::id::NodeId;
use crate::sortedmap::SortedMap;

/// One pending key: its number and the plan that asked for it.
pub type Entry = (u32, u32);

/// Pending transfers by destination.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outbox {
    to: SortedMap<NodeId, Vec<Entry>>,
}

impl Outbox {
    /// An outbox of `to` (each list sorted by key, keys distinct).
    pub fn from_lists(mut to: SortedMap<NodeId, Vec<Entry>>) -> Outbox {
        to.retain(|_, v| !v.is_empty());
        Outbox { to }
    }

    /// Whether nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.to.is_empty()
    }

    /// Every destination with its pending keys, in id order.
    pub fn lists(&self) -> impl Iterator<Item = (NodeId, &[Entry])> {
        self.to.iter().map(|(&d, v)| (d, v.as_slice()))
    }

    /// The destinations `key` is pending for, with the plan of each.
    pub fn of(&self, key: u32) -> impl Iterator<Item = (NodeId, u32)> + '_ {
        self.to.iter().filter_map(move |(&d, v)| {
            v.binary_search_by_key(&key, |e| e.0)
                .ok()
                .map(|i| (d, v[i].1))
        })
    }

    /// The plan `key` is pending for `dest` under, if it is.
    pub fn pending(&self, dest: NodeId, key: u32) -> Option<u32> {
        let list = self.to.get(&dest)?;
        list.binary_search_by_key(&key, |e| e.0)
            .ok()
            .map(|i| list[i].1)
    }

    /// Whether `key` is pending for any destination.
    pub fn has(&self, key: u32) -> bool {
        self.of(key).next().is_some()
    }

    /// Removes `keys` (any order) pending for `dest` that plan `plan`
    /// asked for; returns the keys removed, in order.
    pub fn remove(&mut self, dest: NodeId, plan: u32, keys: &[u32]) -> Vec<u32> {
        let Some(list) = self.to.get_mut(&dest) else {
            return Vec::new();
        };
        let mut hit: Vec<usize> = keys
            .iter()
            .filter_map(|k| list.binary_search_by_key(k, |e| e.0).ok())
            .filter(|&i| list[i].1 == plan)
            .collect();
        crate::sorting::sort(&mut hit);
        hit.dedup();
        let removed: Vec<u32> = hit.iter().map(|&i| list[i].0).collect();
        let mut next = hit.iter().peekable();
        let mut i = 0;
        list.retain(|_| {
            let gone = next.next_if_eq(&&i).is_some();
            i += 1;
            !gone
        });
        if list.is_empty() {
            self.to.remove(&dest);
        }
        removed
    }

    /// How many (destination, key) pairs are pending.
    pub fn len(&self) -> usize {
        self.to.values().map(Vec::len).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removal_takes_only_the_named_keys_of_one_destination_and_plan() {
        let mut lists = SortedMap::new();
        lists.insert(NodeId(1), vec![(2, 0), (5, 1), (9, 1)]);
        lists.insert(NodeId(2), vec![(5, 1)]);
        lists.insert(NodeId(3), vec![]);
        let mut o = Outbox::from_lists(lists);
        assert_eq!(o.lists().count(), 2, "empty lists are dropped");
        assert_eq!(
            o.of(5).collect::<Vec<_>>(),
            [(NodeId(1), 1), (NodeId(2), 1)]
        );
        assert_eq!(o.pending(NodeId(1), 2), Some(0));
        assert_eq!(o.pending(NodeId(2), 2), None);
        assert_eq!(
            o.remove(NodeId(1), 1, &[9, 5, 7, 5, 2]),
            [5, 9],
            "key 2 is of plan 0"
        );
        assert_eq!(o.len(), 2);
        assert!(o.has(5) && o.has(2) && !o.has(9));
        assert_eq!(o.remove(NodeId(2), 1, &[5]), [5]);
        assert!(o.remove(NodeId(1), 1, &[2]).is_empty());
        assert_eq!(o.remove(NodeId(1), 0, &[2]), [2]);
        assert!(o.is_empty());
    }
}
