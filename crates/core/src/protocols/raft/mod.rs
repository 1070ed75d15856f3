//! Raft consensus (Ongaro & Ousterhout, "In Search of an Understandable
//! Consensus Algorithm", 2014): leader election (§5.2), log replication
//! (§5.3) with the election restriction (§5.4.1) and the current-term commit
//! rule (§5.4.2), and client interaction (§8); and, as options, PreVote
//! (§9.6 of Ongaro's dissertation) and CheckQuorum (its §6.2); from the
//! dissertation also membership change one server at a time (ch. 4),
//! leadership transfer (§3.10), log compaction by snapshots (ch. 5) and, with
//! `fsync_ms`, persistence that takes time (a crash keeps only what reached
//! the disk).

mod disk;
mod entry;
mod invariants;
mod log;
mod membership;
mod msg;
mod report;
mod request;
mod snapshot;
mod view;

pub use invariants::{reach, LeaderRecord, RaftChecker};
pub use log::{Entry, RaftLog};
pub use msg::RaftMsg;
pub use report::metrics;
pub use request::{RaftRequest, RaftResponse};
pub use snapshot::Snapshot;
pub use view::{EntryView, RaftView};

use crate::id::{NodeId, OpId};
use crate::knob::Knob;
use crate::node::{Admin, Badge, Context, Protocol, TimerName};
use crate::time::{Time, MICROS_PER_MS};
use serde::{Deserialize, Serialize};
use crate::nodemap::{NodeMap, NodeSet};
use crate::sortedmap::SortedMap;

/// Raft parameters (`params` of a Raft scenario).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RaftParams {
    /// The election timeout is drawn uniformly from this range (ms), §5.2.
    pub election_timeout_ms: [u64; 2],
    /// The leader's heartbeat period (ms).
    pub heartbeat_ms: u64,
    /// At most this many entries in one AppendEntries.
    pub max_batch: u32,
    /// PreVote (dissertation §9.6): a server whose election timeout fires
    /// first asks whether a majority would vote for it, and increments its
    /// term only if so; a server that heard from a leader within the
    /// minimum election timeout refuses (§4.2.3). A follower cut off from
    /// the cluster so never raises its term, and rejoining forces no
    /// election.
    #[serde(skip_serializing_if = "is_false")]
    pub pre_vote: bool,
    /// CheckQuorum (dissertation §6.2): a leader that has not heard from a
    /// majority within an election timeout (its minimum) steps down, so a
    /// leader cut off from the cluster stops acting as one.
    #[serde(skip_serializing_if = "is_false")]
    pub check_quorum: bool,
    /// Log compaction (dissertation ch. 5): every server snapshots its state
    /// machine every this many applied entries and discards the log before
    /// it; 0 never does.
    #[serde(skip_serializing_if = "is_zero")]
    pub snapshot_every: u32,
    /// How long a write to disk takes (ms). A server answers only once what
    /// it must persist (term, vote, log) is on disk, and a crash keeps only
    /// that; 0 writes at once.
    #[serde(skip_serializing_if = "is_zero")]
    pub fsync_ms: u32,
    /// Textbook bugs switched on ([`BUGS`]); none by default.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub bugs: Vec<String>,
}

/// A leader counts replicas to commit an entry of an earlier term: the
/// mistake §5.4.2 and Figure 8 warn against (dissertation Figure 3.7). An
/// entry so "committed" can still be overwritten by a later leader.
pub const COMMIT_PREVIOUS_TERM: &str = "commit_previous_term";
/// `votedFor` is not persisted: a server that crashes and restarts in the
/// same term can vote a second time (Figure 2 lists it as persistent
/// state), so two candidates can win one term.
pub const FORGET_VOTE: &str = "forget_vote";
/// AppendEntries from a deposed leader is not refused (Figure 2,
/// AppendEntries receiver rule 1: "reply false if term < currentTerm"): the
/// receiver still steps down only for a higher term, so even the leader of
/// a later term takes the stale leader's entries and truncates its own log.
pub const ACCEPT_STALE_APPEND: &str = "accept_stale_append";
/// The consistency check looks only for an entry at `prevLogIndex`, not at
/// its term (Figure 2, AppendEntries receiver rule 2; §5.3), so new entries
/// are appended after a prefix that differs from the leader's.
pub const IGNORE_PREV_TERM: &str = "ignore_prev_term";
/// A leader starts a membership change while the previous one's
/// configuration entry is still uncommitted (dissertation §4.1: a leader
/// must not begin a new change until the last one has committed).
pub const CHANGE_BEFORE_COMMIT: &str = "change_before_commit";

