//! Membership change one server at a time (chapter 4 of Ongaro's
//! dissertation) and leadership transfer (§3.10), as a leader carries out an
//! administrator's requests.
//!
//! - A server uses the newest configuration in its log, committed or not
//!   (§4.1); a server outside it never campaigns (as in etcd).
//! - A new server first catches up as a non-voting learner (§4.2.1); then
//!   the leader appends the configuration that adds it.
//! - A removal is a configuration entry without the server; a leader that
//!   removes itself steps down once that entry commits (§4.2.2), and the
//!   administrator then shuts the removed server down.
//! - At most one change at a time: a leader takes no new change while a
//!   configuration entry of its log is uncommitted, a learner is catching
//!   up or a transfer is under way.

use super::{Entry, Raft, RaftMsg, RaftResponse, Role};
use crate::id::{NodeId, OpId};
use crate::node::{Admin, Context};
use crate::time::{Time, MICROS_PER_MS};

/// A change a leader is carrying out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Change {
    /// `node` catches up as a learner before the configuration adds it.
    CatchUp {
        /// The administrator's request.
        op: OpId,
        /// The learner.
        node: NodeId,
        /// When its log last grew (or the catch-up began); without
        /// progress for an election timeout the change is abandoned.
        progress: Time,
    },
    /// Leadership goes to `to` once its log matches the leader's (§3.10).
    Transfer {
        /// The administrator's request, until it is answered.
        op: Option<OpId>,
        /// The server that should lead.
        to: NodeId,
        /// When the transfer started; it is abandoned after an election
        /// timeout.
        since: Time,
    },
}

impl Raft {
    /// Whether this server is a voting member of its newest configuration.
    pub(super) fn is_voter(&self) -> bool {
        self.voters.contains(&self.id)
    }

    /// §4.2.2: whether this server may start elections. A member may; so
    /// may a server that an uncommitted configuration entry removes, "as it
    /// might still be needed until the Cnew entry is committed" (it does not
    /// count its own vote). A learner, never a member, may not (as in etcd).
    pub(super) fn may_campaign(&self) -> bool {
        self.is_voter()
            || (self.config_index > self.commit
                && self.config_at(self.config_index - 1).contains(&self.id))
    }

    /// Whether this server is a learner: no member, and not one an
    /// uncommitted entry just removed (§4.2.1).
    pub(super) fn is_learner(&self) -> bool {
        self.role != Role::Leader && !self.may_campaign()
    }

    /// The learner a leader is catching up, if any.
    pub(super) fn learner(&self) -> Option<NodeId> {
        match self.change {
            Some(Change::CatchUp { node, .. }) => Some(node),
            _ => None,
        }
    }

    /// Whether a transfer is under way (a leader then takes no commands).
    pub(super) fn transferring(&self) -> bool {
        matches!(self.change, Some(Change::Transfer { .. }))
    }

    /// The servers a leader replicates to: the voters and a learner.
    pub(super) fn targets(&self) -> Vec<NodeId> {
        let mut t: Vec<NodeId> = self.voters.iter().copied().filter(|&v| v != self.id).collect();
        if let Some(l) = self.learner().filter(|l| !t.contains(l) && *l != self.id) {
            t.push(l);
            t.sort_unstable();
        }
        t
    }

    /// Re-reads the newest configuration: the last configuration entry in
    /// the log, or the snapshot's (§4.1).
    pub(super) fn refresh_config(&mut self) {
        let (index, voters) = match self.log.last_config() {
            Some((i, c)) => (i, c.to_vec()),
            None => (self.snapshot.index, self.snapshot.config.clone()),
        };
        self.config_index = index;
        self.voters = voters;
    }

