//! The Raft lab: five servers on a circle, every log side by side, the
//! election timer as a ring round each node, and the space-time diagram.

mod logs;
mod panel;

use crate::format::px;
use super::{client, Cx, Entry, Lab};
use crate::components::topology::{layout, MessageLook};
use crate::snapshot::{FrameSpec, LogLine, Part, Snapshot, LOG_LINES};
use faultline_core::node::TimerName;
use faultline_core::protocols::raft::{Raft, RaftRequest, RaftTimer, RaftView, Role};
use faultline_core::sim::{NodeStatus, SimView};
use faultline_core::{AnySim, Command, NodeId, ProtocolName};
use panel::NodePanel;
use yew::prelude::*;

/// The Raft lab in the registry.
pub const ENTRY: Entry = Entry {
    protocol: ProtocolName::Raft,
    bugs: <faultline_core::protocols::raft::Raft as faultline_core::node::Protocol>::BUGS,
    // The first election lands within a few seconds while messages are
    // still slow enough to follow.
    default_speed: -1.4,
    diagram: true,
    start: || Box::<RaftLab>::default(),
};

/// What the Raft lab's panels read: every server's view.
pub type RaftPart = SimView<RaftView>;

/// Raft's message colors and legend.
const LOOK: MessageLook = MessageLook {
    classes: &[
        ("RequestVote", "k-vote"),
        ("RequestVoteReply", "k-vote-reply"),
        ("PreVote", "k-vote"),
        ("PreVoteReply", "k-vote-reply"),
        ("AppendEntries", "k-append"),
        ("Heartbeat", "k-heartbeat"),
        ("AppendEntriesReply", "k-append-reply"),
        ("InstallSnapshot", "k-snapshot"),
        ("TimeoutNow", "k-transfer"),
        ("client", "k-client"),
    ],
    legend: &[
        ("k-vote", "RequestVote"),
        ("k-vote-reply", "vote reply"),
        ("k-append", "AppendEntries"),
        ("k-heartbeat", "heartbeat"),
        ("k-append-reply", "append reply"),
        ("k-client", "client redirect"),
    ],
};

/// The Raft lab while a run is shown.
#[derive(Default)]
pub struct RaftLab {
    /// Client requests sent with Q so far.
    requests: u32,
    /// The leaders at the last snapshot (node, term).
    leaders: Vec<(NodeId, u64)>,
    /// The log grid's first index, when the reader moved it off the newest.
    log_from: Option<u64>,
}

impl Lab for RaftLab {
    fn snapshot(&mut self, sim: &AnySim, diagram: bool, _now: bool) -> Snapshot {
        let Some(s) = sim.get::<Raft>() else {
            return Snapshot::bare(sim);
        };
        let mut view = s.view();
        if let Some(from) = self.log_from {
            // The grid sits back in the log: each server's entries there,
            // in place of the newest ones its view carries.
            for (n, (_, _, raft)) in view.nodes.iter_mut().zip(s.nodes()) {
                if let (Some(state), Some(raft)) = (n.state.as_mut(), raft) {
                    state.log_tail = raft.entries(from, from + logs::WINDOW - 1);
                }
            }
        }
        let ring_full = s.params().election_timeout_ms[1] * 1000;
        let spec = FrameSpec {
            ring: Some((RaftTimer::Election.name(), ring_full)),
            routine_timers: &[RaftTimer::Heartbeat.name()],
            routine_messages: &["Heartbeat"],
            log_note: "newest first · heartbeats hidden",
        };
        let mut snap = Snapshot::frame(sim, &view, spec);
        let now = view.now;
        let leaders: Vec<_> = s.checker().leaders().filter(|l| l.at <= now).collect();
        snap.log
            .extend(leaders.iter().rev().take(LOG_LINES).map(|l| LogLine {
                seq: u64::MAX - l.term,
                at: l.at,
                text: format!("{} became leader of term {}", l.node, l.term),
                class: "leader",
            }));
        faultline_core::sorting::sort_by(&mut snap.log, |a, b| {
            b.at.cmp(&a.at).then(b.seq.cmp(&a.seq))
        });
        snap.log.truncate(LOG_LINES);
        if diagram {
            snap.add_trace_diagram(sim, view.nodes.len());
        }
        snap.part = Part::of(view);
        snap
    }

    fn drawing(&self, cx: &Cx<'_>) -> Html {
        cx.topology(&LOOK, Html::default(), stale_marks(&cx.snapshot), Html::default())
    }

