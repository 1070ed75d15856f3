//! The coordinator of a request (DeCandia et al. 2007, §4.5): it asks the
//! key's N replicas and answers once R of them replied (a get) or W
//! acknowledged (a put), or fails at the request timeout. With sloppy
//! quorums (§4.6) a replica silent for `sloppy_timeout_ms` is stood in for by
//! the next node beyond the preference list, which keeps a put as a hint.
//! After a get it may repair replicas that answered with older versions.

use super::clock::Actor;
use super::history::{Answer, Completion, Invocation, OpRef, QuorumEvent};
use super::msg::{KeyVersions, QuorumMsg};
use super::params::check_quorum;
use super::request::{ClientRef, OpKind, QuorumRequest, QuorumResponse};
use super::ring;
use super::version::{context, is_current, merge_all, Stamp, Version};
use super::{Quorum, QuorumTimer};
use crate::id::{NodeId, OpId};
use crate::node::Context;
use crate::time::{Time, MICROS_PER_MS};
use crate::sortedmap::{SortedMap, SortedSet};

/// Whom a coordination answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Origin {
    /// A workload client of this node.
    Workload(u32),
    /// A scripted client operation.
    Script(OpId),
}

/// One place of the preference list in a coordination: its replica and,
/// with sloppy quorums, the stand-ins asked in its stead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Slot {
    /// The preference-list replica.
    pub intended: NodeId,
    /// Who was asked for it: the replica, then stand-ins.
    pub asked: Vec<NodeId>,
    /// The first of them to answer.
    pub answered: Option<NodeId>,
}

/// A request in flight at its coordinator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Coordination {
    pub origin: Origin,
    pub client: ClientRef,
    pub kind: OpKind,
    pub key: String,
    /// R or W.
    pub need: u32,
    /// A put's new version.
    pub version: Option<Version>,
    pub slots: Vec<Slot>,
    /// Who answered, with a get's versions.
    pub answers: SortedMap<NodeId, Option<Vec<Version>>>,
    /// Stand-ins not asked yet, in ring order.
    pub spare: Vec<NodeId>,
    /// A get's versions reconciled over every answer so far.
    pub merged: Vec<Version>,
    /// Replicas already sent `merged` by read repair.
    pub repaired: SortedSet<NodeId>,
    /// Local time of the request timeout.
    pub deadline: Time,
    /// Local time at which to ask the next stand-ins.
    pub next_stand_in: Option<Time>,
    /// `Some(ok)` once the client has its answer.
    pub outcome: Option<bool>,
    /// Answers counted again from a replica that had answered (only with
    /// the `count_duplicates` bug).
    pub duplicates: u32,
}

impl Coordination {
    fn answered_slots(&self) -> usize {
        self.slots.iter().filter(|s| s.answered.is_some()).count()
    }

    fn intended_of(&self, node: NodeId) -> Option<NodeId> {
        self.slots
            .iter()
            .find(|s| s.asked.contains(&node))
            .map(|s| s.intended)
    }

    /// The earliest local time something is due.
    fn due(&self) -> Time {
        self.next_stand_in
            .map_or(self.deadline, |t| t.min(self.deadline))
    }

    /// The read or write set, each replica with what it answered.
    pub(super) fn answer_list(&self) -> Vec<Answer> {
        self.answers
            .iter()
            .map(|(&node, versions)| Answer {
                node,
                intended: self.intended_of(node).unwrap_or(node),
                versions: versions.clone(),
            })
            .collect()
    }
}

impl Quorum {
    /// A fresh request number (durable: never reused after a crash).
    pub(super) fn next_req(&mut self) -> u64 {
        let req = self.d.next_req;
        self.d.next_req += 1;
        req
    }

