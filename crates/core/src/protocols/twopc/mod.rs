//! Two-phase commit (Gray, "Notes on Data Base Operating Systems", 1978;
//! Gray & Lamport, "Consensus on Transaction Commit", 2006, §2 and §3 for
//! why it blocks). Node 0 coordinates; every other node is a participant.
//!
//! A client asks the coordinator for a transaction (`"t1"`, or `"t1 no=2"`
//! to make participant 2 vote no). The coordinator sends each participant
//! the work (`Begin`), then after `work_ms` asks them to prepare
//! (`Prepare`). A participant votes yes only by writing `prepared` to its
//! log first: from then on it is in doubt and must wait for the decision,
//! asking the coordinator again every `retry_ms`. Before voting it may
//! abort on its own (`work_timeout_ms` without a `Prepare`). The
//! coordinator writes the decision to its log before anyone hears it —
//! commit if every vote is yes, abort on any no or after
//! `vote_timeout_ms` — then sends it to every participant until each
//! acknowledges. After a crash it finishes what its log says: a decision
//! goes out again, and a transaction begun but not decided is aborted
//! (presumed abort), as is one it is asked about and has no record of.
//!
//! Every node's log is append-only and durable: a crash keeps it and loses
//! everything else (the coordinator's votes, a participant's unvoted work).

mod entry;
mod invariants;
mod request;
mod view;

pub use invariants::TwoPcChecker;
pub use request::TxRequest;
pub use view::{metrics, PendingView, TwoPcView, TxState, TxView, VoteView};

use crate::id::{NodeId, OpId};
use crate::knob::Knob;
use crate::node::{Badge, ClientOutcome, Context, MessageInfo, Protocol, Response, TimerName};
use crate::nodemap::{NodeMap, NodeSet};
use crate::sortedmap::{SortedMap, SortedSet};
use crate::time::{Time, MICROS_PER_MS};
use serde::Serialize;

/// The coordinator's id.
pub const COORDINATOR: NodeId = NodeId(0);

/// Two-phase commit parameters (`params` of a `2pc` scenario).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TwoPcParams {
    /// How long participants work on a transaction before the coordinator
    /// asks them to prepare (ms).
    pub work_ms: u64,
    /// The coordinator aborts a transaction whose votes are not all in
    /// this long after it asked (ms).
    pub vote_timeout_ms: u64,
    /// A participant that has not been asked to prepare this long after the
    /// work began aborts on its own (ms).
    pub work_timeout_ms: u64,
    /// Every unanswered `Prepare`, decision or inquiry is sent again after
    /// this long (ms).
    pub retry_ms: u64,
    /// Textbook bugs switched on ([`BUGS`]); none by default.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub bugs: Vec<String>,
}

/// A participant that voted yes and hears no decision within `retry_ms`
/// aborts on its own: after a yes vote only the coordinator may decide
/// (Gray & Lamport 2006, §2: the participant is blocked, not free).
pub const ABORT_AFTER_YES: &str = "abort_after_yes";
/// A coordinator whose votes are not all in by the vote timeout commits
/// instead of aborting: a missing vote is not a yes (Gray & Lamport 2006,
/// §2: commit needs every participant's yes).
pub const COMMIT_ON_TIMEOUT: &str = "commit_on_timeout";

/// The coordinator counts votes rather than yes votes: a no does not
/// abort, and once every participant has voted it commits (Gray & Lamport
/// 2006, §2: the coordinator commits only when every participant is
/// prepared; one no aborts the transaction).
pub const COUNT_NO_AS_YES: &str = "count_no_as_yes";

/// Two-phase commit's textbook bugs.
pub const BUGS: &[crate::bug::Bug] = &[
    crate::bug::Bug {
        name: ABORT_AFTER_YES,
        breaks: &[invariants::ATOMICITY],
        about: "A participant aborts on its own after voting yes, when the decision is slow to come",
        needs: &[],
    },
    crate::bug::Bug {
        name: COMMIT_ON_TIMEOUT,
        breaks: &[invariants::VETO, invariants::ATOMICITY],
        about: "The coordinator commits when votes time out, as if a missing vote were a yes",
        needs: &[],
    },
    crate::bug::Bug {
        name: COUNT_NO_AS_YES,
        breaks: &[invariants::VETO, invariants::ATOMICITY],
        about: "The coordinator commits once every participant has voted, counting a no as a yes (Gray & Lamport 2006, §2)",
        needs: &[],
    },
];