/// Raft's textbook bugs.
pub const BUGS: &[crate::bug::Bug] = &[
    crate::bug::Bug {
        name: COMMIT_PREVIOUS_TERM,
        breaks: &[
            invariants::LEADER_COMPLETENESS,
            invariants::STATE_MACHINE_SAFETY,
        ],
        about: "A leader commits an entry of an earlier term by counting replicas (§5.4.2, Figure 8); it shows with one entry per AppendEntries (max_batch 1), as a larger batch carries the new leader's no-op with the earlier entries",
        // A batch carries the §8 no-op of the leader's term along with the
        // earlier entries before it, and the correct rule then commits them
        // all: the mistake shows only when a batch stops between them.
        needs: &[crate::bug::Need::Value("max_batch", 1)],
    },
    crate::bug::Bug {
        name: FORGET_VOTE,
        breaks: &[invariants::ELECTION_SAFETY],
        about: "votedFor is not kept across a crash, so a restarted server votes twice in one term (Figure 2)",
        needs: &[],
    },
    crate::bug::Bug {
        name: ACCEPT_STALE_APPEND,
        breaks: &[
            invariants::LEADER_APPEND_ONLY,
            invariants::LEADER_COMPLETENESS,
            invariants::STATE_MACHINE_SAFETY,
        ],
        about: "AppendEntries from a deposed leader is not refused (Figure 2, AppendEntries rule 1: reply false if term < currentTerm), so a later leader truncates its log to the stale one's",
        needs: &[],
    },
    crate::bug::Bug {
        name: IGNORE_PREV_TERM,
        breaks: &[invariants::LOG_MATCHING, invariants::STATE_MACHINE_SAFETY],
        about: "The consistency check asks only that the log reach prevLogIndex, not that the entry there have prevLogTerm (§5.3, Figure 2, AppendEntries rule 2), so entries land after a different prefix",
        needs: &[],
    },
    crate::bug::Bug {
        name: CHANGE_BEFORE_COMMIT,
        breaks: &[invariants::ONE_CHANGE_AT_A_TIME],
        about: "A leader starts a membership change before the previous configuration entry has committed (Ongaro's dissertation §4.1), so two uncommitted changes can overlap",
        needs: &[],
    },
];

/// For serde: options that are off stay out of a scenario, so a link
/// written before they existed reads back the same.
fn is_false(b: &bool) -> bool {
    !*b
}

/// For serde: see [`is_false`].
fn is_zero(n: &u32) -> bool {
    *n == 0
}

crate::read::read_struct!(RaftParams {
    election_timeout_ms,
    heartbeat_ms,
    max_batch,
    pre_vote,
    check_quorum,
    snapshot_every,
    fsync_ms,
    bugs
});

impl Default for RaftParams {
    fn default() -> Self {
        RaftParams {
            election_timeout_ms: [150, 300],
            heartbeat_ms: 50,
            max_batch: 16,
            pre_vote: false,
            check_quorum: false,
            snapshot_every: 0,
            fsync_ms: 0,
            bugs: Vec::new(),
        }
    }
}

/// A server's role (§5.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Passive: answers leaders and candidates.
    Follower,
    /// Asking for votes.
    Candidate,
    /// Handles clients and replicates the log.
    Leader,
}

impl Role {
    /// The role's name.
    pub fn name(self) -> &'static str {
        match self {
            Role::Follower => "follower",
            Role::Candidate => "candidate",
            Role::Leader => "leader",
        }
    }
}

/// Raft's timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RaftTimer {
    /// Followers and candidates start an election when it fires.
    Election,
    /// Leaders send heartbeats when it fires.
    Heartbeat,
    /// With `check_quorum`, a leader counts who answered it since the last
    /// check when it fires (§6.2).
    CheckQuorum,
    /// With `fsync_ms`, a write to disk completes.
    Fsync,
}

impl TimerName for RaftTimer {
    const ALL: &'static [Self] = &[
        RaftTimer::Election,
        RaftTimer::Heartbeat,
        RaftTimer::CheckQuorum,
        RaftTimer::Fsync,
    ];
    fn name(&self) -> &'static str {
        match self {
            RaftTimer::Election => "election",
            RaftTimer::Heartbeat => "heartbeat",
            RaftTimer::CheckQuorum => "check_quorum",
            RaftTimer::Fsync => "fsync",
        }
    }
}

/// What survives a crash (Figure 2, "persistent state on all servers", and
/// the snapshot of the dissertation's §5.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RaftDurable {
    /// Latest term seen.
    pub term: u64,
    /// Candidate voted for in the current term.
    pub voted_for: Option<NodeId>,
    /// The log.
    pub log: RaftLog,
    /// The latest snapshot, with the configuration the server started in;
    /// `None` for a server of the first cluster that has none yet (it
    /// takes the members it is started with).
    pub snapshot: Option<Snapshot>,
}

impl RaftDurable {
    /// A server's stored state without a snapshot.
    pub fn new(term: u64, voted_for: Option<NodeId>, log: RaftLog) -> RaftDurable {
        RaftDurable {
            term,
            voted_for,
            log,
            snapshot: None,
        }
    }
}

