//! The cluster's picture for the UI and the report: the ring, each node's
//! load and transfers, and where every key stands.

use super::keyset::KeySet;
use super::layout::Layout;
use super::Ring;
use crate::id::NodeId;
use crate::placement::hash::hash_key;
use crate::placement::Strategy;
use crate::sim::{NodeStatus, Sim};
use serde::Serialize;
use std::borrow::Cow;
use crate::sortedmap::SortedMap;

/// The most keys [`RingStatus`] lists by number in each category.
pub const MAX_LISTED: usize = 1_000;

/// A virtual node on the ring.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct RingPoint {
    /// Its position on the ring of `2^64` positions.
    pub position: u64,
    /// Its node.
    pub node: NodeId,
}

/// An arc of the ring and the node its keys go to first: the keys whose
/// hash lies in `(start, end]`, wrapping past `2^64 - 1` when `start >= end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct KeyRange {
    /// Exclusive start.
    pub start: u64,
    /// Inclusive end: a virtual node of `owner`.
    pub end: u64,
    /// The node owning the arc (under `bounded`, a full node passes a key
    /// on clockwise).
    pub owner: NodeId,
}

/// One node in the cluster's picture.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct RingNodeStatus {
    /// Its id.
    pub id: NodeId,
    /// Up, paused, crashed (its keys are on disk) or removed (its keys are gone).
    pub status: NodeStatus,
    /// Keys it owns (first of their preference list) under the current members.
    pub load: u32,
    /// Keys it holds.
    pub held: u32,
    /// Of those, keys it holds only until their replicas acknowledge them.
    pub surplus: u32,
    /// Keys it has sent and not had acknowledged (summed over destinations).
    pub sending: u32,
    /// Keys others have sent it and not had acknowledged.
    pub receiving: u32,
    /// Keys it should hold (by the member list it last planned for) and lacks.
    pub missing: u32,
}

/// Keys sent from one node to another and not acknowledged yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Flight {
    /// The sender (it keeps the keys until acknowledged).
    pub from: NodeId,
    /// The destination.
    pub to: NodeId,
    /// How many keys.
    pub keys: u32,
}

/// Where a key stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyState {
    /// An up member of its preference list holds it.
    Available,
    /// No up member of its preference list holds it, but an up node outside
    /// the list does: its old holder, until the transfer arrives.
    InTransfer,
    /// No up node holds it; a crashed or paused member does.
    Down,
    /// No member holds it: its holders were removed, and it will not come back.
    Lost,
}

/// How many keys stand where.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct KeyCounts {
    /// Held by an up member of their preference list.
    pub available: u32,
    /// Of those, keys that some member of their list lacks (its copy is on
    /// its way, or will be fetched).
    pub under_replicated: u32,
    /// Not available: a read at their replicas would miss them (the sum
    /// of the next three).
    pub unavailable: u32,
    /// Held by an up node outside their preference list only.
    pub in_transfer: u32,
    /// Held by crashed or paused members only.
    pub down: u32,
    /// Held by no member.
    pub lost: u32,
    /// Sent by some node and not acknowledged yet (available or not).
    pub in_flight: u32,
}

/// The cluster's picture at one instant.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RingStatus {
    /// The strategy.
    pub strategy: Strategy,
    /// How many keys.
    pub keys: u32,
    /// Replicas per key.
    pub replicas: u32,
    /// The live members (up, paused or crashed), in id order.
    pub members: Vec<NodeId>,
    /// The ring's virtual nodes, by position (`ring` and `bounded` only).
    pub points: Vec<RingPoint>,
    /// The ring's arcs with their owners, consecutive arcs of one node
    /// merged (`ring` and `bounded` only).
    pub ranges: Vec<KeyRange>,
    /// Every node ever in the cluster, in id order.
    pub nodes: Vec<RingNodeStatus>,
    /// Transfers not acknowledged yet, by sender and destination.
    pub flights: Vec<Flight>,
    /// How many keys stand where.
    pub counts: KeyCounts,
    /// The unavailable keys, in order (at most [`MAX_LISTED`]).
    pub unavailable: Vec<u32>,
}

