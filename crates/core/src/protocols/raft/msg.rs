//! Raft's RPCs (Figure 2 of the paper), as messages.

use super::log::Entry;
use super::snapshot::Snapshot;
use crate::node::MessageInfo;
use serde::{Deserialize, Serialize};

/// A Raft message.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum RaftMsg {
    /// RequestVote RPC (§5.2).
    RequestVote {
        /// Candidate's term.
        term: u64,
        /// Index of the candidate's last log entry.
        last_log_index: u64,
        /// Term of the candidate's last log entry.
        last_log_term: u64,
    },
    /// Answer to RequestVote.
    RequestVoteReply {
        /// The voter's current term.
        term: u64,
        /// Whether the vote was granted.
        granted: bool,
    },
    /// AppendEntries RPC (§5.3); a heartbeat when `entries` is empty.
    AppendEntries {
        /// Leader's term.
        term: u64,
        /// Index of the entry just before the new ones.
        prev_index: u64,
        /// Term of that entry.
        prev_term: u64,
        /// New entries (empty for a heartbeat).
        entries: Vec<Entry>,
        /// Leader's commit index.
        commit: u64,
    },
    /// Answer to AppendEntries.
    AppendEntriesReply {
        /// The follower's current term.
        term: u64,
        /// Whether the consistency check passed.
        success: bool,
        /// On success, the last index known to match; on failure, a hint:
        /// the follower's last index, where the leader can look back from.
        index: u64,
    },
    // Added after the paper's RPCs, so their discriminants (hashed into
    // every trace) stay as they were.
    /// PreVote RPC (dissertation §9.6): "would you vote for me in `term`?",
    /// asked before a candidate increments its own term.
    PreVote {
        /// The term the candidate would stand in (its own plus one).
        term: u64,
        /// Index of the candidate's last log entry.
        last_log_index: u64,
        /// Term of the candidate's last log entry.
        last_log_term: u64,
    },
    /// Answer to PreVote: changes no one's term or vote.
    PreVoteReply {
        /// The term asked about when granted; the voter's own when refused.
        term: u64,
        /// Whether the pre-vote was granted.
        granted: bool,
    },
    /// InstallSnapshot RPC (dissertation §5.1): the leader's snapshot, for
    /// a follower that needs entries the leader has discarded. Answered
    /// with an AppendEntriesReply.
    InstallSnapshot {
        /// Leader's term.
        term: u64,
        /// The snapshot.
        snapshot: Snapshot,
    },
    /// TimeoutNow (§3.10): the leader asks a caught-up server to start an
    /// election at once, to hand it leadership.
    TimeoutNow {
        /// Leader's term.
        term: u64,
    },
    /// RequestVote from a candidate the leader chose (§3.10): voters grant
    /// it even within a leader's lease (§4.2.3).
    TransferVote {
        /// Candidate's term.
        term: u64,
        /// Index of the candidate's last log entry.
        last_log_index: u64,
        /// Term of the candidate's last log entry.
        last_log_term: u64,
    },
}

impl RaftMsg {
    /// The term the message carries.
    pub fn term(&self) -> u64 {
        match self {
            RaftMsg::RequestVote { term, .. }
            | RaftMsg::RequestVoteReply { term, .. }
            | RaftMsg::PreVote { term, .. }
            | RaftMsg::PreVoteReply { term, .. }
            | RaftMsg::AppendEntries { term, .. }
            | RaftMsg::AppendEntriesReply { term, .. }
            | RaftMsg::InstallSnapshot { term, .. }
            | RaftMsg::TimeoutNow { term }
            | RaftMsg::TransferVote { term, .. } => *term,
        }
    }
}

impl MessageInfo for RaftMsg {
    fn kind(&self) -> &'static str {
        match self {
            RaftMsg::RequestVote { .. } | RaftMsg::TransferVote { .. } => "RequestVote",
            RaftMsg::InstallSnapshot { .. } => "InstallSnapshot",
            RaftMsg::TimeoutNow { .. } => "TimeoutNow",
            RaftMsg::RequestVoteReply { .. } => "RequestVoteReply",
            RaftMsg::PreVote { .. } => "PreVote",
            RaftMsg::PreVoteReply { .. } => "PreVoteReply",
            RaftMsg::AppendEntries { entries, .. } if entries.is_empty() => "Heartbeat",
            RaftMsg::AppendEntries { .. } => "AppendEntries",
            RaftMsg::AppendEntriesReply { .. } => "AppendEntriesReply",
        }
    }

    fn label(&self) -> String {
        match self {
            RaftMsg::RequestVote {
                term,
                last_log_index,
                last_log_term,
            } => format!("RequestVote term {term}, last {last_log_index}@{last_log_term}"),
            RaftMsg::TransferVote {
                term,
                last_log_index,
                last_log_term,
            } => format!(
                "RequestVote term {term}, last {last_log_index}@{last_log_term} (leadership transfer)"
            ),
            RaftMsg::InstallSnapshot { term, snapshot } => format!(
                "InstallSnapshot term {term}, up to {}@{}, {} key{}",
                snapshot.index,
                snapshot.term,
                snapshot.kv.len(),
                if snapshot.kv.len() == 1 { "" } else { "s" }
            ),
            RaftMsg::TimeoutNow { term } => format!("TimeoutNow term {term}: start an election"),
            RaftMsg::RequestVoteReply { term, granted } => {
                if *granted {
                    format!("vote granted, term {term}")
                } else {
                    format!("vote refused, term {term}")
                }
            }
            RaftMsg::PreVote {
                term,
                last_log_index,
                last_log_term,
            } => format!("PreVote for term {term}, last {last_log_index}@{last_log_term}"),
            RaftMsg::PreVoteReply { term, granted } => {
                if *granted {
                    format!("pre-vote granted for term {term}")
                } else {
                    format!("pre-vote refused, term {term}")
                }
            }
            RaftMsg::AppendEntries {
                term,
                prev_index,
                prev_term,
                entries,
                commit,
            } => {
                if entries.is_empty() {
                    format!("heartbeat term {term}, prev {prev_index}@{prev_term}, commit {commit}")
                } else {
                    format!(
                        "AppendEntries term {term}, prev {prev_index}@{prev_term}, +{} entr{}, commit {commit}",
                        entries.len(),
                        if entries.len() == 1 { "y" } else { "ies" }
                    )
                }
            }
            RaftMsg::AppendEntriesReply {
                term,
                success,
                index,
            } => {
                if *success {
                    format!("append ok, term {term}, match {index}")
                } else {
                    format!("append rejected, term {term}, hint {index}")
                }
            }
        }
    }
}
