//! The hash ring lab: keys placed by `mod`, ring, jump, rendezvous or
//! bounded-load hashing, moved by real transfers when nodes join or leave,
//! with every strategy's movement and the balance charted.

mod analysis;
mod canvas;
mod charts;
mod panel;

use super::{Cx, Entry, Lab};
use crate::snapshot::{FrameSpec, Part, Snapshot};
use analysis::{RingAnalysis, Settings};
use canvas::RingCanvas;
use charts::RingCharts;
use faultline_core::node::TimerName;
use faultline_core::protocols::ring::{ring_status, RingParams, RingStatus, RingTimer, RingView};
use faultline_core::sim::SimView;
use faultline_core::{AnySim, Command, NodeId, ProtocolName};
use panel::{ring_panel, RingPanelProps};
use std::rc::Rc;
use yew::prelude::*;

/// The ring lab in the registry.
pub const ENTRY: Entry = Entry {
    protocol: ProtocolName::Ring,
    bugs: <faultline_core::protocols::ring::Ring as faultline_core::node::Protocol>::BUGS,
    default_speed: -0.6,
    // Transfers show on the ring and in the movement chart, not on a
    // space-time diagram.
    diagram: false,
    start: || Box::<RingLab>::default(),
};

/// What the ring lab reads every frame (the cluster-wide status and the
/// placement analysis are cached by the lab).
#[derive(Clone, Debug, PartialEq)]
pub struct RingPart {
    /// The run's parameters.
    pub params: RingParams,
    /// Every node's view.
    pub view: SimView<RingView>,
}

/// While the lab plays, the cluster-wide picture is refreshed at most this
/// often (ms of wall time).
const STATUS_PERIOD_MS: f64 = 500.0;

/// The cluster-wide picture, refreshed at most every [`STATUS_PERIOD_MS`]
/// while playing, and the placement analysis, redone only when the
/// membership changes.
struct RingCache {
    status: Rc<RingStatus>,
    analysis: Option<Rc<RingAnalysis>>,
    members: Vec<u32>,
    at: f64,
}

/// The ring lab while a run is shown.
#[derive(Default)]
pub struct RingLab {
    cache: Option<RingCache>,
}

impl RingLab {
    fn refresh(&mut self, s: &faultline_core::Sim<faultline_core::protocols::ring::Ring>, now: bool) {
        let wall = crate::perf::wall_ms();
        if !now
            && self
                .cache
                .as_ref()
                .is_some_and(|c| wall - c.at < STATUS_PERIOD_MS)
        {
            return;
        }
        let status = crate::perf::measure("faultline-ring-status", || ring_status(s));
        let members: Vec<u32> = status.members.iter().map(|m| m.0).collect();
        let analysis = match self.cache.take() {
            Some(c) if c.members == members => c.analysis,
            old => {
                let p = s.params();
                let settings = Settings {
                    strategy: p.strategy,
                    vnodes: p.vnodes,
                    keys: u64::from(p.keys),
                    epsilon: p.epsilon,
                };
                let previous = old.map(|c| c.members);
                crate::perf::measure("faultline-ring-analysis", || {
                    RingAnalysis::of(&settings, &members, previous.as_deref())
                })
                .map(Rc::new)
            }
        };
        self.cache = Some(RingCache {
            status: Rc::new(status),
            analysis,
            members,
            at: wall,
        });
    }
}

impl Lab for RingLab {
    fn snapshot(&mut self, sim: &AnySim, _diagram: bool, now: bool) -> Snapshot {
        let Some(s) = sim.get::<faultline_core::protocols::ring::Ring>() else {
            return Snapshot::bare(sim);
        };
        let view = s.view();
        let spec = FrameSpec {
            routine_timers: &[RingTimer::Rebalance.name()],
            ..FrameSpec::default()
        };
        let mut snap = Snapshot::frame(sim, &view, spec);
        snap.part = Part::of(RingPart {
            params: s.params().clone(),
            view,
        });
        self.refresh(s, now);
        snap
    }

    fn clickable_links(&self) -> bool {
        false
    }

    fn drawing(&self, cx: &Cx<'_>) -> Html {
        match self.cache.as_ref().and_then(|c| Some((c, c.analysis.clone()?))) {
            Some((c, analysis)) => html! {
                <RingCanvas snapshot={cx.snapshot.clone()} {analysis} status={c.status.clone()}
                    selected={cx.selected} on_select={cx.on_select.clone()} />
            },
            None => html! {
                <section class="panel"><p class="dim">{ "No members left: add a node." }</p></section>
            },
        }
    }

    fn stage(&self, cx: &Cx<'_>) -> Html {
        let analysis = self.cache.as_ref().and_then(|c| c.analysis.clone());
        match (analysis, cx.snapshot.part::<RingPart>()) {
            (Some(analysis), Some(lab)) => {
                html! { <RingCharts {analysis} vnodes={lab.params.vnodes} /> }
            }
            _ => Html::default(),
        }
    }

    fn panel(&self, cx: &Cx<'_>) -> Html {
        let Some(c) = self.cache.as_ref() else {
            return Html::default();
        };
        ring_panel(&RingPanelProps {
            snapshot: cx.snapshot.clone(),
            status: c.status.clone(),
            analysis: c.analysis.clone(),
            selected: cx.selected,
            on_command: cx.on_command.clone(),
        })
    }

    fn request(&mut self, _node: NodeId) -> Result<Command, String> {
        Err("The hash ring takes no client requests: add or remove a node to move keys.".into())
    }
}