    /// One change at a time: whether a new one must wait. A leader also
    /// waits until it has committed an entry of its own term, so that a
    /// change a previous leader left uncommitted can no longer commit beside
    /// this one (Ongaro's correction to single-server changes, raft-dev,
    /// 2015; etcd does the same).
    ///
    /// With `change_before_commit`, an uncommitted configuration entry
    /// does not hold the next change back.
    fn busy(&self) -> bool {
        let waits = !crate::bug::on(&self.params.bugs, super::CHANGE_BEFORE_COMMIT);
        (waits && self.config_index > self.commit)
            || self.change.is_some()
            || self.log.term_at(self.commit) != Some(self.term)
    }

    /// Whether `n` was a voting member in a configuration this server still
    /// knows of, before its newest.
    fn was_member(&self, n: NodeId) -> bool {
        self.snapshot.config.contains(&n)
            || self
                .log
                .entries()
                .iter()
                .any(|e| e.config.as_ref().is_some_and(|c| c.contains(&n)))
    }

    /// An administrator's request reached the leader.
    pub(super) fn on_admin(&mut self, cx: &mut Context<'_, Self>, op: OpId, request: Admin) {
        let refuse = |reason: &str| RaftResponse::Refused {
            reason: reason.to_string(),
        };
        let voter = |n: NodeId| self.voters.contains(&n);
        let settled = self.config_index <= self.commit;
        match request {
            // Already done (a retried request, or one a new leader finds
            // done): say so again.
            Admin::Add(n) if voter(n) && settled => self.respond(
                cx,
                op,
                RaftResponse::Committed {
                    index: self.config_index,
                },
            ),
            // A committed removal (ids are never reused, so it is final).
            Admin::Remove(n) if !voter(n) && settled && self.was_member(n) => self.respond(
                cx,
                op,
                RaftResponse::Removed {
                    node: n,
                    index: self.config_index,
                },
            ),
            // The learner this leader is catching up: it never joined, so
            // dropping it changes no configuration.
            Admin::Remove(n) if self.learner() == Some(n) => {
                if let Some(Change::CatchUp { op: add, .. }) = self.change.take() {
                    let reason = "the new server was removed before it joined".into();
                    self.respond(cx, add, RaftResponse::Refused { reason });
                }
                let index = self.config_index;
                self.respond(cx, op, RaftResponse::Removed { node: n, index });
            }
            Admin::Remove(n) if !voter(n) && !self.was_member(n) => {
                self.respond(cx, op, refuse("it is not a member of the configuration"))
            }
            Admin::Remove(n) if voter(n) && self.voters.len() == 1 => {
                self.respond(cx, op, refuse("the last voting member cannot be removed"))
            }
            Admin::Transfer(n) if n == self.id => self.respond(
                cx,
                op,
                RaftResponse::Transferred { to: n },
            ),
            _ if self.busy() => {
                // §4.1: one change at a time; the administrator retries.
                self.respond(cx, op, RaftResponse::Redirect { leader: None });
            }
            Admin::Transfer(n) if !voter(n) => self.respond(cx, op, refuse("only a voting member can lead")),
            Admin::Add(n) => {
                let next = self.log.last_index() + 1;
                self.next_index.insert(n, next);
                self.match_index.insert(n, 0);
                self.change = Some(Change::CatchUp {
                    op,
                    node: n,
                    progress: cx.now(),
                });
                self.send_append(cx, n);
            }
            Admin::Remove(n) => {
                let voters: Vec<NodeId> = self.voters.iter().copied().filter(|&v| v != n).collect();
                self.append_config(cx, op, format!("remove {n}"), voters, Some(n));
            }
            Admin::Transfer(to) => {
                self.change = Some(Change::Transfer {
                    op: Some(op),
                    to,
                    since: cx.now(),
                });
                self.continue_transfer(cx, to);
            }
        }
    }

    /// Appends a configuration entry carrying request `op`; the
    /// configuration takes effect at once (§4.1).
    fn append_config(
        &mut self,
        cx: &mut Context<'_, Self>,
        op: OpId,
        command: String,
        voters: Vec<NodeId>,
        removes: Option<NodeId>,
    ) {
        let index = self.log.push(Entry {
            term: self.term,
            command,
            op: Some(op),
            config: Some(voters),
        });
        self.refresh_config();
        self.pending.insert(op, (index, removes));
        for p in self.targets() {
            if self.next_index.get(p).copied().unwrap_or(1) == index {
                self.send_append(cx, p);
            }
        }
        self.advance_commit(cx);
    }

