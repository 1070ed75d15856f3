//! The Raft implementation checked against the Raft paper (Ongaro &
//! Ousterhout, "In Search of an Understandable Consensus Algorithm",
//! extended version, 2014), sentence by sentence.
//!
//! The cases follow the ideas of etcd's `raft_paper_test.go`, translated to
//! faultline's sans-IO model: a node is driven by hand through
//! [`Protocol`]'s handlers with a [`Context`], and the effects it asks for
//! (sends, timers, client answers) are inspected. Whole-cluster behaviour
//! goes through [`Sim`]. Each test names the section of the paper it checks.
//!
//! Where faultline deliberately differs from etcd the test follows the paper:
//! a candidate that is refused by a majority keeps waiting for its election
//! timeout (§5.2 lists only three ways out of candidacy), and a new leader
//! appends a no-op entry of its own term at once (§8).

use faultline_core::command::Command;
use faultline_core::node::{Context, Effect, Protocol};
use faultline_core::protocols::raft::{
    metrics, Entry, Raft, RaftDurable, RaftLog, RaftMsg, RaftParams, RaftResponse, RaftTimer, Role,
};
use faultline_core::rng::Rng;
use faultline_core::sim::ClientStatus;
use faultline_core::{NodeId, OpId, Scenario, Sim, SimConfig, Time};
use std::collections::{BTreeMap, VecDeque};

// ---------------------------------------------------------------------------
// Helpers: one node driven by hand, and a tiny lossless network of them.
// ---------------------------------------------------------------------------

/// Microseconds per millisecond (timer spans are in microseconds).
const MS: u64 = 1_000;

fn n(id: u32) -> NodeId {
    NodeId(id)
}

/// An entry whose command is determined by its position and term, so two
/// logs agree on an entry exactly when they agree on its index and term.
fn positional(index: u64, term: u64) -> Entry {
    Entry::new(term, format!("e{index}t{term}"), None)
}

/// A log with one positional entry per term given, from index 1.
fn log_of_terms(terms: &[u64]) -> RaftLog {
    let mut log = RaftLog::default();
    for (i, &t) in terms.iter().enumerate() {
        log.push(positional(i as u64 + 1, t));
    }
    log
}

/// A log of `(term, command)` entries.
fn log_of(entries: &[(u64, &str)]) -> RaftLog {
    let mut log = RaftLog::default();
    for &(term, command) in entries {
        log.push(Entry::new(term, command, None));
    }
    log
}

/// The terms of a log, in order.
fn terms_of(log: &RaftLog) -> Vec<u64> {
    log.entries().iter().map(|e| e.term).collect()
}

fn durable(term: u64, voted_for: Option<u32>, log: RaftLog) -> RaftDurable {
    RaftDurable::new(term, voted_for.map(NodeId), log)
}

/// Server `id` of a cluster of `size`, with textbook bug `bug` switched on
/// when `on`.
fn with_bug(id: u32, size: u32, durable: Option<RaftDurable>, bug: &str, on: bool) -> Node {
    let mut node = Node::new(id, size, None);
    let params = RaftParams {
        bugs: if on { vec![bug.into()] } else { Vec::new() },
        ..RaftParams::default()
    };
    node.raft = Raft::new(n(id), &node.peers, &params, durable);
    node
}

/// One Raft server with everything a handler call needs.
struct Node {
    id: NodeId,
    peers: Vec<NodeId>,
    rng: Rng,
    raft: Raft,
}

impl Node {
    /// Server `id` of a cluster of ids `0..size`.
    fn new(id: u32, size: u32, durable: Option<RaftDurable>) -> Node {
        Node::with_rng(id, size, durable, Rng::stream(42, u64::from(id)))
    }

    fn with_rng(id: u32, size: u32, durable: Option<RaftDurable>, rng: Rng) -> Node {
        let peers: Vec<NodeId> = (0..size).filter(|&p| p != id).map(NodeId).collect();
        let raft = Raft::new(NodeId(id), &peers, &RaftParams::default(), durable);
        Node {
            id: NodeId(id),
            peers,
            rng,
            raft,
        }
    }

    /// Runs one handler and returns the effects it asked for.
    fn drive(&mut self, f: impl FnOnce(&mut Raft, &mut Context<'_, Raft>)) -> Vec<Effect<Raft>> {
        let mut effects = Vec::new();
        let mut cx = Context::new(
            self.id,
            Time::ZERO,
            &self.peers,
            &mut self.rng,
            &mut effects,
        );
        f(&mut self.raft, &mut cx);
        effects
    }

    fn start(&mut self) -> Vec<Effect<Raft>> {
        self.drive(|r, cx| r.on_start(cx))
    }

    fn timer(&mut self, timer: RaftTimer) -> Vec<Effect<Raft>> {
        self.drive(|r, cx| r.on_timer(cx, timer))
    }

    fn recv(&mut self, from: u32, msg: RaftMsg) -> Vec<Effect<Raft>> {
        self.drive(|r, cx| r.on_message(cx, NodeId(from), msg))
    }

    fn request(&mut self, op: u64, command: &str) -> Vec<Effect<Raft>> {
        let command = command.into();
        self.drive(|r, cx| r.on_request(cx, OpId(op), command))
    }

    /// The applied key-value state, as the view shows it.
    fn kv(&self) -> Vec<(String, String)> {
        self.raft.view().kv
    }
}

/// The messages among `effects`, in order.
fn sent(effects: &[Effect<Raft>]) -> Vec<(NodeId, RaftMsg)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Send { to, msg } => Some((*to, msg.clone())),
            _ => None,
        })
        .collect()
}

/// The AppendEntries among `effects`.
fn appends(effects: &[Effect<Raft>]) -> Vec<(NodeId, RaftMsg)> {
    sent(effects)
        .into_iter()
        .filter(|(_, m)| matches!(m, RaftMsg::AppendEntries { .. }))
        .collect()
}

/// The timers set among `effects`.
fn timers_set(effects: &[Effect<Raft>]) -> Vec<(RaftTimer, u64)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::SetTimer { timer, after } => Some((*timer, *after)),
            _ => None,
        })
        .collect()
}

/// The span of the last election timer set among `effects`, if any.
fn election_timer(effects: &[Effect<Raft>]) -> Option<u64> {
    timers_set(effects)
        .into_iter()
        .filter(|(t, _)| *t == RaftTimer::Election)
        .map(|(_, after)| after)
        .next_back()
}

fn cancelled(effects: &[Effect<Raft>]) -> Vec<RaftTimer> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::CancelTimer(t) => Some(*t),
            _ => None,
        })
        .collect()
}

/// The client answers among `effects`.
fn responses(effects: &[Effect<Raft>]) -> Vec<(OpId, RaftResponse)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Respond { op, response } => Some((*op, response.clone())),
            _ => None,
        })
        .collect()
}

/// The one reply a handler sent, to `to`.
fn only_reply(effects: &[Effect<Raft>], to: u32) -> RaftMsg {
    let msgs = sent(effects);
    assert_eq!(msgs.len(), 1, "expected exactly one message, got {msgs:?}");
    assert_eq!(msgs[0].0, n(to), "reply went to the wrong node");
    msgs[0].1.clone()
}

