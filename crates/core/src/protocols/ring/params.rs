//! The parameters of a ring run, and their checks. Every error starts with
//! the field it is about (`vnodes: must be between 1 and 512, not 0`), so a
//! scenario reports it as `params.vnodes`.

use crate::placement::layout::MAX_VNODES;
use crate::placement::{Member, Strategy};
use crate::read::read_struct;
use serde::Serialize;
use crate::sortedmap::SortedMap;

/// The most keys a run may place.
pub const MAX_KEYS: u32 = 100_000;
/// The most replicas per key.
pub const MAX_REPLICAS: u32 = 16;
/// The largest weight a node may have: `512` virtual nodes per unit of
/// weight times 128 is the placement's limit of 65,536 points per node.
pub const MAX_WEIGHT: f64 = 128.0;

/// Parameters of a ring scenario (`params`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RingParams {
    /// How keys are mapped to nodes.
    pub strategy: Strategy,
    /// Virtual nodes per unit of weight (`ring` and `bounded`).
    pub vnodes: u32,
    /// How many keys: they are numbered `0..keys`.
    pub keys: u32,
    /// Replicas per key (N): the length of a key's preference list, or
    /// every member when there are fewer.
    pub replicas: u32,
    /// The load slack of `bounded`: no node takes more than
    /// `ceil((1 + epsilon) · keys / members)` keys.
    pub epsilon: f64,
    /// Relative capacities by node id (1 for a node not named).
    #[serde(skip_serializing_if = "SortedMap::is_empty")]
    pub weights: SortedMap<u32, f64>,
    /// Textbook bugs switched on ([`super::BUGS`]); none by default.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub bugs: Vec<String>,
}

read_struct!(RingParams {
    strategy,
    vnodes,
    keys,
    replicas,
    epsilon,
    weights,
    bugs
});

impl Default for RingParams {
    fn default() -> Self {
        RingParams {
            strategy: Strategy::Ring,
            vnodes: 64,
            keys: 10_000,
            replicas: 1,
            epsilon: 0.25,
            weights: SortedMap::new(),
            bugs: Vec::new(),
        }
    }
}

impl RingParams {
    /// Checks every field.
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=MAX_VNODES).contains(&self.vnodes) {
            return Err(format!(
                "vnodes: must be between 1 and {MAX_VNODES}, not {}",
                self.vnodes
            ));
        }
        if !(1..=MAX_KEYS).contains(&self.keys) {
            return Err(format!(
                "keys: must be between 1 and {MAX_KEYS}, not {}",
                self.keys
            ));
        }
        if !(1..=MAX_REPLICAS).contains(&self.replicas) {
            return Err(format!(
                "replicas: must be between 1 and {MAX_REPLICAS}, not {}",
                self.replicas
            ));
        }
        if !(self.epsilon.is_finite() && self.epsilon > 0.0) {
            return Err(format!(
                "epsilon: must be finite and above 0, not {}",
                self.epsilon
            ));
        }
        for (node, &w) in &self.weights {
            if !(w.is_finite() && w > 0.0 && w <= MAX_WEIGHT) {
                return Err(format!(
                    "weights.{node}: must be above 0 and at most {MAX_WEIGHT}, not {w}"
                ));
            }
        }
        Ok(())
    }

    /// Node `node` as a placement member, with its weight.
    pub fn member(&self, node: u32) -> Member {
        Member {
            node,
            weight: self.weights.get(&node).copied().unwrap_or(1.0),
        }
    }
}
