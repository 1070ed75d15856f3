//! The app shell: owns the simulator, runs the frame loop, turns UI actions
//! into commands, and lays out the lab.

use crate::announce::Announcer;
use crate::components::{
    clocks_panel::ClocksPanel,
    controls::Controls,
    event_log::EventLog,
    gallery::Gallery,
    gossip_canvas::GossipCanvas,
    gossip_charts::{ChartData, GossipCharts},
    gossip_panel::GossipPanel,
    header::Header,
    help::Help,
    invariants::Invariants,
    logs::Logs,
    network_panel::NetworkPanel,
    node_panel::NodePanel,
    pbs_panel::PbsPanel,
    quorum_history::QuorumHistory,
    quorum_overlay,
    quorum_panel::QuorumPanel,
    ring_canvas::RingCanvas,
    ring_charts::RingCharts,
    ring_panel::RingPanel,
    scenario_dialog::ScenarioDialog,
    share_dialog::ShareDialog,
    spacetime::{DotKey, SpaceTime},
    topology::Topology,
    tour_card::TourCard,
};
use crate::keys::{self, KeyAction};
use crate::perf::FrameTimer;
use crate::presets::PRESETS;
use crate::ring_analysis::{RingAnalysis, Settings};
use crate::share::{self, Opening, Source};
use crate::snapshot::{LinearizabilityCache, Snapshot};
use crate::tour::Tour;
use faultline_core::link::{Controls as ControlsOption, Link, View};
use faultline_core::protocols::quorum::OpRef;
use faultline_core::protocols::ring::{ring_status, RingStatus};
use faultline_core::sim::NodeStatus;
use faultline_core::{AnySim, Command, NodeId, ProtocolName, Scenario, SimConfig, Time};

use gloo::events::{EventListener, EventListenerOptions};
use gloo::render::{request_animation_frame, AnimationFrame};
use gloo::timers::callback::Timeout;
use std::collections::BTreeSet;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Speed as log10 of the factor: from 1/1000× to 10×.
pub const SPEED_RANGE: (f64, f64) = (-3.0, 1.0);
/// The opening speed: the first election lands within a few seconds while
/// messages are still slow enough to follow.
const DEFAULT_SPEED_EXP: f64 = -1.4;

/// The opening speed of a lab: gossip's rounds are slower than Raft's
/// heartbeats, and its point is the whole curve, so it opens faster.
fn default_speed(protocol: ProtocolName) -> f64 {
    match protocol {
        ProtocolName::Gossip | ProtocolName::Ring => -0.6,
        // Quorum requests take a few round trips: a little faster than Raft.
        ProtocolName::Quorum => -1.1,
        _ => DEFAULT_SPEED_EXP,
    }
}

/// The simulator's settings for a scenario: time-travel checkpoints get
/// sparser as the cluster grows, so memory stays near 100 MB at worst.
fn sim_config(scenario: &Scenario) -> SimConfig {
    let scale = u64::from(scenario.nodes / 16).max(1);
    SimConfig {
        checkpoint_every: 512 * scale,
        max_checkpoints: (512 / scale as usize).max(32),
        ..SimConfig::default()
    }
}
/// Most virtual time one frame may advance, so a hidden tab does not jump.
const MAX_FRAME_MS: f64 = 100.0;
/// Most events one frame may process (the sim lags rather than freezes).
const FRAME_EVENT_BUDGET: u64 = 20_000;
/// Most events replayed when a link opens at a later time, so a hostile
/// `t` cannot freeze the page (about a second of work).
const OPEN_EVENT_BUDGET: u64 = 500_000;
/// The address bar follows the run at most this often (ms of wall time).
const ADDRESS_PERIOD_MS: u32 = 400;

/// Overlays over the lab.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Overlay {
    /// The keyboard shortcuts.
    Help,
    /// Load, edit and export the scenario (the JSON as it was on opening).
    Scenario(Rc<String>),
    /// Share: the link to the run as it was on opening.
    Share(Rc<String>),
    /// The preset gallery.
    Presets,
}

/// Everything the UI can ask for.
pub enum Msg {
    /// An animation frame at this timestamp (ms).
    Frame(f64),
    /// Play or pause.
    TogglePlay,
    /// Process one event.
    Step,
    /// Set the speed (log10 of the factor).
    Speed(f64),
    /// Go to this virtual time (ms).
    Seek(f64),
    /// Select a node (or none).
    Select(Option<NodeId>),
    /// Select a link (or none).
    SelectLink(Option<(NodeId, NodeId)>),
    /// Apply a command to the simulation.
    Command(Command),
    /// Start again: a new seed, or the same.
    Reset {
        /// Draw a new seed.
        new_seed: bool,
    },
    /// Load a scenario.
    Load(Box<Scenario>),
    /// Open or close an overlay.
    Overlay(Option<Overlay>),
    /// Open the scenario dialog on the run as it stands.
    OpenScenario,
    /// Enter or leave partition drawing.
    PartitionMode(bool),
    /// Put a node on (or off) the drawn side.
    TogglePartitionNode(NodeId),
    /// Apply the drawn partition.
    ApplyPartition,
    /// A key was pressed.
    Key(KeyAction),
    /// Hide the error toast.
    DismissError,
    /// The location hash changed.
    Route(String),
    /// Select an event of the space-time diagram (or none).
    SelectPoint(Option<DotKey>),
    /// Compare an event with the selected one.
    ComparePoint(DotKey),
    /// Find two concurrent events ordered by Lamport time.
    FindPair,
    /// Download the run as a ShiViz log.
    ExportShiviz,
    /// Show or hide the space-time diagram.
    ToggleDiagram,
    /// Focus a quorum operation on the cluster (or follow the latest).
    FocusOp(Option<OpRef>),
    /// Pause and open the share dialog.
    OpenShare,
    /// Put the run's link in the address bar.
    SyncAddress,
    /// Open the run in the full lab, in a new tab (from embed mode).
    OpenFull,
    /// Open a guided tour (`id`: a protocol's name) at step `step` (0-based).
    StartTour {
        /// The tour's id.
        id: String,
        /// The step to open at.
        step: usize,
    },
    /// Go to a step of the open tour.
    TourGo(usize),
    /// Leave the tour (the lab stays where it is).
    ExitTour,
    /// Load the preset with this id (`raft-split-vote`).
    LoadPreset(String),
}

