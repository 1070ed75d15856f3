//! What the UI may read of a Raft server.

use super::{Raft, Role};
use crate::id::NodeId;
use serde::Serialize;

/// How many of the newest log entries a view carries.
pub const VIEW_LOG_TAIL: usize = 40;

/// One log entry as shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EntryView {
    /// Its index.
    pub index: u64,
    /// Its term.
    pub term: u64,
    /// Its command (empty for a no-op; what changed for a configuration
    /// entry).
    pub command: String,
    /// Whether it is a configuration entry (dissertation §4.1).
    pub config: bool,
}

/// A Raft server as the UI sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RaftView {
    /// Role.
    pub role: Role,
    /// Current term.
    pub term: u64,
    /// Vote in the current term.
    pub voted_for: Option<NodeId>,
    /// The leader it knows of.
    pub leader: Option<NodeId>,
    /// Commit index.
    pub commit_index: u64,
    /// Index of its last entry.
    pub last_index: u64,
    /// The newest entries (at most 40), oldest first.
    pub log_tail: Vec<EntryView>,
    /// On a leader: each follower's nextIndex.
    pub next_index: Vec<(NodeId, u64)>,
    /// On a leader: each follower's matchIndex.
    pub match_index: Vec<(NodeId, u64)>,
    /// On a candidate: the votes it holds.
    pub votes: Vec<NodeId>,
    /// The applied key-value state.
    pub kv: Vec<(String, String)>,
    /// The voting members of its newest configuration (§4.1).
    pub voters: Vec<NodeId>,
    /// A learner: outside every configuration it knows, it has no vote and
    /// never campaigns (§4.2.1); a server just added is one until the
    /// configuration adds it.
    pub learner: bool,
    /// The last index its snapshot covers (0 without one, ch. 5): the log
    /// holds only the entries after it.
    pub snapshot_index: u64,
}

impl Raft {
    /// The entries it holds from index `first` to `last` (inclusive), as
    /// shown: any window of the log, for a view that scrolls through all
    /// of it (entries compacted into a snapshot are not there).
    pub fn entries(&self, first: u64, last: u64) -> Vec<EntryView> {
        (first.max(1)..=last.min(self.log.last_index()))
            .filter_map(|i| {
                self.log.entry(i).map(|e| EntryView {
                    index: i,
                    term: e.term,
                    command: e.command.clone(),
                    config: e.config.is_some(),
                })
            })
            .collect()
    }
}

impl RaftView {
    pub(super) fn of(r: &Raft) -> RaftView {
        let last = r.log.last_index();
        let first = last.saturating_sub(VIEW_LOG_TAIL as u64) + 1;
        let log_tail = r.entries(first, last);
        let leader = r.role == Role::Leader;
        RaftView {
            role: r.role,
            term: r.term,
            voted_for: r.voted_for,
            leader: r.leader,
            commit_index: r.commit,
            last_index: last,
            log_tail,
            next_index: if leader {
                r.next_index.iter().map(|(k, v)| (k, *v)).collect()
            } else {
                Vec::new()
            },
            match_index: if leader {
                r.match_index.iter().map(|(k, v)| (k, *v)).collect()
            } else {
                Vec::new()
            },
            votes: r.votes.iter().collect(),
            kv: r.kv.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            voters: r.voters.clone(),
            learner: r.is_learner(),
            snapshot_index: r.log.start(),
        }
    }
}
