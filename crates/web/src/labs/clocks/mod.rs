//! The logical clocks lab: Lamport, vector and hybrid logical clocks on a
//! few processes, two registers side by side, and the space-time diagram
//! drawn from every process's events.

mod panel;

use super::{client, Cx, Entry, Lab};
use crate::components::topology::MessageLook;
use crate::snapshot::{visible_span, FrameSpec, Part, Snapshot, DIAGRAM_POINTS};
use faultline_core::protocols::clocks::{ClockRequest, Clocks, ClocksView};
use faultline_core::sim::SimView;
use faultline_core::spacetime::Diagram;
use faultline_core::{AnySim, Command, NodeId, ProtocolName};
use panel::ClocksPanel;
use yew::prelude::*;

/// The clocks lab in the registry.
pub const ENTRY: Entry = Entry {
    protocol: ProtocolName::Clocks,
    bugs: <faultline_core::protocols::clocks::Clocks as faultline_core::node::Protocol>::BUGS,
    default_speed: -1.4,
    diagram: true,
    start: || Box::<ClocksLab>::default(),
};

/// What the clocks lab's panel reads: every process's clocks and registers.
#[derive(Clone, Debug, PartialEq)]
pub struct ClocksPart {
    /// Every process's view.
    pub view: SimView<ClocksView>,
}

/// The clocks lab's message colors and legend.
const LOOK: MessageLook = MessageLook {
    classes: &[
        ("message", "k-message"),
        ("write", "k-write"),
        ("client", "k-client"),
    ],
    legend: &[("k-message", "message"), ("k-write", "replicated write")],
};

/// The clocks lab while a run is shown.
#[derive(Default)]
pub struct ClocksLab;

impl Lab for ClocksLab {
    fn snapshot(&mut self, sim: &AnySim, diagram: bool, _now: bool) -> Snapshot {
        let Some(s) = sim.get::<Clocks>() else {
            return Snapshot::bare(sim);
        };
        let view = s.view();
        let mut snap = Snapshot::frame(sim, &view, FrameSpec::default());
        if diagram {
            let events = s.observations();
            let recent = &events[events.len().saturating_sub(DIAGRAM_POINTS)..];
            let mut d = Diagram::from_clock_events(recent, view.nodes.len(), &[]);
            // Open arrows are messages still in flight: give them their
            // arrival time, matched by sender, receiver and send time.
            for a in d
                .arrows
                .iter_mut()
                .filter(|a| a.to.is_none() && a.dropped_at.is_none())
            {
                let from = d.points.get(a.from).map(|p| p.node);
                if let Some(m) = view.messages.iter().find(|m| {
                    Some(m.from) == from && m.to == a.to_node && m.sent_at == a.sent_at
                }) {
                    a.deliver_at = m.deliver_at;
                }
            }
            d.keep_last(DIAGRAM_POINTS);
            snap.diagram_span_ms = visible_span(&d, view.now, 1500.0);
            snap.diagram = Some(d);
        }
        snap.part = Part::of(ClocksPart { view });
        snap
    }

    fn drawing(&self, cx: &Cx<'_>) -> Html {
        cx.topology(&LOOK, Html::default(), Html::default(), Html::default())
    }

    fn panel(&self, cx: &Cx<'_>) -> Html {
        html! {
            <ClocksPanel
                snapshot={cx.snapshot.clone()}
                selected={cx.selected}
                on_command={cx.on_command.clone()}
                on_select={cx.on_select.clone()}
            />
        }
    }

    fn request(&mut self, node: NodeId) -> Result<Command, String> {
        Ok(client::<Clocks>(node, &ClockRequest::Local))
    }
}