/// The open tour and the step shown.
struct TourState {
    tour: Rc<Tour>,
    step: usize,
}

/// The app.
pub struct App {
    scenario: Scenario,
    sim: AnySim,
    snapshot: Rc<Snapshot>,
    playing: bool,
    speed_exp: f64,
    last_frame: Option<f64>,
    frame: Option<AnimationFrame>,
    timer: FrameTimer,
    _keys: EventListener,
    _route: EventListener,
    selected: Option<NodeId>,
    selected_link: Option<(NodeId, NodeId)>,
    partition: Option<BTreeSet<NodeId>>,
    overlay: Option<Overlay>,
    error: Option<String>,
    requests: u32,
    point: Option<DotKey>,
    pair: Option<(DotKey, DotKey)>,
    compare: Option<DotKey>,
    diagram: bool,
    reveal: bool,
    charts: Option<Rc<ChartData>>,
    charts_at: f64,
    linearizability: LinearizabilityCache,
    focus_op: Option<OpRef>,
    ring: Option<RingCache>,
    view: View,
    origin: Source,
    base_commands: usize,
    address_timer: Option<Timeout>,
    tour: Option<TourState>,
    announcer: Announcer,
}

/// The ring lab's cluster-wide picture, refreshed at most every
/// [`CHART_PERIOD_MS`] while playing, and its placement analysis, redone
/// only when the membership changes.
struct RingCache {
    status: Rc<RingStatus>,
    analysis: Option<Rc<RingAnalysis>>,
    members: Vec<u32>,
    at: f64,
}

/// While the lab plays, charts redraw at most this often (ms of wall time):
/// a chart is a few milliseconds of SVG, too much for every frame.
const CHART_PERIOD_MS: f64 = 500.0;

/// The protocols the browser lab shows, by route (`#/raft`).
pub const ROUTES: &[ProtocolName] = &[
    ProtocolName::Raft,
    ProtocolName::Clocks,
    ProtocolName::Gossip,
    ProtocolName::Ring,
    ProtocolName::Quorum,
];

/// The default lab of a protocol: its `<protocol>-default` preset. Presets
/// are compiled in and covered by tests; should one ever fail to parse, a
/// bare scenario of that protocol stands in.
pub fn default_scenario(protocol: ProtocolName) -> Scenario {
    let id = format!("{}-default", protocol.as_str());
    PRESETS
        .iter()
        .find(|p| p.id == id)
        .and_then(|p| Scenario::from_json(p.json).ok())
        .unwrap_or(Scenario {
            name: None,
            description: None,
            protocol,
            nodes: 4,
            seed: 1,
            until_ms: 10_000,
            network: Default::default(),
            params: serde_json::Value::Null,
            schedule: Vec::new(),
        })
}

/// Builds the simulation of a scenario the browser lab can show.
pub fn build(scenario: &Scenario) -> Result<AnySim, String> {
    if !ROUTES.contains(&scenario.protocol) {
        return Err(format!(
            "protocol: the {} lab is not in the browser yet; run this scenario with `faultline run`",
            scenario.protocol.as_str()
        ));
    }
    AnySim::new(scenario, sim_config(scenario)).map_err(|e| e.to_string())
}

/// Builds `scenario`, or its lab's default when it does not build, with
/// the reason.
fn build_or_default(scenario: Scenario) -> (Scenario, AnySim, Option<String>) {
    match build(&scenario) {
        Ok(sim) => (scenario, sim, None),
        Err(e) => {
            let fallback = default_scenario(scenario.protocol);
            match build(&fallback) {
                Ok(sim) => (
                    fallback,
                    sim,
                    Some(format!("This link cannot be opened: the scenario: {e}")),
                ),
                Err(e2) => unreachable_sim(e2),
            }
        }
    }
}

fn is_typing(event: &web_sys::KeyboardEvent) -> bool {
    event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
}

impl App {
    fn schedule_frame(&mut self, ctx: &Context<Self>) {
        let link = ctx.link().clone();
        self.frame = Some(request_animation_frame(move |ts| {
            link.send_message(Msg::Frame(ts))
        }));
    }

