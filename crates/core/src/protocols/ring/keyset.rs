//! A set of keys `0..capacity` as a bitset: one bit per key, so 100,000
//! keys take 12.5 kB whatever a node holds, and membership, insertion and
//! removal are O(1). Nodes keep theirs behind an `Arc`, so the time-travel
//! checkpoints of a run share every set that did not change.

/// A set of key numbers below a fixed capacity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeySet {
    words: Vec<u64>,
    capacity: u32,
    len: u32,
}

impl KeySet {
    /// The empty set of keys below `capacity`.
    pub fn new(capacity: u32) -> KeySet {
        KeySet {
            words: vec![0; capacity.div_ceil(64) as usize],
            capacity,
            len: 0,
        }
    }

    /// How many keys the set holds.
    pub fn len(&self) -> u32 {
        self.len
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether `key` is in the set (never, for a key past the capacity).
    pub fn contains(&self, key: u32) -> bool {
        key < self.capacity && self.words[(key / 64) as usize] & (1 << (key % 64)) != 0
    }

    /// Adds `key`; returns whether it was new. A key past the capacity is
    /// refused (returns false).
    pub fn insert(&mut self, key: u32) -> bool {
        if key >= self.capacity || self.contains(key) {
            return false;
        }
        self.words[(key / 64) as usize] |= 1 << (key % 64);
        self.len += 1;
        true
    }

    /// Removes `key`; returns whether it was there.
    pub fn remove(&mut self, key: u32) -> bool {
        if !self.contains(key) {
            return false;
        }
        self.words[(key / 64) as usize] &= !(1 << (key % 64));
        self.len -= 1;
        true
    }

    /// The keys in increasing order.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.words.iter().enumerate().flat_map(|(i, &w)| {
            let base = i as u32 * 64;
            Bits(w).map(move |b| base + b)
        })
    }

    /// The keys of `self` that are not in `other` (a set of the same
    /// capacity; any words `other` lacks count as empty).
    pub fn minus(&self, other: &KeySet) -> KeySet {
        let words: Vec<u64> = self
            .words
            .iter()
            .enumerate()
            .map(|(i, &w)| w & !other.words.get(i).copied().unwrap_or(0))
            .collect();
        let len = words.iter().map(|w| w.count_ones()).sum();
        KeySet {
            words,
            capacity: self.capacity,
            len,
        }
    }

    /// The set's words (bit `k % 64` of word `k / 64` is key `k`), for
    /// unions over many sets.
    pub fn words(&self) -> &[u64] {
        &self.words
    }
}

/// The positions of the set bits of a word, lowest first.
struct Bits(u64);

impl Iterator for Bits {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        if self.0 == 0 {
            return None;
        }
        let b = self.0.trailing_zeros();
        self.0 &= self.0 - 1;
        Some(b)
    }
}

#[cfg(test)]
mod tests {
    use super::KeySet;

    #[test]
    fn insert_remove_and_iterate_in_order() {
        let mut s = KeySet::new(130);
        assert!(s.insert(129) && s.insert(0) && s.insert(64) && s.insert(63));
        assert!(!s.insert(64), "a key is held once");
        assert!(!s.insert(130), "past the capacity");
        assert_eq!(s.len(), 4);
        assert_eq!(s.iter().collect::<Vec<_>>(), [0, 63, 64, 129]);
        assert!(s.remove(63) && !s.remove(63) && !s.remove(500));
        assert!(!s.contains(63) && s.contains(129) && !s.contains(1_000));
        assert_eq!(s.len(), 3);
        let mut t = KeySet::new(130);
        t.insert(0);
        t.insert(100);
        let d = s.minus(&t);
        assert_eq!(d.iter().collect::<Vec<_>>(), [64, 129]);
        assert_eq!(d.len(), 2);
    }
}
