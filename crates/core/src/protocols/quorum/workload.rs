//! The seeded workload: `clients` simulated clients, client c bound to
//! coordinator c mod members. Each waits a random think time, issues a get
//! or a put of a random key, and waits for it to end before the next, so
//! the operations of one client never overlap. A client remembers the
//! context of what it last read or wrote of each key and puts with it, so
//! its writes supersede what it saw.

use super::clock::{Actor, VClock};
use super::coordinator::Origin;
use super::request::ClientRef;
use super::{Quorum, QuorumTimer};
use crate::id::NodeId;
use crate::node::Context;
use crate::time::Time;
use crate::sortedmap::SortedMap;

/// A workload client's memory (kept across its coordinator's crashes).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct ClientState {
    /// How many of its operations crashes cut off.
    pub life: u32,
    /// Its puts so far (numbers its values: `c1-3` is client 1's third).
    pub puts: u64,
    /// Its vector-clock counter: the highest entry it has written.
    pub counter: u64,
    /// Per key, what it has seen: its context for the next put.
    pub contexts: SortedMap<String, VClock>,
}

/// A workload client's turn (lost in a crash).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Turn {
    /// When it issues its next operation (local time).
    pub next_at: Option<Time>,
    /// The request it waits on.
    pub busy: Option<u64>,
}

/// The clients whose coordinator is `id`: c where `members[c mod len]` is `id`.
pub(super) fn clients_of(
    id: NodeId,
    members: &[NodeId],
    clients: u32,
) -> impl Iterator<Item = u32> {
    let mut all = members.to_vec();
    if let Err(at) = all.binary_search(&id) {
        all.insert(at, id);
    }
    let len = all.len() as u32;
    let me = all.iter().position(|&m| m == id).unwrap_or(0) as u32;
    (0..clients).filter(move |c| c % len == me)
}

impl Quorum {
    /// A random think time: uniform in half to one and a half of the mean
    /// gap that gives `ops_per_s` over all clients.
    fn think(&self, cx: &mut Context<'_, Self>) -> Option<u64> {
        let p = &self.params;
        if p.ops_per_s <= 0.0 || p.clients == 0 {
            return None;
        }
        let mean = f64::from(p.clients) / p.ops_per_s * 1e6;
        Some((mean * (0.5 + cx.rng().unit())) as u64)
    }

    /// Schedules every client's first operation.
    pub(super) fn start_workload(&mut self, cx: &mut Context<'_, Self>) {
        let clients: Vec<u32> = self.turns.keys().copied().collect();
        for c in clients {
            let next = self.think(cx).map(|t| cx.now() + t);
            if let Some(turn) = self.turns.get_mut(&c) {
                *turn = Turn {
                    next_at: next,
                    busy: None,
                };
            }
        }
        self.arm_workload(cx);
    }

    /// Issues the operations that are due.
    pub(super) fn on_workload(&mut self, cx: &mut Context<'_, Self>) {
        let now = super::due_by(cx.now());
        let due: Vec<u32> = self
            .turns
            .iter()
            .filter(|(_, t)| t.busy.is_none() && t.next_at.is_some_and(|at| at <= now))
            .map(|(c, _)| *c)
            .collect();
        for c in due {
            self.issue(cx, c);
        }
        self.arm_workload(cx);
    }

    fn issue(&mut self, cx: &mut Context<'_, Self>, client: u32) {
        let get = cx.rng().chance(self.params.read_fraction);
        let key = format!("k{}", cx.rng().below(u64::from(self.params.keys)));
        let req = self.next_req();
        if let Some(turn) = self.turns.get_mut(&client) {
            *turn = Turn {
                next_at: None,
                busy: Some(req),
            };
        }
        let st = self.d.clients.entry(client).or_default();
        let who = ClientRef::Workload {
            client,
            life: st.life,
        };
        let origin = Origin::Workload(client);
        if get {
            let r = self.params.r;
            self.coordinate(cx, req, origin, who, key, r, None);
        } else {
            st.puts += 1;
            let value = format!("c{client}-{}", st.puts);
            let mut clock = st.contexts.get(&key).cloned().unwrap_or_default();
            let writer = Actor::Client(client);
            st.counter = clock.record(writer, st.counter);
            let version = self.new_version(cx, value, clock, writer);
            let w = self.params.w;
            self.coordinate(cx, req, origin, who, key, w, Some(version));
        }
    }

    /// Client `client`'s request `req` on `key` ended; `learned` is what it
    /// now knows of the key (a get's context, or the clock it wrote with).
    pub(super) fn client_done(
        &mut self,
        cx: &mut Context<'_, Self>,
        client: u32,
        req: u64,
        key: &str,
        learned: VClock,
    ) {
        if self.turns.get(&client).and_then(|t| t.busy) != Some(req) {
            return;
        }
        self.d
            .clients
            .entry(client)
            .or_default()
            .contexts
            .entry(key.to_string())
            .or_default()
            .merge(&learned);
        let next = self.think(cx).map(|t| cx.now() + t);
        if let Some(turn) = self.turns.get_mut(&client) {
            *turn = Turn {
                next_at: next,
                busy: None,
            };
        }
        self.arm_workload(cx);
    }

    /// Sets the workload timer to the earliest client due.
    fn arm_workload(&mut self, cx: &mut Context<'_, Self>) {
        match self.turns.values().filter_map(|t| t.next_at).min() {
            Some(at) => cx.set_timer(QuorumTimer::Workload, at - cx.now()),
            None => cx.cancel_timer(QuorumTimer::Workload),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clients_are_dealt_round_the_members() {
        let members: Vec<NodeId> = (0..3).map(NodeId).collect();
        let of = |id| clients_of(NodeId(id), &members, 7).collect::<Vec<_>>();
        assert_eq!(of(0), vec![0, 3, 6]);
        assert_eq!(of(1), vec![1, 4]);
        assert_eq!(of(2), vec![2, 5]);
    }
}
