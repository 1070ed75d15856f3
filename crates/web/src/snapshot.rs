//! What one frame draws: typed views taken from the simulator once per
//! frame and handed to every component.

use faultline_core::linearizability::Verdict;
use faultline_core::net::DropReason;
use faultline_core::node::Badge;
use faultline_core::protocols::clocks::ClocksView;
use faultline_core::protocols::gossip::{
    self, Detection, GossipParams, GossipView, Health, RumorId, RumorStats, Spread,
};
use faultline_core::protocols::quorum::{self, HistoryEntry, Quorum, QuorumParams, QuorumView};
use faultline_core::protocols::raft::RaftView;
use faultline_core::protocols::ring::{RingParams, RingView};
use faultline_core::sim::{MessageView, NetworkView, NodeStatus, SimView};
use faultline_core::spacetime::Diagram;
use faultline_core::trace::{TraceEvent, TraceKind};
use faultline_core::{AnySim, NodeId, Time, Violation};
use std::collections::BTreeMap;
use std::rc::Rc;

/// Most lines the event log shows.
pub const LOG_LINES: usize = 80;
/// Most events the space-time diagram keeps.
pub const DIAGRAM_POINTS: usize = 2_000;
/// Most events the space-time diagram draws at once.
pub const DRAWN_POINTS: usize = 320;
/// Timers that fire every period; the event log leaves them out.
const ROUTINE_TIMERS: &[&str] = &["heartbeat", "round", "ping_timeout", "rebalance"];
/// Trace entries read to build a diagram from a protocol's trace.
const DIAGRAM_TRACE: usize = 4_000;

/// A node as the topology draws it (any protocol).
#[derive(Clone, Debug, PartialEq)]
pub struct TopoNode {
    /// Its id.
    pub id: NodeId,
    /// Up, paused, crashed, removed.
    pub status: NodeStatus,
    /// Role and caption.
    pub badge: Badge,
    /// Fraction (0 to 1) of the ring timer left, if it is set.
    pub ring: Option<f64>,
}

/// One line of the event log.
#[derive(Clone, Debug, PartialEq)]
pub struct LogLine {
    /// Position in the trace (a stable key).
    pub seq: u64,
    /// When.
    pub at: Time,
    /// What, in words.
    pub text: String,
    /// A CSS class (`command`, `drop`, `leader`, …).
    pub class: &'static str,
}

/// Everything a frame draws.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    /// Virtual time.
    pub now: Time,
    /// The latest time reached.
    pub horizon: Time,
    /// Events processed.
    pub events: u64,
    /// Nodes for the topology.
    pub nodes: Vec<TopoNode>,
    /// Messages in flight.
    pub messages: Vec<MessageView>,
    /// The network.
    pub network: NetworkView,
    /// Names of the invariants checked.
    pub invariants: &'static [&'static str],
    /// Violations so far.
    pub violations: Vec<Violation>,
    /// The event log, newest first.
    pub log: Vec<LogLine>,
    /// The Raft view, when Raft runs.
    pub raft: Option<SimView<RaftView>>,
    /// The clocks lab's data, when the clocks protocol runs.
    pub clocks: Option<ClocksLab>,
    /// The gossip lab's data, when gossip runs.
    pub gossip: Option<GossipLab>,
    /// The ring lab's per-node data, when the hash ring runs (the
    /// cluster-wide status and the placement analysis are cached by the app).
    pub ring: Option<RingLab>,
    /// The quorum lab's data, when the quorum store runs.
    pub quorum: Option<QuorumLab>,
    /// The space-time diagram of the newest events.
    pub diagram: Option<Diagram>,
    /// How much virtual time the diagram shows, in ms.
    pub diagram_span_ms: f64,
    /// The trace hash so far (32 hex digits), exposed for tests and sharing.
    pub trace_hash: String,
}

/// What the ring lab reads every frame.
#[derive(Clone, Debug, PartialEq)]
pub struct RingLab {
    /// The run's parameters.
    pub params: RingParams,
    /// Every node's view.
    pub view: SimView<RingView>,
}

/// One gossiping node as the canvas draws it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GossipDot {
    /// Its id.
    pub id: NodeId,
    /// Up, paused, crashed, removed.
    pub status: NodeStatus,
    /// Where it stands with the rumor in focus.
    pub spread: Spread,
    /// What the live members believe of it (SWIM): dead when most of them
    /// declared it dead, suspect when any suspects it or declared it dead.
    pub health: Health,
    /// Its side of the partition, if there is one.
    pub side: Option<usize>,
}