/// What a follower that accepts `msg` (an AppendEntries) answers.
fn accept(msg: &RaftMsg) -> RaftMsg {
    match msg {
        RaftMsg::AppendEntries {
            term,
            prev_index,
            entries,
            ..
        } => RaftMsg::AppendEntriesReply {
            term: *term,
            success: true,
            index: prev_index + entries.len() as u64,
        },
        other => panic!("not an AppendEntries: {other:?}"),
    }
}

fn heartbeat(term: u64, prev_index: u64, prev_term: u64, commit: u64) -> RaftMsg {
    RaftMsg::AppendEntries {
        term,
        prev_index,
        prev_term,
        entries: Vec::new(),
        commit,
    }
}

/// Node 0 of a cluster of `size`, elected leader by hand: it times out and
/// every peer grants its vote. Returns the node and the effects of winning.
fn elect(size: u32, durable: Option<RaftDurable>) -> (Node, Vec<Effect<Raft>>) {
    let mut node = Node::new(0, size, durable);
    node.start();
    let mut effects = node.timer(RaftTimer::Election);
    let term = node.raft.term();
    for p in 1..size {
        if node.raft.role() == Role::Leader {
            break;
        }
        effects = node.recv(
            p,
            RaftMsg::RequestVoteReply {
                term,
                granted: true,
            },
        );
    }
    assert_eq!(node.raft.role(), Role::Leader, "setup: node 0 should lead");
    (node, effects)
}

/// A leader of a cluster of `size` whose no-op has been acknowledged by
/// every follower (so it is committed), with nothing in flight.
fn settled_leader(size: u32) -> Node {
    let (mut leader, effects) = elect(size, None);
    for (to, msg) in appends(&effects) {
        leader.recv(to.0, accept(&msg));
    }
    assert_eq!(leader.raft.commit_index(), leader.raft.log().last_index());
    leader
}

/// A lossless, in-order network of hand-driven nodes. Messages to a node
/// that is not in it are dropped; timers never fire on their own.
struct Cluster {
    nodes: BTreeMap<NodeId, Node>,
    queue: VecDeque<(NodeId, NodeId, RaftMsg)>,
}

impl Cluster {
    fn new(nodes: Vec<Node>) -> Cluster {
        Cluster {
            nodes: nodes.into_iter().map(|n| (n.id, n)).collect(),
            queue: VecDeque::new(),
        }
    }

    fn node(&self, id: u32) -> &Node {
        &self.nodes[&n(id)]
    }

    /// Runs a handler on `id` and queues the messages it sends.
    fn on(&mut self, id: u32, f: impl FnOnce(&mut Node) -> Vec<Effect<Raft>>) {
        let node = self.nodes.get_mut(&n(id)).expect("no such node");
        let effects = f(node);
        for (to, msg) in sent(&effects) {
            self.queue.push_back((n(id), to, msg));
        }
    }

    /// Delivers messages until none is left; panics if that takes more
    /// than `budget` deliveries.
    fn deliver_all(&mut self, budget: usize) {
        for _ in 0..budget {
            let Some((from, to, msg)) = self.queue.pop_front() else {
                return;
            };
            if self.nodes.contains_key(&to) {
                self.on(to.0, |node| node.recv(from.0, msg));
            }
        }
        assert!(self.queue.is_empty(), "the cluster did not quiesce");
    }
}

// ---------------------------------------------------------------------------
// §5.1 Raft basics
// ---------------------------------------------------------------------------

/// §5.1: "If one server's current term is smaller than the other's, then it
/// updates its current term to the larger value. If a candidate or leader
/// discovers that its term is out of date, it immediately reverts to
/// follower state." Checked for every role and every kind of message.
#[test]
fn servers_adopt_a_higher_term_and_step_down() {
    let higher = 5;
    let messages = [
        heartbeat(higher, 0, 0, 0),
        RaftMsg::RequestVote {
            term: higher,
            last_log_index: 0,
            last_log_term: 0,
        },
        RaftMsg::AppendEntriesReply {
            term: higher,
            success: false,
            index: 0,
        },
        RaftMsg::RequestVoteReply {
            term: higher,
            granted: false,
        },
    ];
    for role in [Role::Follower, Role::Candidate, Role::Leader] {
        for msg in &messages {
            let mut node = match role {
                Role::Follower => {
                    let mut node = Node::new(0, 3, Some(durable(2, Some(0), RaftLog::default())));
                    node.start();
                    node
                }
                Role::Candidate => {
                    let mut node = Node::new(0, 3, Some(durable(1, None, RaftLog::default())));
                    node.start();
                    node.timer(RaftTimer::Election);
                    node
                }
                Role::Leader => elect(3, Some(durable(1, None, RaftLog::default()))).0,
            };
            assert_eq!(node.raft.role(), role, "setup");
            assert_eq!(node.raft.term(), 2, "setup");
            let effects = node.recv(1, msg.clone());
            let case = format!("{role:?} receiving {msg:?}");
            assert_eq!(node.raft.term(), higher, "{case}: term not updated");
            assert_eq!(
                node.raft.role(),
                Role::Follower,
                "{case}: did not step down"
            );
            // The vote of the old term does not carry over to the new one.
            assert_ne!(node.raft.voted_for(), Some(n(0)), "{case}: stale vote kept");
            if role == Role::Leader {
                assert!(
                    cancelled(&effects).contains(&RaftTimer::Heartbeat),
                    "{case}: a deposed leader must stop its heartbeats"
                );
            }
            if role != Role::Follower {
                assert!(
                    election_timer(&effects).is_some(),
                    "{case}: a server that reverts to follower needs an election timer"
                );
            }
            // Whatever it answers carries the new term.
            for (_, reply) in sent(&effects) {
                assert_eq!(reply.term(), higher, "{case}: reply carries an old term");
            }
        }
    }
}

/// §5.1: "If a server receives a request with a stale term number, it
/// rejects the request." A stale AppendEntries or RequestVote is refused
/// with the current term (so the sender learns it is out of date) and
/// changes nothing; stale replies are ignored by candidates and leaders.
#[test]
fn stale_term_messages_are_rejected() {
    // A follower in term 3.
    let mut f = Node::new(0, 3, Some(durable(3, None, log_of_terms(&[1, 2]))));
    f.start();
    let effects = f.recv(
        1,
        RaftMsg::AppendEntries {
            term: 2,
            prev_index: 2,
            prev_term: 2,
            entries: vec![positional(3, 2)],
            commit: 3,
        },
    );
    match only_reply(&effects, 1) {
        RaftMsg::AppendEntriesReply { term, success, .. } => {
            assert_eq!(term, 3);
            assert!(!success, "a stale AppendEntries must be refused");
        }
        other => panic!("unexpected reply {other:?}"),
    }
    assert_eq!(terms_of(f.raft.log()), vec![1, 2], "log changed");
    assert_eq!(f.raft.commit_index(), 0, "commit changed");
    assert_eq!(f.raft.leader(), None, "a stale leader was recognised");
    assert_eq!(
        election_timer(&effects),
        None,
        "a stale leader must not hold off elections"
    );
    assert_eq!(f.raft.term(), 3);

    let effects = f.recv(
        2,
        RaftMsg::RequestVote {
            term: 2,
            last_log_index: 9,
            last_log_term: 2,
        },
    );
    assert_eq!(
        only_reply(&effects, 2),
        RaftMsg::RequestVoteReply {
            term: 3,
            granted: false
        }
    );
    assert_eq!(f.raft.voted_for(), None);

    // A candidate in term 3 keeps campaigning.
    let mut c = Node::new(0, 3, Some(durable(2, None, RaftLog::default())));
    c.start();
    c.timer(RaftTimer::Election);
    assert_eq!((c.raft.role(), c.raft.term()), (Role::Candidate, 3));
    c.recv(1, heartbeat(2, 0, 0, 0));
    assert_eq!(
        c.raft.role(),
        Role::Candidate,
        "stale AppendEntries deposed it"
    );
    for p in 1..3 {
        c.recv(
            p,
            RaftMsg::RequestVoteReply {
                term: 2,
                granted: true,
            },
        );
    }
    assert_eq!(
        c.raft.role(),
        Role::Candidate,
        "votes of an earlier term were counted"
    );

    // A leader in term 3 does not count acknowledgements of an earlier term.
    let (mut l, _) = elect(3, Some(durable(2, None, RaftLog::default())));
    assert_eq!(l.raft.term(), 3);
    for p in 1..3 {
        l.recv(
            p,
            RaftMsg::AppendEntriesReply {
                term: 2,
                success: true,
                index: 1,
            },
        );
    }
    assert_eq!(
        l.raft.commit_index(),
        0,
        "a stale acknowledgement was counted"
    );
    assert_eq!(l.raft.role(), Role::Leader);
}