/// One Raft server.
#[derive(Clone, Debug)]
pub struct Raft {
    id: NodeId,
    params: RaftParams,
    // Persistent state (§5, Figure 2).
    pub(crate) term: u64,
    pub(crate) voted_for: Option<NodeId>,
    pub(crate) log: RaftLog,
    /// The latest snapshot (ch. 5): what the log no longer holds.
    pub(crate) snapshot: Snapshot,
    /// The voting members of the newest configuration (§4.1).
    pub(crate) voters: Vec<NodeId>,
    /// The index of the entry that set it (the snapshot's, if none does).
    pub(crate) config_index: u64,
    // Volatile state.
    pub(crate) role: Role,
    pub(crate) leader: Option<NodeId>,
    pub(crate) commit: u64,
    pub(crate) applied: u64,
    votes: NodeSet,
    next_index: NodeMap<u64>,
    match_index: NodeMap<u64>,
    /// On a leader: the requests waiting for their entry to commit, with
    /// the server a configuration entry removes.
    pending: SortedMap<OpId, (u64, Option<NodeId>)>,
    kv: SortedMap<String, String>,
    /// On a leader: the membership change or transfer under way.
    change: Option<membership::Change>,
    /// With `fsync_ms`: the disk, and what waits for it.
    disk: Option<Box<disk::Disk>>,
    /// With `pre_vote`, the pre-votes of a campaign under way (§9.6).
    pre_votes: Option<NodeSet>,
    /// When this server last heard from a leader of its term.
    leader_seen: Option<Time>,
    /// With `check_quorum`, the followers a leader heard from since its
    /// last check (§6.2).
    heard: NodeSet,
}

impl Raft {
    /// A majority of the voting members (§4.1: of the newest configuration).
    fn majority(&self) -> usize {
        self.voters.len() / 2 + 1
    }

    /// How many of `set` (plus this server, with `me`) are voting members.
    fn voting(&self, set: &NodeSet, me: bool) -> usize {
        let mine = usize::from(me && self.is_voter() && !set.contains(self.id));
        mine + set.iter().filter(|v| self.voters.contains(v)).count()
    }

    /// Sends `msg` to every other voting member.
    fn send_to_voters(&mut self, cx: &mut Context<'_, Self>, msg: RaftMsg) {
        for v in self.voters.clone() {
            if v != self.id {
                self.send(cx, v, msg.clone());
            }
        }
    }

    /// This node's current term.
    pub fn term(&self) -> u64 {
        self.term
    }

    /// This node's role.
    pub fn role(&self) -> Role {
        self.role
    }

    /// This node's commit index.
    pub fn commit_index(&self) -> u64 {
        self.commit
    }

    /// This node's log.
    pub fn log(&self) -> &RaftLog {
        &self.log
    }

    /// Who this node voted for in its current term.
    pub fn voted_for(&self) -> Option<NodeId> {
        self.voted_for
    }

    /// The leader this node knows of.
    pub fn leader(&self) -> Option<NodeId> {
        self.leader
    }

    /// The voting members of this node's newest configuration (§4.1).
    pub fn voters(&self) -> &[NodeId] {
        &self.voters
    }

    /// The applied key-value state.
    pub fn kv(&self) -> impl Iterator<Item = (&String, &String)> {
        self.kv.iter()
    }

    fn reset_election_timer(&mut self, cx: &mut Context<'_, Self>) {
        let [lo, hi] = self.params.election_timeout_ms;
        let after = cx.rng().between(lo * MICROS_PER_MS, hi * MICROS_PER_MS);
        cx.set_timer(RaftTimer::Election, after);
    }

    /// §5.1: a server that sees a higher term becomes a follower in it.
    /// `leader` is the leader the message revealed, if any (an
    /// AppendEntries names its sender), so waiting clients are sent there.
    fn step_down(&mut self, cx: &mut Context<'_, Self>, term: u64, leader: Option<NodeId>) {
        if term > self.term {
            self.term = term;
            self.voted_for = None;
            self.leader = None;
        }
        if leader.is_some() {
            self.leader = leader;
        }
        self.pre_votes = None;
        if self.role == Role::Leader {
            cx.cancel_timer(RaftTimer::Heartbeat);
            if self.params.check_quorum {
                cx.cancel_timer(RaftTimer::CheckQuorum);
            }
            let hint = self.leader.filter(|l| *l != self.id);
            for (op, _) in std::mem::take(&mut self.pending) {
                self.respond(cx, op, RaftResponse::Redirect { leader: hint });
            }
            self.abandon_change(cx, hint);
        }
        if self.role != Role::Follower {
            self.role = Role::Follower;
            self.reset_election_timer(cx);
        }
        self.votes.clear();
    }

    /// §9.6: with `pre_vote`, an election timeout starts a pre-vote
    /// campaign for the next term, which changes no term or vote; without
    /// it, the election itself.
    /// A learner never campaigns (§4.2.1; see [`Raft::may_campaign`]).
    fn on_election_timeout(&mut self, cx: &mut Context<'_, Self>) {
        if !self.may_campaign() {
            self.reset_election_timer(cx);
            return;
        }
        if !self.params.pre_vote {
            self.start_election(cx, false);
            return;
        }
        self.leader = None;
        self.pre_votes = Some(NodeSet::from_iter([self.id]));
        self.reset_election_timer(cx);
        if 1 >= self.majority() {
            self.start_election(cx, false);
            return;
        }
        let msg = RaftMsg::PreVote {
            term: self.term + 1,
            last_log_index: self.log.last_index(),
            last_log_term: self.log.last_term(),
        };
        self.send_to_voters(cx, msg);
    }

