//! What coordinators report (every operation's invocation and completion,
//! with the replicas that answered and what they returned), the history
//! built from it, and which gets were stale.
//!
//! A get is stale when it returned no version at least as new as the last
//! put on its key that completed before the get was invoked: neither that
//! put's version nor one whose vector clock descends it.

use super::clock::VClock;
use super::request::{ClientRef, OpKind};
use super::version::{has_seen, Version};
use crate::id::NodeId;
use crate::sim::Observed;
use crate::time::Time;
use serde::{Serialize, Serializer};
use crate::sortedmap::SortedMap;

/// An operation: its coordinator and the coordinator's request number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct OpRef {
    /// The coordinator.
    pub node: NodeId,
    /// The request number there.
    pub req: u64,
}

/// A replica in an operation's read or write set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Answer {
    /// The node that answered.
    pub node: NodeId,
    /// The preference-list replica it answered for (itself, unless it
    /// stood in for another in a sloppy quorum).
    pub intended: NodeId,
    /// For a get, the versions it returned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub versions: Option<Vec<Version>>,
}

/// A coordinator took an operation on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Invocation {
    /// The operation.
    pub op: OpRef,
    /// Who asked.
    pub client: ClientRef,
    /// Get or put.
    pub kind: OpKind,
    /// The key.
    pub key: String,
    /// A put's value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The replies (R) or acknowledgements (W) it waits for.
    pub need: u32,
}

/// A coordinator answered an operation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Completion {
    /// The operation.
    pub op: OpRef,
    /// Get or put.
    pub kind: OpKind,
    /// The key.
    pub key: String,
    /// Whether R (or W) replicas answered in time.
    pub ok: bool,
    /// The replies (R) or acknowledgements (W) it waited for.
    pub need: u32,
    /// What a get returned (reconciled), or the version a put wrote.
    pub result: Vec<Version>,
    /// The read or write set: the replicas that had answered.
    pub answers: Vec<Answer>,
    /// Why it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What a quorum node reports (the simulator adds the time and the node).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum QuorumEvent {
    /// An operation began.
    Invoked(Invocation),
    /// An operation ended.
    Completed(Completion),
}

/// The last put of a key that completed, as a later get must see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LastPut {
    /// The put.
    pub op: OpRef,
    /// Its value.
    pub value: String,
    /// Its version's clock.
    pub clock: VClock,
    /// When it completed.
    #[serde(rename = "completed_ms", serialize_with = "crate::trace::ser_ms")]
    pub completed: Time,
    /// Its write set.
    pub write_set: Vec<NodeId>,
    /// The acknowledgements it waited for.
    pub w: u32,
}

/// Why a get was stale.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StaleRead {
    /// The put it missed.
    pub missed: LastPut,
    /// The replicas it read from.
    pub read_set: Vec<NodeId>,
    /// The replies it waited for.
    pub r: u32,
}

fn nodes(list: &[NodeId]) -> String {
    let names: Vec<String> = list.iter().map(|n| n.to_string()).collect();
    if names.is_empty() {
        "empty".into()
    } else {
        names.join(", ")
    }
}

/// Milliseconds for prose: whole when whole, else to a tenth.
fn ms(t: Time) -> String {
    format!("{}", (t.as_ms() * 10.0).round() / 10.0)
}

impl StaleRead {
    /// In words: `missed the write of c1-3 completed at 120 ms on n2, n3; read set n1`.
    pub fn explain(&self) -> String {
        format!(
            "missed the write of {} completed at {} ms on {}; read set {}",
            self.missed.value,
            ms(self.missed.completed),
            nodes(&self.missed.write_set),
            nodes(&self.read_set)
        )
    }
}

/// Follows the events of a run and tells which gets were stale. It keeps
/// only the last completed put per key and the gets in flight.
#[derive(Clone, Debug, Default)]
pub struct Freshness {
    last_put: SortedMap<String, LastPut>,
    /// Gets in flight, with the put each must see.
    waiting: SortedMap<OpRef, Option<LastPut>>,
}

