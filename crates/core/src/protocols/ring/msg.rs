//! What ring nodes exchange: keys handed over, and their acknowledgements.

use crate::node::MessageInfo;
use serde::{Deserialize, Serialize};

/// The most keys one transfer message carries.
pub const MAX_BATCH: usize = 512;

/// A ring message.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RingMsg {
    /// These keys (at most [`MAX_BATCH`], in increasing order) are yours:
    /// store them and acknowledge.
    Transfer {
        /// The sender's plan that sent them (0 for an answer to a
        /// [`Fetch`](RingMsg::Fetch)), echoed in the acknowledgement: an
        /// acknowledgement settles only keys sent by that plan, so a late one
        /// cannot settle a newer transfer of the same key, which the receiver
        /// may have given away in between.
        plan: u32,
        /// The keys.
        keys: Vec<u32>,
    },
    /// The answer to a transfer.
    Ack {
        /// The plan of the transfer it answers.
        plan: u32,
        /// Keys the receiver now holds (it is in their preference list).
        keys: Vec<u32>,
        /// Keys it did not take: by the members it sees, it is not in
        /// their preference list (or they do not exist). The sender keeps
        /// them pending until its own plan says otherwise.
        refused: Vec<u32>,
    },
    /// I should hold these keys and still lack them: send the ones you
    /// have. A replica asks its co-replicas when a key it expects has not
    /// arrived in time.
    Fetch {
        /// The keys (at most [`MAX_BATCH`]).
        keys: Vec<u32>,
    },
}

/// `"17 keys (3 … 9,980)"`.
fn describe(keys: &[u32]) -> String {
    match keys {
        [] => "0 keys".into(),
        [k] => format!("key {k}"),
        [first, .., last] => format!("{} keys ({first} … {last})", keys.len()),
    }
}

impl MessageInfo for RingMsg {
    fn kind(&self) -> &'static str {
        match self {
            RingMsg::Transfer { .. } => "Transfer",
            RingMsg::Ack { .. } => "TransferAck",
            RingMsg::Fetch { .. } => "Fetch",
        }
    }

    fn label(&self) -> String {
        match self {
            RingMsg::Transfer { plan, keys } => {
                format!("transfer {} (plan {plan})", describe(keys))
            }
            RingMsg::Ack {
                plan,
                keys,
                refused,
            } if refused.is_empty() => format!("ack {} (plan {plan})", describe(keys)),
            RingMsg::Ack {
                plan,
                keys,
                refused,
            } => format!(
                "ack {}, refused {} (plan {plan})",
                describe(keys),
                describe(refused)
            ),
            RingMsg::Fetch { keys } => format!("fetch {}", describe(keys)),
        }
    }
}
