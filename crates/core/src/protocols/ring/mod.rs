//! The ring: consistent hashing where keys move as real transfers.
//!
//! Keys are numbered `0..keys`. Every node computes the same
//! [placement](crate::placement) from the live member list (its peers plus
//! itself) and the parameters, so the nodes agree on each key's
//! *preference list*: the `replicas` distinct nodes that should hold it,
//! the first of which is its owner (DeCandia et al. 2007, "Dynamo", §4.3;
//! on the ring, the first distinct nodes clockwise from the key's hash).
//! At time 0 each node holds exactly the keys whose preference list
//! includes it; a node that joins later starts empty and expects its keys.
//!
//! When a node joins or leaves (`add_node`, `remove_node`), each node
//! notices at its next event (a `rebalance` timer ticks every
//! [`REBALANCE_MS`]) and *plans*: for every key it holds, it compares the
//! key's preference list before and after the change and decides where to
//! send it. Keys travel as [`RingMsg::Transfer`] messages of at most
//! [`MAX_BATCH`] keys through the simulated network; the receiver takes
//! the keys it is a replica of and acknowledges. Unacknowledged keys are
//! sent again every [`RETRY_MS`]. So a crash, a partition or loss during a
//! rebalance leaves keys in flight, and [`ring_status`] shows which.
//!
//! The plan for a key `k` held by node `x`, with lists `old` and `new`:
//!
//! * **Handoff.** `x` is not in `new` (the key moved away): `x` sends `k`
//!   to every member of `new` and drops it once all of them have
//!   acknowledged; a replica that already holds it acknowledges at once. A
//!   node never drops a key before then.
//! * **New replicas.** Otherwise, when no member of `old` left the list
//!   (nobody hands the key off), the first member of `old` still in the
//!   cluster sends `k` to the members of `new` that are not in `old`. So
//!   each new replica gets one copy from one sender.
//! * Transfers pending to a node that is no longer in `new` are cancelled;
//!   the others go on. A transfer carries the plan that sent it, and an
//!   acknowledgement settles only keys of that plan: a late one must not
//!   settle a newer transfer of a key the receiver has given away since.
//!   Refusals settle nothing; the sender's own plan decides.
//! * **Repair.** A node also notes the keys it should hold and lacks. Those
//!   still missing [`RETRY_MS`] after it planned (the sender responsible
//!   was paused, or removed before it sent them), it fetches from the other
//!   members of their lists ([`RingMsg::Fetch`]), again and again with
//!   growing waits (up to 8 × [`RETRY_MS`]) until they arrive.
//!
//! With one replica this is exactly one sender per moving key: the old
//! owner. A key whose holders have all been removed is lost: it is
//! reported unavailable, never invented again. A node's keys and its
//! pending transfers survive a crash (they are on disk); on restart it
//! plans again against the members it last planned for and sends what is
//! still pending.

mod entry;
mod compare;
mod invariants;
mod keyset;
mod layout;
mod metrics;
mod msg;
mod outbox;
mod params;
mod status;
mod view;

pub use compare::{compare_strategies, cv_by_vnodes};
pub use invariants::{RingChecker, DROPPED_AFTER_ACK, HANDOFF_KEEPS_A_COPY, KEYS_NEVER_INVENTED};
pub use keyset::KeySet;
pub use layout::Layout;
pub use metrics::{changes, metrics, Change};
pub use msg::{RingMsg, MAX_BATCH};
pub use params::{RingParams, MAX_KEYS, MAX_REPLICAS, MAX_WEIGHT};
pub use status::{
    key_info, ring_status, Flight, KeyCounts, KeyInfo, KeyRange, KeyState, RingNodeStatus,
    RingPoint, RingStatus, MAX_LISTED,
};
pub use view::{RingView, Sending};