/// What the gossip lab draws beyond the generic frame.
#[derive(Clone, Debug, PartialEq)]
pub struct GossipLab {
    /// The run's parameters.
    pub params: GossipParams,
    /// Every node, in id order.
    pub dots: Vec<GossipDot>,
    /// The rumor the colors show: the newest one started.
    pub focus: Option<RumorId>,
    /// How every rumor spread so far.
    pub rumors: Vec<RumorStats>,
    /// SWIM's death declarations so far.
    pub detections: Vec<Detection>,
    /// When each crash happened (node, ms), for detection times.
    pub crashes: Vec<(NodeId, f64)>,
    /// Every node's view (the selected node's panel reads it).
    pub view: SimView<GossipView>,
}

/// The linearizability checker's verdict on a history.
#[derive(Clone, Debug, PartialEq)]
pub struct Checked {
    /// How many history entries it covered (a prefix of the history).
    pub entries: usize,
    /// The verdict; offending operations are indices into the history.
    pub verdict: Verdict,
}

/// What the quorum lab draws beyond the generic frame.
#[derive(Clone, Debug, PartialEq)]
pub struct QuorumLab {
    /// The run's parameters.
    pub params: QuorumParams,
    /// Every node's stored keys, hints, coordinations and clients.
    pub view: SimView<QuorumView>,
    /// Every client operation so far, in invocation order.
    pub history: Rc<Vec<HistoryEntry>>,
    /// The checker's verdict on the history (filled in by
    /// [`LinearizabilityCache`], which runs the checker only when the
    /// history changed).
    pub checked: Option<Rc<Checked>>,
}

impl QuorumLab {
    fn of(s: &faultline_core::Sim<Quorum>, view: SimView<QuorumView>) -> QuorumLab {
        QuorumLab {
            params: s.params().clone(),
            view,
            history: Rc::new(quorum::history(s.observations())),
            checked: None,
        }
    }

    /// The members, in id order (what preference lists are taken over).
    pub fn members(&self) -> Vec<NodeId> {
        self.view.nodes.iter().map(|n| n.id).collect()
    }

    /// The key's preference list: the N replicas that hold it.
    pub fn replicas(&self, key: &str) -> Vec<NodeId> {
        quorum::preference_list(key, &self.members(), self.params.n as usize)
    }

    /// The offending operations, if the history is not linearizable.
    pub fn offending(&self) -> &[usize] {
        match self.checked.as_deref().map(|c| &c.verdict) {
            Some(Verdict::NotLinearizable { offending }) => offending,
            _ => &[],
        }
    }
}

/// Runs the linearizability checker on the quorum lab's history only when
/// the history changed, and at most every [`LinearizabilityCache::PERIOD_MS`]
/// of wall time while it keeps changing (the search can be costly); in
/// between, the last verdict stands, with the prefix it covered.
#[derive(Default)]
pub struct LinearizabilityCache {
    last: Option<(Rc<Vec<HistoryEntry>>, Rc<Checked>)>,
    at: f64,
}

impl LinearizabilityCache {
    /// The shortest wall time between two checks while the lab plays, ms.
    pub const PERIOD_MS: f64 = 250.0;

    /// Fills in the verdict of `snap`'s quorum lab; `now` checks at once if
    /// the history changed, whatever the period.
    pub fn fill(&mut self, snap: &mut Snapshot, now: bool) {
        let Some(lab) = snap.quorum.as_mut() else {
            self.last = None;
            return;
        };
        let wall = crate::perf::wall_ms();
        let checked = match &self.last {
            Some((h, c)) if **h == *lab.history => c.clone(),
            Some((_, c))
                if !now && wall - self.at < Self::PERIOD_MS && c.entries <= lab.history.len() =>
            {
                c.clone()
            }
            _ => {
                let history = lab.history.clone();
                let verdict = crate::perf::measure("faultline-linearizability", || {
                    quorum::check_linearizable(&history)
                });
                let c = Rc::new(Checked {
                    entries: history.len(),
                    verdict,
                });
                self.last = Some((history, c.clone()));
                self.at = wall;
                c
            }
        };
        lab.checked = Some(checked);
    }
}

/// What the clocks lab draws beyond the generic frame.
#[derive(Clone, Debug, PartialEq)]
pub struct ClocksLab {
    /// Every process's clocks and registers.
    pub view: SimView<ClocksView>,
}