    /// Takes a new snapshot; the charts follow at most every
    /// [`CHART_PERIOD_MS`] unless `now` asks for them at once.
    fn refresh(&mut self, now: bool) {
        let diagram = self.diagram;
        let sim = &self.sim;
        let mut snapshot =
            crate::perf::measure("faultline-snapshot", || Snapshot::of(sim, diagram));
        self.linearizability.fill(&mut snapshot, now);
        self.snapshot = Rc::new(snapshot);
        let wall = crate::perf::wall_ms();
        match self.snapshot.gossip.as_ref() {
            Some(lab) if now || wall - self.charts_at >= CHART_PERIOD_MS => {
                let data = ChartData::of(lab);
                if self.charts.as_deref() != Some(&data) {
                    self.charts = Some(Rc::new(data));
                }
                self.charts_at = wall;
            }
            Some(_) => {}
            None => self.charts = None,
        }
        self.refresh_ring(now, wall);
        self.announcer.observe(&self.snapshot, wall);
    }

    fn refresh_ring(&mut self, now: bool, wall: f64) {
        let AnySim::Ring(s) = &self.sim else {
            self.ring = None;
            return;
        };
        if !now
            && self
                .ring
                .as_ref()
                .is_some_and(|c| wall - c.at < CHART_PERIOD_MS)
        {
            return;
        }
        let status = crate::perf::measure("faultline-ring-status", || ring_status(s));
        let members: Vec<u32> = status.members.iter().map(|m| m.0).collect();
        let analysis = match self.ring.take() {
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
        self.ring = Some(RingCache {
            status: Rc::new(status),
            analysis,
            members,
            at: wall,
        });
    }

    fn apply(&mut self, command: Command) {
        if let Err(e) = self.sim.apply(command) {
            self.error = Some(e);
        }
    }

    fn status(&self, id: NodeId) -> Option<NodeStatus> {
        self.snapshot
            .nodes
            .iter()
            .find(|n| n.id == id)
            .map(|n| n.status)
    }

    /// Loads a scenario from the scenario dialog; an error leaves the
    /// running lab as it is.
    fn load(&mut self, scenario: Scenario) {
        match build(&scenario) {
            Ok(sim) => {
                if scenario.protocol != self.scenario.protocol {
                    self.speed_exp = default_speed(scenario.protocol);
                }
                self.install(scenario, sim, Source::Shared);
            }
            Err(e) => self.error = Some(e),
        }
    }

    /// Makes `sim` (built from `scenario`) the running lab, with nothing
    /// selected.
    fn install(&mut self, scenario: Scenario, sim: AnySim, origin: Source) {
        self.tour = None;
        self.announcer.reset();
        self.base_commands = sim.schedule().len();
        self.sim = sim;
        self.scenario = scenario;
        self.origin = origin;
        self.selected = None;
        self.selected_link = None;
        self.partition = None;
        self.error = None;
        self.requests = 0;
        self.point = None;
        self.pair = None;
        self.compare = None;
        self.focus_op = None;
        self.ring = None;
    }

    /// Opens what a link asks for: the run, its time, its view. A link
    /// that cannot be opened shows its lab's default and says why.
    fn open(&mut self, opening: Opening) {
        let Opening {
            scenario,
            at,
            view,
            tour,
            source,
            error,
        } = opening;
        let (scenario, sim, built_error) = build_or_default(scenario);
        let source = if error.is_some() || built_error.is_some() {
            Source::Default
        } else {
            source
        };
        self.install(scenario, sim, source);
        self.settle(at, view, tour, error.or(built_error));
    }

    /// What a link asks of the lab just installed: its time, its view, its
    /// tour; `error` is why the link could not be opened as written.
    fn settle(
        &mut self,
        at: Option<Time>,
        view: View,
        tour: Option<(String, u32)>,
        mut error: Option<String>,
    ) {
        let protocol = self.scenario.protocol;
        if let Some(t) = at.filter(|_| error.is_none()) {
            if !self.sim.run_until_bounded(t, OPEN_EVENT_BUDGET) {
                error = Some(format!(
                    "This link's time, {}, is further than the lab replays on opening ({OPEN_EVENT_BUDGET} events): it opened at {}. Press play to go on.",
                    crate::format::time(t),
                    crate::format::time(self.sim.now())
                ));
            }
        }
        self.playing = view
            .autoplay
            .unwrap_or(at.is_none() && !share::prefers_reduced_motion());
        self.speed_exp = view
            .speed
            .map_or(default_speed(protocol), |x| x.log10())
            .clamp(SPEED_RANGE.0, SPEED_RANGE.1);
        self.diagram = view.diagram.unwrap_or(true);
        self.refresh(true);
        self.selected = view.node.filter(|n| self.status(*n).is_some());
        share::apply_look(&view);
        self.view = view;
        if let (Some((id, step)), None) = (tour, &error) {
            error = self.open_tour(&id, step).err();
            self.refresh(true);
        }
        self.error = error;
    }

    /// Opens step `step` of the tour `id` (from a link).
    fn open_tour(&mut self, id: &str, step: u32) -> Result<(), String> {
        let tour = crate::tour::load(id).map_err(|e| {
            format!(
                "This link cannot be opened: `tour`: {}",
                e.trim_start_matches("tour: ")
            )
        })?;
        let last = tour.steps.len().saturating_sub(1);
        if step as usize > last {
            return Err(format!(
                "This link cannot be opened: `step`: the {id} tour has steps 0 to {last}"
            ));
        }
        self.tour_go(Rc::new(tour), step as usize);
        Ok(())
    }

    /// The look the reader chose (embedding, controls, theme, presenter):
    /// it stays when the lab changes.
    fn look(&self) -> View {
        View {
            embed: self.view.embed,
            controls: self.view.controls,
            theme: self.view.theme,
            presenter: self.view.presenter,
            ..View::default()
        }
    }

    /// The link that reopens the lab as it stands: short while an
    /// untouched default or preset plays, the whole run otherwise.
    fn link(&mut self, for_sharing: bool) -> Link {
        let protocol = Some(self.scenario.protocol);
        let untouched = self.sim.schedule().len() == self.base_commands && self.playing;
        let mut look = self.look();
        if let (Some(t), false) = (&self.tour, for_sharing) {
            return Link {
                protocol,
                tour: Some(t.tour.id.into()),
                step: Some(t.step as u32),
                view: look,
                ..Link::default()
            };
        }
        if !for_sharing && untouched {
            match &self.origin {
                Source::Default => {
                    return Link {
                        protocol,
                        view: look,
                        ..Link::default()
                    }
                }
                Source::Preset(id) => {
                    return Link {
                        protocol,
                        preset: Some(id.clone()),
                        view: look,
                        ..Link::default()
                    }
                }
                Source::Shared => {}
            }
        }
        // Settle what is due now, as a replay to this time will.
        let now = self.sim.now();
        self.sim.run_until(now);
        look.node = self.selected;
        look.diagram = (!self.diagram).then_some(false);
        let speed = 10f64.powf(self.speed_exp);
        look.speed = ((self.speed_exp - default_speed(self.scenario.protocol)).abs() > 1e-6)
            .then_some(speed);
        look.autoplay = (!for_sharing && self.playing).then_some(true);
        Link {
            protocol,
            scenario: Some(self.sim.to_scenario()),
            at: Some(now),
            view: look,
            ..Link::default()
        }
    }

    /// Puts the run's link in the address bar now, and again after
    /// [`ADDRESS_PERIOD_MS`] for what changes meanwhile (at most one
    /// update per period).
    fn schedule_address(&mut self, ctx: &Context<Self>) {
        if self.address_timer.is_none() {
            share::replace_address(&self.link(false).to_fragment());
            let link = ctx.link().clone();
            self.address_timer = Some(Timeout::new(ADDRESS_PERIOD_MS, move || {
                link.send_message(Msg::SyncAddress)
            }));
        }
    }

    /// Shows step `step` of `tour`: its scenario replayed to its time, paused.
    fn tour_go(&mut self, tour: Rc<Tour>, step: usize) {
        let scenario = match tour.scenario_at(step) {
            Ok(s) => s,
            Err(e) => {
                self.error = Some(e);
                return;
            }
        };
        self.load(scenario);
        if self.error.is_some() {
            return;
        }
        self.sim.run_until(tour.time_at(step));
        self.playing = false;
        self.overlay = None;
        let s = &tour.steps[step];
        let text = format!(
            "Tour step {} of {}: {}",
            step + 1,
            tour.steps.len(),
            s.title
        );
        self.announcer.say(text, crate::perf::wall_ms());
        self.tour = Some(TourState { tour, step });
    }

    /// PageDown / PageUp: a tour step, or one event, forward or back.
    fn page(&mut self, forward: bool) {
        if let Some(t) = &self.tour {
            let last = t.tour.steps.len() - 1;
            let step = if forward {
                (t.step + 1).min(last)
            } else {
                t.step.saturating_sub(1)
            };
            if step != t.step {
                self.tour_go(t.tour.clone(), step);
            }
        } else if forward {
            self.playing = false;
            self.sim.step();
        } else {
            self.playing = false;
            crate::stepping::step_back(&mut self.sim);
        }
    }

    fn seek_ms(&mut self, ms: f64) {
        self.playing = false;
        let t = Time::from_ms_f64(ms.clamp(0.0, self.sim.horizon().as_ms()));
        self.sim.seek(t);
    }

    fn next_request(&mut self) -> String {
        self.requests += 1;
        let key = ["x", "y", "z", "w"][(self.requests as usize - 1) % 4];
        format!("set {key}={}", self.requests)
    }

    /// The cluster drawing: the ring, the gossip canvas or the topology.
    fn drawing(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let snap = self.snapshot.clone();
        let on_select = link.callback(Msg::Select);
        let on_select_link = link.callback(Msg::SelectLink);
        let on_partition_node = link.callback(Msg::TogglePartitionNode);
        let on_drop = link.callback(|id| Msg::Command(Command::DropMessage { id }));
        let on_focus = link.callback(Msg::FocusOp);
        let focus = snap
            .quorum
            .as_ref()
            .and_then(|lab| crate::quorum::focus(lab, self.focus_op));
        let overlay = snap.quorum.as_ref().map(|lab| {
            quorum_overlay::overlay(&snap, lab, focus, self.focus_op.is_some(), &on_focus)
        });
        let (under, over, caption) = match overlay {
            Some(o) => (o.under, o.over, o.caption),
            None => Default::default(),
        };
        html! {
            <>
                if let Some((c, a)) = self.ring.as_ref().and_then(|c| Some((c, c.analysis.clone()?))) {
                    <RingCanvas snapshot={snap.clone()} analysis={a} status={c.status.clone()}
                        selected={self.selected} on_select={on_select.clone()} />
                } else if snap.ring.is_some() {
                    <section class="panel"><p class="dim">{ "No members left: add a node." }</p></section>
                } else if snap.gossip.is_some() {
                    <GossipCanvas
                        snapshot={snap.clone()}
                        selected={self.selected}
                        partition={self.partition.clone()}
                        on_select={on_select.clone()}
                        on_partition_node={on_partition_node}
                    />
                } else {
                    <Topology
                        snapshot={snap.clone()}
                        protocol={self.scenario.protocol}
                        selected={self.selected}
                        selected_link={self.selected_link}
                        partition={self.partition.clone()}
                        on_select={on_select.clone()}
                        on_select_link={on_select_link}
                        on_partition_node={on_partition_node}
                        on_drop={on_drop}
                        {under}
                        {over}
                        {caption}
                    />
                }
            </>
        }
    }

    /// The playback controls the view asks for.
    fn controls(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let snap = &self.snapshot;
        if self.view.controls == ControlsOption::None {
            return Html::default();
        }
        html! {
            <Controls
                minimal={self.view.controls == ControlsOption::Minimal}
                playing={self.playing}
                speed_exp={self.speed_exp}
                now={snap.now}
                horizon={snap.horizon}
                events={snap.events}
                trace_hash={snap.trace_hash.clone()}
                on_toggle={link.callback(|_| Msg::TogglePlay)}
                on_step={link.callback(|_| Msg::Step)}
                on_speed={link.callback(Msg::Speed)}
                on_seek={link.callback(Msg::Seek)}
                on_reset={link.callback(|new_seed| Msg::Reset { new_seed })}
            />
        }
    }

    /// Embed mode: the drawing and the chosen controls, fitted to the frame.
    fn embedded(&self, ctx: &Context<Self>, error: Option<Html>) -> Html {
        let label = format!("faultline {} lab", self.scenario.protocol.as_str());
        html! {
            <div class="app">
                <main class="stage embedded" aria-label={label}>
                    <div class="drawing">{ self.drawing(ctx) }</div>
                    { self.controls(ctx) }
                </main>
                <button class="open-full" onclick={ctx.link().callback(|_| Msg::OpenFull)}
                    title="Open this run in the full lab, in a new tab">{ "faultline ↗" }</button>
                { error }
            </div>
        }
    }

    fn on_key(&mut self, ctx: &Context<Self>, action: KeyAction) -> bool {
        let link = ctx.link();
        match action {
            KeyAction::PlayPause => link.send_message(Msg::TogglePlay),
            KeyAction::Step => link.send_message(Msg::Step),
            KeyAction::Faster => {
                link.send_message(Msg::Speed(self.speed_exp + std::f64::consts::LOG10_2))
            }
            KeyAction::Slower => {
                link.send_message(Msg::Speed(self.speed_exp - std::f64::consts::LOG10_2))
            }
            KeyAction::Back => link.send_message(Msg::Seek(self.sim.now().as_ms() - 100.0)),
            KeyAction::Forward => link.send_message(Msg::Seek(self.sim.now().as_ms() + 100.0)),
            KeyAction::Start => link.send_message(Msg::Seek(0.0)),
            KeyAction::NewSeed => link.send_message(Msg::Reset { new_seed: true }),
            KeyAction::Help => {
                let next = (self.overlay != Some(Overlay::Help)).then_some(Overlay::Help);
                link.send_message(Msg::Overlay(next));
            }
            KeyAction::Escape => {
                self.overlay = None;
                self.partition = None;
                self.selected = None;
                self.selected_link = None;
                return true;
            }
            KeyAction::Select(i) => {
                let id = NodeId(i);
                if self.status(id).is_some() {
                    link.send_message(Msg::Select(Some(id)));
                }
            }
            KeyAction::Heal => link.send_message(Msg::Command(Command::Heal)),
            KeyAction::NextPage | KeyAction::PrevPage => {
                self.page(action == KeyAction::NextPage);
                return true;
            }
            KeyAction::CrashRestart
            | KeyAction::PauseResume
            | KeyAction::TimeoutNow
            | KeyAction::ClientRequest => {
                let Some(node) = self.selected else {
                    self.error = Some("Select a node first (click it, or press 1 – 9).".into());
                    return true;
                };
                let status = self.status(node);
                let command = match action {
                    KeyAction::CrashRestart if status == Some(NodeStatus::Crashed) => {
                        Command::Restart { node }
                    }
                    KeyAction::CrashRestart => Command::Crash { node },
                    KeyAction::PauseResume if status == Some(NodeStatus::Paused) => {
                        Command::Resume { node }
                    }
                    KeyAction::PauseResume => Command::Pause { node },
                    KeyAction::TimeoutNow if self.scenario.protocol == ProtocolName::Raft => {
                        Command::Fire {
                            node,
                            timer: "election".into(),
                        }
                    }
                    KeyAction::TimeoutNow => {
                        self.error = Some("T (time out now) is a Raft control.".into());
                        return true;
                    }
                    _ if self.scenario.protocol == ProtocolName::Gossip => Command::Rumor { node },
                    _ if self.scenario.protocol == ProtocolName::Quorum => {
                        self.requests += 1;
                        Command::Client {
                            node,
                            request: serde_json::json!({
                                "type": "put", "key": "k0", "value": format!("q{}", self.requests)
                            }),
                        }
                    }
                    _ if self.scenario.protocol == ProtocolName::Clocks => Command::Client {
                        node,
                        request: serde_json::json!({"type": "local"}),
                    },
                    _ => Command::Client {
                        node,
                        request: self.next_request().into(),
                    },
                };
                link.send_message(Msg::Command(command));
            }
        }
        false
    }
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let hash = gloo::utils::window().location().hash().unwrap_or_default();
        let Opening {
            scenario,
            at,
            view,
            tour,
            source,
            error,
        } = share::opening(&hash);
        let (scenario, sim, built_error) = build_or_default(scenario);
        let error = error.or(built_error);
        let source = if error.is_some() {
            Source::Default
        } else {
            source
        };
        let link = ctx.link().clone();
        let document = gloo::utils::document();
        let keys = EventListener::new_with_options(
            &document,
            "keydown",
            EventListenerOptions::enable_prevent_default(),
            move |event| {
                let Some(event) = event.dyn_ref::<web_sys::KeyboardEvent>() else {
                    return;
                };
                let escape = event.key() == "Escape";
                if (is_typing(event) && !escape)
                    || event.ctrl_key()
                    || event.meta_key()
                    || event.alt_key()
                {
                    return;
                }
                if let Some(action) = keys::action(&event.key()) {
                    if matches!(
                        action,
                        KeyAction::PlayPause
                            | KeyAction::Back
                            | KeyAction::Forward
                            | KeyAction::NextPage
                            | KeyAction::PrevPage
                    ) {
                        event.prevent_default();
                    }
                    link.send_message(Msg::Key(action));
                }
            },
        );
        let on_route = ctx.link().clone();
        // The URL the navigation went to, not the address bar when the
        // event is handled: the lab may have rewritten that since.
        let route_listener = EventListener::new(&gloo::utils::window(), "hashchange", move |e| {
            let url = e
                .dyn_ref::<web_sys::HashChangeEvent>()
                .map(|e| e.new_url())
                .unwrap_or_else(|| gloo::utils::window().location().hash().unwrap_or_default());
            on_route.send_message(Msg::Route(url));
        });
        let snapshot = Rc::new(Snapshot::of(&sim, true));
        let base_commands = sim.schedule().len();
        let speed_exp = default_speed(scenario.protocol);
        let mut app = App {
            scenario,
            sim,
            snapshot,
            playing: true,
            speed_exp,
            last_frame: None,
            frame: None,
            timer: FrameTimer::default(),
            _keys: keys,
            _route: route_listener,
            selected: None,
            selected_link: None,
            partition: None,
            overlay: None,
            error: None,
            requests: 0,
            point: None,
            pair: None,
            compare: None,
            diagram: true,
            reveal: false,
            charts: None,
            charts_at: f64::NEG_INFINITY,
            linearizability: LinearizabilityCache::default(),
            focus_op: None,
            ring: None,
            view: View::default(),
            origin: source,
            base_commands,
            address_timer: None,
            tour: None,
            announcer: Announcer::default(),
        };
        app.settle(at, view, tour, error);
        share::replace_address(&app.link(false).to_fragment());
        app.schedule_frame(ctx);
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        let frame = matches!(msg, Msg::Frame(_));
        match msg {
            Msg::Frame(ts) => {
                self.schedule_frame(ctx);
                let dt = self
                    .last_frame
                    .map_or(0.0, |last| (ts - last).clamp(0.0, MAX_FRAME_MS));
                self.last_frame = Some(ts);
                if !self.playing {
                    return false;
                }
                self.timer.start();
                let factor = 10f64.powf(self.speed_exp);
                let target = self.sim.now() + (dt * factor * 1000.0).round() as u64;
                let sim = &mut self.sim;
                crate::perf::measure("faultline-step", || {
                    sim.run_until_bounded(target, FRAME_EVENT_BUDGET)
                });
            }
            Msg::TogglePlay => {
                self.playing = !self.playing;
            }
            Msg::Step => {
                self.playing = false;
                self.sim.step();
            }
            Msg::Speed(exp) => self.speed_exp = exp.clamp(SPEED_RANGE.0, SPEED_RANGE.1),
            Msg::Seek(ms) => self.seek_ms(ms),
            Msg::Select(id) => {
                self.selected = id;
                self.selected_link = None;
                self.reveal = id.is_some();
            }
            Msg::SelectLink(link) => {
                self.selected_link = link;
            }
            Msg::Command(command) => self.apply(command),
            Msg::Reset { new_seed } => {
                let mut scenario = self.scenario.clone();
                let mut source = self.origin.clone();
                if new_seed {
                    scenario.seed = (js_random() * 1e9) as u64;
                    source = Source::Shared;
                }
                match build(&scenario) {
                    Ok(sim) => self.install(scenario, sim, source),
                    Err(e) => self.error = Some(e),
                }
                self.playing = true;
            }
            Msg::Load(scenario) => {
                self.load(*scenario);
                if self.error.is_none() {
                    self.overlay = None;
                    self.playing = true;
                }
            }
            Msg::Overlay(o) => self.overlay = o,
            Msg::OpenScenario => {
                self.overlay = Some(Overlay::Scenario(Rc::new(self.sim.to_scenario().to_json())));
            }
            Msg::PartitionMode(on) => {
                self.partition = on.then(BTreeSet::new);
            }
            Msg::TogglePartitionNode(id) => {
                if let Some(side) = self.partition.as_mut() {
                    if !side.remove(&id) {
                        side.insert(id);
                    }
                }
            }
            Msg::ApplyPartition => {
                if let Some(side) = self.partition.take() {
                    let all: Vec<NodeId> = self.snapshot.nodes.iter().map(|n| n.id).collect();
                    let (b, a): (Vec<NodeId>, Vec<NodeId>) =
                        all.into_iter().partition(|n| side.contains(n));
                    if a.is_empty() || b.is_empty() {
                        self.error = Some("A partition needs nodes on both sides.".into());
                    } else {
                        self.apply(Command::Partition { groups: vec![a, b] });
                    }
                }
            }
            Msg::Key(action) => {
                if self.on_key(ctx, action) {
                    self.refresh(true);
                    self.schedule_address(ctx);
                    return true;
                }
                return false;
            }
            Msg::DismissError => self.error = None,
            Msg::SelectPoint(key) => {
                self.point = key;
                self.compare = None;
            }
            Msg::ComparePoint(key) => self.compare = Some(key),
            Msg::FindPair => {
                let since =
                    Time::from_ms_f64(self.snapshot.now.as_ms() - self.snapshot.diagram_span_ms);
                let found = self.snapshot.diagram.as_ref().and_then(|d| {
                    let (a, b) = d.lamport_limit(since)?;
                    Some((DotKey::of(d, a)?, DotKey::of(d, b)?))
                });
                self.playing = false;
                match found {
                    Some(pair) => self.pair = Some(pair),
                    None => {
                        self.error =
                            Some("No concurrent pair in view yet: let it run a little.".into())
                    }
                }
            }
            Msg::ExportShiviz => {
                if let Some(d) = self.snapshot.diagram.as_ref() {
                    let name = format!(
                        "faultline-{}-seed{}.log",
                        self.scenario.protocol.as_str(),
                        self.sim.seed()
                    );
                    if let Err(e) = crate::download::text_file(&name, &d.shiviz()) {
                        self.error = Some(e);
                    }
                }
            }
            Msg::ToggleDiagram => self.diagram = !self.diagram,
            Msg::FocusOp(op) => self.focus_op = op,
            Msg::StartTour { id, step } => match crate::tour::load(&id) {
                Ok(tour) => self.tour_go(Rc::new(tour), step),
                Err(e) => self.error = Some(e),
            },
            Msg::TourGo(step) => {
                if let Some(tour) = self.tour.as_ref().map(|t| t.tour.clone()) {
                    self.tour_go(tour, step);
                }
            }
            Msg::ExitTour => self.tour = None,
            Msg::LoadPreset(id) => match crate::presets::scenario(&id) {
                Ok(scenario) => {
                    self.load(scenario);
                    if self.error.is_none() {
                        self.origin = Source::Preset(id);
                        self.overlay = None;
                        self.playing = true;
                    }
                }
                Err(e) => self.error = Some(e),
            },
            Msg::Route(hash) => self.open(share::opening(&hash)),
            Msg::OpenShare => {
                self.playing = false;
                let fragment = self.link(true).to_fragment();
                share::replace_address(&fragment);
                let url = format!("{}{fragment}", share::page_url());
                self.overlay = Some(Overlay::Share(Rc::new(url)));
            }
            Msg::OpenFull => {
                let mut link = self.link(true);
                link.view.embed = false;
                link.view.controls = ControlsOption::Full;
                let url = format!("{}{}", share::page_url(), link.to_fragment());
                gloo::utils::window()
                    .open_with_url_and_target(&url, "_blank")
                    .ok();
            }
            Msg::SyncAddress => {
                self.address_timer = None;
                share::replace_address(&self.link(false).to_fragment());
                return false;
            }
        }
        self.refresh(!frame);
        if !frame {
            self.schedule_address(ctx);
        }
        true
    }

