//! Handling one event or command: calling node handlers, applying their
//! effects, and carrying out faults.

use super::state::{Event, InFlight, NodeStatus, Payload, Slot};
use super::Sim;
use crate::command::Command;
use crate::id::{MsgId, NodeId};
use crate::net::{DropReason, LinkParams};
use crate::node::{Context, Effect, MessageInfo, Protocol, TimerName};
use crate::rng::Rng;
use crate::time::{ms_to_micros, Time};
use crate::trace::TraceKind;
use crate::Checker;
use serde::Deserialize;
use std::sync::Arc;

impl<P: Protocol> Sim<P> {
    /// Creates the slot of a new node (not started yet) and links it with
    /// every other live node.
    pub(super) fn spawn_node(&mut self) -> NodeId {
        let id = NodeId(self.st.next_node);
        self.st.next_node += 1;
        Arc::make_mut(&mut self.st.members).push(id);
        self.st.slots.insert(
            id,
            Slot {
                node: None,
                durable: None,
                status: NodeStatus::Crashed,
                rng: Rng::stream(self.seed, u64::from(id.0)),
                held: Vec::new(),
                rate_milli: 1000,
                clock_base: (self.st.now, self.st.now),
            },
        );
        id
    }

    /// Builds the node from its durable state (if any) and calls `on_start`.
    pub(super) fn start_node(&mut self, id: NodeId) {
        let Some(slot) = self.st.slots.get_mut(&id) else {
            return;
        };
        let durable = slot.durable.take();
        slot.node = Some(P::new(id, &self.st.members, &self.params, durable));
        slot.status = NodeStatus::Up;
        self.record(TraceKind::Start { node: id }, |_| {});
        self.call(id, |n, cx| n.on_start(cx));
    }