impl Snapshot {
    /// Takes the snapshot of `sim`: the generic frame every protocol has,
    /// plus what its own panels read; the space-time diagram only when
    /// `diagram` is on.
    pub fn of(sim: &AnySim, diagram: bool) -> Snapshot {
        match sim {
            AnySim::Raft(s) => {
                let view = s.view();
                let ring_full = s.params().election_timeout_ms[1] * 1000;
                let mut snap = Snapshot::frame(sim, &view, Some(("election", ring_full)));
                let now = view.now;
                let leaders: Vec<_> = s.checker().leaders().filter(|l| l.at <= now).collect();
                snap.log
                    .extend(leaders.iter().rev().take(LOG_LINES).map(|l| LogLine {
                        seq: u64::MAX - l.term,
                        at: l.at,
                        text: format!("{} became leader of term {}", l.node, l.term),
                        class: "leader",
                    }));
                snap.log
                    .sort_by(|a, b| b.at.cmp(&a.at).then(b.seq.cmp(&a.seq)));
                snap.log.truncate(LOG_LINES);
                if !diagram {
                    snap.raft = Some(view);
                    return snap;
                }
                // The newest trace entries: enough for the visible window.
                let recent: Vec<&TraceEvent> = sim.trace().rev().take(DIAGRAM_TRACE).collect();
                let mut diagram = Diagram::from_trace(recent.into_iter().rev(), view.nodes.len());
                diagram.keep_last(DIAGRAM_POINTS);
                snap.diagram_span_ms = visible_span(&diagram, now, 500.0);
                snap.diagram = Some(diagram);
                snap.raft = Some(view);
                snap
            }
            AnySim::Gossip(s) => {
                let view = s.view();
                let mut snap = Snapshot::frame(sim, &view, None);
                snap.gossip = Some(GossipLab::of(s, view, &snap.network.groups));
                snap
            }
            AnySim::Clocks(s) => {
                let view = s.view();
                let mut snap = Snapshot::frame(sim, &view, None);
                if !diagram {
                    snap.clocks = Some(ClocksLab { view });
                    return snap;
                }
                let events = s.observations();
                let recent = &events[events.len().saturating_sub(DIAGRAM_POINTS)..];
                let mut diagram = Diagram::from_clock_events(recent, view.nodes.len(), &[]);
                // Open arrows are messages still in flight: give them their
                // arrival time, matched by sender, receiver and send time.
                for a in diagram
                    .arrows
                    .iter_mut()
                    .filter(|a| a.to.is_none() && a.dropped_at.is_none())
                {
                    let from = diagram.points.get(a.from).map(|p| p.node);
                    if let Some(m) = view.messages.iter().find(|m| {
                        Some(m.from) == from && m.to == a.to_node && m.sent_at == a.sent_at
                    }) {
                        a.deliver_at = m.deliver_at;
                    }
                }
                diagram.keep_last(DIAGRAM_POINTS);
                snap.diagram_span_ms = visible_span(&diagram, view.now, 1500.0);
                snap.diagram = Some(diagram);
                snap.clocks = Some(ClocksLab { view });
                snap
            }
            AnySim::Quorum(s) => {
                let view = s.view();
                let mut snap = Snapshot::frame(sim, &view, None);
                snap.quorum = Some(QuorumLab::of(s, view));
                snap
            }
            AnySim::Ring(s) => {
                let view = s.view();
                let mut snap = Snapshot::frame(sim, &view, None);
                snap.ring = Some(RingLab {
                    params: s.params().clone(),
                    view,
                });
                snap
            }
        }
    }

    /// The generic frame: nodes, messages, network, invariants, event log.
    /// `ring` names the timer drawn as a ring round each node, with its
    /// full scale in µs.
    fn frame<V>(sim: &AnySim, view: &SimView<V>, ring: Option<(&str, u64)>) -> Snapshot {
        let now = view.now;
        let nodes = view
            .nodes
            .iter()
            .map(|n| TopoNode {
                id: n.id,
                status: n.status,
                badge: n.badge.clone(),
                ring: ring.and_then(|(name, full)| {
                    n.timers
                        .iter()
                        .find(|t| t.name == name)
                        .map(|t| ((t.at - now) as f64 / full.max(1) as f64).clamp(0.0, 1.0))
                }),
            })
            .collect();
        let log = sim
            .trace()
            .rev()
            .filter_map(log_line)
            .take(LOG_LINES)
            .collect();
        Snapshot {
            now,
            horizon: view.horizon,
            events: view.events,
            nodes,
            messages: view.messages.clone(),
            network: view.network.clone(),
            invariants: sim.invariant_names(),
            violations: sim.violations().to_vec(),
            log,
            raft: None,
            clocks: None,
            gossip: None,
            quorum: None,
            ring: None,
            diagram: None,
            diagram_span_ms: 500.0,
            trace_hash: sim.trace_hash().hex(),
        }
    }
}

