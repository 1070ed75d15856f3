//! The hash ring lab: keys placed by `mod`, ring, jump, rendezvous or
//! bounded-load hashing, moved by real transfers when nodes join or leave,
//! with every strategy's movement and the balance charted.

mod analysis;
mod canvas;
mod charts;
mod panel;

use super::{Cx, Entry, Lab};
use crate::snapshot::{FrameSpec, Part, Snapshot};
use analysis::{Pending, RingAnalysis, Settings};
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
    /// What is left of the analysis, done a few milliseconds a frame.
    pending: Option<Pending>,
    members: Vec<u32>,
    at: f64,
}

/// Milliseconds a playing frame spends completing the analysis.
const ANALYSIS_SLICE_MS: f64 = 3.0;

impl RingCache {
    /// Completes the analysis: for a slice of this frame while the lab
    /// plays, all of it when asked for `now`.
    fn work(&mut self, now: bool) {
        let (Some(pending), Some(analysis)) = (self.pending.as_mut(), self.analysis.as_mut()) else {
            return;
        };
        let a = Rc::make_mut(analysis);
        let begin = crate::perf::wall_ms();
        let left = crate::perf::measure("faultline-ring-analysis", || loop {
            if !pending.advance(a) {
                break false;
            }
            if !now && crate::perf::wall_ms() - begin > ANALYSIS_SLICE_MS {
                break true;
            }
        });
        if !left {
            self.pending = None;
        }
    }
}

/// The ring lab while a run is shown.
#[derive(Default)]
pub struct RingLab {
    cache: Option<RingCache>,
}

impl RingLab {
    fn refresh(&mut self, s: &faultline_core::Sim<faultline_core::protocols::ring::Ring>, now: bool) {
        let wall = crate::perf::wall_ms();
        let recent = self
            .cache
            .as_ref()
            .is_some_and(|c| wall - c.at < STATUS_PERIOD_MS);
        let started = if now || !recent {
            let (cache, started) = self.fresh(s, wall);
            self.cache = Some(cache);
            started
        } else {
            false
        };
        // A frame that placed the keys anew leaves the rest to the next.
        if let Some(c) = self.cache.as_mut().filter(|_| now || !started) {
            c.work(now);
        }
    }

    /// The cluster-wide status now, and the analysis kept if the
    /// membership is the same, else started anew (then also `true`).
    fn fresh(
        &mut self,
        s: &faultline_core::Sim<faultline_core::protocols::ring::Ring>,
        wall: f64,
    ) -> (RingCache, bool) {
        let status = crate::perf::measure("faultline-ring-status", || ring_status(s));
        let members: Vec<u32> = status.members.iter().map(|m| m.0).collect();
        let (analysis, pending, started) = match self.cache.take() {
            Some(c) if c.members == members => (c.analysis, c.pending, false),
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
                    RingAnalysis::start(&settings, &members, previous.as_deref())
                })
                .map_or((None, None, true), |(a, rest)| (Some(Rc::new(a)), Some(rest), true))
            }
        };
        let cache = RingCache {
            status: Rc::new(status),
            analysis,
            pending,
            members,
            at: wall,
        };
        (cache, started)
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