use crate::id::{NodeId, OpId};
use crate::knob::Knob;
use crate::node::{Badge, ClientOutcome, Context, Protocol, Response, TimerName};
use crate::read::{ReadJson, Reader};
use crate::scenario::ScenarioError;
use crate::time::Time;
use outbox::{Entry, Outbox};
use serde::Serialize;
use crate::sortedmap::SortedMap;
use std::sync::Arc;

/// How often a node checks the member list, in milliseconds.
pub const REBALANCE_MS: u64 = 100;
/// How long a transfer waits for its acknowledgement before it is sent
/// again, and a missing key before it is fetched, in milliseconds.
pub const RETRY_MS: u64 = 300;
/// The longest wait between two fetches of missing keys, in retry periods.
const MAX_REPAIR_BACKOFF: u32 = 3;

/// The ring's timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RingTimer {
    /// Check the member list (every [`REBALANCE_MS`]).
    Rebalance,
    /// Send unacknowledged keys again.
    Retry,
    /// Fetch keys this node should hold and still lacks.
    Repair,
}

impl TimerName for RingTimer {
    const ALL: &'static [Self] = &[RingTimer::Rebalance, RingTimer::Retry, RingTimer::Repair];
    fn name(&self) -> &'static str {
        match self {
            RingTimer::Rebalance => "rebalance",
            RingTimer::Retry => "retry",
            RingTimer::Repair => "repair",
        }
    }
}

/// The ring takes no client requests (its keys have no values); a
/// `client` command is refused when the scenario is checked.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum RingRequest {}

/// Every request is an error.
impl ReadJson for RingRequest {
    fn read(r: &Reader<'_>) -> Result<Self, ScenarioError> {
        Err(r.error("the ring takes no client requests"))
    }
}

/// The answer to a request the ring never gets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum RingResponse {}

impl Response for RingResponse {
    fn outcome(&self) -> ClientOutcome {
        match *self {}
    }
}

/// What a node reports, stamped by the simulator with real time; the
/// report's `changes` are computed from these.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum RingEvent {
    /// At time 0 the node took the keys whose preference list includes it.
    Loaded {
        /// How many.
        keys: u32,
    },
    /// The node saw a new member list and planned its transfers.
    Planned {
        /// The plan's number at this node (1, 2, …).
        plan: u32,
        /// Members in the new list.
        members: u32,
        /// Keys this plan sends, by destination.
        sends: Vec<(NodeId, u32)>,
        /// Keys the node should now hold and lacks.
        missing: u32,
    },
    /// A destination acknowledged keys of a plan.
    Acked {
        /// The plan.
        plan: u32,
        /// The destination.
        to: NodeId,
        /// How many keys.
        keys: u32,
    },
    /// Keys of a plan will not be sent after all: the destination left
    /// their preference list.
    Cancelled {
        /// The plan.
        plan: u32,
        /// The destination.
        to: NodeId,
        /// How many keys.
        keys: u32,
    },
}

/// What survives a crash: the keys, the transfers still pending, the keys
/// still expected, and the member list the node last planned for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RingDurable {
    held: Arc<KeySet>,
    /// Held keys whose preference list no longer includes this node: kept
    /// only until every replica has acknowledged them.
    surplus: Arc<KeySet>,
    /// Keys whose preference list includes this node and that it lacks.
    missing: Arc<KeySet>,
    outbox: Outbox,
    seen: Vec<NodeId>,
    plan: u32,
    keys_sent: u64,
}

/// What the last handler changed, for the invariant checker.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Touched {
    /// The node loaded its keys at time 0.
    loaded: bool,
    /// The transfer the gained keys came in, by sender.
    gained_from: Option<NodeId>,
    gained: Vec<u32>,
    dropped: Vec<u32>,
}

/// A node drops a key it hands off as soon as it sends it, not once the
/// new owner acknowledged it (Dynamo, §4.9: a node hands off and deletes
/// only after the receiver confirms): a lost transfer loses the key.
pub const DROP_ON_SEND: &str = "drop_on_send";

