//! Log compaction by snapshots (chapter 5 of Ongaro's dissertation): every
//! `snapshot_every` applied entries a server writes its state machine and
//! configuration down and discards the log before them (§5.1); a leader
//! sends its snapshot to a follower that needs discarded entries
//! (InstallSnapshot, §5.1).

use super::{Raft, RaftMsg};
use crate::id::NodeId;
use crate::node::Context;
use crate::sortedmap::SortedMap;
use serde::{Deserialize, Serialize};

/// A snapshot: the state machine and configuration as of entry `index`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Snapshot {
    /// The last entry it covers (0 for the empty state a cluster starts from).
    pub index: u64,
    /// That entry's term.
    pub term: u64,
    /// The prefix hash of the log up to `index` (what the log keeps of the
    /// entries it discards, so logs can still be compared).
    pub chain: u64,
    /// The voting members as of `index` (§5.1 keeps the latest
    /// configuration in the snapshot).
    pub config: Vec<NodeId>,
    /// The key-value state after applying every entry up to `index`.
    pub kv: Vec<(String, String)>,
}

impl Snapshot {
    /// The starting point of a server of a new cluster of `members`.
    pub fn bootstrap(members: Vec<NodeId>) -> Snapshot {
        Snapshot {
            config: members,
            ..Snapshot::default()
        }
    }

    /// The key-value state it holds.
    pub fn state(&self) -> SortedMap<String, String> {
        let mut kv = SortedMap::new();
        for (k, v) in &self.kv {
            kv.insert(k.clone(), v.clone());
        }
        kv
    }
}

impl Raft {
    /// §5.1: with `snapshot_every`, once that many entries were applied since
    /// the last snapshot, snapshot everything applied and discard the log
    /// up to it.
    pub(super) fn maybe_snapshot(&mut self) {
        let every = u64::from(self.params.snapshot_every);
        if every == 0 || self.applied < self.snapshot.index + every {
            return;
        }
        let index = self.applied;
        let (Some(term), Some(chain)) = (self.log.term_at(index), self.log.chain_at(index)) else {
            return;
        };
        self.snapshot = Snapshot {
            index,
            term,
            chain,
            config: self.config_at(index),
            kv: self
                .kv
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        };
        self.log.compact(index);
        self.refresh_config();
    }

    /// The voting members in force at `index` (at or after the snapshot).
    pub(super) fn config_at(&self, index: u64) -> Vec<NodeId> {
        (self.snapshot.index + 1..=index)
            .rev()
            .find_map(|i| self.log.entry(i).and_then(|e| e.config.clone()))
            .unwrap_or_else(|| self.snapshot.config.clone())
    }

    /// Sends `to` the snapshot, as it needs entries the log no longer holds.
    pub(super) fn send_snapshot(&mut self, cx: &mut Context<'_, Self>, to: NodeId) {
        let msg = RaftMsg::InstallSnapshot {
            term: self.term,
            snapshot: self.snapshot.clone(),
        };
        self.send(cx, to, msg);
    }

    /// §5.1: a follower receiving a snapshot newer than what it has
    /// committed keeps the entries after it if its log agrees there, and
    /// otherwise discards its whole log; then it takes the snapshot's state.
    pub(super) fn on_install_snapshot(
        &mut self,
        cx: &mut Context<'_, Self>,
        from: NodeId,
        term: u64,
        snapshot: Snapshot,
    ) {
        if !self.heard_leader(cx, from, term) {
            return;
        }
        let index = snapshot.index;
        if index > self.commit {
            if self.log.term_at(index) == Some(snapshot.term) && self.log.chain_at(index) == Some(snapshot.chain) {
                self.log.compact(index);
            } else {
                self.log = super::RaftLog::after(index, snapshot.term, snapshot.chain);
            }
            self.kv = snapshot.state();
            self.commit = index;
            self.applied = index;
            self.snapshot = snapshot;
            self.refresh_config();
        }
        let msg = RaftMsg::AppendEntriesReply {
            term: self.term,
            success: true,
            index: index.max(self.commit).min(self.log.last_index()),
        };
        self.send(cx, from, msg);
    }
}
