//! The simulated network: per-link latency, loss and duplication, partitions
//! and one-way cuts. Reordering comes from latency jitter.

use crate::id::NodeId;
use crate::nodemap::NodeMap;
use crate::rng::Rng;
use crate::sortedmap::{SortedMap, SortedSet};
use crate::time::ms_to_micros;
use serde::{Deserialize, Serialize};

/// The behaviour of a link (or of every link, as the default).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LinkParams {
    /// One-way latency range in microseconds; each message draws uniformly.
    pub latency: (u64, u64),
    /// Probability that a message is lost.
    pub drop: f64,
    /// Probability that a message is delivered twice.
    pub duplicate: f64,
}

/// Named network settings, for scenarios and the UI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NetPreset {
    /// One rack: 0.5 to 2 ms.
    Lan,
    /// One region: 5 to 15 ms (the default lab, easy to watch).
    Region,
    /// Across continents: 40 to 120 ms.
    Wan,
}

impl NetPreset {
    /// The link parameters of the preset (lossless).
    pub fn params(self) -> LinkParams {
        let (lo, hi) = match self {
            NetPreset::Lan => (0.5, 2.0),
            NetPreset::Region => (5.0, 15.0),
            NetPreset::Wan => (40.0, 120.0),
        };
        LinkParams {
            latency: (ms_to_micros(lo), ms_to_micros(hi)),
            drop: 0.0,
            duplicate: 0.0,
        }
    }
}

impl Default for LinkParams {
    fn default() -> Self {
        NetPreset::Region.params()
    }
}

/// Why a message did not arrive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DropReason {
    /// Lost at random on the link.
    Loss,
    /// The link was cut (a partition or a one-way cut).
    Partition,
    /// The destination had crashed or been removed.
    DestinationDown,
    /// The destination was paused.
    DestinationPaused,
    /// Dropped by hand.
    Manual,
}

/// Links, partitions and cuts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Network {
    default: LinkParams,
    overrides: SortedMap<(NodeId, NodeId), LinkParams>,
    groups: Option<NodeMap<usize>>,
    cuts: SortedSet<(NodeId, NodeId)>,
}

impl Network {
    /// A fully connected network where every link behaves like `default`.
    pub fn new(default: LinkParams) -> Network {
        Network {
            default,
            ..Network::default()
        }
    }

    /// The parameters of the link `from → to`.
    pub fn link(&self, from: NodeId, to: NodeId) -> LinkParams {
        self.overrides
            .get(&(from, to))
            .copied()
            .unwrap_or(self.default)
    }

    /// The directions `(from, to)` set apart from the default, with their
    /// parameters.
    pub fn overrides(&self) -> impl Iterator<Item = ((NodeId, NodeId), LinkParams)> + '_ {
        self.overrides.iter().map(|(k, v)| (*k, *v))
    }

    /// The default link parameters.
    pub fn default_link(&self) -> LinkParams {
        self.default
    }

    /// Sets the default for every link, or one direction of one link.
    pub fn set_link(&mut self, between: Option<(NodeId, NodeId)>, params: LinkParams) {
        match between {
            Some(pair) => {
                self.overrides.insert(pair, params);
            }
            None => {
                self.default = params;
                self.overrides.clear();
            }
        }
    }

    /// Whether `from → to` is cut by a partition or a one-way cut.
    pub fn blocked(&self, from: NodeId, to: NodeId) -> bool {
        if self.cuts.contains(&(from, to)) {
            return true;
        }
        match &self.groups {
            // A node not named in any group is alone on its side.
            Some(groups) => match (groups.get(from), groups.get(to)) {
                (Some(a), Some(b)) => a != b,
                _ => from != to,
            },
            None => false,
        }
    }

    /// Splits the cluster: links between different groups are cut both ways.
    pub fn partition(&mut self, groups: &[Vec<NodeId>]) {
        let mut side = NodeMap::new();
        for (i, group) in groups.iter().enumerate() {
            for &n in group {
                side.insert(n, i);
            }
        }
        self.groups = Some(side);
    }

    /// Cuts the one direction `from → to`.
    pub fn cut(&mut self, from: NodeId, to: NodeId) {
        self.cuts.insert((from, to));
    }

    /// Removes every partition and cut (link parameters stay).
    pub fn heal(&mut self) {
        self.groups = None;
        self.cuts.clear();
    }

    /// The current partition, as the side index of each node named in it.
    pub fn groups(&self) -> Option<&NodeMap<usize>> {
        self.groups.as_ref()
    }

    /// The current one-way cuts.
    pub fn cuts(&self) -> &SortedSet<(NodeId, NodeId)> {
        &self.cuts
    }

    /// Draws a one-way latency for `from → to`.
    pub fn sample_latency(&self, rng: &mut Rng, from: NodeId, to: NodeId) -> u64 {
        let (lo, hi) = self.link(from, to).latency;
        rng.between(lo, hi)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_cuts_across_groups_both_ways_and_heal_restores() {
        let mut net = Network::new(LinkParams::default());
        let (a, b, c) = (NodeId(0), NodeId(1), NodeId(2));
        net.partition(&[vec![a, b], vec![c]]);
        assert!(!net.blocked(a, b));
        assert!(net.blocked(a, c) && net.blocked(c, a));
        net.heal();
        assert!(!net.blocked(a, c));
    }

    #[test]
    fn one_way_cut_blocks_one_direction_only() {
        let mut net = Network::new(LinkParams::default());
        net.cut(NodeId(0), NodeId(1));
        assert!(net.blocked(NodeId(0), NodeId(1)));
        assert!(!net.blocked(NodeId(1), NodeId(0)));
    }

    #[test]
    fn unnamed_nodes_are_isolated_by_a_partition() {
        let mut net = Network::new(LinkParams::default());
        net.partition(&[vec![NodeId(0), NodeId(1)]]);
        assert!(net.blocked(NodeId(2), NodeId(0)));
        assert!(net.blocked(NodeId(2), NodeId(3)));
    }
}