crate::read::read_struct!(TwoPcParams {
    work_ms,
    vote_timeout_ms,
    work_timeout_ms,
    retry_ms,
    bugs
});

impl Default for TwoPcParams {
    fn default() -> Self {
        TwoPcParams {
            work_ms: 40,
            vote_timeout_ms: 300,
            work_timeout_ms: 400,
            retry_ms: 150,
            bugs: Vec::new(),
        }
    }
}

/// Two-phase commit's one timer: it fires at the earliest thing a node has
/// to do (send a `Prepare`, give up on votes, resend, abort unvoted work).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TwoPcTimer {
    /// Something is due.
    Due,
}

impl TimerName for TwoPcTimer {
    const ALL: &'static [Self] = &[TwoPcTimer::Due];
    fn name(&self) -> &'static str {
        "due"
    }
}

/// What the nodes send each other.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "type")]
pub enum TwoPcMsg {
    /// Coordinator → participant: work on the transaction (`fail`: this
    /// participant's part fails, so it will vote no).
    Begin {
        /// The transaction.
        tx: String,
        /// Whether this participant will vote no.
        fail: bool,
    },
    /// Coordinator → participant: phase 1, vote.
    Prepare {
        /// The transaction.
        tx: String,
    },
    /// Participant → coordinator: its vote.
    Vote {
        /// The transaction.
        tx: String,
        /// Yes (prepared) or no.
        yes: bool,
    },
    /// Coordinator → participant: phase 2, the decision.
    Decision {
        /// The transaction.
        tx: String,
        /// Commit or abort.
        commit: bool,
    },
    /// Participant → coordinator: the decision is applied.
    Ack {
        /// The transaction.
        tx: String,
    },
    /// Participant in doubt → coordinator: what was decided?
    Inquire {
        /// The transaction.
        tx: String,
    },
}

impl MessageInfo for TwoPcMsg {
    fn kind(&self) -> &'static str {
        match self {
            TwoPcMsg::Begin { .. } => "Begin",
            TwoPcMsg::Prepare { .. } => "Prepare",
            TwoPcMsg::Vote { .. } => "Vote",
            TwoPcMsg::Decision { .. } => "Decision",
            TwoPcMsg::Ack { .. } => "Ack",
            TwoPcMsg::Inquire { .. } => "Inquire",
        }
    }

    fn label(&self) -> String {
        match self {
            TwoPcMsg::Begin { tx, fail } => {
                format!("Begin {tx}{}", if *fail { " (will fail)" } else { "" })
            }
            TwoPcMsg::Prepare { tx } => format!("Prepare {tx}"),
            TwoPcMsg::Vote { tx, yes } => format!("Vote {tx} {}", if *yes { "yes" } else { "no" }),
            TwoPcMsg::Decision { tx, commit } => {
                format!("Decision {tx} {}", if *commit { "commit" } else { "abort" })
            }
            TwoPcMsg::Ack { tx } => format!("Ack {tx}"),
            TwoPcMsg::Inquire { tx } => format!("Inquire {tx}"),
        }
    }
}

/// What the coordinator answers a client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TwoPcResponse {
    /// Not the coordinator: ask node 0.
    Redirect,
    /// The transaction's decision.
    Decided {
        /// Committed or aborted.
        commit: bool,
    },
    /// The request cannot run (a `no=` names no participant).
    Refused {
        /// Why.
        reason: String,
    },
}

