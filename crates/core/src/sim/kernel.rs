//! The kernel: everything about a run that does not depend on the
//! protocol's types (time, the event queue, the network, in-flight message
//! metadata, timers, clients, stats, the trace and its hash). It is compiled
//! once; [`super::Sim`] is the thin typed shim that drives it and holds what
//! must be typed (node states, message payloads, requests).

use super::client::ClientOp;
use super::inflight::InFlight;
use super::nodes::NodeMeta;
use super::queue::{Event, EventQueue, QueueKey};
use super::slab::Slab;
use super::status::MessageStats;
use super::timers::{TimerIndex, TimerTable};
use super::SimConfig;
use crate::command::{Command, Scheduled};
use crate::id::NodeId;
use crate::invariant::Violation;
use crate::net::Network;
use crate::rng::Rng;
use crate::scenario::Scenario;
use crate::time::Time;
use crate::trace::{TraceEvent, TraceHash, TraceKind};
use std::collections::VecDeque;
use std::sync::Arc;

/// The random stream numbers: the network's, then one per node.
const NET_STREAM: u64 = u64::MAX;

/// Everything protocol-independent that changes as a run goes on; cloned
/// into checkpoints.
#[derive(Clone, Debug)]
pub(crate) struct KernelState {
    pub now: Time,
    pub next_seq: u64,
    pub events: u64,
    pub next_cmd: usize,
    pub queue: EventQueue,
    /// Per node, indexed by node id (ids are dense and never reused).
    pub nodes: Vec<NodeMeta>,
    /// The live (not removed) members in id order, shared by every handler
    /// call and checkpoint; replaced, not edited, when membership changes.
    pub members: Arc<Vec<NodeId>>,
    pub net: Network,
    pub net_rng: Rng,
    pub timers: TimerTable,
    pub inflight: Slab<InFlight>,
    /// Per client operation, indexed by operation id.
    pub clients: Vec<ClientOp>,
    pub next_msg: u64,
    pub stats: MessageStats,
    pub violations: Vec<Violation>,
    pub trace_len: u64,
    /// Observations recorded so far (the list lives outside checkpoints).
    pub observed: usize,
    pub trace_hash: TraceHash,
}

impl KernelState {
    /// Puts `event` in the queue at `at` and returns its key.
    pub fn enqueue(&mut self, at: Time, event: Event) -> QueueKey {
        let key = (at, self.next_seq);
        self.next_seq += 1;
        self.queue.insert(key, event);
        key
    }
}

/// What the kernel hands the shim to carry out next.
pub(crate) enum Next {
    /// A recorded command, due now.
    Command(Command),
    /// An event popped from the queue (with its key), due now.
    Event(QueueKey, Event),
}

/// The protocol-independent simulator (see the module docs).
#[derive(Clone, Debug)]
pub(crate) struct Kernel {
    pub st: KernelState,
    pub schedule: Vec<Scheduled>,
    pub trace: VecDeque<TraceEvent>,
    pub config: SimConfig,
    pub seed: u64,
    pub horizon: Time,
    /// The protocol's timer names, in `TimerName::ALL` order.
    pub timer_names: Vec<&'static str>,
}

impl Kernel {
    /// A kernel at time zero, with no nodes yet.
    pub fn new(
        scenario: &Scenario,
        schedule: Vec<Scheduled>,
        config: SimConfig,
        timer_names: Vec<&'static str>,
    ) -> Kernel {
        // Timers are named (and counted) by a `TimerIndex`.
        assert!(
            timer_names.len() <= usize::from(TimerIndex::MAX),
            "a protocol has at most 255 timers"
        );
        let st = KernelState {
            now: Time::ZERO,
            next_seq: 0,
            events: 0,
            next_cmd: 0,
            queue: EventQueue::default(),
            nodes: Vec::new(),
            members: Default::default(),
            net: Network::new(scenario.network.link_params()),
            net_rng: Rng::stream(scenario.seed, NET_STREAM),
            timers: TimerTable::new(timer_names.len()),
            inflight: Slab::default(),
            clients: Vec::new(),
            next_msg: 0,
            stats: MessageStats::default(),
            violations: Vec::new(),
            trace_len: 0,
            observed: 0,
            trace_hash: TraceHash::default(),
        };
        Kernel {
            st,
            schedule,
            trace: VecDeque::new(),
            config,
            seed: scenario.seed,
            horizon: Time::ZERO,
            timer_names,
        }
    }

    /// Takes what is due next, command or event, and moves the clock to
    /// it. A command applies after every event due at or before its time.
    pub fn next(&mut self) -> Option<Next> {
        let next_event = self.st.queue.first_key().map(|k| k.0);
        let next_cmd = self.schedule.get(self.st.next_cmd).map(|s| s.at);
        match (next_event, next_cmd) {
            (e, Some(c)) if e.is_none_or(|t| c < t) => {
                let cmd = self.schedule[self.st.next_cmd].command.clone();
                self.st.next_cmd += 1;
                self.st.now = self.st.now.max(c);
                Some(Next::Command(cmd))
            }
            (Some(_), _) => {
                let (key, event) = self.st.queue.pop_first()?;
                self.st.now = key.0;
                Some(Next::Event(key, event))
            }
            _ => None,
        }
    }

