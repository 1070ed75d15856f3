//! The sans-IO node API: what a protocol implements and the context it acts through.
//!
//! A node never sees the event queue, the network or other nodes. The
//! simulator calls one handler at a time; the handler reads its own state and
//! the [`Context`] (its id, its local clock, its peers, its seeded random
//! stream) and emits effects (send, set or cancel a named timer, answer a
//! client). The handler runs to completion; the simulator then applies the
//! effects. This is the whole driving contract.

use crate::command::Scheduled;
use crate::id::{NodeId, OpId};
use crate::invariant::Checker;
use crate::read::ReadJson;
use crate::rng::Rng;
use crate::time::Time;
use serde::Serialize;
use std::fmt::Debug;
use std::hash::Hash;

/// What a message tells the UI and the trace about itself.
pub trait MessageInfo {
    /// A short, stable kind name (`"AppendEntries"`), used for colors and reports.
    fn kind(&self) -> &'static str;
    /// A one-line human summary (`"AppendEntries t3 prev 4/2 +1 commit 4"`).
    fn label(&self) -> String;
}

/// A protocol's named timers.
pub trait TimerName: Sized + Copy + 'static {
    /// Every timer of the protocol, for parsing names.
    const ALL: &'static [Self];
    /// The timer's stable name (`"election"`).
    fn name(&self) -> &'static str;
    /// The timer with this name, if any.
    fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|t| t.name() == name)
    }
}

/// How a protocol's answer to a client moves the simulated client on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClientOutcome {
    /// Ask this node instead (the simulated client follows the redirect
    /// through the network), or, with `None`, retry after a short back-off.
    Redirect(Option<NodeId>),
    /// The operation is complete; the text says how (`"committed at 7"`).
    Done(String),
}

/// A node's answer to a client operation.
pub trait Response {
    /// What the simulated client does with it.
    fn outcome(&self) -> ClientOutcome;
    /// The node this answer says has left the cluster for good (a
    /// committed removal), which the administrator then shuts down.
    fn retires(&self) -> Option<NodeId> {
        None
    }
}

/// A change an administrator asks of a cluster that manages its own
/// membership (Raft, dissertation ch. 4 and §3.10).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admin {
    /// Add this (new, empty) server.
    Add(NodeId),
    /// Remove this server.
    Remove(NodeId),
    /// Hand leadership to this server.
    Transfer(NodeId),
}

/// A short, typed summary every protocol gives of a node, so generic views
/// (the topology, the space-time diagram) can draw any protocol.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Badge {
    /// A stable role or state name, used as a CSS class (`"leader"`).
    pub role: &'static str,
    /// A short caption under the node (`"term 3"`).
    pub caption: String,
}