impl Response for TwoPcResponse {
    fn outcome(&self) -> ClientOutcome {
        match self {
            TwoPcResponse::Redirect => ClientOutcome::Redirect(Some(COORDINATOR)),
            TwoPcResponse::Decided { commit: true } => ClientOutcome::Done("committed".into()),
            TwoPcResponse::Decided { commit: false } => ClientOutcome::Done("aborted".into()),
            TwoPcResponse::Refused { reason } => ClientOutcome::Done(format!("refused: {reason}")),
        }
    }
}

/// One record of a node's durable log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Record {
    /// Coordinator: the transaction began. Restarted with this as its last
    /// record, the coordinator aborts it.
    Begun,
    /// Participant: voted yes; in doubt until the decision comes.
    Prepared,
    /// Participant: voted no (and so aborted).
    VotedNo,
    /// Participant: committed.
    Committed,
    /// Participant: aborted, on its own or as told.
    Aborted,
    /// Coordinator: the decision, written before anyone hears it.
    Decided {
        /// Commit or abort.
        commit: bool,
    },
    /// Coordinator: every participant acknowledged the decision.
    End {
        /// The decision.
        commit: bool,
    },
}

/// A log record with its transaction and the (local) time it was written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LogEntry {
    /// The transaction.
    pub tx: String,
    /// What was written.
    pub record: Record,
    /// When, by the node's clock.
    #[serde(rename = "at_ms", serialize_with = "crate::trace::ser_ms")]
    pub at: Time,
}

/// A transaction the coordinator is running (volatile: a crash loses it).
#[derive(Clone, Debug)]
struct Running {
    /// Votes so far.
    votes: NodeMap<bool>,
    /// Who acknowledged the decision.
    acked: NodeSet,
    /// Where it is.
    phase: Phase,
    /// When the phase's deadline falls (prepare, give up on votes).
    deadline: Time,
    /// When unanswered messages go out again.
    resend: Time,
    /// The clients waiting for the decision.
    ops: Vec<OpId>,
}

/// A coordinator's transaction's phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Participants are working; `Prepare` goes out at the deadline.
    Working,
    /// Votes are being collected until the deadline.
    Voting,
    /// The decision is logged and being delivered.
    Decided(bool),
}

/// A participant's unvoted work (volatile).
#[derive(Clone, Debug)]
struct Work {
    /// Whether its vote will be no.
    fail: bool,
    /// When it began.
    began: Time,
    /// When it gives up waiting for `Prepare`.
    deadline: Time,
}

/// A two-phase commit node: the coordinator (node 0) or a participant.
#[derive(Clone, Debug)]
pub struct TwoPc {
    id: NodeId,
    params: TwoPcParams,
    participants: Vec<NodeId>,
    /// The durable log, append-only.
    log: Vec<LogEntry>,
    /// Each transaction's last record, from the log.
    last: SortedMap<String, usize>,
    /// Coordinator: transactions begun and not yet ended, in id order.
    running: SortedMap<String, Running>,
    /// Participant: work not yet voted on.
    work: SortedMap<String, Work>,
    /// Participant: the transactions in doubt (prepared, undecided).
    doubt: SortedSet<String>,
    /// Participant: when to ask about each in-doubt transaction next.
    inquire_at: Time,
}

impl TwoPc {
    fn is_coordinator(&self) -> bool {
        self.id == COORDINATOR
    }

    fn retry(&self) -> u64 {
        self.params.retry_ms * MICROS_PER_MS
    }

    /// Appends to the durable log.
    fn write(&mut self, cx: &Context<'_, Self>, tx: &str, record: Record) {
        self.last.insert(tx.to_string(), self.log.len());
        if record == Record::Prepared {
            self.doubt.insert(tx.to_string());
        } else {
            self.doubt.remove(tx);
        }
        self.log.push(LogEntry {
            tx: tx.to_string(),
            record,
            at: cx.now(),
        });
    }

    /// The transaction's last record.
    fn record(&self, tx: &str) -> Option<&Record> {
        self.last.get(tx).map(|&i| &self.log[i].record)
    }

    /// The coordinator's logged decision for `tx`.
    fn decision(&self, tx: &str) -> Option<bool> {
        match self.record(tx)? {
            Record::Decided { commit } | Record::End { commit } => Some(*commit),
            _ => None,
        }
    }

