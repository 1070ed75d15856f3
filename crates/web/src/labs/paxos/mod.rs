//! The Paxos lab: every node's promise and latest acceptance drawn on it,
//! phase 1 and phase 2 messages in their own colors, and a table of the
//! slots with what each node accepted and learned.

mod panel;
mod slots;

use super::{client, Cx, Entry, Lab};
use crate::components::topology::{layout, MessageLook};
use crate::snapshot::{FrameSpec, Part, Snapshot};
use faultline_core::protocols::paxos::{Ballot, Mode, Paxos, PaxosView, Role};
use faultline_core::sim::SimView;
use faultline_core::{AnySim, Command, NodeId, ProtocolName};
use panel::PaxosPanel;
use slots::SlotTable;
use yew::prelude::*;

/// The Paxos lab in the registry.
pub const ENTRY: Entry = Entry {
    protocol: ProtocolName::Paxos,
    bugs: <faultline_core::protocols::paxos::Paxos as faultline_core::node::Protocol>::BUGS,
    default_speed: -1.2,
    diagram: true,
    start: || Box::<PaxosLab>::default(),
};

/// What the lab's table and panel read.
#[derive(Clone, Debug, PartialEq)]
pub struct PaxosPart {
    /// Every node's view.
    pub view: SimView<PaxosView>,
    /// Basic or Multi-Paxos.
    pub mode: Mode,
}

/// The lab's message colors: phase 1 blue, phase 2 green.
const LOOK: MessageLook = MessageLook {
    classes: &[
        ("Prepare", "k-prepare"),
        ("Promise", "k-promise"),
        ("Accept", "k-accept"),
        ("Accepted", "k-accepted"),
        ("Nack", "k-nack"),
        ("Chosen", "k-chosen"),
        ("Heartbeat", "k-heartbeat"),
        ("CatchUp", "k-catchup"),
        ("client", "k-client"),
    ],
    legend: &[
        ("k-prepare", "Prepare"),
        ("k-promise", "Promise (phase 1)"),
        ("k-accept", "Accept"),
        ("k-accepted", "Accepted (phase 2)"),
        ("k-nack", "Nack"),
        ("k-chosen", "Chosen"),
        ("k-heartbeat", "heartbeat"),
    ],
};

/// The lab while a run is shown.
#[derive(Default)]
pub struct PaxosLab {
    /// Values proposed with Q so far.
    asked: u32,
    /// The leader at the last snapshot, for the news.
    leader: Option<(NodeId, Ballot)>,
    /// The slots known chosen at the last snapshot.
    chosen: u64,
}

/// `3.1`, or `—` for no ballot.
pub fn ballot(b: Ballot) -> String {
    if b == Ballot::ZERO {
        "—".into()
    } else {
        b.to_string()
    }
}

impl Lab for PaxosLab {
    fn snapshot(&mut self, sim: &AnySim, diagram: bool, _now: bool) -> Snapshot {
        let Some(s) = sim.get::<Paxos>() else {
            return Snapshot::bare(sim);
        };
        let view = s.view();
        let spec = FrameSpec {
            routine_timers: &["heartbeat", "sync"],
            routine_messages: &["Heartbeat"],
            ..FrameSpec::default()
        };
        let mut snap = Snapshot::frame(sim, &view, spec);
        if diagram {
            snap.add_trace_diagram(sim, view.nodes.len());
        }
        snap.part = Part::of(PaxosPart {
            view,
            mode: s.params().mode,
        });
        snap
    }

    fn drawing(&self, cx: &Cx<'_>) -> Html {
        let Some(lab) = cx.snapshot.part::<PaxosPart>() else {
            return Html::default();
        };
        let (at, r) = layout(&cx.snapshot);
        // Each acceptor's promise and its newest acceptance, over the node.
        let tags: Html = lab
            .view
            .nodes
            .iter()
            .filter_map(|n| {
                let v = n.state.as_ref()?;
                let (x, y) = *at.get(n.id)?;
                let accepted = v
                    .slots
                    .iter()
                    .rev()
                    .find_map(|s| s.accepted.as_ref().map(|(b, val)| (s.slot, *b, val)));
                let text = match accepted {
                    Some((slot, b, val)) => format!("P {} · A #{slot} {} {val}", ballot(v.promised), ballot(b)),
                    None => format!("P {}", ballot(v.promised)),
                };
                let w = text.chars().count() as f64 * 6.6 + 16.0;
                Some(html! {
                    <g class="acceptor-tag" transform={format!("translate({},{})", x.round(), (y - r - 16.0).round())}
                        data-acceptor={n.id.0.to_string()}>
                        <rect x={format!("{}", -(w / 2.0).round())} y="-11" width={format!("{}", w.round())} height="20" rx="10" />
                        <text>{ text }</text>
                    </g>
                })
            })
            .collect();
        cx.topology(&LOOK, Html::default(), tags, Html::default())
    }

    fn stage(&self, cx: &Cx<'_>) -> Html {
        html! { <SlotTable snapshot={cx.snapshot.clone()} /> }
    }

    fn panel(&self, cx: &Cx<'_>) -> Html {
        html! {
            <PaxosPanel
                snapshot={cx.snapshot.clone()}
                selected={cx.selected}
                on_command={cx.on_command.clone()}
                on_select={cx.on_select.clone()}
            />
        }
    }

    /// Q proposes the next value at the selected node (a Multi-Paxos
    /// follower redirects it to the leader).
    fn request(&mut self, node: NodeId) -> Result<Command, String> {
        self.asked += 1;
        Ok(client::<Paxos>(node, &format!("q{}", self.asked)))
    }

    fn news(&mut self, snap: &Snapshot) -> Vec<String> {
        let Some(lab) = snap.part::<PaxosPart>() else {
            return Vec::new();
        };
        let mut news = Vec::new();
        let leader = lab
            .view
            .nodes
            .iter()
            .filter_map(|n| Some((n.id, n.state.as_ref()?)))
            .filter(|(_, v)| v.role == Role::Leader)
            .map(|(id, v)| (id, v.ballot))
            .max_by_key(|(_, b)| *b);
        if leader.is_some() && leader != self.leader {
            if let Some((id, b)) = leader {
                news.push(format!("{id} leads with ballot {b}"));
            }
        }
        self.leader = leader;
        let chosen = lab
            .view
            .nodes
            .iter()
            .filter_map(|n| n.state.as_ref())
            .map(|v| v.first_gap)
            .max()
            .unwrap_or(0);
        if chosen > self.chosen {
            news.push(format!("{} slots chosen", chosen));
        }
        self.chosen = chosen;
        news
    }
}