/// A node that joins after time 0 takes its share of the keys at once, as
/// if it held them, instead of receiving them from their old owners
/// (Dynamo, §4.9: when a node is added, the nodes that held its ranges
/// transfer those keys to it): it claims keys nobody gave it.
pub const CLAIM_ON_JOIN: &str = "claim_on_join";

/// A receiver acknowledges a transfer when it arrives and writes the keys
/// only at its next rebalance tick, so the sender deletes its copy while
/// the only other one is in memory, unwritten (Saltzer, Reed & Clark
/// 1984, "End-to-End Arguments in System Design", §2, careful file
/// transfer: only the receiver's check after the write proves the copy;
/// Dynamo, §4.9: the sender deletes once the receiver confirms).
pub const ACK_BEFORE_WRITE: &str = "ack_before_write";

/// The ring's textbook bugs.
pub const BUGS: &[crate::bug::Bug] = &[
    crate::bug::Bug {
        name: DROP_ON_SEND,
        breaks: &[invariants::DROPPED_AFTER_ACK, invariants::HANDOFF_KEEPS_A_COPY],
        about: "A node deletes a handed-off key when it sends it, before the ack (Dynamo, §4.9)",
        needs: &[],
    },
    crate::bug::Bug {
        name: CLAIM_ON_JOIN,
        breaks: &[invariants::KEYS_NEVER_INVENTED],
        about: "A joining node claims its share of the keys instead of receiving them from their old owners (Dynamo, §4.9)",
        needs: &[],
    },
    crate::bug::Bug {
        name: ACK_BEFORE_WRITE,
        breaks: &[invariants::HANDOFF_KEEPS_A_COPY],
        about: "A receiver acknowledges a transfer before it writes the keys, so the sender deletes the last written copy (Saltzer, Reed & Clark 1984, §2; Dynamo, §4.9)",
        needs: &[],
    },
];

/// One ring node.
#[derive(Clone, Debug)]
pub struct Ring {
    id: NodeId,
    params: RingParams,
    d: RingDurable,
    /// The layout of `d.seen` (rebuilt after a restart).
    layout: Option<Arc<Layout>>,
    /// Never started: a node that starts fresh at time 0 loads its keys.
    fresh: bool,
    /// Keys received since the last plan.
    received: u32,
    /// Fetch rounds since the last progress; the wait doubles with each.
    repair_round: u32,
    /// With [`ACK_BEFORE_WRITE`]: keys acknowledged and not yet written, by
    /// sender (in memory only, so a crash loses them).
    unwritten: Vec<(NodeId, Vec<u32>)>,
    touched: Touched,
}

impl Ring {
    /// The keys this node holds.
    pub fn held(&self) -> &KeySet {
        &self.d.held
    }

    /// The keys this node should hold and lacks.
    pub fn missing(&self) -> &KeySet {
        &self.d.missing
    }

    /// The member list this node last planned for.
    pub fn seen(&self) -> &[NodeId] {
        &self.d.seen
    }

    /// Keys sent over the run (retries included).
    pub fn keys_sent(&self) -> u64 {
        self.d.keys_sent
    }

    fn keys(&self) -> u32 {
        self.params.keys
    }

    /// Starts a handler: forgets what the last one changed, and plans if
    /// the member list changed since the last plan. Returns whether it
    /// planned.
    fn begin(&mut self, cx: &mut Context<'_, Self>) -> bool {
        self.touched = Touched::default();
        if self.layout.is_none() {
            self.layout = Layout::shared(&self.params, &self.d.seen);
        }
        if same_members(cx, &self.d.seen) {
            return false;
        }
        let mut members: Vec<NodeId> = cx.peers().collect();
        let at = members.partition_point(|&m| m < self.id);
        members.insert(at, self.id);
        self.plan(cx, members);
        true
    }

