//! Raft consensus (Ongaro & Ousterhout, "In Search of an Understandable
//! Consensus Algorithm", 2014): leader election (§5.2), log replication
//! (§5.3) with the election restriction (§5.4.1) and the current-term commit
//! rule (§5.4.2), and client interaction (§8); and, as options, PreVote
//! (§9.6 of Ongaro's dissertation) and CheckQuorum (its §6.2). Membership
//! change and log compaction are not modelled yet.

mod entry;
mod invariants;
mod log;
mod msg;
mod view;

pub use invariants::{LeaderRecord, RaftChecker};
pub use log::{Entry, RaftLog};
pub use msg::RaftMsg;
pub use view::{EntryView, RaftView};

use crate::id::{NodeId, OpId};
use crate::node::{Badge, ClientOutcome, Context, Protocol, Response, TimerName};
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
}

/// For serde: options that are off stay out of a scenario, so a link
/// written before they existed reads back the same.
fn is_false(b: &bool) -> bool {
    !*b
}

crate::read::read_struct!(RaftParams {
    election_timeout_ms,
    heartbeat_ms,
    max_batch,
    pre_vote,
    check_quorum
});

impl Default for RaftParams {
    fn default() -> Self {
        RaftParams {
            election_timeout_ms: [150, 300],
            heartbeat_ms: 50,
            max_batch: 16,
            pre_vote: false,
            check_quorum: false,
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
}

impl TimerName for RaftTimer {
    const ALL: &'static [Self] = &[
        RaftTimer::Election,
        RaftTimer::Heartbeat,
        RaftTimer::CheckQuorum,
    ];
    fn name(&self) -> &'static str {
        match self {
            RaftTimer::Election => "election",
            RaftTimer::Heartbeat => "heartbeat",
            RaftTimer::CheckQuorum => "check_quorum",
        }
    }
}

/// A node's answer to a client (§8).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RaftResponse {
    /// Not the leader: ask this one (or nobody known yet).
    Redirect {
        /// The leader this node knows of.
        leader: Option<NodeId>,
    },
    /// The command is committed at this index.
    Committed {
        /// Its log index.
        index: u64,
    },
}

impl Response for RaftResponse {
    fn outcome(&self) -> ClientOutcome {
        match self {
            RaftResponse::Redirect { leader } => ClientOutcome::Redirect(*leader),
            RaftResponse::Committed { index } => {
                ClientOutcome::Done(format!("committed at {index}"))
            }
        }
    }
}

/// What survives a crash (Figure 2, "persistent state on all servers").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RaftDurable {
    /// Latest term seen.
    pub term: u64,
    /// Candidate voted for in the current term.
    pub voted_for: Option<NodeId>,
    /// The log.
    pub log: RaftLog,
}

/// One Raft server.
#[derive(Clone, Debug)]
pub struct Raft {
    id: NodeId,
    peers: Vec<NodeId>,
    params: RaftParams,
    // Persistent state (§5, Figure 2).
    pub(crate) term: u64,
    pub(crate) voted_for: Option<NodeId>,
    pub(crate) log: RaftLog,
    // Volatile state.
    pub(crate) role: Role,
    pub(crate) leader: Option<NodeId>,
    pub(crate) commit: u64,
    pub(crate) applied: u64,
    votes: NodeSet,
    next_index: NodeMap<u64>,
    match_index: NodeMap<u64>,
    pending: SortedMap<OpId, u64>,
    kv: SortedMap<String, String>,
    /// With `pre_vote`, the pre-votes of a campaign under way (§9.6).
    pre_votes: Option<NodeSet>,
    /// When this server last heard from a leader of its term.
    leader_seen: Option<Time>,
    /// With `check_quorum`, the followers a leader heard from since its
    /// last check (§6.2).
    heard: NodeSet,
}

impl Raft {
    fn majority(&self) -> usize {
        let cluster = self.peers.len() + 1;
        cluster / 2 + 1
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
                cx.respond(op, RaftResponse::Redirect { leader: hint });
            }
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
    fn on_election_timeout(&mut self, cx: &mut Context<'_, Self>) {
        if !self.params.pre_vote {
            self.start_election(cx);
            return;
        }
        self.leader = None;
        self.pre_votes = Some(NodeSet::from_iter([self.id]));
        self.reset_election_timer(cx);
        if 1 >= self.majority() {
            self.start_election(cx);
            return;
        }
        cx.broadcast(RaftMsg::PreVote {
            term: self.term + 1,
            last_log_index: self.log.last_index(),
            last_log_term: self.log.last_term(),
        });
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
        let lease = self.params.election_timeout_ms[0] * MICROS_PER_MS;
        self.params.check_quorum
            && (self.role == Role::Leader
                || self
                    .leader_seen
                    .is_some_and(|t| self.leader.is_some() && cx.now().0 < t.0 + lease))
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
        cx.send(
            from,
            RaftMsg::PreVoteReply {
                term: if granted { term } else { self.term },
                granted,
            },
        );
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
        let majority = self.majority();
        let Some(votes) = self.pre_votes.as_mut() else {
            return;
        };
        if term != self.term + 1 {
            return;
        }
        votes.insert(from);
        if votes.len() >= majority {
            self.start_election(cx);
        }
    }

