//! The simulated client: it submits a request to one node, follows
//! redirects through the network, retries after a timeout, and records how
//! its operation ended. The kernel keeps this bookkeeping; the requests
//! themselves are typed and live in the shim, indexed by operation id.

use super::kernel::Kernel;
use super::queue::{Event, QueueKey};
use super::status::{ClientStatus, NodeStatus};
use super::view::ClientView;
use crate::id::{NodeId, OpId};
use crate::node::ClientOutcome;
use crate::time::{Time, MICROS_PER_MS};
use crate::trace::{TraceHash, TraceKind};

/// How long a client waits for an answer before it tries another node.
pub const CLIENT_TIMEOUT_US: u64 = 1_000 * MICROS_PER_MS;
/// How long a client waits after "no leader known" before it retries.
pub const CLIENT_BACKOFF_US: u64 = 100 * MICROS_PER_MS;
/// After this many attempts a client gives up.
pub const CLIENT_MAX_ATTEMPTS: u32 = 200;

/// A simulated client's operation.
#[derive(Clone, Debug)]
pub(crate) struct ClientOp {
    pub label: String,
    pub first: NodeId,
    pub target: NodeId,
    pub submitted_at: Time,
    pub attempts: u32,
    pub redirects: u32,
    pub status: ClientStatus,
    pub timeout: Option<QueueKey>,
}

/// The index of operation `op` in the client table.
fn index(op: OpId) -> usize {
    op.0 as usize
}

impl Kernel {
    /// Starts a client operation at `node`; the shim then delivers its
    /// request there.
    pub fn submit(&mut self, node: NodeId, label: String) -> OpId {
        let op = OpId(self.st.clients.len() as u64);
        self.st.clients.push(ClientOp {
            label,
            first: node,
            target: node,
            submitted_at: self.st.now,
            attempts: 1,
            redirects: 0,
            status: ClientStatus::Pending,
            timeout: None,
        });
        self.arm_client_timeout(op, CLIENT_TIMEOUT_US);
        op
    }

    /// Whether operation `op` waits on `node` for an answer.
    pub fn awaits(&self, op: OpId, node: NodeId) -> bool {
        self.st
            .clients
            .get(index(op))
            .is_some_and(|c| c.status == ClientStatus::Pending && c.target == node)
    }

    /// Whether the request of `op` reaching `node` is heard: the node is up
    /// and the client still waits on it (a late hop is not a request).
    pub fn request_heard(&self, op: OpId, node: NodeId) -> bool {
        self.status(node) == Some(NodeStatus::Up) && self.awaits(op, node)
    }

    fn arm_client_timeout(&mut self, op: OpId, after: u64) {
        let at = self.st.now + after;
        let old = self.st.clients.get(index(op)).and_then(|c| c.timeout);
        if let Some(old) = old {
            self.st.queue.remove(&old);
        }
        let key = self.st.enqueue(at, Event::ClientTimeout(op));
        if let Some(c) = self.st.clients.get_mut(index(op)) {
            c.timeout = Some(key);
        }
    }

    /// Node `node`, which `op` waits on, answered; `feed` hashes the
    /// answer. Returns the node the request must be forwarded to, if the
    /// answer is a redirect to another node.
    pub fn reply(
        &mut self,
        node: NodeId,
        op: OpId,
        outcome: ClientOutcome,
        feed: &mut dyn FnMut(&mut TraceHash),
    ) -> Option<NodeId> {
        let summary = self.label(|| match &outcome {
            ClientOutcome::Redirect(Some(l)) => format!("redirect to {l}"),
            ClientOutcome::Redirect(None) => "no leader known, retry later".into(),
            ClientOutcome::Done(how) => how.clone(),
        });
        feed(self.record(TraceKind::Reply { node, op, summary }));
        match outcome {
            ClientOutcome::Redirect(Some(leader)) if leader != node => {
                if let Some(c) = self.st.clients.get_mut(index(op)) {
                    c.redirects += 1;
                    c.target = leader;
                }
                self.arm_client_timeout(op, CLIENT_TIMEOUT_US);
                Some(leader)
            }
            ClientOutcome::Redirect(_) => {
                self.arm_client_timeout(op, CLIENT_BACKOFF_US);
                None
            }
            ClientOutcome::Done(outcome) => {
                let now = self.st.now;
                let timeout = self.st.clients.get_mut(index(op)).and_then(|c| {
                    c.status = ClientStatus::Done { at: now, outcome };
                    c.timeout.take()
                });
                if let Some(key) = timeout {
                    self.st.queue.remove(&key);
                }
                None
            }
        }
    }

    /// No answer in time: the client moves on to the next node in id
    /// order. Returns the node to deliver the request to, if it tries again.
    pub fn client_timeout(&mut self, op: OpId) -> Option<NodeId> {
        let now = self.st.now;
        let c = self.st.clients.get_mut(index(op))?;
        c.timeout = None;
        if c.status != ClientStatus::Pending {
            return None;
        }
        if c.attempts >= CLIENT_MAX_ATTEMPTS {
            c.status = ClientStatus::GaveUp { at: now };
            return None;
        }
        c.attempts += 1;
        let current = c.target;
        let live: Vec<NodeId> = self.live_nodes().collect();
        let next = live
            .iter()
            .copied()
            .find(|id| *id > current)
            .or_else(|| live.first().copied())
            .unwrap_or(current);
        if let Some(c) = self.st.clients.get_mut(index(op)) {
            c.target = next;
        }
        self.arm_client_timeout(op, CLIENT_TIMEOUT_US);
        Some(next)
    }

    /// The newest client operations (at most 20), newest first.
    pub fn client_views(&self) -> Vec<ClientView> {
        self.st
            .clients
            .iter()
            .enumerate()
            .rev()
            .take(20)
            .map(|(i, c)| ClientView {
                op: OpId(i as u64),
                label: c.label.clone(),
                first: c.first,
                target: c.target,
                submitted_at: c.submitted_at,
                redirects: c.redirects,
                attempts: c.attempts,
                status: c.status.clone(),
            })
            .collect()
    }
}
