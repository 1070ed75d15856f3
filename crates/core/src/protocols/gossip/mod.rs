//! Gossip: rumors spread by push, pull or push-pull in rounds, as
//! anti-entropy or as rumor mongering (Demers et al., "Epidemic Algorithms
//! for Replicated Database Maintenance", 1987), with SWIM failure detection
//! as an option (Das, Gupta, Motivala, 2002).
//!
//! Each node runs rounds on a grid of `round_ms` (plus up to `jitter_ms`);
//! in each round it contacts `fanout` random peers. Every message carries
//! the round of the contact, so a run counts rounds exactly as the theory
//! does. With SWIM, each round is also a protocol period: the node pings
//! one random member, asks `k` others to ping it when the ack is late,
//! suspects it when the period ends without an ack, and declares it dead
//! when the suspicion outlives `suspicion_ms`. Membership updates ride on
//! every message.

mod entry;
mod metrics;
mod msg;
mod params;
mod swim;
pub mod theory;

pub use entry::{WORKLOAD_ROUNDS, WORKLOAD_ROUND_MS};
pub use metrics::{detections, metrics, rumor_stats, Detection, RumorStats};
pub use msg::{Body, GossipMsg, Health, RumorId, Update};
pub use params::{GossipParams, Interest, Mode, SwimParams};

use crate::command::{Command, Scheduled};
use crate::id::{NodeId, OpId};
use crate::invariant::{Checker, Violation};
use crate::knob::Knob;
use crate::node::{Badge, ClientOutcome, Context, Protocol, Response, TimerName};
use crate::read::{ReadJson, Reader};
use crate::scenario::ScenarioError;
use crate::time::Time;
use serde::Serialize;
use crate::sortedmap::SortedMap;
use swim::Membership;

/// Most ping-req relays a node keeps open at once.
const MAX_RELAYS: usize = 32;

/// Gossip's timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GossipTimer {
    /// The next round (and SWIM protocol period) is due.
    Round,
    /// SWIM: the direct ping of this period waited long enough.
    PingTimeout,
}

impl TimerName for GossipTimer {
    const ALL: &'static [Self] = &[GossipTimer::Round, GossipTimer::PingTimeout];
    fn name(&self) -> &'static str {
        match self {
            GossipTimer::Round => "round",
            GossipTimer::PingTimeout => "ping_timeout",
        }
    }
}

/// What a user (or a schedule's `rumor` op) can ask a node, tagged by
/// `type`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum GossipRequest {
    /// Start a new rumor here.
    Rumor,
}

/// `{"type": "rumor"}`; it has no fields, and ignores any others.
impl ReadJson for GossipRequest {
    fn read(r: &Reader<'_>) -> Result<Self, ScenarioError> {
        r.object_any()?.variant("type", &[("rumor", &[])], &[])?;
        Ok(GossipRequest::Rumor)
    }
}

/// The answer: the rumor started.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GossipResponse {
    /// The new rumor.
    pub rumor: RumorId,
}

impl Response for GossipResponse {
    fn outcome(&self) -> ClientOutcome {
        ClientOutcome::Done(format!("rumor {} started", self.rumor))
    }
}

/// What a node knows of one rumor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Known {
    /// The round in which it learned the rumor (or started it).
    pub round: u64,
    /// Still spreading it (rumor mongering); always true for anti-entropy.
    pub hot: bool,
    /// Contacts that already knew it.
    pub misses: u32,
}

/// What a node reports, stamped by the simulator with real time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum GossipEvent {
    /// This node started a rumor in this round.
    Started {
        /// The rumor.
        rumor: RumorId,
        /// The round.
        round: u64,
    },
    /// This node learned a rumor in this round.
    Informed {
        /// The rumor.
        rumor: RumorId,
        /// The round of the contact that told it.
        round: u64,
    },
    /// This node changed its mind about a member (SWIM).
    Health {
        /// The member.
        target: NodeId,
        /// What it now believes.
        health: Health,
        /// At which incarnation.
        incarnation: u64,
    },
}

/// What survives a crash: the rumors (the data) and SWIM's incarnation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GossipDurable {
    rumors: SortedMap<RumorId, Known>,
    started: u32,
    sent: u64,
    incarnation: u64,
}

/// A direct probe of this period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Probe {
    target: NodeId,
    seq: u64,
    acked: bool,
}

/// SWIM's state on one node.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Swim {
    members: Membership,
    seq: u64,
    probe: Option<Probe>,
    /// Pings sent on another's behalf: my sequence number → (asker, its number).
    relays: SortedMap<u64, (NodeId, u64)>,
}

