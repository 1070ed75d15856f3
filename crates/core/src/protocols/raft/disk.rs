//! Persistence that takes time (`fsync_ms`). Figure 2 of the paper says a
//! server updates its persistent state (term, vote, log) on stable storage
//! before it responds to RPCs. With `fsync_ms`, a handler that changed that
//! state starts a write that completes `fsync_ms` later; until then every
//! message and answer the server sends waits, and a crash keeps only what
//! the last completed write stored. A leader counts itself towards a
//! majority only for entries on its disk. Without `fsync_ms` the state is
//! stored at once and nothing waits.

use super::{Raft, RaftDurable, RaftMsg, RaftResponse, RaftTimer, Role};
use crate::id::{NodeId, OpId};
use crate::node::Context;
use crate::time::MICROS_PER_MS;

/// Something the server said while a write was pending.
#[derive(Clone, Debug)]
enum Held {
    /// A message.
    Send(NodeId, RaftMsg),
    /// An answer to a client or administrator.
    Respond(OpId, RaftResponse),
}

/// A server's disk.
#[derive(Clone, Debug)]
pub(super) struct Disk {
    /// What the last completed write stored.
    persisted: RaftDurable,
    /// Whether a write is under way.
    writing: bool,
    /// What waits for the write, in order.
    held: Vec<Held>,
}

impl Disk {
    /// A disk holding `state`.
    pub fn new(state: RaftDurable) -> Disk {
        Disk {
            persisted: state,
            writing: false,
            held: Vec::new(),
        }
    }

    /// What survives a crash now.
    pub fn persisted(&self) -> &RaftDurable {
        &self.persisted
    }
}

impl Raft {
    /// Whether the state a crash must keep differs from what is on disk.
    fn unsaved(&self) -> bool {
        let Some(disk) = &self.disk else {
            return false;
        };
        let p = &disk.persisted;
        let last = self.log.last_index();
        p.term != self.term
            || p.voted_for != self.voted_for
            || p.log.last_index() != last
            || p.log.chain_at(last) != self.log.chain_at(last)
            || p.snapshot.as_ref().map(|s| s.index) != Some(self.snapshot.index)
    }

    /// Whether anything must wait for the disk.
    fn must_wait(&self) -> bool {
        self.disk
            .as_ref()
            .is_some_and(|d| d.writing || !d.held.is_empty())
            || self.unsaved()
    }

    /// Sends `msg` to `to`, once the state it follows from is on disk.
    pub(super) fn send(&mut self, cx: &mut Context<'_, Self>, to: NodeId, msg: RaftMsg) {
        if self.must_wait() {
            if let Some(disk) = self.disk.as_mut() {
                disk.held.push(Held::Send(to, msg));
                return;
            }
        }
        cx.send(to, msg);
    }

    /// Answers `op`, once the state it follows from is on disk.
    pub(super) fn respond(&mut self, cx: &mut Context<'_, Self>, op: OpId, answer: RaftResponse) {
        if self.must_wait() {
            if let Some(disk) = self.disk.as_mut() {
                disk.held.push(Held::Respond(op, answer));
                return;
            }
        }
        cx.respond(op, answer);
    }

    /// At the end of each handler: starts a write if the state changed and
    /// none is under way.
    pub(super) fn settle(&mut self, cx: &mut Context<'_, Self>) {
        let unsaved = self.unsaved();
        if let Some(disk) = self.disk.as_mut() {
            if unsaved && !disk.writing {
                disk.writing = true;
                let after = u64::from(self.params.fsync_ms) * MICROS_PER_MS;
                cx.set_timer(RaftTimer::Fsync, after);
            }
        }
    }

    /// The write completed: it stored the state as it is now, and what
    /// waited for it goes out. A leader may now count its own entries.
    pub(super) fn on_fsync(&mut self, cx: &mut Context<'_, Self>) {
        let state = self.durable_now();
        let Some(disk) = self.disk.as_mut() else {
            return;
        };
        disk.persisted = state;
        disk.writing = false;
        for held in std::mem::take(&mut disk.held) {
            match held {
                Held::Send(to, msg) => cx.send(to, msg),
                Held::Respond(op, answer) => cx.respond(op, answer),
            }
        }
        if self.role == Role::Leader {
            self.advance_commit(cx);
        }
    }

    /// The last index of this server's log that is on its disk.
    pub(super) fn persisted_upto(&self) -> u64 {
        let last = self.log.last_index();
        match &self.disk {
            None => last,
            Some(disk) => {
                let p = &disk.persisted.log;
                let upto = p.last_index().min(last);
                if p.chain_at(upto) == self.log.chain_at(upto) {
                    upto
                } else {
                    self.commit.min(upto)
                }
            }
        }
    }
}
