//! The public status types of a run: where a node and a client operation
//! stand, and the message counters.

use crate::time::Time;
use serde::Serialize;

/// Whether a node is running.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeStatus {
    /// Running.
    Up,
    /// Frozen: state kept, timers held, arriving messages dropped.
    Paused,
    /// Crashed: only durable state survives.
    Crashed,
    /// Removed from the cluster for good.
    Removed,
}

/// Where a client operation stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ClientStatus {
    /// Waiting for an answer.
    Pending,
    /// Answered.
    Done {
        /// When.
        #[serde(rename = "at_ms", serialize_with = "crate::trace::ser_ms")]
        at: Time,
        /// How (`"committed at 7"`).
        outcome: String,
    },
    /// The client gave up after too many attempts.
    GaveUp {
        /// When.
        #[serde(rename = "at_ms", serialize_with = "crate::trace::ser_ms")]
        at: Time,
    },
}

/// Message counters of a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MessageStats {
    /// Messages handed to the network (client redirects included).
    pub sent: u64,
    /// Messages delivered to a running node.
    pub delivered: u64,
    /// Messages that never arrived (loss, partition, down or paused receiver, by hand).
    pub dropped: u64,
    /// Extra copies made by the network or by hand.
    pub duplicated: u64,
}
