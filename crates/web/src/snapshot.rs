//! What one frame draws: typed views taken from the simulator once per
//! frame and handed to every component.

use faultline_core::net::DropReason;
use faultline_core::net::NetPreset;
use faultline_core::node::Badge;
use faultline_core::sim::{MessageView, NetworkView, NodeStatus, SimView};
use faultline_core::spacetime::Diagram;
use faultline_core::trace::{TraceEvent, TraceKind};
use faultline_core::{AnySim, NodeId, Time, Violation};
use std::any::Any;
use std::fmt::Debug;

/// Most lines the event log shows.
pub const LOG_LINES: usize = 80;
/// Most events the space-time diagram keeps.
pub const DIAGRAM_POINTS: usize = 2_000;
/// Most events the space-time diagram draws at once.
pub const DRAWN_POINTS: usize = 320;

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
#[derive(Debug, PartialEq)]
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
    /// Messages that died lately, marked where they died.
    pub drops: Vec<crate::drop_marks::DropMark>,
    /// The network.
    pub network: NetworkView,
    /// Names of the invariants checked.
    pub invariants: &'static [&'static str],
    /// Violations so far.
    pub violations: Vec<Violation>,
    /// The event log, newest first.
    pub log: Vec<LogLine>,
    /// What the event log's title adds (`newest first`).
    pub log_note: &'static str,
    /// The running lab's own part (its views and what it derives from them).
    pub part: Part,
    /// The space-time diagram of the newest events.
    pub diagram: Option<Diagram>,
    /// How much virtual time the diagram shows, in ms.
    pub diagram_span_ms: f64,
    /// The trace hash so far (32 hex digits), exposed for tests and sharing.
    pub trace_hash: String,
}

/// A lab's own part of a snapshot, read back by its type
/// ([`Snapshot::part`]); labs with nothing beyond the frame leave it empty.
#[derive(Debug, Default)]
pub struct Part(Option<Box<dyn PartData>>);

/// What a part holds: any comparable, printable value.
trait PartData: Debug {
    fn as_any(&self) -> &dyn Any;
    fn same(&self, other: &dyn PartData) -> bool;
}

impl<T: Any + Debug + PartialEq> PartData for T {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn same(&self, other: &dyn PartData) -> bool {
        other.as_any().downcast_ref::<T>() == Some(self)
    }
}

impl Part {
    /// A part holding `data`.
    pub fn of<T: Any + Debug + PartialEq>(data: T) -> Part {
        Part(Some(Box::new(data)))
    }
}

impl PartialEq for Part {
    fn eq(&self, other: &Part) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) => a.same(b.as_ref()),
            (None, None) => true,
            _ => false,
        }
    }
}

/// How a lab's frame is taken: the timer drawn as a ring round each node,
/// and what the event log leaves out.
#[derive(Clone, Copy, Debug, Default)]
pub struct FrameSpec<'a> {
    /// The timer drawn as a ring round each node, with its full scale in µs.
    pub ring: Option<(&'a str, u64)>,
    /// Timers that fire every period (the event log leaves them out).
    pub routine_timers: &'a [&'a str],
    /// Message kinds too routine to log on delivery.
    pub routine_messages: &'a [&'a str],
    /// What the event log's title adds.
    pub log_note: &'static str,
}

/// Trace entries read to build a diagram from the trace (enough for the
/// visible window).
const DIAGRAM_TRACE: usize = 4_000;

impl Snapshot {
    /// The nodes that have not left, in id order.
    pub fn present_ids(&self) -> Vec<NodeId> {
        self.nodes
            .iter()
            .filter(|n| n.status != faultline_core::sim::NodeStatus::Removed)
            .map(|n| n.id)
            .collect()
    }

    /// Adds the space-time diagram of the newest trace events (sends,
    /// deliveries, drops, timers), for a lab whose protocol reports no
    /// events of its own.
    pub fn add_trace_diagram(&mut self, sim: &AnySim, nodes: usize) {
        let recent: Vec<&TraceEvent> = sim.trace().rev().take(DIAGRAM_TRACE).collect();
        let mut d = Diagram::from_trace(recent.into_iter().rev(), nodes);
        d.keep_last(DIAGRAM_POINTS);
        self.diagram_span_ms = visible_span(&d, self.now, 500.0);
        self.diagram = Some(d);
    }

    /// The running lab's part, if it is of type `T`.
    pub fn part<T: Any>(&self) -> Option<&T> {
        self.part.0.as_ref()?.as_any().downcast_ref()
    }

    /// Takes the snapshot of `sim` as its lab shows it, the space-time
    /// diagram only when `diagram` is on (a fresh look, for tests).
    #[cfg(test)]
    pub fn of(sim: &AnySim, diagram: bool) -> Snapshot {
        crate::labs::entry(sim.protocol())
            .map(|e| (e.start)().snapshot(sim, diagram, true))
            .expect("the lab is compiled in")
    }

    /// A frame with no nodes drawn, for a run its lab cannot read (never
    /// expected: the shell starts the lab of the run's protocol).
    pub fn bare(sim: &AnySim) -> Snapshot {
        let view: SimView<()> = SimView {
            now: sim.now(),
            horizon: sim.horizon(),
            events: sim.events(),
            nodes: Vec::new(),
            messages: Vec::new(),
            clients: Vec::new(),
            network: NetworkView {
                link: NetPreset::Region.params(),
                links: Vec::new(),
                groups: Vec::new(),
                cuts: Vec::new(),
                blocked: Vec::new(),
            },
        };
        Snapshot::frame(sim, &view, FrameSpec::default())
    }

    /// The generic frame: nodes, messages, network, invariants, event log.
    pub fn frame<V>(sim: &AnySim, view: &SimView<V>, spec: FrameSpec<'_>) -> Snapshot {
        let now = view.now;
        let nodes = view
            .nodes
            .iter()
            .map(|n| TopoNode {
                id: n.id,
                status: n.status,
                badge: n.badge.clone(),
                ring: spec.ring.and_then(|(name, full)| {
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
            .filter_map(|e| log_line(e, &spec))
            .take(LOG_LINES)
            .collect();
        let drops = if view.nodes.len() <= crate::drop_marks::MAX_NODES {
            // A mark stays for three of the slowest flights (30 ms at least).
            let slowest = view.network.link.latency.1;
            crate::drop_marks::recent(sim, now, (3 * slowest).max(30_000), 10 * slowest)
        } else {
            Vec::new()
        };
        Snapshot {
            now,
            horizon: view.horizon,
            events: view.events,
            nodes,
            messages: view.messages.clone(),
            drops,
            network: view.network.clone(),
            invariants: sim.invariant_names(),
            violations: sim.violations().to_vec(),
            log,
            log_note: if spec.log_note.is_empty() {
                "newest first"
            } else {
                spec.log_note
            },
            part: Part::default(),
            diagram: None,
            diagram_span_ms: 500.0,
            trace_hash: sim.trace_hash().hex(),
        }
    }
}

/// How much time the diagram shows: `default_ms`, narrowed when more than
/// [`DRAWN_POINTS`] events fall in it, so a busy run stays legible and cheap
/// to draw (all [`DIAGRAM_POINTS`] stay in the model for causal cones).
pub fn visible_span(d: &Diagram, now: Time, default_ms: f64) -> f64 {
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

fn log_line(e: &TraceEvent, spec: &FrameSpec<'_>) -> Option<LogLine> {
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
            if spec.routine_messages.contains(message) {
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
        TraceKind::Timer { timer, .. } if spec.routine_timers.contains(timer) => return None,
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
