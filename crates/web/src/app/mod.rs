//! The app shell: owns the simulator and the running lab, runs the frame
//! loop, turns UI actions into commands, and lays out the page. What a
//! protocol shows and how lives in its lab ([`crate::labs`]).

mod input;
mod open;
mod view;

use crate::announce::Announcer;
use crate::components::network_panel::MessageFault;
use crate::components::params_panel;
use crate::components::spacetime::DotKey;
use crate::hunt::Hunt;
use crate::keys::KeyAction;
use crate::labs::{self, Entry, Lab, LabMsg};
use crate::math;
use crate::perf::FrameTimer;
use crate::running::{self, SPEED_RANGE};
use crate::share::{self, Source};
use crate::snapshot::Snapshot;
use crate::tour::Tour;
use faultline_core::link::View;
use faultline_core::sim::NodeStatus;
use faultline_core::sortedmap::SortedSet;
use faultline_core::{AnySim, Command, NodeId, Scenario, Time};
use gloo::events::EventListener;
use gloo::render::{request_animation_frame, AnimationFrame};
use gloo::timers::callback::Timeout;
use std::rc::Rc;
use yew::prelude::*;

/// Most virtual time one frame may advance, so a hidden tab does not jump.
const MAX_FRAME_MS: f64 = 100.0;
/// Most events one frame may process (the sim lags rather than freezes).
const FRAME_EVENT_BUDGET: u64 = 20_000;

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
    /// Choose what a click on a message in flight does.
    MessageFault(MessageFault),
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
    /// A message for the running lab, from its own controls.
    Lab(LabMsg),
    /// Restart the run from 0 (same seed, same commands) with one of its
    /// parameters (a knob's key, or `nodes`) set to a control's value.
    SetParam(&'static str, String),
    /// Switch a textbook bug on or off (a restart with `params.bugs` so).
    SetBug(&'static faultline_core::bug::Bug, bool),
    /// Start (true) or stop (false) the counterexample search.
    Hunt(bool),
    /// A search worker answered.
    HuntReply(crate::hunt::Reply),
    /// Look for this property (an index into the protocol's properties;
    /// any, if `None`).
    HuntProperty(Option<usize>),
    /// Give the search this many runs at most.
    HuntBudget(u64),
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
    /// Something fetched arrived (fetch number `seq`).
    Fetched {
        /// The fetch it answers; answers to an older fetch are dropped.
        seq: u32,
        /// What arrived, or why it did not.
        what: open::Fetched,
    },
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
    /// The running lab, and its registry entry.
    lab: Box<dyn Lab>,
    entry: &'static Entry,
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
    partition: Option<SortedSet<NodeId>>,
    /// What a click on a message in flight does.
    message_fault: MessageFault,
    overlay: Option<Overlay>,
    error: Option<String>,
    /// The run's `params` with `nodes`, as the parameters panel shows them.
    params: Rc<serde_json::Value>,
    /// The parameter whose last value the scenario refused, and why.
    param_error: Option<(&'static str, String)>,
    point: Option<DotKey>,
    pair: Option<(DotKey, DotKey)>,
    compare: Option<DotKey>,
    diagram: bool,
    reveal: bool,
    view: View,
    origin: Source,
    base_commands: usize,
    address_timer: Option<Timeout>,
    tour: Option<TourState>,
    announcer: Announcer,
    /// What is being fetched before the lab can show (a preset, a tour).
    loading: Option<open::Loading>,
    /// Fetches started so far (the latest one's answer is the one used).
    fetches: u32,
    /// The counterexample search, running or done.
    hunt: Option<Hunt>,
    /// What it looks for.
    hunt_property: Option<&'static str>,
    /// Its most runs.
    hunt_budget: u64,
    /// The violation the loaded counterexample is about to show.
    expect: Option<(String, Time)>,
}

/// The run's `params` as its scenario writes them, with its `nodes`: what
/// the parameters panel shows.
fn params_of(sim: &AnySim) -> serde_json::Value {
    let scenario = sim.to_scenario();
    let mut params = scenario.params;
    if let serde_json::Value::Object(map) = &mut params {
        map.insert(params_panel::NODES.into(), scenario.nodes.into());
    }
    params
}

impl App {
    fn schedule_frame(&mut self, ctx: &Context<Self>) {
        let link = ctx.link().clone();
        self.frame = Some(request_animation_frame(move |ts| {
            link.send_message(Msg::Frame(ts))
        }));
    }

    /// Takes a new snapshot through the lab; `now` asks the lab for its
    /// costly derived data (charts, checks) at once.
    fn refresh(&mut self, now: bool) {
        let (lab, sim, diagram) = (&mut self.lab, &self.sim, self.diagram);
        let snapshot =
            crate::perf::measure("faultline-snapshot", || lab.snapshot(sim, diagram, now));
        let news = self.lab.news(&snapshot);
        self.snapshot = Rc::new(snapshot);
        self.announcer
            .observe(&self.snapshot, news, crate::perf::wall_ms());
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

    /// Loads a scenario (from the scenario dialog, a preset, a tour step);
    /// an error leaves the running lab as it is. A scenario of a lab that
    /// lives on another page opens there, as a link to the run.
    fn load(&mut self, scenario: Scenario) {
        if !labs::compiled(scenario.protocol) {
            let link = faultline_core::link::Link {
                scenario: Some(scenario),
                ..Default::default()
            };
            share::navigate(&link.to_fragment());
            return;
        }
        match running::build(&scenario) {
            Ok(sim) => {
                if scenario.protocol != self.scenario.protocol {
                    self.speed_exp =
                        labs::entry(scenario.protocol).map_or(self.speed_exp, |e| e.default_speed);
                }
                self.install(scenario, sim, Source::Shared);
            }
            Err(e) => self.error = Some(e),
        }
    }

    /// Restarts the run with parameter `key` set to a control's `text`; a
    /// value the scenario refuses is kept beside its control instead.
    fn set_param(&mut self, key: &'static str, text: &str) {
        let max = self.scenario.protocol.info().map_or(1, |i| i.max_nodes);
        let nodes = params_panel::nodes_knob(max);
        let knobs = self.scenario.protocol.info().map_or(&[][..], |i| i.knobs);
        let Some(knob) = knobs.iter().chain([&nodes]).find(|k| k.key == key) else {
            return;
        };
        let mut scenario = self.sim.to_scenario();
        let set = knob.parse(text).and_then(|value| {
            if key == params_panel::NODES {
                scenario.nodes = value.as_u64().unwrap_or(1) as u32;
                Ok(())
            } else {
                knob.set(&mut scenario.params, value)
            }
        });
        match set {
            Ok(()) => self.restart_with(scenario, key),
            Err(e) => self.param_error = Some((key, e)),
        }
    }

    /// Restarts the run with bug `name` switched on or off.
    /// Starts a search from the run as it stands, or stops the one running.
    fn hunt(&mut self, ctx: &Context<Self>, start: bool) {
        if let Some(h) = self.hunt.as_mut() {
            h.stop();
        }
        if start {
            let goal = crate::hunt::Goal {
                scenario: self.sim.to_scenario(),
                property: self.hunt_property,
                budget: self.hunt_budget,
            };
            let lab = self.sim.protocol().as_str();
            self.hunt = Some(Hunt::start(lab, &goal, ctx.link().callback(Msg::HuntReply)));
        }
    }

    /// A worker's answer; a counterexample found is loaded and paused just
    /// before its violation.
    fn hunt_reply(&mut self, reply: crate::hunt::Reply) {
        let Some(h) = self.hunt.as_mut() else {
            return;
        };
        let was_running = h.running();
        h.on_reply(reply);
        let crate::hunt::Status::Found(f) = &h.status else {
            return;
        };
        if !was_running {
            return;
        }
        let (scenario, property, at) = (f.scenario.clone(), f.property.clone(), f.at);
        self.load(scenario);
        if self.error.is_none() {
            self.playing = false;
            self.sim.seek(Time(at.0.saturating_sub(1)));
            self.expect = Some((property, at));
        }
    }

    fn set_bug(&mut self, bug: &'static faultline_core::bug::Bug, on: bool) {
        let mut scenario = self.sim.to_scenario();
        faultline_core::bug::switch_bug(&mut scenario.params, bug, on);
        self.restart_with(scenario, params_panel::BUGS);
    }

    /// Restarts from 0 with `scenario`, playing if the run was; a scenario
    /// that does not build keeps the run and is explained beside control
    /// `key`.
    fn restart_with(&mut self, scenario: Scenario, key: &'static str) {
        match running::build(&scenario) {
            Ok(sim) => {
                let playing = self.playing;
                self.install(scenario, sim, Source::Shared);
                self.playing = playing;
            }
            Err(e) => self.param_error = Some((key, e)),
        }
    }

    /// Makes `sim` (built from `scenario`) the running lab, with a fresh
    /// lab view and nothing selected.
    fn install(&mut self, scenario: Scenario, sim: AnySim, origin: Source) {
        self.tour = None;
        self.expect = None;
        if sim.protocol() != self.sim.protocol() {
            self.hunt = None;
            self.hunt_property = None;
        }
        self.announcer.reset();
        self.base_commands = sim.schedule().len();
        if let Some(entry) = labs::entry(sim.protocol()) {
            self.entry = entry;
        }
        self.lab = (self.entry.start)();
        self.sim = sim;
        self.scenario = scenario;
        self.origin = origin;
        self.selected = None;
        self.selected_link = None;
        self.partition = None;
        self.error = None;
        self.params = Rc::new(params_of(&self.sim));
        self.param_error = None;
        self.point = None;
        self.pair = None;
        self.compare = None;
    }

    fn seek_ms(&mut self, ms: f64) {
        self.playing = false;
        let t = Time::from_ms_f64(ms.clamp(0.0, self.sim.horizon().as_ms()));
        self.sim.seek(t);
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

    /// What a message does; `true` when the page must render again.
    fn handle(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        let frame = matches!(msg, Msg::Frame(_));
        match msg {
            Msg::Frame(ts) => {
                self.frame = None;
                if !self.playing || self.loading.is_some() {
                    self.last_frame = None;
                    return false;
                }
                self.schedule_frame(ctx);
                if self.timer.pending() {
                    // The last frame is not drawn yet: let it be, and
                    // catch up on the time at the next frame.
                    return false;
                }
                let dt = self
                    .last_frame
                    .map_or(0.0, |last| (ts - last).clamp(0.0, MAX_FRAME_MS));
                self.last_frame = Some(ts);
                self.timer.start();
                let factor = math::exp10(self.speed_exp);
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
                    // Another draw of the same world: the network settings
                    // the reader chose (latency, drop, duplicates) stay.
                    let link = self.snapshot.network.link;
                    scenario.network.preset = None;
                    scenario.network.latency_ms = Some([
                        link.latency.0 as f64 / 1000.0,
                        link.latency.1 as f64 / 1000.0,
                    ]);
                    scenario.network.drop = link.drop;
                    scenario.network.duplicate = link.duplicate;
                }
                match running::build(&scenario) {
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
            Msg::SetParam(key, text) => self.set_param(key, &text),
            Msg::SetBug(bug, on) if labs::HAS_BUGS => self.set_bug(bug, on),
            Msg::SetBug(..) => {}
            Msg::Hunt(start) if labs::HAS_BUGS => self.hunt(ctx, start),
            Msg::HuntReply(reply) if labs::HAS_BUGS => self.hunt_reply(reply),
            Msg::HuntProperty(i) => {
                self.hunt_property =
                    i.and_then(|i| properties(self.sim.protocol()).get(i).copied());
            }
            Msg::HuntBudget(b) => self.hunt_budget = b,
            Msg::Hunt(_) | Msg::HuntReply(_) => {}
            Msg::Overlay(o) => self.overlay = o,
            Msg::OpenScenario => {
                self.overlay = Some(Overlay::Scenario(Rc::new(self.sim.to_scenario().to_json())));
            }
            Msg::MessageFault(f) => self.message_fault = f,
            Msg::PartitionMode(on) => {
                self.partition = on.then(SortedSet::new);
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
                if self.loading.is_some() {
                    return false;
                }
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
            Msg::FindPair | Msg::ExportShiviz if !labs::HAS_DIAGRAM => {}
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
            Msg::Lab(msg) => self.lab.update(msg),
            Msg::StartTour { id, step } => {
                // Nothing changes until the tour arrives.
                self.fetch_tour(ctx, id, step, false);
                return false;
            }
            Msg::TourGo(step) => {
                if let Some(tour) = self.tour.as_ref().map(|t| t.tour.clone()) {
                    self.tour_go(tour, step);
                }
            }
            Msg::ExitTour => self.tour = None,
            Msg::LoadPreset(id) => {
                // A preset of a lab on another page opens there.
                if let Some(tab) = crate::presets::lab_of(&id)
                    .filter(|t| t.protocol().is_some_and(|p| !labs::compiled(p)))
                {
                    share::navigate(&format!("#/{}?preset={id}", tab.name));
                    return false;
                }
                // Nothing changes until the preset arrives.
                self.fetch_preset(ctx, id);
                return false;
            }
            Msg::Fetched { seq, what } => {
                if seq != self.fetches {
                    return false;
                }
                self.fetched(ctx, what);
                // What arrived changes the run: the address follows at once.
                self.address_timer = None;
            }
            // A route to a lab on another page: the page's loader starts it.
            Msg::Route(hash) if share::elsewhere(&hash) => return false,
            Msg::Route(hash) => self.open(ctx, share::opening(&hash)),
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
                link.view.controls = faultline_core::link::Controls::Full;
                let url = format!("{}{}", share::page_url(), link.to_fragment());
                gloo::utils::window()
                    .open_with_url_and_target(&url, "_blank")
                    .ok();
            }
            Msg::SyncAddress => {
                self.address_timer = None;
                if self.loading.is_none() {
                    share::replace_address(&self.link(false).to_fragment());
                }
                return false;
            }
        }
        self.refresh(!frame);
        if !frame {
            self.schedule_address(ctx);
        }
        true
    }
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let hash = gloo::utils::window().location().hash().unwrap_or_default();
        let opening = share::opening(&hash);
        let entry = labs::entry(opening.protocol).unwrap_or_else(labs::first);
        let scenario = running::bare_scenario(entry.protocol);
        let sim = running::build(&scenario).unwrap_or_else(unreachable_sim);
        let mut lab = (entry.start)();
        let snapshot = Rc::new(lab.snapshot(&sim, true, true));
        let params = Rc::new(params_of(&sim));
        let mut app = App {
            base_commands: sim.schedule().len(),
            scenario,
            sim,
            lab,
            entry,
            snapshot,
            playing: false,
            speed_exp: entry.default_speed,
            last_frame: None,
            frame: None,
            timer: FrameTimer::default(),
            _keys: App::listen_to_keys(ctx),
            _route: App::listen_to_routes(ctx),
            selected: None,
            selected_link: None,
            partition: None,
            message_fault: MessageFault::Drop,
            overlay: None,
            error: None,
            params,
            param_error: None,
            point: None,
            pair: None,
            compare: None,
            diagram: true,
            reveal: false,
            view: View::default(),
            origin: Source::Default,
            address_timer: None,
            tour: None,
            announcer: Announcer::default(),
            loading: None,
            fetches: 0,
            hunt: None,
            hunt_property: None,
            hunt_budget: crate::components::break_it::BUDGETS[1],
            expect: None,
        };
        app.open(ctx, opening);
        if app.loading.is_none() {
            share::replace_address(&app.link(false).to_fragment());
        }
        app.schedule_frame(ctx);
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        let render = self.handle(ctx, msg);
        // Frames run only while the run plays: a paused lab is still (the
        // loop stops at the first frame that finds it paused), and any
        // message that sets it playing starts the loop again.
        if self.frame.is_none() && self.playing && self.loading.is_none() {
            self.schedule_frame(ctx);
        }
        render
    }

    fn rendered(&mut self, _ctx: &Context<Self>, _first: bool) {
        self.timer.end();
        if std::mem::take(&mut self.reveal) {
            view::reveal_node_panel();
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        self.page_view(ctx)
    }
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// `Math.random`: only for drawing a fresh seed; the run itself never
    /// uses it.
    #[wasm_bindgen(js_namespace = Math, js_name = random)]
    fn js_random() -> f64;
}

/// The bare scenarios always build; if one ever did not, there is nothing
/// sensible to show, so the panic hook's banner takes over.
fn unreachable_sim<T>(e: impl std::fmt::Display) -> T {
    panic!("a bare scenario does not build: {e}")
}

/// The properties a search can look for in `protocol`: its invariants,
/// then properties of a whole history.
pub(crate) fn properties(protocol: faultline_core::ProtocolName) -> Vec<&'static str> {
    protocol.info().map_or(Vec::new(), |i| {
        i.invariants
            .iter()
            .chain(i.history_properties)
            .copied()
            .collect()
    })
}
