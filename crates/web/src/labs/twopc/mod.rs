//! The two-phase commit lab: a coordinator (node 0) and its participants,
//! every transaction's votes and decision in a table, participants in
//! doubt drawn as blocked with how long they have waited, and each node's
//! durable log.

mod panel;
mod table;

use super::{client, Cx, Entry, Lab};
use crate::components::topology::{layout, MessageLook};
use crate::snapshot::{FrameSpec, Part, Snapshot};
use faultline_core::protocols::twopc::{Record, TwoPc, TwoPcView, TxRequest, TxState};
use faultline_core::sim::{NodeStatus, SimView};
use faultline_core::{AnySim, Command, NodeId, ProtocolName, Time};
use panel::TwoPcPanel;
use table::TxTable;
use yew::prelude::*;

/// The two-phase commit lab in the registry.
pub const ENTRY: Entry = Entry {
    protocol: ProtocolName::TwoPc,
    bugs: <faultline_core::protocols::twopc::TwoPc as faultline_core::node::Protocol>::BUGS,
    default_speed: -1.2,
    diagram: true,
    start: || Box::<TwoPcLab>::default(),
};

/// What the lab's table and panel read: every node's view.
#[derive(Clone, Debug, PartialEq)]
pub struct TwoPcPart {
    /// Every node's view.
    pub view: SimView<TwoPcView>,
    /// A wait in doubt longer than this (µs) is drawn as blocked even with
    /// the coordinator up: past the vote timeout and two retries, the
    /// longest a decision takes to arrive when nothing is broken.
    pub blocked_after: u64,
}

impl TwoPcPart {
    /// Whether the coordinator is down (crashed or paused).
    fn coordinator_down(&self) -> bool {
        self.view.nodes.first().is_some_and(|n| n.status != NodeStatus::Up)
    }

    /// Whether a participant in doubt since `since` is blocked: the
    /// coordinator is down, or the wait has outlasted a decision's.
    fn blocked(&self, since: Time) -> bool {
        self.coordinator_down() || self.view.now.0.saturating_sub(since.0) >= self.blocked_after
    }

    /// The participants in doubt, with since when.
    fn in_doubt(&self) -> impl Iterator<Item = (NodeId, Time)> + '_ {
        self.view.nodes.iter().filter_map(|n| {
            let since = n
                .state
                .as_ref()?
                .txs
                .iter()
                .filter(|t| t.state == TxState::Prepared)
                .map(|t| t.since)
                .min()?;
            Some((n.id, since))
        })
    }
}

/// The lab's message colors and legend: phase 1 blue, phase 2 green.
const LOOK: MessageLook = MessageLook {
    classes: &[
        ("Begin", "k-begin"),
        ("Prepare", "k-prepare"),
        ("Vote", "k-vote"),
        ("Decision", "k-decision"),
        ("Ack", "k-ack"),
        ("Inquire", "k-inquire"),
        ("client", "k-client"),
    ],
    legend: &[
        ("k-begin", "work"),
        ("k-prepare", "Prepare (phase 1)"),
        ("k-vote", "Vote"),
        ("k-decision", "Decision (phase 2)"),
        ("k-ack", "Ack"),
        ("k-inquire", "Inquire (in doubt)"),
    ],
};

/// The lab while a run is shown.
#[derive(Default)]
pub struct TwoPcLab {
    /// Transactions begun with Q so far.
    begun: u32,
    /// The coordinator's log records already announced.
    logged: usize,
    /// Participants blocked at the last snapshot.
    doubt: Vec<NodeId>,
}

impl Lab for TwoPcLab {
    fn snapshot(&mut self, sim: &AnySim, diagram: bool, _now: bool) -> Snapshot {
        let Some(s) = sim.get::<TwoPc>() else {
            return Snapshot::bare(sim);
        };
        let view = s.view();
        let spec = FrameSpec {
            routine_timers: &["due"],
            routine_messages: &["Ack"],
            log_note: "",
            ..FrameSpec::default()
        };
        let mut snap = Snapshot::frame(sim, &view, spec);
        if diagram {
            snap.add_trace_diagram(sim, view.nodes.len());
        }
        let p = s.params();
        let blocked_after = (p.vote_timeout_ms + 2 * p.retry_ms) * 1_000;
        snap.part = Part::of(TwoPcPart {
            view,
            blocked_after,
        });
        snap
    }