    fn stage(&self, cx: &Cx<'_>) -> Html {
        html! {
            <logs::Logs
                snapshot={cx.snapshot.clone()}
                selected={cx.selected}
                on_select={cx.on_select.clone()}
                from={self.log_from}
                on_lab={cx.on_lab.clone()}
            />
        }
    }

    fn panel(&self, cx: &Cx<'_>) -> Html {
        html! {
            <>
                <NodePanel
                    snapshot={cx.snapshot.clone()}
                    selected={cx.selected}
                    on_command={cx.on_command.clone()}
                    on_select={cx.on_select.clone()}
                />
            </>
        }
    }

    fn request(&mut self, node: NodeId) -> Result<Command, String> {
        self.requests += 1;
        let key = ["x", "y", "z", "w"][(self.requests as usize - 1) % 4];
        Ok(client::<Raft>(node, &RaftRequest::Command(format!("set {key}={}", self.requests))))
    }

    fn timeout_now(&self, node: NodeId) -> Result<Command, String> {
        Ok(timeout_now(node))
    }

    fn update(&mut self, msg: super::LabMsg) {
        if let Some(logs::LogFrom(from)) = msg.take() {
            self.log_from = from;
        }
    }

    fn news(&mut self, snap: &Snapshot) -> Vec<String> {
        let leaders: Vec<(NodeId, u64)> = snap.part::<RaftPart>().map_or_else(Vec::new, |r| {
            r.nodes
                .iter()
                .filter(|n| n.status == NodeStatus::Up)
                .filter_map(|n| Some((n.id, n.state.as_ref()?)))
                .filter(|(_, v)| v.role == Role::Leader)
                .map(|(id, v)| (id, v.term))
                .collect()
        });
        let news = leaders
            .iter()
            .filter(|l| !self.leaders.contains(l))
            .map(|(id, term)| format!("{id} became leader in term {term}"))
            .collect();
        self.leaders = leaders;
        news
    }
}

/// The leaders that are stale, with why: up or paused, and leading a term
/// older than the newest term any such server is in, or cut off from a
/// majority of their configuration (no working, reachable voters enough to
/// commit). Such a leader cannot know it (§5.1: only a message with the
/// newer term tells it; without CheckQuorum, §6.2, nothing tells it it is
/// alone), but a viewer should see it at once.
pub(crate) fn stale_leaders(part: &RaftPart) -> Vec<(NodeId, &'static str)> {
    let alive = || {
        part.nodes
            .iter()
            .filter(|n| matches!(n.status, NodeStatus::Up | NodeStatus::Paused))
            .filter_map(|n| Some((n.id, n.state.as_ref()?)))
    };
    let newest = alive().map(|(_, v)| v.term).max().unwrap_or(0);
    let up = |id: NodeId| {
        part.nodes
            .iter()
            .any(|n| n.id == id && n.status == NodeStatus::Up)
    };
    let blocked = &part.network.blocked;
    let reaches = |a: NodeId, b: NodeId| {
        a == b || (!blocked.contains(&(a, b)) && !blocked.contains(&(b, a)) && up(b))
    };
    alive()
        .filter(|(_, v)| v.role == Role::Leader)
        .filter_map(|(id, v)| {
            let reachable = v.voters.iter().filter(|&&m| reaches(id, m)).count();
            if v.term < newest {
                Some((id, "stale leader"))
            } else if reachable < v.voters.len() / 2 + 1 {
                Some((id, "no majority"))
            } else {
                None
            }
        })
        .collect()
}

/// A dashed red ring over each stale leader, with why ("stale leader" or
/// "no majority").
fn stale_marks(snap: &Snapshot) -> Html {
    let Some(part) = snap.part::<RaftPart>() else {
        return Html::default();
    };
    let stale = stale_leaders(part);
    if stale.is_empty() {
        // The usual frame: no second layout of the nodes.
        return Html::default();
    }
    let (pos, r) = layout(snap);
    let marks = stale.into_iter().filter_map(|(id, why)| {
        let &(x, y) = pos.get(id)?;
        Some(html! {
            <g class="stale-leader" transform={format!("translate({x:.1},{y:.1})")}
                data-stale-leader={id.0.to_string()}>
                <circle r={px(r + 7.0)} />
                <text y={px(-(r + 13.0))}>{ why }</text>
            </g>
        })
    });
    html! { <>{ for marks }</> }
}

/// The command that makes `node` time out now.
fn timeout_now(node: NodeId) -> Command {
    Command::Fire {
        node,
        timer: RaftTimer::Election.name().into(),
    }
}