    /// A fresh node: at time 0 it takes every key whose preference list
    /// includes it; a node that joins later expects them (with
    /// [`CLAIM_ON_JOIN`], it takes them too).
    fn load(&mut self, cx: &mut Context<'_, Self>) {
        let Some(layout) = &self.layout else { return };
        let mine = layout.holdings(self.id);
        if cx.now() == Time::ZERO || crate::bug::on(&self.params.bugs, CLAIM_ON_JOIN) {
            self.d.held = mine;
            self.touched.loaded = true;
            self.touched.gained = self.d.held.iter().collect();
            cx.observe(RingEvent::Loaded {
                keys: self.d.held.len(),
            });
        } else {
            self.d.missing = mine;
            self.arm_repair(cx);
        }
    }

    /// Plans for the new member list `members`; see the module docs.
    fn plan(&mut self, cx: &mut Context<'_, Self>, members: Vec<NodeId>) {
        let Some(new) = Layout::shared(&self.params, &members) else {
            return;
        };
        let old = self.layout.take();
        self.d.plan += 1;
        let plan = self.d.plan;
        let me = self.id.0;
        let should = new.holdings(self.id);
        let mut lists: SortedMap<NodeId, Vec<Entry>> = SortedMap::new();
        let mut cancelled: SortedMap<(u32, NodeId), u32> = SortedMap::new();
        let mut pending: Vec<(NodeId, u32)> = Vec::new();
        let mut targets: Vec<u32> = Vec::new();
        for k in self.d.held.iter() {
            let now_list = new.preference(k);
            let old_list = old.as_ref().map_or(&[][..], |o| o.preference(k));
            pending.clear();
            if !self.d.outbox.is_empty() {
                // A key is pending only to members of its list by the last
                // plan, so only those need looking up.
                match &old {
                    Some(_) => pending.extend(old_list.iter().filter_map(|&d| {
                        let d = NodeId(d);
                        self.d.outbox.pending(d, k).map(|plan| (d, plan))
                    })),
                    None => pending.extend(self.d.outbox.of(k)),
                }
            }
            targets.clear();
            if !now_list.contains(&me) {
                // Handoff: every replica must confirm.
                targets.extend_from_slice(now_list);
            } else if now_list != old_list {
                let present = |n: &&u32| new.has(NodeId(**n));
                let handed_off = old_list
                    .iter()
                    .filter(present)
                    .any(|n| !now_list.contains(n));
                if !handed_off && old_list.iter().find(present) == Some(&me) {
                    targets.extend(now_list.iter().filter(|n| !old_list.contains(n)));
                }
            }
            for &(to, tag) in &pending {
                if now_list.contains(&to.0) {
                    lists.entry(to).or_default().push((k, tag));
                } else {
                    *cancelled.entry((tag, to)).or_default() += 1;
                }
            }
            for &t in &targets {
                if !pending.iter().any(|p| p.0 .0 == t) {
                    lists.entry(NodeId(t)).or_default().push((k, plan));
                }
            }
        }
        self.d.outbox = Outbox::from_lists(lists);
        self.d.surplus = Arc::new(self.d.held.minus(&should));
        self.d.missing = Arc::new(should.minus(&self.d.held));
        self.d.seen = members;
        self.layout = Some(new);
        self.received = 0;
        for ((tag, to), keys) in cancelled {
            cx.observe(RingEvent::Cancelled {
                plan: tag,
                to,
                keys,
            });
        }
        let fresh: Vec<(NodeId, Vec<u32>)> = self
            .d
            .outbox
            .lists()
            .map(|(to, list)| {
                let keys: Vec<u32> = list.iter().filter(|e| e.1 == plan).map(|e| e.0).collect();
                (to, keys)
            })
            .filter(|(_, keys)| !keys.is_empty())
            .collect();
        cx.observe(RingEvent::Planned {
            plan,
            members: self.d.seen.len() as u32,
            sends: fresh.iter().map(|(to, k)| (*to, k.len() as u32)).collect(),
            missing: self.d.missing.len(),
        });
        for (to, keys) in fresh {
            self.send_keys(cx, to, plan, &keys);
        }
        if !self.d.outbox.is_empty() {
            cx.set_timer(RingTimer::Retry, RETRY_MS * 1000);
        }
        self.repair_round = 0;
        self.arm_repair(cx);
    }

