//! The ring's invariants, checked after every event at the cost of what
//! the event changed (the node lists the keys it gained and dropped).
//!
//! - **Transfers never invent keys**: a node gains keys only by loading its
//!   share at time 0 or from a transfer it received, and only keys in
//!   `0..keys`.
//! - **A key is dropped only after it is acknowledged**: a node drops a key
//!   only when it is outside the key's preference list and no transfer of
//!   the key from it is pending, that is, every replica it sent the key to
//!   has acknowledged it.
//! - **Handoff keeps a copy**: when a node drops a key, another member of
//!   the cluster (up or crashed, not removed) holds it. A handoff never
//!   loses a key; only removing every node that holds it does.

use super::keyset::KeySet;
use super::Ring;
use crate::id::NodeId;
use crate::invariant::{Checker, Violation};
use crate::time::Time;
use crate::sortedmap::SortedMap;
use std::sync::Arc;

/// A node gains only keys that exist, and only from a transfer (or its
/// share at time 0).
pub const KEYS_NEVER_INVENTED: &str = "Transfers never invent keys";
/// A node drops a key only outside its preference list, with nothing pending.
pub const DROPPED_AFTER_ACK: &str = "A key is dropped only after it is acknowledged";
/// Another member holds every key a node drops.
pub const HANDOFF_KEEPS_A_COPY: &str = "Handoff keeps a copy";

/// The history behind the invariants: every member's keys as last seen
/// (the same `Arc`s the nodes hold, so keeping them costs nothing), and the
/// member list.
#[derive(Clone, Debug, Default)]
pub struct RingChecker {
    held: SortedMap<NodeId, Arc<KeySet>>,
    members: Vec<NodeId>,
}

/// `"key 17"`, or `"keys 17, 40 and 3 more"`.
fn some_keys(keys: &[u32]) -> String {
    match keys {
        [k] => format!("key {k}"),
        [a, b] => format!("keys {a} and {b}"),
        [a, b, rest @ ..] => format!("keys {a}, {b} and {} more", rest.len()),
        [] => "no key".into(),
    }
}

impl Checker<Ring> for RingChecker {
    const NAMES: &'static [&'static str] =
        &[KEYS_NEVER_INVENTED, DROPPED_AFTER_ACK, HANDOFF_KEEPS_A_COPY];

    fn after_event(&mut self, now: Time, node: NodeId, r: &Ring, out: &mut Vec<Violation>) {
        if let Some(layout) = &r.layout {
            if layout.members() != self.members.as_slice() {
                self.members = layout.members().to_vec();
                self.held.retain(|n, _| layout.has(*n));
            }
        }
        let t = &r.touched;
        let mut violation = |invariant, keys: &[u32], why: &str| {
            if !keys.is_empty() {
                out.push(Violation {
                    invariant,
                    at: now,
                    detail: format!("{node} {}: {why}", some_keys(keys)),
                });
            }
        };
        let outside: Vec<u32> = t
            .gained
            .iter()
            .copied()
            .filter(|&k| k >= r.keys())
            .collect();
        violation(
            KEYS_NEVER_INVENTED,
            &outside,
            &format!("gained, beyond the {} keys", r.keys()),
        );
        let loaded_late = t.loaded && now != Time::ZERO;
        if (t.gained_from.is_none() && !t.loaded) || loaded_late {
            violation(
                KEYS_NEVER_INVENTED,
                &t.gained,
                "gained outside a transfer and the load at time 0",
            );
        }
        if !t.dropped.is_empty() {
            let (mut replica, mut pending, mut last) = (Vec::new(), Vec::new(), Vec::new());
            for &k in &t.dropped {
                if r.layout
                    .as_ref()
                    .is_some_and(|l| l.preference(k).contains(&node.0))
                {
                    replica.push(k);
                }
                if r.d.outbox.has(k) {
                    pending.push(k);
                }
                let copy = self
                    .held
                    .iter()
                    .any(|(&n, set)| n != node && set.contains(k));
                if !copy {
                    last.push(k);
                }
            }
            violation(
                DROPPED_AFTER_ACK,
                &replica,
                "dropped, though the node is in its preference list",
            );
            violation(
                DROPPED_AFTER_ACK,
                &pending,
                "dropped while a transfer of it is unacknowledged",
            );
            violation(
                HANDOFF_KEEPS_A_COPY,
                &last,
                "dropped, and no other member holds it",
            );
        }
        self.held.insert(node, r.d.held.clone());
    }
}