/// Figure 2, AppendEntries receiver rule 1: "Reply false if term <
/// currentTerm (§5.1)." With `accept_stale_append` the rule is missing: a
/// leader of term 3 takes the entry a deposed leader of term 2 sends and
/// truncates its own no-op, so a leader's log loses an entry (Leader
/// Append-Only). Its answer still carries term 3, so the sender steps down.
#[test]
fn without_rule_1_a_leader_takes_a_stale_leaders_entries() {
    for bug in [false, true] {
        let log = log_of_terms(&[1]);
        let mut l = with_bug(
            0,
            3,
            Some(durable(2, None, log)),
            "accept_stale_append",
            bug,
        );
        l.start();
        l.timer(RaftTimer::Election);
        l.recv(
            1,
            RaftMsg::RequestVoteReply {
                term: 3,
                granted: true,
            },
        );
        assert_eq!(
            (l.raft.role(), terms_of(l.raft.log())),
            (Role::Leader, vec![1, 3])
        );
        let stale = RaftMsg::AppendEntries {
            term: 2,
            prev_index: 1,
            prev_term: 1,
            entries: vec![positional(2, 2)],
            commit: 1,
        };
        let RaftMsg::AppendEntriesReply { term, success, .. } = only_reply(&l.recv(2, stale), 2)
        else {
            panic!("no AppendEntries reply");
        };
        assert_eq!((term, success), (3, bug), "bug {bug}");
        assert_eq!(l.raft.role(), Role::Leader, "bug {bug}");
        let after = if bug { vec![1, 2] } else { vec![1, 3] };
        assert_eq!(terms_of(l.raft.log()), after, "bug {bug}");
    }
}

// ---------------------------------------------------------------------------
// §5.2 Leader election
// ---------------------------------------------------------------------------

/// §5.2: "When servers start up, they begin as followers", and a follower
/// waits an election timeout before it does anything.
#[test]
fn servers_start_as_followers_with_an_election_timer() {
    let mut node = Node::new(0, 3, None);
    let effects = node.start();
    assert_eq!(node.raft.role(), Role::Follower);
    assert_eq!(node.raft.term(), 0);
    assert!(sent(&effects).is_empty(), "a new server sent {effects:?}");
    let [lo, hi] = RaftParams::default().election_timeout_ms;
    let after = election_timer(&effects).expect("no election timer");
    assert!((lo * MS..=hi * MS).contains(&after), "timeout {after} µs");
}

/// §5.2: "If a follower receives no communication over a period of time
/// called the election timeout, then it ... begins an election ... it
/// increments its current term and transitions to candidate state. It then
/// votes for itself and issues RequestVote RPCs in parallel to each of the
/// other servers." And a candidate that neither wins nor loses "will time
/// out and start a new election by incrementing its term and initiating
/// another round of RequestVote RPCs."
#[test]
fn election_timeout_starts_an_election() {
    for already_candidate in [false, true] {
        let mut node = Node::new(0, 3, Some(durable(1, Some(2), RaftLog::default())));
        node.start();
        if already_candidate {
            node.timer(RaftTimer::Election);
            assert_eq!((node.raft.role(), node.raft.term()), (Role::Candidate, 2));
        }
        let before = node.raft.term();
        let effects = node.timer(RaftTimer::Election);
        assert_eq!(node.raft.term(), before + 1);
        assert_eq!(node.raft.role(), Role::Candidate);
        assert_eq!(node.raft.voted_for(), Some(n(0)), "must vote for itself");
        assert_eq!(node.raft.view().votes, vec![n(0)], "its own vote counts");
        let expected = RaftMsg::RequestVote {
            term: before + 1,
            last_log_index: 0,
            last_log_term: 0,
        };
        assert_eq!(
            sent(&effects),
            vec![(n(1), expected.clone()), (n(2), expected)]
        );
        assert!(
            election_timer(&effects).is_some(),
            "a candidate needs a timeout to retry a split vote"
        );
    }
}

