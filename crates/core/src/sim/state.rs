//! The simulator's checkpointable state: everything a run is at one instant.

use crate::id::{MsgId, NodeId, OpId};
use crate::invariant::Violation;
use crate::net::Network;
use crate::node::Protocol;
use crate::rng::Rng;
use crate::time::Time;
use crate::trace::TraceHash;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A key of the event queue: total order by time, then by sequence number.
pub(crate) type QueueKey = (Time, u64);

/// Something due at a point of virtual time.
#[derive(Clone, Debug)]
pub(crate) enum Event<P: Protocol> {
    /// An in-flight message reaches its destination.
    Deliver(MsgId),
    /// A named timer fires.
    Timer(NodeId, P::Timer),
    /// A client operation has waited too long (or its back-off ended).
    ClientTimeout(OpId),
}

/// Whether a node is running.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeStatus {
    /// Running.
    Up,
    /// Frozen: state kept, timers held, arriving messages dropped.
    Paused,
    /// Crashed: only durable state survives.
    Crashed,
    /// Removed from the cluster for good.
    Removed,
}

/// One node's place in the simulator.
#[derive(Clone, Debug)]
pub(crate) struct Slot<P: Protocol> {
    pub node: Option<P>,
    pub durable: Option<P::Durable>,
    pub status: NodeStatus,
    pub rng: Rng,
    /// Timers that came due while the node was paused.
    pub held: Vec<P::Timer>,
    /// Clock rate in thousandths (1000 = exact).
    pub rate_milli: u64,
    /// The real and local times at the last rate change.
    pub clock_base: (Time, Time),
}

impl<P: Protocol> Slot<P> {
    /// The node's local clock at real time `now`.
    pub fn local_now(&self, now: Time) -> Time {
        let (real, local) = self.clock_base;
        local + (now - real) * self.rate_milli / 1000
    }

    /// Real time that `local` microseconds of this node's clock take.
    pub fn real_span(&self, local: u64) -> u64 {
        local.saturating_mul(1000) / self.rate_milli.max(1)
    }
}

/// What travels in a message.
#[derive(Clone, Debug)]
pub(crate) enum Payload<P: Protocol> {
    /// A protocol message.
    Msg(P::Msg),
    /// A client request, redirected from one node to another.
    Client { op: OpId, request: P::Request },
}

/// A message between send and delivery.
#[derive(Clone, Debug)]
pub(crate) struct InFlight<P: Protocol> {
    pub from: NodeId,
    pub to: NodeId,
    pub sent_at: Time,
    pub key: QueueKey,
    pub lost: bool,
    pub payload: Payload<P>,
}

/// Where a client operation stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ClientStatus {
    /// Waiting for an answer.
    Pending,
    /// Answered.
    Done {
        /// When.
        #[serde(rename = "at_ms", serialize_with = "crate::trace::ser_ms")]
        at: Time,
        /// How (`"committed at 7"`).
        outcome: String,
    },
    /// The client gave up after too many attempts.
    GaveUp {
        /// When.
        #[serde(rename = "at_ms", serialize_with = "crate::trace::ser_ms")]
        at: Time,
    },
}

/// A simulated client's operation.
#[derive(Clone, Debug)]
pub(crate) struct ClientOp<P: Protocol> {
    pub request: P::Request,
    pub label: String,
    pub first: NodeId,
    pub target: NodeId,
    pub submitted_at: Time,
    pub attempts: u32,
    pub redirects: u32,
    pub status: ClientStatus,
    pub timeout: Option<QueueKey>,
}

/// Message counters of a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MessageStats {
    /// Messages handed to the network (client redirects included).
    pub sent: u64,
    /// Messages delivered to a running node.
    pub delivered: u64,
    /// Messages that never arrived (loss, partition, down or paused receiver, by hand).
    pub dropped: u64,
    /// Extra copies made by the network or by hand.
    pub duplicated: u64,
}

/// Everything that changes as a run goes on; cloned into checkpoints.
#[derive(Clone, Debug)]
pub(crate) struct State<P: Protocol> {
    pub now: Time,
    pub next_seq: u64,
    pub events: u64,
    pub next_cmd: usize,
    pub queue: super::queue::EventQueue<P>,
    pub slots: BTreeMap<NodeId, Slot<P>>,
    /// The live (not removed) members in id order, shared by every handler
    /// call and checkpoint; replaced, not edited, when membership changes.
    pub members: Arc<Vec<NodeId>>,
    pub net: Network,
    pub net_rng: Rng,
    pub timers: BTreeMap<(NodeId, P::Timer), QueueKey>,
    pub inflight: BTreeMap<MsgId, InFlight<P>>,
    pub clients: BTreeMap<OpId, ClientOp<P>>,
    pub next_msg: u64,
    pub next_op: u64,
    pub next_node: u32,
    pub stats: MessageStats,
    pub checker: P::Checker,
    pub violations: Vec<Violation>,
    pub trace_len: u64,
    /// Observations recorded so far (the list lives outside checkpoints).
    pub observed: usize,
    pub trace_hash: TraceHash,
}

impl<P: Protocol> State<P> {
    /// Puts `event` in the queue at `at` and returns its key.
    pub fn enqueue(&mut self, at: Time, event: Event<P>) -> QueueKey {
        let key = (at, self.next_seq);
        self.next_seq += 1;
        self.queue.insert(key, event);
        key
    }
}
