//! A leaderless, Dynamo-style key-value store (DeCandia et al., "Dynamo:
//! Amazon's Highly Available Key-value Store", SOSP 2007): each key lives on
//! N replicas (§4.3), any node coordinates a request and waits for R
//! replies or W acknowledgements (§4.5), versions carry vector clocks and
//! concurrent writes become siblings (§4.4) or, under last-writer-wins,
//! silently lose. Read repair (§5), sloppy quorums with hinted handoff
//! (§4.6) and anti-entropy by per-key digests (§4.7, without Merkle trees)
//! are options. With R + W > N and strict quorums, every read quorum meets
//! every write quorum (Gifford, "Weighted Voting for Replicated Data",
//! SOSP 1979), so a get sees the last completed put.
//!
//! A node's versions and hints survive a crash (they are on disk in
//! Dynamo); its coordinations in flight do not. Workload clients live
//! beside their coordinator: they pause while it is down, and one whose
//! operation was cut off by the crash comes back as a new process.

mod entry;
mod clock;
mod coordinator;
mod history;
mod invariants;
mod metrics;
mod msg;
mod params;
mod replica;
mod request;
mod ring;
mod version;
mod view;
mod workload;

pub use clock::{Actor, VClock};
pub use history::{
    history, Answer, Completion, Freshness, HistoryEntry, Invocation, LastPut, OpRef, QuorumEvent,
    StaleRead,
};
pub use invariants::{QuorumChecker, SIBLINGS_ANTICHAIN, STRICT_QUORUM_FRESH, VERSIONS_ONLY_GROW};
pub use metrics::{
    check_linearizable, linearizability_violation, linearizable, metrics, operation, LINEARIZABLE,
};
pub use msg::{KeyDigest, KeyVersions, QuorumMsg};
pub use params::{QuorumParams, Resolve};
pub use request::{ClientRef, OpKind, QuorumRequest, QuorumResponse};
pub use ring::{co_replicas, fallbacks, key_hash, preference_list};
pub use version::{Stamp, Version};
pub use view::{
    CoordinationView, HintView, KeyView, QuorumView, ReplicaSlotView, WorkloadClientView,
};

use crate::id::{NodeId, OpId};
use crate::knob::Knob;
use crate::node::{Badge, Context, Protocol, TimerName};
use coordinator::Coordination;
use serde::Serialize;
use crate::sortedmap::{SortedMap, SortedSet};
use workload::{ClientState, Turn};

/// The quorum store's timers; each node has at most one of each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QuorumTimer {
    /// The next workload operation of one of this node's clients is due.
    Workload,
    /// A coordination's next step is due: a sloppy quorum's next stand-in,
    /// or the request timeout.
    Deadline,
    /// Try to hand held hints back.
    Handoff,
    /// Exchange digests with a co-replica.
    AntiEntropy,
}

impl TimerName for QuorumTimer {
    const ALL: &'static [Self] = &[
        QuorumTimer::Workload,
        QuorumTimer::Deadline,
        QuorumTimer::Handoff,
        QuorumTimer::AntiEntropy,
    ];
    fn name(&self) -> &'static str {
        match self {
            QuorumTimer::Workload => "workload",
            QuorumTimer::Deadline => "deadline",
            QuorumTimer::Handoff => "handoff",
            QuorumTimer::AntiEntropy => "anti_entropy",
        }
    }
}

/// How early a timer may find its work due: a skewed clock rounds the
/// time a timer waits, so it may fire a few microseconds before the local
/// time it was set for.
const EARLY_US: u64 = 50;

/// Everything due at local time `now` is due by this time.
fn due_by(now: crate::time::Time) -> crate::time::Time {
    now + EARLY_US
}

/// What survives a crash: stored versions, hints, the workload clients'
/// state, and the request counter (so request numbers are never reused).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuorumDurable {
    store: SortedMap<String, Vec<Version>>,
    /// Hinted versions, by key and the replica they are meant for.
    hints: SortedMap<(String, NodeId), Vec<Version>>,
    clients: SortedMap<u32, ClientState>,
    next_req: u64,
}

/// What one handler changed, for the invariant checker.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Touched {
    Store(String),
    Hint(String, NodeId),
}

/// One node: a replica of its keys, a coordinator of the requests it gets,
/// a holder of hints, and the home of some workload clients.
#[derive(Clone, Debug)]
pub struct Quorum {
    id: NodeId,
    params: QuorumParams,
    d: QuorumDurable,
    coordinations: SortedMap<u64, Coordination>,
    /// This node's workload clients.
    turns: SortedMap<u32, Turn>,
    /// When the deadline timer is set to fire (local time).
    deadline_armed: Option<crate::time::Time>,
    /// What the current handler reported.
    recent: Vec<QuorumEvent>,
    /// What the current handler changed.
    touched: SortedSet<Touched>,
}

impl Quorum {
    /// Starts a handler: forgets what the previous one reported and changed.
    fn begin(&mut self) {
        self.recent.clear();
        self.touched.clear();
    }