    /// A participant's state of `tx` from its log and its work.
    pub fn state(&self, tx: &str) -> Option<TxState> {
        match self.record(tx) {
            Some(Record::Prepared) => Some(TxState::Prepared),
            Some(Record::Committed) => Some(TxState::Committed),
            Some(Record::VotedNo | Record::Aborted) => Some(TxState::Aborted),
            Some(Record::Begun | Record::Decided { .. } | Record::End { .. }) => None,
            None => self.work.contains_key(tx).then_some(TxState::Working),
        }
    }

    /// The node's durable log.
    pub fn log(&self) -> &[LogEntry] {
        &self.log
    }

    // --- The coordinator ---

    /// Begins `tx`: the work goes out, `Prepare` follows after `work_ms`.
    fn begin(&mut self, cx: &mut Context<'_, Self>, op: OpId, request: TxRequest) {
        if let Some(commit) = self.decision(&request.tx) {
            cx.respond(op, TwoPcResponse::Decided { commit });
            return;
        }
        if let Some(t) = self.running.get_mut(&request.tx) {
            t.ops.push(op);
            return;
        }
        if let Some(bad) = request.no.iter().find(|n| !self.participants.contains(n)) {
            let reason = format!("no={}: {bad} is not a participant", bad.0);
            cx.respond(op, TwoPcResponse::Refused { reason });
            return;
        }
        self.write(cx, &request.tx, Record::Begun);
        let mut fail = NodeSet::new();
        for &p in &request.no {
            fail.insert(p);
        }
        for &p in &self.participants {
            let tx = request.tx.clone();
            cx.send(p, TwoPcMsg::Begin { tx, fail: fail.contains(p) });
        }
        let now = cx.now();
        let running = Running {
            votes: NodeMap::new(),
            acked: NodeSet::new(),
            phase: Phase::Working,
            deadline: now + self.params.work_ms * MICROS_PER_MS,
            resend: now,
            ops: vec![op],
        };
        self.running.insert(request.tx, running);
    }

    /// Writes the decision, answers the clients, and tells everyone.
    fn decide(&mut self, cx: &mut Context<'_, Self>, tx: &str, commit: bool) {
        self.write(cx, tx, Record::Decided { commit });
        let resend = cx.now() + self.retry();
        let participants = self.participants.clone();
        let Some(t) = self.running.get_mut(tx) else {
            return;
        };
        t.phase = Phase::Decided(commit);
        t.resend = resend;
        for op in std::mem::take(&mut t.ops) {
            cx.respond(op, TwoPcResponse::Decided { commit });
        }
        for p in participants {
            cx.send(p, TwoPcMsg::Decision { tx: tx.to_string(), commit });
        }
    }

    /// The coordinator's answer to a participant asking about `tx`: the
    /// logged decision, nothing while votes are out, and for a transaction
    /// it knows nothing of (it crashed before deciding), abort.
    fn answer(&mut self, cx: &mut Context<'_, Self>, from: NodeId, tx: String) {
        if let Some(commit) = self.decision(&tx) {
            cx.send(from, TwoPcMsg::Decision { tx, commit });
        } else if !self.running.contains_key(&tx) {
            self.write(cx, &tx, Record::Decided { commit: false });
            cx.send(from, TwoPcMsg::Decision { tx, commit: false });
        }
    }