    /// Sends `keys` of plan `plan` to `to` in transfers of at most [`MAX_BATCH`].
    fn send_keys(&mut self, cx: &mut Context<'_, Self>, to: NodeId, plan: u32, keys: &[u32]) {
        if crate::bug::on(&self.params.bugs, DROP_ON_SEND) {
            for &k in keys {
                if self.d.surplus.contains(k) {
                    Arc::make_mut(&mut self.d.held).remove(k);
                    Arc::make_mut(&mut self.d.surplus).remove(k);
                    self.touched.dropped.push(k);
                }
            }
        }
        for batch in keys.chunks(MAX_BATCH) {
            self.d.keys_sent += batch.len() as u64;
            cx.send(
                to,
                RingMsg::Transfer {
                    plan,
                    keys: batch.to_vec(),
                },
            );
        }
    }

    /// Sends every pending key again, one transfer per destination and plan.
    fn resend(&mut self, cx: &mut Context<'_, Self>) {
        let mut groups: SortedMap<(NodeId, u32), Vec<u32>> = SortedMap::new();
        for (to, list) in self.d.outbox.lists() {
            for &(k, plan) in list {
                groups.entry((to, plan)).or_default().push(k);
            }
        }
        for ((to, plan), keys) in groups {
            self.send_keys(cx, to, plan, &keys);
        }
        if !self.d.outbox.is_empty() {
            cx.set_timer(RingTimer::Retry, RETRY_MS * 1000);
        }
    }

    /// Arms the next fetch of missing keys, if any are missing: one retry
    /// period after a plan or progress, twice as long after each fetch that
    /// brought nothing, up to 2^[`MAX_REPAIR_BACKOFF`] periods.
    fn arm_repair(&self, cx: &mut Context<'_, Self>) {
        if self.d.missing.is_empty() {
            cx.cancel_timer(RingTimer::Repair);
        } else {
            let periods = 1 << self.repair_round.min(MAX_REPAIR_BACKOFF);
            cx.set_timer(RingTimer::Repair, RETRY_MS * 1000 * periods);
        }
    }

    /// Asks the co-replicas of every missing key for it.
    fn repair(&mut self, cx: &mut Context<'_, Self>) {
        let Some(layout) = self.layout.clone() else {
            return;
        };
        let mut asks: SortedMap<NodeId, Vec<u32>> = SortedMap::new();
        for k in self.d.missing.iter() {
            for &n in layout.preference(k) {
                if n != self.id.0 {
                    asks.entry(NodeId(n)).or_default().push(k);
                }
            }
        }
        for (to, keys) in &asks {
            for batch in keys.chunks(MAX_BATCH) {
                cx.send(
                    *to,
                    RingMsg::Fetch {
                        keys: batch.to_vec(),
                    },
                );
            }
        }
        // With nobody to ask (one replica), the keys come from their old
        // holder's handoff or not at all.
        if !asks.is_empty() {
            self.repair_round += 1;
            self.arm_repair(cx);
        }
    }

    /// Sends the asker the requested keys this node holds.
    fn on_fetch(&mut self, cx: &mut Context<'_, Self>, from: NodeId, keys: &[u32]) {
        let have: Vec<u32> = keys
            .iter()
            .copied()
            .filter(|&k| self.d.held.contains(k))
            .collect();
        self.send_keys(cx, from, 0, &have);
    }

    /// Takes the keys this node is a replica of; refuses the others.
    fn on_transfer(&mut self, cx: &mut Context<'_, Self>, from: NodeId, plan: u32, keys: Vec<u32>) {
        let (mut taken, mut refused) = (Vec::new(), Vec::new());
        let layout = self.layout.clone();
        for k in keys {
            let mine = layout
                .as_ref()
                .is_some_and(|l| l.preference(k).contains(&self.id.0));
            if mine {
                taken.push(k);
            } else {
                refused.push(k);
            }
        }
        if crate::bug::on(&self.params.bugs, ACK_BEFORE_WRITE) {
            self.unwritten.push((from, taken.clone()));
        } else {
            self.write(cx, from, &taken);
        }
        cx.send(
            from,
            RingMsg::Ack {
                plan,
                keys: taken,
                refused,
            },
        );
    }