/// The facts about one key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KeyInfo {
    /// The key.
    pub key: u32,
    /// Its position on the ring ([`hash_key`]).
    pub hash: u64,
    /// Its preference list under the current members, owner first.
    pub preference: Vec<NodeId>,
    /// The members holding it (up or not).
    pub holders: Vec<NodeId>,
    /// Transfers of it not acknowledged yet, `(from, to)`.
    pub transfers: Vec<(NodeId, NodeId)>,
    /// Where it stands.
    pub state: KeyState,
}

/// One node as the pictures read it: live or crashed (from its durable
/// state); `None` for a removed node.
struct Seen<'a> {
    id: NodeId,
    status: NodeStatus,
    node: Option<Cow<'a, Ring>>,
}

fn seen(sim: &Sim<Ring>) -> Vec<Seen<'_>> {
    sim.nodes()
        .map(|(id, status, node)| Seen {
            id,
            status,
            node: match (node, status) {
                (_, NodeStatus::Removed) => None,
                (Some(r), _) => Some(Cow::Borrowed(r)),
                (None, _) => sim.durable_node(id).map(Cow::Owned),
            },
        })
        .collect()
}

/// The layout of the live members.
fn current(sim: &Sim<Ring>, nodes: &[Seen<'_>]) -> Option<std::sync::Arc<Layout>> {
    let members: Vec<NodeId> = nodes
        .iter()
        .filter(|n| n.node.is_some())
        .map(|n| n.id)
        .collect();
    Layout::shared(sim.params(), &members)
}

/// Who holds what, indexed for classifying every key.
struct Holdings<'a> {
    /// By node id: its keys and whether it is up (`None` once removed).
    by_id: Vec<Option<(&'a KeySet, bool)>>,
    /// Keys some up node holds.
    up: Vec<u64>,
    /// Keys some member holds.
    any: Vec<u64>,
}

impl<'a> Holdings<'a> {
    fn of(nodes: &'a [Seen<'a>], keys: u32) -> Holdings<'a> {
        let words = keys.div_ceil(64) as usize;
        let mut h = Holdings {
            by_id: Vec::with_capacity(nodes.len()),
            up: vec![0; words],
            any: vec![0; words],
        };
        for n in nodes {
            let entry = n
                .node
                .as_ref()
                .map(|r| (&*r.d.held, n.status == NodeStatus::Up));
            if let Some((set, up)) = entry {
                for (i, &w) in set.words().iter().enumerate().take(words) {
                    h.any[i] |= w;
                    if up {
                        h.up[i] |= w;
                    }
                }
            }
            let at = n.id.0 as usize;
            if h.by_id.len() <= at {
                h.by_id.resize(at + 1, None);
            }
            h.by_id[at] = entry;
        }
        h
    }

    /// Whether every node of `preference` holds `key` (up or not).
    fn full(&self, key: u32, preference: &[u32]) -> bool {
        preference.iter().all(
            |&n| matches!(self.by_id.get(n as usize), Some(Some((set, _))) if set.contains(key)),
        )
    }

    /// Where `key` stands, given its preference list.
    fn classify(&self, key: u32, preference: &[u32]) -> KeyState {
        let placed = preference.iter().any(
            |&n| matches!(self.by_id.get(n as usize), Some(Some((set, true))) if set.contains(key)),
        );
        let bit = |mask: &[u64]| {
            mask.get((key / 64) as usize)
                .is_some_and(|w| w & (1 << (key % 64)) != 0)
        };
        if placed {
            KeyState::Available
        } else if bit(&self.up) {
            KeyState::InTransfer
        } else if bit(&self.any) {
            KeyState::Down
        } else {
            KeyState::Lost
        }
    }
}