    /// Every member, this node included, in id order.
    fn members(&self, cx: &Context<'_, Self>) -> Vec<NodeId> {
        let mut m: Vec<NodeId> = cx.peers().collect();
        let at = m.partition_point(|&p| p < self.id);
        m.insert(at, self.id);
        m
    }

    fn n(&self) -> usize {
        self.params.n as usize
    }

    /// Reports an event (and keeps it for the checker).
    fn emit(&mut self, cx: &mut Context<'_, Self>, event: QuorumEvent) {
        self.recent.push(event.clone());
        cx.observe(event);
    }

    /// Sends `msg` to `to`, or handles it at once when `to` is this node
    /// (a coordinator that is also a replica answers itself locally).
    fn send_or_local(&mut self, cx: &mut Context<'_, Self>, to: NodeId, msg: QuorumMsg) {
        if to == self.id {
            self.handle(cx, to, msg);
        } else {
            cx.send(to, msg);
        }
    }

    fn handle(&mut self, cx: &mut Context<'_, Self>, from: NodeId, msg: QuorumMsg) {
        match msg {
            QuorumMsg::Get { req, key, hint } => self.on_get(cx, from, req, key, hint),
            QuorumMsg::GetReply { req, versions, .. } => {
                self.on_answer(cx, from, req, Some(versions))
            }
            QuorumMsg::Put {
                req,
                key,
                version,
                hint,
            } => self.on_put(cx, from, req, key, version, hint),
            QuorumMsg::PutAck { req, .. } => self.on_answer(cx, from, req, None),
            QuorumMsg::ReadRepair(kv) => self.store_versions(&kv.key, &kv.versions),
            QuorumMsg::Handoff(kv) => self.on_handoff(cx, from, kv),
            QuorumMsg::HandoffAck { key, clocks } => self.on_handoff_ack(from, key, clocks),
            QuorumMsg::Digest { keys } => self.on_digest(cx, from, keys),
            QuorumMsg::DigestReply { push, pull } => self.on_digest_reply(cx, from, push, pull),
            QuorumMsg::Sync { push } => {
                for kv in push {
                    self.store_versions(&kv.key, &kv.versions);
                }
            }
        }
    }

    /// This node's versions of `key` (empty if it has none).
    pub fn versions(&self, key: &str) -> &[Version] {
        self.d.store.get(key).map_or(&[], |v| v.as_slice())
    }

    /// Every key this node stores, with its versions.
    pub fn store(&self) -> impl Iterator<Item = (&str, &[Version])> {
        self.d.store.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    /// Every hint this node holds: key, intended replica, versions.
    pub fn hints(&self) -> impl Iterator<Item = (&str, NodeId, &[Version])> {
        self.d
            .hints
            .iter()
            .map(|((k, n), v)| (k.as_str(), *n, v.as_slice()))
    }

    /// The parameters the node runs with.
    pub fn params(&self) -> &QuorumParams {
        &self.params
    }

    /// What the last handler reported (what the checker reads).
    fn recent(&self) -> &[QuorumEvent] {
        &self.recent
    }
}

/// A replica stores a put by replacing the versions it holds, without
/// comparing clocks: a put that did not see a concurrent one erases it
/// (Dynamo, §4.4: versions are reconciled by their vector clocks).
pub const BLIND_OVERWRITE: &str = "blind_overwrite";
/// A replica keeps an incoming version beside the ones it descends, as if
/// different clocks meant concurrent writes: obsolete ancestors pile up as
/// siblings (Dynamo, §4.4: syntactic reconciliation drops them).
pub const KEEP_ANCESTORS: &str = "keep_ancestors";
/// A coordinator counts answers, not the distinct replicas that sent them:
/// one replica's duplicated answer makes a quorum of two (Gifford 1979:
/// a quorum is votes of distinct representatives).
pub const COUNT_DUPLICATES: &str = "count_duplicates";

/// The quorum store's textbook bugs.
pub const BUGS: &[crate::bug::Bug] = &[
    crate::bug::Bug {
        name: BLIND_OVERWRITE,
        breaks: &[invariants::VERSIONS_ONLY_GROW],
        about: "A replica overwrites what it holds with each put, clocks unread (Dynamo, §4.4)",
        needs: &[],
    },
    crate::bug::Bug {
        name: KEEP_ANCESTORS,
        breaks: &[invariants::SIBLINGS_ANTICHAIN],
        about: "A replica keeps versions a newer one descends as siblings (Dynamo, §4.4)",
        needs: &[],
    },
    crate::bug::Bug {
        name: COUNT_DUPLICATES,
        breaks: &[invariants::STRICT_QUORUM_FRESH],
        about: "A coordinator counts a duplicated answer twice toward R or W (Gifford 1979)",
        needs: &[],
    },
];

impl Protocol for Quorum {
    const NAME: &'static str = "quorum";
    const MAX_NODES: u32 = params::MAX_NODES;
    const DYNAMIC_MEMBERSHIP: bool = false;
    const BUGS: &'static [crate::bug::Bug] = BUGS;
    const KNOBS: &'static [Knob] = &[
        Knob::count("/n", "N", "Dynamo §4.5: replicas per key", (1, params::MAX_NODES, 1), ""),
        Knob::count(
            "/r",
            "R",
            "Dynamo §4.5: replies a get waits for; R + W > N makes every read see the latest write",
            (1, params::MAX_NODES, 1),
            "",
        ),
        Knob::count(
            "/w",
            "W",
            "Dynamo §4.5: acknowledgements a put waits for",
            (1, params::MAX_NODES, 1),
            "",
        ),
        Knob::switch(
            "/read_repair",
            "Read repair",
            "After a get, push the newest version to replicas that answered with older ones",
        ),
        Knob::switch(
            "/sloppy",
            "Sloppy quorum",
            "Dynamo §4.6: when a replica is down, write to the next node with a hint",
        ),
        Knob::choice(
            "/resolve",
            "Conflicts",
            "siblings keeps concurrent versions by vector clock; lww keeps the newest timestamp and loses the rest",
            &["siblings", "lww"],
        ),
        Knob::real(
            "/ops_per_s",
            "Load",
            "Workload operations per second over all clients (0: none)",
            (0.0, 100.0, 1.0),
            "ops/s",
        ),
        Knob::real(
            "/read_fraction",
            "Reads",
            "The share of workload operations that are gets",
            (0.0, 1.0, 0.05),
            "",
        ),
    ];
    type Params = QuorumParams;
    type Msg = QuorumMsg;
    type Timer = QuorumTimer;
    type Request = QuorumRequest;
    type Response = QuorumResponse;
    type Durable = QuorumDurable;
    type View = QuorumView;
    type Checker = QuorumChecker;
    type Observation = QuorumEvent;

