//! The one scenario format, shared by the CLI, the UI (load, share, presets)
//! and the tests. See `docs/scenario.md` for the reference.

use crate::command::{Command, Scheduled};
use crate::id::NodeId;
use crate::net::{LinkParams, NetPreset};
use crate::node::{Admin, Protocol, TimerName};
use crate::read::{duplicate_key, locate, read_struct, ReadJson, Reader};
use crate::sortedmap::SortedSet;
use crate::time::ms_to_micros;
use serde::Serialize;
use std::fmt;

/// The largest scenario text accepted, in bytes.
pub const MAX_SCENARIO_BYTES: usize = 2 * 1024 * 1024;
/// The most schedule entries accepted.
pub const MAX_SCHEDULE: usize = 100_000;
/// The latest time a scenario may run to, in milliseconds (about 11.5 days).
pub const MAX_UNTIL_MS: u64 = 1_000_000_000;

pub use crate::protocols::ProtocolName;

/// Network settings of a scenario.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct NetworkSpec {
    /// A named preset (`lan`, `region`, `wan`); `latency_ms` overrides its range.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preset: Option<NetPreset>,
    /// One-way latency range in milliseconds, `[min, max]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<[f64; 2]>,
    /// Loss probability for every link, 0 to 1.
    pub drop: f64,
    /// Duplication probability for every link, 0 to 1.
    pub duplicate: f64,
}

impl NetworkSpec {
    /// The link parameters these settings describe.
    pub fn link_params(&self) -> LinkParams {
        let mut p = self.preset.unwrap_or(NetPreset::Region).params();
        if let Some([lo, hi]) = self.latency_ms {
            p.latency = (ms_to_micros(lo), ms_to_micros(hi));
        }
        p.drop = self.drop;
        p.duplicate = self.duplicate;
        p
    }
}

read_struct!(NetworkSpec {
    preset,
    latency_ms,
    drop,
    duplicate
});

impl ReadJson for NetPreset {
    fn read(r: &Reader<'_>) -> Result<Self, ScenarioError> {
        r.one_of(
            &[NetPreset::Lan, NetPreset::Region, NetPreset::Wan],
            |p| match p {
                NetPreset::Lan => "lan",
                NetPreset::Region => "region",
                NetPreset::Wan => "wan",
            },
        )
    }
}

impl ReadJson for ProtocolName {
    fn read(r: &Reader<'_>) -> Result<Self, ScenarioError> {
        r.one_of(ProtocolName::ALL, ProtocolName::as_str)
    }
}

/// The fields of a scenario, in order.
const FIELDS: &[&str] = &[
    "name",
    "description",
    "protocol",
    "nodes",
    "seed",
    "until_ms",
    "network",
    "params",
    "schedule",
];

impl ReadJson for Scenario {
    fn read(r: &Reader<'_>) -> Result<Self, ScenarioError> {
        let o = r.object(FIELDS)?;
        Ok(Scenario {
            name: o.field::<Option<String>>("name")?.flatten(),
            description: o.field::<Option<String>>("description")?.flatten(),
            protocol: o.req("protocol")?,
            nodes: o.field("nodes")?.unwrap_or(5),
            seed: o.field("seed")?.unwrap_or(0),
            until_ms: o.field("until_ms")?.unwrap_or(10_000),
            network: o.field("network")?.unwrap_or_default(),
            params: o.field("params")?.unwrap_or(serde_json::Value::Null),
            schedule: o.field("schedule")?.unwrap_or_default(),
        })
    }
}

fn is_null(v: &serde_json::Value) -> bool {
    v.is_null()
}

/// A whole run: protocol, cluster, seed, network, parameters and commands.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scenario {
    /// A title for presets and shared links.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// One sentence on what the scenario shows, for the preset gallery.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Which protocol runs.
    pub protocol: ProtocolName,
    /// How many nodes start.
    pub nodes: u32,
    /// The seed of every random choice in the run.
    pub seed: u64,
    /// Where a headless run stops, in milliseconds of virtual time.
    pub until_ms: u64,
    /// Network settings.
    pub network: NetworkSpec,
    /// Protocol parameters; see the protocol's documentation.
    #[serde(skip_serializing_if = "is_null")]
    pub params: serde_json::Value,
    /// Commands with their times.
    pub schedule: Vec<Scheduled>,
}

