//! What the UI reads of one ring node (its own state only; the cluster's
//! picture, with what each node is receiving, is [`super::ring_status`]).

use super::Ring;
use crate::id::NodeId;
use serde::Serialize;

/// Keys sent to one destination and not acknowledged yet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Sending {
    /// The destination.
    pub to: NodeId,
    /// How many keys.
    pub keys: u32,
}

/// One node as the UI sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RingView {
    /// Keys it holds.
    pub held: u32,
    /// Of those, keys it holds only until their replicas acknowledge them
    /// (it left their preference list).
    pub surplus: u32,
    /// Keys sent and not acknowledged yet, by destination.
    pub sending: Vec<Sending>,
    /// Keys it should hold and lacks: being received (or lost).
    pub missing: u32,
    /// Keys it received since its last plan.
    pub received: u32,
    /// Members of the list it last planned for.
    pub members: u32,
    /// Plans so far (one per membership change it noticed).
    pub plans: u32,
    /// Keys sent over the run, retries included.
    pub keys_sent: u64,
}

impl RingView {
    /// The view of `r`.
    pub fn of(r: &Ring) -> RingView {
        RingView {
            held: r.d.held.len(),
            surplus: r.d.surplus.len(),
            sending: r
                .d
                .outbox
                .lists()
                .map(|(to, list)| Sending {
                    to,
                    keys: list.len() as u32,
                })
                .collect(),
            missing: r.d.missing.len(),
            received: r.received,
            members: r.d.seen.len() as u32,
            plans: r.d.plan,
            keys_sent: r.d.keys_sent,
        }
    }
}
