//! A slab: values at small indices, an index reused once its value is
//! taken, so the memory follows what is held now, not what was ever held.

/// Values at small `u32` indices handed out by [`Slab::insert`]; freed
/// indices are reused last-freed first (deterministically).
#[derive(Clone, Debug)]
pub(crate) struct Slab<T> {
    slots: Vec<Option<T>>,
    free: Vec<u32>,
}

impl<T> Default for Slab<T> {
    fn default() -> Self {
        Slab {
            slots: Vec::new(),
            free: Vec::new(),
        }
    }
}

impl<T> Slab<T> {
    /// Stores `value` and returns its index.
    pub fn insert(&mut self, value: T) -> u32 {
        match self.free.pop() {
            Some(i) => {
                self.slots[i as usize] = Some(value);
                i
            }
            None => {
                self.slots.push(Some(value));
                (self.slots.len() - 1) as u32
            }
        }
    }

    /// The index the next [`Slab::insert`] will return.
    pub fn next_index(&self) -> u32 {
        self.free.last().copied().unwrap_or(self.slots.len() as u32)
    }

    /// The value at `i`.
    pub fn get(&self, i: u32) -> Option<&T> {
        self.slots.get(i as usize)?.as_ref()
    }

    /// The value at `i`, to change it.
    pub fn get_mut(&mut self, i: u32) -> Option<&mut T> {
        self.slots.get_mut(i as usize)?.as_mut()
    }

    /// Takes the value at `i`, freeing the index.
    pub fn remove(&mut self, i: u32) -> Option<T> {
        let value = self.slots.get_mut(i as usize)?.take();
        if value.is_some() {
            self.free.push(i);
        }
        value
    }

    /// How many indices it has handed out (held or free).
    #[cfg(test)]
    pub fn capacity(&self) -> usize {
        self.slots.len()
    }

    /// Every value held, with its index, in index order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &T)> {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(i, v)| Some((i as u32, v.as_ref()?)))
    }
}

/// Values kept beside a [`Slab`], at the indices it hands out.
#[derive(Clone, Debug)]
pub(crate) struct SlabShadow<T> {
    slots: Vec<Option<T>>,
}

impl<T> Default for SlabShadow<T> {
    fn default() -> Self {
        SlabShadow { slots: Vec::new() }
    }
}

impl<T> SlabShadow<T> {
    /// Stores `value` at `i` (an index the slab just handed out).
    pub fn put(&mut self, i: u32, value: T) {
        let i = i as usize;
        if self.slots.len() <= i {
            self.slots.resize_with(i + 1, || None);
        }
        self.slots[i] = Some(value);
    }

    /// The value at `i`.
    pub fn get(&self, i: u32) -> Option<&T> {
        self.slots.get(i as usize)?.as_ref()
    }

    /// Takes the value at `i`.
    pub fn take(&mut self, i: u32) -> Option<T> {
        self.slots.get_mut(i as usize)?.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reuses_freed_indices_and_holds_what_was_inserted() {
        let mut slab = Slab::default();
        let (a, b, c) = (slab.insert('a'), slab.insert('b'), slab.insert('c'));
        assert_eq!((a, b, c), (0, 1, 2));
        assert_eq!(slab.remove(b), Some('b'));
        assert_eq!(slab.remove(b), None);
        assert_eq!(slab.next_index(), b);
        assert_eq!(slab.insert('d'), b);
        assert_eq!(slab.next_index(), 3);
        assert_eq!(slab.get(b), Some(&'d'));
        *slab.get_mut(a).unwrap() = 'e';
        let held: Vec<_> = slab.iter().collect();
        assert_eq!(held, [(0, &'e'), (1, &'d'), (2, &'c')]);
    }
}
