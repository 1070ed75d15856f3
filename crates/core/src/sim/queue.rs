//! The event queue: a binary heap ordered by (time, sequence number) with
//! lazy cancellation. It pops in exactly the order an ordered map keyed by
//! (time, sequence number) would — every key is unique — so runs and their
//! trace hashes do not depend on which of the two holds the events; the
//! heap just avoids a tree node per event.

use super::timers::TimerIndex;
use crate::id::{NodeId, OpId};
use crate::time::Time;
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

/// A key of the event queue: total order by time, then by sequence number.
pub(crate) type QueueKey = (Time, u64);

/// Something due at a point of virtual time. Events name what they concern
/// by id, so the queue is the same for every protocol.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Event {
    /// An in-flight message (by its index in the kernel's slab of
    /// messages in flight) reaches its destination.
    Deliver(u32),
    /// A node's timer fires.
    Timer(NodeId, TimerIndex),
    /// A client operation has waited too long (or its back-off ended).
    ClientTimeout(OpId),
}

/// An event and its key; ordered by the key alone.
#[derive(Clone, Debug)]
struct Entry {
    key: QueueKey,
    event: Event,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key.cmp(&other.key)
    }
}

/// Events due in virtual time, earliest key first.
#[derive(Clone, Debug, Default)]
pub(crate) struct EventQueue {
    heap: BinaryHeap<Reverse<Entry>>,
    /// Keys removed while still in the heap, smallest on top; each leaves
    /// when its entry reaches the top and is dropped, so the heap's top is
    /// never cancelled. Only keys above `popped` enter (a key at or below it
    /// has left the heap already), and the simulator removes a key at most
    /// once, so these are all keys of entries still in the heap: the top
    /// entry is cancelled exactly when its key is the smallest of them.
    cancelled: BinaryHeap<Reverse<QueueKey>>,
    /// The last key handed out by [`EventQueue::pop_first`]; events come
    /// out in key order and new keys are never below the current time, so
    /// every key at or below it has left the heap.
    popped: Option<QueueKey>,
}

impl EventQueue {
    /// Adds `event` at `key` (keys are unique and above every popped key).
    pub fn insert(&mut self, key: QueueKey, event: Event) {
        debug_assert!(self.popped.is_none_or(|p| key > p));
        self.heap.push(Reverse(Entry { key, event }));
    }

    /// Removes the event at `key`, if it is still queued.
    pub fn remove(&mut self, key: &QueueKey) {
        if self.popped.is_some_and(|p| *key <= p) {
            return;
        }
        self.cancelled.push(Reverse(*key));
        self.skip_cancelled();
    }

    /// The earliest key.
    pub fn first_key(&self) -> Option<QueueKey> {
        self.heap.peek().map(|e| e.0.key)
    }

    /// Takes the earliest event.
    pub fn pop_first(&mut self) -> Option<(QueueKey, Event)> {
        let Reverse(Entry { key, event }) = self.heap.pop()?;
        self.popped = Some(key);
        self.skip_cancelled();
        Some((key, event))
    }

    /// Drops cancelled entries from the top of the heap.
    fn skip_cancelled(&mut self) {
        while let (Some(top), Some(Reverse(cancelled))) = (self.heap.peek(), self.cancelled.peek())
        {
            if top.0.key != *cancelled {
                break;
            }
            self.heap.pop();
            self.cancelled.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(e: Event) -> u64 {
        match e {
            Event::Deliver(n) => n.into(),
            _ => unreachable!(),
        }
    }

    #[test]
    fn pops_in_key_order_and_skips_removed_keys_like_an_ordered_map() {
        let mut q = EventQueue::default();
        let mut map = std::collections::BTreeMap::new();
        let mut seq = 0;
        let mut rng = crate::rng::Rng::new(9);
        let mut now = 0;
        let mut last = None;
        for round in 0..2_000u64 {
            for _ in 0..3 {
                let key = (Time::from_ms(now + rng.below(50)), seq);
                seq += 1;
                q.insert(key, Event::Deliver(key.1 as u32));
                map.insert(key, key.1);
            }
            if round % 3 == 0 {
                // Remove a queued key, and one already popped (ignored).
                if let Some(&k) = map.keys().nth(rng.below(map.len() as u64) as usize) {
                    q.remove(&k);
                    map.remove(&k);
                }
                if let Some(k) = last {
                    q.remove(&k);
                }
            }
            let (k, e) = q.pop_first().expect("not empty");
            assert_eq!(map.pop_first(), Some((k, id(e))));
            assert_eq!(q.first_key(), map.keys().next().copied());
            now = k.0.as_ms() as u64;
            last = Some(k);
        }
        assert!(q.cancelled.len() <= map.len());
    }
}
