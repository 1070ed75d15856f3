//! The replicated log (§5.3), with a hash chain over its entries so the
//! invariant checker can compare whole prefixes in O(1). After a snapshot
//! (dissertation ch. 5) the log starts later: it keeps the index, term and
//! prefix hash of the last entry the snapshot covers.

use crate::id::{NodeId, OpId};
use serde::{Deserialize, Serialize};
use std::hash::{Hash, Hasher};

/// One log entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The term in which a leader created it.
    pub term: u64,
    /// The state-machine command (`"set x=1"`); empty for a leader's no-op;
    /// for a configuration entry, what changed (`"add n3"`).
    pub command: String,
    /// The client operation it carries, if any (used to answer the client
    /// and to avoid appending a retried request twice, §8).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub op: Option<OpId>,
    /// On a configuration entry (dissertation §4.1): the voting members
    /// from this entry on.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub config: Option<Vec<NodeId>>,
}

/// Hashed field by field as before configuration entries existed, so every
/// trace without one hashes as it always did.
impl Hash for Entry {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.term.hash(h);
        self.command.hash(h);
        self.op.hash(h);
        if let Some(config) = &self.config {
            config.hash(h);
        }
    }
}

impl Entry {
    /// An entry carrying a command (or a no-op, with an empty one).
    pub fn new(term: u64, command: impl Into<String>, op: Option<OpId>) -> Entry {
        Entry {
            term,
            command: command.into(),
            op,
            config: None,
        }
    }
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
    /// A digest of the entry alone (term, command and configuration).
    pub fn digest(&self) -> u64 {
        let config = self.config.as_ref().map_or(0, |c| {
            c.iter()
                .fold(0x9E37_79B9_7F4A_7C15, |h, n| mix(h ^ u64::from(n.0)))
        });
        mix(fnv64(self.command.as_bytes()) ^ self.term.rotate_left(32) ^ config)
    }
}

/// The log: entries indexed from `start + 1`, and a hash chain over their
/// prefixes. `start` is 0 until a snapshot covers the entries before it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RaftLog {
    start: u64,
    start_term: u64,
    start_chain: u64,
    entries: Vec<Entry>,
    chains: Vec<u64>,
}

impl RaftLog {
    /// An empty log that continues after a snapshot of the entries up to
    /// `index` (of term `term`, with prefix hash `chain`).
    pub fn after(index: u64, term: u64, chain: u64) -> RaftLog {
        RaftLog {
            start: index,
            start_term: term,
            start_chain: chain,
            entries: Vec::new(),
            chains: Vec::new(),
        }
    }

    /// The index before the first entry kept (0 without a snapshot).
    pub fn start(&self) -> u64 {
        self.start
    }

    /// Index of the last entry (`start` when empty).
    pub fn last_index(&self) -> u64 {
        self.start + self.entries.len() as u64
    }

    /// Term of the last entry (the snapshot's when empty).
    pub fn last_term(&self) -> u64 {
        self.entries.last().map_or(self.start_term, |e| e.term)
    }

    /// The term at `index`: known from `start` on (`Some(0)` at 0), `None`
    /// past the end or before the start.
    pub fn term_at(&self, index: u64) -> Option<u64> {
        if index == self.start {
            Some(self.start_term)
        } else {
            self.entry(index).map(|e| e.term)
        }
    }

    /// The entry at `index`, if the log holds it.
    pub fn entry(&self, index: u64) -> Option<&Entry> {
        index
            .checked_sub(self.start + 1)
            .and_then(|i| self.entries.get(usize::try_from(i).ok()?))
    }

    /// The hash of the prefix ending at `index`, known from `start` on (0 at
    /// index 0), `None` past the end or before the start.
    pub fn chain_at(&self, index: u64) -> Option<u64> {
        if index == self.start {
            Some(self.start_chain)
        } else {
            let i = index.checked_sub(self.start + 1)?;
            self.chains.get(usize::try_from(i).ok()?).copied()
        }
    }

    /// Drops every entry up to and including `index` (which must be held),
    /// as a snapshot now covers them.
    pub fn compact(&mut self, index: u64) {
        let (Some(term), Some(chain)) = (self.term_at(index), self.chain_at(index)) else {
            return;
        };
        let drop = usize::try_from(index.saturating_sub(self.start)).unwrap_or(usize::MAX);
        self.entries.drain(..drop.min(self.entries.len()));
        self.chains.drain(..drop.min(self.chains.len()));
        self.start = index;
        self.start_term = term;
        self.start_chain = chain;
    }

    /// Appends one entry and returns its index.
    pub fn push(&mut self, entry: Entry) -> u64 {
        let prev = self.chains.last().copied().unwrap_or(self.start_chain);
        self.chains.push(mix(prev ^ entry.digest()));
        self.entries.push(entry);
        self.last_index()
    }

    /// Removes the entry at `index` and every one after it (never the
    /// entries a snapshot covers).
    pub fn truncate_from(&mut self, index: u64) {
        let keep = usize::try_from(index.saturating_sub(self.start + 1)).unwrap_or(usize::MAX);
        self.entries.truncate(keep);
        self.chains.truncate(keep);
    }

    /// Up to `max` entries starting at `from` (after `start`).
    pub fn slice(&self, from: u64, max: usize) -> Vec<Entry> {
        let skip = usize::try_from(from.saturating_sub(self.start + 1)).unwrap_or(usize::MAX);
        self.entries.iter().skip(skip).take(max).cloned().collect()
    }

    /// Every entry held, in order (the first is at `start + 1`).
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The index of the entry carrying client operation `op`.
    pub fn find_op(&self, op: OpId) -> Option<u64> {
        self.entries
            .iter()
            .rposition(|e| e.op == Some(op))
            .map(|i| self.start + i as u64 + 1)
    }

    /// The newest configuration entry held: its index and voting members.
    pub fn last_config(&self) -> Option<(u64, &[NodeId])> {
        self.entries
            .iter()
            .enumerate()
            .rev()
            .find_map(|(i, e)| Some((self.start + i as u64 + 1, e.config.as_deref()?)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(term: u64, c: &str) -> Entry {
        Entry::new(term, c, None)
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

    // Dissertation §5.1: after a snapshot the log keeps the index, term and
    // prefix of the last entry it covers, and indexes on from there.
    #[test]
    fn a_compacted_log_keeps_its_indices_and_chains() {
        let mut a = RaftLog::default();
        for x in ["a", "b", "c", "d"] {
            a.push(e(1, x));
        }
        let full = a.clone();
        a.compact(2);
        assert_eq!(a.start(), 2);
        assert_eq!(a.last_index(), 4);
        assert_eq!(a.entry(3), full.entry(3));
        assert_eq!(a.entry(2), None);
        assert_eq!(a.term_at(2), Some(1));
        assert_eq!(a.term_at(1), None);
        assert_eq!(a.chain_at(4), full.chain_at(4));
        assert_eq!(a.slice(3, 10), full.slice(3, 10));
        a.truncate_from(4);
        a.push(e(2, "x"));
        let mut b = RaftLog::after(2, 1, full.chain_at(2).unwrap_or(0));
        b.push(e(1, "c"));
        b.push(e(2, "x"));
        assert_eq!(a.chain_at(4), b.chain_at(4));
    }
}
