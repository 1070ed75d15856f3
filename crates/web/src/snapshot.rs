//! What one frame draws: typed views taken from the simulator once per
//! frame and handed to every component.

use faultline_core::net::DropReason;
use faultline_core::node::Badge;
use faultline_core::protocols::raft::RaftView;
use faultline_core::sim::{MessageView, NetworkView, NodeStatus, SimView};
use faultline_core::trace::TraceKind;
use faultline_core::{AnySim, NodeId, Time, Violation};

/// Most lines the event log shows.
pub const LOG_LINES: usize = 80;

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
    /// The election timeout's upper bound (scale of the timer ring), in µs.
    pub ring_full: u64,
    /// The trace hash so far (32 hex digits), exposed for tests and sharing.
    pub trace_hash: String,
}

impl Snapshot {
    /// Takes the snapshot of `sim`. The browser lab runs Raft today; other
    /// protocols are refused before a simulation is built (see `app::build`),
    /// so they get an empty frame here.
    pub fn of(sim: &AnySim) -> Snapshot {
        match sim {
            AnySim::Raft(s) => Snapshot::of_raft(sim, s),
            AnySim::Clocks(_) => Snapshot::empty(sim),
        }
    }

    fn empty(sim: &AnySim) -> Snapshot {
        Snapshot {
            now: sim.now(),
            horizon: sim.horizon(),
            events: sim.events(),
            nodes: Vec::new(),
            messages: Vec::new(),
            network: NetworkView {
                link: Default::default(),
                groups: Vec::new(),
                cuts: Vec::new(),
                blocked: Vec::new(),
            },
            invariants: sim.invariant_names(),
            violations: sim.violations().to_vec(),
            log: Vec::new(),
            raft: None,
            ring_full: 1,
            trace_hash: sim.trace_hash().hex(),
        }
    }

    fn of_raft(
        sim: &AnySim,
        s: &faultline_core::Sim<faultline_core::protocols::raft::Raft>,
    ) -> Snapshot {
        let view = s.view();
        let ring_full = s.params().election_timeout_ms[1] * 1000;
        let now = view.now;
        let nodes = view
            .nodes
            .iter()
            .map(|n| TopoNode {
                id: n.id,
                status: n.status,
                badge: n.badge.clone(),
                ring: n
                    .timers
                    .iter()
                    .find(|t| t.name == "election")
                    .map(|t| ((t.at - now) as f64 / ring_full as f64).clamp(0.0, 1.0)),
            })
            .collect();
        let mut log: Vec<LogLine> = s
            .checker()
            .leaders()
            .filter(|l| l.at <= now)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .take(LOG_LINES)
            .map(|l| LogLine {
                seq: u64::MAX - l.term,
                at: l.at,
                text: format!("{} became leader of term {}", l.node, l.term),
                class: "leader",
            })
            .collect();
        log.extend(sim.trace().rev().filter_map(log_line).take(LOG_LINES));
        log.sort_by(|a, b| b.at.cmp(&a.at).then(b.seq.cmp(&a.seq)));
        log.truncate(LOG_LINES);
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
            raft: Some(view),
            ring_full,
            trace_hash: sim.trace_hash().hex(),
        }
    }
}

fn log_line(e: &faultline_core::trace::TraceEvent) -> Option<LogLine> {
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
        TraceKind::Timer { timer, .. } if *timer == "heartbeat" => return None,
        TraceKind::Timer { node, timer } => (format!("{node}: {timer} timer fired"), "timer"),
        TraceKind::Request { node, summary, .. } => {
            (format!("client → {node}: {summary}"), "client")
        }
        TraceKind::Reply { node, summary, .. } => (format!("{node} → client: {summary}"), "client"),
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
