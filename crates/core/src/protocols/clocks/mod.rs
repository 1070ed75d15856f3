//! Logical time: Lamport clocks (Lamport 1978), vector clocks and hybrid
//! logical clocks, on processes doing local events, sends and receives. A
//! seeded workload drives them; a client can add a local event, a send, or
//! a write to two replicated registers (last-writer-wins by physical time,
//! and multi-value by vector clock) to show what clock skew does to each.

mod entry;
mod diagram;
pub mod query;
mod register;

pub use crate::causality::{Hlc, Relation, VClock};
pub use register::{LwwRegister, MvRegister, Write};

use crate::id::{NodeId, OpId};
use crate::invariant::{Checker, Violation};
use crate::knob::Knob;
use crate::node::{Badge, ClientOutcome, Context, MessageInfo, Protocol, Response, TimerName};
use crate::read::{ReadJson, Reader};
use crate::scenario::ScenarioError;
use crate::time::Time;
use serde::{Deserialize, Serialize};
use crate::sortedmap::SortedMap;

/// Parameters of a clocks scenario.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClocksParams {
    /// Workload events per second of local time on each process (0: none).
    pub events_per_s: f64,
    /// Probability that a workload event is a send (otherwise local).
    pub send_probability: f64,
    /// Textbook bugs switched on ([`BUGS`]); none by default.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub bugs: Vec<String>,
}

/// A receive sets the Lamport clock to the larger of its own and the
/// message's, without adding one: Lamport 1978's IR2 asks for a value
/// greater than both, so the receive is not ordered after the send.
pub const LAMPORT_NO_INCREMENT: &str = "lamport_no_increment";
/// A receive adopts the message's HLC instead of the largest of the
/// three (Kulkarni et al. 2014, Figure 5): a message from a node whose
/// clock is behind moves the receiver's HLC back.
pub const HLC_ADOPTS_MESSAGE: &str = "hlc_adopts_message";

/// The clocks' textbook bugs.
pub const BUGS: &[crate::bug::Bug] = &[
    crate::bug::Bug {
        name: LAMPORT_NO_INCREMENT,
        breaks: &[CLOCK_CONDITION],
        about: "A receive takes max(own, message) as its Lamport time, without the +1 (Lamport 1978, IR2)",
        needs: &[],
    },
    crate::bug::Bug {
        name: HLC_ADOPTS_MESSAGE,
        breaks: &[HLC_MONOTONIC],
        about: "A receive adopts the message's hybrid timestamp instead of the largest one seen (Kulkarni et al. 2014)",
        needs: &[],
    },
];

crate::read::read_struct!(ClocksParams {
    events_per_s,
    send_probability,
    bugs
});

impl Default for ClocksParams {
    fn default() -> Self {
        ClocksParams {
            events_per_s: 4.0,
            send_probability: 0.5,
            bugs: Vec::new(),
        }
    }
}

/// The workload's timer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ClockTimer {
    /// The next workload event is due.
    Tick,
}

impl TimerName for ClockTimer {
    const ALL: &'static [Self] = &[ClockTimer::Tick];
    fn name(&self) -> &'static str {
        "tick"
    }
}

/// What a client (or the UI) can ask a process to do, tagged by `type`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClockRequest {
    /// A local event.
    Local,
    /// Send a message to another process.
    Send {
        /// The receiver.
        to: NodeId,
    },
    /// Write a value to both registers and replicate it to every process.
    Write {
        /// The value.
        value: String,
    },
}

/// `{"type": "send", "to": 2}`; `local`, which has no fields, ignores any.
impl ReadJson for ClockRequest {
    fn read(r: &Reader<'_>) -> Result<Self, ScenarioError> {
        const TYPES: &[(&str, &[&str])] = &[("local", &[]), ("send", &["to"]), ("write", &["value"])];
        let o = r.object_any()?;
        Ok(match o.variant("type", TYPES, &[])? {
            "local" => ClockRequest::Local,
            "send" => ClockRequest::Send { to: o.req("to")? },
            _ => ClockRequest::Write {
                value: o.req("value")?,
            },
        })
    }
}

/// The answer to a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClockResponse {
    /// The event it made (its per-process sequence number).
    pub seq: u64,
}

impl Response for ClockResponse {
    fn outcome(&self) -> ClientOutcome {
        ClientOutcome::Done(format!("event {}", self.seq))
    }
}

