//! The typed shim: the part of the simulator that must know the protocol's
//! types. It holds node states, message payloads and client requests, calls
//! node handlers, and turns their effects into kernel calls.

use super::inflight::{Arrival, Launched};
use super::kernel::Next;
use super::nodes::index;
use super::queue::{Event, QueueKey};
use super::slab::SlabShadow;
use super::status::NodeStatus;
use super::timers::TimerIndex;
use super::{Observed, Sim, MAX_OBSERVATIONS};
use crate::command::Command;
use crate::id::{NodeId, OpId};
use crate::node::{Admin, Context, Effect, MessageInfo, Protocol, Response, TimerName};
use crate::read::{ReadJson, Reader};
use crate::trace::{TraceHash, TraceKind};
use crate::Checker;

/// One node's typed state.
#[derive(Clone, Debug)]
pub(crate) struct NodeSlot<P: Protocol> {
    /// The running node (none while crashed or removed).
    pub node: Option<P>,
    /// What survived its last crash.
    pub durable: Option<P::Durable>,
}

/// What travels in a message.
#[derive(Clone, Debug)]
pub(crate) enum Payload<P: Protocol> {
    /// A protocol message.
    Msg(P::Msg),
    /// A client request, redirected from one node to another.
    Client { op: OpId, request: P::Request },
}

impl<P: Protocol> Payload<P> {
    /// The kind the trace and the UI show.
    pub fn kind(&self) -> &'static str {
        match self {
            Payload::Msg(m) => m.kind(),
            Payload::Client { .. } => "client",
        }
    }

    /// A one-line summary.
    pub fn label(&self) -> String {
        match self {
            Payload::Msg(m) => m.label(),
            Payload::Client { request, .. } => {
                format!("client redirected: {}", P::request_label(request))
            }
        }
    }

    /// Feeds its contents to the trace hash.
    fn hash(&self, h: &mut TraceHash) {
        match self {
            Payload::Msg(m) => h.value(m),
            Payload::Client { op, request } => {
                h.u64(op.0);
                h.value(request);
            }
        }
    }
}

/// Everything typed that changes as a run goes on; cloned into
/// checkpoints with the kernel's state.
#[derive(Clone, Debug)]
pub(crate) struct TypedState<P: Protocol> {
    /// Per node, indexed by node id.
    pub nodes: Vec<NodeSlot<P>>,
    /// The payloads of the messages in flight, at their kernel slab index.
    pub payloads: SlabShadow<Payload<P>>,
    /// Every client operation's request, indexed by operation id.
    pub requests: Vec<P::Request>,
    /// The invariant checker and the history it keeps.
    pub checker: P::Checker,
}

impl<P: Protocol> Default for TypedState<P> {
    fn default() -> Self {
        TypedState {
            nodes: Vec::new(),
            payloads: SlabShadow::default(),
            requests: Vec::new(),
            checker: P::Checker::default(),
        }
    }
}

/// The position of `timer` in [`TimerName::ALL`], the kernel's name for it.
fn timer_index<T: TimerName + PartialEq>(timer: T) -> TimerIndex {
    let i = T::ALL.iter().position(|t| *t == timer);
    i.and_then(|i| TimerIndex::try_from(i).ok())
        .expect("TimerName::ALL lists every timer of the protocol")
}

impl<P: Protocol> Sim<P> {
    /// Processes exactly one event or command. Returns `false` when nothing
    /// is left to do.
    pub fn step(&mut self) -> bool {
        match self.k.next() {
            Some(Next::Command(cmd)) => self.run_command(cmd),
            Some(Next::Event(key, event)) => self.handle(key, event),
            None => return false,
        }
        if self.k.end_step() {
            self.checkpoint();
        }
        true
    }

    /// Creates a new node (not started yet).
    pub(super) fn spawn_node(&mut self) -> NodeId {
        self.t.nodes.push(NodeSlot {
            node: None,
            durable: None,
        });
        self.k.spawn_node()
    }

    /// Builds the node from its durable state (if any) and calls `on_start`.
    pub(super) fn start_node(&mut self, id: NodeId) {
        self.start_as(id, false);
    }

    /// Starts node `id`: as a fresh server joining a running cluster
    /// (`joining`), or from its durable state (if any).
    fn start_as(&mut self, id: NodeId, joining: bool) {
        let Some(slot) = self.t.nodes.get_mut(index(id)) else {
            return;
        };
        let members = &self.k.st.members;
        slot.node = Some(if joining {
            P::join(id, members, &self.params)
        } else {
            P::new(id, members, &self.params, slot.durable.take())
        });
        self.k.set_up(id);
        self.k.record(TraceKind::Start { node: id });
        self.call(id, |n, cx| n.on_start(cx));
    }

