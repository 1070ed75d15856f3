//! Commands as the kernel sees them: whether one can apply now, its trace
//! entry, and carrying out those that need no protocol types (pauses,
//! partitions, cuts, links, clock skew, delays).

use super::kernel::Kernel;
use super::nodes::index;
use super::status::NodeStatus;
use crate::command::Command;
use crate::id::NodeId;
use crate::time::ms_to_micros;
use crate::trace::TraceKind;

impl Kernel {
    /// Whether a command can apply now; the error says why not.
    pub fn check_runtime(&self, cmd: &Command) -> Result<(), String> {
        let status = |n: &NodeId| self.status(*n);
        let need = |n: &NodeId, want: NodeStatus, what: &str| {
            if status(n) == Some(want) {
                Ok(())
            } else {
                Err(format!("{n} is not {what}"))
            }
        };
        match cmd {
            Command::Crash { node }
            | Command::Pause { node }
            | Command::Fire { node, .. }
            | Command::Rumor { node } => need(node, NodeStatus::Up, "up"),
            Command::Restart { node } => need(node, NodeStatus::Crashed, "crashed"),
            Command::Resume { node } => need(node, NodeStatus::Paused, "paused"),
            Command::RemoveNode { node } | Command::Transfer { node } => match status(node) {
                Some(NodeStatus::Removed) | None => Err(format!("{node} is not in the cluster")),
                _ => Ok(()),
            },
            Command::Client { node, .. } => {
                if status(node).is_some_and(|s| s != NodeStatus::Removed) {
                    Ok(())
                } else {
                    Err(format!("{node} is not in the cluster"))
                }
            }
            Command::DropMessage { id }
            | Command::DuplicateMessage { id }
            | Command::DelayMessage { id, .. } => {
                if self.find_message(*id).is_some() {
                    Ok(())
                } else {
                    Err(format!("message #{} is no longer in flight", id.0))
                }
            }
            _ => Ok(()),
        }
    }

    /// Records a command due now: as applied if it can apply, as ignored
    /// (with why) if not. Returns whether it applies.
    pub fn admit(&mut self, cmd: &Command) -> bool {
        let op = cmd.op();
        if let Err(why) = self.check_runtime(cmd) {
            let summary = format!("{}: {why}", cmd.describe());
            self.record(TraceKind::Ignored { op, summary });
            return false;
        }
        let summary = self.label(|| cmd.describe());
        self.record(TraceKind::Command { op, summary }).json(cmd);
        true
    }

    /// Carries out a command that needs no protocol types; returns it back
    /// if it does need them.
    pub fn apply_fault(&mut self, cmd: Command) -> Option<Command> {
        match cmd {
            Command::Pause { node } => {
                if let Some(n) = self.st.nodes.get_mut(index(node)) {
                    n.status = NodeStatus::Paused;
                }
            }
            Command::Resume { node } => self.release_held(node),
            Command::Partition { groups } => self.st.net.partition(&groups),
            Command::Cut { from, to } => self.st.net.cut(from, to),
            Command::Heal => self.st.net.heal(),
            Command::Link {
                from,
                to,
                latency_ms,
                drop,
                duplicate,
            } => {
                let between = from.zip(to);
                let mut p = match between {
                    Some((a, b)) => self.st.net.link(a, b),
                    None => self.st.net.default_link(),
                };
                if let Some([lo, hi]) = latency_ms {
                    p.latency = (ms_to_micros(lo), ms_to_micros(hi));
                }
                p.drop = drop.unwrap_or(p.drop);
                p.duplicate = duplicate.unwrap_or(p.duplicate);
                self.st.net.set_link(between, p);
            }
            Command::Skew { node, rate } => {
                let now = self.st.now;
                if let Some(n) = self.st.nodes.get_mut(index(node)) {
                    n.clock_base = (now, n.local_now(now));
                    n.rate_milli = ((rate * 1000.0).round() as u64).max(1);
                }
            }
            Command::DelayMessage { id, by_ms } => self.delay_message(id, ms_to_micros(by_ms)),
            typed => return Some(typed),
        }
        None
    }
}
