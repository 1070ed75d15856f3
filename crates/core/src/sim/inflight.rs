//! Messages between send and delivery, as the kernel sees them: who sent
//! what kind to whom, when, and whether the network will lose it. They sit
//! in a slab (its memory follows the messages in flight); the payloads are
//! typed and live in the shim, at the same slab indices.

use super::kernel::Kernel;
use super::queue::{Event, QueueKey};
use super::status::NodeStatus;
use crate::id::{MsgId, NodeId};
use crate::net::{DropReason, LinkParams};
use crate::time::Time;
use crate::trace::{TraceHash, TraceKind};

/// A message between send and delivery.
#[derive(Clone, Debug)]
pub(crate) struct InFlight {
    pub id: MsgId,
    pub from: NodeId,
    pub to: NodeId,
    pub sent_at: Time,
    /// Its delivery event (the time is when it arrives).
    pub key: QueueKey,
    pub lost: bool,
    /// The payload's kind (`"AppendEntries"`, `"client"`).
    pub kind: &'static str,
}

/// Feeds a message's contents to the trace hash.
pub(crate) type FeedPayload<'a> = &'a mut dyn FnMut(&mut TraceHash);

/// What became of a message handed to the network.
pub(crate) enum Launched {
    /// The link was cut: dropped at once.
    Blocked,
    /// On its way, at this slab index.
    One(u32),
    /// The network duplicated it: two copies on their way.
    Two(u32, u32),
}

/// A message whose delivery came due.
pub(crate) enum Arrival {
    /// It was no longer in flight.
    Gone,
    /// It did not arrive (the drop is recorded).
    Dropped,
    /// It reaches its destination, which is up.
    Arrived(InFlight),
}

impl Kernel {
    fn next_msg_id(&mut self) -> MsgId {
        let id = MsgId(self.st.next_msg);
        self.st.next_msg += 1;
        id
    }