    fn coordinator_message(&mut self, cx: &mut Context<'_, Self>, from: NodeId, msg: TwoPcMsg) {
        match msg {
            TwoPcMsg::Vote { tx, yes } => {
                let Some(t) = self.running.get_mut(&tx) else {
                    return self.answer(cx, from, tx);
                };
                match t.phase {
                    Phase::Working | Phase::Voting => {
                        t.votes.insert(from, yes);
                        // The bug: any vote counts as a yes.
                        let any = crate::bug::on(&self.params.bugs, COUNT_NO_AS_YES);
                        let all_yes = self
                            .participants
                            .iter()
                            .all(|&p| t.votes.get(p).is_some_and(|&y| y || any));
                        if (!yes && !any) || all_yes {
                            self.decide(cx, &tx, all_yes);
                        }
                    }
                    Phase::Decided(commit) => cx.send(from, TwoPcMsg::Decision { tx, commit }),
                }
            }
            TwoPcMsg::Ack { tx } => {
                let Some(t) = self.running.get_mut(&tx) else {
                    return;
                };
                t.acked.insert(from);
                if let Phase::Decided(commit) = t.phase {
                    if self.participants.iter().all(|&p| t.acked.contains(p)) {
                        self.running.remove(&tx);
                        self.write(cx, &tx, Record::End { commit });
                    }
                }
            }
            TwoPcMsg::Inquire { tx } => self.answer(cx, from, tx),
            TwoPcMsg::Begin { .. } | TwoPcMsg::Prepare { .. } | TwoPcMsg::Decision { .. } => {}
        }
    }

    /// Sends what is due: `Prepare` after the work, a decision after the
    /// vote timeout, and every unanswered message again.
    fn coordinator_due(&mut self, cx: &mut Context<'_, Self>) {
        let now = cx.now();
        let retry = self.retry();
        let vote_timeout = self.params.vote_timeout_ms * MICROS_PER_MS;
        let mut timed_out = Vec::new();
        for (tx, t) in self.running.iter_mut() {
            match t.phase {
                Phase::Working if now >= t.deadline => {
                    t.phase = Phase::Voting;
                    t.deadline = now + vote_timeout;
                    t.resend = now + retry;
                    for &p in &self.participants {
                        cx.send(p, TwoPcMsg::Prepare { tx: tx.clone() });
                    }
                }
                Phase::Voting if now >= t.deadline => timed_out.push(tx.clone()),
                Phase::Voting if now >= t.resend => {
                    t.resend = now + retry;
                    for &p in self.participants.iter().filter(|&&p| !t.votes.contains(p)) {
                        cx.send(p, TwoPcMsg::Prepare { tx: tx.clone() });
                    }
                }
                Phase::Decided(commit) if now >= t.resend => {
                    t.resend = now + retry;
                    for &p in self.participants.iter().filter(|&&p| !t.acked.contains(p)) {
                        let tx = tx.clone();
                        cx.send(p, TwoPcMsg::Decision { tx, commit });
                    }
                }
                _ => {}
            }
        }
        let commit = crate::bug::on(&self.params.bugs, COMMIT_ON_TIMEOUT);
        for tx in timed_out {
            self.decide(cx, &tx, commit);
        }
    }

    // --- A participant ---

    fn participant_message(&mut self, cx: &mut Context<'_, Self>, msg: TwoPcMsg) {
        match msg {
            TwoPcMsg::Begin { tx, fail } => {
                if self.record(&tx).is_none() && !self.work.contains_key(&tx) {
                    let began = cx.now();
                    let deadline = began + self.params.work_timeout_ms * MICROS_PER_MS;
                    self.work.insert(tx, Work { fail, began, deadline });
                }
            }
            TwoPcMsg::Prepare { tx } => {
                let yes = match self.record(&tx) {
                    Some(Record::Prepared | Record::Committed) => true,
                    Some(_) => false,
                    // Unvoted work votes as it can; no work (its `Begin`
                    // was lost, or a crash lost it) votes no.
                    None => match self.work.remove(&tx) {
                        Some(w) if !w.fail => {
                            self.write(cx, &tx, Record::Prepared);
                            self.inquire_at = self.inquire_at.max(cx.now() + self.retry());
                            true
                        }
                        _ => {
                            self.write(cx, &tx, Record::VotedNo);
                            false
                        }
                    },
                };
                cx.send(COORDINATOR, TwoPcMsg::Vote { tx, yes });
            }
            TwoPcMsg::Decision { tx, commit } => {
                self.work.remove(&tx);
                match (self.record(&tx), commit) {
                    (Some(Record::Committed), _) | (Some(Record::VotedNo | Record::Aborted), _) => {}
                    (_, true) => self.write(cx, &tx, Record::Committed),
                    (_, false) => self.write(cx, &tx, Record::Aborted),
                }
                cx.send(COORDINATOR, TwoPcMsg::Ack { tx });
            }
            TwoPcMsg::Vote { .. } | TwoPcMsg::Ack { .. } | TwoPcMsg::Inquire { .. } => {}
        }
    }

