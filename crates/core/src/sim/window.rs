//! A table keyed by ids that are handed out in increasing order and never
//! reused (message ids): a window over the ids still held, so lookups are
//! by index and the memory follows what is held, not what was ever sent.

use crate::id::MsgId;
use std::collections::VecDeque;

/// Values keyed by [`MsgId`], inserted in increasing id order. The window
/// starts at the oldest id still held; ids never inserted, or removed,
/// leave holes inside it.
#[derive(Clone, Debug)]
pub(crate) struct IdWindow<T> {
    /// The id of `slots[0]`.
    base: u64,
    slots: VecDeque<Option<T>>,
}

impl<T> Default for IdWindow<T> {
    fn default() -> Self {
        IdWindow {
            base: 0,
            slots: VecDeque::new(),
        }
    }
}

impl<T> IdWindow<T> {
    /// Adds `value` at `id`, which is above every id inserted before.
    pub fn insert(&mut self, id: MsgId, value: T) {
        if self.slots.is_empty() {
            self.base = id.0;
        }
        debug_assert!(id.0 >= self.base + self.slots.len() as u64);
        while self.base + (self.slots.len() as u64) < id.0 {
            self.slots.push_back(None);
        }
        self.slots.push_back(Some(value));
    }

    /// The position of `id` in the window, if it falls inside it.
    fn index(&self, id: MsgId) -> Option<usize> {
        let i = usize::try_from(id.0.checked_sub(self.base)?).ok()?;
        (i < self.slots.len()).then_some(i)
    }

    /// The value at `id`.
    pub fn get(&self, id: MsgId) -> Option<&T> {
        self.slots.get(self.index(id)?)?.as_ref()
    }

    /// The value at `id`, to change it.
    pub fn get_mut(&mut self, id: MsgId) -> Option<&mut T> {
        let i = self.index(id)?;
        self.slots.get_mut(i)?.as_mut()
    }

    /// Whether a value is held at `id`.
    pub fn contains(&self, id: MsgId) -> bool {
        self.get(id).is_some()
    }

    /// Takes the value at `id`; the window then drops its leading holes.
    pub fn remove(&mut self, id: MsgId) -> Option<T> {
        let i = self.index(id)?;
        let value = self.slots.get_mut(i)?.take();
        while self.slots.front().is_some_and(Option::is_none) {
            self.slots.pop_front();
            self.base += 1;
        }
        value
    }

    /// Every value held, in id order.
    pub fn iter(&self) -> impl Iterator<Item = (MsgId, &T)> {
        let base = self.base;
        self.slots
            .iter()
            .enumerate()
            .filter_map(move |(i, v)| Some((MsgId(base + i as u64), v.as_ref()?)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn behaves_like_an_ordered_map_of_increasing_keys() {
        let mut w = IdWindow::default();
        let mut map = BTreeMap::new();
        let mut rng = crate::rng::Rng::new(3);
        let mut next = 0;
        for _ in 0..5_000 {
            if rng.chance(0.55) {
                next += rng.below(3);
                w.insert(MsgId(next), next);
                map.insert(next, next);
                next += 1;
            } else if !map.is_empty() {
                let k = *map
                    .keys()
                    .nth(rng.below(map.len() as u64) as usize)
                    .unwrap();
                assert_eq!(w.remove(MsgId(k)), map.remove(&k));
                assert_eq!(w.remove(MsgId(k)), None);
            }
            let held: Vec<_> = w.iter().map(|(id, v)| (id.0, *v)).collect();
            let want: Vec<_> = map.iter().map(|(k, v)| (*k, *v)).collect();
            assert_eq!(held, want);
            assert!(w.slots.front().is_none_or(Option::is_some));
        }
    }
}