    /// §5.4.1: whether a log ending at `last_index`@`last_term` is at least
    /// as up to date as this server's.
    fn up_to_date(&self, last_index: u64, last_term: u64) -> bool {
        last_term > self.log.last_term()
            || (last_term == self.log.last_term() && last_index >= self.log.last_index())
    }

    /// §4.2.3: with `check_quorum`, whether this server heard from a
    /// current leader within the minimum election timeout (a leader counts
    /// itself), so it must ignore a vote request from a later term. Only
    /// CheckQuorum makes this safe for liveness, since it removes a leader
    /// that lost its majority (as etcd's `inLease` does): without it, a
    /// leader whose heartbeats still arrive but whose replies are lost
    /// would keep every other server refusing elections forever.
    fn in_lease(&self, cx: &Context<'_, Self>) -> bool {
        self.params.check_quorum && self.leader_alive(cx)
    }

    /// Whether this server leads, or heard from a current leader within the
    /// minimum election timeout.
    fn leader_alive(&self, cx: &Context<'_, Self>) -> bool {
        let lease = self.params.election_timeout_ms[0] * MICROS_PER_MS;
        self.role == Role::Leader
            || self
                .leader_seen
                .is_some_and(|t| self.leader.is_some() && cx.now().0 < t.0 + lease)
    }

    /// §4.2.3, for servers outside the configuration: while a leader is
    /// alive (this server leads, or heard from a leader within the minimum
    /// election timeout), a vote request from a candidate that is no voting
    /// member of this server's newest configuration is ignored: no answer,
    /// no term change. Such a candidate is a removed server, or one whose
    /// addition was rolled back, and it cannot know it, as the leader no
    /// longer replicates to it; without this its ever higher terms would
    /// depose a working leader again and again. For members the lease
    /// applies only with CheckQuorum (see [`Raft::in_lease`]).
    fn outsider_while_led(&self, cx: &Context<'_, Self>, from: NodeId) -> bool {
        !self.voters.contains(&from) && self.leader_alive(cx)
    }

    /// §9.6: grant a pre-vote for a later term to an up-to-date log, unless
    /// in a leader's lease (§4.2.3); never change term or vote.
    fn on_pre_vote(
        &mut self,
        cx: &mut Context<'_, Self>,
        from: NodeId,
        term: u64,
        last_index: u64,
        last_term: u64,
    ) {
        let granted =
            term > self.term && self.up_to_date(last_index, last_term) && !self.in_lease(cx);
        let msg = RaftMsg::PreVoteReply {
            term: if granted { term } else { self.term },
            granted,
        };
        self.send(cx, from, msg);
    }

    fn on_pre_vote_reply(&mut self, cx: &mut Context<'_, Self>, from: NodeId, term: u64, granted: bool) {
        if !granted {
            // A refusal from a later term: that term has a leader or a
            // candidate; follow it (as etcd does).
            if term > self.term {
                self.step_down(cx, term, None);
            }
            return;
        }
        let Some(mut votes) = self.pre_votes.take() else {
            return;
        };
        if term == self.term + 1 {
            votes.insert(from);
        }
        if self.voting(&votes, true) >= self.majority() {
            self.start_election(cx, false);
        } else {
            self.pre_votes = Some(votes);
        }
    }

    /// §5.2: a follower whose election timeout elapses starts an election;
    /// with `transfer`, because its leader handed leadership to it (§3.10).
    fn start_election(&mut self, cx: &mut Context<'_, Self>, transfer: bool) {
        self.pre_votes = None;
        self.term += 1;
        self.role = Role::Candidate;
        self.voted_for = Some(self.id);
        self.leader = None;
        self.votes = NodeSet::from_iter([self.id]);
        self.reset_election_timer(cx);
        if self.voting(&self.votes, true) >= self.majority() {
            self.become_leader(cx);
            return;
        }
        let (term, last_log_index, last_log_term) =
            (self.term, self.log.last_index(), self.log.last_term());
        let msg = if transfer {
            RaftMsg::TransferVote {
                term,
                last_log_index,
                last_log_term,
            }
        } else {
            RaftMsg::RequestVote {
                term,
                last_log_index,
                last_log_term,
            }
        };
        self.send_to_voters(cx, msg);
    }

    fn become_leader(&mut self, cx: &mut Context<'_, Self>) {
        self.role = Role::Leader;
        self.leader = Some(self.id);
        self.votes.clear();
        cx.cancel_timer(RaftTimer::Election);
        if self.params.check_quorum {
            self.heard.clear();
            self.arm_quorum_check(cx);
        }
        let next = self.log.last_index() + 1;
        let targets = self.targets();
        self.next_index = targets.iter().map(|&p| (p, next)).collect();
        self.match_index = targets.iter().map(|&p| (p, 0)).collect();
        // §8: a new leader commits a no-op entry of its own term, which
        // (by §5.4.2) also commits everything before it.
        self.log.push(Entry::new(self.term, "", None));
        self.advance_commit(cx);
        self.broadcast_append(cx);
    }