/// A reference to an event: its process and per-process sequence number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct EventRef {
    /// The process.
    pub node: NodeId,
    /// Its sequence number there, from 1.
    pub seq: u64,
}

/// A message: the sender's stamps, and a replicated write if any.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ClockMsg {
    /// The send event.
    pub send: EventRef,
    /// Its Lamport timestamp.
    pub lamport: u64,
    /// Its vector clock.
    pub vector: VClock,
    /// Its hybrid timestamp.
    pub hlc: Hlc,
    /// A write being replicated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub write: Option<Write>,
}

impl MessageInfo for ClockMsg {
    fn kind(&self) -> &'static str {
        if self.write.is_some() {
            "write"
        } else {
            "message"
        }
    }
    fn label(&self) -> String {
        let w = self
            .write
            .as_ref()
            .map(|w| format!(", write {:?}", w.value))
            .unwrap_or_default();
        format!("L={} V={:?}{w}", self.lamport, self.vector.0)
    }
}

/// What kind of event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventKind {
    /// A local event.
    Local,
    /// A send to `to`.
    Send {
        /// The receiver.
        to: NodeId,
    },
    /// A receive of the message sent by event `send`.
    Recv {
        /// The matching send.
        send: EventRef,
    },
}

/// One event with every stamp it carries (reported as an observation).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClockEvent {
    /// Which event.
    pub event: EventRef,
    /// Local, send or receive.
    #[serde(flatten)]
    pub kind: EventKind,
    /// Lamport timestamp.
    pub lamport: u64,
    /// Vector clock.
    pub vector: VClock,
    /// Hybrid logical clock.
    pub hlc: Hlc,
    /// The value written, for a write's local event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub write: Option<String>,
}

/// What survives a crash: every clock and both register replicas (a
/// process that forgot its clocks would reuse timestamps).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClocksDurable {
    seq: u64,
    lamport: u64,
    vector: VClock,
    hlc: Hlc,
    lww: LwwRegister,
    mv: MvRegister,
}

/// What the UI reads of a process.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClocksView {
    /// Events so far.
    pub events: u64,
    /// Lamport clock.
    pub lamport: u64,
    /// Vector clock.
    pub vector: VClock,
    /// Hybrid logical clock.
    pub hlc: Hlc,
    /// The last-writer-wins replica.
    pub lww: LwwRegister,
    /// The multi-value replica.
    pub mv: MvRegister,
}

/// One process.
#[derive(Clone, Debug)]
pub struct Clocks {
    id: NodeId,
    peers: Vec<NodeId>,
    params: ClocksParams,
    d: ClocksDurable,
}

impl Clocks {
    fn index(&self) -> usize {
        self.id.0 as usize
    }

    /// Stamps a new local or send event.
    fn stamp(&mut self, cx: &mut Context<'_, Self>) -> EventRef {
        self.d.seq += 1;
        self.d.lamport += 1;
        let i = self.index();
        self.d.vector.increment(i);
        self.d.hlc.tick(cx.now().0);
        EventRef {
            node: self.id,
            seq: self.d.seq,
        }
    }

    fn emit(
        &self,
        cx: &mut Context<'_, Self>,
        event: EventRef,
        kind: EventKind,
        write: Option<String>,
    ) {
        cx.observe(ClockEvent {
            event,
            kind,
            lamport: self.d.lamport,
            vector: self.d.vector.clone(),
            hlc: self.d.hlc,
            write,
        });
    }

    fn local(&mut self, cx: &mut Context<'_, Self>, write: Option<String>) -> EventRef {
        let e = self.stamp(cx);
        self.emit(cx, e, EventKind::Local, write);
        e
    }

    fn send(&mut self, cx: &mut Context<'_, Self>, to: NodeId, write: Option<Write>) -> EventRef {
        let e = self.stamp(cx);
        self.emit(cx, e, EventKind::Send { to }, None);
        cx.send(
            to,
            ClockMsg {
                send: e,
                lamport: self.d.lamport,
                vector: self.d.vector.clone(),
                hlc: self.d.hlc,
                write,
            },
        );
        e
    }

    fn schedule_tick(&self, cx: &mut Context<'_, Self>) {
        if self.params.events_per_s > 0.0 {
            // Uniform in [0.5, 1.5] mean intervals: no transcendental
            // functions, so native and wasm draw the same times.
            let mean = 1e6 / self.params.events_per_s;
            let after = mean * (0.5 + cx.rng().unit());
            cx.set_timer(ClockTimer::Tick, after as u64);
        }
    }