/// A protocol: the per-node state machine and everything its nodes exchange.
pub trait Protocol: Clone + Debug + Sized + 'static {
    /// The protocol's name in scenarios, routes and reports (`"raft"`),
    /// as its line in the registry gives it.
    const NAME: &'static str;
    /// The largest cluster the protocol accepts in a scenario.
    const MAX_NODES: u32;
    /// Whether nodes may be added or removed while it runs.
    const DYNAMIC_MEMBERSHIP: bool;
    /// Per-run parameters (`params` in a scenario), read by hand (see
    /// [`crate::read`]).
    type Params: Clone + Debug + Default + PartialEq + Serialize + ReadJson;
    /// The main `params` fields as controls, for the lab's parameters
    /// panel (none by default).
    const KNOBS: &'static [crate::knob::Knob] = &[];
    /// The textbook bugs `params.bugs` can switch on (none by default).
    const BUGS: &'static [crate::bug::Bug] = &[];
    /// Messages between nodes.
    type Msg: Clone + Debug + Hash + Serialize + MessageInfo;
    /// Named timers.
    type Timer: Copy + Ord + Debug + Serialize + TimerName;
    /// What a client may ask a node (a schedule's `client` request), read
    /// by hand (see [`crate::read`]).
    type Request: Clone + Debug + Hash + Serialize + ReadJson;
    /// What a node answers a client.
    type Response: Clone + Debug + Serialize + Response;
    /// The state that survives a crash.
    type Durable: Clone + Debug;
    /// The typed, serializable snapshot the UI reads.
    type View: Clone + Debug + PartialEq + Serialize;
    /// The protocol's named invariants.
    type Checker: Checker<Self>;
    /// What a node may report about itself for views and reports (for the
    /// clocks protocol, every event with its stamps); the simulator adds the
    /// real time and the node. Protocols with nothing to report use `()`.
    type Observation: Clone + Debug + Serialize;

    /// Checks parameters; the error names the offending field. An error of
    /// the form `field: what` is reported at `params.field`.
    fn validate(params: &Self::Params) -> Result<(), String>;
    /// Checks the parameters that depend on the cluster's initial size.
    fn validate_nodes(params: &Self::Params, nodes: u32) -> Result<(), String> {
        let _ = (params, nodes);
        Ok(())
    }
    /// A node, fresh (`durable == None`) or restarted from what survived a
    /// crash. `members` lists the cluster's live members in id order (it may
    /// include `id` itself); it is shared, so a protocol that needs the list
    /// later should read [`Context::peers`] rather than copy it.
    fn new(
        id: NodeId,
        members: &[NodeId],
        params: &Self::Params,
        durable: Option<Self::Durable>,
    ) -> Self;
    /// A node added to a running cluster (`add_node`), with nothing yet
    /// stored for it. By default it starts as a node of the first cluster
    /// does; a protocol that manages its own membership starts it outside
    /// the configuration, to be let in through the protocol.
    fn join(id: NodeId, members: &[NodeId], params: &Self::Params) -> Self {
        Self::new(id, members, params, None)
    }
    /// For a protocol that changes its membership through its own protocol:
    /// the request an administrator sends the cluster for `change`, which
    /// reaches a node as a client's request does. `None` (the default): the
    /// simulator adds and removes nodes itself, and there is no transfer.
    fn admin(change: Admin) -> Option<Self::Request> {
        let _ = change;
        None
    }
    /// Called once when the node starts or restarts.
    fn on_start(&mut self, cx: &mut Context<'_, Self>);
    /// A message arrived.
    fn on_message(&mut self, cx: &mut Context<'_, Self>, from: NodeId, msg: Self::Msg);
    /// A timer fired.
    fn on_timer(&mut self, cx: &mut Context<'_, Self>, timer: Self::Timer);
    /// A client asks something; answer with [`Context::respond`], now or later.
    fn on_request(&mut self, cx: &mut Context<'_, Self>, op: OpId, request: Self::Request);
    /// The state that survives a crash, as of now.
    fn durable(&self) -> Self::Durable;
    /// The typed snapshot for the UI.
    fn view(&self) -> Self::View;
    /// A short summary for generic views.
    fn badge(&self) -> Badge;
    /// A short label for a client request (`"set x=1"`).
    fn request_label(request: &Self::Request) -> String;
    /// The request a schedule's `rumor` op makes, for a protocol with
    /// rumors (gossip); `None` refuses the op.
    fn rumor() -> Option<Self::Request> {
        None
    }

    /// Commands a scenario implies without naming them (gossip starts a
    /// rumor at node 0 at time 0 unless the schedule starts one). They are
    /// recorded like any other, so an exported run names them.
    fn implied_commands(_params: &Self::Params, _schedule: &[Scheduled]) -> Vec<Scheduled> {
        Vec::new()
    }
}

/// An effect a handler asks the simulator to carry out.
#[derive(Clone, Debug)]
pub enum Effect<P: Protocol> {
    /// Send a message to another node through the network.
    Send {
        /// The destination.
        to: NodeId,
        /// The message.
        msg: P::Msg,
    },
    /// Set (or reset) a named timer to fire after a span of local time.
    SetTimer {
        /// Which timer.
        timer: P::Timer,
        /// Microseconds of the node's local clock.
        after: u64,
    },
    /// Cancel a named timer if it is set.
    CancelTimer(P::Timer),
    /// Answer a client operation.
    Respond {
        /// The operation.
        op: OpId,
        /// The answer.
        response: P::Response,
    },
    /// Report an observation.
    Observe(P::Observation),
}

/// What a handler can see and do.
pub struct Context<'a, P: Protocol> {
    id: NodeId,
    now: Time,
    members: &'a [NodeId],
    rng: &'a mut Rng,
    effects: &'a mut Vec<Effect<P>>,
}

impl<'a, P: Protocol> Context<'a, P> {
    /// A context for one handler call; the simulator makes these, and tests
    /// that drive a node by hand may too. `members` lists the cluster's live
    /// members in id order, with or without `id` itself.
    pub fn new(
        id: NodeId,
        now: Time,
        members: &'a [NodeId],
        rng: &'a mut Rng,
        effects: &'a mut Vec<Effect<P>>,
    ) -> Self {
        Context {
            id,
            now,
            members,
            rng,
            effects,
        }
    }

    /// This node's id.
    pub fn id(&self) -> NodeId {
        self.id
    }

    /// The node's local clock (virtual time as seen through its clock skew).
    pub fn now(&self) -> Time {
        self.now
    }

    /// Every other live member of the cluster, in id order.
    pub fn peers(&self) -> impl Iterator<Item = NodeId> + '_ {
        let me = self.id;
        self.members.iter().copied().filter(move |&m| m != me)
    }

    /// How many other live members there are.
    pub fn peer_count(&self) -> usize {
        self.members.len() - usize::from(self.members.binary_search(&self.id).is_ok())
    }

    /// A peer drawn uniformly from this node's random stream, if there is any.
    pub fn random_peer(&mut self) -> Option<NodeId> {
        let me = self.members.binary_search(&self.id).ok();
        let count = self.members.len() - usize::from(me.is_some());
        if count == 0 {
            return None;
        }
        let mut i = self.rng.below(count as u64) as usize;
        if me.is_some_and(|m| i >= m) {
            i += 1;
        }
        Some(self.members[i])
    }

    /// The node's own seeded random stream.
    pub fn rng(&mut self) -> &mut Rng {
        self.rng
    }

    /// Sends `msg` to `to`.
    pub fn send(&mut self, to: NodeId, msg: P::Msg) {
        self.effects.push(Effect::Send { to, msg });
    }

    /// Sends a copy of `msg` to every peer.
    pub fn broadcast(&mut self, msg: P::Msg) {
        for &to in self.members {
            if to != self.id {
                self.effects.push(Effect::Send {
                    to,
                    msg: msg.clone(),
                });
            }
        }
    }

    /// Sets (or resets) `timer` to fire after `after` microseconds of local time.
    pub fn set_timer(&mut self, timer: P::Timer, after: u64) {
        self.effects.push(Effect::SetTimer { timer, after });
    }

    /// Cancels `timer`.
    pub fn cancel_timer(&mut self, timer: P::Timer) {
        self.effects.push(Effect::CancelTimer(timer));
    }

    /// Answers client operation `op`.
    pub fn respond(&mut self, op: OpId, response: P::Response) {
        self.effects.push(Effect::Respond { op, response });
    }

    /// Reports an observation (stamped with real time by the simulator).
    pub fn observe(&mut self, observation: P::Observation) {
        self.effects.push(Effect::Observe(observation));
    }
}