    /// With [`ACK_BEFORE_WRITE`], writes the keys acknowledged since the
    /// last tick.
    fn write_unwritten(&mut self, cx: &mut Context<'_, Self>) {
        for (from, keys) in std::mem::take(&mut self.unwritten) {
            self.write(cx, from, &keys);
        }
    }

    /// Stores keys received from `from`.
    fn write(&mut self, cx: &mut Context<'_, Self>, from: NodeId, keys: &[u32]) {
        let before = self.touched.gained.len();
        for &k in keys {
            if Arc::make_mut(&mut self.d.held).insert(k) {
                self.touched.gained.push(k);
                Arc::make_mut(&mut self.d.missing).remove(k);
            }
        }
        if self.touched.gained.len() > before {
            self.touched.gained_from = Some(from);
            self.received += (self.touched.gained.len() - before) as u32;
            if self.repair_round > 0 {
                self.repair_round = 0;
                self.arm_repair(cx);
            }
        }
    }

    /// Settles acknowledged keys; drops handed-off keys once every replica
    /// has them.
    ///
    /// Refusals settle nothing. A pending key's destination is always in
    /// the key's list by the members this node sees now (its plan cancels
    /// the others), so a refusal was made by members the destination saw
    /// earlier or later; the key stays pending until this node's own view
    /// and the destination's agree.
    fn on_ack(&mut self, cx: &mut Context<'_, Self>, from: NodeId, plan: u32, keys: &[u32]) {
        let acked = self.d.outbox.remove(from, plan, keys);
        if !acked.is_empty() {
            cx.observe(RingEvent::Acked {
                plan,
                to: from,
                keys: acked.len() as u32,
            });
        }
        for k in acked {
            if self.d.surplus.contains(k) && !self.pending_anywhere(k) {
                Arc::make_mut(&mut self.d.held).remove(k);
                Arc::make_mut(&mut self.d.surplus).remove(k);
                self.touched.dropped.push(k);
            }
        }
        if self.d.outbox.is_empty() {
            cx.cancel_timer(RingTimer::Retry);
        }
    }

    /// Whether `key` is pending for any destination. Only members of its
    /// list can be (the plan cancels the others), so only those are looked up.
    fn pending_anywhere(&self, key: u32) -> bool {
        match &self.layout {
            Some(l) => l
                .preference(key)
                .iter()
                .any(|&d| self.d.outbox.pending(NodeId(d), key).is_some()),
            None => self.d.outbox.has(key),
        }
    }

    /// Arms the next membership check, on a grid of [`REBALANCE_MS`].
    fn arm_rebalance(&self, cx: &mut Context<'_, Self>) {
        let period = REBALANCE_MS * 1000;
        let now = cx.now().0;
        cx.set_timer(RingTimer::Rebalance, (now / period + 1) * period - now);
    }
}

/// Whether `seen` is this node's peers plus itself.
fn same_members(cx: &Context<'_, Ring>, seen: &[NodeId]) -> bool {
    let me = cx.id();
    seen.len() == cx.peer_count() + 1
        && seen.binary_search(&me).is_ok()
        && seen.iter().copied().filter(|&m| m != me).eq(cx.peers())
}