impl Freshness {
    /// Takes in an event reported at real time `at`; for a get that
    /// completed stale, says why.
    pub fn note(&mut self, at: Time, event: &QuorumEvent) -> Option<StaleRead> {
        match event {
            QuorumEvent::Invoked(i) => {
                if i.kind == OpKind::Get {
                    self.waiting
                        .insert(i.op, self.last_put.get(&i.key).cloned());
                }
                None
            }
            QuorumEvent::Completed(c) if c.kind == OpKind::Put => {
                if let (true, Some(v)) = (c.ok, c.result.first()) {
                    self.last_put.insert(
                        c.key.clone(),
                        LastPut {
                            op: c.op,
                            value: v.value.clone(),
                            clock: v.clock.clone(),
                            completed: at,
                            write_set: c.answers.iter().map(|a| a.node).collect(),
                            w: c.need,
                        },
                    );
                }
                None
            }
            QuorumEvent::Completed(c) => {
                let missed = self.waiting.remove(&c.op).flatten()?;
                if !c.ok || has_seen(&c.result, &missed.clock) {
                    return None;
                }
                Some(StaleRead {
                    missed,
                    read_set: c.answers.iter().map(|a| a.node).collect(),
                    r: c.need,
                })
            }
        }
    }
}

fn ser_opt_ms<S: Serializer>(t: &Option<Time>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_f64(t.as_ms()),
        None => s.serialize_none(),
    }
}

/// One operation of the history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HistoryEntry {
    /// The operation.
    pub op: OpRef,
    /// Who asked.
    pub client: ClientRef,
    /// Get or put.
    pub kind: OpKind,
    /// The key.
    pub key: String,
    /// A put's value.
    pub value: Option<String>,
    /// The replies (R) or acknowledgements (W) it waited for.
    pub need: u32,
    /// When the coordinator took it on.
    #[serde(rename = "invoke_ms", serialize_with = "crate::trace::ser_ms")]
    pub invoke: Time,
    /// When it answered; `None` if it never did (its coordinator crashed).
    #[serde(rename = "complete_ms", serialize_with = "ser_opt_ms")]
    pub complete: Option<Time>,
    /// Whether it completed successfully.
    pub ok: bool,
    /// What a get returned, or the version a put wrote.
    pub result: Vec<Version>,
    /// Its read or write set, with what each replica of a get returned.
    pub answers: Vec<Answer>,
    /// Why it failed.
    pub error: Option<String>,
    /// For a stale get, what it missed.
    pub stale: Option<StaleRead>,
}

/// The history of a run's operations, in invocation order.
pub fn history(events: &[Observed<QuorumEvent>]) -> Vec<HistoryEntry> {
    let mut fresh = Freshness::default();
    let mut out: Vec<HistoryEntry> = Vec::new();
    let mut index: SortedMap<OpRef, usize> = SortedMap::new();
    for o in events {
        let stale = fresh.note(o.at, &o.observation);
        match &o.observation {
            QuorumEvent::Invoked(i) => {
                index.insert(i.op, out.len());
                out.push(HistoryEntry {
                    op: i.op,
                    client: i.client,
                    kind: i.kind,
                    key: i.key.clone(),
                    value: i.value.clone(),
                    need: i.need,
                    invoke: o.at,
                    complete: None,
                    ok: false,
                    result: Vec::new(),
                    answers: Vec::new(),
                    error: None,
                    stale: None,
                });
            }
            QuorumEvent::Completed(c) => {
                if let Some(e) = index.remove(&c.op).and_then(|i| out.get_mut(i)) {
                    e.complete = Some(o.at);
                    e.ok = c.ok;
                    e.result = c.result.clone();
                    e.answers = c.answers.clone();
                    e.error = c.error.clone();
                    e.stale = stale;
                }
            }
        }
    }
    out
}
