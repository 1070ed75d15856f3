//! The simulated client: it submits a request to one node, follows
//! redirects through the network, retries after a timeout, and records how
//! its operation ended.

use super::state::{ClientOp, ClientStatus, Event, NodeStatus, Payload};
use super::Sim;
use crate::id::{NodeId, OpId};
use crate::node::{ClientOutcome, Protocol, Response};
use crate::time::MICROS_PER_MS;
use crate::trace::TraceKind;

/// How long a client waits for an answer before it tries another node.
pub const CLIENT_TIMEOUT_US: u64 = 1_000 * MICROS_PER_MS;
/// How long a client waits after "no leader known" before it retries.
pub const CLIENT_BACKOFF_US: u64 = 100 * MICROS_PER_MS;
/// After this many attempts a client gives up.
pub const CLIENT_MAX_ATTEMPTS: u32 = 200;

impl<P: Protocol> Sim<P> {
    /// Starts a client operation at `node`.
    pub(super) fn submit(&mut self, node: NodeId, request: P::Request) -> OpId {
        let op = OpId(self.st.next_op);
        self.st.next_op += 1;
        let label = P::request_label(&request);
        self.st.clients.insert(
            op,
            ClientOp {
                request: request.clone(),
                label,
                first: node,
                target: node,
                submitted_at: self.st.now,
                attempts: 1,
                redirects: 0,
                status: ClientStatus::Pending,
                timeout: None,
            },
        );
        self.arm_client_timeout(op, CLIENT_TIMEOUT_US);
        self.deliver_request(op, node, request);
        op
    }

    /// The request reaches `node` (if it is up to hear it).
    pub(super) fn deliver_request(&mut self, op: OpId, node: NodeId, request: P::Request) {
        if self.st.slots.get(&node).map(|s| s.status) != Some(NodeStatus::Up) {
            return;
        }
        // A late hop (the client has moved on, or is done) is not a request.
        let waiting = self
            .st
            .clients
            .get(&op)
            .is_some_and(|c| c.status == ClientStatus::Pending && c.target == node);
        if !waiting {
            return;
        }
        let summary = if self.config.labels {
            P::request_label(&request)
        } else {
            String::new()
        };
        self.record(TraceKind::Request { node, op, summary }, |h| {
            h.json(&request)
        });
        self.call(node, |n, cx| n.on_request(cx, op, request));
    }

    fn arm_client_timeout(&mut self, op: OpId, after: u64) {
        let at = self.st.now + after;
        let old = self.st.clients.get(&op).and_then(|c| c.timeout);
        if let Some(old) = old {
            self.st.queue.remove(&old);
        }
        let key = self.st.enqueue(at, Event::ClientTimeout(op));
        if let Some(c) = self.st.clients.get_mut(&op) {
            c.timeout = Some(key);
        }
    }

    /// A node answered operation `op`.
    pub(super) fn client_response(&mut self, node: NodeId, op: OpId, response: P::Response) {
        let Some(c) = self.st.clients.get(&op) else {
            return;
        };
        if c.status != ClientStatus::Pending || c.target != node {
            return; // a late answer from a node the client has left
        }
        let request = c.request.clone();
        let outcome = response.outcome();
        let summary = if self.config.labels {
            match &outcome {
                ClientOutcome::Redirect(Some(l)) => format!("redirect to {l}"),
                ClientOutcome::Redirect(None) => "no leader known, retry later".into(),
                ClientOutcome::Done(how) => how.clone(),
            }
        } else {
            String::new()
        };
        self.record(TraceKind::Reply { node, op, summary }, |h| {
            h.json(&response)
        });
        match outcome {
            ClientOutcome::Redirect(Some(leader)) if leader != node => {
                if let Some(c) = self.st.clients.get_mut(&op) {
                    c.redirects += 1;
                    c.target = leader;
                }
                self.arm_client_timeout(op, CLIENT_TIMEOUT_US);
                self.send(node, leader, Payload::Client { op, request });
            }
            ClientOutcome::Redirect(_) => self.arm_client_timeout(op, CLIENT_BACKOFF_US),
            ClientOutcome::Done(outcome) => {
                let now = self.st.now;
                let timeout = self.st.clients.get_mut(&op).and_then(|c| {
                    c.status = ClientStatus::Done { at: now, outcome };
                    c.timeout.take()
                });
                if let Some(key) = timeout {
                    self.st.queue.remove(&key);
                }
            }
        }
    }

    /// No answer in time: try the next node in id order.
    pub(super) fn client_timeout(&mut self, op: OpId) {
        let now = self.st.now;
        let Some(c) = self.st.clients.get_mut(&op) else {
            return;
        };
        c.timeout = None;
        if c.status != ClientStatus::Pending {
            return;
        }
        if c.attempts >= CLIENT_MAX_ATTEMPTS {
            c.status = ClientStatus::GaveUp { at: now };
            return;
        }
        c.attempts += 1;
        let current = c.target;
        let request = c.request.clone();
        let live: Vec<NodeId> = self
            .st
            .slots
            .iter()
            .filter(|(_, s)| s.status != NodeStatus::Removed)
            .map(|(id, _)| *id)
            .collect();
        let next = live
            .iter()
            .copied()
            .find(|id| *id > current)
            .or_else(|| live.first().copied())
            .unwrap_or(current);
        if let Some(c) = self.st.clients.get_mut(&op) {
            c.target = next;
        }
        self.arm_client_timeout(op, CLIENT_TIMEOUT_US);
        self.deliver_request(op, next, request);
    }
}