    /// Hands a message of kind `kind` to the network; `feed` hashes its
    /// contents (once per trace entry it appears in).
    pub fn send(
        &mut self,
        from: NodeId,
        to: NodeId,
        kind: &'static str,
        summary: String,
        feed: FeedPayload<'_>,
    ) -> Launched {
        self.st.stats.sent += 1;
        let id = self.next_msg_id();
        if self.st.net.blocked(from, to) {
            self.st.stats.dropped += 1;
            let drop = TraceKind::Drop {
                from,
                to,
                msg: id,
                message: kind,
                reason: DropReason::Partition,
            };
            feed(self.record(drop));
            return Launched::Blocked;
        }
        let link = self.st.net.link(from, to);
        if self.st.net_rng.chance(link.duplicate) {
            self.st.stats.duplicated += 1;
            let first = self.launch(id, from, to, link, kind, summary.clone(), feed);
            let copy = self.next_msg_id();
            let second = self.launch(copy, from, to, link, kind, summary, feed);
            Launched::Two(first, second)
        } else {
            Launched::One(self.launch(id, from, to, link, kind, summary, feed))
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn launch(
        &mut self,
        id: MsgId,
        from: NodeId,
        to: NodeId,
        link: LinkParams,
        kind: &'static str,
        summary: String,
        feed: FeedPayload<'_>,
    ) -> u32 {
        let latency = self.st.net.sample_latency(&mut self.st.net_rng, from, to);
        let lost = self.st.net_rng.chance(link.drop);
        let deliver_at = self.st.now + latency;
        let send = TraceKind::Send {
            from,
            to,
            msg: id,
            message: kind,
            summary,
            deliver_at,
        };
        feed(self.record(send));
        // The event names the slab index the message is about to take.
        let slot = self.st.inflight.next_index();
        let key = self.st.enqueue(deliver_at, Event::Deliver(slot));
        let sent_at = self.st.now;
        self.st.inflight.insert(InFlight {
            id,
            from,
            to,
            sent_at,
            key,
            lost,
            kind,
        })
    }

    /// The slab index of in-flight message `id` (a search: for commands).
    pub fn find_message(&self, id: MsgId) -> Option<u32> {
        self.st
            .inflight
            .iter()
            .find(|(_, m)| m.id == id)
            .map(|(slot, _)| slot)
    }

    /// The message at `slot` came due (its delivery event has `key`):
    /// takes it out of flight and records a drop if it does not arrive. An
    /// arrival is recorded by [`Kernel::delivered`].
    pub fn arrival(&mut self, slot: u32, key: QueueKey) -> Arrival {
        if self.st.inflight.get(slot).is_none_or(|m| m.key != key) {
            return Arrival::Gone;
        }
        let Some(m) = self.st.inflight.remove(slot) else {
            return Arrival::Gone;
        };
        let reason = if m.lost {
            Some(DropReason::Loss)
        } else if self.st.net.blocked(m.from, m.to) {
            Some(DropReason::Partition)
        } else {
            match self.status(m.to) {
                Some(NodeStatus::Up) => None,
                Some(NodeStatus::Paused) => Some(DropReason::DestinationPaused),
                _ => Some(DropReason::DestinationDown),
            }
        };
        let Some(reason) = reason else {
            return Arrival::Arrived(m);
        };
        self.st.stats.dropped += 1;
        self.record(TraceKind::Drop {
            from: m.from,
            to: m.to,
            msg: m.id,
            message: m.kind,
            reason,
        });
        Arrival::Dropped
    }

    /// Records the delivery of message `m`.
    pub fn delivered(&mut self, m: &InFlight, summary: String) {
        self.st.stats.delivered += 1;
        self.record(TraceKind::Deliver {
            from: m.from,
            to: m.to,
            msg: m.id,
            message: m.kind,
            summary,
        });
    }

    /// Drops in-flight message `id` by hand; returns the slab index it
    /// left.
    pub fn drop_message(&mut self, id: MsgId) -> Option<u32> {
        let slot = self.find_message(id)?;
        let m = self.st.inflight.remove(slot)?;
        self.st.queue.remove(&m.key);
        self.st.stats.dropped += 1;
        self.record(TraceKind::Drop {
            from: m.from,
            to: m.to,
            msg: id,
            message: m.kind,
            reason: DropReason::Manual,
        });
        Some(slot)
    }

    /// Sends a copy of the in-flight message at `slot` by hand; returns
    /// the copy's slab index.
    pub fn duplicate(&mut self, slot: u32, summary: String, feed: FeedPayload<'_>) -> Option<u32> {
        let m = self.st.inflight.get(slot)?;
        let (from, to, kind) = (m.from, m.to, m.kind);
        self.st.stats.duplicated += 1;
        let copy = self.next_msg_id();
        let link = self.st.net.link(from, to);
        Some(self.launch(copy, from, to, link, kind, summary, feed))
    }

    /// Delays in-flight message `id` by `by` microseconds.
    pub(super) fn delay_message(&mut self, id: MsgId, by: u64) {
        let Some(slot) = self.find_message(id) else {
            return;
        };
        let Some(old) = self.st.inflight.get(slot).map(|m| m.key) else {
            return;
        };
        self.st.queue.remove(&old);
        let key = self.st.enqueue(old.0 + by, Event::Deliver(slot));
        if let Some(m) = self.st.inflight.get_mut(slot) {
            m.key = key;
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::command::Command;
    use crate::protocols::raft::Raft;
    use crate::scenario::Scenario;
    use crate::sim::{Sim, SimConfig};
    use crate::time::Time;

    #[test]
    fn a_long_delayed_message_holds_one_slot_not_every_message_sent_after_it() {
        let scenario =
            Scenario::from_json(r#"{"protocol":"raft","nodes":5,"seed":1,"until_ms":60000}"#)
                .expect("valid scenario");
        let mut sim =
            Sim::<Raft>::from_scenario(&scenario, SimConfig::headless()).expect("valid scenario");
        sim.run_until(Time::from_ms(1_000));
        while sim.view().messages.is_empty() {
            sim.step();
        }
        let id = sim.view().messages[0].id;
        let by_ms = 600_000.0;
        sim.apply(Command::DelayMessage { id, by_ms })
            .expect("in flight");
        let sent = sim.k.st.next_msg;
        sim.run_until(Time::from_ms(30_000));
        assert!(sim.k.st.next_msg - sent > 1_000, "the cluster kept talking");
        assert!(sim.k.find_message(id).is_some(), "still delayed");
        assert!(sim.k.st.inflight.capacity() < 100);
    }
}
