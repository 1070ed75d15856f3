//! The model behind a space-time (Lamport) diagram: one lane per node, one
//! point per event on it, one arrow per message from its send point to its
//! receive point (Lamport, "Time, Clocks, and the Ordering of Events in a
//! Distributed System", CACM 1978, Fig. 1).
//!
//! A [`Diagram`] is built either from any protocol's trace
//! ([`Diagram::from_trace`]), where the stamps are computed here from the
//! happens-before relation of the trace, or from the clocks protocol's own
//! observations (`Diagram::from_clock_events`, in the clocks protocol), where the points carry the
//! protocol's stamps. It answers which points lie in an event's causal past
//! and future ([`Diagram::cone`]), trims itself for a live view
//! ([`Diagram::keep_last`]) and exports the run for ShiViz
//! ([`Diagram::shiviz`]).
//!
//! Point ids are positions in [`Diagram::points`]: every constructor and
//! [`Diagram::keep_last`] keep them dense, from 0.

use crate::causality::{Hlc, Relation, VClock};
use crate::id::{MsgId, NodeId};
use crate::net::DropReason;
use crate::sortedmap::SortedMap;
use crate::time::Time;
use crate::trace::{TraceEvent, TraceKind};
use serde::Serialize;
use std::fmt::Write as _;

/// Most lanes a diagram has: a larger `nodes` argument is clamped to this,
/// so a bad argument cannot allocate huge vectors.
pub const MAX_LANES: usize = 256;

/// The parsing regular expression ShiViz is given on the first line of an
/// exported log: the named groups `host`, `event` and `clock` it requires.
pub const SHIVIZ_REGEX: &str = r"(?<host>\S*) (?<event>.*) (?<clock>{.*})";

/// What an event on a lane is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    /// A local event (a timer, a client request, a start).
    Local,
    /// A message left the node.
    Send,
    /// A message arrived at the node.
    Recv,
}

impl Mark {
    /// The mark's name (`"local"`, `"send"`, `"recv"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Mark::Local => "local",
            Mark::Send => "send",
            Mark::Recv => "recv",
        }
    }
}

/// One event on a node's lane.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Point {
    /// Its id: its position in [`Diagram::points`].
    pub id: usize,
    /// The lane (node) it is on.
    pub node: NodeId,
    /// When it happened (real virtual time).
    pub at: Time,
    /// Local, send or receive.
    pub mark: Mark,
    /// One line describing it.
    pub label: String,
    /// Its Lamport timestamp (Lamport 1978, IR1 and IR2).
    pub lamport: u64,
    /// Its vector clock, one counter per lane.
    pub vector: Vec<u64>,
    /// Its hybrid logical clock, when the protocol keeps one.
    pub hlc: Option<Hlc>,
}

/// A message: from its send point to its receive point; `to` is None while
/// in flight or when dropped.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Arrow {
    /// The send point's id.
    pub from: usize,
    /// The receive point's id, once it arrived.
    pub to: Option<usize>,
    /// The node it is addressed to.
    pub to_node: NodeId,
    /// When it left.
    pub sent_at: Time,
    /// When it arrives (or arrived, or was due when it was dropped).
    pub deliver_at: Time,
    /// When it was found lost, if it was.
    pub dropped_at: Option<Time>,
}

/// The points that happened before a point, after it, and concurrently
/// with it (Lamport 1978, §2: a → b, b → a, or neither).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Cone {
    /// Ids of the points that happened before it, ascending.
    pub past: Vec<usize>,
    /// Ids of the points it happened before, ascending.
    pub future: Vec<usize>,
    /// Ids of the points concurrent with it, ascending.
    pub concurrent: Vec<usize>,
}

/// A space-time diagram: lanes, the points on them, and the arrows between.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Diagram {
    /// The lanes, top to bottom: nodes `0..nodes`.
    pub lanes: Vec<NodeId>,
    /// The points, in the order they happened.
    pub points: Vec<Point>,
    /// The arrows, by send point.
    pub arrows: Vec<Arrow>,
}

/// Builds points with stamps computed from happens-before: program order
/// per lane plus send → receive.
struct Builder {
    nodes: usize,
    last: Vec<Option<usize>>,
    d: Diagram,
}

impl Builder {
    fn new(nodes: usize) -> Builder {
        let nodes = nodes.min(MAX_LANES);
        Builder {
            nodes,
            last: vec![None; nodes],
            d: Diagram {
                lanes: lanes(nodes),
                points: Vec::new(),
                arrows: Vec::new(),
            },
        }
    }