    fn rendered(&mut self, _ctx: &Context<Self>, _first: bool) {
        self.timer.end();
        if std::mem::take(&mut self.reveal) {
            reveal_node_panel();
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let snap = self.snapshot.clone();
        let on_command = link.callback(Msg::Command);
        let on_select = link.callback(Msg::Select);
        let on_focus = link.callback(Msg::FocusOp);
        let focus = snap
            .quorum
            .as_ref()
            .and_then(|lab| crate::quorum::focus(lab, self.focus_op));
        let error = self.error.clone().map(|e| {
            html! {
                <div class="toast" role="alert">
                    <span>{ e }</span>
                    <button class="ghost" aria-label="Dismiss" onclick={link.callback(|_| Msg::DismissError)}>{ "×" }</button>
                </div>
            }
        });
        let protocol = self.scenario.protocol;
        let name = self
            .scenario
            .name
            .clone()
            .unwrap_or_else(|| "Untitled scenario".into());
        if self.view.embed {
            return self.embedded(ctx, error);
        }
        let look = Link {
            view: self.look(),
            ..Link::default()
        }
        .to_fragment();
        let look = look
            .split_once('?')
            .map(|(_, q)| format!("?{q}"))
            .unwrap_or_default();
        html! {
            <div class="app">
                <Header
                    protocol={self.scenario.protocol}
                    scenario={name}
                    seed={self.sim.seed()}
                    {look}
                    on_share={link.callback(|_| Msg::OpenShare)}
                    on_scenario={link.callback(|_| Msg::OpenScenario)}
                    on_help={link.callback(|_| Msg::Overlay(Some(Overlay::Help)))}
                    on_tour={link.callback(move |_| Msg::StartTour { id: protocol.as_str().into(), step: 0 })}
                    on_presets={link.callback(|_| Msg::Overlay(Some(Overlay::Presets)))}
                />
                <div class="sr-only" role="status" aria-live="polite" aria-atomic="true">{ self.announcer.text.clone() }</div>
                <main class={classes!("lab", self.tour.is_some().then_some("touring"))}>
                    if let Some(t) = &self.tour {
                        <TourCard
                            tour={t.tour.clone()}
                            index={t.step}
                            on_go={link.callback(Msg::TourGo)}
                            on_exit={link.callback(|_| Msg::ExitTour)}
                        />
                    }
                    <section class="stage" aria-label="Cluster">
                        { self.drawing(ctx) }
                        { self.controls(ctx) }
                        if snap.raft.is_some() {
                            <Logs snapshot={snap.clone()} selected={self.selected} on_select={on_select.clone()} />
                        }
                        if let Some(data) = self.charts.clone() {
                            <GossipCharts {data} />
                        }
                        if let (Some(a), Some(lab)) = (self.ring.as_ref().and_then(|c| c.analysis.clone()), snap.ring.as_ref()) {
                            <RingCharts analysis={a} vnodes={lab.params.vnodes} />
                        }
                        if let Some(lab) = snap.quorum.as_ref() {
                            <QuorumHistory snapshot={snap.clone()} {focus} on_focus={on_focus.clone()} />
                            <PbsPanel n={lab.params.n} r={lab.params.r} w={lab.params.w}
                                latency_us={snap.network.link.latency} />
                        }
                        if !self.diagram && snap.gossip.is_none() {
                            <section class="panel spacetime collapsed">
                                <button onclick={link.callback(|_| Msg::ToggleDiagram)}>{ "Show space-time diagram" }</button>
                            </section>
                        }
                        if let Some(d) = snap.diagram.as_ref() {
                            <SpaceTime
                                snapshot={snap.clone()}
                                selected={self.point.and_then(|k| k.find(d))}
                                pair={self.pair.and_then(|(a, b)| Some((a.find(d)?, b.find(d)?)))}
                                compare={self.compare.and_then(|k| k.find(d))}
                                on_compare={link.callback(Msg::ComparePoint)}
                                on_select={link.callback(Msg::SelectPoint)}
                                on_find_pair={link.callback(|_| Msg::FindPair)}
                                on_export={link.callback(|_| Msg::ExportShiviz)}
                                on_hide={link.callback(|_| Msg::ToggleDiagram)}
                            />
                        }
                    </section>
                    <aside class="side">
                        if snap.raft.is_some() {
                            <NodePanel
                                snapshot={snap.clone()}
                                selected={self.selected}
                                on_command={on_command.clone()}
                                on_select={on_select.clone()}
                            />
                        }
                        if let Some(c) = self.ring.as_ref() {
                            <RingPanel
                                snapshot={snap.clone()}
                                status={c.status.clone()}
                                analysis={c.analysis.clone()}
                                selected={self.selected}
                                on_command={on_command.clone()}
                            />
                        }
                        if snap.gossip.is_some() {
                            <GossipPanel
                                snapshot={snap.clone()}
                                selected={self.selected}
                                on_command={on_command.clone()}
                            />
                        }
                        if snap.quorum.is_some() {
                            <QuorumPanel
                                snapshot={snap.clone()}
                                selected={self.selected}
                                on_command={on_command.clone()}
                                on_select={on_select.clone()}
                            />
                        }
                        if snap.clocks.is_some() {
                            <ClocksPanel
                                snapshot={snap.clone()}
                                selected={self.selected}
                                on_command={on_command.clone()}
                                on_select={on_select}
                            />
                        }
                        <NetworkPanel
                            snapshot={snap.clone()}
                            selected_link={self.selected_link}
                            partition={self.partition.clone()}
                            on_command={on_command}
                            on_partition_mode={link.callback(Msg::PartitionMode)}
                            on_apply_partition={link.callback(|_| Msg::ApplyPartition)}
                        />
                        <Invariants snapshot={snap.clone()} />
                        <EventLog snapshot={snap} />
                    </aside>
                </main>
                { error }
                if self.overlay == Some(Overlay::Help) {
                    <Help on_close={link.callback(|_| Msg::Overlay(None))} />
                }
                if let Some(Overlay::Share(url)) = &self.overlay {
                    <ShareDialog link={(**url).clone()} lab={crate::components::header::lab_label(self.scenario.protocol)}
                        on_close={link.callback(|_| Msg::Overlay(None))} />
                }
                if self.overlay == Some(Overlay::Presets) {
                    <Gallery
                        {protocol}
                        on_load={link.callback(Msg::LoadPreset)}
                        on_close={link.callback(|_| Msg::Overlay(None))}
                    />
                }
                if let Some(Overlay::Scenario(json)) = &self.overlay {
                    <ScenarioDialog
                        current={(**json).clone()}
                        on_load={link.callback(|s: Scenario| Msg::Load(Box::new(s)))}
                        on_close={link.callback(|_| Msg::Overlay(None))}
                    />
                }
            </div>
        }
    }
}

/// On a stacked (narrow) layout the node panel sits far below the drawing:
/// bring it into view when a node is selected.
fn reveal_node_panel() {
    let window = gloo::utils::window();
    let narrow = window
        .inner_width()
        .ok()
        .and_then(|w| w.as_f64())
        .is_some_and(|w| w < 980.0);
    if !narrow {
        return;
    }
    if let Ok(Some(panel)) = gloo::utils::document().query_selector(".side .panel.node") {
        panel.scroll_into_view();
    }
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// `Math.random`: only for drawing a fresh seed; the run itself never
    /// uses it.
    #[wasm_bindgen(js_namespace = Math, js_name = random)]
    fn js_random() -> f64;
}

/// The built-in defaults always build; if they ever did not, there is
/// nothing sensible to show, so the panic hook's banner takes over.
fn unreachable_sim<T>(e: impl std::fmt::Display) -> T {
    panic!("the built-in default scenario does not build: {e}")
}