impl Protocol for Ring {
    const NAME: &'static str = "ring";
    const MAX_NODES: u32 = 256;
    const DYNAMIC_MEMBERSHIP: bool = true;
    const KNOBS: &'static [Knob] = &[
        Knob::choice(
            "/strategy",
            "Strategy",
            "How keys map to nodes: mod N, a consistent-hash ring, jump hash, rendezvous, or a ring with bounded loads",
            &["mod", "ring", "jump", "rendezvous", "bounded"],
        ),
        Knob::count(
            "/vnodes",
            "Virtual nodes",
            "Points per node on the ring (ring and bounded): more points, a more even load",
            (1, crate::placement::layout::MAX_VNODES, 1),
            "",
        ),
        Knob::count(
            "/replicas",
            "Replicas",
            "The length of each key's preference list",
            (1, MAX_REPLICAS, 1),
            "",
        ),
        Knob::count("/keys", "Keys", "How many keys are placed", (1, MAX_KEYS, 1), ""),
    ];
    const BUGS: &'static [crate::bug::Bug] = BUGS;
    type Params = RingParams;
    type Msg = RingMsg;
    type Timer = RingTimer;
    type Request = RingRequest;
    type Response = RingResponse;
    type Durable = RingDurable;
    type View = RingView;
    type Checker = RingChecker;
    type Observation = RingEvent;

    fn validate(p: &RingParams) -> Result<(), String> {
        p.validate()?;
        crate::bug::check(BUGS, &p.bugs)
    }

    fn new(
        id: NodeId,
        members: &[NodeId],
        params: &RingParams,
        durable: Option<RingDurable>,
    ) -> Self {
        let fresh = durable.is_none();
        let none = || Arc::new(KeySet::new(params.keys));
        let d = durable.unwrap_or_else(|| RingDurable {
            held: none(),
            surplus: none(),
            missing: none(),
            outbox: Outbox::default(),
            seen: members.to_vec(),
            plan: 0,
            keys_sent: 0,
        });
        Ring {
            id,
            params: params.clone(),
            d,
            layout: None,
            fresh,
            received: 0,
            repair_round: 0,
            unwritten: Vec::new(),
            touched: Touched::default(),
        }
    }

    fn on_start(&mut self, cx: &mut Context<'_, Self>) {
        let planned = self.begin(cx);
        if std::mem::take(&mut self.fresh) {
            self.load(cx);
        } else if !planned {
            // Back from a crash with the same members: what was pending
            // goes out again now, and what was missing is fetched in turn.
            self.resend(cx);
            self.arm_repair(cx);
        }
        self.arm_rebalance(cx);
    }

    fn on_message(&mut self, cx: &mut Context<'_, Self>, from: NodeId, msg: RingMsg) {
        self.begin(cx);
        match msg {
            RingMsg::Transfer { plan, keys } => self.on_transfer(cx, from, plan, keys),
            RingMsg::Ack { plan, keys, .. } => self.on_ack(cx, from, plan, &keys),
            RingMsg::Fetch { keys } => self.on_fetch(cx, from, &keys),
        }
    }

    fn on_timer(&mut self, cx: &mut Context<'_, Self>, timer: RingTimer) {
        self.begin(cx);
        match timer {
            RingTimer::Rebalance => {
                self.write_unwritten(cx);
                self.arm_rebalance(cx);
            }
            RingTimer::Retry => self.resend(cx),
            RingTimer::Repair => self.repair(cx),
        }
    }

    fn on_request(&mut self, _cx: &mut Context<'_, Self>, _op: OpId, request: RingRequest) {
        match request {}
    }

    fn durable(&self) -> RingDurable {
        self.d.clone()
    }

    fn view(&self) -> RingView {
        RingView::of(self)
    }

    fn badge(&self) -> Badge {
        let sending = self.d.outbox.len();
        let missing = self.d.missing.len();
        let role = if sending > 0 {
            "sending"
        } else if missing > 0 {
            "receiving"
        } else if self.d.held.is_empty() {
            "empty"
        } else {
            "holding"
        };
        let mut caption = format!("{} keys", self.d.held.len());
        if sending > 0 {
            caption.push_str(&format!(" · sending {sending}"));
        }
        if missing > 0 {
            caption.push_str(&format!(" · awaiting {missing}"));
        }
        Badge { role, caption }
    }

    fn request_label(request: &RingRequest) -> String {
        match *request {}
    }
}
