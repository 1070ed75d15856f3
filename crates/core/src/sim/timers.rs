//! Node timers, keyed by node and by the timer's position in
//! `TimerName::ALL`: a flat table with one entry per (node, timer).

use super::kernel::Kernel;
use super::nodes::index;
use super::queue::{Event, QueueKey};
use super::status::NodeStatus;
use super::view::TimerView;
use crate::id::NodeId;
use crate::trace::TraceKind;

/// A timer of a node, named by its position in `TimerName::ALL` (so the
/// kernel needs no protocol types to keep it).
pub(crate) type TimerIndex = u8;

/// The queue key of every set timer, `per_node` entries per node.
#[derive(Clone, Debug)]
pub(crate) struct TimerTable {
    per_node: usize,
    keys: Vec<Option<QueueKey>>,
}

impl TimerTable {
    /// A table for nodes with `per_node` timers each (no nodes yet).
    pub fn new(per_node: usize) -> TimerTable {
        TimerTable {
            per_node,
            keys: Vec::new(),
        }
    }

    /// Makes room for the next node's timers.
    pub fn add_node(&mut self) {
        self.keys.resize(self.keys.len() + self.per_node, None);
    }

    /// The entries of node `id`.
    fn of(&self, id: NodeId) -> &[Option<QueueKey>] {
        let start = index(id) * self.per_node;
        self.keys.get(start..start + self.per_node).unwrap_or(&[])
    }

    /// The entry of timer `timer` of node `id`.
    fn entry(&mut self, id: NodeId, timer: TimerIndex) -> Option<&mut Option<QueueKey>> {
        let timer = usize::from(timer);
        if timer >= self.per_node {
            return None;
        }
        self.keys.get_mut(index(id) * self.per_node + timer)
    }
}

impl Kernel {
    /// The index of the timer named `name`, if the protocol has one.
    pub fn timer_index(&self, name: &str) -> Option<TimerIndex> {
        let i = self.timer_names.iter().position(|n| *n == name)?;
        TimerIndex::try_from(i).ok()
    }

    /// Sets (or resets) timer `timer` of node `id` to fire after `after`
    /// microseconds of the node's clock.
    pub fn set_timer(&mut self, id: NodeId, timer: TimerIndex, after: u64) {
        self.cancel_timer(id, timer);
        let Some(node) = self.st.nodes.get(index(id)) else {
            return;
        };
        let at = self.st.now + node.real_span(after);
        let key = self.st.enqueue(at, Event::Timer(id, timer));
        if let Some(entry) = self.st.timers.entry(id, timer) {
            *entry = Some(key);
        }
    }

    /// Cancels timer `timer` of node `id` if it is set.
    pub fn cancel_timer(&mut self, id: NodeId, timer: TimerIndex) {
        if let Some(key) = self.st.timers.entry(id, timer).and_then(Option::take) {
            self.st.queue.remove(&key);
        }
    }

    /// Cancels every timer of node `id`.
    pub(super) fn drop_timers_of(&mut self, id: NodeId) {
        for timer in 0..self.timer_names.len() as TimerIndex {
            self.cancel_timer(id, timer);
        }
    }

    /// Timer `timer` of node `id` came due: returns whether it fires now
    /// (the node is up); a paused node holds it until it resumes.
    pub fn timer_due(&mut self, id: NodeId, timer: TimerIndex) -> bool {
        if let Some(entry) = self.st.timers.entry(id, timer) {
            *entry = None;
        }
        let Some(node) = self.st.nodes.get_mut(index(id)) else {
            return false;
        };
        match node.status {
            NodeStatus::Paused => {
                node.held.push(timer);
                false
            }
            NodeStatus::Up => true,
            NodeStatus::Crashed | NodeStatus::Removed => false,
        }
    }

    /// Records timer `timer` of node `id` firing.
    pub fn record_timer(&mut self, id: NodeId, timer: TimerIndex) {
        let name = self.timer_names.get(usize::from(timer)).copied();
        self.record(TraceKind::Timer {
            node: id,
            timer: name.unwrap_or_default(),
        });
    }

    /// Resumes a paused node: the timers it held fire now.
    pub(super) fn release_held(&mut self, id: NodeId) {
        let held = match self.st.nodes.get_mut(index(id)) {
            Some(node) => {
                node.status = NodeStatus::Up;
                std::mem::take(&mut node.held)
            }
            None => Vec::new(),
        };
        for timer in held {
            self.set_timer(id, timer, 0);
        }
    }

    /// The pending timers of node `id`, in `TimerName::ALL` order.
    pub fn timer_views(&self, id: NodeId) -> Vec<TimerView> {
        self.st
            .timers
            .of(id)
            .iter()
            .zip(&self.timer_names)
            .filter_map(|(key, &name)| {
                Some(TimerView {
                    name,
                    at: key.as_ref()?.0,
                })
            })
            .collect()
    }
}