/// A rumor's state at a node, for views.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Spread {
    /// Has not heard it.
    Uninformed,
    /// Knows it and passes it on.
    Spreading,
    /// Knows it and lost interest.
    Removed,
}

/// What the UI reads of a SWIM member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SwimView {
    /// Own incarnation.
    pub incarnation: u64,
    /// Members this node suspects or believes dead, with incarnations.
    pub exceptions: Vec<(NodeId, Health, u64)>,
    /// The member probed this period, if the ack is still awaited.
    pub probing: Option<NodeId>,
}

/// What the UI reads of a node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GossipView {
    /// The current round.
    pub round: u64,
    /// Every rumor it knows.
    pub rumors: Vec<(RumorId, Known)>,
    /// Messages it has sent.
    pub sent: u64,
    /// SWIM state, if on.
    pub swim: Option<SwimView>,
}

impl GossipView {
    /// Where this node stands with `rumor`.
    pub fn spread(&self, rumor: RumorId) -> Spread {
        match self.rumors.iter().find(|(r, _)| *r == rumor) {
            None => Spread::Uninformed,
            Some((_, k)) if k.hot => Spread::Spreading,
            Some(_) => Spread::Removed,
        }
    }
}

/// One gossiping node.
#[derive(Clone, Debug)]
pub struct Gossip {
    id: NodeId,
    params: GossipParams,
    round: u64,
    rumors: SortedMap<RumorId, Known>,
    started: u32,
    sent: u64,
    swim: Option<Swim>,
}

impl Gossip {
    fn round_us(&self) -> u64 {
        self.params.round_ms * 1000
    }

    fn anti_entropy(&self) -> bool {
        self.params.stop_after.is_none()
    }

    /// Arms the next round: the next grid point of `round_ms`, up to
    /// `jitter_ms` late.
    fn arm_round(&self, cx: &mut Context<'_, Self>) {
        let r = self.round_us();
        let now = cx.now().0;
        let next = (now / r + 1) * r;
        let jitter = match self.params.jitter_ms {
            0 => 0,
            j => cx.rng().below(j * 1000 + 1),
        };
        cx.set_timer(GossipTimer::Round, next + jitter - now);
    }

    fn send(&mut self, cx: &mut Context<'_, Self>, to: NodeId, round: u64, body: Body) {
        let body = if crate::bug::on(&self.params.bugs, RESTAMP_RUMORS) {
            self.restamp(body)
        } else {
            body
        };
        let members = cx.peer_count() + 1;
        let updates = match &mut self.swim {
            Some(s) => s.members.piggyback(members),
            None => Vec::new(),
        };
        self.sent += 1;
        cx.send(
            to,
            GossipMsg {
                round,
                body,
                updates,
            },
        );
    }

    /// With [`RESTAMP_RUMORS`]: the rumors `body` passes on, each under
    /// this node's name instead of its origin's.
    fn restamp(&self, body: Body) -> Body {
        let me = self.id;
        let mine = |rumors: Vec<RumorId>| {
            rumors
                .into_iter()
                .map(|r| RumorId { origin: me, n: r.n })
                .collect()
        };
        match body {
            Body::Push { rumors } => Body::Push {
                rumors: mine(rumors),
            },
            Body::PushPull { rumors, known } => Body::PushPull {
                rumors: mine(rumors),
                known,
            },
            Body::Reply { rumors, already } => Body::Reply {
                rumors: mine(rumors),
                already,
            },
            other => other,
        }
    }

    fn believes_dead(&self, node: NodeId) -> bool {
        self.swim
            .as_ref()
            .is_some_and(|s| s.members.health(node) == Health::Dead)
    }

    /// Up to `count` distinct random peers, skipping those believed dead.
    fn pick(
        &self,
        cx: &mut Context<'_, Self>,
        count: usize,
        except: Option<NodeId>,
    ) -> Vec<NodeId> {
        let mut out: Vec<NodeId> = Vec::with_capacity(count);
        for _ in 0..count * 4 + 8 {
            if out.len() == count {
                break;
            }
            let Some(p) = cx.random_peer() else { break };
            if Some(p) != except && !out.contains(&p) && !self.believes_dead(p) {
                out.push(p);
            }
        }
        out
    }

    /// The rumors this node passes on.
    fn spreading(&self) -> Vec<RumorId> {
        self.rumors
            .iter()
            .filter(|(_, k)| k.hot)
            .map(|(r, _)| *r)
            .collect()
    }

