//! What the UI may read of a quorum node.

use super::coordinator::Coordination;
use super::history::Answer;
use super::request::{ClientRef, OpKind};
use super::version::Version;
use super::Quorum;
use crate::id::NodeId;
use crate::time::Time;
use serde::Serialize;

/// A stored key with its versions (more than one: siblings).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KeyView {
    /// The key.
    pub key: String,
    /// Its versions, oldest stamp first.
    pub versions: Vec<Version>,
}

/// Versions held for another replica (hinted handoff).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HintView {
    /// The replica they are meant for.
    pub intended: NodeId,
    /// The key.
    pub key: String,
    /// The versions.
    pub versions: Vec<Version>,
}

/// One place of a coordination's preference list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReplicaSlotView {
    /// The preference-list replica.
    pub intended: NodeId,
    /// Who was asked: the replica, then any stand-ins.
    pub asked: Vec<NodeId>,
    /// The first of them to answer.
    pub answered: Option<NodeId>,
}

/// A request in flight at its coordinator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CoordinationView {
    /// Its number at this coordinator.
    pub req: u64,
    /// Who asked.
    pub client: ClientRef,
    /// Get or put.
    pub kind: OpKind,
    /// The key.
    pub key: String,
    /// The replies (R) or acknowledgements (W) it waits for.
    pub need: u32,
    /// A put's new version.
    pub version: Option<Version>,
    /// The preference list and who was asked for each place.
    pub replicas: Vec<ReplicaSlotView>,
    /// The read or write set so far, with what each replica of a get returned.
    pub answers: Vec<Answer>,
    /// `Some(ok)` once the client has its answer (the coordination lingers
    /// for late replies, read repair and stand-ins until every place
    /// answered or the timeout).
    pub outcome: Option<bool>,
    /// When it times out (the coordinator's local clock).
    #[serde(rename = "deadline_ms", serialize_with = "crate::trace::ser_ms")]
    pub deadline: Time,
}

/// A workload client bound to this node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WorkloadClientView {
    /// The client (as a history process).
    pub client: ClientRef,
    /// The request it waits on, if any.
    pub busy: Option<u64>,
}

/// A quorum node as the UI sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QuorumView {
    /// Stored keys, in key order.
    pub keys: Vec<KeyView>,
    /// Hints held for other replicas.
    pub hints: Vec<HintView>,
    /// Requests this node coordinates.
    pub coordinations: Vec<CoordinationView>,
    /// Its workload clients.
    pub clients: Vec<WorkloadClientView>,
}

impl CoordinationView {
    fn of(req: u64, c: &Coordination) -> CoordinationView {
        CoordinationView {
            req,
            client: c.client,
            kind: c.kind,
            key: c.key.clone(),
            need: c.need,
            version: c.version.clone(),
            replicas: c
                .slots
                .iter()
                .map(|s| ReplicaSlotView {
                    intended: s.intended,
                    asked: s.asked.clone(),
                    answered: s.answered,
                })
                .collect(),
            answers: c.answer_list(),
            outcome: c.outcome,
            deadline: c.deadline,
        }
    }
}

impl QuorumView {
    pub(super) fn of(q: &Quorum) -> QuorumView {
        QuorumView {
            keys: q
                .d
                .store
                .iter()
                .map(|(key, versions)| KeyView {
                    key: key.clone(),
                    versions: versions.clone(),
                })
                .collect(),
            hints: q
                .d
                .hints
                .iter()
                .map(|((key, intended), versions)| HintView {
                    intended: *intended,
                    key: key.clone(),
                    versions: versions.clone(),
                })
                .collect(),
            coordinations: q
                .coordinations
                .iter()
                .map(|(req, c)| CoordinationView::of(*req, c))
                .collect(),
            clients: q
                .turns
                .iter()
                .map(|(&client, t)| WorkloadClientView {
                    client: ClientRef::Workload {
                        client,
                        life: q.d.clients.get(&client).map_or(0, |s| s.life),
                    },
                    busy: t.busy,
                })
                .collect(),
        }
    }
}
