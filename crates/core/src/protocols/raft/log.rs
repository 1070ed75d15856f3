//! The replicated log (§5.3), with a hash chain over its entries so the
//! invariant checker can compare whole prefixes in O(1).

use crate::id::OpId;
use serde::{Deserialize, Serialize};

/// One log entry.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Entry {
    /// The term in which a leader created it.
    pub term: u64,
    /// The state-machine command (`"set x=1"`); empty for a leader's no-op.
    pub command: String,
    /// The client operation it carries, if any (used to answer the client
    /// and to avoid appending a retried request twice, §8).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub op: Option<OpId>,
}

fn fnv64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    h
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Entry {
    /// A digest of the entry alone (term and command).
    pub fn digest(&self) -> u64 {
        mix(fnv64(self.command.as_bytes()) ^ self.term.rotate_left(32))
    }
}

/// The log: entries indexed from 1, and a hash chain over their prefixes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RaftLog {
    entries: Vec<Entry>,
    chains: Vec<u64>,
}

impl RaftLog {
    /// Index of the last entry (0 when empty).
    pub fn last_index(&self) -> u64 {
        self.entries.len() as u64
    }

    /// Term of the last entry (0 when empty).
    pub fn last_term(&self) -> u64 {
        self.entries.last().map_or(0, |e| e.term)
    }

    /// The term at `index`: `Some(0)` for index 0, `None` past the end.
    pub fn term_at(&self, index: u64) -> Option<u64> {
        if index == 0 {
            Some(0)
        } else {
            self.entry(index).map(|e| e.term)
        }
    }

    /// The entry at `index` (from 1).
    pub fn entry(&self, index: u64) -> Option<&Entry> {
        index
            .checked_sub(1)
            .and_then(|i| self.entries.get(usize::try_from(i).ok()?))
    }

    /// The hash of the prefix ending at `index` (0 for index 0), `None` past the end.
    pub fn chain_at(&self, index: u64) -> Option<u64> {
        if index == 0 {
            Some(0)
        } else {
            self.chains.get(usize::try_from(index - 1).ok()?).copied()
        }
    }

    /// Appends one entry and returns its index.
    pub fn push(&mut self, entry: Entry) -> u64 {
        let prev = self.chains.last().copied().unwrap_or(0);
        self.chains.push(mix(prev ^ entry.digest()));
        self.entries.push(entry);
        self.last_index()
    }

    /// Removes the entry at `index` and every one after it.
    pub fn truncate_from(&mut self, index: u64) {
        let keep = usize::try_from(index.saturating_sub(1)).unwrap_or(usize::MAX);
        self.entries.truncate(keep);
        self.chains.truncate(keep);
    }

    /// Up to `max` entries starting at `from`.
    pub fn slice(&self, from: u64, max: usize) -> Vec<Entry> {
        let start = usize::try_from(from.saturating_sub(1)).unwrap_or(usize::MAX);
        self.entries.iter().skip(start).take(max).cloned().collect()
    }

    /// Every entry, in order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The index of the entry carrying client operation `op`.
    pub fn find_op(&self, op: OpId) -> Option<u64> {
        self.entries
            .iter()
            .rposition(|e| e.op == Some(op))
            .map(|i| i as u64 + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(term: u64, c: &str) -> Entry {
        Entry {
            term,
            command: c.into(),
            op: None,
        }
    }

    #[test]
    fn chains_equal_exactly_for_equal_prefixes() {
        let mut a = RaftLog::default();
        let mut b = RaftLog::default();
        for x in ["a", "b", "c"] {
            a.push(e(1, x));
            b.push(e(1, x));
        }
        assert_eq!(a.chain_at(3), b.chain_at(3));
        b.truncate_from(3);
        b.push(e(2, "c"));
        assert_eq!(a.chain_at(2), b.chain_at(2));
        assert_ne!(a.chain_at(3), b.chain_at(3));
        assert_eq!(b.term_at(3), Some(2));
        assert_eq!(b.term_at(4), None);
        assert_eq!(b.term_at(0), Some(0));
    }
}
