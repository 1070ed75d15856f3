//! The gossip lab: push, pull and push-pull rounds and SWIM on up to a few
//! thousand nodes drawn on a canvas, with the run charted against theory.

mod canvas;
mod charts;
mod panel;
mod part;

use super::{Cx, Entry, Lab};
use crate::snapshot::{FrameSpec, Part, Snapshot};
use canvas::GossipCanvas;
use charts::{ChartData, GossipCharts};
use faultline_core::node::TimerName;
use faultline_core::protocols::gossip::GossipTimer;
use faultline_core::sim::NodeStatus;
use faultline_core::{AnySim, Command, NodeId, ProtocolName};
use panel::{gossip_panel, GossipPanelProps};
#[cfg(test)]
pub use part::GossipDot;
pub use part::GossipPart;
use std::rc::Rc;
use yew::prelude::*;

/// The gossip lab in the registry.
pub const ENTRY: Entry = Entry {
    protocol: ProtocolName::Gossip,
    bugs: <faultline_core::protocols::gossip::Gossip as faultline_core::node::Protocol>::BUGS,
    // Rounds are slower than Raft's heartbeats, and the point is the whole
    // curve, so it opens faster.
    default_speed: -0.6,
    // The canvas and the charts take the diagram's place.
    diagram: false,
    start: || Box::<GossipLab>::default(),
};

/// While the lab plays, charts redraw at most this often (ms of wall time):
/// a chart is a few milliseconds of SVG, too much for every frame.
const CHART_PERIOD_MS: f64 = 500.0;

/// The gossip lab while a run is shown.
pub struct GossipLab {
    /// What the charts plot, and when it was taken (wall ms).
    charts: Option<Rc<ChartData>>,
    charts_at: f64,
    /// Rumors that had reached every live node at the last snapshot.
    full_rumors: usize,
}

impl Default for GossipLab {
    fn default() -> Self {
        GossipLab {
            charts: None,
            charts_at: f64::NEG_INFINITY,
            full_rumors: 0,
        }
    }
}

impl Lab for GossipLab {
    fn snapshot(&mut self, sim: &AnySim, _diagram: bool, now: bool) -> Snapshot {
        let Some(s) = sim.get::<faultline_core::protocols::gossip::Gossip>() else {
            return Snapshot::bare(sim);
        };
        let view = s.view();
        let spec = FrameSpec {
            routine_timers: &[GossipTimer::Round.name(), GossipTimer::PingTimeout.name()],
            ..FrameSpec::default()
        };
        let mut snap = Snapshot::frame(sim, &view, spec);
        let part = GossipPart::of(s, view, &snap.network.groups);
        let wall = crate::perf::wall_ms();
        if now || wall - self.charts_at >= CHART_PERIOD_MS {
            let data = ChartData::of(&part);
            if self.charts.as_deref() != Some(&data) {
                self.charts = Some(Rc::new(data));
            }
            self.charts_at = wall;
        }
        snap.part = Part::of(part);
        snap
    }

    fn clickable_links(&self) -> bool {
        false
    }

    fn drawing(&self, cx: &Cx<'_>) -> Html {
        html! {
            <GossipCanvas
                snapshot={cx.snapshot.clone()}
                selected={cx.selected}
                partition={cx.partition.clone()}
                on_select={cx.on_select.clone()}
                on_partition_node={cx.on_partition_node.clone()}
            />
        }
    }

    fn stage(&self, _cx: &Cx<'_>) -> Html {
        match self.charts.clone() {
            Some(data) => html! { <GossipCharts {data} /> },
            None => Html::default(),
        }
    }

    fn panel(&self, cx: &Cx<'_>) -> Html {
        gossip_panel(&GossipPanelProps {
            snapshot: cx.snapshot.clone(),
            selected: cx.selected,
            on_command: cx.on_command.clone(),
        })
    }

    fn request(&mut self, node: NodeId) -> Result<Command, String> {
        Ok(Command::Rumor { node })
    }

    fn news(&mut self, snap: &Snapshot) -> Vec<String> {
        let full = snap.part::<GossipPart>().map_or(0, |g| {
            g.rumors
                .iter()
                .filter(|r| r.live > 0 && r.informed >= r.live)
                .count()
        });
        let old = std::mem::replace(&mut self.full_rumors, full);
        if full <= old {
            return Vec::new();
        }
        let live = snap
            .nodes
            .iter()
            .filter(|n| n.status == NodeStatus::Up)
            .count();
        vec![format!("the rumor reached all {live} live nodes")]
    }
}