    fn drawing(&self, cx: &Cx<'_>) -> Html {
        let Some(lab) = cx.snapshot.part::<TwoPcPart>() else {
            return Html::default();
        };
        let (at, r) = layout(&cx.snapshot);
        let now = cx.snapshot.now;
        let blocked: Html = lab
            .in_doubt()
            .filter_map(|(id, since)| {
                let (x, y) = *at.get(id)?;
                let waited = decimal_seconds(now.0.saturating_sub(since.0));
                let blocked = lab.blocked(since);
                let (class, word) = if blocked { ("doubt-tag blocked", "blocked") } else { ("doubt-tag", "in doubt") };
                Some(html! {
                    <g class={class} transform={format!("translate({},{})", x.round(), (y - r - 16.0).round())}
                        data-doubt={id.0.to_string()} data-blocked={blocked.to_string()}>
                        <rect x="-62" y="-12" width="124" height="22" rx="11" />
                        <text>{ format!("{word} {waited}") }</text>
                    </g>
                })
            })
            .collect();
        cx.topology(&LOOK, Html::default(), blocked, Html::default())
    }

    fn stage(&self, cx: &Cx<'_>) -> Html {
        html! { <TxTable snapshot={cx.snapshot.clone()} /> }
    }

    fn panel(&self, cx: &Cx<'_>) -> Html {
        html! {
            <TwoPcPanel
                snapshot={cx.snapshot.clone()}
                selected={cx.selected}
                on_command={cx.on_command.clone()}
                on_select={cx.on_select.clone()}
            />
        }
    }

    /// Q begins the next transaction at the coordinator, whichever node is
    /// selected, with an id no earlier one has (its log grows with every
    /// transaction begun).
    fn request(&mut self, _node: NodeId) -> Result<Command, String> {
        self.begun = (self.begun + 1).max(self.logged as u32 + 1);
        let request = TxRequest {
            tx: format!("q{}", self.begun),
            no: Vec::new(),
        };
        Ok(client::<TwoPc>(NodeId(0), &request))
    }

    fn news(&mut self, snap: &Snapshot) -> Vec<String> {
        let Some(lab) = snap.part::<TwoPcPart>() else {
            return Vec::new();
        };
        let mut news = Vec::new();
        // The coordinator's new log records, as far as its view reaches.
        if let Some(c) = lab.view.nodes.first().and_then(|n| n.state.as_ref()) {
            let fresh = c.log_len.saturating_sub(self.logged).min(c.log_tail.len());
            for e in &c.log_tail[c.log_tail.len() - fresh..] {
                if let Record::Decided { commit } = e.record {
                    let how = if commit { "committed" } else { "aborted" };
                    news.push(format!("{} {how}", e.tx));
                }
            }
            self.logged = c.log_len;
        }
        let doubt: Vec<NodeId> = lab
            .in_doubt()
            .filter(|&(id, since)| {
                lab.blocked(since)
                    && lab.view.nodes.iter().any(|n| n.id == id && n.status == NodeStatus::Up)
            })
            .map(|(id, _)| id)
            .collect();
        news.extend(
            doubt
                .iter()
                .filter(|id| !self.doubt.contains(id))
                .map(|id| format!("{id} is blocked: prepared, waiting for the decision")),
        );
        self.doubt = doubt;
        news
    }
}

/// A span of µs as `0.8 s` or `120 ms`.
fn decimal_seconds(us: u64) -> String {
    if us >= 1_000_000 {
        format!("{:.1} s", us as f64 / 1e6)
    } else {
        format!("{} ms", us / 1_000)
    }
}