    fn known(&self) -> Vec<RumorId> {
        self.rumors.keys().copied().collect()
    }

    fn learn(&mut self, cx: &mut Context<'_, Self>, rumors: &[RumorId], round: u64) {
        for &rumor in rumors {
            if !self.rumors.contains_key(&rumor) {
                self.rumors.insert(rumor, Known {
                    round,
                    hot: true,
                    misses: 0,
                });
                cx.observe(GossipEvent::Informed { rumor, round });
            }
        }
    }

    /// A contact already knew `rumor` (Demers et al. §1.4, feedback).
    fn miss(&mut self, cx: &mut Context<'_, Self>, rumor: RumorId) {
        let Some(k) = self.params.stop_after else {
            return;
        };
        let coin = self.params.interest == Interest::Coin;
        let lose = coin && cx.rng().below(u64::from(k)) == 0;
        if let Some(known) = self.rumors.get_mut(&rumor) {
            if known.hot {
                known.misses += 1;
                if lose || (!coin && known.misses >= k) {
                    known.hot = false;
                }
            }
        }
    }

    /// What to send a peer that knows `known`: every rumor it lacks under
    /// anti-entropy, the ones still spreading under rumor mongering.
    fn lacking(&self, known: &[RumorId]) -> Vec<RumorId> {
        let ae = self.anti_entropy();
        self.rumors
            .iter()
            .filter(|(r, k)| (ae || k.hot) && !known.contains(r))
            .map(|(r, _)| *r)
            .collect()
    }

    fn note(&mut self, cx: &mut Context<'_, Self>, target: NodeId, health: Option<Health>) {
        if let (Some(health), Some(s)) = (health, &self.swim) {
            let incarnation = s
                .members
                .exceptions()
                .find(|(n, _, _)| *n == target)
                .map_or(0, |(_, _, i)| i);
            cx.observe(GossipEvent::Health {
                target,
                health,
                incarnation,
            });
        }
    }

    fn round(&mut self, cx: &mut Context<'_, Self>) {
        self.round = cx.now().0 / self.round_us();
        let round = self.round;
        if self.swim.is_some() {
            self.swim_period(cx);
        }
        let targets = self.pick(cx, self.params.fanout as usize, None);
        for to in targets {
            let body = match self.params.mode {
                Mode::Push => {
                    let rumors = self.spreading();
                    if rumors.is_empty() {
                        continue;
                    }
                    Body::Push { rumors }
                }
                Mode::Pull => Body::Pull {
                    known: self.known(),
                },
                Mode::PushPull => Body::PushPull {
                    rumors: self.spreading(),
                    known: self.known(),
                },
            };
            // A push of nothing is skipped above; pulls go out even from
            // nodes that know nothing: that is how they learn.
            self.send(cx, to, round, body);
        }
        self.arm_round(cx);
    }

    /// SWIM §3: close the last period's probe, expire suspicions, start a
    /// new probe.
    fn swim_period(&mut self, cx: &mut Context<'_, Self>) {
        let me = self.id;
        let now = cx.now();
        let Some(p) = self.params.swim else { return };
        let Some(s) = &mut self.swim else { return };
        let mut changes = Vec::new();
        if let Some(probe) = s.probe.take() {
            if !probe.acked {
                changes.push((probe.target, s.members.suspect(me, probe.target, now)));
            }
        }
        for dead in s.members.expire(me, now, p.suspicion_ms * 1000) {
            changes.push((dead, Some(Health::Dead)));
        }
        for (target, health) in changes {
            self.note(cx, target, health);
        }
        let Some(target) = self.pick(cx, 1, None).first().copied() else {
            return;
        };
        let Some(s) = &mut self.swim else { return };
        s.seq += 1;
        let seq = s.seq;
        s.probe = Some(Probe {
            target,
            seq,
            acked: false,
        });
        self.send(cx, target, self.round, Body::Ping { seq });
        cx.set_timer(GossipTimer::PingTimeout, p.ping_timeout_ms * 1000);
    }

    /// SWIM §3.1: no direct ack in time; ask `k` others to ping the target.
    fn ping_timeout(&mut self, cx: &mut Context<'_, Self>) {
        let Some(p) = self.params.swim else { return };
        let Some(probe) = self.swim.as_ref().and_then(|s| s.probe) else {
            return;
        };
        if probe.acked {
            return;
        }
        for helper in self.pick(cx, p.k as usize, Some(probe.target)) {
            self.send(
                cx,
                helper,
                self.round,
                Body::PingReq {
                    target: probe.target,
                    seq: probe.seq,
                },
            );
        }
    }