/// The cluster's picture: the ring, each node's load and transfers, and
/// where every key stands. Costs one preference list per key (and, the
/// first time for a member list, building its layout).
pub fn ring_status(sim: &Sim<Ring>) -> RingStatus {
    let params = sim.params();
    let nodes = seen(sim);
    let layout = current(sim, &nodes);
    let mut load: SortedMap<NodeId, u32> = SortedMap::new();
    let mut counts = KeyCounts::default();
    let mut unavailable = Vec::new();
    let mut flights: SortedMap<(NodeId, NodeId), u32> = SortedMap::new();
    let mut flying = vec![0_u64; params.keys.div_ceil(64) as usize];
    for n in &nodes {
        let Some(r) = &n.node else { continue };
        for (to, list) in r.d.outbox.lists() {
            *flights.entry((n.id, to)).or_default() += list.len() as u32;
            for &(k, _) in list {
                if let Some(w) = flying.get_mut((k / 64) as usize) {
                    *w |= 1 << (k % 64);
                }
            }
        }
    }
    counts.in_flight = flying.iter().map(|w| w.count_ones()).sum();
    let holdings = Holdings::of(&nodes, params.keys);
    for k in 0..params.keys {
        let list = layout.as_ref().map_or(&[][..], |l| l.preference(k));
        if let Some(&owner) = list.first() {
            *load.entry(NodeId(owner)).or_default() += 1;
        }
        let state = holdings.classify(k, list);
        *match state {
            KeyState::Available => &mut counts.available,
            KeyState::InTransfer => &mut counts.in_transfer,
            KeyState::Down => &mut counts.down,
            KeyState::Lost => &mut counts.lost,
        } += 1;
        if state == KeyState::Available && !holdings.full(k, list) {
            counts.under_replicated += 1;
        }
        if state != KeyState::Available {
            counts.unavailable += 1;
            if unavailable.len() < MAX_LISTED {
                unavailable.push(k);
            }
        }
    }
    let points: Vec<RingPoint> = layout
        .as_ref()
        .map(|l| {
            l.placement()
                .ring_points()
                .iter()
                .map(|&(position, node)| RingPoint {
                    position,
                    node: NodeId(node),
                })
                .collect()
        })
        .unwrap_or_default();
    RingStatus {
        strategy: params.strategy,
        keys: params.keys,
        replicas: params.replicas,
        members: layout
            .as_ref()
            .map(|l| l.members().to_vec())
            .unwrap_or_default(),
        ranges: ranges(&points),
        points,
        nodes: nodes
            .iter()
            .map(|n| {
                let r = n.node.as_deref();
                RingNodeStatus {
                    id: n.id,
                    status: n.status,
                    load: load.get(&n.id).copied().unwrap_or(0),
                    held: r.map_or(0, |r| r.d.held.len()),
                    surplus: r.map_or(0, |r| r.d.surplus.len()),
                    missing: r.map_or(0, |r| r.d.missing.len()),
                    sending: r.map_or(0, |r| r.d.outbox.len() as u32),
                    receiving: flights
                        .iter()
                        .filter(|((_, to), _)| *to == n.id)
                        .map(|(_, k)| k)
                        .sum(),
                }
            })
            .collect(),
        flights: flights
            .into_iter()
            .map(|((from, to), keys)| Flight { from, to, keys })
            .collect(),
        counts,
        unavailable,
    }
}

/// The arcs between consecutive points, merged while the owner stays the same.
fn ranges(points: &[RingPoint]) -> Vec<KeyRange> {
    let Some(last) = points.last() else {
        return Vec::new();
    };
    let mut out: Vec<KeyRange> = Vec::new();
    let mut start = last.position;
    for p in points {
        match out.last_mut() {
            Some(r) if r.owner == p.node => r.end = p.position,
            _ => out.push(KeyRange {
                start,
                end: p.position,
                owner: p.node,
            }),
        }
        start = p.position;
    }
    out
}

/// The facts about key `key`: its preference list, holders, transfers and
/// state. `None` for a key past `keys`.
pub fn key_info(sim: &Sim<Ring>, key: u32) -> Option<KeyInfo> {
    if key >= sim.params().keys {
        return None;
    }
    let nodes = seen(sim);
    let layout = current(sim, &nodes);
    let list = layout.as_ref().map_or(&[][..], |l| l.preference(key));
    let mut holders = Vec::new();
    let mut transfers = Vec::new();
    for n in &nodes {
        let Some(r) = &n.node else { continue };
        if r.d.held.contains(key) {
            holders.push(n.id);
        }
        transfers.extend(r.d.outbox.of(key).map(|(to, _)| (n.id, to)));
    }
    Some(KeyInfo {
        key,
        hash: hash_key(u64::from(key)),
        state: Holdings::of(&nodes, sim.params().keys).classify(key, list),
        preference: list.iter().copied().map(NodeId).collect(),
        holders,
        transfers,
    })
}