    fn arm_quorum_check(&mut self, cx: &mut Context<'_, Self>) {
        let every = self.params.election_timeout_ms[0] * MICROS_PER_MS;
        cx.set_timer(RaftTimer::CheckQuorum, every);
    }

    /// §6.2: a leader that heard from no majority (itself included) since
    /// the last check steps down; otherwise it starts counting again.
    fn check_quorum(&mut self, cx: &mut Context<'_, Self>) {
        if self.voting(&self.heard, true) >= self.majority() {
            self.heard.clear();
            self.arm_quorum_check(cx);
        } else {
            self.leader = None;
            self.step_down(cx, self.term, None);
        }
    }

    fn broadcast_append(&mut self, cx: &mut Context<'_, Self>) {
        self.expire_change(cx);
        for p in self.targets() {
            self.send_append(cx, p);
        }
        cx.set_timer(
            RaftTimer::Heartbeat,
            self.params.heartbeat_ms * MICROS_PER_MS,
        );
    }

    fn send_append(&mut self, cx: &mut Context<'_, Self>, to: NodeId) {
        let next = self.next_index.get(to).copied().unwrap_or(1).max(1);
        let prev_index = next - 1;
        if prev_index < self.log.start() {
            // §5.1: the entries it needs are in the snapshot only.
            self.send_snapshot(cx, to);
            return;
        }
        let prev_term = self.log.term_at(prev_index).unwrap_or(0);
        let msg = RaftMsg::AppendEntries {
            term: self.term,
            prev_index,
            prev_term,
            entries: self.log.slice(next, self.params.max_batch as usize),
            commit: self.commit,
        };
        self.send(cx, to, msg);
    }

    /// §5.3 and §5.4.2: commit the highest index stored on a majority whose
    /// entry is from the current term. The voters are the newest
    /// configuration's (§4.1); a leader outside it does not count itself
    /// (§4.2.2), nor before its own entries reach its disk.
    fn advance_commit(&mut self, cx: &mut Context<'_, Self>) {
        let mut n = self.log.last_index();
        let own = self.persisted_upto();
        let any_term = crate::bug::on(&self.params.bugs, COMMIT_PREVIOUS_TERM);
        while n > self.commit {
            if any_term || self.log.term_at(n) == Some(self.term) {
                let replicas = self
                    .voters
                    .iter()
                    .filter(|&&v| {
                        if v == self.id {
                            own >= n
                        } else {
                            self.match_index.get(v).is_some_and(|&m| m >= n)
                        }
                    })
                    .count();
                if replicas >= self.majority() {
                    self.commit = n;
                    break;
                }
            } else {
                // Earlier entries have earlier terms: none can be counted.
                break;
            }
            n -= 1;
        }
        self.apply_committed(cx);
    }

    fn apply_committed(&mut self, cx: &mut Context<'_, Self>) {
        while self.applied < self.commit {
            self.applied += 1;
            if let Some(entry) = self.log.entry(self.applied) {
                apply_to_kv(&mut self.kv, &entry.command);
            }
        }
        let done: Vec<(OpId, u64, Option<NodeId>)> = self
            .pending
            .iter()
            .filter(|(_, &(i, _))| i <= self.commit)
            .map(|(&op, &(i, removes))| (op, i, removes))
            .collect();
        for (op, index, removes) in done {
            self.pending.remove(&op);
            let answer = match removes {
                Some(node) => RaftResponse::Removed { node, index },
                None => RaftResponse::Committed { index },
            };
            self.respond(cx, op, answer);
        }
        self.maybe_snapshot();
        self.leave_if_removed(cx);
    }

    /// §5.2 and §5.4.1; a vote for a transfer (`forced`, §3.10) is not
    /// held back by a lease.
    fn on_request_vote(
        &mut self,
        cx: &mut Context<'_, Self>,
        from: NodeId,
        (term, last_index, last_term): (u64, u64, u64),
        forced: bool,
    ) {
        if term > self.term && !forced && (self.in_lease(cx) || self.outsider_while_led(cx, from)) {
            // §4.2.3: a current leader is alive; the request neither moves
            // this server's term nor gets an answer (as in etcd).
            return;
        }
        if term > self.term {
            self.step_down(cx, term, None);
        }
        // §5.4.1: vote only for a candidate whose log is at least as up to date.
        let up_to_date = self.up_to_date(last_index, last_term);
        let free = self.voted_for.is_none() || self.voted_for == Some(from);
        let granted = term == self.term && free && up_to_date;
        if granted {
            self.voted_for = Some(from);
            self.reset_election_timer(cx);
        }
        let msg = RaftMsg::RequestVoteReply {
            term: self.term,
            granted,
        };
        self.send(cx, from, msg);
    }