    /// Counts the step just carried out; returns whether a checkpoint is due.
    pub fn end_step(&mut self) -> bool {
        self.st.events += 1;
        self.horizon = self.horizon.max(self.st.now);
        let every = self.config.checkpoint_every;
        every > 0 && self.st.events % every == 0 && self.st.now >= self.horizon
    }

    /// The time of the next event or command, if any.
    pub fn next_time(&self) -> Option<Time> {
        let e = self.st.queue.first_key().map(|k| k.0);
        let c = self.schedule.get(self.st.next_cmd).map(|s| s.at);
        match (e, c) {
            (Some(e), Some(c)) => Some(e.min(c)),
            (e, c) => e.or(c),
        }
    }

    /// Sets the clock to `t` if it is behind.
    pub fn advance_to(&mut self, t: Time) {
        self.st.now = self.st.now.max(t);
        self.horizon = self.horizon.max(self.st.now);
    }

    /// Goes back to a checkpoint, forgetting the trace entries after it.
    pub fn rewind(&mut self, to: &KernelState) {
        self.st = to.clone();
        let len = self.st.trace_len;
        while self.trace.back().is_some_and(|e| e.seq >= len) {
            self.trace.pop_back();
        }
    }

    /// Records `command` as applied now, in the recorded order. Applying in
    /// the past (after a seek back) discards the recorded future; returns
    /// whether it did, so the shim drops the checkpoints after now.
    pub fn schedule_now(&mut self, command: Command) -> bool {
        let rewrites = self.st.now < self.horizon;
        if rewrites {
            self.schedule.truncate(self.st.next_cmd);
            self.horizon = self.st.now;
        }
        self.schedule.insert(
            self.st.next_cmd,
            Scheduled {
                at: self.st.now,
                command,
            },
        );
        rewrites
    }

    /// Appends to the trace and returns the trace hash, to be fed what
    /// identifies the entry beyond its kind (message contents, requests).
    pub fn record(&mut self, kind: TraceKind) -> &mut TraceHash {
        let h = &mut self.st.trace_hash;
        h.u64(self.st.now.0);
        hash_kind(h, &kind);
        let event = TraceEvent {
            seq: self.st.trace_len,
            at: self.st.now,
            kind,
        };
        self.st.trace_len += 1;
        if self.config.trace_capacity > 0 {
            if self.trace.len() >= self.config.trace_capacity {
                self.trace.pop_front();
            }
            self.trace.push_back(event);
        }
        &mut self.st.trace_hash
    }

    /// Keeps the violations found, up to a bound.
    pub fn push_violations(&mut self, found: Vec<Violation>) {
        const MAX_VIOLATIONS: usize = 1_000;
        for v in found {
            if self.st.violations.len() < MAX_VIOLATIONS {
                self.st.violations.push(v);
            }
        }
    }

    /// A label, or nothing when labels are off.
    pub fn label(&self, make: impl FnOnce() -> String) -> String {
        if self.config.labels {
            make()
        } else {
            String::new()
        }
    }
}

/// Feeds what identifies a trace entry to the hash; summaries are left out
/// (they are derived from what is fed, and may be switched off).
fn hash_kind(h: &mut TraceHash, kind: &TraceKind) {
    match kind {
        TraceKind::Start { node } => {
            h.u64(1);
            h.u64(node.0.into());
        }
        TraceKind::Send {
            from,
            to,
            msg,
            deliver_at,
            ..
        } => {
            h.u64(2);
            h.u64(from.0.into());
            h.u64(to.0.into());
            h.u64(msg.0);
            h.u64(deliver_at.0);
        }
        TraceKind::Deliver { from, to, msg, .. } => {
            h.u64(3);
            h.u64(from.0.into());
            h.u64(to.0.into());
            h.u64(msg.0);
        }
        TraceKind::Drop {
            from,
            to,
            msg,
            reason,
            ..
        } => {
            h.u64(4);
            h.u64(from.0.into());
            h.u64(to.0.into());
            h.u64(msg.0);
            h.u64(*reason as u64);
        }
        TraceKind::Timer { node, timer } => {
            h.u64(5);
            h.u64(node.0.into());
            h.bytes(timer.as_bytes());
        }
        TraceKind::Request { node, op, .. } => {
            h.u64(6);
            h.u64(node.0.into());
            h.u64(op.0);
        }
        TraceKind::Reply { node, op, .. } => {
            h.u64(7);
            h.u64(node.0.into());
            h.u64(op.0);
        }
        TraceKind::Command { op, .. } => {
            h.u64(8);
            h.bytes(op.as_bytes());
        }
        TraceKind::Ignored { op, .. } => {
            h.u64(9);
            h.bytes(op.as_bytes());
        }
    }
}