    fn write(&mut self, cx: &mut Context<'_, Self>, value: String) -> EventRef {
        let e = self.local(cx, Some(value.clone()));
        let w = Write {
            value,
            physical: cx.now().0,
            writer: self.id,
            vector: self.d.vector.clone(),
        };
        self.d.lww.apply(&w);
        self.d.mv.apply(&w);
        for to in self.peers.clone() {
            self.send(cx, to, Some(w.clone()));
        }
        e
    }
}

impl Protocol for Clocks {
    const NAME: &'static str = "clocks";
    const MAX_NODES: u32 = 8;
    const KNOBS: &'static [Knob] = &[
        Knob::real(
            "/events_per_s",
            "Events per second",
            "How often each process does something: a local event or a send",
            (0.5, 20.0, 0.5),
            "",
        ),
        Knob::real(
            "/send_probability",
            "Send probability",
            "The chance that an event sends a message rather than stays local",
            (0.0, 1.0, 0.05),
            "",
        ),
    ];
    const DYNAMIC_MEMBERSHIP: bool = false;
    const BUGS: &'static [crate::bug::Bug] = BUGS;
    type Params = ClocksParams;
    type Msg = ClockMsg;
    type Timer = ClockTimer;
    type Request = ClockRequest;
    type Response = ClockResponse;
    type Durable = ClocksDurable;
    type View = ClocksView;
    type Checker = ClocksChecker;
    type Observation = ClockEvent;

    fn validate(p: &ClocksParams) -> Result<(), String> {
        if !(0.0..=1000.0).contains(&p.events_per_s) {
            return Err(format!(
                "events_per_s {} is out of range (0 to 1000)",
                p.events_per_s
            ));
        }
        if !(0.0..=1.0).contains(&p.send_probability) {
            return Err(format!(
                "send_probability {} is out of range (0 to 1)",
                p.send_probability
            ));
        }
        crate::bug::check(BUGS, &p.bugs)
    }

    fn new(
        id: NodeId,
        members: &[NodeId],
        params: &ClocksParams,
        durable: Option<ClocksDurable>,
    ) -> Self {
        let n = members
            .iter()
            .map(|p| p.0 as usize + 1)
            .max()
            .unwrap_or(0)
            .max(id.0 as usize + 1);
        Clocks {
            id,
            peers: members.iter().copied().filter(|&m| m != id).collect(),
            params: params.clone(),
            d: durable.unwrap_or(ClocksDurable {
                seq: 0,
                lamport: 0,
                vector: VClock::new(n),
                hlc: Hlc::default(),
                lww: LwwRegister::default(),
                mv: MvRegister::default(),
            }),
        }
    }

    fn on_start(&mut self, cx: &mut Context<'_, Self>) {
        self.schedule_tick(cx);
    }

    fn on_message(&mut self, cx: &mut Context<'_, Self>, _from: NodeId, msg: ClockMsg) {
        self.d.seq += 1;
        let bug = |name| crate::bug::on(&self.params.bugs, name);
        let step = u64::from(!bug(LAMPORT_NO_INCREMENT));
        let adopt = bug(HLC_ADOPTS_MESSAGE);
        self.d.lamport = self.d.lamport.max(msg.lamport) + step;
        self.d.vector.merge(&msg.vector);
        let i = self.index();
        self.d.vector.increment(i);
        if adopt {
            self.d.hlc = msg.hlc;
        } else {
            self.d.hlc.receive(msg.hlc, cx.now().0);
        }
        let e = EventRef {
            node: self.id,
            seq: self.d.seq,
        };
        self.emit(cx, e, EventKind::Recv { send: msg.send }, None);
        if let Some(w) = &msg.write {
            self.d.lww.apply(w);
            self.d.mv.apply(w);
        }
    }

    fn on_timer(&mut self, cx: &mut Context<'_, Self>, _timer: ClockTimer) {
        let send = !self.peers.is_empty() && cx.rng().chance(self.params.send_probability);
        if send {
            let to = self.peers[cx.rng().below(self.peers.len() as u64) as usize];
            self.send(cx, to, None);
        } else {
            self.local(cx, None);
        }
        self.schedule_tick(cx);
    }

    fn on_request(&mut self, cx: &mut Context<'_, Self>, op: OpId, request: ClockRequest) {
        let e = match request {
            ClockRequest::Local => self.local(cx, None),
            ClockRequest::Send { to } if to != self.id && self.peers.contains(&to) => {
                self.send(cx, to, None)
            }
            ClockRequest::Send { .. } => self.local(cx, None),
            ClockRequest::Write { value } => self.write(cx, value),
        };
        cx.respond(op, ClockResponse { seq: e.seq });
    }

    fn durable(&self) -> ClocksDurable {
        self.d.clone()
    }

    fn view(&self) -> ClocksView {
        ClocksView {
            events: self.d.seq,
            lamport: self.d.lamport,
            vector: self.d.vector.clone(),
            hlc: self.d.hlc,
            lww: self.d.lww.clone(),
            mv: self.d.mv.clone(),
        }
    }

    fn badge(&self) -> Badge {
        Badge {
            role: "process",
            caption: format!("L={}", self.d.lamport),
        }
    }

    fn request_label(request: &ClockRequest) -> String {
        match request {
            ClockRequest::Local => "local event".into(),
            ClockRequest::Send { to } => format!("send to {to}"),
            ClockRequest::Write { value } => format!("write {value:?}"),
        }
    }
}