/// §5.2: "A candidate wins an election if it receives votes from a majority
/// of the servers in the full cluster for the same term." Otherwise it
/// stays a candidate (faultline, like the paper, waits for the timeout
/// rather than stepping down on refusals as etcd does). Duplicate votes
/// from one server count once.
#[test]
fn one_round_election_table() {
    use Role::{Candidate, Leader};
    // (cluster size, votes received as (voter, granted), role after)
    type Case = (u32, &'static [(u32, bool)], Role);
    let cases: &[Case] = &[
        // Win with a majority of votes (its own included).
        (1, &[], Leader),
        (3, &[(1, true), (2, true)], Leader),
        (3, &[(1, true)], Leader),
        (5, &[(1, true), (2, true), (3, true), (4, true)], Leader),
        (5, &[(1, true), (2, true), (3, true)], Leader),
        (5, &[(1, true), (2, true)], Leader),
        // Lose: refused by a majority.
        (3, &[(1, false), (2, false)], Candidate),
        (
            5,
            &[(1, false), (2, false), (3, false), (4, false)],
            Candidate,
        ),
        (
            5,
            &[(1, true), (2, false), (3, false), (4, false)],
            Candidate,
        ),
        // Unclear: no majority either way yet.
        (3, &[], Candidate),
        (5, &[(1, true)], Candidate),
        (5, &[(1, false), (2, false)], Candidate),
        (5, &[], Candidate),
        // The same voter twice is one vote.
        (5, &[(1, true), (1, true)], Candidate),
        (5, &[(1, true), (1, true), (2, true)], Leader),
    ];
    for (i, &(size, votes, want)) in cases.iter().enumerate() {
        let mut node = Node::new(0, size, None);
        node.start();
        let mut effects = node.timer(RaftTimer::Election);
        for &(from, granted) in votes {
            effects.extend(node.recv(from, RaftMsg::RequestVoteReply { term: 1, granted }));
        }
        assert_eq!(
            node.raft.role(),
            want,
            "case {i}: {size} nodes, votes {votes:?}"
        );
        assert_eq!(node.raft.term(), 1, "case {i}");
        if want == Leader {
            // A new leader asserts itself at once (§5.2) with a no-op of
            // its own term (§8), and stops its election timer.
            assert_eq!(node.raft.leader(), Some(n(0)), "case {i}");
            assert_eq!(node.raft.log().last_term(), 1, "case {i}: no no-op");
            let to: Vec<NodeId> = appends(&effects).into_iter().map(|(t, _)| t).collect();
            assert_eq!(to, (1..size).map(NodeId).collect::<Vec<_>>(), "case {i}");
            assert!(
                cancelled(&effects).contains(&RaftTimer::Election),
                "case {i}"
            );
        } else {
            // Neither won nor heard of a leader: the next timeout retries.
            node.timer(RaftTimer::Election);
            assert_eq!(
                (node.raft.role(), node.raft.term()),
                (Candidate, 2),
                "case {i}"
            );
        }
    }
}

/// §5.2: "Each server will vote for at most one candidate in a given term,
/// on a first-come-first-served basis." The vote is persistent state
/// (Figure 2), so a restart does not free it; granting a vote (and only
/// that) resets the election timer (Figure 2, Followers).
#[test]
fn a_follower_votes_at_most_once_per_term() {
    let cases: &[(Option<u32>, u32, bool)] = &[
        (None, 1, true),
        (None, 2, true),
        (Some(1), 1, true),
        (Some(2), 2, true),
        (Some(1), 2, false),
        (Some(2), 1, false),
    ];
    for &(vote, candidate, granted) in cases {
        let mut node = Node::new(0, 3, Some(durable(1, vote, RaftLog::default())));
        node.start();
        let effects = node.recv(
            candidate,
            RaftMsg::RequestVote {
                term: 1,
                last_log_index: 0,
                last_log_term: 0,
            },
        );
        let case = format!("voted for {vote:?}, asked by {candidate}");
        assert_eq!(
            only_reply(&effects, candidate),
            RaftMsg::RequestVoteReply { term: 1, granted },
            "{case}"
        );
        let now_voted = if granted { Some(candidate) } else { vote };
        assert_eq!(node.raft.voted_for(), now_voted.map(NodeId), "{case}");
        assert_eq!(election_timer(&effects).is_some(), granted, "{case}");
    }

    // First come, first served, and the vote survives a crash.
    let rv = RaftMsg::RequestVote {
        term: 1,
        last_log_index: 0,
        last_log_term: 0,
    };
    let granted = |effects: &[Effect<Raft>]| match sent(effects).as_slice() {
        [(_, RaftMsg::RequestVoteReply { granted, .. })] => *granted,
        other => panic!("unexpected {other:?}"),
    };
    let mut node = Node::new(0, 3, None);
    node.start();
    assert!(
        granted(&node.recv(2, rv.clone())),
        "first candidate refused"
    );
    assert!(
        !granted(&node.recv(1, rv.clone())),
        "second candidate granted"
    );
    assert!(
        granted(&node.recv(2, rv.clone())),
        "a retried request refused"
    );
    let mut restarted = Node::new(0, 3, Some(node.raft.durable()));
    restarted.start();
    assert!(
        !granted(&restarted.recv(1, rv.clone())),
        "a restart let it vote twice in one term"
    );
    assert!(granted(&restarted.recv(2, rv)));
}

/// §5.2: "While waiting for votes, a candidate may receive an AppendEntries
/// RPC from another server claiming to be leader. If the leader's term ...
/// is at least as large as the candidate's current term, then the candidate
/// recognizes the leader as legitimate and returns to follower state."
#[test]
fn a_candidate_falls_back_to_follower_on_append_entries() {
    for term in [1, 2] {
        let mut node = Node::new(0, 3, None);
        node.start();
        node.timer(RaftTimer::Election);
        assert_eq!(node.raft.role(), Role::Candidate);
        let effects = node.recv(2, heartbeat(term, 0, 0, 0));
        assert_eq!(node.raft.role(), Role::Follower, "term {term}");
        assert_eq!(node.raft.term(), term);
        assert_eq!(node.raft.leader(), Some(n(2)));
        assert_eq!(
            only_reply(&effects, 2),
            RaftMsg::AppendEntriesReply {
                term,
                success: true,
                index: 0
            }
        );
        // Votes that straggle in afterwards no longer make it leader.
        node.recv(
            1,
            RaftMsg::RequestVoteReply {
                term,
                granted: true,
            },
        );
        assert_eq!(node.raft.role(), Role::Follower, "term {term}");
    }
}

/// §5.2: "Raft uses randomized election timeouts ... election timeouts are
/// chosen randomly from a fixed interval (e.g., 150–300ms)." Both a
/// follower's timer (reset by a leader's RPCs) and a candidate's timer
/// (reset by each new election) are drawn over the whole configured range,
/// and different servers draw different timeouts, so "in most cases only a
/// single server will time out".
#[test]
fn election_timeouts_are_randomized() {
    let [lo, hi] = RaftParams::default().election_timeout_ms;
    let (lo, hi) = (lo * MS, hi * MS);
    const BUCKETS: u64 = 10;
    let check_spread = |what: &str, spans: &[u64]| {
        let mut hits = [0u32; BUCKETS as usize];
        for &s in spans {
            assert!(
                (lo..=hi).contains(&s),
                "{what}: {s} µs outside [{lo}, {hi}]"
            );
            hits[(((s - lo) * BUCKETS) / (hi - lo + 1)) as usize] += 1;
        }
        assert!(
            hits.iter().all(|&h| h > 0),
            "{what}: timeouts do not cover the range: {hits:?}"
        );
    };

    // A follower hearing from successive leaders.
    let mut f = Node::new(0, 3, None);
    f.start();
    let spans: Vec<u64> = (1..=500)
        .map(|term| election_timer(&f.recv(1, heartbeat(term, 0, 0, 0))).expect("no reset"))
        .collect();
    check_spread("follower", &spans);

    // A candidate whose elections keep timing out.
    let mut c = Node::new(0, 3, None);
    c.start();
    let spans: Vec<u64> = (0..500)
        .map(|_| election_timer(&c.timer(RaftTimer::Election)).expect("no timer"))
        .collect();
    check_spread("candidate", &spans);

    // Five servers with their own random streams, as the simulator gives
    // them: how often do the first two time out within 5 ms of each other
    // (less than one message delay of the default network)?
    let rounds = 1_000u64;
    let mut conflicts = 0;
    for seed in 0..rounds {
        let mut firsts: Vec<u64> = (0..5)
            .map(|id| {
                let mut node = Node::with_rng(id, 5, None, Rng::stream(seed, u64::from(id)));
                election_timer(&node.start()).expect("no timer")
            })
            .collect();
        firsts.sort_unstable();
        if firsts[1] - firsts[0] < 5 * MS {
            conflicts += 1;
        }
    }
    assert!(
        conflicts * 10 <= rounds * 3,
        "{conflicts} of {rounds} rounds had two servers time out together"
    );
}

/// §5.2: "Leaders send periodic heartbeats (AppendEntries RPCs that carry
/// no log entries) to all followers in order to maintain their authority",
/// and "a server remains in follower state as long as it receives valid
/// RPCs from a leader": the heartbeat resets the follower's election timer.
#[test]
fn the_leader_broadcasts_heartbeats() {
    let mut leader = settled_leader(3);
    let last = leader.raft.log().last_index();
    let commit = leader.raft.commit_index();
    let effects = leader.timer(RaftTimer::Heartbeat);
    let beat = heartbeat(1, last, 1, commit);
    assert_eq!(
        sent(&effects),
        vec![(n(1), beat.clone()), (n(2), beat.clone())]
    );
    assert_eq!(
        timers_set(&effects),
        vec![(
            RaftTimer::Heartbeat,
            RaftParams::default().heartbeat_ms * MS
        )],
        "the heartbeat must be rearmed"
    );
    // A leader's stray election timeout starts nothing.
    assert!(leader.timer(RaftTimer::Election).is_empty());
    assert_eq!((leader.raft.role(), leader.raft.term()), (Role::Leader, 1));

    let mut follower = Node::new(1, 3, None);
    follower.start();
    let effects = follower.recv(0, beat);
    assert!(
        election_timer(&effects).is_some(),
        "heartbeat did not reset the timer"
    );
    assert_eq!(follower.raft.leader(), Some(n(0)));
}

// ---------------------------------------------------------------------------
// §5.3 Log replication
// ---------------------------------------------------------------------------

/// §5.3: "The leader appends the command to its log as a new entry, then
/// issues AppendEntries RPCs in parallel to each of the other servers to
/// replicate the entry." Each RPC carries "the index and term of the entry
/// in its log that immediately precedes the new entries". The client is
/// not answered before the entry is committed.
#[test]
fn the_leader_appends_a_command_and_replicates_it() {
    let mut leader = settled_leader(3);
    let li = leader.raft.log().last_index();
    let effects = leader.request(7, "set x=1");
    assert_eq!(leader.raft.log().last_index(), li + 1);
    let entry = leader
        .raft
        .log()
        .entry(li + 1)
        .expect("not appended")
        .clone();
    assert_eq!(entry.term, 1);
    assert_eq!(entry.command, "set x=1");
    assert_eq!(
        leader.raft.commit_index(),
        li,
        "committed without a majority"
    );
    let expected = RaftMsg::AppendEntries {
        term: 1,
        prev_index: li,
        prev_term: 1,
        entries: vec![entry],
        commit: li,
    };
    assert_eq!(
        sent(&effects),
        vec![(n(1), expected.clone()), (n(2), expected)]
    );
    assert!(responses(&effects).is_empty(), "answered before commit");
}

/// §5.3: "A log entry is committed once the leader that created the entry
/// has replicated it on a majority of the servers", and the leader then
/// applies it and returns the result to the client.
#[test]
fn the_leader_commits_once_a_majority_has_the_entry() {
    let cases: &[(u32, &[u32], bool)] = &[
        (1, &[], true),
        (3, &[], false),
        (3, &[1], true),
        (3, &[1, 2], true),
        (5, &[], false),
        (5, &[1], false),
        (5, &[1, 2], true),
        (5, &[1, 2, 3], true),
        (5, &[1, 2, 3, 4], true),
        // The same follower acknowledging twice is one replica.
        (5, &[1, 1], false),
    ];
    for &(size, acceptors, committed) in cases {
        let mut leader = settled_leader(size);
        let li = leader.raft.log().last_index();
        let mut effects = leader.request(3, "set x=1");
        let out = appends(&effects);
        for &a in acceptors {
            let (_, msg) = out.iter().find(|(to, _)| *to == n(a)).expect("not sent");
            effects.extend(leader.recv(a, accept(msg)));
        }
        let case = format!("{size} nodes, accepted by {acceptors:?}");
        assert_eq!(leader.raft.commit_index() > li, committed, "{case}");
        let answered = responses(&effects);
        if committed {
            assert_eq!(leader.raft.commit_index(), li + 1, "{case}");
            assert_eq!(
                answered,
                vec![(OpId(3), RaftResponse::Committed { index: li + 1 })],
                "{case}"
            );
            assert_eq!(leader.kv(), vec![("x".into(), "1".into())], "{case}");
        } else {
            assert!(answered.is_empty(), "{case}: answered {answered:?}");
            assert!(leader.kv().is_empty(), "{case}: applied uncommitted");
        }
    }
}

/// §5.3: "When the leader commits a log entry, it also commits all
/// preceding entries in the leader's log, including entries created by
/// previous leaders", and applies them in log order.
#[test]
fn committing_an_entry_commits_the_entries_before_it() {
    let priors: &[&[(u64, &str)]] = &[
        &[],
        &[(2, "set a=2")],
        &[(1, "set a=1"), (2, "set b=2")],
        &[(1, "set a=1")],
        &[(1, "set a=1"), (1, "set a=3")],
    ];
    for prior in priors {
        let (mut leader, effects) = elect(3, Some(durable(2, None, log_of(prior))));
        assert_eq!(leader.raft.term(), 3);
        let mut effects = effects;
        effects.extend(leader.request(1, "set z=9"));
        let last = leader.raft.log().last_index();
        assert_eq!(last, prior.len() as u64 + 2, "no-op and command appended");
        // Both followers lacked nothing: they accept everything sent,
        // including what the leader sends on after each acknowledgement.
        let mut pending: VecDeque<(NodeId, RaftMsg)> = appends(&effects).into();
        while let Some((to, msg)) = pending.pop_front() {
            pending.extend(appends(&leader.recv(to.0, accept(&msg))));
        }
        assert_eq!(leader.raft.commit_index(), last, "prior {prior:?}");
        // The state machine saw every entry, in order.
        let mut want = BTreeMap::new();
        for (_, cmd) in prior.iter().copied().chain([(3, "set z=9")]) {
            let (k, v) = cmd["set ".len()..].split_once('=').expect("set k=v");
            want.insert(k.to_string(), v.to_string());
        }
        assert_eq!(
            leader.kv(),
            want.into_iter().collect::<Vec<_>>(),
            "prior {prior:?}"
        );
    }
}

/// §5.3: "The leader keeps track of the highest index it knows to be
/// committed, and it includes that index in future AppendEntries RPCs ...
/// Once a follower learns that a log entry is committed, it applies the
/// entry to its local state machine (in log order)." Figure 2: "If
/// leaderCommit > commitIndex, set commitIndex = min(leaderCommit, index of
/// last new entry)."
#[test]
fn a_follower_learns_the_commit_index_from_the_leader() {
    // Figure 2's rule, entry by entry (etcd's TestFollowerCommitEntry).
    // (commands sent, leaderCommit, applied key-value state after)
    type Case = (
        &'static [&'static str],
        u64,
        &'static [(&'static str, &'static str)],
    );
    let cases: &[Case] = &[
        (&["set x=1"], 1, &[("x", "1")]),
        (&["set x=1", "set y=2"], 2, &[("x", "1"), ("y", "2")]),
        (&["set x=2", "set x=1"], 2, &[("x", "1")]),
        (&["set x=1", "set x=2"], 1, &[("x", "1")]),
        (&["set x=1", "set x=2"], 0, &[]),
    ];
    for &(commands, commit, kv) in cases {
        let mut f = Node::new(0, 3, None);
        f.start();
        let entries = commands.iter().map(|c| Entry::new(1, *c, None)).collect();
        f.recv(
            1,
            RaftMsg::AppendEntries {
                term: 1,
                prev_index: 0,
                prev_term: 0,
                entries,
                commit,
            },
        );
        assert_eq!(f.raft.commit_index(), commit, "{commands:?}");
        let want: Vec<(String, String)> = kv
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(f.kv(), want, "{commands:?} committed to {commit}");
    }

    // The commit index never runs past what this RPC vouched for: entries
    // after it may be stale ones from an old leader.
    let mut f = Node::new(0, 3, Some(durable(1, None, log_of_terms(&[1, 1, 1]))));
    f.start();
    f.recv(
        1,
        RaftMsg::AppendEntries {
            term: 2,
            prev_index: 0,
            prev_term: 0,
            entries: vec![positional(1, 1)],
            commit: 3,
        },
    );
    assert_eq!(
        f.raft.commit_index(),
        1,
        "committed entries the leader did not vouch for"
    );
    assert_eq!(
        f.raft.log().last_index(),
        3,
        "matching entries were dropped"
    );

    // End to end: the follower learns the commit from the leader's next RPC.
    let mut cluster = Cluster::new((0..3).map(|id| Node::new(id, 3, None)).collect());
    for id in 0..3 {
        cluster.on(id, Node::start);
    }
    cluster.on(0, |node| node.timer(RaftTimer::Election));
    cluster.deliver_all(100);
    cluster.on(0, |node| node.request(1, "set x=1"));
    cluster.deliver_all(100);
    assert_eq!(
        cluster.node(0).raft.commit_index(),
        2,
        "leader did not commit"
    );
    cluster.on(0, |node| node.timer(RaftTimer::Heartbeat));
    cluster.deliver_all(100);
    for id in 1..3 {
        let f = cluster.node(id);
        assert_eq!(f.raft.commit_index(), 2, "n{id} did not learn the commit");
        assert_eq!(
            f.kv(),
            vec![("x".into(), "1".into())],
            "n{id} did not apply"
        );
    }
}

