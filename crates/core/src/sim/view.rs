//! Typed snapshots of a run for the UI: nodes, messages in flight, timers,
//! clients and the network. Views are plain data; the UI never reaches into
//! protocol internals.

use super::state::{ClientStatus, NodeStatus, Payload};
use super::Sim;
use crate::id::{MsgId, NodeId, OpId};
use crate::net::LinkParams;
use crate::node::{Badge, MessageInfo, Protocol, TimerName};
use crate::time::Time;
use serde::Serialize;

/// The largest cluster whose cut links are listed one by one.
pub const MAX_BLOCKED_LIST: usize = 64;

/// One node as the UI sees it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NodeView<V> {
    /// Its id.
    pub id: NodeId,
    /// Up, paused, crashed or removed.
    pub status: NodeStatus,
    /// Its clock rate (1 is exact).
    pub clock_rate: f64,
    /// Generic summary (role and caption).
    pub badge: Badge,
    /// The protocol's view; for a crashed node, what its durable state shows.
    pub state: Option<V>,
    /// Its pending timers.
    pub timers: Vec<TimerView>,
}

/// A pending timer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TimerView {
    /// The timer's name.
    pub name: &'static str,
    /// When it fires (real virtual time).
    #[serde(rename = "at_ms", serialize_with = "crate::trace::ser_ms")]
    pub at: Time,
}

/// A message in flight.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MessageView {
    /// Its id (for drop, duplicate, delay).
    pub id: MsgId,
    /// Sender.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// When it left.
    #[serde(rename = "sent_at_ms", serialize_with = "crate::trace::ser_ms")]
    pub sent_at: Time,
    /// When it arrives.
    #[serde(rename = "deliver_at_ms", serialize_with = "crate::trace::ser_ms")]
    pub deliver_at: Time,
    /// Its kind (`"AppendEntries"`, `"client"`).
    pub kind: &'static str,
    /// One-line summary.
    pub label: String,
    /// Whether the network will lose it (it dies on arrival).
    pub lost: bool,
}

/// A client operation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClientView {
    /// Its id.
    pub op: OpId,
    /// The request.
    pub label: String,
    /// The node first contacted.
    pub first: NodeId,
    /// The node it waits on now.
    pub target: NodeId,
    /// When it was submitted.
    #[serde(rename = "submitted_at_ms", serialize_with = "crate::trace::ser_ms")]
    pub submitted_at: Time,
    /// Redirects followed so far.
    pub redirects: u32,
    /// Attempts so far (first try and timeouts).
    pub attempts: u32,
    /// Where it stands.
    pub status: ClientStatus,
}

/// The network's settings and cuts.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NetworkView {
    /// Default link behaviour.
    pub link: LinkParams,
    /// The partition's sides (empty when there is none).
    pub groups: Vec<Vec<NodeId>>,
    /// One-way cuts `(from, to)`.
    pub cuts: Vec<(NodeId, NodeId)>,
    /// Every direction `(from, to)` between cluster nodes that is cut now,
    /// by a partition or a one-way cut (what the network enforces). Left
    /// empty above [`MAX_BLOCKED_LIST`] members, where it would be quadratic:
    /// read `groups` and `cuts` there.
    pub blocked: Vec<(NodeId, NodeId)>,
}

/// Everything the UI draws, at one instant.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SimView<V> {
    /// Current virtual time.
    #[serde(rename = "now_ms", serialize_with = "crate::trace::ser_ms")]
    pub now: Time,
    /// The latest time reached.
    #[serde(rename = "horizon_ms", serialize_with = "crate::trace::ser_ms")]
    pub horizon: Time,
    /// Events processed.
    pub events: u64,
    /// Nodes in id order.
    pub nodes: Vec<NodeView<V>>,
    /// Messages in flight, oldest first.
    pub messages: Vec<MessageView>,
    /// Client operations, newest first (at most 20).
    pub clients: Vec<ClientView>,
    /// The network.
    pub network: NetworkView,
}

impl<P: Protocol> Sim<P> {
    /// A snapshot of everything the UI draws.
    pub fn view(&self) -> SimView<P::View> {
        let st = &self.st;
        let mut timers: std::collections::BTreeMap<NodeId, Vec<TimerView>> = Default::default();
        for ((n, t), key) in &st.timers {
            timers.entry(*n).or_default().push(TimerView {
                name: t.name(),
                at: key.0,
            });
        }
        let nodes = st
            .slots
            .iter()
            .map(|(&id, slot)| {
                let revived;
                let node = match (&slot.node, &slot.durable) {
                    (Some(n), _) => Some(n),
                    (None, Some(d)) => {
                        revived = P::new(id, &st.members, &self.params, Some(d.clone()));
                        Some(&revived)
                    }
                    (None, None) => None,
                };
                let timers = timers.remove(&id).unwrap_or_default();
                NodeView {
                    id,
                    status: slot.status,
                    clock_rate: slot.rate_milli as f64 / 1000.0,
                    badge: node.map(|n| n.badge()).unwrap_or(Badge {
                        role: "removed",
                        caption: String::new(),
                    }),
                    state: node.map(|n| n.view()),
                    timers,
                }
            })
            .collect();
        let messages = st
            .inflight
            .iter()
            .map(|(&id, m)| {
                let (kind, label) = match &m.payload {
                    Payload::Msg(msg) => (msg.kind(), msg.label()),
                    Payload::Client { request, .. } => ("client", P::request_label(request)),
                };
                MessageView {
                    id,
                    from: m.from,
                    to: m.to,
                    sent_at: m.sent_at,
                    deliver_at: self.deliver_at(m),
                    kind,
                    label,
                    lost: m.lost,
                }
            })
            .collect();
        let clients = st
            .clients
            .iter()
            .rev()
            .take(20)
            .map(|(&op, c)| ClientView {
                op,
                label: c.label.clone(),
                first: c.first,
                target: c.target,
                submitted_at: c.submitted_at,
                redirects: c.redirects,
                attempts: c.attempts,
                status: c.status.clone(),
            })
            .collect();
        let mut groups: Vec<Vec<NodeId>> = Vec::new();
        if let Some(sides) = st.net.groups() {
            for (&n, &side) in sides {
                if groups.len() <= side {
                    groups.resize(side + 1, Vec::new());
                }
                groups[side].push(n);
            }
            groups.retain(|g| !g.is_empty());
        }
        let members: Vec<NodeId> = st
            .slots
            .iter()
            .filter(|(_, s)| s.status != NodeStatus::Removed)
            .map(|(id, _)| *id)
            .collect();
        let blocked = if members.len() <= MAX_BLOCKED_LIST {
            members
                .iter()
                .flat_map(|&a| members.iter().map(move |&b| (a, b)))
                .filter(|&(a, b)| a != b && st.net.blocked(a, b))
                .collect()
        } else {
            Vec::new()
        };
        SimView {
            now: st.now,
            horizon: self.horizon,
            events: st.events,
            nodes,
            messages,
            clients,
            network: NetworkView {
                link: st.net.default_link(),
                groups,
                cuts: st.net.cuts().iter().copied().collect(),
                blocked,
            },
        }
    }
}
