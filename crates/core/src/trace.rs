//! The trace: every event of a run in order, its stable JSON form, and a
//! 128-bit hash over it that is equal exactly when two traces are equal
//! (up to hash collisions).

use crate::id::{MsgId, NodeId, OpId};
use crate::net::DropReason;
use crate::time::Time;
use serde::{Serialize, Serializer};
use std::io;

/// Serializes a [`Time`] as fractional milliseconds.
pub fn ser_ms<S: Serializer>(t: &Time, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(t.as_ms())
}

/// One entry of the trace.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TraceEvent {
    /// Position in the trace, from 0.
    pub seq: u64,
    /// When it happened.
    #[serde(rename = "at_ms", serialize_with = "ser_ms")]
    pub at: Time,
    /// What happened.
    #[serde(flatten)]
    pub kind: TraceKind,
}

/// What a trace entry records. Summaries are empty when the simulator runs
/// without labels (benchmarks); the hash never depends on them.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TraceKind {
    /// A node started (or restarted).
    Start {
        /// The node.
        node: NodeId,
    },
    /// A message left its sender.
    Send {
        /// Sender.
        from: NodeId,
        /// Receiver.
        to: NodeId,
        /// The message.
        msg: MsgId,
        /// Its kind (`"AppendEntries"`, or `"client"` for a redirected request).
        message: &'static str,
        /// One-line summary.
        summary: String,
        /// When it will arrive (or be found lost).
        #[serde(rename = "deliver_at_ms", serialize_with = "ser_ms")]
        deliver_at: Time,
    },
    /// A message arrived and was handled.
    Deliver {
        /// Sender.
        from: NodeId,
        /// Receiver.
        to: NodeId,
        /// The message.
        msg: MsgId,
        /// Its kind.
        message: &'static str,
        /// One-line summary.
        summary: String,
    },
    /// A message did not arrive.
    Drop {
        /// Sender.
        from: NodeId,
        /// Receiver.
        to: NodeId,
        /// The message.
        msg: MsgId,
        /// Its kind.
        message: &'static str,
        /// Why.
        reason: DropReason,
    },
    /// A named timer fired.
    Timer {
        /// The node.
        node: NodeId,
        /// The timer's name.
        timer: &'static str,
    },
    /// A client request reached a node.
    Request {
        /// The node.
        node: NodeId,
        /// The client operation.
        op: OpId,
        /// The request.
        summary: String,
    },
    /// A node answered a client operation.
    Reply {
        /// The node.
        node: NodeId,
        /// The client operation.
        op: OpId,
        /// The answer.
        summary: String,
    },
    /// A command was applied.
    Command {
        /// The command's `op`.
        op: &'static str,
        /// What it did.
        summary: String,
    },
    /// A command could not apply at its time (for example, restarting a
    /// node that is up) and was skipped.
    Ignored {
        /// The command's `op`.
        op: &'static str,
        /// Why it was skipped.
        summary: String,
    },
}

impl TraceKind {
    /// The node(s) an entry belongs to: `(node, None)` for local entries,
    /// `(from, Some(to))` for messages.
    pub fn nodes(&self) -> Option<(NodeId, Option<NodeId>)> {
        match self {
            TraceKind::Start { node }
            | TraceKind::Timer { node, .. }
            | TraceKind::Request { node, .. }
            | TraceKind::Reply { node, .. } => Some((*node, None)),
            TraceKind::Send { from, to, .. }
            | TraceKind::Deliver { from, to, .. }
            | TraceKind::Drop { from, to, .. } => Some((*from, Some(*to))),
            TraceKind::Command { .. } | TraceKind::Ignored { .. } => None,
        }
    }
}

/// FNV-1a with a 128-bit state: simple, portable and fast enough to hash
/// every event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceHash(pub u128);

const FNV128_OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
const FNV128_PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013B;

impl Default for TraceHash {
    fn default() -> Self {
        TraceHash(FNV128_OFFSET)
    }
}

impl TraceHash {
    /// Feeds bytes.
    pub fn bytes(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u128::from(b);
            self.0 = self.0.wrapping_mul(FNV128_PRIME);
        }
    }

    /// Feeds a number.
    pub fn u64(&mut self, v: u64) {
        self.bytes(&v.to_le_bytes());
    }

    /// Feeds a value through its JSON form (no allocation).
    pub fn json<T: Serialize + ?Sized>(&mut self, v: &T) {
        // Serializing our own types to a hasher cannot fail; if it ever
        // did, the hash would still be deterministic.
        let _ = serde_json::to_writer(HashWriter(self), v);
    }

    /// The hash as 32 hex digits.
    pub fn hex(&self) -> String {
        format!("{:032x}", self.0)
    }
}

struct HashWriter<'a>(&'a mut TraceHash);

impl io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.bytes(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