    /// A follower's log grew to `matched`: a learner that has caught up
    /// with the commit index joins the configuration (§4.2.1); a transfer
    /// target that has caught up with the whole log is told to campaign.
    pub(super) fn on_progress(&mut self, cx: &mut Context<'_, Self>, from: NodeId, matched: u64) {
        let now = cx.now();
        if let Some(Change::CatchUp { node, progress, .. }) = &mut self.change {
            if *node == from {
                *progress = now;
            }
        }
        match self.change.clone() {
            Some(Change::CatchUp { op, node, .. }) if node == from && matched >= self.commit => {
                self.change = None;
                let mut voters = self.voters.clone();
                voters.push(node);
                voters.sort_unstable();
                self.append_config(cx, op, format!("add {node}"), voters, None);
            }
            Some(Change::Transfer { to, .. }) if to == from => self.continue_transfer(cx, to),
            _ => {}
        }
    }

    /// §3.10: once `to` holds the whole log, send it TimeoutNow; until then,
    /// bring it up to date.
    fn continue_transfer(&mut self, cx: &mut Context<'_, Self>, to: NodeId) {
        if self.match_index.get(to).copied().unwrap_or(0) < self.log.last_index() {
            self.send_append(cx, to);
            return;
        }
        let term = self.term;
        self.send(cx, to, RaftMsg::TimeoutNow { term });
        if let Some(Change::Transfer { op, .. }) = &mut self.change {
            if let Some(op) = op.take() {
                self.respond(cx, op, RaftResponse::Transferred { to });
            }
        }
    }

    /// A transfer that has not completed within an election timeout is
    /// abandoned and the leader takes commands again (as in etcd); so is a
    /// learner whose log has not grown for an election timeout (§4.2.1: a
    /// new server that cannot catch up must not block every later change).
    pub(super) fn expire_change(&mut self, cx: &mut Context<'_, Self>) {
        let timeout = self.params.election_timeout_ms[1] * MICROS_PER_MS;
        let (op, reason) = match &self.change {
            Some(Change::Transfer { op, since, .. }) if cx.now().0 >= since.0 + timeout => {
                (*op, "the new leader did not catch up in time")
            }
            Some(Change::CatchUp { op, progress, .. }) if cx.now().0 >= progress.0 + timeout => {
                (Some(*op), "the new server did not catch up in time")
            }
            _ => return,
        };
        self.change = None;
        if let Some(op) = op {
            let reason = reason.into();
            self.respond(cx, op, RaftResponse::Refused { reason });
        }
    }

    /// On stepping down: an unfinished change is dropped, and its
    /// administrator told to retry.
    pub(super) fn abandon_change(&mut self, cx: &mut Context<'_, Self>, hint: Option<NodeId>) {
        let op = match self.change.take() {
            Some(Change::CatchUp { op, .. }) => Some(op),
            Some(Change::Transfer { op, .. }) => op,
            None => None,
        };
        if let Some(op) = op {
            self.respond(cx, op, RaftResponse::Redirect { leader: hint });
        }
    }

    /// §4.2.2: a leader whose configuration without it has committed steps
    /// down.
    pub(super) fn leave_if_removed(&mut self, cx: &mut Context<'_, Self>) {
        if self.role == Role::Leader && !self.is_voter() && self.config_index <= self.commit {
            self.leader = None;
            self.step_down(cx, self.term, None);
        }
    }

    /// §3.10: told by its leader to campaign now, a voting member starts an
    /// election at once (without PreVote) and asks for votes that a lease
    /// does not hold back.
    pub(super) fn on_timeout_now(&mut self, cx: &mut Context<'_, Self>, term: u64) {
        if term == self.term && self.is_voter() && self.role != Role::Leader {
            self.start_election(cx, true);
        }
    }
}