/// §5.3: "If the follower does not find an entry in its log with the same
/// index and term, then it refuses the new entries", and otherwise accepts
/// them (the consistency check). A refusal changes nothing and its hint
/// points the leader further back.
#[test]
fn the_follower_consistency_check() {
    // (prev_term, prev_index, accepted)
    let cases: &[(u64, u64, bool)] = &[
        // Matches the start of the log, a first and a last entry.
        (0, 0, true),
        (1, 1, true),
        (2, 2, true),
        // An entry of another term at that index.
        (1, 2, false),
        (2, 1, false),
        // No entry at that index.
        (3, 3, false),
        (2, 3, false),
    ];
    for &(prev_term, prev_index, accepted) in cases {
        let mut f = Node::new(0, 3, Some(durable(2, None, log_of_terms(&[1, 2]))));
        f.start();
        let effects = f.recv(1, heartbeat(2, prev_index, prev_term, 0));
        let case = format!("prev {prev_index}@{prev_term}");
        match only_reply(&effects, 1) {
            RaftMsg::AppendEntriesReply {
                term,
                success,
                index,
            } => {
                assert_eq!(term, 2, "{case}");
                assert_eq!(success, accepted, "{case}");
                if accepted {
                    assert_eq!(index, prev_index, "{case}: wrong match index");
                } else {
                    assert!(
                        index < prev_index,
                        "{case}: hint {index} does not step back"
                    );
                }
            }
            other => panic!("{case}: unexpected {other:?}"),
        }
        assert_eq!(terms_of(f.raft.log()), vec![1, 2], "{case}: log changed");
        // Either way the sender is the legitimate leader of term 2.
        assert_eq!(f.raft.leader(), Some(n(1)), "{case}");
    }
}