    /// A scripted client's request.
    pub(super) fn on_client(
        &mut self,
        cx: &mut Context<'_, Self>,
        op: OpId,
        request: QuorumRequest,
    ) {
        let req = self.next_req();
        let client = ClientRef::Script(op);
        let origin = Origin::Script(op);
        match request {
            QuorumRequest::Get { key, r } => {
                let need = r.unwrap_or(self.params.r);
                match check_quorum("r", need, self.params.n) {
                    Ok(()) => self.coordinate(cx, req, origin, client, key, need, None),
                    Err(e) => self.refuse(cx, req, origin, client, OpKind::Get, key, None, e),
                }
            }
            QuorumRequest::Put {
                key,
                value,
                w,
                context,
            } => {
                let need = w.unwrap_or(self.params.w);
                if let Err(e) = check_quorum("w", need, self.params.n) {
                    self.refuse(cx, req, origin, client, OpKind::Put, key, Some(value), e);
                    return;
                }
                let mut clock = context;
                let writer = Actor::Op(op);
                clock.record(writer, 0);
                let version = self.new_version(cx, value, clock, writer);
                self.coordinate(cx, req, origin, client, key, need, Some(version));
            }
        }
    }

    /// A version made here now.
    pub(super) fn new_version(
        &self,
        cx: &Context<'_, Self>,
        value: String,
        clock: super::VClock,
        writer: Actor,
    ) -> Version {
        Version {
            value,
            clock,
            writer,
            stamp: Stamp {
                at: cx.now(),
                node: self.id,
            },
        }
    }

    /// A request refused before it starts (a quorum out of range).
    #[allow(clippy::too_many_arguments)]
    fn refuse(
        &mut self,
        cx: &mut Context<'_, Self>,
        req: u64,
        origin: Origin,
        client: ClientRef,
        kind: OpKind,
        key: String,
        value: Option<String>,
        why: String,
    ) {
        let op = OpRef { node: self.id, req };
        self.emit(
            cx,
            QuorumEvent::Invoked(Invocation {
                op,
                client,
                kind,
                key: key.clone(),
                value,
                need: 0,
            }),
        );
        self.emit(
            cx,
            QuorumEvent::Completed(Completion {
                op,
                kind,
                key: key.clone(),
                ok: false,
                need: 0,
                result: Vec::new(),
                answers: Vec::new(),
                error: Some(why.clone()),
            }),
        );
        self.tell(cx, origin, req, kind, &key, false, &[], None, Some(why));
    }

