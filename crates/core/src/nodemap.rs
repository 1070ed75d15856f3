//! Maps and sets keyed by node id, stored densely.
//!
//! Node ids start at 0, are never reused and stay below the cluster's size
//! (a scenario's limit), so a `Vec` indexed by id does the work of an
//! ordered map: lookups are an index, iteration is in id order (as a
//! `BTreeMap`'s would be), and the browser's bundle carries no B-tree code
//! for them.

use crate::id::NodeId;

/// A map from node id to `V`, iterated in id order.
#[derive(Clone, Debug)]
pub struct NodeMap<V> {
    slots: Vec<Option<V>>,
    len: usize,
}

impl<V> Default for NodeMap<V> {
    fn default() -> Self {
        NodeMap {
            slots: Vec::new(),
            len: 0,
        }
    }
}

impl<V> NodeMap<V> {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// The value for `id`, if any.
    pub fn get(&self, id: NodeId) -> Option<&V> {
        self.slots.get(id.0 as usize).and_then(Option::as_ref)
    }

    /// The value for `id`, if any, to change.
    pub fn get_mut(&mut self, id: NodeId) -> Option<&mut V> {
        self.slots.get_mut(id.0 as usize).and_then(Option::as_mut)
    }

    /// Whether `id` has a value.
    pub fn contains(&self, id: NodeId) -> bool {
        self.get(id).is_some()
    }

    /// Sets the value for `id`; returns the one it replaces.
    pub fn insert(&mut self, id: NodeId, value: V) -> Option<V> {
        let i = id.0 as usize;
        if self.slots.len() <= i {
            self.slots.resize_with(i + 1, || None);
        }
        let old = self.slots[i].replace(value);
        if old.is_none() {
            self.len += 1;
        }
        old
    }

    /// The value for `id`, inserting `make()` first if there is none.
    pub fn get_or_insert_with(&mut self, id: NodeId, make: impl FnOnce() -> V) -> &mut V {
        if !self.contains(id) {
            self.insert(id, make());
        }
        self.slots[id.0 as usize]
            .as_mut()
            .expect("the value was just inserted")
    }

    /// Removes the value for `id` and returns it.
    pub fn remove(&mut self, id: NodeId) -> Option<V> {
        let old = self.slots.get_mut(id.0 as usize).and_then(Option::take);
        if old.is_some() {
            self.len -= 1;
        }
        old
    }

    /// How many ids have a value.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no id has a value.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Removes every value.
    pub fn clear(&mut self) {
        self.slots.clear();
        self.len = 0;
    }

    /// Every (id, value), in id order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (NodeId, &V)> + '_ {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.as_ref().map(|v| (NodeId(i as u32), v)))
    }

    /// Every id with a value, in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = NodeId> + '_ {
        self.iter().map(|(id, _)| id)
    }

    /// Every value, in id order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + '_ {
        self.iter().map(|(_, v)| v)
    }
}

/// Two maps are equal when they hold the same values for the same ids,
/// however many empty slots either keeps.
impl<V: PartialEq> PartialEq for NodeMap<V> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl<V: Eq> Eq for NodeMap<V> {}

impl<V> FromIterator<(NodeId, V)> for NodeMap<V> {
    fn from_iter<I: IntoIterator<Item = (NodeId, V)>>(iter: I) -> Self {
        let mut map = NodeMap::new();
        for (id, v) in iter {
            map.insert(id, v);
        }
        map
    }
}

/// A set of node ids, iterated in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeSet(NodeMap<()>);

impl NodeSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `id`; returns whether it was new.
    pub fn insert(&mut self, id: NodeId) -> bool {
        self.0.insert(id, ()).is_none()
    }

    /// Removes `id`; returns whether it was there.
    pub fn remove(&mut self, id: NodeId) -> bool {
        self.0.remove(id).is_some()
    }

    /// Whether `id` is in the set.
    pub fn contains(&self, id: NodeId) -> bool {
        self.0.contains(id)
    }

    /// How many ids the set holds.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Removes every id.
    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// Every id, in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = NodeId> + '_ {
        self.0.keys()
    }
}

impl FromIterator<NodeId> for NodeSet {
    fn from_iter<I: IntoIterator<Item = NodeId>>(iter: I) -> Self {
        NodeSet(iter.into_iter().map(|id| (id, ())).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    proptest! {
        /// A NodeMap answers as a BTreeMap does under any mix of inserts
        /// and removes, and iterates in the same order.
        #[test]
        fn behaves_as_an_ordered_map(ops in proptest::collection::vec((any::<bool>(), 0u32..40, any::<u8>()), 0..200)) {
            let mut ours = NodeMap::new();
            let mut model = BTreeMap::new();
            for (insert, id, v) in ops {
                let id = NodeId(id);
                if insert {
                    prop_assert_eq!(ours.insert(id, v), model.insert(id, v));
                } else {
                    prop_assert_eq!(ours.remove(id), model.remove(&id));
                }
                prop_assert_eq!(ours.len(), model.len());
            }
            let listed: Vec<(NodeId, u8)> = ours.iter().map(|(k, v)| (k, *v)).collect();
            let expected: Vec<(NodeId, u8)> = model.into_iter().collect();
            prop_assert_eq!(listed, expected);
        }
    }

    #[test]
    fn a_set_counts_each_id_once() {
        let mut s: NodeSet = [NodeId(3), NodeId(1)].into_iter().collect();
        assert!(!s.insert(NodeId(3)));
        assert!(s.insert(NodeId(0)));
        assert_eq!(
            s.iter().collect::<Vec<_>>(),
            vec![NodeId(0), NodeId(1), NodeId(3)]
        );
        assert!(s.remove(NodeId(1)) && !s.contains(NodeId(1)));
        assert_eq!(s.len(), 2);
    }

    #[test]
    fn maps_with_the_same_entries_are_equal_whatever_their_slots() {
        let mut a = NodeMap::new();
        a.insert(NodeId(7), 'x');
        a.remove(NodeId(7));
        a.insert(NodeId(1), 'y');
        let b: NodeMap<char> = [(NodeId(1), 'y')].into_iter().collect();
        assert_eq!(a, b);
        assert_eq!(b.get(NodeId(1)), Some(&'y'));
        assert_ne!(a, NodeMap::new());
    }
}