    /// Adds a point on `node`'s lane; `after` is the send point of the
    /// message it receives. Returns its id, or `None` when `node` has no lane.
    fn point(
        &mut self,
        node: NodeId,
        at: Time,
        mark: Mark,
        label: String,
        after: Option<usize>,
    ) -> Option<usize> {
        let lane = node.0 as usize;
        let prev = *self.last.get(lane)?;
        let (mut lamport, mut vector) = match prev.and_then(|p| self.d.points.get(p)) {
            Some(p) => (p.lamport, p.vector.clone()),
            None => (0, vec![0; self.nodes]),
        };
        if let Some(send) = after.and_then(|s| self.d.points.get(s)) {
            // IR2: a receive is later than the send it receives.
            lamport = lamport.max(send.lamport);
            for (mine, theirs) in vector.iter_mut().zip(&send.vector) {
                *mine = (*mine).max(*theirs);
            }
        }
        // IR1: each event advances its process's clock.
        lamport = lamport.saturating_add(1);
        if let Some(own) = vector.get_mut(lane) {
            *own = own.saturating_add(1);
        }
        let id = self.d.points.len();
        self.d.points.push(Point {
            id,
            node,
            at,
            mark,
            label,
            lamport,
            vector,
            hlc: None,
        });
        if let Some(slot) = self.last.get_mut(lane) {
            *slot = Some(id);
        }
        Some(id)
    }

    /// Adds an open arrow from send point `from`; returns its index.
    fn arrow(&mut self, from: usize, to_node: NodeId, sent_at: Time, deliver_at: Time) -> usize {
        self.d.arrows.push(Arrow {
            from,
            to: None,
            to_node,
            sent_at,
            deliver_at,
            dropped_at: None,
        });
        self.d.arrows.len() - 1
    }
}

pub(crate) fn lanes(nodes: usize) -> Vec<NodeId> {
    (0..nodes.min(MAX_LANES))
        .map(|i| NodeId(u32::try_from(i).unwrap_or(u32::MAX)))
        .collect()
}

/// `text`, or `fallback` when it is empty.
fn or(text: &str, fallback: &str) -> String {
    if text.is_empty() {
        fallback.to_string()
    } else {
        text.to_string()
    }
}

/// How two vectors are ordered (missing counters count as 0), as
/// [`VClock::relation`](crate::causality::VClock::relation) does.
fn relation(a: &[u64], b: &[u64]) -> Relation {
    let (mut a_le_b, mut b_le_a) = (true, true);
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        if x > y {
            a_le_b = false;
        }
        if x < y {
            b_le_a = false;
        }
        if !a_le_b && !b_le_a {
            break;
        }
    }
    match (a_le_b, b_le_a) {
        (true, true) => Relation::Equal,
        (true, false) => Relation::Before,
        (false, true) => Relation::After,
        (false, false) => Relation::Concurrent,
    }
}

/// A label on one line (JavaScript's `.` stops at these characters).
fn one_line(label: &str, fallback: &str) -> String {
    let line: String = label
        .chars()
        .map(|c| match c {
            '\n' | '\r' | '\u{2028}' | '\u{2029}' => ' ',
            c => c,
        })
        .collect();
    if line.trim().is_empty() {
        fallback.to_string()
    } else {
        line
    }
}

