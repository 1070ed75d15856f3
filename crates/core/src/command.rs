//! Commands: every fault and every outside action, as data. A run is its seed
//! plus the commands applied to it, each recorded with its time.

use crate::id::{MsgId, NodeId};
use crate::time::{Time, MICROS_PER_MS};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One command. In a scenario it is an entry of `schedule`, tagged by `op`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Command {
    /// Crash a node: volatile state and timers are lost, durable state kept.
    Crash {
        /// The node.
        node: NodeId,
    },
    /// Restart a crashed node from its durable state.
    Restart {
        /// The node.
        node: NodeId,
    },
    /// Freeze a node: it keeps its state and timers, drops what arrives, and
    /// wakes still believing what it believed.
    Pause {
        /// The node.
        node: NodeId,
    },
    /// Wake a paused node; timers that came due while it slept fire now.
    Resume {
        /// The node.
        node: NodeId,
    },
    /// Split the cluster into groups; links between groups are cut both ways.
    /// Nodes named in no group are each alone.
    Partition {
        /// The sides of the partition.
        groups: Vec<Vec<NodeId>>,
    },
    /// Cut one direction of one link.
    Cut {
        /// Sender side.
        from: NodeId,
        /// Receiver side.
        to: NodeId,
    },
    /// Remove every partition and cut.
    Heal,
    /// Change link behaviour: one direction of one link with `from` and `to`,
    /// or every link without them. Omitted fields keep their value.
    Link {
        /// Sender side (with `to`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<NodeId>,
        /// Receiver side (with `from`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<NodeId>,
        /// One-way latency range in milliseconds, `[min, max]`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        latency_ms: Option<[f64; 2]>,
        /// Loss probability, 0 to 1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        drop: Option<f64>,
        /// Duplication probability, 0 to 1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        duplicate: Option<f64>,
    },
    /// Make a node's clock run fast (`rate` > 1) or slow (< 1); its timers
    /// fire after `1 / rate` of the real time they ask for.
    Skew {
        /// The node.
        node: NodeId,
        /// Clock rate, 0.1 to 10 (1 is exact).
        rate: f64,
    },
    /// Add a fresh node (protocols with dynamic membership only).
    AddNode,
    /// Remove a node for good (protocols with dynamic membership only).
    RemoveNode {
        /// The node.
        node: NodeId,
    },
    /// A client request sent to a node; its shape depends on the protocol
    /// (for Raft, a command string such as `"set x=1"`).
    Client {
        /// The node the client contacts first.
        node: NodeId,
        /// The request.
        request: serde_json::Value,
    },
    /// Start a rumor at a node (gossip only).
    Rumor {
        /// The node.
        node: NodeId,
    },
    /// Fire a named timer now (for Raft, `"election"`: time out now).
    Fire {
        /// The node.
        node: NodeId,
        /// The timer's name.
        timer: String,
    },
    /// Drop one in-flight message.
    DropMessage {
        /// The message.
        id: MsgId,
    },
    /// Deliver one in-flight message twice.
    DuplicateMessage {
        /// The message.
        id: MsgId,
    },
    /// Hold one in-flight message back.
    DelayMessage {
        /// The message.
        id: MsgId,
        /// How much longer it travels, in milliseconds.
        by_ms: f64,
    },
}

