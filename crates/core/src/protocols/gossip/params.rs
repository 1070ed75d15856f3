//! Gossip parameters: the round, how peers exchange, when a rumor stops
//! spreading, and the optional SWIM failure detector.

use crate::read::{read_struct, ReadJson, Reader};
use crate::scenario::ScenarioError;
use serde::Serialize;

/// How two peers exchange rumors in a contact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Mode {
    /// The caller sends what it spreads.
    #[serde(rename = "push")]
    Push,
    /// The caller asks for what it lacks.
    #[serde(rename = "pull")]
    Pull,
    /// Both: the caller sends what it spreads and asks for what it lacks.
    #[serde(rename = "push-pull")]
    PushPull,
}

impl ReadJson for Mode {
    fn read(r: &Reader<'_>) -> Result<Self, ScenarioError> {
        r.one_of(&[Mode::Push, Mode::Pull, Mode::PushPull], Mode::as_str)
    }
}

impl ReadJson for Interest {
    fn read(r: &Reader<'_>) -> Result<Self, ScenarioError> {
        r.one_of(&[Interest::Counter, Interest::Coin], |i| match i {
            Interest::Counter => "counter",
            Interest::Coin => "coin",
        })
    }
}

impl Mode {
    /// The name used in scenarios.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Push => "push",
            Mode::Pull => "pull",
            Mode::PushPull => "push-pull",
        }
    }
}

/// How a rumor-mongering node counts contacts that already knew the rumor
/// (Demers et al. 1987, §1.4: "feedback" with a "counter" or a "coin").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Interest {
    /// Lose interest after exactly `stop_after` unnecessary contacts.
    #[default]
    Counter,
    /// Lose interest with probability 1/`stop_after` at each unnecessary
    /// contact: the variant whose residue solves s = e^−(k+1)(1−s).
    Coin,
}

/// SWIM failure detection (Das, Gupta, Motivala 2002).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct SwimParams {
    /// Members asked to ping indirectly when a direct ping goes unanswered.
    pub k: u32,
    /// How long a direct ping waits for its ack, in milliseconds.
    pub ping_timeout_ms: u64,
    /// How long a suspect has to refute before it is declared dead, in milliseconds.
    pub suspicion_ms: u64,
}

read_struct!(SwimParams {
    k,
    ping_timeout_ms,
    suspicion_ms
});

impl Default for SwimParams {
    fn default() -> Self {
        SwimParams {
            k: 3,
            ping_timeout_ms: 60,
            suspicion_ms: 1_000,
        }
    }
}

/// Parameters of a gossip scenario.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GossipParams {
    /// Push, pull or push-pull.
    pub mode: Mode,
    /// Peers contacted per round.
    pub fanout: u32,
    /// The round's period in milliseconds.
    pub round_ms: u64,
    /// Each round starts up to this many milliseconds late (0: every node's
    /// rounds start together, the synchronous model the formulas assume).
    pub jitter_ms: u64,
    /// Rumor mongering: a node loses interest in a rumor after this many
    /// contacts that already knew it. Absent (or null): anti-entropy, a
    /// node spreads forever.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop_after: Option<u32>,
    /// How the unnecessary contacts count toward `stop_after`.
    #[serde(skip_serializing_if = "is_counter")]
    pub interest: Interest,
    /// SWIM failure detection, if present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub swim: Option<SwimParams>,
    /// Textbook bugs switched on ([`super::BUGS`]); none by default.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub bugs: Vec<String>,
}

fn is_counter(i: &Interest) -> bool {
    *i == Interest::Counter
}

read_struct!(GossipParams {
    mode,
    fanout,
    round_ms,
    jitter_ms,
    stop_after,
    interest,
    swim,
    bugs
});

impl Default for GossipParams {
    fn default() -> Self {
        GossipParams {
            mode: Mode::Push,
            fanout: 1,
            round_ms: 200,
            jitter_ms: 0,
            stop_after: None,
            interest: Interest::Counter,
            swim: None,
            bugs: Vec::new(),
        }
    }
}

impl GossipParams {
    /// Checks the ranges; the error names the field.
    pub fn check(&self) -> Result<(), String> {
        if !(1..=64).contains(&self.fanout) {
            return Err(format!("fanout: {} is out of range (1 to 64)", self.fanout));
        }
        if !(10..=60_000).contains(&self.round_ms) {
            return Err(format!(
                "round_ms: {} is out of range (10 to 60000)",
                self.round_ms
            ));
        }
        if self.jitter_ms > self.round_ms {
            return Err(format!(
                "jitter_ms: {} is more than round_ms ({})",
                self.jitter_ms, self.round_ms
            ));
        }
        if let Some(k) = self.stop_after {
            if !(1..=100).contains(&k) {
                return Err(format!("stop_after: {k} is out of range (1 to 100)"));
            }
        }
        if let Some(s) = &self.swim {
            if !(1..=16).contains(&s.k) {
                return Err(format!("swim.k: {} is out of range (1 to 16)", s.k));
            }
            if s.ping_timeout_ms == 0 || s.ping_timeout_ms >= self.round_ms {
                return Err(format!(
                    "swim.ping_timeout_ms: {} must be above 0 and below round_ms ({})",
                    s.ping_timeout_ms, self.round_ms
                ));
            }
            if !(1..=600_000).contains(&s.suspicion_ms) {
                return Err(format!(
                    "swim.suspicion_ms: {} is out of range (1 to 600000)",
                    s.suspicion_ms
                ));
            }
        }
        Ok(())
    }
}