    fn on_vote(&mut self, cx: &mut Context<'_, Self>, from: NodeId, term: u64, granted: bool) {
        if term > self.term {
            self.step_down(cx, term, None);
            return;
        }
        if self.role == Role::Candidate && term == self.term && granted {
            self.votes.insert(from);
            if self.voting(&self.votes, true) >= self.majority() {
                self.become_leader(cx);
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn on_append(
        &mut self,
        cx: &mut Context<'_, Self>,
        from: NodeId,
        term: u64,
        prev_index: u64,
        prev_term: u64,
        entries: Vec<Entry>,
        commit: u64,
    ) {
        // With `accept_stale_append`, an earlier term's AppendEntries is
        // neither refused nor a new leader to follow: its entries are taken.
        let stale = term < self.term && crate::bug::on(&self.params.bugs, ACCEPT_STALE_APPEND);
        if !stale && !self.heard_leader(cx, from, term) {
            return;
        }
        if prev_index < self.log.start() {
            // Entries a snapshot covers are committed, so they match the
            // leader's: say how far (as etcd does).
            let msg = RaftMsg::AppendEntriesReply {
                term: self.term,
                success: true,
                index: self.commit,
            };
            self.send(cx, from, msg);
            return;
        }
        // §5.3 consistency check.
        let any_term = crate::bug::on(&self.params.bugs, IGNORE_PREV_TERM);
        let found = self.log.term_at(prev_index);
        if found.is_none() || (found != Some(prev_term) && !any_term) {
            let hint = self.log.last_index().min(prev_index.saturating_sub(1));
            let msg = RaftMsg::AppendEntriesReply {
                term: self.term,
                success: false,
                index: hint,
            };
            self.send(cx, from, msg);
            return;
        }
        let mut index = prev_index;
        let mut reconfigured = false;
        for entry in entries {
            index += 1;
            match self.log.term_at(index) {
                Some(t) if t == entry.term => continue,
                Some(_) => {
                    // §5.3: a conflicting entry and all that follow it go.
                    reconfigured |= self.config_index >= index || entry.config.is_some();
                    self.log.truncate_from(index);
                    self.log.push(entry);
                }
                None => {
                    reconfigured |= entry.config.is_some();
                    self.log.push(entry);
                }
            }
        }
        if reconfigured {
            self.refresh_config();
        }
        if commit > self.commit {
            self.commit = commit.min(index).max(self.commit);
            self.apply_committed(cx);
        }
        let msg = RaftMsg::AppendEntriesReply {
            term: self.term,
            success: true,
            index,
        };
        self.send(cx, from, msg);
    }

    /// A leader's AppendEntries or InstallSnapshot of `term` arrived: from a
    /// stale leader, it is refused (returns `false`); otherwise this server
    /// follows it (§5.1, §5.2).
    fn heard_leader(&mut self, cx: &mut Context<'_, Self>, from: NodeId, term: u64) -> bool {
        if term < self.term {
            let msg = RaftMsg::AppendEntriesReply {
                term: self.term,
                success: false,
                index: self.log.last_index(),
            };
            self.send(cx, from, msg);
            return false;
        }
        if term > self.term || self.role != Role::Follower {
            self.step_down(cx, term, Some(from));
        }
        // A leader of this term is alive: no campaign goes on (§9.6).
        self.pre_votes = None;
        self.leader = Some(from);
        self.leader_seen = Some(cx.now());
        self.reset_election_timer(cx);
        true
    }

    fn on_append_reply(
        &mut self,
        cx: &mut Context<'_, Self>,
        from: NodeId,
        term: u64,
        success: bool,
        index: u64,
    ) {
        if term > self.term {
            self.step_down(cx, term, None);
            return;
        }
        if self.role != Role::Leader || term != self.term {
            return;
        }
        if self.params.check_quorum {
            self.heard.insert(from);
        }
        let last = self.log.last_index();
        if success {
            let m = self.match_index.get_or_insert_with(from, || 0);
            *m = (*m).max(index);
            let matched = *m;
            let n = self.next_index.get_or_insert_with(from, || 1);
            *n = (*n).max(index + 1);
            let more = *n <= last;
            self.advance_commit(cx);
            if self.role != Role::Leader {
                return; // it removed itself (§4.2.2)
            }
            if more {
                self.send_append(cx, from);
            }
            self.on_progress(cx, from, matched);
        } else {
            // §5.3: decrement nextIndex and retry; the hint skips ahead.
            let n = self.next_index.get_or_insert_with(from, || 1);
            *n = (*n - 1).min(index + 1).max(1);
            self.send_append(cx, from);
        }
    }
}

/// Applies `set k=v` and `del k` to the key-value state machine; anything
/// else is kept in the log but changes no key.
fn apply_to_kv(kv: &mut SortedMap<String, String>, command: &str) {
    let command = command.trim();
    if let Some(rest) = command.strip_prefix("set ") {
        if let Some((k, v)) = rest.split_once('=') {
            kv.insert(k.trim().to_string(), v.trim().to_string());
        }
    } else if let Some(k) = command.strip_prefix("del ") {
        kv.remove(k.trim());
    }
}

impl Protocol for Raft {
    const NAME: &'static str = "raft";
    const MAX_NODES: u32 = 15;
    const DYNAMIC_MEMBERSHIP: bool = true;
    const KNOBS: &'static [Knob] = &[
        Knob::count(
            "/election_timeout_ms/0",
            "Timeout min",
            "§5.2: each follower draws its timeout from this range; a wider range splits fewer votes",
            (20, 2000, 10),
            "ms",
        ),
        Knob::count(
            "/election_timeout_ms/1",
            "Timeout max",
            "§5.2: the top of the range the timeout is drawn from",
            (20, 2000, 10),
            "ms",
        ),
        Knob::count(
            "/heartbeat_ms",
            "Heartbeat",
            "§5.2: how often the leader sends empty AppendEntries; must stay below the timeout",
            (5, 1000, 5),
            "ms",
        ),
        Knob::switch(
            "/pre_vote",
            "PreVote",
            "Dissertation §9.6: ask whether a majority would vote before raising the term",
        ),
        Knob::switch(
            "/check_quorum",
            "CheckQuorum",
            "Dissertation §6.2: a leader that hears from no majority for an election timeout steps down",
        ),
        Knob::count(
            "/snapshot_every",
            "Snapshot every",
            "Dissertation ch. 5: compact the log every this many applied entries (0: never)",
            (0, 200, 1),
            "entries",
        ),
        Knob::count(
            "/fsync_ms",
            "Disk write",
            "Figure 2: a server answers only once term, vote and log are on disk (0: instant)",
            (0, 100, 1),
            "ms",
        ),
    ];
    const BUGS: &'static [crate::bug::Bug] = BUGS;
    type Params = RaftParams;
    type Msg = RaftMsg;
    type Timer = RaftTimer;
    type Request = RaftRequest;
    type Response = RaftResponse;
    type Durable = RaftDurable;
    type View = RaftView;
    type Checker = RaftChecker;
    type Observation = ();

    fn validate(p: &RaftParams) -> Result<(), String> {
        let [lo, hi] = p.election_timeout_ms;
        if lo == 0 || lo > hi || hi > 60_000 {
            return Err(format!(
                "election_timeout_ms [{lo}, {hi}] must satisfy 0 < min <= max <= 60000"
            ));
        }
        if p.heartbeat_ms == 0 || p.heartbeat_ms >= lo {
            return Err(format!(
                "heartbeat_ms {} must be above 0 and below the election timeout's minimum {lo}",
                p.heartbeat_ms
            ));
        }
        if !(1..=1024).contains(&p.max_batch) {
            return Err(format!(
                "max_batch {} is out of range (1 to 1024)",
                p.max_batch
            ));
        }
        if p.snapshot_every > 100_000 {
            return Err(format!(
                "snapshot_every: {} is out of range (0 to 100000)",
                p.snapshot_every
            ));
        }
        if p.fsync_ms > 10_000 {
            return Err(format!(
                "fsync_ms: {} is out of range (0 to 10000)",
                p.fsync_ms
            ));
        }
        crate::bug::check(BUGS, &p.bugs)
    }

    fn new(
        id: NodeId,
        members: &[NodeId],
        params: &RaftParams,
        durable: Option<RaftDurable>,
    ) -> Self {
        let d = durable.unwrap_or(RaftDurable::new(0, None, RaftLog::default()));
        let mut members = members.to_vec();
        if !members.contains(&id) {
            members.push(id);
            members.sort_unstable();
        }
        let snapshot = d.snapshot.unwrap_or_else(|| Snapshot::bootstrap(members));
        let mut r = Raft {
            id,
            params: params.clone(),
            term: d.term,
            voted_for: d.voted_for.filter(|_| !crate::bug::on(&params.bugs, FORGET_VOTE)),
            log: d.log,
            kv: snapshot.state(),
            commit: snapshot.index,
            applied: snapshot.index,
            snapshot,
            voters: Vec::new(),
            config_index: 0,
            role: Role::Follower,
            leader: None,
            votes: NodeSet::new(),
            next_index: NodeMap::new(),
            match_index: NodeMap::new(),
            pending: SortedMap::new(),
            change: None,
            disk: None,
            pre_votes: None,
            leader_seen: None,
            heard: NodeSet::new(),
        };
        r.refresh_config();
        if params.fsync_ms > 0 {
            r.disk = Some(Box::new(disk::Disk::new(r.durable_now())));
        }
        r
    }

    /// §4.2.1: a server added to a running cluster starts empty, outside
    /// every configuration, and waits for the leader to catch it up.
    fn join(id: NodeId, _members: &[NodeId], params: &RaftParams) -> Self {
        let durable = RaftDurable {
            snapshot: Some(Snapshot::bootstrap(Vec::new())),
            ..RaftDurable::new(0, None, RaftLog::default())
        };
        Raft::new(id, &[], params, Some(durable))
    }

    fn admin(change: Admin) -> Option<RaftRequest> {
        Some(match change {
            Admin::Add(n) => RaftRequest::AddServer(n),
            Admin::Remove(n) => RaftRequest::RemoveServer(n),
            Admin::Transfer(n) => RaftRequest::Transfer(n),
        })
    }

    fn on_start(&mut self, cx: &mut Context<'_, Self>) {
        self.reset_election_timer(cx);
    }

    fn on_message(&mut self, cx: &mut Context<'_, Self>, from: NodeId, msg: RaftMsg) {
        match msg {
            RaftMsg::RequestVote {
                term,
                last_log_index,
                last_log_term,
            } => self.on_request_vote(cx, from, (term, last_log_index, last_log_term), false),
            RaftMsg::TransferVote {
                term,
                last_log_index,
                last_log_term,
            } => self.on_request_vote(cx, from, (term, last_log_index, last_log_term), true),
            RaftMsg::InstallSnapshot { term, snapshot } => {
                self.on_install_snapshot(cx, from, term, snapshot)
            }
            RaftMsg::TimeoutNow { term } => self.on_timeout_now(cx, term),
            RaftMsg::RequestVoteReply { term, granted } => self.on_vote(cx, from, term, granted),
            RaftMsg::PreVote {
                term,
                last_log_index,
                last_log_term,
            } => self.on_pre_vote(cx, from, term, last_log_index, last_log_term),
            RaftMsg::PreVoteReply { term, granted } => {
                self.on_pre_vote_reply(cx, from, term, granted)
            }
            RaftMsg::AppendEntries {
                term,
                prev_index,
                prev_term,
                entries,
                commit,
            } => self.on_append(cx, from, term, prev_index, prev_term, entries, commit),
            RaftMsg::AppendEntriesReply {
                term,
                success,
                index,
            } => self.on_append_reply(cx, from, term, success, index),
        }
        self.settle(cx);
    }

    fn on_timer(&mut self, cx: &mut Context<'_, Self>, timer: RaftTimer) {
        match (timer, self.role) {
            (RaftTimer::Fsync, _) => self.on_fsync(cx),
            (RaftTimer::Election, Role::Leader) => {}
            (RaftTimer::Election, _) => self.on_election_timeout(cx),
            (RaftTimer::Heartbeat, Role::Leader) => self.broadcast_append(cx),
            (RaftTimer::CheckQuorum, Role::Leader) if self.params.check_quorum => {
                self.check_quorum(cx)
            }
            (RaftTimer::Heartbeat | RaftTimer::CheckQuorum, _) => {}
        }
        self.settle(cx);
    }

    fn on_request(&mut self, cx: &mut Context<'_, Self>, op: OpId, request: RaftRequest) {
        if self.role != Role::Leader {
            let leader = self.leader;
            self.respond(cx, op, RaftResponse::Redirect { leader });
        } else {
            match request {
                RaftRequest::Command(command) => self.on_command(cx, op, command),
                RaftRequest::AddServer(n) => self.on_admin(cx, op, Admin::Add(n)),
                RaftRequest::RemoveServer(n) => self.on_admin(cx, op, Admin::Remove(n)),
                RaftRequest::Transfer(n) => self.on_admin(cx, op, Admin::Transfer(n)),
            }
        }
        self.settle(cx);
    }

    fn durable(&self) -> RaftDurable {
        match &self.disk {
            Some(disk) => disk.persisted().clone(),
            None => self.durable_now(),
        }
    }

    fn view(&self) -> RaftView {
        RaftView::of(self)
    }

    fn badge(&self) -> Badge {
        Badge {
            role: if self.is_learner() {
                "learner"
            } else {
                self.role.name()
            },
            caption: format!("term {}", self.term),
        }
    }

    fn request_label(request: &RaftRequest) -> String {
        request.label()
    }
}

impl Raft {
    /// A client's command reached the leader (§8).
    fn on_command(&mut self, cx: &mut Context<'_, Self>, op: OpId, command: String) {
        if self.transferring() {
            // §3.10: a leader handing over takes no commands; retry later.
            self.respond(cx, op, RaftResponse::Redirect { leader: None });
            return;
        }
        // §8: a retried request already in the log is not appended again.
        let index = match self.log.find_op(op) {
            Some(i) => i,
            None => {
                let i = self.log.push(Entry::new(self.term, command, Some(op)));
                for p in self.targets() {
                    let caught_up = self.next_index.get(p).copied().unwrap_or(1) == i;
                    if caught_up {
                        self.send_append(cx, p);
                    }
                }
                i
            }
        };
        self.pending.insert(op, (index, None));
        self.advance_commit(cx);
    }

    /// Everything that survives a crash, as of now.
    fn durable_now(&self) -> RaftDurable {
        RaftDurable {
            term: self.term,
            voted_for: self.voted_for,
            log: self.log.clone(),
            snapshot: Some(self.snapshot.clone()),
        }
    }
}