    /// Crashes or removes node `id`; a crash keeps its durable state.
    fn stop_node(&mut self, id: NodeId, status: NodeStatus) {
        self.k.stop_node(id, status);
        if let Some(slot) = self.t.nodes.get_mut(index(id)) {
            let durable = slot.node.take().map(|n| n.durable());
            slot.durable = if status == NodeStatus::Crashed {
                durable.or(slot.durable.take())
            } else {
                None
            };
        }
    }

    /// Runs one handler of node `id` and applies its effects.
    fn call(&mut self, id: NodeId, f: impl FnOnce(&mut P, &mut Context<'_, P>)) {
        let now = self.k.st.now;
        let mut effects = std::mem::take(&mut self.effects);
        let mut found = Vec::new();
        let st = &mut self.k.st;
        let slot = self.t.nodes.get_mut(index(id));
        if let (Some(meta), Some(node)) = (
            st.nodes.get_mut(index(id)),
            slot.and_then(|s| s.node.as_mut()),
        ) {
            let local = meta.local_now(now);
            let mut cx = Context::new(id, local, &st.members, &mut meta.rng, &mut effects);
            f(node, &mut cx);
            self.t.checker.after_event(now, id, node, &mut found);
        }
        if !found.is_empty() {
            self.k.push_violations(found);
        }
        let mut retired = Vec::new();
        for effect in effects.drain(..) {
            match effect {
                Effect::Send { to, msg } => self.send(id, to, Payload::Msg(msg)),
                Effect::SetTimer { timer, after } => {
                    self.k.set_timer(id, timer_index(timer), after)
                }
                Effect::CancelTimer(timer) => self.k.cancel_timer(id, timer_index(timer)),
                Effect::Respond { op, response } => {
                    retired.extend(self.client_response(id, op, response));
                }
                Effect::Observe(observation) => self.observe(id, observation),
            }
        }
        self.effects = effects;
        for node in retired {
            self.retire(node);
        }
    }

    /// Hands a message to the network.
    fn send(&mut self, from: NodeId, to: NodeId, payload: Payload<P>) {
        let summary = self.k.label(|| payload.label());
        let launched = self
            .k
            .send(from, to, payload.kind(), summary, &mut |h| payload.hash(h));
        match launched {
            Launched::Blocked => {}
            Launched::One(slot) => self.t.payloads.put(slot, payload),
            Launched::Two(slot, copy) => {
                self.t.payloads.put(slot, payload.clone());
                self.t.payloads.put(copy, payload);
            }
        }
    }

    /// Handles one event popped from the queue.
    fn handle(&mut self, key: QueueKey, event: Event) {
        match event {
            Event::Deliver(slot) => self.deliver(slot, key),
            Event::Timer(node, timer) => {
                if self.k.timer_due(node, timer) {
                    self.fire_timer(node, timer);
                }
            }
            Event::ClientTimeout(op) => {
                if let Some(next) = self.k.client_timeout(op) {
                    if let Some(request) = self.t.requests.get(op.0 as usize).cloned() {
                        self.deliver_request(op, next, request);
                    }
                }
            }
        }
    }

    /// Records a timer firing and runs the node's handler.
    fn fire_timer(&mut self, node: NodeId, timer: TimerIndex) {
        let Some(&typed) = P::Timer::ALL.get(usize::from(timer)) else {
            return;
        };
        self.k.record_timer(node, timer);
        self.call(node, |n, cx| n.on_timer(cx, typed));
    }

    /// The message at `slot` came due (by the event at `key`).
    fn deliver(&mut self, slot: u32, key: QueueKey) {
        let arrival = self.k.arrival(slot, key);
        if matches!(arrival, Arrival::Gone) {
            return;
        }
        let payload = self.t.payloads.take(slot);
        let (Arrival::Arrived(m), Some(payload)) = (arrival, payload) else {
            return;
        };
        let summary = self.k.label(|| payload.label());
        self.k.delivered(&m, summary);
        match payload {
            Payload::Msg(msg) => self.call(m.to, |n, cx| n.on_message(cx, m.from, msg)),
            Payload::Client { op, request } => self.deliver_request(op, m.to, request),
        }
    }

    /// Carries out a command due now (from the schedule).
    fn run_command(&mut self, cmd: Command) {
        if !self.k.admit(&cmd) {
            return;
        }
        let Some(cmd) = self.k.apply_fault(cmd) else {
            return;
        };
        match cmd {
            Command::Crash { node } => self.stop_node(node, NodeStatus::Crashed),
            Command::RemoveNode { node } => match P::admin(Admin::Remove(node)) {
                Some(request) => self.administer(request, node),
                None => self.stop_node(node, NodeStatus::Removed),
            },
            Command::Restart { node } => self.start_node(node),
            Command::AddNode => {
                let id = self.spawn_node();
                match P::admin(Admin::Add(id)) {
                    Some(request) => {
                        self.start_as(id, true);
                        self.administer(request, id);
                    }
                    None => self.start_node(id),
                }
            }
            Command::Transfer { node } => {
                if let Some(request) = P::admin(Admin::Transfer(node)) {
                    self.administer(request, node);
                }
            }
            Command::Client { node, request } => {
                if let Ok(request) = P::Request::read(&Reader::new(&request, "")) {
                    self.submit(node, request);
                }
            }
            Command::Rumor { node } => {
                if let Some(request) = P::rumor() {
                    self.submit(node, request);
                }
            }
            Command::Fire { node, timer } => {
                if let Some(timer) = self.k.timer_index(&timer) {
                    self.k.cancel_timer(node, timer);
                    self.fire_timer(node, timer);
                }
            }
            Command::DropMessage { id } => {
                if let Some(slot) = self.k.drop_message(id) {
                    self.t.payloads.take(slot);
                }
            }
            Command::DuplicateMessage { id } => {
                let Some(slot) = self.k.find_message(id) else {
                    return;
                };
                let Some(payload) = self.t.payloads.get(slot).cloned() else {
                    return;
                };
                let summary = self.k.label(|| payload.label());
                if let Some(copy) = self.k.duplicate(slot, summary, &mut |h| payload.hash(h)) {
                    self.t.payloads.put(copy, payload);
                }
            }
            // The kernel carried out the rest.
            _ => {}
        }
    }

    /// Sends an administrator's request about node `about` to the cluster:
    /// to the first running node other than `about` (the request follows
    /// redirects to the leader as a client's does).
    fn administer(&mut self, request: P::Request, about: NodeId) {
        let up = |k: &super::kernel::Kernel, n: NodeId| k.status(n) == Some(NodeStatus::Up);
        let contact = self
            .k
            .live_nodes()
            .find(|&n| n != about && up(&self.k, n))
            .unwrap_or(about);
        self.submit(contact, request);
    }

    /// Starts a client operation at `node`.
    fn submit(&mut self, node: NodeId, request: P::Request) {
        let op = self.k.submit(node, P::request_label(&request));
        self.t.requests.push(request.clone());
        self.deliver_request(op, node, request);
    }

    /// The request reaches `node` (if it is up to hear it).
    fn deliver_request(&mut self, op: OpId, node: NodeId, request: P::Request) {
        if !self.k.request_heard(op, node) {
            return;
        }
        let summary = self.k.label(|| P::request_label(&request));
        self.k
            .record(TraceKind::Request { node, op, summary })
            .json(&request);
        self.call(node, |n, cx| n.on_request(cx, op, request));
    }

    /// A node answered operation `op`. Returns the node the answer says
    /// has left the cluster, for the caller to shut down once the
    /// answering node's effects are applied.
    fn client_response(&mut self, node: NodeId, op: OpId, response: P::Response) -> Option<NodeId> {
        if !self.k.awaits(op, node) {
            return None; // a late answer from a node the client has left
        }
        let outcome = response.outcome();
        let retired = response.retires();
        let forward = self.k.reply(node, op, outcome, &mut |h| h.json(&response));
        if let Some(leader) = forward {
            if let Some(request) = self.t.requests.get(op.0 as usize).cloned() {
                self.send(node, leader, Payload::Client { op, request });
            }
        }
        retired
    }

    /// The cluster committed the removal of `node`: the administrator shuts
    /// it down for good (dissertation §4.2.2).
    fn retire(&mut self, node: NodeId) {
        if matches!(self.k.status(node), None | Some(NodeStatus::Removed)) {
            return;
        }
        let cmd = Command::RemoveNode { node };
        let summary = self
            .k
            .label(|| format!("{node} shut down: it left the configuration"));
        self.k
            .record(TraceKind::Command {
                op: cmd.op(),
                summary,
            })
            .json(&cmd);
        self.stop_node(node, NodeStatus::Removed);
    }

    /// Records what node `node` reported, with the real time. At most
    /// [`MAX_OBSERVATIONS`] are kept; later ones are counted but not kept.
    fn observe(&mut self, node: NodeId, observation: P::Observation) {
        if self.observations.len() < MAX_OBSERVATIONS {
            self.observations.truncate(self.k.st.observed);
            self.observations.push(Observed {
                at: self.k.st.now,
                node,
                observation,
            });
            self.k.st.observed = self.observations.len();
        }
    }
}