/// What is wrong with a scenario, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    /// The path of the offending field (`schedule[2].node`), empty for the whole text.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl ScenarioError {
    /// The error `message` about the field at `path`.
    pub fn at(path: impl Into<String>, message: impl Into<String>) -> ScenarioError {
        ScenarioError {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() || self.path == "." {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for ScenarioError {}

/// An error of a protocol's parameter check: one that starts with a field
/// name (`r: must be …`) is about `params.r`, any other about `params`.
fn params_error(message: String) -> ScenarioError {
    let is_field = |f: &str| {
        !f.is_empty()
            && f.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.')
    };
    match message.split_once(": ") {
        Some((field, what)) if is_field(field) => {
            ScenarioError::at(format!("params.{field}"), what)
        }
        _ => ScenarioError::at("params", message),
    }
}

fn check_prob(path: &str, p: f64) -> Result<(), ScenarioError> {
    if (0.0..=1.0).contains(&p) {
        Ok(())
    } else {
        Err(ScenarioError::at(
            path,
            format!("{p} is out of range (a probability from 0 to 1)"),
        ))
    }
}

fn check_latency(path: &str, [lo, hi]: [f64; 2]) -> Result<(), ScenarioError> {
    if !(0.0..=60_000.0).contains(&lo) || !(0.0..=60_000.0).contains(&hi) {
        return Err(ScenarioError::at(
            path,
            format!("[{lo}, {hi}] is out of range (0 to 60000 ms)"),
        ));
    }
    if lo > hi {
        return Err(ScenarioError::at(
            path,
            format!("min {lo} is above max {hi}"),
        ));
    }
    Ok(())
}

impl Scenario {
    /// Parses and checks the shape of a scenario. Protocol-specific checks
    /// are in [`Scenario::validate`].
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        if text.len() > MAX_SCENARIO_BYTES {
            return Err(ScenarioError::at(
                "",
                format!(
                    "the scenario is {} bytes; the limit is {MAX_SCENARIO_BYTES}",
                    text.len()
                ),
            ));
        }
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            ScenarioError::at(locate(text, e.line(), e.column(), FIELDS), e.to_string())
        })?;
        if let Some((path, key, line, column)) = duplicate_key(text, &["network"]) {
            return Err(ScenarioError::at(
                path,
                format!("duplicate field `{key}` at line {line} column {column}"),
            ));
        }
        let scenario = Scenario::read(&Reader::new(&value, ""))?;
        Ok(scenario)
    }

    /// The scenario as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Checks every value against the protocol and returns its parameters.
    pub fn validate<P: Protocol>(&self) -> Result<P::Params, ScenarioError> {
        if self.nodes == 0 || self.nodes > P::MAX_NODES {
            return Err(ScenarioError::at(
                "nodes",
                format!(
                    "{} is out of range ({} takes 1 to {} nodes)",
                    self.nodes,
                    P::NAME,
                    P::MAX_NODES
                ),
            ));
        }
        if self.until_ms > MAX_UNTIL_MS {
            return Err(ScenarioError::at(
                "until_ms",
                format!("{} is out of range (0 to {MAX_UNTIL_MS})", self.until_ms),
            ));
        }
        if let Some(l) = self.network.latency_ms {
            check_latency("network.latency_ms", l)?;
        }
        check_prob("network.drop", self.network.drop)?;
        check_prob("network.duplicate", self.network.duplicate)?;
        let params: P::Params = if self.params.is_null() {
            P::Params::default()
        } else {
            P::Params::read(&Reader::new(&self.params, "params"))?
        };
        P::validate(&params).map_err(params_error)?;
        P::validate_nodes(&params, self.nodes).map_err(params_error)?;
        if self.schedule.len() > MAX_SCHEDULE {
            return Err(ScenarioError::at(
                "schedule",
                format!(
                    "{} entries; the limit is {MAX_SCHEDULE}",
                    self.schedule.len()
                ),
            ));
        }
        let adds = self
            .schedule
            .iter()
            .filter(|s| s.command == Command::AddNode)
            .count() as u64;
        let max_id = u64::from(self.nodes) + adds;
        for (i, entry) in self.schedule.iter().enumerate() {
            check_command::<P>(&format!("schedule[{i}]"), &entry.command, max_id)?;
        }
        Ok(params)
    }
}

