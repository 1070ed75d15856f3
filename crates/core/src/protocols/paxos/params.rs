//! Paxos parameters (`params` of a `paxos` scenario).

use crate::read::{ReadJson, Reader};
use crate::scenario::ScenarioError;
use serde::Serialize;

/// Which Paxos runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// One synod instance per slot; any node proposes.
    Basic,
    /// A distinguished proposer runs phase 1 once for every slot.
    #[default]
    Multi,
}

impl Mode {
    /// Its name in scenarios.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Basic => "basic",
            Mode::Multi => "multi",
        }
    }
}

impl ReadJson for Mode {
    fn read(r: &Reader<'_>) -> Result<Self, ScenarioError> {
        r.one_of(&[Mode::Basic, Mode::Multi], Mode::as_str)
    }
}

/// Paxos parameters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PaxosParams {
    /// `basic` or `multi`.
    pub mode: Mode,
    /// Basic: a refused proposer waits a random time up to this long (ms)
    /// before trying again with a higher ballot; 0 retries at once, and
    /// dueling proposers can livelock.
    pub backoff_ms: u64,
    /// Basic: a round that has not heard from a majority after this long
    /// (ms) is tried again with a higher ballot.
    pub retry_ms: u64,
    /// Multi: a node that hears no leader for a time drawn from this range
    /// (ms) runs phase 1 itself.
    pub election_timeout_ms: [u64; 2],
    /// Multi: the leader's heartbeat period (ms).
    pub heartbeat_ms: u64,
    /// Textbook bugs switched on ([`super::BUGS`]); none by default.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub bugs: Vec<String>,
}

crate::read::read_struct!(PaxosParams {
    mode,
    backoff_ms,
    retry_ms,
    election_timeout_ms,
    heartbeat_ms,
    bugs
});

impl Default for PaxosParams {
    fn default() -> Self {
        PaxosParams {
            mode: Mode::Multi,
            backoff_ms: 60,
            retry_ms: 200,
            election_timeout_ms: [150, 300],
            heartbeat_ms: 50,
            bugs: Vec::new(),
        }
    }
}

impl PaxosParams {
    /// Checks the ranges; the error names the field.
    pub fn validate(&self) -> Result<(), String> {
        if self.backoff_ms > 60_000 {
            return Err(format!("backoff_ms: at most 60000, not {}", self.backoff_ms));
        }
        for (name, v) in [("retry_ms", self.retry_ms), ("heartbeat_ms", self.heartbeat_ms)] {
            if !(1..=60_000).contains(&v) {
                return Err(format!("{name}: between 1 and 60000, not {v}"));
            }
        }
        let [lo, hi] = self.election_timeout_ms;
        if lo == 0 || lo > hi || hi > 60_000 {
            return Err(format!(
                "election_timeout_ms: [lo, hi] with 1 ≤ lo ≤ hi ≤ 60000, not [{lo}, {hi}]"
            ));
        }
        if self.heartbeat_ms >= lo {
            return Err(format!(
                "heartbeat_ms: must be below the election timeout's {lo} ms, not {}",
                self.heartbeat_ms
            ));
        }
        Ok(())
    }
}
