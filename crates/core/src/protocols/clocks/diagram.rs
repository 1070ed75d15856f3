//! The clocks protocol's own space-time diagram: points stamped with the
//! protocol's Lamport, vector and hybrid clocks rather than stamps computed
//! from the trace.

use super::{ClockEvent, EventKind, EventRef};
use crate::id::NodeId;
use crate::sim::Observed;
use crate::spacetime::{lanes, Arrow, Diagram, Mark, Point, MAX_LANES};
use crate::time::Time;
use crate::sortedmap::SortedMap;

impl Diagram {
    /// From the clocks protocol's own observations: points carry the
    /// protocol's stamps (lamport, vector, Some(hlc)); arrows join each Send
    /// to the Recv(s) naming it (a duplicated message has two receives: two
    /// arrows); a send with no receive yet has an open arrow (to None,
    /// deliver_at = sent_at; the caller may extend it); `in_flight` gives
    /// (EventRef of the send, deliver_at) for messages still travelling, to
    /// set their deliver_at.
    ///
    /// Details: point `i` is `events[i]` when every event is on a lane
    /// (`nodes` lanes, at most [`MAX_LANES`]; events on other nodes are left
    /// out). Vectors are the protocol's, padded with zeros to `nodes`
    /// counters. Each `in_flight` entry naming a send adds one open arrow
    /// with that deliver_at, also beside a closed one (one copy of a
    /// duplicated message arrived, the other is travelling); entries naming
    /// no send point are ignored, as are receives naming none. Arrows are
    /// ordered by send point, closed ones first.
    pub fn from_clock_events(
        events: &[Observed<ClockEvent>],
        nodes: usize,
        in_flight: &[(EventRef, Time)],
    ) -> Diagram {
        let nodes = nodes.min(MAX_LANES);
        let mut d = Diagram {
            lanes: lanes(nodes),
            points: Vec::new(),
            arrows: Vec::new(),
        };
        // Events arrive in time order, not key order: gather them and sort
        // once rather than insert each into the middle of a sorted map.
        let mut firsts: Vec<(EventRef, usize)> = Vec::new();
        // Per point: the receiver of a send, the send of a receive.
        let mut send_to: SortedMap<usize, NodeId> = SortedMap::new();
        let mut recv_of: Vec<(usize, EventRef)> = Vec::new();
        for o in events {
            if o.node.0 as usize >= nodes {
                continue;
            }
            let e = &o.observation;
            let id = d.points.len();
            let (mark, label) = match &e.kind {
                EventKind::Local => (
                    Mark::Local,
                    e.write
                        .as_ref()
                        .map_or_else(|| "local".to_string(), |w| format!("write {w:?}")),
                ),
                EventKind::Send { to } => {
                    send_to.insert(id, *to);
                    (Mark::Send, format!("send to {to}"))
                }
                EventKind::Recv { send } => {
                    recv_of.push((id, *send));
                    (Mark::Recv, format!("recv from {}", send.node))
                }
            };
            let mut vector = e.vector.0.clone();
            if vector.len() < nodes {
                vector.resize(nodes, 0);
            }
            d.points.push(Point {
                id,
                node: o.node,
                at: o.at,
                mark,
                label,
                lamport: e.lamport,
                vector,
                hlc: Some(e.hlc),
            });
            firsts.push((e.event, id));
        }
        // Of equal keys a collect keeps the last: reversed, that is the first.
        let index: SortedMap<EventRef, usize> = firsts.into_iter().rev().collect();
        let send_point = |r: &EventRef| index.get(r).copied().filter(|s| send_to.contains_key(s));
        let mut receives: SortedMap<usize, Vec<usize>> = SortedMap::new();
        for (r, send) in &recv_of {
            if let Some(s) = send_point(send) {
                receives.entry(s).or_default().push(*r);
            }
        }
        let mut travelling: SortedMap<usize, Vec<Time>> = SortedMap::new();
        for (send, at) in in_flight {
            if let Some(s) = send_point(send) {
                travelling.entry(s).or_default().push(*at);
            }
        }
        for (&s, &to_node) in &send_to {
            let Some(sent_at) = d.points.get(s).map(|p| p.at) else {
                continue;
            };
            let closed = receives.get(&s).map(Vec::as_slice).unwrap_or_default();
            for &r in closed {
                let Some(recv) = d.points.get(r) else {
                    continue;
                };
                d.arrows.push(Arrow {
                    from: s,
                    to: Some(r),
                    to_node: recv.node,
                    sent_at,
                    deliver_at: recv.at,
                    dropped_at: None,
                });
            }
            let open = travelling.get(&s).map(Vec::as_slice).unwrap_or_default();
            let open_at: Vec<Time> = if open.is_empty() && closed.is_empty() {
                vec![sent_at]
            } else {
                open.to_vec()
            };
            for deliver_at in open_at {
                d.arrows.push(Arrow {
                    from: s,
                    to: None,
                    to_node,
                    sent_at,
                    deliver_at,
                    dropped_at: None,
                });
            }
        }
        d
    }
}
