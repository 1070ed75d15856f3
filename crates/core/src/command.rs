//! Commands: every fault and every outside action, as data. A run is its seed
//! plus the commands applied to it, each recorded with its time.

use crate::id::{MsgId, NodeId};
use crate::read::{ReadJson, Reader};
use crate::scenario::ScenarioError;
use crate::time::{Time, MICROS_PER_MS};
use serde::{Serialize, Serializer};

/// One command. In a scenario it is an entry of `schedule`, tagged by `op`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "op", rename_all = "snake_case")]
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
        #[serde(skip_serializing_if = "Option::is_none")]
        from: Option<NodeId>,
        /// Receiver side (with `from`).
        #[serde(skip_serializing_if = "Option::is_none")]
        to: Option<NodeId>,
        /// One-way latency range in milliseconds, `[min, max]`.
        #[serde(skip_serializing_if = "Option::is_none")]
        latency_ms: Option<[f64; 2]>,
        /// Loss probability, 0 to 1.
        #[serde(skip_serializing_if = "Option::is_none")]
        drop: Option<f64>,
        /// Duplication probability, 0 to 1.
        #[serde(skip_serializing_if = "Option::is_none")]
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
    /// Hand leadership to a node (Raft: leadership transfer, dissertation
    /// §3.10); the administrator's request goes to the cluster like a
    /// client's.
    Transfer {
        /// The node that should lead.
        node: NodeId,
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
            Command::Transfer { .. } => "transfer",
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
            Command::Transfer { node } => format!("transfer leadership to {node}"),
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

/// Every `op` with the fields its command takes.
const OPS: &[(&str, &[&str])] = &[
    ("crash", &["node"]),
    ("restart", &["node"]),
    ("pause", &["node"]),
    ("resume", &["node"]),
    ("partition", &["groups"]),
    ("cut", &["from", "to"]),
    ("heal", &[]),
    ("link", &["from", "to", "latency_ms", "drop", "duplicate"]),
    ("skew", &["node", "rate"]),
    ("add_node", &[]),
    ("remove_node", &["node"]),
    ("client", &["node", "request"]),
    ("rumor", &["node"]),
    ("fire", &["node", "timer"]),
    ("drop_message", &["id"]),
    ("duplicate_message", &["id"]),
    ("delay_message", &["id", "by_ms"]),
    ("transfer", &["node"]),
];

/// A schedule entry: `at_ms`, `op` and the command's fields. A command
/// without fields (`heal`, `add_node`) ignores any others, as it always has.
impl ReadJson for Scheduled {
    fn read(r: &Reader<'_>) -> Result<Self, ScenarioError> {
        let o = r.object_any()?;
        let at = o.get("at_ms").ok_or_else(|| o.missing("at_ms"))?;
        let at_ms = at
            .value()
            .as_f64()
            .ok_or_else(|| at.error(format!("expected a number, found {}", at.value())))?;
        if !(0.0..=1e9).contains(&at_ms) {
            return Err(at.error(format!("{at_ms} is out of range (0 to 1000000000)")));
        }
        let op = o.variant("op", OPS, &["at_ms"])?;
        let node = || o.req::<NodeId>("node");
        let id = || o.req::<MsgId>("id");
        let command = match op {
            "crash" => Command::Crash { node: node()? },
            "restart" => Command::Restart { node: node()? },
            "pause" => Command::Pause { node: node()? },
            "resume" => Command::Resume { node: node()? },
            "partition" => Command::Partition {
                groups: o.req("groups")?,
            },
            "cut" => Command::Cut {
                from: o.req("from")?,
                to: o.req("to")?,
            },
            "heal" => Command::Heal,
            "link" => Command::Link {
                from: o.field::<Option<NodeId>>("from")?.flatten(),
                to: o.field::<Option<NodeId>>("to")?.flatten(),
                latency_ms: o.field::<Option<[f64; 2]>>("latency_ms")?.flatten(),
                drop: o.field::<Option<f64>>("drop")?.flatten(),
                duplicate: o.field::<Option<f64>>("duplicate")?.flatten(),
            },
            "skew" => Command::Skew {
                node: node()?,
                rate: o.req("rate")?,
            },
            "add_node" => Command::AddNode,
            "remove_node" => Command::RemoveNode { node: node()? },
            "client" => Command::Client {
                node: node()?,
                request: o.req("request")?,
            },
            "rumor" => Command::Rumor { node: node()? },
            "fire" => Command::Fire {
                node: node()?,
                timer: o.req("timer")?,
            },
            "drop_message" => Command::DropMessage { id: id()? },
            "duplicate_message" => Command::DuplicateMessage { id: id()? },
            "transfer" => Command::Transfer { node: node()? },
            _ => Command::DelayMessage {
                id: id()?,
                by_ms: o.req("by_ms")?,
            },
        };
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
        assert_eq!(read(&json).unwrap(), s);
    }

    fn read(json: &str) -> Result<Scheduled, ScenarioError> {
        let value: serde_json::Value = serde_json::from_str(json).unwrap();
        Scheduled::read(&Reader::new(&value, "schedule[0]"))
    }

    #[test]
    fn unknown_fields_and_ops_are_rejected_by_name() {
        let e = read(r#"{"at_ms":1,"op":"crash","nod":1}"#).unwrap_err();
        assert_eq!(e.path, "schedule[0].nod");
        assert_eq!(e.message, "unknown field `nod`, expected `node`");
        let e = read(r#"{"at_ms":1,"op":"cut","from":1,"to":2,"node":3}"#).unwrap_err();
        assert_eq!(
            e.message,
            "unknown field `node`, expected one of `from`, `to`"
        );
        let e = read(r#"{"at_ms":1,"op":"explode"}"#).unwrap_err();
        assert_eq!(e.path, "schedule[0].op");
        assert!(e
            .message
            .starts_with("unknown variant `explode`, expected one of `crash`"));
        let e = read(r#"{"op":"heal"}"#).unwrap_err();
        assert_eq!(
            (e.path.as_str(), e.message.as_str()),
            ("schedule[0]", "missing field `at_ms`")
        );
        let e = read(r#"{"at_ms":1,"op":"cut","from":1}"#).unwrap_err();
        assert_eq!(
            (e.path.as_str(), e.message.as_str()),
            ("schedule[0]", "missing field `to`")
        );
        let e = read(r#"{"at_ms":1,"op":"partition","groups":[[0],[1,"x"]]}"#).unwrap_err();
        assert_eq!(e.path, "schedule[0].groups[1][1]");
        assert_eq!(e.message, "invalid type: string \"x\", expected u32");
        let e = read(r#"{"at_ms":"soon","op":"heal"}"#).unwrap_err();
        assert_eq!(e.path, "schedule[0].at_ms");
    }

    #[test]
    fn every_command_reads_back_what_it_writes() {
        let all = [
            Command::Crash { node: NodeId(1) },
            Command::Restart { node: NodeId(1) },
            Command::Pause { node: NodeId(2) },
            Command::Resume { node: NodeId(2) },
            Command::Partition {
                groups: vec![vec![NodeId(0), NodeId(1)], vec![NodeId(2)]],
            },
            Command::Cut {
                from: NodeId(0),
                to: NodeId(3),
            },
            Command::Heal,
            Command::Link {
                from: Some(NodeId(1)),
                to: Some(NodeId(2)),
                latency_ms: Some([1.0, 2.5]),
                drop: Some(0.1),
                duplicate: None,
            },
            Command::Link {
                from: None,
                to: None,
                latency_ms: None,
                drop: None,
                duplicate: Some(0.2),
            },
            Command::Skew {
                node: NodeId(3),
                rate: 1.5,
            },
            Command::AddNode,
            Command::RemoveNode { node: NodeId(4) },
            Command::Client {
                node: NodeId(0),
                request: serde_json::json!({"type": "get", "key": "k"}),
            },
            Command::Rumor { node: NodeId(1) },
            Command::Fire {
                node: NodeId(4),
                timer: "election".into(),
            },
            Command::DropMessage { id: MsgId(10) },
            Command::DuplicateMessage { id: MsgId(20) },
            Command::DelayMessage {
                id: MsgId(30),
                by_ms: 50.0,
            },
            Command::Transfer { node: NodeId(2) },
        ];
        for (op, _) in OPS {
            assert!(all.iter().any(|c| c.op() == *op), "{op}");
        }
        for command in all {
            let s = Scheduled {
                at: Time(5_000),
                command,
            };
            assert_eq!(read(&serde_json::to_string(&s).unwrap()).unwrap(), s);
        }
        // A command without fields ignores others, as the derived reader did.
        assert_eq!(
            read(r#"{"at_ms":1,"op":"heal","x":1}"#).unwrap().command,
            Command::Heal
        );
    }
}
