//! The trace: every event of a run in order, its stable JSON form, and a
//! 128-bit hash over it that is equal exactly when two traces are equal
//! (up to hash collisions).

use crate::id::{MsgId, NodeId, OpId};
use crate::net::DropReason;
use crate::time::Time;
use serde::{Serialize, Serializer};
use std::hash::{Hash, Hasher};

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

/// A 128-bit hash of the trace: two 64-bit multiply-rotate lanes fed a word
/// at a time. It implements [`Hasher`], so messages feed it through their
/// derived `Hash`; every integer is written little-endian and `usize` as
/// `u64`, so native and wasm builds agree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceHash {
    a: u64,
    b: u64,
}

impl Default for TraceHash {
    fn default() -> Self {
        TraceHash {
            a: 0x243F_6A88_85A3_08D3,
            b: 0x1319_8A2E_0370_7344,
        }
    }
}

impl TraceHash {
    /// Feeds one word.
    pub fn u64(&mut self, w: u64) {
        self.a = (self.a ^ w)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(29);
        self.b = (self.b ^ w.rotate_left(32))
            .wrapping_mul(0xC2B2_AE3D_27D4_EB4F)
            .rotate_left(31)
            ^ self.a;
    }

    /// Feeds bytes (their length first, so boundaries count).
    pub fn bytes(&mut self, bytes: &[u8]) {
        self.u64(bytes.len() as u64);
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.u64(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.u64(u64::from_le_bytes(w));
        }
    }

    /// Feeds a value through its derived `Hash`.
    pub fn value<T: Hash + ?Sized>(&mut self, v: &T) {
        v.hash(self);
    }

    /// Feeds a value through its JSON form (for rare entries whose types
    /// carry floats, such as commands).
    pub fn json<T: Serialize + ?Sized>(&mut self, v: &T) {
        // Serializing our own types cannot fail; if it ever did, the hash
        // would still be deterministic.
        if let Ok(text) = serde_json::to_vec(v) {
            self.bytes(&text);
        }
    }

    /// The hash as 32 hex digits.
    pub fn hex(&self) -> String {
        format!("{:016x}{:016x}", self.a, self.b)
    }
}

impl Hasher for TraceHash {
    fn finish(&self) -> u64 {
        self.a ^ self.b
    }
    fn write(&mut self, bytes: &[u8]) {
        self.bytes(bytes);
    }
    fn write_u8(&mut self, i: u8) {
        self.u64(i.into());
    }
    fn write_u16(&mut self, i: u16) {
        self.u64(i.into());
    }
    fn write_u32(&mut self, i: u32) {
        self.u64(i.into());
    }
    fn write_u64(&mut self, i: u64) {
        self.u64(i);
    }
    fn write_usize(&mut self, i: usize) {
        self.u64(i as u64);
    }
    fn write_i64(&mut self, i: i64) {
        self.u64(i as u64);
    }
}
