//! The page's layout: the header, the running lab's drawing, stage and
//! panel round the generic controls, diagram, network panel, invariants and
//! event log, the overlays, and the embedded look.

use super::{App, Msg, Overlay};
use crate::components::break_it::{break_it, BreakItProps};
use crate::components::controls::{controls, ControlsProps};
use crate::components::header::{header, HeaderProps};
use crate::components::network_panel::{network_panel, NetworkPanelProps};
use crate::components::params_panel::{nodes_knob, params_panel, ParamsPanelProps};
use crate::components::spacetime::{space_time, SpaceTimeProps};
use crate::components::{
    event_log::event_log, gallery::Gallery, help::help, invariants::invariants,
    scenario_dialog::ScenarioDialog, share_dialog::ShareDialog, tour_card::TourCard,
};
use crate::hunt::Status;
use crate::labs::{self, Cx};
use faultline_core::link::{Controls as ControlsOption, Link};
use faultline_core::Scenario;
use yew::prelude::*;

impl App {
    /// What the running lab's views get.
    fn cx(&self, ctx: &Context<Self>) -> Cx<'_> {
        let link = ctx.link();
        Cx {
            snapshot: self.snapshot.clone(),
            selected: self.selected,
            selected_link: self.selected_link,
            partition: &self.partition,
            on_command: link.callback(Msg::Command),
            message_fault: self.message_fault,
            on_select: link.callback(Msg::Select),
            on_select_link: link.callback(Msg::SelectLink),
            on_partition_node: link.callback(Msg::TogglePartitionNode),
            on_lab: link.callback(Msg::Lab),
        }
    }

    /// The parameters panel of the running protocol.
    fn params_panel(&self, ctx: &Context<Self>) -> Html {
        let Some(info) = self.scenario.protocol.info() else {
            return Html::default();
        };
        let knobs = std::iter::once(nodes_knob(info.max_nodes))
            .chain(info.knobs.iter().copied())
            .collect();
        params_panel(&ParamsPanelProps {
            knobs,
            values: self.params.clone(),
            error: self.param_error.clone(),
            on_set: ctx.link().callback(|(k, v)| Msg::SetParam(k, v)),
            bugs: if labs::HAS_BUGS { info.bugs } else { &[] },
            on_bug: if labs::HAS_BUGS {
                ctx.link().callback(|(b, on)| Msg::SetBug(b, on))
            } else {
                Callback::noop()
            },
        })
    }

    /// The Break-it panel: the counterexample search (pages of labs whose
    /// protocols have no bugs leave it out).
    fn break_it_panel(&self, ctx: &Context<Self>) -> Html {
        if !labs::HAS_BUGS {
            return Html::default();
        }
        let link = ctx.link();
        break_it(&BreakItProps {
            properties: super::properties(self.sim.protocol()),
            property: self.hunt_property,
            budget: self.hunt_budget,
            seed: self.sim.seed(),
            status: self.hunt.as_ref().map_or(&Status::Idle, |h| &h.status),
            on_property: link.callback(Msg::HuntProperty),
            on_budget: link.callback(Msg::HuntBudget),
            on_run: link.callback(Msg::Hunt),
        })
    }

    /// The cluster drawing, or the loading line while the lab loads.
    fn drawing(&self, cx: &Cx<'_>) -> Html {
        match &self.loading {
            Some(l) => html! {
                <section class="panel loading" role="status"><p class="dim">{ l.text.clone() }</p></section>
            },
            None => self.lab.drawing(cx),
        }
    }

    /// The playback controls the view asks for.
    fn controls(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let snap = &self.snapshot;
        if self.view.controls == ControlsOption::None || self.loading.is_some() {
            return Html::default();
        }
        controls(&ControlsProps {
            minimal: self.view.controls == ControlsOption::Minimal,
            playing: self.playing,
            speed_exp: self.speed_exp,
            now: snap.now,
            horizon: snap.horizon,
            events: snap.events,
            trace_hash: snap.trace_hash.clone(),
            on_toggle: link.callback(|_| Msg::TogglePlay),
            on_step: link.callback(|_| Msg::Step),
            on_speed: link.callback(Msg::Speed),
            on_seek: link.callback(Msg::Seek),
            on_reset: link.callback(|new_seed| Msg::Reset { new_seed }),
        })
    }

    /// The error toast, if there is an error.
    fn toast(&self, ctx: &Context<Self>) -> Html {
        let Some(e) = self.error.clone() else {
            return Html::default();
        };
        html! {
            <div class="toast" role="alert">
                <span>{ e }</span>
                <button class="ghost" aria-label="Dismiss" onclick={ctx.link().callback(|_| Msg::DismissError)}>{ "×" }</button>
            </div>
        }
    }

    /// Embed mode: the drawing and the chosen controls, fitted to the frame.
    fn embedded(&self, ctx: &Context<Self>) -> Html {
        let label = format!("faultline {} lab", self.scenario.protocol.as_str());
        html! {
            <div class="app">
                <main class="stage embedded" aria-label={label}>
                    <div class="drawing">{ self.drawing(&self.cx(ctx)) }</div>
                    { self.controls(ctx) }
                </main>
                <button class="open-full" onclick={ctx.link().callback(|_| Msg::OpenFull)}
                    title="Open this run in the full lab, in a new tab">{ "faultline ↗" }</button>
                { self.toast(ctx) }
            </div>
        }
    }

    /// The space-time diagram, or the button that shows it.
    fn diagram(&self, ctx: &Context<Self>) -> Html {
        if !labs::HAS_DIAGRAM {
            return Html::default();
        }
        let link = ctx.link();
        let snap = self.snapshot.clone();
        if !self.diagram && self.entry.diagram {
            return html! {
                <section class="panel spacetime collapsed">
                    <button onclick={link.callback(|_| Msg::ToggleDiagram)}>{ "Show space-time diagram" }</button>
                </section>
            };
        }
        let Some(d) = snap.diagram.as_ref() else {
            return Html::default();
        };
        space_time(&SpaceTimeProps {
            snapshot: snap.clone(),
            selected: self.point.and_then(|k| k.find(d)),
            pair: self.pair.and_then(|(a, b)| Some((a.find(d)?, b.find(d)?))),
            compare: self.compare.and_then(|k| k.find(d)),
            on_compare: link.callback(Msg::ComparePoint),
            on_select: link.callback(Msg::SelectPoint),
            on_find_pair: link.callback(|_| Msg::FindPair),
            on_export: link.callback(|_| Msg::ExportShiviz),
            on_hide: link.callback(|_| Msg::ToggleDiagram),
            mark: self.expect.as_ref().map(|(p, at)| (*at, p.clone())),
        })
    }

    /// The overlay open, if any.
    fn overlay(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let close = link.callback(|_| Msg::Overlay(None));
        match &self.overlay {
            None => Html::default(),
            Some(Overlay::Help) => help(&close),
            Some(Overlay::Share(url)) => html! {
                <ShareDialog link={(**url).clone()} lab={labs::label(self.entry.protocol)} on_close={close} />
            },
            Some(Overlay::Presets) => html! {
                <Gallery
                    protocol={self.scenario.protocol}
                    on_load={link.callback(Msg::LoadPreset)}
                    on_close={close}
                />
            },
            Some(Overlay::Scenario(json)) => html! {
                <ScenarioDialog
                    current={(**json).clone()}
                    on_load={link.callback(|s: Scenario| Msg::Load(Box::new(s)))}
                    on_close={close}
                />
            },
        }
    }

    /// The whole page.
    pub(super) fn page_view(&self, ctx: &Context<Self>) -> Html {
        if self.view.embed {
            return self.embedded(ctx);
        }
        let link = ctx.link();
        let snap = self.snapshot.clone();
        let cx = self.cx(ctx);
        let protocol = self.scenario.protocol;
        let name = self
            .scenario
            .name
            .clone()
            .unwrap_or_else(|| "Untitled scenario".into());
        let look = Link {
            view: self.look(),
            ..Link::default()
        }
        .to_fragment();
        let look = look
            .split_once('?')
            .map(|(_, q)| format!("?{q}"))
            .unwrap_or_default();
        let ready = self.loading.is_none();
        html! {
            <div class="app">
                { header(&HeaderProps {
                    protocol,
                    scenario: name,
                    seed: self.sim.seed(),
                    look,
                    on_share: link.callback(|_| Msg::OpenShare),
                    on_scenario: link.callback(|_| Msg::OpenScenario),
                    on_help: link.callback(|_| Msg::Overlay(Some(Overlay::Help))),
                    on_tour: link.callback(move |_| Msg::StartTour { id: protocol.as_str().into(), step: 0 }),
                    on_presets: link.callback(|_| Msg::Overlay(Some(Overlay::Presets))),
                }) }
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
                        { self.drawing(&cx) }
                        { self.controls(ctx) }
                        if ready {
                            { self.lab.stage(&cx) }
                            { self.diagram(ctx) }
                        }
                    </section>
                    if ready {
                        <aside class="side">
                            { self.lab.panel(&cx) }
                            { self.params_panel(ctx) }
                            { self.break_it_panel(ctx) }
                            { network_panel(&NetworkPanelProps {
                                snapshot: snap.clone(),
                                selected_link: self.selected_link,
                                partition: self.partition.clone(),
                                on_command: cx.on_command.clone(),
                                on_partition_mode: link.callback(Msg::PartitionMode),
                                on_apply_partition: link.callback(|_| Msg::ApplyPartition),
                                clickable_links: self.lab.clickable_links(),
                                message_fault: self.message_fault,
                                on_message_fault: link.callback(Msg::MessageFault),
                            }) }
                            { invariants(&snap, self.expect.as_ref().filter(|(_, at)| self.sim.now() < *at).map(|(p, at)| (p.as_str(), *at))) }
                            { event_log(&snap) }
                        </aside>
                    }
                </main>
                { self.toast(ctx) }
                { self.overlay(ctx) }
            </div>
        }
    }
}

/// On a stacked (narrow) layout the node panel sits far below the drawing:
/// bring it into view when a node is selected.
pub(super) fn reveal_node_panel() {
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