    fn on_ack(&mut self, cx: &mut Context<'_, Self>, seq: u64, round: u64) {
        let Some(s) = &mut self.swim else { return };
        if let Some(probe) = &mut s.probe {
            if probe.seq == seq {
                probe.acked = true;
                cx.cancel_timer(GossipTimer::PingTimeout);
                return;
            }
        }
        if let Some((asker, their_seq)) = s.relays.remove(&seq) {
            self.send(cx, asker, round, Body::Ack { seq: their_seq });
        }
    }

    fn on_ping_req(
        &mut self,
        cx: &mut Context<'_, Self>,
        from: NodeId,
        target: NodeId,
        seq: u64,
        round: u64,
    ) {
        let Some(s) = &mut self.swim else { return };
        s.seq += 1;
        let mine = s.seq;
        s.relays.insert(mine, (from, seq));
        while s.relays.len() > MAX_RELAYS {
            s.relays.pop_first();
        }
        self.send(cx, target, round, Body::Ping { seq: mine });
    }

    fn apply_updates(&mut self, cx: &mut Context<'_, Self>, updates: &[Update]) {
        let me = self.id;
        let now = cx.now();
        for &u in updates {
            let change = match &mut self.swim {
                Some(s) => s.members.apply(me, u, now),
                None => None,
            };
            self.note(cx, u.node, change);
        }
    }
}