    /// Aborts work that waited too long for `Prepare`, and asks about every
    /// transaction in doubt.
    fn participant_due(&mut self, cx: &mut Context<'_, Self>) {
        let now = cx.now();
        let expired: Vec<String> = self
            .work
            .iter()
            .filter(|(_, w)| now >= w.deadline)
            .map(|(tx, _)| tx.clone())
            .collect();
        for tx in expired {
            self.work.remove(&tx);
            self.write(cx, &tx, Record::Aborted);
        }
        if now >= self.inquire_at && crate::bug::on(&self.params.bugs, ABORT_AFTER_YES) {
            let doubt: Vec<String> = self.doubt.iter().cloned().collect();
            for tx in doubt {
                self.write(cx, &tx, Record::Aborted);
            }
        }
        if now >= self.inquire_at && !self.doubt.is_empty() {
            self.inquire_at = now + self.retry();
            for tx in self.doubt.iter() {
                cx.send(COORDINATOR, TwoPcMsg::Inquire { tx: tx.clone() });
            }
        }
    }


    /// Sets the timer to the earliest thing due, or cancels it.
    fn arm(&self, cx: &mut Context<'_, Self>) {
        let next = if self.is_coordinator() {
            self.running
                .values()
                .map(|t| match t.phase {
                    Phase::Working => t.deadline,
                    Phase::Voting => t.deadline.min(t.resend),
                    Phase::Decided(_) => t.resend,
                })
                .min()
        } else {
            let work = self.work.values().map(|w| w.deadline).min();
            match (work, (!self.doubt.is_empty()).then_some(self.inquire_at)) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            }
        };
        match next {
            Some(at) => cx.set_timer(TwoPcTimer::Due, at - cx.now()),
            None => cx.cancel_timer(TwoPcTimer::Due),
        }
    }
}