    /// §5.2: a follower whose election timeout elapses starts an election.
    fn start_election(&mut self, cx: &mut Context<'_, Self>) {
        self.pre_votes = None;
        self.term += 1;
        self.role = Role::Candidate;
        self.voted_for = Some(self.id);
        self.leader = None;
        self.votes = NodeSet::from_iter([self.id]);
        self.reset_election_timer(cx);
        if self.votes.len() >= self.majority() {
            self.become_leader(cx);
            return;
        }
        cx.broadcast(RaftMsg::RequestVote {
            term: self.term,
            last_log_index: self.log.last_index(),
            last_log_term: self.log.last_term(),
        });
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
        self.next_index = self.peers.iter().map(|&p| (p, next)).collect();
        self.match_index = self.peers.iter().map(|&p| (p, 0)).collect();
        // §8: a new leader commits a no-op entry of its own term, which
        // (by §5.4.2) also commits everything before it.
        self.log.push(Entry {
            term: self.term,
            command: String::new(),
            op: None,
        });
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
        if 1 + self.heard.len() >= self.majority() {
            self.heard.clear();
            self.arm_quorum_check(cx);
        } else {
            self.leader = None;
            self.step_down(cx, self.term, None);
        }
    }

    fn broadcast_append(&mut self, cx: &mut Context<'_, Self>) {
        for p in self.peers.clone() {
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
        let prev_term = self.log.term_at(prev_index).unwrap_or(0);
        cx.send(
            to,
            RaftMsg::AppendEntries {
                term: self.term,
                prev_index,
                prev_term,
                entries: self.log.slice(next, self.params.max_batch as usize),
                commit: self.commit,
            },
        );
    }

    /// §5.3 and §5.4.2: commit the highest index stored on a majority whose
    /// entry is from the current term.
    fn advance_commit(&mut self, cx: &mut Context<'_, Self>) {
        let mut n = self.log.last_index();
        while n > self.commit {
            if self.log.term_at(n) == Some(self.term) {
                let replicas = 1 + self.match_index.values().filter(|&&m| m >= n).count();
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
        let done: Vec<(OpId, u64)> = self
            .pending
            .iter()
            .filter(|(_, &i)| i <= self.commit)
            .map(|(&op, &i)| (op, i))
            .collect();
        for (op, index) in done {
            self.pending.remove(&op);
            cx.respond(op, RaftResponse::Committed { index });
        }
    }

    fn on_request_vote(
        &mut self,
        cx: &mut Context<'_, Self>,
        from: NodeId,
        term: u64,
        last_index: u64,
        last_term: u64,
    ) {
        if term > self.term && self.in_lease(cx) {
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
        cx.send(
            from,
            RaftMsg::RequestVoteReply {
                term: self.term,
                granted,
            },
        );
    }

    fn on_vote(&mut self, cx: &mut Context<'_, Self>, from: NodeId, term: u64, granted: bool) {
        if term > self.term {
            self.step_down(cx, term, None);
            return;
        }
        if self.role == Role::Candidate && term == self.term && granted {
            self.votes.insert(from);
            if self.votes.len() >= self.majority() {
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
        if term < self.term {
            cx.send(
                from,
                RaftMsg::AppendEntriesReply {
                    term: self.term,
                    success: false,
                    index: self.log.last_index(),
                },
            );
            return;
        }
        if term > self.term || self.role != Role::Follower {
            self.step_down(cx, term, Some(from));
        }
        // A leader of this term is alive: no campaign goes on (§9.6).
        self.pre_votes = None;
        self.leader = Some(from);
        self.leader_seen = Some(cx.now());
        self.reset_election_timer(cx);
        // §5.3 consistency check.
        if self.log.term_at(prev_index) != Some(prev_term) {
            let hint = self.log.last_index().min(prev_index.saturating_sub(1));
            cx.send(
                from,
                RaftMsg::AppendEntriesReply {
                    term: self.term,
                    success: false,
                    index: hint,
                },
            );
            return;
        }
        let mut index = prev_index;
        for entry in entries {
            index += 1;
            match self.log.term_at(index) {
                Some(t) if t == entry.term => continue,
                Some(_) => {
                    // §5.3: a conflicting entry and all that follow it go.
                    self.log.truncate_from(index);
                    self.log.push(entry);
                }
                None => {
                    self.log.push(entry);
                }
            }
        }
        if commit > self.commit {
            self.commit = commit.min(index).max(self.commit);
            self.apply_committed(cx);
        }
        cx.send(
            from,
            RaftMsg::AppendEntriesReply {
                term: self.term,
                success: true,
                index,
            },
        );
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
            let n = self.next_index.get_or_insert_with(from, || 1);
            *n = (*n).max(index + 1);
            let more = *n <= last;
            self.advance_commit(cx);
            if more {
                self.send_append(cx, from);
            }
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
    const DYNAMIC_MEMBERSHIP: bool = false;
    type Params = RaftParams;
    type Msg = RaftMsg;
    type Timer = RaftTimer;
    type Request = String;
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
        Ok(())
    }

    fn new(
        id: NodeId,
        members: &[NodeId],
        params: &RaftParams,
        durable: Option<RaftDurable>,
    ) -> Self {
        let d = durable.unwrap_or(RaftDurable {
            term: 0,
            voted_for: None,
            log: RaftLog::default(),
        });
        Raft {
            id,
            peers: members.iter().copied().filter(|&m| m != id).collect(),
            params: params.clone(),
            term: d.term,
            voted_for: d.voted_for,
            log: d.log,
            role: Role::Follower,
            leader: None,
            commit: 0,
            applied: 0,
            votes: NodeSet::new(),
            next_index: NodeMap::new(),
            match_index: NodeMap::new(),
            pending: SortedMap::new(),
            kv: SortedMap::new(),
            pre_votes: None,
            leader_seen: None,
            heard: NodeSet::new(),
        }
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
            } => self.on_request_vote(cx, from, term, last_log_index, last_log_term),
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
    }

    fn on_timer(&mut self, cx: &mut Context<'_, Self>, timer: RaftTimer) {
        match (timer, self.role) {
            (RaftTimer::Election, Role::Leader) => {}
            (RaftTimer::Election, _) => self.on_election_timeout(cx),
            (RaftTimer::Heartbeat, Role::Leader) => self.broadcast_append(cx),
            (RaftTimer::CheckQuorum, Role::Leader) if self.params.check_quorum => {
                self.check_quorum(cx)
            }
            (RaftTimer::Heartbeat | RaftTimer::CheckQuorum, _) => {}
        }
    }

    fn on_request(&mut self, cx: &mut Context<'_, Self>, op: OpId, command: String) {
        if self.role != Role::Leader {
            cx.respond(
                op,
                RaftResponse::Redirect {
                    leader: self.leader,
                },
            );
            return;
        }
        // §8: a retried request already in the log is not appended again.
        let index = match self.log.find_op(op) {
            Some(i) => i,
            None => {
                let i = self.log.push(Entry {
                    term: self.term,
                    command,
                    op: Some(op),
                });
                for p in self.peers.clone() {
                    let caught_up = self.next_index.get(p).copied().unwrap_or(1) == i;
                    if caught_up {
                        self.send_append(cx, p);
                    }
                }
                i
            }
        };
        self.pending.insert(op, index);
        self.advance_commit(cx);
    }

    fn durable(&self) -> RaftDurable {
        RaftDurable {
            term: self.term,
            voted_for: self.voted_for,
            log: self.log.clone(),
        }
    }

    fn view(&self) -> RaftView {
        RaftView::of(self)
    }

    fn badge(&self) -> Badge {
        Badge {
            role: self.role.name(),
            caption: format!("term {}", self.term),
        }
    }

    fn request_label(request: &String) -> String {
        request.clone()
    }
}

/// The Raft figures of a report: `leaders` [{term, node, at_ms}] and
/// `nodes` [{id, status, term, role, commit_index, log: [[term, command], …]}].
pub fn metrics(sim: &crate::sim::Sim<Raft>) -> serde_json::Value {
    let leaders: Vec<&LeaderRecord> = sim.checker().leaders().collect();
    let nodes: Vec<serde_json::Value> = sim
        .nodes()
        .map(|(id, status, node)| {
            let revived;
            let r = match node {
                Some(r) => Some(r),
                None => {
                    revived = sim.durable_node(id);
                    revived.as_ref()
                }
            };
            match r {
                Some(r) => serde_json::json!({
                    "id": id,
                    "status": status,
                    "term": r.term,
                    "role": if node.is_some() { r.role.name() } else { "crashed" },
                    "commit_index": r.commit,
                    "log": r.log.entries().iter().map(|e| (e.term, &e.command)).collect::<Vec<_>>(),
                }),
                None => serde_json::json!({ "id": id, "status": status }),
            }
        })
        .collect();
    serde_json::json!({ "leaders": leaders, "nodes": nodes })
}