impl Protocol for Gossip {
    const NAME: &'static str = "gossip";
    const MAX_NODES: u32 = 10_000;
    const DYNAMIC_MEMBERSHIP: bool = true;
    const KNOBS: &'static [Knob] = &[
        Knob::choice(
            "/mode",
            "Mode",
            "Demers et al. §1.3: push sends what a node knows, pull asks for what it lacks, push-pull does both",
            &["push", "pull", "push-pull"],
        ),
        Knob::count(
            "/fanout",
            "Fanout",
            "Peers each node contacts per round",
            (1, 16, 1),
            "",
        ),
        Knob::count(
            "/round_ms",
            "Round",
            "The period of a gossip round",
            (10, 2000, 10),
            "ms",
        ),
        Knob::count(
            "/jitter_ms",
            "Jitter",
            "Each round starts up to this late (0: the synchronous rounds the formulas assume)",
            (0, 1000, 10),
            "ms",
        ),
    ];
    type Params = GossipParams;
    type Msg = GossipMsg;
    type Timer = GossipTimer;
    type Request = GossipRequest;
    type Response = GossipResponse;
    type Durable = GossipDurable;
    const BUGS: &'static [crate::bug::Bug] = BUGS;
    type View = GossipView;
    type Checker = GossipChecker;
    type Observation = GossipEvent;

    fn validate(p: &GossipParams) -> Result<(), String> {
        p.check()?;
        crate::bug::check(BUGS, &p.bugs)
    }

    fn new(
        id: NodeId,
        _members: &[NodeId],
        params: &GossipParams,
        durable: Option<GossipDurable>,
    ) -> Self {
        let restarted = durable.is_some();
        let d = durable.unwrap_or(GossipDurable {
            rumors: SortedMap::new(),
            started: 0,
            sent: 0,
            incarnation: 0,
        });
        // A member back from a crash announces a new incarnation, so any
        // death declared in the meantime is overridden (SWIM §4.2).
        let bug = |name| crate::bug::on(&params.bugs, name);
        let incarnation = if bug(FORGET_INCARNATION) {
            0
        } else {
            d.incarnation + u64::from(restarted)
        };
        let rumors = if bug(FORGET_RUMORS) {
            SortedMap::new()
        } else {
            d.rumors
        };
        Gossip {
            id,
            params: params.clone(),
            round: 0,
            rumors,
            started: d.started,
            sent: d.sent,
            swim: params.swim.map(|_| Swim {
                members: Membership::new(id, incarnation),
                seq: 0,
                probe: None,
                relays: SortedMap::new(),
            }),
        }
    }

    fn on_start(&mut self, cx: &mut Context<'_, Self>) {
        self.round = cx.now().0 / self.round_us();
        self.arm_round(cx);
    }

    fn on_message(&mut self, cx: &mut Context<'_, Self>, from: NodeId, msg: GossipMsg) {
        self.apply_updates(cx, &msg.updates);
        if let Some(s) = &mut self.swim {
            s.members.remind(from);
        }
        let round = msg.round;
        let feedback = self.params.stop_after.is_some();
        match msg.body {
            Body::Push { rumors } => {
                let already: Vec<RumorId> = rumors
                    .iter()
                    .copied()
                    .filter(|r| self.rumors.contains_key(r))
                    .collect();
                self.learn(cx, &rumors, round);
                if feedback && !already.is_empty() {
                    let body = Body::Reply {
                        rumors: Vec::new(),
                        already,
                    };
                    self.send(cx, from, round, body);
                }
            }
            Body::Pull { known } => {
                self.contacted_by(cx, &known);
                let rumors = self.lacking(&known);
                if !rumors.is_empty() {
                    let body = Body::Reply {
                        rumors,
                        already: Vec::new(),
                    };
                    self.send(cx, from, round, body);
                }
            }
            Body::PushPull { rumors, known } => {
                let already: Vec<RumorId> = if feedback {
                    rumors
                        .iter()
                        .copied()
                        .filter(|r| self.rumors.contains_key(r))
                        .collect()
                } else {
                    Vec::new()
                };
                self.contacted_by(cx, &known);
                let back = self.lacking(&known);
                self.learn(cx, &rumors, round);
                if !back.is_empty() || !already.is_empty() {
                    let body = Body::Reply {
                        rumors: back,
                        already,
                    };
                    self.send(cx, from, round, body);
                }
            }
            Body::Reply { rumors, already } => {
                self.learn(cx, &rumors, round);
                for r in already {
                    self.miss(cx, r);
                }
            }
            Body::Ping { seq } => self.send(cx, from, round, Body::Ack { seq }),
            Body::Ack { seq } => self.on_ack(cx, seq, round),
            Body::PingReq { target, seq } => self.on_ping_req(cx, from, target, seq, round),
        }
    }

    fn on_timer(&mut self, cx: &mut Context<'_, Self>, timer: GossipTimer) {
        match timer {
            GossipTimer::Round => self.round(cx),
            GossipTimer::PingTimeout => self.ping_timeout(cx),
        }
    }

    fn on_request(&mut self, cx: &mut Context<'_, Self>, op: OpId, request: GossipRequest) {
        match request {
            GossipRequest::Rumor => {
                self.started += 1;
                let rumor = RumorId {
                    origin: self.id,
                    n: self.started,
                };
                self.rumors.insert(
                    rumor,
                    Known {
                        round: self.round,
                        hot: true,
                        misses: 0,
                    },
                );
                cx.observe(GossipEvent::Started {
                    rumor,
                    round: self.round,
                });
                cx.respond(op, GossipResponse { rumor });
            }
        }
    }

    fn durable(&self) -> GossipDurable {
        GossipDurable {
            rumors: self.rumors.clone(),
            started: self.started,
            sent: self.sent,
            incarnation: self.swim.as_ref().map_or(0, |s| s.members.incarnation),
        }
    }

    fn view(&self) -> GossipView {
        GossipView {
            round: self.round,
            rumors: self.rumors.iter().map(|(r, k)| (*r, *k)).collect(),
            sent: self.sent,
            swim: self.swim.as_ref().map(|s| SwimView {
                incarnation: s.members.incarnation,
                exceptions: s.members.exceptions().collect(),
                probing: s.probe.filter(|p| !p.acked).map(|p| p.target),
            }),
        }
    }

    fn badge(&self) -> Badge {
        let role = match self.rumors.values().next_back() {
            None => "uninformed",
            Some(k) if k.hot => "spreading",
            Some(_) => "removed",
        };
        Badge {
            role,
            caption: format!("{} rumors", self.rumors.len()),
        }
    }

    fn request_label(request: &GossipRequest) -> String {
        match request {
            GossipRequest::Rumor => "start a rumor".into(),
        }
    }

    fn rumor() -> Option<GossipRequest> {
        Some(GossipRequest::Rumor)
    }

    fn implied_commands(_: &GossipParams, schedule: &[Scheduled]) -> Vec<Scheduled> {
        let named = schedule
            .iter()
            .any(|s| matches!(s.command, Command::Rumor { .. }));
        if named {
            Vec::new()
        } else {
            vec![Scheduled {
                at: Time::ZERO,
                command: Command::Rumor { node: NodeId(0) },
            }]
        }
    }
}