/// How much time the diagram shows: `default_ms`, narrowed when more than
/// [`DRAWN_POINTS`] events fall in it, so a busy run stays legible and cheap
/// to draw (all [`DIAGRAM_POINTS`] stay in the model for causal cones).
fn visible_span(d: &Diagram, now: Time, default_ms: f64) -> f64 {
    let n = d.points.len();
    if n <= DRAWN_POINTS {
        return default_ms;
    }
    // Halve the window until at most DRAWN_POINTS fall in it; halving keeps
    // the scale steady between frames.
    let cut = (now.as_ms() - d.points[n - DRAWN_POINTS].at.as_ms()).max(20.0);
    let mut span = default_ms;
    while span > cut && span / 2.0 >= 20.0 {
        span /= 2.0;
    }
    span
}

fn log_line(e: &TraceEvent) -> Option<LogLine> {
    let (text, class) = match &e.kind {
        TraceKind::Start { node } => (format!("{node} started"), "start"),
        TraceKind::Send { .. } => return None,
        TraceKind::Deliver {
            from,
            to,
            message,
            summary,
            ..
        } => {
            if *message == "Heartbeat" {
                return None;
            }
            (format!("{from} → {to}: {summary}"), "deliver")
        }
        TraceKind::Drop {
            from,
            to,
            message,
            reason,
            ..
        } => {
            let why = match reason {
                DropReason::Loss => "lost",
                DropReason::Partition => "cut by the partition",
                DropReason::DestinationDown => "receiver down",
                DropReason::DestinationPaused => "receiver paused",
                DropReason::Manual => "dropped by hand",
            };
            (format!("{from} → {to}: {message} {why}"), "drop")
        }
        // Routine timers would drown the log.
        TraceKind::Timer { timer, .. } if ROUTINE_TIMERS.contains(timer) => return None,
        TraceKind::Timer { node, timer } => (format!("{node}: {timer} timer fired"), "timer"),
        TraceKind::Request { node, summary, .. } => {
            (format!("client → {node}: {summary}"), "client")
        }
        TraceKind::Reply { node, summary, .. } => (format!("{node} → client: {summary}"), "client"),
        // A client command is logged by the request it makes.
        TraceKind::Command { op, .. } if *op == "client" => return None,
        TraceKind::Command { summary, .. } => (summary.clone(), "command"),
        TraceKind::Ignored { summary, .. } => (format!("skipped: {summary}"), "drop"),
    };
    Some(LogLine {
        seq: e.seq,
        at: e.at,
        text,
        class,
    })
}

impl GossipLab {
    fn of(
        s: &faultline_core::Sim<gossip::Gossip>,
        view: SimView<GossipView>,
        groups: &[Vec<NodeId>],
    ) -> GossipLab {
        let rumors = gossip::rumor_stats(s);
        let focus = rumors.last().map(|r| r.rumor);
        // What the live members believe of each node.
        let mut suspects: BTreeMap<NodeId, (u32, u32)> = BTreeMap::new();
        let mut live = 0u32;
        for n in view.nodes.iter().filter(|n| n.status == NodeStatus::Up) {
            live += 1;
            if let Some(swim) = n.state.as_ref().and_then(|g| g.swim.as_ref()) {
                for (target, health, _) in &swim.exceptions {
                    let e = suspects.entry(*target).or_default();
                    match health {
                        Health::Dead => e.1 += 1,
                        _ => e.0 += 1,
                    }
                }
            }
        }
        let side: BTreeMap<NodeId, usize> = groups
            .iter()
            .enumerate()
            .flat_map(|(i, g)| g.iter().map(move |id| (*id, i)))
            .collect();
        let dots = view
            .nodes
            .iter()
            .map(|n| {
                let health = match suspects.get(&n.id) {
                    Some(&(_, dead)) if 2 * dead > live => Health::Dead,
                    Some(_) => Health::Suspect,
                    None => Health::Alive,
                };
                GossipDot {
                    id: n.id,
                    status: n.status,
                    spread: match (focus, &n.state) {
                        (Some(r), Some(g)) => g.spread(r),
                        _ => Spread::Uninformed,
                    },
                    health,
                    side: side.get(&n.id).copied(),
                }
            })
            .collect();
        let crashes = s
            .schedule()
            .iter()
            .take_while(|c| c.at <= view.now)
            .filter_map(|c| match c.command {
                faultline_core::Command::Crash { node } => Some((node, c.at.as_ms())),
                _ => None,
            })
            .collect();
        GossipLab {
            params: s.params().clone(),
            dots,
            focus,
            rumors,
            detections: if s.params().swim.is_some() {
                gossip::detections(s)
            } else {
                Vec::new()
            },
            crashes,
            view,
        }
    }
}