/// Lamport's clock condition (a → b ⇒ L(a) < L(b)) on every process's own
/// history, and the monotonicity of its vector and hybrid clocks.
pub const CLOCK_CONDITION: &str = "Clock Condition";
/// A process's hybrid clock never goes backwards.
pub const HLC_MONOTONIC: &str = "HLC Monotonic";

/// The clocks invariants' history: each process's last stamps.
#[derive(Clone, Debug, Default)]
pub struct ClocksChecker {
    last: crate::nodemap::NodeMap<(u64, VClock, Hlc)>,
}

impl Checker<Clocks> for ClocksChecker {
    const NAMES: &'static [&'static str] = &[CLOCK_CONDITION, HLC_MONOTONIC];

    fn after_event(&mut self, now: Time, node: NodeId, c: &Clocks, out: &mut Vec<Violation>) {
        let cur = (c.d.lamport, c.d.vector.clone(), c.d.hlc);
        if let Some((l, v, h)) = self.last.get(node) {
            let changed = cur.1 != *v;
            if changed && (cur.0 <= *l || !cur.1.descends(v)) {
                out.push(Violation {
                    invariant: CLOCK_CONDITION,
                    at: now,
                    detail: format!(
                        "{node}: L {l} → {} and V {:?} → {:?} across one event",
                        cur.0, v.0, cur.1 .0
                    ),
                });
            }
            if cur.2 < *h {
                out.push(Violation {
                    invariant: HLC_MONOTONIC,
                    at: now,
                    detail: format!("{node}: HLC went back from {h:?} to {:?}", cur.2),
                });
            }
        }
        self.last.insert(node, cur);
    }
}

/// The clocks figures of a report: `events` [{id, node, kind, at_ms,
/// lamport, vector, hlc: [physical_ms, logical], send_id on a receive}]
/// and each process's `registers` {lww, lww_lost, siblings}.
pub fn metrics(sim: &crate::sim::Sim<Clocks>) -> serde_json::Value {
    use serde_json::json;
    let events = sim.observations();
    let ids: SortedMap<EventRef, usize> = events
        .iter()
        .enumerate()
        .map(|(i, o)| (o.observation.event, i))
        .collect();
    let list: Vec<serde_json::Value> = events
        .iter()
        .enumerate()
        .map(|(id, o)| {
            let e = &o.observation;
            let kind = match e.kind {
                EventKind::Local => "local",
                EventKind::Send { .. } => "send",
                EventKind::Recv { .. } => "recv",
            };
            let mut v = json!({
                "id": id,
                "node": o.node,
                "kind": kind,
                "at_ms": o.at.as_ms(),
                "lamport": e.lamport,
                "vector": e.vector.0,
                "hlc": [e.hlc.physical as f64 / 1000.0, e.hlc.logical],
            });
            if let EventKind::Recv { send } = e.kind {
                v["send_id"] = json!(ids.get(&send));
            }
            if let Some(w) = &e.write {
                v["write"] = json!(w);
            }
            v
        })
        .collect();
    let registers: Vec<serde_json::Value> = sim
        .nodes()
        .filter_map(|(id, _, node)| node.map(|c| (id, c.view())))
        .map(|(id, v)| {
            json!({
                "node": id,
                "lww": v.lww.winner.map(|w| w.value),
                "lww_lost": v.lww.discarded,
                "siblings": v.mv.siblings.iter().map(|(s, _)| s).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({ "events": list, "registers": registers })
}