/// Figure 2, AppendEntries receiver rule 2: refuse unless the log
/// "contains an entry at prevLogIndex whose term matches prevLogTerm". With
/// `ignore_prev_term` only the index is checked: a follower whose entry 2 is
/// of term 2 takes a term-3 leader's entry 3 meant to follow its entry 2 of
/// term 3, and two logs hold entry 3 of term 3 after different prefixes
/// (Log Matching, §5.3).
#[test]
fn without_the_term_check_entries_land_after_another_prefix() {
    for bug in [false, true] {
        let log = log_of_terms(&[1, 2]);
        let mut f = with_bug(0, 3, Some(durable(2, None, log)), "ignore_prev_term", bug);
        f.start();
        let append = RaftMsg::AppendEntries {
            term: 3,
            prev_index: 2,
            prev_term: 3,
            entries: vec![positional(3, 3)],
            commit: 0,
        };
        let RaftMsg::AppendEntriesReply { success, .. } = only_reply(&f.recv(1, append), 1) else {
            panic!("no AppendEntries reply");
        };
        assert_eq!(success, bug, "bug {bug}");
        let after = if bug { vec![1, 2, 3] } else { vec![1, 2] };
        assert_eq!(terms_of(f.raft.log()), after, "bug {bug}");
    }
}

/// §5.3: "If an existing entry conflicts with a new one (same index but
/// different terms), delete the existing entry and all that follow it;
/// append any new entries not already in the log" (Figure 2). An entry
/// already present is not deleted, so a delayed, shorter RPC cannot
/// truncate the log.
#[test]
fn the_follower_deletes_conflicts_and_appends_new_entries() {
    // (prev_index, prev_term, terms of new entries, terms of the log after)
    let cases: &[(u64, u64, &[u64], &[u64])] = &[
        (2, 2, &[3], &[1, 2, 3]),
        (1, 1, &[3, 4], &[1, 3, 4]),
        (0, 0, &[1], &[1, 2]),
        (0, 0, &[1, 2], &[1, 2]),
        (0, 0, &[3], &[3]),
        (1, 1, &[2, 2, 2], &[1, 2, 2, 2]),
    ];
    for &(prev_index, prev_term, new, after) in cases {
        let mut f = Node::new(0, 3, Some(durable(2, None, log_of_terms(&[1, 2]))));
        f.start();
        let entries = new
            .iter()
            .enumerate()
            .map(|(i, &t)| positional(prev_index + 1 + i as u64, t))
            .collect();
        let effects = f.recv(
            1,
            RaftMsg::AppendEntries {
                term: 2,
                prev_index,
                prev_term,
                entries,
                commit: 0,
            },
        );
        assert_eq!(
            f.raft.log(),
            &log_of_terms(after),
            "prev {prev_index}@{prev_term} + {new:?}"
        );
        assert_eq!(
            only_reply(&effects, 1),
            RaftMsg::AppendEntriesReply {
                term: 2,
                success: true,
                index: prev_index + new.len() as u64
            }
        );
    }
}