/// Checks one command against the protocol and a cluster of `max_id` ids.
pub fn check_command<P: Protocol>(
    path: &str,
    cmd: &Command,
    max_id: u64,
) -> Result<(), ScenarioError> {
    let node_ok = |field: &str, n: NodeId| -> Result<(), ScenarioError> {
        if u64::from(n.0) < max_id {
            Ok(())
        } else {
            Err(ScenarioError::at(
                format!("{path}.{field}"),
                format!(
                    "node {} does not exist (ids run from 0 to {})",
                    n.0,
                    max_id - 1
                ),
            ))
        }
    };
    match cmd {
        Command::Crash { node }
        | Command::Restart { node }
        | Command::Pause { node }
        | Command::Resume { node } => node_ok("node", *node),
        Command::RemoveNode { node } => {
            membership::<P>(path, cmd)?;
            node_ok("node", *node)
        }
        Command::AddNode => membership::<P>(path, cmd),
        Command::Transfer { node } => {
            if P::admin(Admin::Transfer(*node)).is_none() {
                return Err(ScenarioError::at(
                    format!("{path}.op"),
                    format!(
                        "transfer is not available for {}: it has no leader to hand over",
                        P::NAME
                    ),
                ));
            }
            node_ok("node", *node)
        }
        Command::Partition { groups } => {
            let mut seen = SortedSet::new();
            for (g, group) in groups.iter().enumerate() {
                if group.is_empty() {
                    return Err(ScenarioError::at(
                        format!("{path}.groups[{g}]"),
                        "a group must name at least one node",
                    ));
                }
                for &n in group {
                    node_ok(&format!("groups[{g}]"), n)?;
                    if !seen.insert(n) {
                        return Err(ScenarioError::at(
                            format!("{path}.groups[{g}]"),
                            format!("{n} is in more than one group"),
                        ));
                    }
                }
            }
            Ok(())
        }
        Command::Cut { from, to } => {
            node_ok("from", *from)?;
            node_ok("to", *to)
        }
        Command::Heal => Ok(()),
        Command::Link {
            from,
            to,
            latency_ms,
            drop,
            duplicate,
        } => {
            match (from, to) {
                (Some(a), Some(b)) => {
                    node_ok("from", *a)?;
                    node_ok("to", *b)?;
                }
                (None, None) => {}
                _ => {
                    return Err(ScenarioError::at(
                        path,
                        "give both `from` and `to` for one link, or neither for every link",
                    ))
                }
            }
            if let Some(l) = latency_ms {
                check_latency(&format!("{path}.latency_ms"), *l)?;
            }
            if let Some(p) = drop {
                check_prob(&format!("{path}.drop"), *p)?;
            }
            if let Some(p) = duplicate {
                check_prob(&format!("{path}.duplicate"), *p)?;
            }
            Ok(())
        }
        Command::Skew { node, rate } => {
            node_ok("node", *node)?;
            if (0.1..=10.0).contains(rate) {
                Ok(())
            } else {
                Err(ScenarioError::at(
                    format!("{path}.rate"),
                    format!("{rate} is out of range (0.1 to 10)"),
                ))
            }
        }
        Command::Client { node, request } => {
            node_ok("node", *node)?;
            let at = format!("{path}.request");
            P::Request::read(&Reader::new(request, &at))
                .map(|_| ())
                .map_err(|e| ScenarioError {
                    message: format!("not a {} request: {}", P::NAME, e.message),
                    ..e
                })
        }
        Command::Rumor { node } => {
            node_ok("node", *node)?;
            if P::rumor().is_some() {
                Ok(())
            } else {
                Err(ScenarioError::at(
                    format!("{path}.op"),
                    format!("rumor is for gossip; {} has no rumors", P::NAME),
                ))
            }
        }
        Command::Fire { node, timer } => {
            node_ok("node", *node)?;
            if P::Timer::parse(timer).is_some() {
                Ok(())
            } else {
                let names: Vec<&str> = P::Timer::ALL.iter().map(|t| t.name()).collect();
                Err(ScenarioError::at(
                    format!("{path}.timer"),
                    format!(
                        "unknown timer `{timer}`; {} has {}",
                        P::NAME,
                        names.join(", ")
                    ),
                ))
            }
        }
        Command::DropMessage { .. } | Command::DuplicateMessage { .. } => Ok(()),
        Command::DelayMessage { by_ms, .. } => {
            if (0.0..=600_000.0).contains(by_ms) {
                Ok(())
            } else {
                Err(ScenarioError::at(
                    format!("{path}.by_ms"),
                    format!("{by_ms} is out of range (0 to 600000)"),
                ))
            }
        }
    }
}

fn membership<P: Protocol>(path: &str, cmd: &Command) -> Result<(), ScenarioError> {
    if P::DYNAMIC_MEMBERSHIP {
        Ok(())
    } else {
        Err(ScenarioError::at(
            format!("{path}.op"),
            format!(
                "{} is not available for {}: its membership is fixed in faultline",
                cmd.op(),
                P::NAME
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocols::raft::Raft;

    #[test]
    fn an_empty_partition_group_is_rejected_by_path() {
        let s = Scenario::from_json(
            r#"{"protocol":"raft","schedule":[{"at_ms":1,"op":"partition","groups":[[0],[]]}]}"#,
        )
        .unwrap();
        let e = s.validate::<Raft>().unwrap_err();
        assert_eq!(e.path, "schedule[0].groups[1]");
    }
}
