//! Typed snapshots of a run for the UI: nodes, messages in flight, timers,
//! clients and the network. Views are plain data; the UI never reaches into
//! protocol internals.

use super::kernel::Kernel;
use super::nodes::index;
use super::status::{ClientStatus, NodeStatus};
use super::typed::Payload;
use super::Sim;
use crate::id::{MsgId, NodeId, OpId};
use crate::net::LinkParams;
use crate::node::{Badge, MessageInfo, Protocol};
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
    /// The directions `(from, to)` that behave otherwise, and how.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<((NodeId, NodeId), LinkParams)>,
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
        let k = &self.k;
        let nodes = self
            .nodes()
            .zip(&self.t.nodes)
            .map(|((id, status, _), slot)| {
                let revived;
                let node = match (&slot.node, &slot.durable) {
                    (Some(n), _) => Some(n),
                    (None, Some(d)) => {
                        revived = P::new(id, &k.st.members, &self.params, Some(d.clone()));
                        Some(&revived)
                    }
                    (None, None) => None,
                };
                NodeView {
                    id,
                    status,
                    clock_rate: k.st.nodes[index(id)].rate_milli as f64 / 1000.0,
                    badge: node.map(|n| n.badge()).unwrap_or(Badge {
                        role: "removed",
                        caption: String::new(),
                    }),
                    state: node.map(|n| n.view()),
                    timers: k.timer_views(id),
                }
            })
            .collect();
        let messages = k.message_views(&|slot| match self.t.payloads.get(slot) {
            Some(Payload::Msg(msg)) => msg.label(),
            Some(Payload::Client { request, .. }) => P::request_label(request),
            None => String::new(),
        });
        SimView {
            now: k.st.now,
            horizon: k.horizon,
            events: k.st.events,
            nodes,
            messages,
            clients: k.client_views(),
            network: k.network_view(),
        }
    }
}

impl Kernel {
    /// The messages in flight, oldest first; `label` gives the label of
    /// the message at a slab index.
    fn message_views(&self, label: &dyn Fn(u32) -> String) -> Vec<MessageView> {
        let mut views: Vec<MessageView> = self
            .st
            .inflight
            .iter()
            .map(|(slot, m)| MessageView {
                id: m.id,
                from: m.from,
                to: m.to,
                sent_at: m.sent_at,
                deliver_at: m.key.0,
                kind: m.kind,
                label: label(slot),
                lost: m.lost,
            })
            .collect();
        crate::sorting::sort_by_key(&mut views, |v| v.id);
        views
    }

    /// The network's settings and cuts.
    fn network_view(&self) -> NetworkView {
        let net = &self.st.net;
        let mut groups: Vec<Vec<NodeId>> = Vec::new();
        if let Some(sides) = net.groups() {
            for (n, &side) in sides.iter() {
                if groups.len() <= side {
                    groups.resize(side + 1, Vec::new());
                }
                groups[side].push(n);
            }
            groups.retain(|g| !g.is_empty());
        }
        let members: Vec<NodeId> = self.live_nodes().collect();
        let blocked = if members.len() <= MAX_BLOCKED_LIST {
            members
                .iter()
                .flat_map(|&a| members.iter().map(move |&b| (a, b)))
                .filter(|&(a, b)| a != b && net.blocked(a, b))
                .collect()
        } else {
            Vec::new()
        };
        NetworkView {
            link: net.default_link(),
            links: net.overrides().collect(),
            groups,
            cuts: net.cuts().iter().copied().collect(),
            blocked,
        }
    }
}
