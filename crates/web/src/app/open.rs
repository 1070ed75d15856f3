//! Opening what a link, the gallery or a tour asks for: presets and tours
//! are fetched first (the lab shows a loading line meanwhile), then the run
//! is built, replayed to the link's time and shown; and the other way, the
//! link that reopens the run as it stands.

use super::{App, Msg, TourState};
use crate::labs;
use crate::math;
use crate::presets;
use crate::running::{self, SPEED_RANGE};
use crate::share::{self, Opening, Source, Start};
use crate::tour::{self, Tour};
use faultline_core::link::{Link, View};
use faultline_core::{ProtocolName, Scenario, Time};
use gloo::timers::callback::Timeout;
use std::future::Future;
use std::rc::Rc;
use yew::prelude::*;

/// Most events replayed when a link opens at a later time, so a hostile
/// `t` cannot freeze the page (about a second of work).
const OPEN_EVENT_BUDGET: u64 = 500_000;
/// The address bar follows the run at most this often (ms of wall time).
const ADDRESS_PERIOD_MS: u32 = 400;

/// What a fetch brought.
pub enum Fetched {
    /// The scenario of the link being opened (its preset or its lab's
    /// default), or why it could not be fetched.
    Opening(Result<Scenario, String>),
    /// A preset chosen in the gallery, by id.
    Preset(String, Result<Scenario, String>),
    /// A tour to show at `step`; `from_link` when a link asked for it.
    Tour {
        /// The tour, or why it could not be fetched.
        tour: Result<Tour, String>,
        /// The step to show (0-based).
        step: usize,
        /// Whether a link asked for it (its errors then name the option).
        from_link: bool,
    },
}

/// What the lab waits for before it shows.
pub struct Loading {
    /// What the page says meanwhile.
    pub text: String,
    /// The rest of the link being opened, when its scenario is awaited.
    pending: Option<Pending>,
}

/// A link's asks besides its scenario.
pub struct Pending {
    protocol: ProtocolName,
    at: Option<Time>,
    view: View,
    tour: Option<(String, u32)>,
    source: Source,
    error: Option<String>,
}

impl App {
    /// Runs `fetch` and hands what it brings back as [`Msg::Fetched`]; a
    /// later fetch supersedes it.
    fn spawn(&mut self, ctx: &Context<Self>, fetch: impl Future<Output = Fetched> + 'static) {
        self.fetches += 1;
        let seq = self.fetches;
        let link = ctx.link().clone();
        wasm_bindgen_futures::spawn_local(async move {
            let what = fetch.await;
            link.send_message(Msg::Fetched { seq, what });
        });
    }

    /// Opens what a link asks for: the run, its time, its view, its tour.
    /// A link that cannot be opened shows its lab's default and says why.
    pub(super) fn open(&mut self, ctx: &Context<Self>, opening: Opening) {
        let Opening {
            protocol,
            start,
            at,
            view,
            tour,
            source,
            error,
        } = opening;
        let pending = Pending {
            protocol,
            at,
            view,
            tour,
            source,
            error,
        };
        match start {
            Start::Run(scenario) => self.open_run(ctx, scenario, pending),
            Start::Preset(id) => {
                // The lab's bare cluster stands in, undrawn, meanwhile.
                self.install_bare(protocol);
                self.playing = false;
                self.loading = Some(Loading {
                    text: format!("Loading the {} lab…", labs::label(self.entry.protocol)),
                    pending: Some(pending),
                });
                self.spawn(
                    ctx,
                    async move { Fetched::Opening(presets::fetch(&id).await) },
                );
            }
        }
    }

    /// Installs a bare cluster of `protocol`'s lab (or the page's first).
    fn install_bare(&mut self, protocol: ProtocolName) {
        let protocol = labs::entry(protocol).unwrap_or_else(labs::first).protocol;
        let bare = running::bare_scenario(protocol);
        match running::build(&bare) {
            Ok(sim) => self.install(bare, sim, Source::Default),
            Err(e) => super::unreachable_sim(e),
        }
    }

    /// Builds and shows `scenario` as the link asks; a scenario that does
    /// not build opens its lab's default instead, with the reason.
    fn open_run(&mut self, ctx: &Context<Self>, scenario: Scenario, pending: Pending) {
        match running::build(&scenario) {
            Ok(sim) => {
                let source = if pending.error.is_some() {
                    Source::Default
                } else {
                    pending.source.clone()
                };
                self.install(scenario, sim, source);
                self.settle(ctx, pending);
            }
            Err(e) if pending.source != Source::Default => {
                let protocol = if labs::compiled(scenario.protocol) {
                    scenario.protocol
                } else {
                    pending.protocol
                };
                self.open(
                    ctx,
                    Opening {
                        protocol,
                        start: Start::Preset(presets::default_id(protocol)),
                        at: None,
                        view: pending.view,
                        tour: None,
                        source: Source::Default,
                        error: Some(format!("This link cannot be opened: the scenario: {e}")),
                    },
                );
            }
            Err(e) => {
                self.install_bare(pending.protocol);
                let error = Some(format!("This lab's default scenario does not build: {e}"));
                self.settle(ctx, Pending { error, ..pending });
            }
        }
    }