impl Command {
    /// The command's `op` name.
    pub fn op(&self) -> &'static str {
        match self {
            Command::Crash { .. } => "crash",
            Command::Restart { .. } => "restart",
            Command::Pause { .. } => "pause",
            Command::Resume { .. } => "resume",
            Command::Partition { .. } => "partition",
            Command::Cut { .. } => "cut",
            Command::Heal => "heal",
            Command::Link { .. } => "link",
            Command::Skew { .. } => "skew",
            Command::AddNode => "add_node",
            Command::RemoveNode { .. } => "remove_node",
            Command::Client { .. } => "client",
            Command::Rumor { .. } => "rumor",
            Command::Fire { .. } => "fire",
            Command::DropMessage { .. } => "drop_message",
            Command::DuplicateMessage { .. } => "duplicate_message",
            Command::DelayMessage { .. } => "delay_message",
        }
    }

    /// A one-line description for logs (`"crash n2"`).
    pub fn describe(&self) -> String {
        match self {
            Command::Crash { node }
            | Command::Restart { node }
            | Command::Pause { node }
            | Command::Resume { node }
            | Command::RemoveNode { node } => format!("{} {node}", self.op()),
            Command::Rumor { node } => format!("start a rumor at {node}"),
            Command::Partition { groups } => {
                let sides: Vec<String> = groups
                    .iter()
                    .map(|g| {
                        let names: Vec<String> = g.iter().map(|n| n.to_string()).collect();
                        format!("{{{}}}", names.join(" "))
                    })
                    .collect();
                format!("partition {}", sides.join(" | "))
            }
            Command::Cut { from, to } => format!("cut {from} → {to}"),
            Command::Heal => "heal the network".into(),
            Command::Link { from, to, .. } => match (from, to) {
                (Some(a), Some(b)) => format!("set link {a} → {b}"),
                _ => "set every link".into(),
            },
            Command::Skew { node, rate } => format!("clock of {node} runs at {rate}×"),
            Command::AddNode => "add a node".into(),
            Command::Client { node, request } => match request {
                serde_json::Value::String(s) => format!("client → {node}: {s}"),
                other => format!("client → {node}: {other}"),
            },
            Command::Fire { node, timer } => format!("fire {timer} timer of {node}"),
            Command::DropMessage { id } => format!("drop message #{}", id.0),
            Command::DuplicateMessage { id } => format!("duplicate message #{}", id.0),
            Command::DelayMessage { id, by_ms } => format!("delay message #{} by {by_ms} ms", id.0),
        }
    }
}

/// A command with the virtual time at which it applies. It applies after
/// every event due at or before that time, so a recorded run replays exactly.
#[derive(Clone, Debug, PartialEq)]
pub struct Scheduled {
    /// When it applies.
    pub at: Time,
    /// What it does.
    pub command: Command,
}

#[derive(Serialize)]
struct ScheduledOut<'a> {
    at_ms: f64,
    #[serde(flatten)]
    command: &'a Command,
}

impl Serialize for Scheduled {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        ScheduledOut {
            at_ms: self.at.0 as f64 / MICROS_PER_MS as f64,
            command: &self.command,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Scheduled {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut map = serde_json::Map::deserialize(d)?;
        let at = map
            .remove("at_ms")
            .ok_or_else(|| D::Error::missing_field("at_ms"))?;
        let at_ms = at
            .as_f64()
            .ok_or_else(|| D::Error::custom(format!("at_ms: expected a number, found {at}")))?;
        if !(0.0..=1e9).contains(&at_ms) {
            return Err(D::Error::custom(format!(
                "at_ms: {at_ms} is out of range (0 to 1000000000)"
            )));
        }
        let command = Command::deserialize(serde_json::Value::Object(map))
            .map_err(|e| D::Error::custom(e.to_string()))?;
        Ok(Scheduled {
            at: Time::from_ms_f64(at_ms),
            command,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheduled_round_trips_through_json() {
        let s = Scheduled {
            at: Time(1_234_567),
            command: Command::Cut {
                from: NodeId(1),
                to: NodeId(2),
            },
        };
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(json, r#"{"at_ms":1234.567,"op":"cut","from":1,"to":2}"#);
        let back: Scheduled = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn unknown_fields_and_ops_are_rejected_by_name() {
        let e = serde_json::from_str::<Scheduled>(r#"{"at_ms":1,"op":"crash","nod":1}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("nod"), "{e}");
        let e = serde_json::from_str::<Scheduled>(r#"{"at_ms":1,"op":"explode"}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("explode"), "{e}");
        let e = serde_json::from_str::<Scheduled>(r#"{"op":"heal"}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("at_ms"), "{e}");
    }
}
