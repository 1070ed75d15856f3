//! Messages between send and delivery, as the kernel sees them: who sent
//! what kind to whom, when, and whether the network will lose it. The
//! payloads are typed and live in the shim, under the same message ids.

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
    /// On its way under this id.
    One(MsgId),
    /// The network duplicated it: two copies on their way.
    Two(MsgId, MsgId),
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
            self.launch(id, from, to, link, kind, summary.clone(), feed);
            let copy = self.next_msg_id();
            self.launch(copy, from, to, link, kind, summary, feed);
            Launched::Two(id, copy)
        } else {
            self.launch(id, from, to, link, kind, summary, feed);
            Launched::One(id)
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
    ) {
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
        let key = self.st.enqueue(deliver_at, Event::Deliver(id));
        let sent_at = self.st.now;
        self.st.inflight.insert(
            id,
            InFlight {
                from,
                to,
                sent_at,
                key,
                lost,
                kind,
            },
        );
    }

    /// Message `id` came due: takes it out of flight and records a drop if
    /// it does not arrive. An arrival is recorded by [`Kernel::delivered`].
    pub fn arrival(&mut self, id: MsgId) -> Arrival {
        let Some(m) = self.st.inflight.remove(id) else {
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
            msg: id,
            message: m.kind,
            reason,
        });
        Arrival::Dropped
    }

    /// Records the delivery of message `id`.
    pub fn delivered(&mut self, id: MsgId, m: &InFlight, summary: String) {
        self.st.stats.delivered += 1;
        self.record(TraceKind::Deliver {
            from: m.from,
            to: m.to,
            msg: id,
            message: m.kind,
            summary,
        });
    }

    /// Drops in-flight message `id` by hand.
    pub fn drop_message(&mut self, id: MsgId) {
        let Some(m) = self.st.inflight.remove(id) else {
            return;
        };
        self.st.queue.remove(&m.key);
        self.st.stats.dropped += 1;
        self.record(TraceKind::Drop {
            from: m.from,
            to: m.to,
            msg: id,
            message: m.kind,
            reason: DropReason::Manual,
        });
    }

    /// Sends a copy of in-flight message `id` by hand; returns the copy's id.
    pub fn duplicate(
        &mut self,
        id: MsgId,
        summary: String,
        feed: FeedPayload<'_>,
    ) -> Option<MsgId> {
        let m = self.st.inflight.get(id)?;
        let (from, to, kind) = (m.from, m.to, m.kind);
        self.st.stats.duplicated += 1;
        let copy = self.next_msg_id();
        let link = self.st.net.link(from, to);
        self.launch(copy, from, to, link, kind, summary, feed);
        Some(copy)
    }

    /// Delays in-flight message `id` by `by` microseconds.
    pub(super) fn delay_message(&mut self, id: MsgId, by: u64) {
        let Some(old) = self.st.inflight.get(id).map(|m| m.key) else {
            return;
        };
        self.st.queue.remove(&old);
        let key = self.st.enqueue(old.0 + by, Event::Deliver(id));
        if let Some(m) = self.st.inflight.get_mut(id) {
            m.key = key;
        }
    }
}