impl Gossip {
    /// A pull told this node what the asker knows: every rumor it spreads
    /// that the asker already had is an unnecessary contact.
    fn contacted_by(&mut self, cx: &mut Context<'_, Self>, known: &[RumorId]) {
        if self.params.stop_after.is_none() {
            return;
        }
        for r in self.spreading() {
            if known.contains(&r) {
                self.miss(cx, r);
            }
        }
    }
}

/// A node never forgets a rumor it learned (the rumors are its data, kept
/// through crashes).
pub const RUMORS_KEPT: &str = "Rumors Kept";

/// A node keeps the rumors it knows only in memory: back from a crash it
/// knows none, and must hear them again (an epidemic's "removed" nodes
/// stay removed only if they remember, Demers et al. 1987).
pub const FORGET_RUMORS: &str = "forget_rumors";
/// A SWIM member back from a crash starts again at incarnation 0, so it
/// cannot refute a suspicion raised at a higher one (SWIM §4.2: a member
/// refutes with a higher incarnation, which must survive).
pub const FORGET_INCARNATION: &str = "forget_incarnation";

/// A node passes the rumors it heard on under its own name, as if it had
/// started them: an update is stamped once, where it is made, and every
/// copy keeps that stamp (Demers et al. 1987, §1.1: `Update[v]` sets
/// `(v, Now[])` at the site where a client makes it; the epidemic copies
/// value and timestamp alike).
pub const RESTAMP_RUMORS: &str = "restamp_rumors";

/// Gossip's textbook bugs.
pub const BUGS: &[crate::bug::Bug] = &[
    crate::bug::Bug {
        name: FORGET_RUMORS,
        breaks: &[RUMORS_KEPT],
        about: "A node forgets the rumors it knew when it crashes (Demers et al. 1987)",
        needs: &[],
    },
    crate::bug::Bug {
        name: FORGET_INCARNATION,
        breaks: &[INCARNATIONS_GROW],
        about: "A SWIM member restarts at incarnation 0 and cannot refute a suspicion (SWIM §4.2)",
        // Only SWIM members have incarnations.
        needs: &[crate::bug::Need::Mode("swim")],
    },
    crate::bug::Bug {
        name: RESTAMP_RUMORS,
        breaks: &[RUMORS_HAVE_ORIGINS],
        about: "A node passes rumors on under its own name instead of their origin's stamp (Demers et al. 1987, §1.1)",
        needs: &[],
    },
];
/// Every rumor a node knows was started by its origin.
pub const RUMORS_HAVE_ORIGINS: &str = "Rumors Have Origins";
/// A node's own SWIM incarnation never goes back.
pub const INCARNATIONS_GROW: &str = "Incarnations Grow";

/// The gossip invariants' history: what each node knew, and what was
/// started, indexed by node id (ids are dense, and this runs after every
/// event, so a vector beats a map).
#[derive(Clone, Debug, Default)]
pub struct GossipChecker {
    last: Vec<(usize, u64)>,
    started: Vec<u32>,
}

impl Checker<Gossip> for GossipChecker {
    const NAMES: &'static [&'static str] = &[RUMORS_KEPT, RUMORS_HAVE_ORIGINS, INCARNATIONS_GROW];

    fn after_event(&mut self, now: Time, node: NodeId, g: &Gossip, out: &mut Vec<Violation>) {
        let inc = g.swim.as_ref().map_or(0, |s| s.members.incarnation);
        let count = g.rumors.len();
        let i = node.0 as usize;
        if self.last.len() <= i {
            self.last.resize(i + 1, (0, 0));
            self.started.resize(i + 1, 0);
        }
        self.started[i] = self.started[i].max(g.started);
        let (last_count, last_inc) = self.last[i];
        if count < last_count {
            out.push(Violation {
                invariant: RUMORS_KEPT,
                at: now,
                detail: format!("{node} knew {last_count} rumors, now {count}"),
            });
        }
        if count != last_count {
            for r in g.rumors.keys() {
                if r.n > self.started.get(r.origin.0 as usize).copied().unwrap_or(0) {
                    out.push(Violation {
                        invariant: RUMORS_HAVE_ORIGINS,
                        at: now,
                        detail: format!("{node} knows rumor {r}, which {} never started", r.origin),
                    });
                }
            }
        }
        if inc < last_inc {
            out.push(Violation {
                invariant: INCARNATIONS_GROW,
                at: now,
                detail: format!("{node}'s incarnation went from {last_inc} to {inc}"),
            });
        }
        self.last[i] = (count, inc);
    }
}