    fn validate(p: &QuorumParams) -> Result<(), String> {
        p.validate()?;
        crate::bug::check(BUGS, &p.bugs)
    }

    fn validate_nodes(p: &QuorumParams, nodes: u32) -> Result<(), String> {
        p.validate_nodes(nodes)
    }

    fn new(
        id: NodeId,
        members: &[NodeId],
        params: &QuorumParams,
        durable: Option<QuorumDurable>,
    ) -> Self {
        Quorum {
            id,
            params: params.clone(),
            d: durable.unwrap_or(QuorumDurable {
                store: SortedMap::new(),
                hints: SortedMap::new(),
                clients: SortedMap::new(),
                next_req: 0,
            }),
            coordinations: SortedMap::new(),
            turns: workload::clients_of(id, members, params.clients)
                .map(|c| (c, Turn::default()))
                .collect(),
            deadline_armed: None,
            recent: Vec::new(),
            touched: SortedSet::new(),
        }
    }

    fn on_start(&mut self, cx: &mut Context<'_, Self>) {
        self.begin();
        self.start_workload(cx);
        if !self.d.hints.is_empty() {
            cx.set_timer(QuorumTimer::Handoff, self.params.handoff_ms * 1000);
        }
        if self.params.anti_entropy_ms.is_some() {
            self.arm_anti_entropy(cx);
        }
    }

    fn on_message(&mut self, cx: &mut Context<'_, Self>, from: NodeId, msg: QuorumMsg) {
        self.begin();
        self.handle(cx, from, msg);
    }

    fn on_timer(&mut self, cx: &mut Context<'_, Self>, timer: QuorumTimer) {
        self.begin();
        match timer {
            QuorumTimer::Workload => self.on_workload(cx),
            QuorumTimer::Deadline => self.on_deadline(cx),
            QuorumTimer::Handoff => self.on_handoff_timer(cx),
            QuorumTimer::AntiEntropy => self.on_anti_entropy_timer(cx),
        }
    }

    fn on_request(&mut self, cx: &mut Context<'_, Self>, op: OpId, request: QuorumRequest) {
        self.begin();
        self.on_client(cx, op, request);
    }

    fn durable(&self) -> QuorumDurable {
        let mut d = self.d.clone();
        // A client whose operation the crash cuts off comes back as a new
        // process: the history cannot say whether that operation happened.
        for (c, turn) in &self.turns {
            if turn.busy.is_some() {
                d.clients.entry(*c).or_default().life += 1;
            }
        }
        d
    }

    fn view(&self) -> QuorumView {
        QuorumView::of(self)
    }

    fn badge(&self) -> Badge {
        let mut caption = format!("{} keys", self.d.store.len());
        if !self.d.hints.is_empty() {
            caption.push_str(&format!(" · {} hints", self.d.hints.len()));
        }
        Badge {
            role: if self.d.hints.is_empty() {
                "replica"
            } else {
                "hinted"
            },
            caption,
        }
    }

    fn request_label(request: &QuorumRequest) -> String {
        request.label()
    }
}