impl Protocol for TwoPc {
    const NAME: &'static str = "2pc";
    const MAX_NODES: u32 = 9;
    const DYNAMIC_MEMBERSHIP: bool = false;
    const KNOBS: &'static [Knob] = &[
        Knob::count(
            "/work_ms",
            "Work",
            "How long a participant works on a transaction before it can vote",
            (10, 2000, 10),
            "ms",
        ),
        Knob::count(
            "/vote_timeout_ms",
            "Vote timeout",
            "How long the coordinator waits for votes before it aborts",
            (10, 5000, 10),
            "ms",
        ),
    ];
    const BUGS: &'static [crate::bug::Bug] = BUGS;
    type Params = TwoPcParams;
    type Msg = TwoPcMsg;
    type Timer = TwoPcTimer;
    type Request = TxRequest;
    type Response = TwoPcResponse;
    type Durable = Vec<LogEntry>;
    type View = TwoPcView;
    type Checker = TwoPcChecker;
    type Observation = ();

    fn validate(p: &TwoPcParams) -> Result<(), String> {
        for (name, v) in [
            ("work_ms", p.work_ms),
            ("vote_timeout_ms", p.vote_timeout_ms),
            ("work_timeout_ms", p.work_timeout_ms),
            ("retry_ms", p.retry_ms),
        ] {
            if !(1..=600_000).contains(&v) {
                return Err(format!("{name}: must be between 1 and 600000 ms, not {v}"));
            }
        }
        crate::bug::check(BUGS, &p.bugs)
    }

    fn validate_nodes(_params: &TwoPcParams, nodes: u32) -> Result<(), String> {
        if nodes < 3 {
            return Err(format!(
                "two-phase commit needs a coordinator and at least two participants (3 nodes), not {nodes}"
            ));
        }
        Ok(())
    }

    fn new(
        id: NodeId,
        members: &[NodeId],
        params: &TwoPcParams,
        durable: Option<Vec<LogEntry>>,
    ) -> Self {
        let log = durable.unwrap_or_default();
        let last: SortedMap<String, usize> = log
            .iter()
            .enumerate()
            .map(|(i, e)| (e.tx.clone(), i))
            .collect();
        let doubt = last
            .iter()
            .filter(|&(_, &i)| log[i].record == Record::Prepared)
            .map(|(tx, _)| tx.clone())
            .collect();
        TwoPc {
            id,
            params: params.clone(),
            participants: members.iter().copied().filter(|&m| m != COORDINATOR).collect(),
            log,
            last,
            running: SortedMap::new(),
            work: SortedMap::new(),
            doubt,
            inquire_at: Time::ZERO,
        }
    }

    fn on_start(&mut self, cx: &mut Context<'_, Self>) {
        if self.is_coordinator() {
            // Finish what the log says: a transaction begun and not decided
            // is aborted (presumed abort), and every decision not yet ended
            // goes out again (the acknowledgements were not logged).
            let unfinished: Vec<(String, Option<bool>)> = self
                .last
                .iter()
                .filter_map(|(tx, &i)| match self.log[i].record {
                    Record::Begun => Some((tx.clone(), None)),
                    Record::Decided { commit } => Some((tx.clone(), Some(commit))),
                    _ => None,
                })
                .collect();
            for (tx, logged) in unfinished {
                let commit = logged.unwrap_or(false);
                if logged.is_none() {
                    self.write(cx, &tx, Record::Decided { commit });
                }
                let running = Running {
                    votes: NodeMap::new(),
                    acked: NodeSet::new(),
                    phase: Phase::Decided(commit),
                    deadline: cx.now(),
                    resend: cx.now() + self.retry(),
                    ops: Vec::new(),
                };
                for &p in &self.participants {
                    cx.send(p, TwoPcMsg::Decision { tx: tx.clone(), commit });
                }
                self.running.insert(tx, running);
            }
        } else {
            // In doubt after a restart: ask at once.
            self.inquire_at = cx.now();
        }
        self.arm(cx);
    }

    fn on_message(&mut self, cx: &mut Context<'_, Self>, from: NodeId, msg: TwoPcMsg) {
        if self.is_coordinator() {
            self.coordinator_message(cx, from, msg);
        } else {
            self.participant_message(cx, msg);
        }
        self.arm(cx);
    }

    fn on_timer(&mut self, cx: &mut Context<'_, Self>, _timer: TwoPcTimer) {
        if self.is_coordinator() {
            self.coordinator_due(cx);
        } else {
            self.participant_due(cx);
        }
        self.arm(cx);
    }

    fn on_request(&mut self, cx: &mut Context<'_, Self>, op: OpId, request: TxRequest) {
        if self.is_coordinator() {
            self.begin(cx, op, request);
            self.arm(cx);
        } else {
            cx.respond(op, TwoPcResponse::Redirect);
        }
    }

    fn durable(&self) -> Vec<LogEntry> {
        self.log.clone()
    }

    fn view(&self) -> TwoPcView {
        TwoPcView::of(self)
    }

    fn badge(&self) -> Badge {
        if self.is_coordinator() {
            let deciding = self
                .running
                .values()
                .filter(|t| !matches!(t.phase, Phase::Decided(_)))
                .count();
            return Badge {
                role: "coordinator",
                caption: match deciding {
                    0 => format!("{} logged", self.log.len()),
                    n => format!("{n} deciding"),
                },
            };
        }
        let doubt = self.doubt.len();
        Badge {
            role: if doubt > 0 { "in-doubt" } else { "participant" },
            caption: match doubt {
                0 if self.work.is_empty() => format!("{} logged", self.log.len()),
                0 => format!("{} working", self.work.len()),
                n => format!("{n} in doubt"),
            },
        }
    }

    fn request_label(request: &TxRequest) -> String {
        request.to_string()
    }
}