    /// Runs one handler of node `id` and applies its effects.
    pub(super) fn call(&mut self, id: NodeId, f: impl FnOnce(&mut P, &mut Context<'_, P>)) {
        let now = self.st.now;
        let mut effects = std::mem::take(&mut self.effects);
        let mut found = Vec::new();
        {
            let st = &mut self.st;
            let Some(slot) = st.slots.get_mut(&id) else {
                return;
            };
            let local = slot.local_now(now);
            let Slot { node, rng, .. } = slot;
            let Some(node) = node.as_mut() else {
                return;
            };
            let mut cx = Context::new(id, local, &st.members, rng, &mut effects);
            f(node, &mut cx);
            st.checker.after_event(now, id, node, &mut found);
        }
        if !found.is_empty() {
            self.push_violations(found);
        }
        for effect in effects.drain(..) {
            match effect {
                Effect::Send { to, msg } => self.send(id, to, Payload::Msg(msg)),
                Effect::SetTimer { timer, after } => self.set_timer(id, timer, after),
                Effect::CancelTimer(timer) => self.cancel_timer(id, timer),
                Effect::Respond { op, response } => self.client_response(id, op, response),
                Effect::Observe(observation) => self.observe(id, observation),
            }
        }
        self.effects = effects;
    }

    /// Hands a message to the network.
    pub(super) fn send(&mut self, from: NodeId, to: NodeId, payload: Payload<P>) {
        self.st.stats.sent += 1;
        let id = MsgId(self.st.next_msg);
        self.st.next_msg += 1;
        let (kind, summary) = self.describe(&payload);
        if self.st.net.blocked(from, to) {
            self.st.stats.dropped += 1;
            self.record(
                TraceKind::Drop {
                    from,
                    to,
                    msg: id,
                    message: kind,
                    reason: DropReason::Partition,
                },
                |h| hash_payload(h, &payload),
            );
            return;
        }
        let link = self.st.net.link(from, to);
        if self.st.net_rng.chance(link.duplicate) {
            self.st.stats.duplicated += 1;
            self.launch(id, from, to, link, payload.clone(), kind, summary.clone());
            let copy = MsgId(self.st.next_msg);
            self.st.next_msg += 1;
            self.launch(copy, from, to, link, payload, kind, summary);
        } else {
            self.launch(id, from, to, link, payload, kind, summary);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn launch(
        &mut self,
        id: MsgId,
        from: NodeId,
        to: NodeId,
        link: LinkParams,
        payload: Payload<P>,
        kind: &'static str,
        summary: String,
    ) {
        let latency = self.st.net.sample_latency(&mut self.st.net_rng, from, to);
        let lost = self.st.net_rng.chance(link.drop);
        let deliver_at = self.st.now + latency;
        self.record(
            TraceKind::Send {
                from,
                to,
                msg: id,
                message: kind,
                summary,
                deliver_at,
            },
            |h| hash_payload(h, &payload),
        );
        let key = self.st.enqueue(deliver_at, Event::Deliver(id));
        self.st.inflight.insert(
            id,
            InFlight {
                from,
                to,
                sent_at: self.st.now,
                key,
                lost,
                payload,
            },
        );
    }

    pub(super) fn describe(&self, payload: &Payload<P>) -> (&'static str, String) {
        match payload {
            Payload::Msg(m) => (
                m.kind(),
                if self.config.labels {
                    m.label()
                } else {
                    String::new()
                },
            ),
            Payload::Client { request, .. } => (
                "client",
                if self.config.labels {
                    format!("client redirected: {}", P::request_label(request))
                } else {
                    String::new()
                },
            ),
        }
    }

    fn set_timer(&mut self, id: NodeId, timer: P::Timer, after: u64) {
        self.cancel_timer(id, timer);
        let Some(slot) = self.st.slots.get(&id) else {
            return;
        };
        let at = self.st.now + slot.real_span(after);
        let key = self.st.enqueue(at, Event::Timer(id, timer));
        self.st.timers.insert((id, timer), key);
    }

    fn cancel_timer(&mut self, id: NodeId, timer: P::Timer) {
        if let Some(key) = self.st.timers.remove(&(id, timer)) {
            self.st.queue.remove(&key);
        }
    }

    /// Records a timer firing and runs the node's handler.
    fn fire_timer(&mut self, node: NodeId, timer: P::Timer) {
        self.record(
            TraceKind::Timer {
                node,
                timer: timer.name(),
            },
            |_| {},
        );
        self.call(node, |n, cx| n.on_timer(cx, timer));
    }

    fn drop_timers_of(&mut self, id: NodeId) {
        let keys: Vec<_> = self
            .st
            .timers
            .iter()
            .filter(|((n, _), _)| *n == id)
            .map(|(k, _)| *k)
            .collect();
        for k in keys {
            if let Some(qk) = self.st.timers.remove(&k) {
                self.st.queue.remove(&qk);
            }
        }
    }

    /// Handles one event popped from the queue.
    pub(super) fn handle(&mut self, event: Event<P>) {
        match event {
            Event::Deliver(id) => self.deliver(id),
            Event::Timer(node, timer) => {
                self.st.timers.remove(&(node, timer));
                let Some(slot) = self.st.slots.get_mut(&node) else {
                    return;
                };
                match slot.status {
                    NodeStatus::Paused => slot.held.push(timer),
                    NodeStatus::Up => self.fire_timer(node, timer),
                    NodeStatus::Crashed | NodeStatus::Removed => {}
                }
            }
            Event::ClientTimeout(op) => self.client_timeout(op),
        }
    }

    fn deliver(&mut self, id: MsgId) {
        let Some(m) = self.st.inflight.remove(&id) else {
            return;
        };
        let status = self.st.slots.get(&m.to).map(|s| s.status);
        let reason = if m.lost {
            Some(DropReason::Loss)
        } else if self.st.net.blocked(m.from, m.to) {
            Some(DropReason::Partition)
        } else {
            match status {
                Some(NodeStatus::Up) => None,
                Some(NodeStatus::Paused) => Some(DropReason::DestinationPaused),
                _ => Some(DropReason::DestinationDown),
            }
        };
        if let Some(reason) = reason {
            let kind = payload_kind(&m.payload);
            self.st.stats.dropped += 1;
            self.record(
                TraceKind::Drop {
                    from: m.from,
                    to: m.to,
                    msg: id,
                    message: kind,
                    reason,
                },
                |_| {},
            );
            return;
        }
        let (kind, summary) = self.describe(&m.payload);
        self.st.stats.delivered += 1;
        self.record(
            TraceKind::Deliver {
                from: m.from,
                to: m.to,
                msg: id,
                message: kind,
                summary,
            },
            |_| {},
        );
        match m.payload {
            Payload::Msg(msg) => self.call(m.to, |n, cx| n.on_message(cx, m.from, msg)),
            Payload::Client { op, request } => self.deliver_request(op, m.to, request),
        }
    }

    /// Whether a command can apply now; the error says why not.
    pub(super) fn check_runtime(&self, cmd: &Command) -> Result<(), String> {
        let status = |n: &NodeId| self.st.slots.get(n).map(|s| s.status);
        let need = |n: &NodeId, want: NodeStatus, what: &str| {
            if status(n) == Some(want) {
                Ok(())
            } else {
                Err(format!("{n} is not {what}"))
            }
        };
        match cmd {
            Command::Crash { node }
            | Command::Pause { node }
            | Command::Fire { node, .. }
            | Command::Rumor { node } => need(node, NodeStatus::Up, "up"),
            Command::Restart { node } => need(node, NodeStatus::Crashed, "crashed"),
            Command::Resume { node } => need(node, NodeStatus::Paused, "paused"),
            Command::RemoveNode { node } => match status(node) {
                Some(NodeStatus::Removed) | None => Err(format!("{node} is not in the cluster")),
                _ => Ok(()),
            },
            Command::Client { node, .. } => {
                if status(node).is_some_and(|s| s != NodeStatus::Removed) {
                    Ok(())
                } else {
                    Err(format!("{node} is not in the cluster"))
                }
            }
            Command::DropMessage { id }
            | Command::DuplicateMessage { id }
            | Command::DelayMessage { id, .. } => {
                if self.st.inflight.contains_key(id) {
                    Ok(())
                } else {
                    Err(format!("message #{} is no longer in flight", id.0))
                }
            }
            _ => Ok(()),
        }
    }

    /// Carries out a command due now (from the schedule).
    pub(super) fn run_command(&mut self, cmd: Command) {
        let op = cmd.op();
        if let Err(why) = self.check_runtime(&cmd) {
            let summary = format!("{}: {why}", cmd.describe());
            self.record(TraceKind::Ignored { op, summary }, |_| {});
            return;
        }
        let summary = if self.config.labels {
            cmd.describe()
        } else {
            String::new()
        };
        self.record(TraceKind::Command { op, summary }, |h| h.json(&cmd));
        match cmd {
            Command::Crash { node } => self.crash(node, NodeStatus::Crashed),
            Command::RemoveNode { node } => {
                self.crash(node, NodeStatus::Removed);
                Arc::make_mut(&mut self.st.members).retain(|p| *p != node);
            }
            Command::Restart { node } => self.start_node(node),
            Command::Pause { node } => {
                if let Some(slot) = self.st.slots.get_mut(&node) {
                    slot.status = NodeStatus::Paused;
                }
            }
            Command::Resume { node } => {
                let held = match self.st.slots.get_mut(&node) {
                    Some(slot) => {
                        slot.status = NodeStatus::Up;
                        std::mem::take(&mut slot.held)
                    }
                    None => Vec::new(),
                };
                for timer in held {
                    self.set_timer(node, timer, 0);
                }
            }
            Command::Partition { groups } => self.st.net.partition(&groups),
            Command::Cut { from, to } => self.st.net.cut(from, to),
            Command::Heal => self.st.net.heal(),
            Command::Link {
                from,
                to,
                latency_ms,
                drop,
                duplicate,
            } => {
                let between = from.zip(to);
                let mut p = match between {
                    Some((a, b)) => self.st.net.link(a, b),
                    None => self.st.net.default_link(),
                };
                if let Some([lo, hi]) = latency_ms {
                    p.latency = (ms_to_micros(lo), ms_to_micros(hi));
                }
                p.drop = drop.unwrap_or(p.drop);
                p.duplicate = duplicate.unwrap_or(p.duplicate);
                self.st.net.set_link(between, p);
            }
            Command::Skew { node, rate } => {
                let now = self.st.now;
                if let Some(slot) = self.st.slots.get_mut(&node) {
                    slot.clock_base = (now, slot.local_now(now));
                    slot.rate_milli = ((rate * 1000.0).round() as u64).max(1);
                }
            }
            Command::AddNode => {
                let id = self.spawn_node();
                self.start_node(id);
            }
            Command::Client { node, request } => {
                if let Ok(request) = serde_json::from_value::<P::Request>(request) {
                    self.submit(node, request);
                }
            }
            Command::Rumor { node } => {
                if let Ok(request) = P::Request::deserialize(serde_json::json!({ "type": "rumor" }))
                {
                    self.submit(node, request);
                }
            }
            Command::Fire { node, timer } => {
                if let Some(timer) = P::Timer::parse(&timer) {
                    self.cancel_timer(node, timer);
                    self.fire_timer(node, timer);
                }
            }
            Command::DropMessage { id } => {
                if let Some(m) = self.st.inflight.remove(&id) {
                    self.st.queue.remove(&m.key);
                    self.st.stats.dropped += 1;
                    let (message, _) = self.describe(&m.payload);
                    self.record(
                        TraceKind::Drop {
                            from: m.from,
                            to: m.to,
                            msg: id,
                            message,
                            reason: DropReason::Manual,
                        },
                        |_| {},
                    );
                }
            }
            Command::DuplicateMessage { id } => {
                if let Some(m) = self.st.inflight.get(&id).cloned() {
                    self.st.stats.duplicated += 1;
                    let copy = MsgId(self.st.next_msg);
                    self.st.next_msg += 1;
                    let link = self.st.net.link(m.from, m.to);
                    let (kind, summary) = self.describe(&m.payload);
                    self.launch(copy, m.from, m.to, link, m.payload, kind, summary);
                }
            }
            Command::DelayMessage { id, by_ms } => {
                let by = ms_to_micros(by_ms);
                if let Some(m) = self.st.inflight.get(&id) {
                    let old = m.key;
                    self.st.queue.remove(&old);
                    let key = self.st.enqueue(old.0 + by, Event::Deliver(id));
                    if let Some(m) = self.st.inflight.get_mut(&id) {
                        m.key = key;
                    }
                }
            }
        }
    }

    fn crash(&mut self, id: NodeId, status: NodeStatus) {
        self.drop_timers_of(id);
        if let Some(slot) = self.st.slots.get_mut(&id) {
            let durable = slot.node.take().map(|n| n.durable());
            slot.durable = if status == NodeStatus::Crashed {
                durable.or(slot.durable.take())
            } else {
                None
            };
            slot.status = status;
            slot.held.clear();
        }
    }

    /// The time a queued message will be delivered.
    pub(super) fn deliver_at(&self, m: &InFlight<P>) -> Time {
        m.key.0
    }
}

fn payload_kind<P: Protocol>(payload: &Payload<P>) -> &'static str {
    match payload {
        Payload::Msg(m) => m.kind(),
        Payload::Client { .. } => "client",
    }
}

fn hash_payload<P: Protocol>(h: &mut crate::trace::TraceHash, payload: &Payload<P>) {
    match payload {
        Payload::Msg(m) => h.value(m),
        Payload::Client { op, request } => {
            h.u64(op.0);
            h.value(request);
        }
    }
}