    /// Handles what a fetch brought.
    pub(super) fn fetched(&mut self, ctx: &Context<Self>, what: Fetched) {
        match what {
            Fetched::Opening(result) => {
                let Some(pending) = self.loading.take().and_then(|l| l.pending) else {
                    return;
                };
                match result {
                    Ok(scenario) => self.open_run(ctx, scenario, pending),
                    Err(e) => {
                        let why = format!(
                            "The {} lab's scenario could not be loaded ({e}): a bare cluster stands in. Reload the page to try again.",
                            labs::label(self.entry.protocol)
                        );
                        let error = Some(match &pending.error {
                            Some(first) => format!("{first}. {why}"),
                            None => why,
                        });
                        let pending = Pending {
                            at: None,
                            tour: None,
                            error,
                            ..pending
                        };
                        self.settle(ctx, pending);
                    }
                }
            }
            Fetched::Preset(id, result) => match result {
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
            Fetched::Tour {
                tour,
                step,
                from_link,
            } => {
                self.loading = None;
                let tour = if from_link {
                    tour.map_err(|e| {
                        format!(
                            "This link cannot be opened: `tour`: {}",
                            e.trim_start_matches("tour: ")
                        )
                    })
                    .and_then(|t| {
                        let last = t.steps.len().saturating_sub(1);
                        if step > last {
                            return Err(format!(
                                "This link cannot be opened: `step`: the {} tour has steps 0 to {last}",
                                t.id
                            ));
                        }
                        Ok(t)
                    })
                } else {
                    tour
                };
                match tour {
                    Ok(t) => self.tour_go(Rc::new(t), step),
                    Err(e) => self.error = Some(e),
                }
            }
        }
    }

    /// Fetches preset `id` (from the gallery) and loads it.
    pub(super) fn fetch_preset(&mut self, ctx: &Context<Self>, id: String) {
        self.spawn(ctx, async move {
            let result = presets::fetch(&id).await;
            Fetched::Preset(id, result)
        });
    }

    /// Fetches tour `id` and shows its step `step`; a link's tour keeps the
    /// lab loading until it arrives.
    pub(super) fn fetch_tour(
        &mut self,
        ctx: &Context<Self>,
        id: String,
        step: usize,
        from_link: bool,
    ) {
        if from_link {
            self.loading = Some(Loading {
                text: "Loading the tour…".into(),
                pending: None,
            });
        }
        self.spawn(ctx, async move {
            Fetched::Tour {
                tour: tour::fetch(&id).await,
                step,
                from_link,
            }
        });
    }

    /// What a link asks of the lab just installed: its time, its view, its
    /// tour; `error` is why the link could not be opened as written.
    fn settle(&mut self, ctx: &Context<Self>, pending: Pending) {
        let Pending {
            at,
            view,
            tour,
            mut error,
            ..
        } = pending;
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
            .map_or(self.entry.default_speed, math::log10)
            .clamp(SPEED_RANGE.0, SPEED_RANGE.1);
        self.diagram = view.diagram.unwrap_or(true);
        self.refresh(true);
        self.selected = view.node.filter(|n| self.status(*n).is_some());
        if let (Some(n), None, None) = (view.node, self.selected, &error) {
            // Say so rather than ignore it: the link names a node this run
            // does not have.
            error = Some(format!(
                "node={}: this run has no node {n}, so nothing is selected.",
                n.0
            ));
        }
        share::apply_look(&view);
        self.view = view;
        if let (Some((id, step)), None) = (tour, &error) {
            self.fetch_tour(ctx, id, step as usize, true);
        }
        self.error = error;
    }

    /// The look the reader chose (embedding, controls, theme, presenter):
    /// it stays when the lab changes.
    pub(super) fn look(&self) -> View {
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
    pub(super) fn link(&mut self, for_sharing: bool) -> Link {
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
        let speed = math::exp10(self.speed_exp);
        look.speed = ((self.speed_exp - self.entry.default_speed).abs() > 1e-6).then_some(speed);
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
    /// update per period). Nothing changes while the lab loads.
    pub(super) fn schedule_address(&mut self, ctx: &Context<Self>) {
        if self.address_timer.is_none() && self.loading.is_none() {
            share::replace_address(&self.link(false).to_fragment());
            let link = ctx.link().clone();
            self.address_timer = Some(Timeout::new(ADDRESS_PERIOD_MS, move || {
                link.send_message(Msg::SyncAddress)
            }));
        }
    }

    /// Shows step `step` of `tour`: its scenario replayed to its time, paused.
    pub(super) fn tour_go(&mut self, tour: Rc<Tour>, step: usize) {
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
}