    /// Starts coordinating request `req`: a get when `version` is `None`,
    /// else a put of `version`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn coordinate(
        &mut self,
        cx: &mut Context<'_, Self>,
        req: u64,
        origin: Origin,
        client: ClientRef,
        key: String,
        need: u32,
        version: Option<Version>,
    ) {
        let kind = if version.is_some() {
            OpKind::Put
        } else {
            OpKind::Get
        };
        let members = self.members(cx);
        let pref = ring::preference_list(&key, &members, self.n());
        let spare = if self.params.sloppy {
            ring::fallbacks(&key, &members, self.n())
        } else {
            Vec::new()
        };
        let now = cx.now();
        self.emit(
            cx,
            QuorumEvent::Invoked(Invocation {
                op: OpRef { node: self.id, req },
                client,
                kind,
                key: key.clone(),
                value: version.as_ref().map(|v| v.value.clone()),
                need,
            }),
        );
        let sloppy_after = self.params.sloppy_timeout_ms * MICROS_PER_MS;
        self.coordinations.insert(
            req,
            Coordination {
                origin,
                client,
                kind,
                key,
                need,
                version,
                slots: pref
                    .iter()
                    .map(|&p| Slot {
                        intended: p,
                        asked: vec![p],
                        answered: None,
                    })
                    .collect(),
                answers: SortedMap::new(),
                spare,
                merged: Vec::new(),
                repaired: SortedSet::new(),
                deadline: now + self.params.request_timeout_ms * MICROS_PER_MS,
                next_stand_in: self.params.sloppy.then_some(now + sloppy_after),
                outcome: None,
                duplicates: 0,
            },
        );
        if need as usize > pref.len() {
            let why = format!("only {} replicas exist", pref.len());
            self.fail(cx, req, why);
            return;
        }
        for p in pref {
            self.ask(cx, req, p, None);
        }
        self.arm_deadline(cx);
    }

    /// Asks `to` for its part in `req` (standing in for `hint`, if given).
    fn ask(&mut self, cx: &mut Context<'_, Self>, req: u64, to: NodeId, hint: Option<NodeId>) {
        let Some(c) = self.coordinations.get(&req) else {
            return;
        };
        let key = c.key.clone();
        let msg = match &c.version {
            Some(version) => QuorumMsg::Put {
                req,
                key,
                version: version.clone(),
                hint,
            },
            None => QuorumMsg::Get { req, key, hint },
        };
        self.send_or_local(cx, to, msg);
    }

    /// A replica (or stand-in) answered `req`: with its versions for a get.
    pub(super) fn on_answer(
        &mut self,
        cx: &mut Context<'_, Self>,
        from: NodeId,
        req: u64,
        versions: Option<Vec<Version>>,
    ) {
        let resolve = self.params.resolve;
        let count_again = crate::bug::on(&self.params.bugs, super::COUNT_DUPLICATES);
        let Some(c) = self.coordinations.get_mut(&req) else {
            return; // late: the coordination is over
        };
        let is_get = c.kind == OpKind::Get;
        let again = c.answers.contains_key(&from);
        if versions.is_some() != is_get || (again && !count_again) {
            return;
        }
        if again {
            c.duplicates += 1;
        } else {
            let Some(slot) = c.slots.iter_mut().find(|s| s.asked.contains(&from)) else {
                return;
            };
            slot.answered.get_or_insert(from);
            if let Some(vs) = &versions {
                if merge_all(&mut c.merged, vs, resolve) {
                    c.repaired.clear();
                }
            }
            c.answers.insert(from, versions);
        }
        let reached = c.answered_slots() + c.duplicates as usize >= c.need as usize;
        match c.outcome {
            None if reached => self.succeed(cx, req),
            Some(true) => self.read_repair(cx, req),
            _ => {}
        }
        self.finish_if_done(req);
        self.arm_deadline(cx);
    }

    fn succeed(&mut self, cx: &mut Context<'_, Self>, req: u64) {
        let Some(c) = self.coordinations.get_mut(&req) else {
            return;
        };
        c.outcome = Some(true);
        let result = match &c.version {
            Some(v) => vec![v.clone()],
            None => c.merged.clone(),
        };
        self.complete(cx, req, true, result, None);
        self.read_repair(cx, req);
    }

    fn fail(&mut self, cx: &mut Context<'_, Self>, req: u64, why: String) {
        if let Some(c) = self.coordinations.get_mut(&req) {
            c.outcome = Some(false);
        }
        self.complete(cx, req, false, Vec::new(), Some(why));
        self.coordinations.remove(&req);
    }

    /// Reports the outcome of `req` and answers its client.
    fn complete(
        &mut self,
        cx: &mut Context<'_, Self>,
        req: u64,
        ok: bool,
        result: Vec<Version>,
        error: Option<String>,
    ) {
        let Some(c) = self.coordinations.get(&req) else {
            return;
        };
        let (origin, kind, key) = (c.origin, c.kind, c.key.clone());
        let attempted = c.version.as_ref().map(|v| v.clock.clone());
        let event = QuorumEvent::Completed(Completion {
            op: OpRef { node: self.id, req },
            kind,
            key: key.clone(),
            ok,
            need: c.need,
            result: result.clone(),
            answers: c.answer_list(),
            error: error.clone(),
        });
        self.emit(cx, event);
        self.tell(cx, origin, req, kind, &key, ok, &result, attempted, error);
    }

    /// Answers the client of `req`.
    #[allow(clippy::too_many_arguments)]
    fn tell(
        &mut self,
        cx: &mut Context<'_, Self>,
        origin: Origin,
        req: u64,
        kind: OpKind,
        key: &str,
        ok: bool,
        result: &[Version],
        attempted: Option<super::VClock>,
        error: Option<String>,
    ) {
        match origin {
            Origin::Script(op) => cx.respond(
                op,
                QuorumResponse {
                    kind,
                    key: key.to_string(),
                    ok,
                    values: result.iter().map(|v| v.value.clone()).collect(),
                    context: context(result),
                    error,
                },
            ),
            Origin::Workload(client) => {
                let learned = attempted.unwrap_or_else(|| context(result));
                self.client_done(cx, client, req, key, learned);
            }
        }
    }

    /// Read repair: sends the reconciled versions to every replica of the
    /// preference list that answered with less.
    fn read_repair(&mut self, cx: &mut Context<'_, Self>, req: u64) {
        if !self.params.read_repair {
            return;
        }
        let resolve = self.params.resolve;
        let Some(c) = self.coordinations.get_mut(&req) else {
            return;
        };
        if c.kind != OpKind::Get || c.outcome != Some(true) {
            return;
        }
        let behind: Vec<NodeId> = c
            .answers
            .iter()
            .filter(|(node, vs)| {
                c.intended_of(**node) == Some(**node)
                    && !c.repaired.contains(node)
                    && vs
                        .as_ref()
                        .is_some_and(|vs| !is_current(vs, &c.merged, resolve))
            })
            .map(|(node, _)| *node)
            .collect();
        c.repaired.extend(behind.iter().copied());
        let fix = KeyVersions {
            key: c.key.clone(),
            versions: c.merged.clone(),
        };
        for node in behind {
            self.send_or_local(cx, node, QuorumMsg::ReadRepair(fix.clone()));
        }
    }

    /// Forgets `req` once answered and every slot has answered.
    fn finish_if_done(&mut self, req: u64) {
        let done = self
            .coordinations
            .get(&req)
            .is_some_and(|c| c.outcome.is_some() && c.answered_slots() == c.slots.len());
        if done {
            self.coordinations.remove(&req);
        }
    }

    /// The deadline timer: fails requests past their timeout, forgets
    /// answered ones, and asks the next stand-ins of sloppy quorums.
    pub(super) fn on_deadline(&mut self, cx: &mut Context<'_, Self>) {
        self.deadline_armed = None;
        let now = super::due_by(cx.now());
        let over: Vec<u64> = self
            .coordinations
            .iter()
            .filter(|(_, c)| c.deadline <= now)
            .map(|(r, _)| *r)
            .collect();
        for req in over {
            let Some(c) = self.coordinations.get(&req) else {
                continue;
            };
            if c.outcome.is_none() {
                let why = format!(
                    "{} of {} replicas answered within {} ms",
                    c.answered_slots(),
                    c.need,
                    self.params.request_timeout_ms
                );
                self.fail(cx, req, why);
            } else {
                self.coordinations.remove(&req);
            }
        }
        let stand_in: Vec<u64> = self
            .coordinations
            .iter()
            .filter(|(_, c)| c.next_stand_in.is_some_and(|t| t <= now))
            .map(|(r, _)| *r)
            .collect();
        for req in stand_in {
            self.ask_stand_ins(cx, req);
        }
        self.arm_deadline(cx);
    }

    /// Asks the next spare node for every slot still silent.
    fn ask_stand_ins(&mut self, cx: &mut Context<'_, Self>, req: u64) {
        let after = self.params.sloppy_timeout_ms * MICROS_PER_MS;
        let now = cx.now();
        let Some(c) = self.coordinations.get_mut(&req) else {
            return;
        };
        let mut asks = Vec::new();
        for slot in c.slots.iter_mut().filter(|s| s.answered.is_none()) {
            if c.spare.is_empty() {
                break;
            }
            let stand_in = c.spare.remove(0);
            slot.asked.push(stand_in);
            asks.push((stand_in, slot.intended));
        }
        let silent = c.slots.iter().any(|s| s.answered.is_none());
        c.next_stand_in = (silent && !c.spare.is_empty()).then_some(now + after);
        for (to, intended) in asks {
            self.ask(cx, req, to, Some(intended));
        }
    }

    /// Sets the deadline timer to the earliest step due, if it moved.
    fn arm_deadline(&mut self, cx: &mut Context<'_, Self>) {
        let next = self.coordinations.values().map(Coordination::due).min();
        if next == self.deadline_armed {
            return;
        }
        self.deadline_armed = next;
        match next {
            Some(t) => cx.set_timer(QuorumTimer::Deadline, t - cx.now()),
            None => cx.cancel_timer(QuorumTimer::Deadline),
        }
    }
}
