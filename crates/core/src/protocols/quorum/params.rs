//! The parameters of a quorum run, and their checks. Every error starts
//! with the field it is about (`r: must be between 1 and n (3), not 5`), so
//! a scenario reports it as `params.r`.

use crate::read::{read_struct, ReadJson, Reader};
use crate::scenario::ScenarioError;
use serde::Serialize;

/// The most replicas per key, and the largest cluster.
pub const MAX_NODES: u32 = 32;
/// The most workload clients.
pub const MAX_CLIENTS: u32 = 100;
/// The most workload keys.
pub const MAX_KEYS: u32 = 1_000;
/// The longest request timeout: below the simulated client's patience
/// (1000 ms), so a scripted client always hears how its request ended.
pub const MAX_REQUEST_TIMEOUT_MS: u64 = 900;

/// How a replica reconciles versions of a key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Resolve {
    /// Keep every concurrent version (by vector clock); a get returns them all.
    #[default]
    Siblings,
    /// Last writer wins by (coordinator timestamp, coordinator id): one
    /// version survives and concurrent writes are silently lost.
    Lww,
}

impl ReadJson for Resolve {
    fn read(r: &Reader<'_>) -> Result<Self, ScenarioError> {
        r.one_of(&[Resolve::Siblings, Resolve::Lww], |v| match v {
            Resolve::Siblings => "siblings",
            Resolve::Lww => "lww",
        })
    }
}

/// Parameters of a quorum scenario (`params`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct QuorumParams {
    /// Replicas per key (N).
    pub n: u32,
    /// Replies a get waits for (R), unless the request says otherwise.
    pub r: u32,
    /// Acknowledgements a put waits for (W), unless the request says otherwise.
    pub w: u32,
    /// Workload clients; client c uses node c mod members as its coordinator.
    pub clients: u32,
    /// Workload keys (`k0`, `k1`, …).
    pub keys: u32,
    /// The workload's target rate, in operations per second over all
    /// clients (0: no workload). Each client waits a random think time
    /// after each operation ends, so its operations never overlap.
    pub ops_per_s: f64,
    /// The probability that a workload operation is a get.
    pub read_fraction: f64,
    /// After a get, push the newest versions to replicas that answered with older ones.
    pub read_repair: bool,
    /// Sloppy quorums with hinted handoff (§4.6).
    pub sloppy: bool,
    /// The anti-entropy period (§4.7); absent: off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anti_entropy_ms: Option<u64>,
    /// How versions are reconciled.
    pub resolve: Resolve,
    /// A request that has not reached R (or W) replicas by then fails.
    pub request_timeout_ms: u64,
    /// With `sloppy`, how long a coordinator waits for a replica before it
    /// asks the next node beyond the preference list instead.
    pub sloppy_timeout_ms: u64,
    /// How often a node holding hints tries to hand them back.
    pub handoff_ms: u64,
    /// Textbook bugs switched on ([`super::BUGS`]); none by default.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub bugs: Vec<String>,
}

read_struct!(QuorumParams {
    n,
    r,
    w,
    clients,
    keys,
    ops_per_s,
    read_fraction,
    read_repair,
    sloppy,
    anti_entropy_ms,
    resolve,
    request_timeout_ms,
    sloppy_timeout_ms,
    handoff_ms,
    bugs
});

impl Default for QuorumParams {
    fn default() -> Self {
        QuorumParams {
            n: 3,
            r: 2,
            w: 2,
            clients: 3,
            keys: 4,
            ops_per_s: 6.0,
            read_fraction: 0.5,
            read_repair: true,
            sloppy: false,
            anti_entropy_ms: None,
            resolve: Resolve::Siblings,
            request_timeout_ms: 500,
            sloppy_timeout_ms: 100,
            handoff_ms: 500,
            bugs: Vec::new(),
        }
    }
}

/// Checks that `value` is in `lo..=hi`; the error names `field`.
fn within<T: PartialOrd + std::fmt::Display>(
    field: &str,
    value: T,
    lo: T,
    hi: T,
    range: &str,
) -> Result<(), String> {
    if value >= lo && value <= hi {
        Ok(())
    } else {
        Err(format!("{field}: must be {range}, not {value}"))
    }
}

/// The quorum size a request may ask for: 1 to `n`.
pub fn check_quorum(field: &str, value: u32, n: u32) -> Result<(), String> {
    within(field, value, 1, n, &format!("between 1 and n ({n})"))
}

impl QuorumParams {
    /// Checks every field.
    pub fn validate(&self) -> Result<(), String> {
        within(
            "n",
            self.n,
            1,
            MAX_NODES,
            &format!("between 1 and {MAX_NODES}"),
        )?;
        check_quorum("r", self.r, self.n)?;
        check_quorum("w", self.w, self.n)?;
        within(
            "clients",
            self.clients,
            0,
            MAX_CLIENTS,
            &format!("between 0 and {MAX_CLIENTS}"),
        )?;
        within(
            "keys",
            self.keys,
            1,
            MAX_KEYS,
            &format!("between 1 and {MAX_KEYS}"),
        )?;
        within(
            "ops_per_s",
            self.ops_per_s,
            0.0,
            1000.0,
            "between 0 and 1000",
        )?;
        within(
            "read_fraction",
            self.read_fraction,
            0.0,
            1.0,
            "a probability from 0 to 1",
        )?;
        if let Some(ms) = self.anti_entropy_ms {
            within(
                "anti_entropy_ms",
                ms,
                10,
                600_000,
                "between 10 and 600000 (leave it out to turn anti-entropy off)",
            )?;
        }
        within(
            "request_timeout_ms",
            self.request_timeout_ms,
            1,
            MAX_REQUEST_TIMEOUT_MS,
            &format!(
                "between 1 and {MAX_REQUEST_TIMEOUT_MS} (the simulated client moves on after 1000)"
            ),
        )?;
        within(
            "sloppy_timeout_ms",
            self.sloppy_timeout_ms,
            1,
            self.request_timeout_ms,
            &format!(
                "between 1 and request_timeout_ms ({})",
                self.request_timeout_ms
            ),
        )?;
        within(
            "handoff_ms",
            self.handoff_ms,
            10,
            600_000,
            "between 10 and 600000",
        )
    }

    /// Checks the fields that depend on the cluster's size.
    pub fn validate_nodes(&self, nodes: u32) -> Result<(), String> {
        if self.n > nodes {
            return Err(format!(
                "n: must be at most the number of nodes ({nodes}), not {}",
                self.n
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_field_first() {
        let bad = |p: QuorumParams| p.validate().unwrap_err();
        let e = bad(QuorumParams {
            r: 4,
            ..Default::default()
        });
        assert_eq!(e, "r: must be between 1 and n (3), not 4");
        assert!(bad(QuorumParams {
            w: 0,
            ..Default::default()
        })
        .starts_with("w: "));
        assert!(bad(QuorumParams {
            read_fraction: 1.5,
            ..Default::default()
        })
        .starts_with("read_fraction: "));
        assert!(bad(QuorumParams {
            anti_entropy_ms: Some(0),
            ..Default::default()
        })
        .starts_with("anti_entropy_ms: "));
        assert!(bad(QuorumParams {
            sloppy_timeout_ms: 600,
            ..Default::default()
        })
        .starts_with("sloppy_timeout_ms: "));
        assert!(QuorumParams::default().validate().is_ok());
        assert!(QuorumParams::default().validate_nodes(2).is_err());
        assert!(QuorumParams::default().validate_nodes(3).is_ok());
    }
}