/// §5.3: "the leader handles inconsistencies by forcing the followers' logs
/// to duplicate its own ... the leader decrements nextIndex and retries the
/// AppendEntries RPC. Eventually nextIndex will reach a point where the
/// leader and follower logs match." Figure 7's leader (term 8) repairs each
/// of the follower logs (a)–(f), which miss entries, hold extra uncommitted
/// ones, or both.
#[test]
fn the_leader_repairs_the_follower_logs_of_figure_7() {
    let leader_log = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
    let followers: [(&str, &[u64]); 6] = [
        ("a", &[1, 1, 1, 4, 4, 5, 5, 6, 6]),
        ("b", &[1, 1, 1, 4]),
        ("c", &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6]),
        ("d", &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7]),
        ("e", &[1, 1, 1, 4, 4, 4, 4]),
        ("f", &[1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3]),
    ];
    for (name, log) in followers {
        // Node 0 leads term 8; node 1 holds the follower log; node 2 is a
        // silent third server whose vote lets node 0 win even when node 1's
        // log is more up to date (c, d).
        let leader = Node::new(0, 3, Some(durable(7, None, log_of_terms(&leader_log))));
        let follower = Node::new(1, 3, Some(durable(7, None, log_of_terms(log))));
        let mut cluster = Cluster::new(vec![leader, follower]);
        cluster.on(0, Node::start);
        cluster.on(1, Node::start);
        cluster.on(0, |node| node.timer(RaftTimer::Election));
        cluster.on(0, |node| {
            node.recv(
                2,
                RaftMsg::RequestVoteReply {
                    term: 8,
                    granted: true,
                },
            )
        });
        assert_eq!(cluster.node(0).raft.role(), Role::Leader, "({name})");
        assert_eq!(cluster.node(0).raft.term(), 8, "({name})");
        cluster.deliver_all(1_000);
        cluster.on(0, |node| node.request(1, "set x=1"));
        cluster.deliver_all(1_000);
        cluster.on(0, |node| node.timer(RaftTimer::Heartbeat));
        cluster.deliver_all(1_000);

        let (l, f) = (&cluster.node(0).raft, &cluster.node(1).raft);
        assert_eq!(l.role(), Role::Leader, "({name}) leader was deposed");
        assert_eq!(
            terms_of(l.log())[..10],
            leader_log,
            "({name}) leader log changed"
        );
        assert_eq!(
            f.log().entries(),
            l.log().entries(),
            "({name}) follower log {:?} differs from the leader's {:?}",
            terms_of(f.log()),
            terms_of(l.log())
        );
        // With the follower's copy, the leader's entries of term 8 reach a
        // majority and are committed, and the follower learns it.
        assert_eq!(l.commit_index(), 12, "({name})");
        assert_eq!(f.commit_index(), 12, "({name})");
    }
}

// ---------------------------------------------------------------------------
// §5.4 Safety
// ---------------------------------------------------------------------------

/// §5.4.1: "The RequestVote RPC ... includes information about the
/// candidate's log": the index and term of its last entry.
#[test]
fn request_vote_carries_the_candidates_last_entry() {
    for terms in [&[1][..], &[1, 2], &[1, 1, 3]] {
        let mut node = Node::new(0, 3, None);
        node.start();
        let leader_term = *terms.last().expect("non-empty");
        node.recv(
            1,
            RaftMsg::AppendEntries {
                term: leader_term,
                prev_index: 0,
                prev_term: 0,
                entries: log_of_terms(terms).entries().to_vec(),
                commit: 0,
            },
        );
        let effects = node.timer(RaftTimer::Election);
        let expected = RaftMsg::RequestVote {
            term: leader_term + 1,
            last_log_index: terms.len() as u64,
            last_log_term: leader_term,
        };
        assert_eq!(
            sent(&effects),
            vec![(n(1), expected.clone()), (n(2), expected)],
            "log {terms:?}"
        );
    }
}

/// §5.4.1: "the voter denies its vote if its own log is more up-to-date
/// than that of the candidate ... If the logs have last entries with
/// different terms, then the log with the later term is more up-to-date. If
/// the logs end with the same term, then whichever log is longer is more
/// up-to-date."
#[test]
fn the_voter_refuses_a_candidate_with_a_less_up_to_date_log() {
    // (voter's log terms, candidate's last term, candidate's last index, granted)
    let cases: &[(&[u64], u64, u64, bool)] = &[
        // Same last term: the longer (or equal) log wins.
        (&[1], 1, 1, true),
        (&[1], 1, 2, true),
        (&[1, 1], 1, 1, false),
        // The candidate's last term is later.
        (&[1], 2, 1, true),
        (&[1], 2, 2, true),
        (&[1, 1], 2, 1, true),
        // The voter's last term is later, however long the candidate's log.
        (&[2], 1, 1, false),
        (&[2], 1, 2, false),
        (&[2, 2], 1, 1, false),
        (&[1, 2], 1, 5, false),
        // Empty logs.
        (&[], 0, 0, true),
        (&[1], 0, 0, false),
    ];
    for &(voter, last_term, last_index, granted) in cases {
        let mut node = Node::new(0, 2, Some(durable(0, None, log_of_terms(voter))));
        node.start();
        let effects = node.recv(
            1,
            RaftMsg::RequestVote {
                term: 3,
                last_log_index: last_index,
                last_log_term: last_term,
            },
        );
        let case = format!("voter {voter:?}, candidate last {last_index}@{last_term}");
        assert_eq!(
            only_reply(&effects, 1),
            RaftMsg::RequestVoteReply { term: 3, granted },
            "{case}"
        );
        assert_eq!(node.raft.term(), 3, "{case}: term not adopted");
        assert_eq!(node.raft.voted_for(), granted.then_some(n(1)), "{case}");
    }
}

/// §5.4.2: "Raft never commits log entries from previous terms by counting
/// replicas. Only log entries from the leader's current term are committed
/// by counting replicas; once an entry from the current term has been
/// committed in this way, then all prior entries are committed indirectly."
/// This is the situation of Figure 8 (c)–(e).
#[test]
fn only_entries_of_the_current_term_are_committed_by_counting() {
    // etcd's table: a two-server cluster, leader of term 3 over entries of
    // terms 1 and 2, then its no-op (index 3) and a command (index 4).
    for (acked, want) in [(1, 0), (2, 0), (3, 3), (4, 4)] {
        let (mut leader, _) = elect(2, Some(durable(2, None, log_of_terms(&[1, 2]))));
        assert_eq!(leader.raft.term(), 3);
        leader.request(1, "set x=1");
        leader.recv(
            1,
            RaftMsg::AppendEntriesReply {
                term: 3,
                success: true,
                index: acked,
            },
        );
        assert_eq!(
            leader.raft.commit_index(),
            want,
            "follower has up to {acked}"
        );
    }

    // Figure 8: S1 (node 0) leads term 4 of five servers, with index 2 from
    // term 2 (a command). It gets index 2 onto S2 and S3, a majority, yet
    // must not commit it: a server whose log ends in term 3 could still be
    // elected and overwrite it (Figure 8 (d)). Only once its own term-4
    // entry is on a majority are both committed (Figure 8 (e)).
    let prior = log_of(&[(1, "set x=1"), (2, "set x=2")]);
    let (mut s1, _) = elect(5, Some(durable(3, None, prior)));
    assert_eq!(s1.raft.term(), 4);
    assert_eq!(
        terms_of(s1.raft.log()),
        vec![1, 2, 4],
        "no-op of term 4 expected"
    );
    for s in [1, 2] {
        s1.recv(
            s,
            RaftMsg::AppendEntriesReply {
                term: 4,
                success: true,
                index: 2,
            },
        );
    }
    assert_eq!(
        s1.raft.commit_index(),
        0,
        "committed a term-2 entry by counting"
    );
    assert!(s1.kv().is_empty(), "applied an uncommitted entry");
    s1.recv(
        1,
        RaftMsg::AppendEntriesReply {
            term: 4,
            success: true,
            index: 3,
        },
    );
    assert_eq!(s1.raft.commit_index(), 0, "two of five is not a majority");
    s1.recv(
        2,
        RaftMsg::AppendEntriesReply {
            term: 4,
            success: true,
            index: 3,
        },
    );
    assert_eq!(s1.raft.commit_index(), 3, "term-4 entry on a majority");
    assert_eq!(
        s1.kv(),
        vec![("x".into(), "2".into())],
        "earlier entries were not committed indirectly, in order"
    );
}

