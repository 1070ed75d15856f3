//! The kernel's side of each node: its status, random stream, clock and
//! held timers (the node's state itself is typed and lives in the shim).

use super::kernel::Kernel;
use super::status::NodeStatus;
use super::timers::TimerIndex;
use crate::id::NodeId;
use crate::rng::Rng;
use crate::time::Time;
use std::sync::Arc;

/// What the kernel keeps of one node.
#[derive(Clone, Debug)]
pub(crate) struct NodeMeta {
    pub status: NodeStatus,
    pub rng: Rng,
    /// Timers (by index) that came due while the node was paused.
    pub held: Vec<TimerIndex>,
    /// Clock rate in thousandths (1000 = exact).
    pub rate_milli: u64,
    /// The real and local times at the last rate change.
    pub clock_base: (Time, Time),
}

impl NodeMeta {
    /// The node's local clock at real time `now`.
    pub fn local_now(&self, now: Time) -> Time {
        let (real, local) = self.clock_base;
        local + (now - real) * self.rate_milli / 1000
    }

    /// Real time that `local` microseconds of this node's clock take.
    pub fn real_span(&self, local: u64) -> u64 {
        local.saturating_mul(1000) / self.rate_milli.max(1)
    }
}

/// The index of node `id` in per-node tables.
pub(crate) fn index(id: NodeId) -> usize {
    id.0 as usize
}

impl Kernel {
    /// Adds a node (crashed, not started yet) with the next id and makes it
    /// a member.
    pub fn spawn_node(&mut self) -> NodeId {
        let id = NodeId(self.st.nodes.len() as u32);
        Arc::make_mut(&mut self.st.members).push(id);
        self.st.nodes.push(NodeMeta {
            status: NodeStatus::Crashed,
            rng: Rng::stream(self.seed, u64::from(id.0)),
            held: Vec::new(),
            rate_milli: 1000,
            clock_base: (self.st.now, self.st.now),
        });
        self.st.timers.add_node();
        id
    }

    /// How many nodes were ever created (the next node id).
    pub fn node_count(&self) -> u32 {
        self.st.nodes.len() as u32
    }

    /// The status of node `id`, if it exists.
    pub fn status(&self, id: NodeId) -> Option<NodeStatus> {
        self.st.nodes.get(index(id)).map(|n| n.status)
    }

    /// Marks node `id` as running.
    pub fn set_up(&mut self, id: NodeId) {
        if let Some(n) = self.st.nodes.get_mut(index(id)) {
            n.status = NodeStatus::Up;
        }
    }

    /// Stops node `id` (crashed or removed): its timers go.
    pub fn stop_node(&mut self, id: NodeId, status: NodeStatus) {
        self.drop_timers_of(id);
        if let Some(n) = self.st.nodes.get_mut(index(id)) {
            n.status = status;
            n.held.clear();
        }
        if status == NodeStatus::Removed {
            Arc::make_mut(&mut self.st.members).retain(|p| *p != id);
        }
    }

    /// The nodes still in the cluster (not removed), in id order.
    pub fn live_nodes(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.st
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.status != NodeStatus::Removed)
            .map(|(i, _)| NodeId(i as u32))
    }
}