impl Diagram {
    /// From any protocol's trace (the sim's in-memory window, oldest first):
    /// Timer, Request and Start entries are Local points on their node; Send
    /// entries are Send points on `from` (label = the summary) with an Arrow
    /// (deliver_at from the entry); Deliver entries are Recv points on `to`
    /// closing the arrow of the same MsgId; Drop entries set `dropped_at` on
    /// the arrow of that MsgId (a drop at send time, i.e. a Drop with no
    /// earlier Send of that msg, makes a Send point with an arrow dropped at
    /// once). Command/Ignored/Reply entries are not points.
    ///
    /// Lamport and vector stamps are computed from this happens-before
    /// (program order per lane + send → recv; Lamport 1978, IR1 and IR2),
    /// hlc = None. `nodes` = number of lanes (ids 0..nodes, at most
    /// [`MAX_LANES`]); vectors have that length, and entries on nodes
    /// without a lane are left out.
    ///
    /// Details: a window that starts mid-run may hold a Deliver whose Send
    /// it lost; that is a Recv point without an arrow. Only a partition can
    /// drop a message at send time, and message ids grow in send order, so
    /// a Drop with no earlier Send counts as a drop at send time only when
    /// its reason is a partition and its id is newer than every message
    /// seen so far; other such Drops (of messages sent before the window)
    /// are left out. An arrow's `deliver_at` moves later if the message
    /// arrived or was dropped later than the Send entry said (a delayed
    /// message). Linear in the entries (times the lanes, for the vectors).
    pub fn from_trace<'a>(trace: impl Iterator<Item = &'a TraceEvent>, nodes: usize) -> Diagram {
        let mut b = Builder::new(nodes);
        // Each message's send point and the index of its latest arrow.
        let mut sends: SortedMap<MsgId, (usize, usize)> = SortedMap::new();
        let mut newest: Option<MsgId> = None;
        for e in trace {
            let at = e.at;
            match &e.kind {
                TraceKind::Start { node } => {
                    b.point(*node, at, Mark::Local, "start".into(), None);
                }
                TraceKind::Timer { node, timer } => {
                    b.point(*node, at, Mark::Local, format!("timer {timer}"), None);
                }
                TraceKind::Request { node, summary, .. } => {
                    let label = if summary.is_empty() {
                        "request".to_string()
                    } else {
                        format!("request {summary}")
                    };
                    b.point(*node, at, Mark::Local, label, None);
                }
                TraceKind::Send {
                    from,
                    to,
                    msg,
                    message,
                    summary,
                    deliver_at,
                } => {
                    newest = newest.max(Some(*msg));
                    let label = or(summary, message);
                    if let Some(p) = b.point(*from, at, Mark::Send, label, None) {
                        let a = b.arrow(p, *to, at, (*deliver_at).max(at));
                        sends.insert(*msg, (p, a));
                    }
                }
                TraceKind::Deliver {
                    to,
                    msg,
                    message,
                    summary,
                    ..
                } => {
                    let send = sends.get(msg).copied();
                    let label = or(summary, message);
                    let Some(r) = b.point(*to, at, Mark::Recv, label, send.map(|s| s.0)) else {
                        continue;
                    };
                    let Some((s, a)) = send else {
                        continue;
                    };
                    let open =
                        b.d.arrows
                            .get(a)
                            .filter(|x| x.to.is_none() && x.dropped_at.is_none())
                            .is_some();
                    if open {
                        if let Some(x) = b.d.arrows.get_mut(a) {
                            x.to = Some(r);
                            x.deliver_at = x.deliver_at.max(at);
                        }
                    } else {
                        // A second delivery of one message id (not made
                        // by the simulator, which gives copies new ids).
                        let sent_at = b.d.points.get(s).map_or(at, |p| p.at);
                        let n = b.arrow(s, *to, sent_at, at);
                        if let Some(x) = b.d.arrows.get_mut(n) {
                            x.to = Some(r);
                        }
                        sends.insert(*msg, (s, n));
                    }
                }
                TraceKind::Drop {
                    from,
                    to,
                    msg,
                    message,
                    reason,
                } => {
                    if let Some(&(_, a)) = sends.get(msg) {
                        if let Some(x) = b.d.arrows.get_mut(a) {
                            if x.to.is_none() && x.dropped_at.is_none() {
                                x.dropped_at = Some(at);
                                x.deliver_at = x.deliver_at.max(at);
                            }
                        }
                    } else if *reason == DropReason::Partition && newest < Some(*msg) {
                        newest = Some(*msg);
                        if let Some(p) = b.point(*from, at, Mark::Send, or("", message), None) {
                            let a = b.arrow(p, *to, at, at);
                            if let Some(x) = b.d.arrows.get_mut(a) {
                                x.dropped_at = Some(at);
                            }
                            sends.insert(*msg, (p, a));
                        }
                    }
                }
                TraceKind::Reply { .. } | TraceKind::Command { .. } | TraceKind::Ignored { .. } => {
                }
            }
        }
        b.d
    }

    /// Two concurrent points at or after `since` with L(a) < L(b), the
    /// pair with the widest Lamport gap: Lamport order is not causality
    /// (Lamport 1978, §3).
    pub fn lamport_limit(&self, since: Time) -> Option<(usize, usize)> {
        let shown: Vec<&Point> = self.points.iter().filter(|p| p.at >= since).collect();
        let mut best: Option<(u64, usize, usize)> = None;
        for a in &shown {
            for b in &shown {
                if a.lamport < b.lamport
                    && VClock(a.vector.clone()).relation(&VClock(b.vector.clone()))
                        == Relation::Concurrent
                {
                    let gap = b.lamport - a.lamport;
                    if best.is_none_or(|(g, _, _)| gap > g) {
                        best = Some((gap, a.id, b.id));
                    }
                }
            }
        }
        best.map(|(_, a, b)| (a, b))
    }

    /// The ids of the points that happened before / after point `id` (by
    /// vector comparison), and those concurrent. A point with a vector
    /// equal to `id`'s (only in hand-made input) is in none of the three;
    /// an unknown `id` gives an empty cone. O(points × lanes).
    pub fn cone(&self, id: usize) -> Cone {
        let mut cone = Cone::default();
        let Some(p) = self.points.get(id) else {
            return cone;
        };
        for (j, q) in self.points.iter().enumerate() {
            if j == id {
                continue;
            }
            match relation(&q.vector, &p.vector) {
                Relation::Before => cone.past.push(j),
                Relation::After => cone.future.push(j),
                Relation::Concurrent => cone.concurrent.push(j),
                Relation::Equal => {}
            }
        }
        cone
    }

    /// Keeps only the newest `max` points (and arrows whose both ends, or
    /// open send end, survive), re-numbering ids densely. Stamps are kept
    /// as they were.
    pub fn keep_last(&mut self, max: usize) {
        let cut = self.points.len().saturating_sub(max);
        self.points.drain(..cut);
        let mut renumber: SortedMap<usize, usize> = SortedMap::new();
        for (i, p) in self.points.iter_mut().enumerate() {
            renumber.entry(p.id).or_insert(i);
            p.id = i;
        }
        self.arrows.retain_mut(|a| {
            let Some(&from) = renumber.get(&a.from) else {
                return false;
            };
            let to = match a.to {
                Some(t) => match renumber.get(&t) {
                    Some(&t) => Some(t),
                    None => return false,
                },
                None => None,
            };
            a.from = from;
            a.to = to;
            true
        });
    }

    /// The run in ShiViz's log format: first line is the parsing regular
    /// expression ([`SHIVIZ_REGEX`]), then a blank line (ShiViz reads the
    /// second line as the delimiter between executions; blank: one
    /// execution), then one line per point: `n<node> <label> {"n0":1,"n2":3}`
    /// — host then the vector clock as JSON keyed by host name, omitting zero
    /// entries, one event per line, in an order consistent with
    /// happens-before (by the sum of the vector, then id).
    ///
    /// ShiViz requires each host's own counter to start at 1 and rise by 1,
    /// and every counter to name an event in the log. After
    /// [`Diagram::keep_last`] the oldest events are gone, so each host's
    /// counters are shifted down by the events of it that were cut (the
    /// clocks of the kept events as if the run began there); a full diagram
    /// is exported with its vectors unchanged. Labels are put on one line.
    pub fn shiviz(&self) -> String {
        // Per lane: how many of its events were cut (first own counter - 1).
        let mut base: SortedMap<usize, u64> = SortedMap::new();
        for p in &self.points {
            let lane = p.node.0 as usize;
            let own = p.vector.get(lane).copied().unwrap_or(0);
            let b = base.entry(lane).or_insert(u64::MAX);
            *b = (*b).min(own.saturating_sub(1));
        }
        let mut order: Vec<(u128, usize)> = self
            .points
            .iter()
            .enumerate()
            .map(|(i, p)| (p.vector.iter().map(|&v| u128::from(v)).sum(), i))
            .collect();
        crate::sorting::sort(&mut order);
        let mut out = String::with_capacity(64 + self.points.len() * 48);
        out.push_str(SHIVIZ_REGEX);
        out.push_str("\n\n");
        for (_, i) in order {
            let Some(p) = self.points.get(i) else {
                continue;
            };
            let _ = write!(out, "{} {} {{", p.node, one_line(&p.label, p.mark.as_str()));
            let mut first = true;
            for (lane, &v) in p.vector.iter().enumerate() {
                let v = base.get(&lane).map_or(0, |&b| v.saturating_sub(b));
                if v == 0 {
                    continue;
                }
                if !first {
                    out.push(',');
                }
                first = false;
                let _ = write!(out, "\"n{lane}\":{v}");
            }
            out.push_str("}\n");
        }
        out
    }
}