// ---------------------------------------------------------------------------
// §5.5 Follower and candidate crashes, §8 client interaction
// ---------------------------------------------------------------------------

/// §5.5: "Raft RPCs are idempotent, so this causes no harm. For example, if
/// a follower receives an AppendEntries request that includes log entries
/// already present in its log, it ignores those entries in the new request."
#[test]
fn a_repeated_append_entries_is_harmless() {
    let mut f = Node::new(0, 3, None);
    f.start();
    let msg = RaftMsg::AppendEntries {
        term: 1,
        prev_index: 0,
        prev_term: 0,
        entries: log_of_terms(&[1, 1]).entries().to_vec(),
        commit: 1,
    };
    let first = f.recv(1, msg.clone());
    let log = f.raft.log().clone();
    let second = f.recv(1, msg);
    assert_eq!(f.raft.log(), &log);
    assert_eq!(f.raft.commit_index(), 1);
    assert_eq!(sent(&first), sent(&second));
}

/// §8: "If the client's request is sent to a follower, the follower rejects
/// it and supplies information about the most recent leader it has heard
/// from." A leader that is deposed answers its waiting clients the same way
/// instead of leaving them hanging.
#[test]
fn non_leaders_redirect_clients() {
    // No leader known yet.
    let mut f = Node::new(1, 3, None);
    f.start();
    let effects = f.request(1, "set x=1");
    assert_eq!(
        responses(&effects),
        vec![(OpId(1), RaftResponse::Redirect { leader: None })]
    );
    // After hearing from node 2.
    f.recv(2, heartbeat(1, 0, 0, 0));
    let effects = f.request(2, "set x=1");
    assert_eq!(
        responses(&effects),
        vec![(OpId(2), RaftResponse::Redirect { leader: Some(n(2)) })]
    );
    assert!(sent(&effects).is_empty());
    assert_eq!(
        f.raft.log().last_index(),
        0,
        "a follower appended a command"
    );

    // A leader with a waiting client learns of a newer term.
    let mut leader = settled_leader(3);
    leader.request(9, "set y=1");
    let effects = leader.recv(2, heartbeat(2, 0, 0, 0));
    assert_eq!(leader.raft.role(), Role::Follower);
    let answered = responses(&effects);
    assert_eq!(
        answered.len(),
        1,
        "waiting client not answered: {answered:?}"
    );
    match &answered[0] {
        (OpId(9), RaftResponse::Redirect { leader }) => {
            assert_ne!(
                *leader,
                Some(n(0)),
                "a deposed leader sent the client to itself"
            );
        }
        other => panic!("waiting client answered {other:?}"),
    }
}

/// §8 through the simulator: a client that contacts a follower is
/// redirected, follows the redirect to the leader through the network, and
/// its command is committed and applied on every server.
#[test]
fn a_client_request_to_a_follower_is_redirected_and_committed() {
    let scenario =
        Scenario::from_json(r#"{ "protocol": "raft", "nodes": 5, "seed": 11, "until_ms": 10000 }"#)
            .expect("scenario");
    let mut sim = Sim::<Raft>::from_scenario(&scenario, SimConfig::default()).expect("sim");
    sim.run_until(Time::from_ms(2_000));
    let view = sim.view();
    let leaders: Vec<NodeId> = view
        .nodes
        .iter()
        .filter(|nv| nv.state.as_ref().is_some_and(|s| s.role == Role::Leader))
        .map(|nv| nv.id)
        .collect();
    assert_eq!(leaders.len(), 1, "expected one leader, got {leaders:?}");
    let leader = leaders[0];
    let follower = view
        .nodes
        .iter()
        .find(|nv| nv.id != leader)
        .expect("a follower")
        .id;
    assert_eq!(
        view.nodes[follower.0 as usize]
            .state
            .as_ref()
            .and_then(|s| s.leader),
        Some(leader),
        "the follower should know the leader"
    );

    sim.apply(Command::Client {
        node: follower,
        request: serde_json::json!("set x=1"),
    })
    .expect("client command");
    sim.run_until(Time::from_ms(3_000));

    let view = sim.view();
    let client = view.clients.first().expect("a client operation");
    assert_eq!(client.first, follower);
    assert_eq!(
        client.target, leader,
        "the client did not follow the redirect"
    );
    assert_eq!(client.redirects, 1);
    assert_eq!(client.attempts, 1, "the client had to time out");
    let index: u64 = match &client.status {
        ClientStatus::Done { outcome, .. } => outcome
            .strip_prefix("committed at ")
            .and_then(|i| i.parse().ok())
            .unwrap_or_else(|| panic!("unexpected outcome {outcome:?}")),
        other => panic!("the command did not complete: {other:?}"),
    };

    let m = metrics(&sim);
    for node in m["nodes"].as_array().expect("nodes") {
        let log = node["log"].as_array().expect("log");
        let entry = &log[index as usize - 1];
        assert_eq!(
            entry[1], "set x=1",
            "node {} has {entry} at {index}",
            node["id"]
        );
        assert!(
            node["commit_index"].as_u64().expect("commit") >= index,
            "node {} has not committed {index}",
            node["id"]
        );
    }
    for nv in &view.nodes {
        let kv = &nv.state.as_ref().expect("state").kv;
        assert!(
            kv.contains(&("x".to_string(), "1".to_string())),
            "{} did not apply the command: {kv:?}",
            nv.id
        );
    }
    assert!(sim.violations().is_empty(), "{:?}", sim.violations());
}

/// §5.2 through the simulator: across seeds, a five-server cluster elects
/// a leader, never two in one term (Election Safety), and the other
/// servers follow it.
#[test]
fn the_simulated_cluster_elects_one_leader() {
    for seed in 0..20 {
        let scenario = Scenario::from_json(&format!(
            r#"{{ "protocol": "raft", "nodes": 5, "seed": {seed}, "until_ms": 3000 }}"#
        ))
        .expect("scenario");
        let mut sim = Sim::<Raft>::from_scenario(&scenario, SimConfig::default()).expect("sim");
        sim.run_to_end();
        assert!(
            sim.violations().is_empty(),
            "seed {seed}: {:?}",
            sim.violations()
        );
        let view = sim.view();
        let states: Vec<_> = view
            .nodes
            .iter()
            .filter_map(|nv| nv.state.as_ref())
            .collect();
        let leaders: Vec<_> = states.iter().filter(|s| s.role == Role::Leader).collect();
        assert_eq!(leaders.len(), 1, "seed {seed}");
        let term = leaders[0].term;
        let leader = view
            .nodes
            .iter()
            .find(|nv| nv.state.as_ref().is_some_and(|s| s.role == Role::Leader))
            .map(|nv| nv.id);
        for s in &states {
            assert_eq!(s.term, term, "seed {seed}: a server is in another term");
            assert_eq!(s.leader, leader, "seed {seed}: a server follows no one");
        }
    }
}
