//! Where recent messages died: a lost message leaves a mark on its link for
//! a moment (at the sender when a cut stopped it leaving, at the receiver
//! when it was lost, cut off or refused on arrival, half way when it was
//! dropped by hand, where the exact spot is not in the trace).

use faultline_core::net::DropReason;
use faultline_core::trace::TraceKind;
use faultline_core::{AnySim, MsgId, NodeId, Time};

/// Clusters larger than this draw no marks (the canvases do not draw links).
pub const MAX_NODES: usize = 64;

/// A message that died lately, and where.
#[derive(Clone, Debug, PartialEq)]
pub struct DropMark {
    /// Its sender.
    pub from: NodeId,
    /// Its receiver.
    pub to: NodeId,
    /// Where on the link, from the sender (0) to the receiver (1).
    pub place: f64,
    /// How old the mark is, from new (0) to about to go (1).
    pub age: f64,
}

/// The marks of messages that died in the last `window` (µs) before `now`,
/// newest first, read from the end of the trace. A send that a cut stopped
/// is told from an arrival the cut stopped by whether the trace has the
/// send, so the scan reaches `reach` (µs, the slowest flight) further back.
pub fn recent(sim: &AnySim, now: Time, window: u64, reach: u64) -> Vec<DropMark> {
    let since = now.micros().saturating_sub(window);
    let oldest = since.saturating_sub(reach);
    let mut drops = Vec::new();
    let mut sent: Vec<MsgId> = Vec::new();
    for e in sim.trace().rev() {
        let at = e.at.micros();
        if at < oldest {
            break;
        }
        match &e.kind {
            TraceKind::Send { msg, .. } => {
                sent.push(*msg);
            }
            TraceKind::Drop {
                from,
                to,
                msg,
                reason,
                ..
            } if at >= since => drops.push((*from, *to, *msg, *reason, at)),
            _ => {}
        }
    }
    drops
        .into_iter()
        .map(|(from, to, msg, reason, at)| DropMark {
            from,
            to,
            place: match reason {
                DropReason::Manual => 0.5,
                DropReason::Partition if !sent.contains(&msg) => 0.0,
                _ => 1.0,
            },
            age: (now.micros() - at) as f64 / window.max(1) as f64,
        })
        .collect()
}
